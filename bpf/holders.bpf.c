// SPDX-License-Identifier: GPL-2.0
/*
 * holders: overflow usage, migrations and preemption while holding (see
 * holders.h).  Module hooks used, by design:
 *
 *   percpu   tracepoints percpu_hazptr_{overflow,migrate,unchain};
 *            fentry/fexit percpu_hazptr_migrate (cost of one migration);
 *            struct percpu_hazptr_task (the reader's block, found through
 *            task_struct.preempt_notifiers) at sched_switch.
 *   pertask  tracepoint pertask_hazptr_overflow; fentry on
 *            pertask_hazptr_acquire_overflow (chain) and
 *            pertask_hazptr_release_slow (unchain);
 *            struct pertask_hazptr_block.active at sched_switch.
 *   rcu      task_struct.rcu_read_lock_nesting at sched_switch.
 *
 * The loader keeps the programs of the design under test, with fentry and
 * tp_btf sched_switch when BTF allows, else the kprobe and raw_tp twins.
 * The modules' tracepoints are always read as raw_tp: their arguments are
 * plain words, and tp_btf (6.12) refuses to read a const void * argument.
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "holders.h"
#include "hzb_maps.bpf.h"

/* The modules' types, as far as this program reads them (CO-RE). */
struct percpu_hazptr_task {
	struct list_head ctx_list;
	struct preempt_notifier notifier;
} __attribute__((preserve_access_index));

struct pertask_hazptr_block {
	struct preempt_notifier notifier;
	unsigned long active;
} __attribute__((preserve_access_index));

const volatile __u32 targ_tgid;		/* the benchmark's process */
const volatile __u32 targ_mode = HZB_HOLD_NONE;
const volatile __u64 targ_ops;		/* the design's struct preempt_ops */
/*
 * The nesting a task not in an RCU read-side section shows at sched_switch
 * from inside a BPF program: the tracepoint runs the program under its
 * own rcu_read_lock() (__bpf_trace_run()), which, with PREEMPT_RCU, is
 * current's (prev's) nesting.
 */
const volatile __s32 targ_rcu_base = 1;

struct chain {
	__u64 ts;
	__u32 pid;
	__u32 pad;
};

/* Chained backup slots, by context address. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HZB_HOLD_MAX_CTXS);
	__type(key, __u64);
	__type(value, struct chain);
} chains SEC(".maps");

/* Per-CPU design: backups chained that belong to each task. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HZB_HOLD_MAX_TASKS);
	__type(key, __u32);
	__type(value, __s64);
} task_chained SEC(".maps");

/* Holders switched out, by pid: when. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HZB_HOLD_MAX_TASKS);
	__type(key, __u32);
	__type(value, __u64);
} off_since SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HZB_HOLD_MAX_TASKS);
	__type(key, __u32);
	__type(value, struct hzb_hold_task);
} tasks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, HZB_HOLD_MAX_CPUS);
	__type(key, __u32);
	__type(value, struct hzb_hold_cpu);
} cpus SEC(".maps");

/* A migration call in progress on this CPU (preemption is off in it). */
struct mig {
	__u64 ts;
	__u64 moved;
	__u64 active;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mig);
} mig_cur SEC(".maps");

HZB_PERCPU_HISTS_AND_STATS(HZB_HOLD_NR_HISTS, struct hzb_hold_stats);

#define STAT_INC(s, f)	__sync_fetch_and_add(&(s)->f, 1)

static __always_inline struct hzb_hold_task *task_of(__u32 pid)
{
	struct hzb_hold_task *t = bpf_map_lookup_elem(&tasks, &pid);
	struct hzb_hold_task zero = {};

	if (t)
		return t;
	bpf_get_current_comm(zero.comm, sizeof(zero.comm));
	bpf_map_update_elem(&tasks, &pid, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&tasks, &pid);
}

static __always_inline struct hzb_hold_cpu *cpu_of(int cpu)
{
	__u32 k = (__u32)cpu;

	return bpf_map_lookup_elem(&cpus, &k);
}

