/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hzb_hist: the one histogram of hzbench, for the BPF programs and for
 * userspace (user/hzb_stats.h reads it: percentiles, mean, JSON).
 *
 * Log-linear buckets: values below 2 * HZB_HIST_SUB have one bucket each;
 * above that every power of two [2^k, 2^(k+1)) is cut into HZB_HIST_SUB
 * equal buckets, so a bucket is never wider than 1/HZB_HIST_SUB of its
 * lower bound.  Values from 2^HZB_HIST_MAX_BITS (about 1100 s in ns) up
 * land in the last bucket, HZB_HIST_OVERFLOW.  Values are ns for times
 * and plain numbers for counts (list lengths, restarts).
 *
 * The BPF programs keep one struct hzb_hist per metric and per CPU in a
 * BPF_MAP_TYPE_PERCPU_ARRAY; userspace merges the CPUs (min and max by
 * min and max).  The index math below is the code the BPF programs run;
 * userspace and the unit test use the same functions.
 */
#ifndef __HZB_HIST_H
#define __HZB_HIST_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define HZB_HIST_SUB_BITS	5
#define HZB_HIST_SUB		(1U << HZB_HIST_SUB_BITS)
#define HZB_HIST_MAX_BITS	40
#define HZB_HIST_LIMIT		(1ULL << HZB_HIST_MAX_BITS)
#define HZB_HIST_OVERFLOW	((HZB_HIST_MAX_BITS - HZB_HIST_SUB_BITS + 1) << HZB_HIST_SUB_BITS)
#define HZB_HIST_SLOTS		(HZB_HIST_OVERFLOW + 1)

struct hzb_hist {
	__u64 count;
	__u64 total;
	__u64 min;		/* ~0 in a per-CPU map until its first sample */
	__u64 max;
	__u64 hist[HZB_HIST_SLOTS];
};

#ifndef __always_inline
#define __always_inline	inline __attribute__((always_inline))
#endif

/* Index of the highest set bit of v; v must not be 0. */
static __always_inline __u32 hzb_hist_fls(__u64 v)
{
	__u32 r = 0;

	if (v >> 32) {
		v >>= 32;
		r += 32;
	}
	if (v >> 16) {
		v >>= 16;
		r += 16;
	}
	if (v >> 8) {
		v >>= 8;
		r += 8;
	}
	if (v >> 4) {
		v >>= 4;
		r += 4;
	}
	if (v >> 2) {
		v >>= 2;
		r += 2;
	}
	if (v >> 1)
		r += 1;
	return r;
}

/* Bucket of value v (ns). */
static __always_inline __u32 hzb_hist_index(__u64 v)
{
	__u32 shift;

	if (v >= HZB_HIST_LIMIT)
		return HZB_HIST_OVERFLOW;
	if (v < 2 * HZB_HIST_SUB)
		return v;
	shift = hzb_hist_fls(v) - HZB_HIST_SUB_BITS;
	return (shift << HZB_HIST_SUB_BITS) + (__u32)(v >> shift);
}

/* Smallest value that lands in bucket idx. */
static __always_inline __u64 hzb_hist_lo(__u32 idx)
{
	__u32 shift;

	if (idx >= HZB_HIST_OVERFLOW)
		return HZB_HIST_LIMIT;
	if (idx < 2 * HZB_HIST_SUB)
		return idx;
	shift = (idx >> HZB_HIST_SUB_BITS) - 1;
	return (__u64)(idx - (shift << HZB_HIST_SUB_BITS)) << shift;
}

/* Largest value that lands in bucket idx. */
static __always_inline __u64 hzb_hist_hi(__u32 idx)
{
	if (idx >= HZB_HIST_OVERFLOW)
		return ~0ULL;
	return hzb_hist_lo(idx + 1) - 1;
}

#endif /* __HZB_HIST_H */
