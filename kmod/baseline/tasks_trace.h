/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RCU Tasks Trace baseline: rcu_read_lock_trace() readers,
 * synchronize_rcu_tasks_trace() updaters.  The in-tree mechanism whose
 * readers keep their state in the task (task_struct::trc_reader_nesting),
 * as the per-task hazard pointer design's slots do.  Its grace period does
 * not walk every task, though (6.12, kernel/rcu/tasks.h,
 * rcu_tasks_trace_pregp_step()): it takes each online CPU's current task
 * and the tasks that were preempted or blocked inside a read-side section
 * (queued on a per-CPU list at context switch), then waits for those
 * holdouts.  Readers may sleep (sleepable BPF programs are its users).
 */
#ifndef _HZB_BASELINE_TASKS_TRACE_H
#define _HZB_BASELINE_TASKS_TRACE_H

#include <linux/rcupdate_trace.h>
#include "../common/hzb_common.h"

#define HZB_DESIGN_NAME		"tasks-trace"
#define HZB_DEVICE_NAME		"hzb_tasks_trace"
/*
 * The probe point is this module's wrapper, not
 * synchronize_rcu_tasks_trace() itself: BPF's own map and program frees
 * call that one too, and BPF's count must equal the module's.
 */
#define HZB_SYNC_FUNC		"hzb_tasks_trace_synchronize"
/* Broken on request: a synchronize that does not wait (see rcu.h). */
#ifdef HZB_BROKEN_NO_MB
#define HZB_TASKS_TRACE_BROKEN		1U	/* bit 0: no_mb */
#define HZB_TASKS_TRACE_FEAT_BROKEN	HZB_FEAT_BROKEN
#else
#define HZB_TASKS_TRACE_BROKEN		0U
#define HZB_TASKS_TRACE_FEAT_BROKEN	0U
#endif

/*
 * Readers may sleep and read in hard irq (rcutorture's tasks-tracing ops
 * are irq-capable).  The nesting count lives in the reader's task_struct:
 * a read-side section must end in the task that began it, and a task
 * must not exit inside one (exit_tasks_rcu_finish_trace() warns), so
 * HZB_IOC_HOLD, whose hold another task may end or that a task may keep
 * until it exits, is refused.
 */
#define HZB_DESIGN_FEATURES	(HZB_FEAT_SLEEP_IN_READER | HZB_FEAT_IRQ_READER | \
				 HZB_FEAT_NO_USER_HOLD | HZB_TASKS_TRACE_FEAT_BROKEN)

/* A grace period covers every object retired before it began. */
#define HZB_HAVE_SYNC_BATCH
#define hzb_synchronize		hzb_tasks_trace_synchronize
#define hzb_synchronize_batch	hzb_tasks_trace_synchronize_batch

struct hzb_ctx { };

void hzb_tasks_trace_synchronize(void *ptr);
void hzb_tasks_trace_synchronize_batch(void **ptrs, unsigned int n);

static __always_inline void *hzb_acquire(struct hzb_ctx *ctx,
					 void * const *addr_p)
{
	rcu_read_lock_trace();
	return rcu_dereference_check(*(struct hzb_obj * const *)addr_p,
				     rcu_read_lock_trace_held());
}

static __always_inline void hzb_release(struct hzb_ctx *ctx, void *ptr)
{
	rcu_read_unlock_trace();
}

#endif /* _HZB_BASELINE_TASKS_TRACE_H */
