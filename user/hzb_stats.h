/* SPDX-License-Identifier: GPL-2.0 */
/* Summary statistics over timing samples. */
#ifndef HZB_STATS_H
#define HZB_STATS_H

#include <stddef.h>
#include <stdint.h>

struct hzb_summary {
	uint64_t n;
	double avg, min, p50, p90, p99, p999, max;
};

/* Sorts @v in place; nearest-rank percentiles. */
void hzb_summarize(uint64_t *v, size_t n, struct hzb_summary *s);
/* Nearest-rank percentile of sorted @v, pct in [0, 100]. */
double hzb_percentile_sorted(const uint64_t *v, size_t n, double pct);

/*
 * Median of @n doubles and its 95% confidence interval by the binomial
 * order-statistic method (distribution-free); @v is sorted in place.
 * With fewer than 6 values the interval is the full range.
 */
void hzb_median_ci(double *v, size_t n, double *median, double *lo, double *hi);
/*
 * The exact coverage (0..1) of the interval hzb_median_ci() gives for @n
 * values: at least 0.95 from 6 values on, 1 - 2^(1-n) below (the range:
 * 0.75 for 3 values); NaN for none.
 */
double hzb_median_ci_coverage(size_t n);

#endif
