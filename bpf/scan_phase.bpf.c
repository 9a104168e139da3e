// SPDX-License-Identifier: GPL-2.0
/*
 * scan_phase: synchronize split by scan phase (see scan_phase.h).  Phase
 * times accumulate per task between the phase functions' entry and exit
 * probes and are closed by the design's done tracepoint, which the
 * synchronizing task hits at the end of each scan.  The loader retargets
 * the generic fentry/fexit (or kprobe) programs at the design's phase
 * functions and keeps the done tracepoint of the design (raw_tp: its
 * arguments are plain words, and tp_btf refuses a const void * argument).
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "scan_phase.h"
#include "hzb_maps.bpf.h"

struct percpu_hazptr_overflow {
	unsigned int nr;
} __attribute__((preserve_access_index));

struct pertask_hazptr_block {
	unsigned int nr_overflow;
} __attribute__((preserve_access_index));

const volatile __u32 targ_design = HZB_PHASE_NONE;
/* Read the list length from phase 1's first argument (per-CPU design). */
const volatile bool targ_len_in_p1;

struct cur {
	__u64 ts[HZB_NR_PHASES];
	__u64 ns[HZB_NR_PHASES];
	__u64 calls;
	__u64 max_len;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HZB_PHASE_MAX_TASKS);
	__type(key, __u64);
	__type(value, struct cur);
} curs SEC(".maps");

HZB_PERCPU_HISTS_AND_STATS(HZB_PHASE_NR_HISTS, struct hzb_phase_stats);

static __always_inline struct cur *cur_of(__u64 id)
{
	struct cur *c = bpf_map_lookup_elem(&curs, &id);
	struct cur zero = {};

	if (c)
		return c;
	bpf_map_update_elem(&curs, &id, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&curs, &id);
}

static __always_inline void len_read(struct cur *c, void *arg)
{
	struct hzb_phase_stats *s = stats_this_cpu();
	__u64 len = 0;

	if (targ_design == HZB_PHASE_PERCPU &&
	    bpf_core_type_exists(struct percpu_hazptr_overflow))
		len = BPF_CORE_READ((struct percpu_hazptr_overflow *)arg, nr);
	else if (targ_design == HZB_PHASE_PERTASK &&
		 bpf_core_type_exists(struct pertask_hazptr_block))
		len = BPF_CORE_READ((struct pertask_hazptr_block *)arg, nr_overflow);
	else
		return;
	if (s)
		__sync_fetch_and_add(&s->len_reads, 1);
	if (len > c->max_len)
		c->max_len = len;
}

static __always_inline void phase_enter(__u32 p, void *arg)
{
	struct cur *c = cur_of(bpf_get_current_pid_tgid());

	if (!c || p >= HZB_NR_PHASES)
		return;
	c->ts[p] = bpf_ktime_get_ns();
	if (p == 1 && targ_len_in_p1)
		len_read(c, arg);
}

static __always_inline void phase_exit(__u32 p)
{
	__u64 now = bpf_ktime_get_ns(), id = bpf_get_current_pid_tgid(), d;
	struct hzb_phase_stats *s = stats_this_cpu();
	struct cur *c = bpf_map_lookup_elem(&curs, &id);

	if (!s || p >= HZB_NR_PHASES)
		return;
	if (!c || !c->ts[p]) {
		__sync_fetch_and_add(&s->unmatched[p], 1);
		return;
	}
	d = now - c->ts[p];
	c->ts[p] = 0;
	c->ns[p] += d;
	c->calls++;
	__sync_fetch_and_add(&s->calls[p], 1);
	hzb_hist_add(&hists, p ? HZB_PHASE_H_P1_CALL : HZB_PHASE_H_P0_CALL, d);
}