static __always_inline void task_chained_add(__u32 pid, __s64 n)
{
	__s64 *c = bpf_map_lookup_elem(&task_chained, &pid);

	if (c) {
		__sync_fetch_and_add(c, n);
		return;
	}
	if (n > 0)
		bpf_map_update_elem(&task_chained, &pid, &n, BPF_NOEXIST);
}

/* A backup slot went on an overflow list, owned by the current task. */
static __always_inline void chain_add(__u64 ctxp)
{
	struct hzb_hold_stats *s = stats_this_cpu();
	struct chain c = {
		.ts = bpf_ktime_get_ns(),
		.pid = (__u32)bpf_get_current_pid_tgid(),
	};

	if (bpf_map_update_elem(&chains, &ctxp, &c, BPF_ANY)) {
		if (s)
			STAT_INC(s, chain_drops);
		return;
	}
	if (targ_mode == HZB_HOLD_PERCPU)
		task_chained_add(c.pid, 1);
}

static __always_inline bool chain_del(__u64 ctxp)
{
	struct hzb_hold_stats *s = stats_this_cpu();
	struct chain *c = bpf_map_lookup_elem(&chains, &ctxp);
	__u64 now = bpf_ktime_get_ns();

	if (!c) {
		if (s && targ_mode == HZB_HOLD_PERCPU)
			STAT_INC(s, chain_unmatched);
		return false;
	}
	hzb_hist_add(&hists, HZB_HOLD_H_CHAINED, now - c->ts);
	if (targ_mode == HZB_HOLD_PERCPU)
		task_chained_add(c->pid, -1);
	bpf_map_delete_elem(&chains, &ctxp);
	return true;
}

/* ---- per-CPU design ------------------------------------------------ */

static __always_inline void pcpu_overflow(__u64 ctxp, int cpu)
{
	struct hzb_hold_stats *s = stats_this_cpu();
	struct hzb_hold_task *t = task_of((__u32)bpf_get_current_pid_tgid());
	struct hzb_hold_cpu *c = cpu_of(cpu);

	if (s)
		STAT_INC(s, overflows);
	if (c)
		__sync_fetch_and_add(&c->overflows, 1);
	if (t)
		__sync_fetch_and_add(&t->overflows, 1);
	chain_add(ctxp);
}

static __always_inline void pcpu_migrate(__u64 ctxp, int cpu)
{
	struct hzb_hold_stats *s = stats_this_cpu();
	struct hzb_hold_task *t = task_of((__u32)bpf_get_current_pid_tgid());
	struct hzb_hold_cpu *c = cpu_of(cpu);
	struct mig *m;
	__u32 zero = 0;

	if (s)
		STAT_INC(s, migrations);
	if (c)
		__sync_fetch_and_add(&c->migrations, 1);
	if (t)
		__sync_fetch_and_add(&t->migrations, 1);
	m = bpf_map_lookup_elem(&mig_cur, &zero);
	if (m && m->active)
		m->moved++;
	chain_add(ctxp);
}

static __always_inline void pcpu_unchain(__u64 ctxp, int cpu)
{
	struct hzb_hold_stats *s = stats_this_cpu();
	struct hzb_hold_cpu *c = cpu_of(cpu);

	if (s)
		STAT_INC(s, unchains);
	if (c)
		__sync_fetch_and_add(&c->unchains, 1);
	chain_del(ctxp);
}

static __always_inline void mig_enter(void)
{
	struct mig *m;
	__u32 zero = 0;

	m = bpf_map_lookup_elem(&mig_cur, &zero);
	if (!m)
		return;
	m->ts = bpf_ktime_get_ns();
	m->moved = 0;
	m->active = 1;
}

static __always_inline void mig_exit(void)
{
	struct hzb_hold_stats *s = stats_this_cpu();
	__u64 now = bpf_ktime_get_ns(), delta;
	struct mig *m;
	__u32 zero = 0;

	m = bpf_map_lookup_elem(&mig_cur, &zero);
	if (!m || !s)
		return;
	if (!m->active) {
		STAT_INC(s, mig_unmatched);
		return;
	}
	m->active = 0;
	delta = now - m->ts;
	STAT_INC(s, mig_calls);
	hzb_hist_add(&hists, HZB_HOLD_H_MIG_ALL, delta);
	if (m->moved) {
		STAT_INC(s, mig_moved_calls);
		hzb_hist_add(&hists, HZB_HOLD_H_MIG_MOVED, delta);
	}
}

