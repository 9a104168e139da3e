// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the synchronize-median check by rank (user/hzb_median.h):
 * a bimodal distribution whose median sits in the gap is explained, a BPF
 * timing that is off for every call is not, untimed calls widen the
 * allowance, and nothing timed explains nothing.  Exit status 0 when
 * every check passes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../user/hzb_median.h"
#include "../../user/hzb_stats.h"

static int failures;

#define CHECK(cond, fmt, ...)							\
	do {									\
		if (!(cond)) {							\
			failures++;						\
			fprintf(stderr, "%s:%d: %s: " fmt "\n",			\
				__FILE__, __LINE__, #cond, ##__VA_ARGS__);	\
		}								\
	} while (0)

static void add(struct hzb_lat_stats *b, uint64_t ns, unsigned int n)
{
	b->h.hist[hzb_hist_index(ns)] += n;
	b->h.count += n;
	b->entries += n;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The module's median of @n samples, nearest rank as hzb_summarize(). */
static double median(uint64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return (double)v[(n - 1) / 2];
}

int main(void)
{
	static struct hzb_lat_stats b;
	static uint64_t mod[1000];
	double between, limit, p50;
	size_t n = 0, i;

	/*
	 * srcu under --preempt=yield (seen: BPF 282624 ns, module 324907):
	 * 330 self-expedited calls of ~30 us, 330 normal ones of ~30 ms, and
	 * 5 in the gap whose module window grew by 40 us (the updater
	 * preempted outside the probe's window); every other call's module
	 * window is 2 us longer than BPF's.
	 */
	add(&b, 30000, 330);
	add(&b, 290000, 5);
	add(&b, 30000000, 330);
	for (i = 0; i < 330; i++)
		mod[n++] = 32000;
	for (i = 0; i < 5; i++)
		mod[n++] = 330000;
	for (i = 0; i < 330; i++)
		mod[n++] = 30002000;
	p50 = median(mod, n);
	CHECK(hzb_hist_percentile(&b.h, 50) < 0.9 * p50,
	      "precondition: the 10%% bracket fails (bpf %.0f, module %.0f)",
	      hzb_hist_percentile(&b.h, 50), p50);
	CHECK(hzb_median_by_rank(&b, p50, &between, &limit),
	      "a sparse median is explained (between %.3f, limit %.3f)", between, limit);
	CHECK(between < 0.01, "0.4%% of the calls lie between (got %.4f)", between);
	CHECK(fabs(limit - HZB_MEDIAN_RANK_PCT / 100.0) < 1e-9, "limit %.4f", limit);

	/*
	 * BPF times every call 30% short of the module (a wrong window, not a
	 * probe cost): unimodal 200-400 us, the module's p50 above all but
	 * the slowest BPF samples.  Not explained.
	 */
	memset(&b, 0, sizeof(b));
	n = 0;
	for (i = 0; i < 665; i++) {
		uint64_t ns = 200000 + i * 300;

		add(&b, ns, 1);
		mod[n++] = (uint64_t)((double)ns / 0.7);
	}
	p50 = median(mod, n);
	CHECK(!hzb_median_by_rank(&b, p50, &between, &limit),
	      "a shifted distribution is not explained (between %.3f)", between);
	CHECK(between > 0.4, "most calls lie between (got %.3f)", between);

	/*
	 * A 5% shift in a dense distribution: within rank distance 5% only
	 * when the shift moves few calls; here it moves ~13% of them.
	 */
	memset(&b, 0, sizeof(b));
	n = 0;
	for (i = 0; i < 665; i++) {
		uint64_t ns = 280000 + i * 100;

		add(&b, ns, 1);
		mod[n++] = ns + 9000;
	}
	p50 = median(mod, n);
	CHECK(!hzb_median_by_rank(&b, p50, &between, &limit),
	      "a dense shift of 9 us is not explained by rank (between %.3f)", between);

	/* Calls BPF could not time widen the allowance by their share. */
	b.enter_misses = 665;
	hzb_median_by_rank(&b, p50, &between, &limit);
	CHECK(fabs(limit - (HZB_MEDIAN_RANK_PCT / 100.0 + 0.5)) < 1e-9,
	      "half the calls untimed: limit %.4f", limit);
	CHECK(hzb_median_by_rank(&b, p50, &between, &limit),
	      "and then the same shift is explained (between %.3f)", between);

	/* Nothing timed: nothing explained. */
	memset(&b, 0, sizeof(b));
	CHECK(!hzb_median_by_rank(&b, 1000, &between, &limit), "empty histogram");

	if (failures)
		fprintf(stderr, "test_median: %d failure(s)\n", failures);
	else
		printf("test_median: ok\n");
	return failures ? 1 : 0;
}
