/* SPDX-License-Identifier: GPL-2.0 */
/*
 * holders: what holders.bpf.c and its loader share.
 *
 * Who holds what, and what it costs when they are switched out:
 *  - overflow usage: backup slots chained per CPU (per-CPU design, the
 *    list's CPU) or per task (per-task design), how long each stayed
 *    chained, the per-task overflow depth;
 *  - migrations (per-CPU design, migrate=on): contexts moved to their
 *    backup at context switch, and the cost of each migration call;
 *  - preemption: context switches of the benchmark's threads, and those
 *    that happened while the thread held a hazard pointer (read from the
 *    design's per-task state at sched_switch), with how long such a
 *    thread stayed off the CPU.
 */
#ifndef __HZB_HOLDERS_H
#define __HZB_HOLDERS_H

#include "hzb_hist.h"

#define HZB_HOLD_MAX_CPUS	512
#define HZB_HOLD_MAX_TASKS	16384
#define HZB_HOLD_MAX_CTXS	65536

/* How sched_switch tells whether prev holds (rodata targ_mode). */
enum hzb_hold_mode {
	HZB_HOLD_NONE,		/* not observable for this design */
	HZB_HOLD_RCU,		/* task_struct.rcu_read_lock_nesting > targ_rcu_base */
	HZB_HOLD_PERCPU,	/* percpu_hazptr_task.ctx_list or a chained backup */
	HZB_HOLD_PERTASK,	/* pertask_hazptr_block.active != 0 */
};

enum hzb_hold_hist {
	HZB_HOLD_H_CHAINED,	/* ns a backup slot stayed on an overflow list */
	HZB_HOLD_H_MIG_ALL,	/* ns per migration call (every sched_out) */
	HZB_HOLD_H_MIG_MOVED,	/* ns per migration call that moved something */
	HZB_HOLD_H_OFF_HOLDING,	/* ns switched out while holding */
	HZB_HOLD_H_DEPTH,	/* per-task overflow depth at each overflow */
	HZB_HOLD_NR_HISTS
};

struct hzb_hold_stats {
	__u64 switches;		/* of the benchmark's threads (prev) */
	__u64 preempted;	/* ... involuntary (preempt) */
	__u64 with_state;	/* ... of a thread with design state (a block) */
	__u64 holding;		/* ... while holding */
	__u64 holding_preempted;
	__u64 holding_pcpu;	/* per-CPU design: on per-CPU slots */
	__u64 holding_backup;	/* per-CPU design: on chained backups only */
	__u64 back_in;		/* holders switched back in (timed) */
	__u64 overflows;	/* overflow events (backups chained by acquire) */
	__u64 migrations;	/* contexts migrated to their backup */
	__u64 unchains;		/* backups taken off a list */
	__u64 chain_unmatched;	/* unchains of backups chained before attach */
	__u64 chain_drops;	/* chains not recorded: map full */
	__u64 mig_calls;	/* calls of the migration function */
	__u64 mig_moved_calls;	/* ... that moved at least one context */
	__u64 mig_unmatched;
	__u64 rcu_base;		/* other tasks' switches at the base nesting */
	__u64 rcu_below;	/* ... below it: the base is wrong */
};

/* Per CPU of the overflow list (per-CPU design). */
struct hzb_hold_cpu {
	__u64 overflows;
	__u64 migrations;
	__u64 unchains;
};

/* Per task (both designs). */
struct hzb_hold_task {
	__u64 overflows;
	__u64 migrations;
	__u64 max_depth;	/* per-task design: longest own overflow list */
	__u64 holding_switches;
	char comm[16];
};

#endif /* __HZB_HOLDERS_H */