SEC("raw_tp/percpu_hazptr_overflow")
int BPF_PROG(pcpu_overflow_raw, __u64 hctx, __u64 addr, __u64 cpu, __u64 list)
{
	pcpu_overflow(hctx, (int)cpu);
	return 0;
}

SEC("raw_tp/percpu_hazptr_migrate")
int BPF_PROG(pcpu_migrate_raw, __u64 hctx, __u64 addr, __u64 cpu, __u64 list)
{
	pcpu_migrate(hctx, (int)cpu);
	return 0;
}

SEC("raw_tp/percpu_hazptr_unchain")
int BPF_PROG(pcpu_unchain_raw, __u64 hctx, __u64 addr, __u64 cpu, __u64 list)
{
	pcpu_unchain(hctx, (int)cpu);
	return 0;
}

SEC("fentry/percpu_hazptr_migrate")
int BPF_PROG(pcpu_mig_fentry)
{
	mig_enter();
	return 0;
}

SEC("fexit/percpu_hazptr_migrate")
int BPF_PROG(pcpu_mig_fexit)
{
	mig_exit();
	return 0;
}

SEC("kprobe/percpu_hazptr_migrate")
int BPF_KPROBE(pcpu_mig_kprobe)
{
	mig_enter();
	return 0;
}

SEC("kretprobe/percpu_hazptr_migrate")
int BPF_KRETPROBE(pcpu_mig_kretprobe)
{
	mig_exit();
	return 0;
}

/* ---- per-task design ----------------------------------------------- */

static __always_inline void ptask_overflow(__u32 pid, __u32 depth)
{
	struct hzb_hold_stats *s = stats_this_cpu();
	struct hzb_hold_task *t = task_of(pid);

	if (s)
		STAT_INC(s, overflows);
	if (t) {
		__sync_fetch_and_add(&t->overflows, 1);
		hzb_update_max(&t->max_depth, depth);
	}
	hzb_hist_add(&hists, HZB_HOLD_H_DEPTH, depth);
}

static __always_inline void ptask_release(__u64 ctxp)
{
	struct hzb_hold_stats *s;

	if (!chain_del(ctxp))
		return;		/* a fixed slot, released remotely */
	s = stats_this_cpu();
	if (s)
		STAT_INC(s, unchains);
}

SEC("raw_tp/pertask_hazptr_overflow")
int BPF_PROG(ptask_overflow_raw, __u64 pid, __u64 depth)
{
	ptask_overflow((__u32)pid, (__u32)depth);
	return 0;
}

SEC("fentry/pertask_hazptr_acquire_overflow")
int BPF_PROG(ptask_chain_fentry, void *hctx)
{
	chain_add((__u64)hctx);
	return 0;
}

SEC("kprobe/pertask_hazptr_acquire_overflow")
int BPF_KPROBE(ptask_chain_kprobe, void *hctx)
{
	chain_add((__u64)hctx);
	return 0;
}

SEC("fentry/pertask_hazptr_release_slow")
int BPF_PROG(ptask_release_fentry, void *hctx)
{
	ptask_release((__u64)hctx);
	return 0;
}

SEC("kprobe/pertask_hazptr_release_slow")
int BPF_KPROBE(ptask_release_kprobe, void *hctx)
{
	ptask_release((__u64)hctx);
	return 0;
}

/* ---- sched_switch -------------------------------------------------- */

/* prev's design block, found like the per-task scan finds it. */
static __always_inline void *find_block(struct task_struct *p)
{
	struct hlist_node *node = BPF_CORE_READ(p, preempt_notifiers.first);
	struct preempt_notifier *pn;
	int i;

	for (i = 0; i < 4 && node; i++) {
		pn = container_of(node, struct preempt_notifier, link);
		if ((__u64)BPF_CORE_READ(pn, ops) == targ_ops)
			return pn;
		node = BPF_CORE_READ(node, next);
	}
	return NULL;
}

