/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers the hzbench BPF programs share (BPF side only): per-CPU
 * histograms and counters updated with atomics, because a tracing program
 * attached to a preemptible function can be preempted by another task
 * running the same program on that CPU (preempt=full).
 */
#ifndef __HZB_MAPS_BPF_H
#define __HZB_MAPS_BPF_H

#include "hzb_hist.h"

#ifndef EEXIST
#define EEXIST	17
#endif

/* Keep the compiler from dropping a bounds check the verifier needs. */
#define hzb_barrier_var(v)	asm volatile("" : "+r"(v))

static __always_inline void hzb_update_min(__u64 *p, __u64 v)
{
	__u64 old;
	int i;

	/* Only a task preempting us on this CPU can race. */
	for (i = 0; i < 8; i++) {
		old = *p;
		if (old <= v)
			return;
		if (__sync_val_compare_and_swap(p, old, v) == old)
			return;
	}
}

static __always_inline void hzb_update_max(__u64 *p, __u64 v)
{
	__u64 old;
	int i;

	for (i = 0; i < 8; i++) {
		old = *p;
		if (old >= v)
			return;
		if (__sync_val_compare_and_swap(p, old, v) == old)
			return;
	}
}

/*
 * The two per-CPU maps every probe program keeps, and the accessor of
 * this CPU's stats: "hists", nr histograms (struct hzb_hist), and
 * "stats", one stats_type.
 */
#define HZB_PERCPU_HISTS_AND_STATS(nr, stats_type)				\
	struct {								\
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);			\
		__uint(max_entries, nr);					\
		__type(key, __u32);						\
		__type(value, struct hzb_hist);					\
	} hists SEC(".maps");							\
	struct {								\
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);			\
		__uint(max_entries, 1);						\
		__type(key, __u32);						\
		__type(value, stats_type);					\
	} stats SEC(".maps");							\
	static __always_inline stats_type *stats_this_cpu(void)		\
	{									\
		__u32 zero = 0;							\
										\
		return bpf_map_lookup_elem(&stats, &zero);			\
	}

/* Record value v in histogram h (this CPU's). */
static __always_inline void hzb_hist_record(struct hzb_hist *h, __u64 v)
{
	__u32 i = hzb_hist_index(v);

	hzb_barrier_var(i);
	if (i < HZB_HIST_SLOTS)
		__sync_fetch_and_add(&h->hist[i], 1);
	__sync_fetch_and_add(&h->total, v);
	hzb_update_min(&h->min, v);
	hzb_update_max(&h->max, v);
	__sync_fetch_and_add(&h->count, 1);
}

/* Record value v in histogram number idx of the per-CPU array map. */
#define hzb_hist_add(map, idx, v)						\
	({									\
		__u32 __k = (idx);						\
		struct hzb_hist *__h = bpf_map_lookup_elem(map, &__k);		\
		if (__h)							\
			hzb_hist_record(__h, (v));				\
	})

#endif /* __HZB_MAPS_BPF_H */
