/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scan_latency: what scan_latency.bpf.c and its loader share.  The
 * latencies go into a struct hzb_hist (hzb_hist.h).
 */
#ifndef __HZB_SCAN_LATENCY_H
#define __HZB_SCAN_LATENCY_H

#include "hzb_hist.h"

#define HZB_SCAN_MAX_TASKS	16384	/* synchronize calls in flight at once */

/* One per CPU; userspace sums them. */
struct hzb_lat_percpu {
	__u64 entries;		/* entry probe hits */
	__u64 unmatched;	/* exits with no start (attached mid-call) */
	__u64 drops;		/* starts not stored: start map full */
	__u64 lost_exits;	/* entries that found the last exit missing */
	struct hzb_hist h;	/* exits timed and recorded (ns) */
};

#endif /* __HZB_SCAN_LATENCY_H */