/* 1 holding, 0 not, -1 this thread has no design state to read. */
static __always_inline int holding(struct task_struct *p, __u32 pid,
				   struct hzb_hold_stats *s)
{
	struct percpu_hazptr_task *pt;
	struct pertask_hazptr_block *pb;
	struct list_head *head;
	struct preempt_notifier *pn;
	__s64 *chained;
	bool pcpu;

	switch (targ_mode) {
	case HZB_HOLD_RCU:
		if (!bpf_core_field_exists(p->rcu_read_lock_nesting))
			return -1;
		return BPF_CORE_READ(p, rcu_read_lock_nesting) > targ_rcu_base;
	case HZB_HOLD_PERCPU:
		chained = bpf_map_lookup_elem(&task_chained, &pid);
		pn = find_block(p);
		pcpu = false;
		if (pn && bpf_core_type_exists(struct percpu_hazptr_task)) {
			pt = (void *)pn - bpf_core_field_offset(struct percpu_hazptr_task,
								notifier);
			/*
			 * v4's list of contexts on per-CPU slots, not empty.
			 * (scheme=v5 has no such list: its per-CPU holds are
			 * not seen here, only its backups.)
			 */
			head = (void *)pt + bpf_core_field_offset(struct percpu_hazptr_task,
								  ctx_list);
			pcpu = BPF_CORE_READ(pt, ctx_list.next) != head;
		}
		if (pcpu) {
			STAT_INC(s, holding_pcpu);
			return 1;
		}
		if (chained && *chained > 0) {
			STAT_INC(s, holding_backup);
			return 1;
		}
		return pn || chained ? 0 : -1;
	case HZB_HOLD_PERTASK:
		pn = find_block(p);
		if (!pn || !bpf_core_type_exists(struct pertask_hazptr_block))
			return -1;
		pb = (void *)pn - bpf_core_field_offset(struct pertask_hazptr_block, notifier);
		return BPF_CORE_READ(pb, active) != 0;
	}
	return -1;
}

static __always_inline void on_switch(bool preempt, struct task_struct *prev,
				      struct task_struct *next)
{
	struct hzb_hold_stats *s = stats_this_cpu();
	__u32 pid, npid = BPF_CORE_READ(next, pid);
	__u64 now, *since;
	struct hzb_hold_task *t;
	int h;

	if (!s)
		return;
	if (BPF_CORE_READ(next, tgid) == targ_tgid) {
		since = bpf_map_lookup_elem(&off_since, &npid);
		if (since) {
			now = bpf_ktime_get_ns();
			hzb_hist_add(&hists, HZB_HOLD_H_OFF_HOLDING, now - *since);
			bpf_map_delete_elem(&off_since, &npid);
			STAT_INC(s, back_in);
		}
	}
	if (BPF_CORE_READ(prev, tgid) != targ_tgid) {
		if (targ_mode == HZB_HOLD_RCU &&
		    bpf_core_field_exists(prev->rcu_read_lock_nesting)) {
			int nest = BPF_CORE_READ(prev, rcu_read_lock_nesting);

			if (nest == targ_rcu_base)
				STAT_INC(s, rcu_base);
			else if (nest < targ_rcu_base)
				STAT_INC(s, rcu_below);
		}
		return;
	}
	pid = BPF_CORE_READ(prev, pid);
	STAT_INC(s, switches);
	if (preempt)
		STAT_INC(s, preempted);
	h = holding(prev, pid, s);
	if (h < 0)
		return;
	STAT_INC(s, with_state);
	if (!h)
		return;
	STAT_INC(s, holding);
	if (preempt)
		STAT_INC(s, holding_preempted);
	t = task_of(pid);
	if (t)
		__sync_fetch_and_add(&t->holding_switches, 1);
	now = bpf_ktime_get_ns();
	bpf_map_update_elem(&off_since, &pid, &now, BPF_ANY);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(switch_btf, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	on_switch(preempt, prev, next);
	return 0;
}

SEC("raw_tp/sched_switch")
int BPF_PROG(switch_raw, __u64 preempt, struct task_struct *prev, struct task_struct *next)
{
	on_switch(preempt != 0, prev, next);
	return 0;
}

/* For the attach-failure test only (HZB_BPF_FORCE_FAIL=hold). */
SEC("kprobe")
int BPF_KPROBE(fault_kprobe)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
