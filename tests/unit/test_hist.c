// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the one histogram (bpf/hzb_hist.h) that the BPF programs
 * fill and userspace reads (user/hzb_stats.c): bucket index math, bucket
 * width, percentiles by the rule hzb_summarize() uses too, mean, merge.
 * Exit status 0 when every check passes.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../user/hzb_stats.h"

#define MAX_REL_ERR	(1.0 / HZB_HIST_SUB)
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static int failures;

#define CHECK(cond, fmt, ...)							\
	do {									\
		if (!(cond)) {							\
			if (failures++ < 20)					\
				fprintf(stderr, "%s:%d: %s: " fmt "\n",		\
					__FILE__, __LINE__, #cond, ##__VA_ARGS__); \
		}								\
	} while (0)

/* xorshift64*, so that runs are reproducible */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [0, 1). */
static double rng_unit(void)
{
	return (double)(rng() >> 11) / (double)(1ULL << 53);
}

/* Every value lands in a bucket whose range holds it, narrow enough. */
static void check_value(uint64_t v)
{
	uint32_t idx = hzb_hist_index(v);
	uint64_t lo, hi;

	CHECK(idx < HZB_HIST_SLOTS, "v=%" PRIu64 " idx=%u", v, idx);
	if (idx >= HZB_HIST_SLOTS)
		return;
	lo = hzb_hist_lo(idx);
	hi = hzb_hist_hi(idx);
	CHECK(lo <= v && v <= hi, "v=%" PRIu64 " idx=%u [%" PRIu64 ", %" PRIu64 "]", v, idx, lo,
	      hi);
	if (v >= HZB_HIST_LIMIT) {
		CHECK(idx == HZB_HIST_OVERFLOW, "v=%" PRIu64 " idx=%u", v, idx);
		return;
	}
	CHECK(idx != HZB_HIST_OVERFLOW, "v=%" PRIu64 " below the limit overflowed", v);
	if (v > 0) {
		double mid = hzb_hist_mid(idx);

		CHECK((double)(hi - lo + 1) / (double)v <= MAX_REL_ERR || hi == lo,
		      "v=%" PRIu64 " bucket [%" PRIu64 ", %" PRIu64 "] too wide", v, lo, hi);
		CHECK(fabs(mid - (double)v) / (double)v <= MAX_REL_ERR,
		      "v=%" PRIu64 " mid=%.1f", v, mid);
	}
}

static void test_index(void)
{
	uint64_t v;
	uint32_t i;
	int k;

	/* Buckets tile [0, limit) in order, without gaps or overlaps. */
	CHECK(hzb_hist_lo(0) == 0, "lo(0)=%" PRIu64, (uint64_t)hzb_hist_lo(0));
	for (i = 0; i < HZB_HIST_OVERFLOW; i++) {
		uint64_t lo = hzb_hist_lo(i), hi = hzb_hist_hi(i);

		CHECK(lo <= hi, "bucket %u: [%" PRIu64 ", %" PRIu64 "]", i, lo, hi);
		CHECK(hi + 1 == hzb_hist_lo(i + 1), "bucket %u ends at %" PRIu64 ", %u starts at %"
		      PRIu64, i, hi, i + 1, (uint64_t)hzb_hist_lo(i + 1));
		CHECK(hzb_hist_index(lo) == i, "index(lo(%u)) = %u", i, hzb_hist_index(lo));
		CHECK(hzb_hist_index(hi) == i, "index(hi(%u)) = %u", i, hzb_hist_index(hi));
	}
	CHECK(hzb_hist_hi(HZB_HIST_OVERFLOW - 1) == HZB_HIST_LIMIT - 1, "last regular bucket");
	CHECK(hzb_hist_lo(HZB_HIST_OVERFLOW) == HZB_HIST_LIMIT, "overflow bucket");

	/* Small values exhaustively, every power of two and its neighbours. */
	for (v = 0; v < (1 << 20); v++)
		check_value(v);
	for (k = 0; k < 64; k++) {
		v = 1ULL << k;
		check_value(v - 1);
		check_value(v);
		check_value(v + 1);
	}
	check_value(~0ULL);

	/* Log-uniform over 1 ns .. 1e12 ns (~17 min). */
	for (i = 0; i < 2000000; i++) {
		v = (uint64_t)exp(rng_unit() * log(1e12));
		check_value(v ? v : 1);
	}
	check_value(1000000000000ULL);

	/* 1e12 ns must still be a regular bucket: the range asked for. */
	CHECK(hzb_hist_index(1000000000000ULL) < HZB_HIST_OVERFLOW, "1e12 overflowed");
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank, ceil(pct / 100 * n), applied to the raw samples. */
static uint64_t exact_percentile(const uint64_t *sorted, uint64_t n, double pct)
{
	uint64_t rank = (uint64_t)ceil(pct / 100 * (double)n - 1e-9);

	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	CHECK(rank == hzb_pct_rank(n, pct), "n=%" PRIu64 " p%g: rank %" PRIu64 ", hzb_pct_rank %"
	      PRIu64, n, pct, rank, hzb_pct_rank(n, pct));
	return sorted[rank - 1];
}

static void check_samples(const char *name, uint64_t *samples, uint64_t n)
{
	static const double pcts[] = { 0, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100 };
	static struct hzb_hist h, half[2];
	double sum = 0, mean;
	uint64_t i;
	size_t p;

	memset(&h, 0, sizeof(h));
	memset(half, 0, sizeof(half));
	half[0].min = half[1].min = ~0ULL;	/* as a per-CPU map holds them */
	for (i = 0; i < n; i++) {
		uint32_t idx = hzb_hist_index(samples[i]);
		struct hzb_hist *c = &half[i % 2];

		CHECK(idx < HZB_HIST_SLOTS, "%s: v=%" PRIu64 " idx=%u", name, samples[i], idx);
		if (idx >= HZB_HIST_SLOTS)
			return;
		c->hist[idx]++;
		c->count++;
		c->total += samples[i];
		if (samples[i] < c->min)
			c->min = samples[i];
		if (samples[i] > c->max)
			c->max = samples[i];
		sum += (double)samples[i];
	}
	hzb_hist_merge(&h, &half[0]);
	hzb_hist_merge(&h, &half[1]);
	qsort(samples, n, sizeof(*samples), cmp_u64);
	CHECK(hzb_hist_total(&h) == n && h.count == n, "%s: total %" PRIu64, name,
	      hzb_hist_total(&h));
	CHECK(h.min == samples[0] && h.max == samples[n - 1], "%s: min %llu max %llu",
	      name, h.min, h.max);

	for (p = 0; p < ARRAY_SIZE(pcts); p++) {
		uint64_t want = exact_percentile(samples, n, pcts[p]);
		double got = hzb_hist_percentile(&h, pcts[p]);

		/* Same bucket as the exact answer, so within its width. */
		CHECK(hzb_hist_index((uint64_t)got) == hzb_hist_index(want),
		      "%s: p%g = %.1f, exact %" PRIu64, name, pcts[p], got, want);
		CHECK(fabs(got - (double)want) <= MAX_REL_ERR * (double)want,
		      "%s: p%g = %.1f, exact %" PRIu64, name, pcts[p], got, want);
	}

	mean = hzb_hist_mean(&h);
	CHECK(fabs(mean - sum / (double)n) <= MAX_REL_ERR * sum / (double)n,
	      "%s: mean %.1f, exact %.1f", name, mean, sum / (double)n);
}

static void test_percentiles(void)
{
	static uint64_t samples[200000];
	static struct hzb_hist h, empty;
	uint64_t i;

	/* Empty: zeros, not garbage; merging an empty one changes nothing. */
	memset(&h, 0, sizeof(h));
	CHECK(hzb_hist_percentile(&h, 50) == 0, "empty p50");
	CHECK(hzb_hist_mean(&h) == 0, "empty mean");
	CHECK(hzb_pct_rank(0, 50) == 0, "rank of nothing");

	/* Small exact buckets give exact answers. */
	h.hist[7] = 1;
	h.hist[9] = 2;
	h.hist[40] = 1;
	h.count = 4;
	h.min = 7;
	h.max = 40;
	empty.min = ~0ULL;
	hzb_hist_merge(&h, &empty);
	CHECK(h.count == 4 && h.min == 7 && h.max == 40, "merge of an empty histogram");
	CHECK(hzb_hist_percentile(&h, 0) == 7, "p0 %g", hzb_hist_percentile(&h, 0));
	CHECK(hzb_hist_percentile(&h, 25) == 7, "p25 %g", hzb_hist_percentile(&h, 25));
	CHECK(hzb_hist_percentile(&h, 26) == 9, "p26 %g", hzb_hist_percentile(&h, 26));
	CHECK(hzb_hist_percentile(&h, 50) == 9, "p50 %g", hzb_hist_percentile(&h, 50));
	CHECK(hzb_hist_percentile(&h, 75) == 9, "p75 %g", hzb_hist_percentile(&h, 75));
	CHECK(hzb_hist_percentile(&h, 76) == 40, "p76 %g", hzb_hist_percentile(&h, 76));
	CHECK(hzb_hist_percentile(&h, 100) == 40, "p100 %g", hzb_hist_percentile(&h, 100));
	CHECK(hzb_hist_percentile(&h, -5) == 7, "p-5 clamps");
	CHECK(hzb_hist_percentile(&h, 250) == 40, "p250 clamps");
	CHECK(hzb_hist_percentile(&h, NAN) == 7, "pNaN clamps to p0");
	CHECK(hzb_hist_mean(&h) == (7 + 9 + 9 + 40) / 4.0, "mean %g", hzb_hist_mean(&h));

	/* Overflow samples report the limit. */
	memset(&h, 0, sizeof(h));
	h.hist[hzb_hist_index(5000000000000ULL)] = 1;
	CHECK(hzb_hist_percentile(&h, 50) == (double)HZB_HIST_LIMIT, "overflow p50");

	/* 1..1000 once each. */
	for (i = 0; i < 1000; i++)
		samples[i] = i + 1;
	check_samples("uniform 1..1000", samples, 1000);

	/* Uniform over 10 us .. 20 ms. */
	for (i = 0; i < 200000; i++)
		samples[i] = 10000 + rng() % 20000000;
	check_samples("uniform 10us..20ms", samples, 200000);

	/* Exponential, mean 15 ms (synchronize_rcu-like). */
	for (i = 0; i < 200000; i++)
		samples[i] = (uint64_t)(-log(1 - rng_unit()) * 15e6) + 1;
	check_samples("exponential 15ms", samples, 200000);

	/* Bimodal: fast path ~200 ns, 1% slow path ~6 ms. */
	for (i = 0; i < 200000; i++)
		samples[i] = i % 100 ? 150 + rng() % 100 : 5000000 + rng() % 2000000;
	check_samples("bimodal", samples, 200000);

	/* Log-uniform 1 ns .. 1000 s. */
	for (i = 0; i < 200000; i++)
		samples[i] = (uint64_t)exp(rng_unit() * log(1e12)) + 1;
	check_samples("log-uniform", samples, 200000);
}

int main(void)
{
	test_index();
	test_percentiles();
	if (failures) {
		fprintf(stderr, "test_hist: %d check(s) failed\n", failures);
		return 1;
	}
	printf("test_hist: ok (%u buckets, limit %" PRIu64 " ns)\n", HZB_HIST_SLOTS,
	       (uint64_t)HZB_HIST_LIMIT);
	return 0;
}
