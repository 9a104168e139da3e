/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The synchronize-median cross-check by rank.  The check brackets BPF's
 * median between the module's medians without and with the probes, by
 * value; values mislead where the distribution is sparse at its median:
 * synchronize_srcu() expedites itself when SRCU looks idle, so with
 * yielding readers its latency is bimodal (tens of us or tens of ms), the
 * median may sit in the gap, and the few calls whose module window alone
 * grew (the updater preempted between ktime_get_ns() and the probe's
 * entry) move it by 10-50%.  BPF and the module's BPF segments time the
 * same calls, so the fair comparison is by rank: the difference is
 * explained when at most HZB_MEDIAN_RANK_PCT% of BPF's timed calls, plus
 * the share of calls it could not time, lie between the two medians.
 */
#ifndef HZB_MEDIAN_H
#define HZB_MEDIAN_H

#include <math.h>
#include <stdint.h>

#include "scan_latency.h"

/* Median rank distance a sparse median explains, in % of the calls. */
#define HZB_MEDIAN_RANK_PCT	5

/*
 * Share of BPF's timed calls at or below @x, interpolated within the
 * bucket holding @x (the overflow bucket counts whole once @x reaches its
 * lower bound); NAN when nothing was timed.
 */
static inline double hzb_bpf_share_le(const struct hzb_lat_stats *b, double x)
{
	uint64_t n = 0, below = 0;
	double part = 0;
	uint32_t k;

	for (k = 0; k < HZB_HIST_SLOTS; k++) {
		double lo = (double)hzb_hist_lo(k);
		double hi = k == HZB_HIST_OVERFLOW ? lo : (double)hzb_hist_hi(k) + 1;

		n += b->h.hist[k];
		if (x >= hi)
			below += b->h.hist[k];
		else if (x >= lo && hi > lo)
			part += (double)b->h.hist[k] * (x - lo) / (hi - lo);
	}
	return n ? ((double)below + part) / (double)n : NAN;
}

/*
 * 1 when the distance between BPF's median and @module_p50 (the module's
 * median over the same calls) is explained by rank; *between gets the
 * share of BPF's timed calls between the two medians, *limit the share
 * allowed (both fractions of 1).
 */
static inline int hzb_median_by_rank(const struct hzb_lat_stats *b, double module_p50,
				     double *between, double *limit)
{
	uint64_t calls = b->entries + b->enter_misses;

	*between = fabs(hzb_bpf_share_le(b, module_p50) - 0.5);
	*limit = HZB_MEDIAN_RANK_PCT / 100.0 +
		 (calls > b->h.count ? (double)(calls - b->h.count) / (double)calls : 0);
	return b->h.count && *between <= *limit;
}

#endif
