// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdlib.h>
#include "hzb_stats.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double hzb_percentile_sorted(const uint64_t *v, size_t n, double pct)
{
	size_t rank;

	if (!n)
		return 0;
	/* The epsilon keeps 99.9% of 1000 at rank 999 despite rounding. */
	rank = (size_t)ceil(pct / 100.0 * (double)n - 1e-9);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return (double)v[rank - 1];
}

void hzb_summarize(uint64_t *v, size_t n, struct hzb_summary *s)
{
	double sum = 0;
	size_t i;

	*s = (struct hzb_summary){ .n = n };
	if (!n)
		return;
	qsort(v, n, sizeof(*v), cmp_u64);
	for (i = 0; i < n; i++)
		sum += (double)v[i];
	s->avg = sum / (double)n;
	s->min = (double)v[0];
	s->max = (double)v[n - 1];
	s->p50 = hzb_percentile_sorted(v, n, 50);
	s->p90 = hzb_percentile_sorted(v, n, 90);
	s->p99 = hzb_percentile_sorted(v, n, 99);
	s->p999 = hzb_percentile_sorted(v, n, 99.9);
}

/* P(X <= k) for X ~ Binomial(n, 1/2). */
static double binom_cdf_half(size_t n, size_t k)
{
	double logp = -(double)n * log(2.0), sum = 0;
	size_t i;

	for (i = 0; i <= k; i++)
		sum += exp(lgamma((double)n + 1) - lgamma((double)i + 1) -
			   lgamma((double)(n - i) + 1) + logp);
	return sum;
}

/* The k of hzb_median_ci(): [v(k), v(n-k+1)], 1-based. */
static size_t median_ci_k(size_t n)
{
	size_t k, best = 1;

	/* Largest k with P(X < k) <= 2.5%: [v(k), v(n-k+1)] covers >= 95%. */
	for (k = 1; k <= n / 2; k++) {
		if (binom_cdf_half(n, k - 1) > 0.025)
			break;
		best = k;
	}
	return best;
}

double hzb_median_ci_coverage(size_t n)
{
	if (!n)
		return NAN;
	/* The interval misses the median when k-1 or fewer values lie on one side. */
	return 1 - 2 * binom_cdf_half(n, median_ci_k(n) - 1);
}

void hzb_median_ci(double *v, size_t n, double *median, double *lo, double *hi)
{
	size_t k;

	*median = *lo = *hi = NAN;
	if (!n)
		return;
	qsort(v, n, sizeof(*v), cmp_dbl);
	*median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	k = median_ci_k(n);
	*lo = v[k - 1];
	*hi = v[n - k];
}
