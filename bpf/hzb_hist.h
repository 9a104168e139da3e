/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hzb_hist: the log-linear histogram of scan_latency.h as a plain
 * aggregate, for the programs beyond scan_latency (scan_phase,
 * lock_contention, holders).  One per metric and per CPU in a BPF_MAP_TYPE_PERCPU_ARRAY;
 * userspace sums the CPUs (min and max by min and max).  Values are ns
 * for times and plain numbers for counts (list lengths, restarts): below
 * 2 * HZB_HIST_SUB every value has its own bucket.
 */
#ifndef __HZB_HIST_H
#define __HZB_HIST_H

#include "scan_latency.h"

struct hzb_hist {
	__u64 count;
	__u64 total;
	__u64 min;		/* ~0 until the first sample */
	__u64 max;
	__u64 hist[HZB_HIST_SLOTS];
};

#endif /* __HZB_HIST_H */
