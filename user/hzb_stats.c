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
	rank = (size_t)ceil(pct / 100.0 * (double)n);
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

void hzb_median_ci(double *v, size_t n, double *median, double *lo, double *hi)
{
	size_t k;

	*median = *lo = *hi = NAN;
	if (!n)
		return;
	qsort(v, n, sizeof(*v), cmp_dbl);
	*median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	*lo = v[0];
	*hi = v[n - 1];
	/* Largest k with P(X < k) <= 2.5%: [v(k), v(n-k+1)] covers >= 95%. */
	for (k = 1; k <= n / 2; k++) {
		if (binom_cdf_half(n, k - 1) > 0.025)
			break;
		*lo = v[k - 1];
		*hi = v[n - k];
	}
}
