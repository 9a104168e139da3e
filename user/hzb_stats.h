/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Summary statistics: over the module's timing samples (exact, sorted) and
 * over struct hzb_hist (bpf/hzb_hist.h, the one histogram of the BPF
 * programs).  Both take their percentiles by one rule, hzb_pct_rank().
 */
#ifndef HZB_STATS_H
#define HZB_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "../bpf/hzb_hist.h"

struct hzb_json;

struct hzb_summary {
	uint64_t n;
	double avg, min, p50, p90, p99, p999, max;
};

/*
 * The percentile rule: the 1-based rank, in sorted order, of the sample
 * that is the pct-th percentile of n (nearest rank: ceil(pct / 100 * n),
 * at least 1; pct is clamped to [0, 100], NaN counts as 0).  0 when n is 0.
 */
uint64_t hzb_pct_rank(uint64_t n, double pct);

/* Sorts @v in place; percentiles by hzb_pct_rank(). */
void hzb_summarize(uint64_t *v, size_t n, struct hzb_summary *s);

/* Midpoint of bucket idx; the lower bound for the overflow bucket. */
double hzb_hist_mid(uint32_t idx);
/* Samples in the buckets (h->count, unless a BPF update was in flight). */
uint64_t hzb_hist_total(const struct hzb_hist *h);
/* Mean of the bucket midpoints; 0 for an empty histogram. */
double hzb_hist_mean(const struct hzb_hist *h);
/*
 * Midpoint of the bucket holding the sample of rank hzb_pct_rank(n, pct);
 * 0 for an empty histogram.
 */
double hzb_hist_percentile(const struct hzb_hist *h, double pct);
/*
 * Add @src to @dst: counts, totals and buckets add up, min and max by min
 * and max.  An empty @src (count 0, as a per-CPU map value holds with its
 * min at ~0) changes nothing; an empty @dst is all zeroes.
 */
void hzb_hist_merge(struct hzb_hist *dst, const struct hzb_hist *src);
/*
 * Write avg, min, p50, p90, p99 and max of @h, each key followed by
 * @suffix ("" or "_ns"), into the open JSON object; with @buckets also
 * "hist": [[lo, hi, count], ...] for the non-empty buckets.
 */
void hzb_json_hist(struct hzb_json *j, const struct hzb_hist *h, const char *suffix, int buckets);

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