/* The end of one scan: close this task's phase sums. */
static __always_inline void done(__u64 waits, __u64 restarts, __u64 walk_ns)
{
	__u64 id = bpf_get_current_pid_tgid(), p0, p1;
	struct hzb_phase_stats *s = stats_this_cpu();
	struct cur *c = bpf_map_lookup_elem(&curs, &id);

	if (!s)
		return;
	__sync_fetch_and_add(&s->dones, 1);
	__sync_fetch_and_add(&s->restarts, restarts);
	__sync_fetch_and_add(&s->waits, waits);
	hzb_hist_add(&hists, HZB_PHASE_H_RESTARTS, restarts);
	hzb_hist_add(&hists, HZB_PHASE_H_WAITS, waits);
	if (!c || !c->calls) {
		__sync_fetch_and_add(&s->no_phase, 1);
		p0 = 0;
		p1 = 0;
	} else {
		p0 = c->ns[0];
		p1 = c->ns[1];
	}
	if (targ_design == HZB_PHASE_PERTASK)
		p0 = walk_ns > p1 ? walk_ns - p1 : 0;
	hzb_hist_add(&hists, HZB_PHASE_H_P0, p0);
	hzb_hist_add(&hists, HZB_PHASE_H_P1, p1);
	hzb_hist_add(&hists, HZB_PHASE_H_MAXLEN, c ? c->max_len : 0);
	if (c)
		bpf_map_delete_elem(&curs, &id);
}

#define PHASE_PROGS(n)							\
SEC("fentry")								\
int BPF_PROG(p##n##_fentry, void *arg)					\
{									\
	phase_enter(n, arg);						\
	return 0;							\
}									\
SEC("fexit")								\
int BPF_PROG(p##n##_fexit)						\
{									\
	phase_exit(n);							\
	return 0;							\
}									\
SEC("kprobe")								\
int BPF_KPROBE(p##n##_kprobe, void *arg)				\
{									\
	phase_enter(n, arg);						\
	return 0;							\
}									\
SEC("kretprobe")							\
int BPF_KRETPROBE(p##n##_kretprobe)					\
{									\
	phase_exit(n);							\
	return 0;							\
}

PHASE_PROGS(0)
PHASE_PROGS(1)

/* A length reader without timing (per-task design: each holder checked). */
static __always_inline void len_hook(void *arg)
{
	struct cur *c = cur_of(bpf_get_current_pid_tgid());

	if (c)
		len_read(c, arg);
}

SEC("fentry")
int BPF_PROG(len_fentry, void *arg)
{
	len_hook(arg);
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(len_kprobe, void *arg)
{
	len_hook(arg);
	return 0;
}

static __always_inline void pcpu_done(unsigned int waits, unsigned int restarts,
				      unsigned int skipped)
{
	struct hzb_phase_stats *s = stats_this_cpu();

	if (s)
		__sync_fetch_and_add(&s->cpus_skipped, skipped);
	done(waits, restarts, 0);
}

SEC("raw_tp/percpu_hazptr_synchronize_done")
int BPF_PROG(pcpu_done_raw, __u64 addr, __u64 waits, __u64 restarts, __u64 cpus_skipped)
{
	pcpu_done((__u32)waits, (__u32)restarts, (__u32)cpus_skipped);
	return 0;
}

static __always_inline void ptask_done(unsigned int nptrs, __u64 scanned, __u64 skipped,
				       __u64 waits, __u64 restarts, __u64 ns)
{
	struct hzb_phase_stats *s = stats_this_cpu();

	if (s) {
		__sync_fetch_and_add(&s->nptrs, nptrs);
		__sync_fetch_and_add(&s->scanned, scanned);
		__sync_fetch_and_add(&s->skipped, skipped);
		__sync_fetch_and_add(&s->walk_ns, ns);
	}
	done(waits, restarts, ns);
}

SEC("raw_tp/pertask_hazptr_scan")
int BPF_PROG(ptask_done_raw, __u64 nptrs, __u64 scanned, __u64 skipped, __u64 waits,
	     __u64 restarts, __u64 ns)
{
	ptask_done((__u32)nptrs, scanned, skipped, waits, restarts, ns);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
