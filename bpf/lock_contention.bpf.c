// SPDX-License-Identifier: GPL-2.0
/*
 * lock_contention: contention on a design's overflow-list locks, seen two ways
 * (see lock_contention.h): timing the design's lock wrapper and its contended
 * path, and the kernel's lock:contention_begin/end tracepoints filtered to
 * the overflow locks.  The loader retargets the generic fentry/fexit (or
 * kprobe) programs at the design's functions and keeps one twin of each
 * tracepoint program (tp_btf, else raw_tp).
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "lock_contention.h"
#include "hzb_maps.bpf.h"

/* The per-CPU design's list head; only the lock's offset matters. */
struct percpu_hazptr_overflow {
	raw_spinlock_t lock;
} __attribute__((preserve_access_index));

const volatile __u32 targ_design = HZB_LOCK_DESIGN_NONE;
/* Learn lock addresses from the wrapper (locks created after load). */
const volatile bool targ_learn = true;

/* Overflow-lock addresses: seeded from HZB_IOC_LOCKS, learned at run time. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HZB_LOCK_MAX_LOCKS);
	__type(key, __u64);
	__type(value, __u8);
} locks SEC(".maps");

struct wrap_start {
	__u64 ts;
};

/* Per task: the wrapper may be preempted before its trylock. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HZB_LOCK_MAX_TASKS);
	__type(key, __u64);
	__type(value, struct wrap_start);
} wrap_ts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HZB_LOCK_MAX_TASKS);
	__type(key, __u64);
	__type(value, __u64);
} cont_ts SEC(".maps");

/*
 * Per CPU, as perf lock contention does for spinlocks: a task waiting for
 * a spinlock cannot sleep, so its end comes on the same CPU.  A nested
 * begin (an interrupt contending another lock) is counted, not timed.
 */
struct tp_slot {
	__u64 ts;
	__u64 lock;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tp_slot);
} tp_ts SEC(".maps");

HZB_PERCPU_HISTS_AND_STATS(HZB_LOCK_NR_HISTS, struct hzb_lock_stats);

static __always_inline __u64 lock_of(void *arg)
{
	if (targ_design == HZB_LOCK_DESIGN_PERCPU &&
	    bpf_core_type_exists(struct percpu_hazptr_overflow))
		return (__u64)arg + bpf_core_field_offset(struct percpu_hazptr_overflow, lock);
	return (__u64)arg;
}

static __always_inline void wrap_enter(void *arg)
{
	struct hzb_lock_stats *s = stats_this_cpu();
	__u64 id = bpf_get_current_pid_tgid();
	struct wrap_start st = { .ts = bpf_ktime_get_ns() };
	__u64 lock = lock_of(arg);
	__u8 one = 1;

	if (!s)
		return;
	__sync_fetch_and_add(&s->wrap_entries, 1);
	if (targ_learn && !bpf_map_lookup_elem(&locks, &lock) &&
	    !bpf_map_update_elem(&locks, &lock, &one, BPF_NOEXIST))
		__sync_fetch_and_add(&s->learned, 1);
	if (bpf_map_update_elem(&wrap_ts, &id, &st, BPF_ANY))
		__sync_fetch_and_add(&s->wrap_drops, 1);
}

static __always_inline void wrap_exit(void)
{
	__u64 now = bpf_ktime_get_ns(), id = bpf_get_current_pid_tgid();
	struct hzb_lock_stats *s = stats_this_cpu();
	struct wrap_start *st;
	__u64 delta;

	if (!s)
		return;
	st = bpf_map_lookup_elem(&wrap_ts, &id);
	if (!st) {
		__sync_fetch_and_add(&s->wrap_unmatched, 1);
		return;
	}
	delta = now - st->ts;
	bpf_map_delete_elem(&wrap_ts, &id);
	hzb_hist_add(&hists, HZB_LOCK_H_WRAPPER, delta);
}

