// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "hzb_json.h"
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

uint64_t hzb_pct_rank(uint64_t n, double pct)
{
	uint64_t rank;

	if (!n)
		return 0;
	if (!(pct > 0))
		pct = 0;
	if (pct > 100)
		pct = 100;
	/* The epsilon keeps 99.9% of 1000 at rank 999 despite rounding. */
	rank = (uint64_t)ceil(pct / 100.0 * (double)n - 1e-9);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return rank;
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
	s->p50 = (double)v[hzb_pct_rank(n, 50) - 1];
	s->p90 = (double)v[hzb_pct_rank(n, 90) - 1];
	s->p99 = (double)v[hzb_pct_rank(n, 99) - 1];
	s->p999 = (double)v[hzb_pct_rank(n, 99.9) - 1];
}

double hzb_hist_mid(uint32_t idx)
{
	if (idx >= HZB_HIST_OVERFLOW)
		return (double)hzb_hist_lo(HZB_HIST_OVERFLOW);
	return ((double)hzb_hist_lo(idx) + (double)hzb_hist_hi(idx)) / 2;
}

uint64_t hzb_hist_total(const struct hzb_hist *h)
{
	uint64_t n = 0;
	uint32_t i;

	for (i = 0; i < HZB_HIST_SLOTS; i++)
		n += h->hist[i];
	return n;
}

double hzb_hist_mean(const struct hzb_hist *h)
{
	uint64_t n = hzb_hist_total(h);
	double sum = 0;
	uint32_t i;

	for (i = 0; i < HZB_HIST_SLOTS; i++)
		if (h->hist[i])
			sum += hzb_hist_mid(i) * (double)h->hist[i];
	return n ? sum / (double)n : 0;
}

double hzb_hist_percentile(const struct hzb_hist *h, double pct)
{
	uint64_t rank = hzb_pct_rank(hzb_hist_total(h), pct), seen = 0;
	uint32_t i;

	if (!rank)
		return 0;
	for (i = 0; i < HZB_HIST_SLOTS; i++) {
		seen += h->hist[i];
		if (seen >= rank)
			return hzb_hist_mid(i);
	}
	return hzb_hist_mid(HZB_HIST_OVERFLOW);
}

void hzb_hist_merge(struct hzb_hist *dst, const struct hzb_hist *src)
{
	uint32_t i;

	if (!src->count)
		return;
	if (!dst->count || src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	dst->count += src->count;
	dst->total += src->total;
	for (i = 0; i < HZB_HIST_SLOTS; i++)
		dst->hist[i] += src->hist[i];
}

static void json_key(struct hzb_json *j, const char *name, const char *suffix, double v)
{
	char key[32];

	snprintf(key, sizeof(key), "%s%s", name, suffix);
	hzb_json_dbl(j, key, v);
}

void hzb_json_hist(struct hzb_json *j, const struct hzb_hist *h, const char *suffix, int buckets)
{
	char key[32];
	uint32_t k;

	json_key(j, "avg", suffix, h->count ? (double)h->total / (double)h->count : NAN);
	snprintf(key, sizeof(key), "min%s", suffix);
	hzb_json_u64(j, key, h->count ? h->min : 0);
	json_key(j, "p50", suffix, hzb_hist_percentile(h, 50));
	json_key(j, "p90", suffix, hzb_hist_percentile(h, 90));
	json_key(j, "p99", suffix, hzb_hist_percentile(h, 99));
	snprintf(key, sizeof(key), "max%s", suffix);
	hzb_json_u64(j, key, h->max);
	if (!buckets)
		return;
	hzb_json_arr_begin(j, "hist");
	for (k = 0; k < HZB_HIST_SLOTS; k++) {
		if (!h->hist[k])
			continue;
		hzb_json_arr_begin(j, NULL);
		hzb_json_u64(j, NULL, hzb_hist_lo(k));
		hzb_json_u64(j, NULL, hzb_hist_hi(k));
		hzb_json_u64(j, NULL, h->hist[k]);
		hzb_json_arr_end(j);
	}
	hzb_json_arr_end(j);
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