static __always_inline void cont_enter(void)
{
	struct hzb_lock_stats *s = stats_this_cpu();
	__u64 id = bpf_get_current_pid_tgid(), ts = bpf_ktime_get_ns();

	if (!s)
		return;
	__sync_fetch_and_add(&s->cont_entries, 1);
	bpf_map_update_elem(&cont_ts, &id, &ts, BPF_ANY);
}

static __always_inline void cont_exit(void)
{
	__u64 now = bpf_ktime_get_ns(), id = bpf_get_current_pid_tgid();
	struct hzb_lock_stats *s = stats_this_cpu();
	__u64 *ts;

	if (!s)
		return;
	ts = bpf_map_lookup_elem(&cont_ts, &id);
	if (!ts) {
		__sync_fetch_and_add(&s->cont_unmatched, 1);
		return;
	}
	hzb_hist_add(&hists, HZB_LOCK_H_CONTENDED, now - *ts);
	bpf_map_delete_elem(&cont_ts, &id);
}

static __always_inline void tp_begin(__u64 lock)
{
	struct hzb_lock_stats *s = stats_this_cpu();
	__u64 id = bpf_get_current_pid_tgid();
	struct tp_slot *slot;
	__u32 zero = 0;

	if (!s)
		return;
	__sync_fetch_and_add(&s->tp_begin_any, 1);
	if (!bpf_map_lookup_elem(&locks, &lock))
		return;
	__sync_fetch_and_add(&s->tp_begin, 1);
	if (bpf_map_lookup_elem(&wrap_ts, &id))
		__sync_fetch_and_add(&s->tp_in_wrapper, 1);
	slot = bpf_map_lookup_elem(&tp_ts, &zero);
	if (!slot)
		return;
	if (slot->lock) {
		__sync_fetch_and_add(&s->tp_nested, 1);
		return;
	}
	slot->lock = lock;
	slot->ts = bpf_ktime_get_ns();
}

static __always_inline void tp_end(__u64 lock)
{
	struct hzb_lock_stats *s;
	struct tp_slot *slot;
	__u32 zero = 0;
	__u64 now;

	slot = bpf_map_lookup_elem(&tp_ts, &zero);
	if (slot && slot->lock == lock && lock) {
		now = bpf_ktime_get_ns();
		hzb_hist_add(&hists, HZB_LOCK_H_TP, now - slot->ts);
		slot->lock = 0;
		return;
	}
	if (!bpf_map_lookup_elem(&locks, &lock))
		return;
	s = stats_this_cpu();
	if (s)
		__sync_fetch_and_add(&s->tp_unmatched, 1);
}

SEC("fentry")
int BPF_PROG(wrap_fentry, void *arg)
{
	wrap_enter(arg);
	return 0;
}

SEC("fexit")
int BPF_PROG(wrap_fexit)
{
	wrap_exit();
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(wrap_kprobe, void *arg)
{
	wrap_enter(arg);
	return 0;
}

SEC("kretprobe")
int BPF_KRETPROBE(wrap_kretprobe)
{
	wrap_exit();
	return 0;
}

SEC("fentry")
int BPF_PROG(cont_fentry)
{
	cont_enter();
	return 0;
}

SEC("fexit")
int BPF_PROG(cont_fexit)
{
	cont_exit();
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(cont_kprobe)
{
	cont_enter();
	return 0;
}

SEC("kretprobe")
int BPF_KRETPROBE(cont_kretprobe)
{
	cont_exit();
	return 0;
}

SEC("tp_btf/contention_begin")
int BPF_PROG(tp_btf_begin, void *lock, unsigned int flags)
{
	tp_begin((__u64)lock);
	return 0;
}

SEC("tp_btf/contention_end")
int BPF_PROG(tp_btf_end, void *lock, int ret)
{
	tp_end((__u64)lock);
	return 0;
}

SEC("raw_tp/contention_begin")
int BPF_PROG(raw_tp_begin, void *lock, __u64 flags)
{
	tp_begin((__u64)lock);
	return 0;
}

SEC("raw_tp/contention_end")
int BPF_PROG(raw_tp_end, void *lock, __u64 ret)
{
	tp_end((__u64)lock);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
