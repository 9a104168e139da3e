// SPDX-License-Identifier: GPL-2.0
/*
 * Per-task hazard pointers: everything but the inline fast path of
 * pertask_hazptr.h (read that first, it explains the block and the
 * ordering).  In order:
 *
 *   1. variants and configuration
 *   2. the block's life: attach to a task, context-switch notifier,
 *      detach, RCU-deferred free
 *   3. slow paths: overflow, the fallback list, releases by another task
 *   4. task exit
 *   5. synchronize: the walk of every task, waiting outside RCU
 *   6. the retire list: synchronous batches and the reclaim worker
 *   7. the engine's design hooks
 *   8. a debugfs microbenchmark of the fast path against the slot floor
 *
 * Choices, and why:
 *
 * Overflow.  When every fixed slot of the task is taken, the caller's
 * context (struct hzb_ctx, on the caller's stack in the engine) becomes the
 * slot: it is chained on the task's overflow list under the task's lock.
 * Nothing is allocated, so a non-NULL pointer is never turned into NULL by
 * an allocation failure (Joel's tree allocates 8-slot chunks GFP_ATOMIC and
 * returns NULL when that fails).  The cost is a per-task lock, taken only by
 * the owner on overflow, by a scanner that finds the list non-empty and by
 * a release from another task: contention is rare by construction.
 *
 * Waiting.  The walk of the task list runs under rcu_read_lock(), but a
 * reader may hold its pointer across a sleep, so the walk never waits
 * inside the read-side section (Joel's tree spins there).  When a task
 * holds a retired pointer, the scanner pins the task and its group leader
 * (get_task_struct()) and the block (a reference), leaves the read-side
 * section, waits by the wait policy both designs share (wait=, spin=:
 * ../common/hzb_wait.h), then re-enters and resumes the walk from the pinned task if
 * both are still hashed, the same test as the hung-task detector's
 * rcu_lock_break(); otherwise it restarts the walk from the start.  Resuming
 * keeps a synchronize at one walk however many holders it waits for; a
 * restart only happens when a pinned task was reaped meanwhile.
 *
 * Task exit.  A sched_process_exit probe runs in every exiting task; for a
 * task with a block it queues the exit work, which runs after the task's
 * files are closed (see pertask_hazptr_exit_work()), unlinks the block
 * from the task, force-clears its
 * slots and overflow entries (synchronize never waits for a dead task: a
 * hazard pointer does not outlive the task that owns it) and drops the
 * block, which is freed after an RCU grace period.  If contexts still point
 * into the block (the task exited while holding, counted in EXIT_HOLDING),
 * the block stays allocated until the last of them is released, by
 * whichever task releases it.  A block holds a module reference until the
 * RCU callback that frees it, so no notifier, exit work or callback
 * outlives the module; module exit waits for the tail of the last exit
 * work (synchronize_rcu_tasks()) and of the last callback (rcu_barrier()).
 *
 * Release by another task.  A context may be released by a task other than
 * the one that acquired it (the engine's file close).  Only the owner ever
 * writes ->active, so such a release clears the slot (or unchains the
 * overflow entry) under the block's lock and marks the block stale; the
 * owner recounts ->active from its slots later.  Until then ->active is
 * too high, which only costs a scan of that task, never a missed hazard.
 *
 * Limits of the emulation.  Another preempt-notifier user (KVM) removes its
 * notifiers with hlist_del(), which is not safe against our lockless walk
 * of the task's list: the walk restarts on the poison it leaves, but could
 * still read a freed notifier; run without KVM guests.  Readers in hard or
 * soft irq are refused (no HZB_FEAT_IRQ_READER, so the engine never reads
 * from either): ->active is a plain read-modify-write by the task, and an
 * interrupt or softirq reader landing between its load and store would be
 * lost (a softirq runs on the interrupted task's stack with its current,
 * so it would use the task's block).  Supporting them would take a
 * separate per-CPU slot set for interrupt context, as the per-CPU design
 * has.  Joel's tree keeps the same plain counter, hence the same limit;
 * the KVM one is the emulation's alone.
 */
#include <linux/bitops.h>
#include <linux/bsearch.h>
#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/pid.h>
#include <linux/poison.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/task_work.h>
#include <linux/tracepoint.h>
#include <linux/wait.h>
#include "../common/hzb_compat.h"
#include "pertask_hazptr.h"
#include "../common/hzb_wait.h"

#define CREATE_TRACE_POINTS
#include "pertask_hazptr_trace.h"

/* ------------------------------------------------------------------ */
/* 1. Variants and configuration                                       */
/* ------------------------------------------------------------------ */

#define PERTASK_HAZPTR_BROKEN_NO_MB_BIT		BIT(0)
#define PERTASK_HAZPTR_BROKEN_SKIP_OVERFLOW_BIT	BIT(1)
#define PERTASK_HAZPTR_BROKEN_EARLY_CLEAR_BIT	BIT(2)

#ifdef HZB_BROKEN_NO_MB
#define PERTASK_HAZPTR_BROKEN_NO_MB	PERTASK_HAZPTR_BROKEN_NO_MB_BIT
#else
#define PERTASK_HAZPTR_BROKEN_NO_MB	0U
#endif
#ifdef HZB_BROKEN_SKIP_OVERFLOW
#define PERTASK_HAZPTR_BROKEN_SKIP_OVERFLOW PERTASK_HAZPTR_BROKEN_SKIP_OVERFLOW_BIT
#else
#define PERTASK_HAZPTR_BROKEN_SKIP_OVERFLOW 0U
#endif
#ifdef HZB_BROKEN_EARLY_CLEAR
#define PERTASK_HAZPTR_BROKEN_EARLY_CLEAR PERTASK_HAZPTR_BROKEN_EARLY_CLEAR_BIT
#else
#define PERTASK_HAZPTR_BROKEN_EARLY_CLEAR 0U
#endif
#define PERTASK_HAZPTR_BROKEN	(PERTASK_HAZPTR_BROKEN_NO_MB |		\
				 PERTASK_HAZPTR_BROKEN_SKIP_OVERFLOW |	\
				 PERTASK_HAZPTR_BROKEN_EARLY_CLEAR)

enum pertask_hazptr_retire_mode {
	PERTASK_HAZPTR_RETIRE_OFF,	/* one walk per retired object */
	PERTASK_HAZPTR_RETIRE_SYNC,	/* one walk per batch, in the updater */
	PERTASK_HAZPTR_RETIRE_ASYNC,	/* the reclaim worker merges requests */
};

/* Joel's tree has 16 fixed slots per task; 8 is the smaller variant. */
static const char * const pertask_hazptr_slots_values[] = { "8", "16", NULL };

static const unsigned int pertask_hazptr_slots_nums[] = { 8, 16 };

static const char * const pertask_hazptr_track_values[] = {
	"count", "bitmap", NULL
};

static const char * const pertask_hazptr_retire_values[] = {
	"off", "sync", "async", NULL
};

static const char * const pertask_hazptr_threshold_values[] = {
	"1", "8", "16", "64", "256", "1024", "4096", NULL
};

static const unsigned int pertask_hazptr_threshold_nums[] = {
	1, 8, 16, 64, 256, 1024, 4096
};

/*
 * blocks=none runs every reader without a block, so each acquire takes the
 * fallback list: the safety net under torture, which otherwise only a
 * failed allocation or an exiting task reaches.
 */
static const char * const pertask_hazptr_blocks_values[] = { "task", "none", NULL };

static const char * const pertask_hazptr_delay_values[] = {
	"0", "10us", "100us", "1ms", "10ms", NULL
};

static const u64 pertask_hazptr_delay_nums[] = {
	0, 10 * NSEC_PER_USEC, 100 * NSEC_PER_USEC, NSEC_PER_MSEC,
	10 * NSEC_PER_MSEC
};

static unsigned int pertask_hazptr_knob_slots;
static unsigned int pertask_hazptr_knob_track;
static unsigned int pertask_hazptr_knob_retire;
static unsigned int pertask_hazptr_knob_threshold;
static unsigned int pertask_hazptr_knob_delay;
static unsigned int pertask_hazptr_knob_blocks;

/*
 * slots:     fixed slots per task;
 * track:     ->active is a counter or a bitmap of used slots;
 * retire:    how hzb_synchronize_batch() reclaims (see section 6);
 * threshold: objects queued that make the reclaim worker scan at once;
 * delay:     how long the worker waits for a partial batch to fill;
 * blocks:    task (a block per reader task) or none (the fallback list).
 */
const struct hzb_knob hzb_design_knobs[] = {
	{ "slots", pertask_hazptr_slots_values, 1, &pertask_hazptr_knob_slots },
	{ "track", pertask_hazptr_track_values, 0, &pertask_hazptr_knob_track },
	{ "retire", pertask_hazptr_retire_values, PERTASK_HAZPTR_RETIRE_SYNC,
	  &pertask_hazptr_knob_retire },
	{ "threshold", pertask_hazptr_threshold_values, 3,
	  &pertask_hazptr_knob_threshold },
	{ "delay", pertask_hazptr_delay_values, 2, &pertask_hazptr_knob_delay },
	{ "wait", hzb_wait_values, HZB_WAIT_SPIN_SLEEP, &hzb_wait_knob_policy },
	{ "spin", hzb_wait_spin_values, HZB_WAIT_SPIN_DEFAULT, &hzb_wait_knob_spin },
	{ "blocks", pertask_hazptr_blocks_values, 0, &pertask_hazptr_knob_blocks },
	{ }
};

/* The applied variant, read locklessly by the paths below. */
static unsigned int pertask_hazptr_nslots = 16;
static unsigned int pertask_hazptr_gen;
static unsigned int pertask_hazptr_retire_mode = PERTASK_HAZPTR_RETIRE_SYNC;
static unsigned int pertask_hazptr_threshold = 64;
static u64 pertask_hazptr_delay_ns = 100 * NSEC_PER_USEC;
static bool pertask_hazptr_blockless;

DEFINE_PER_CPU(struct pertask_hazptr_block *, pertask_hazptr_running);
DEFINE_STATIC_KEY_FALSE(pertask_hazptr_track_bitmap);

/*
 * Read-only module parameters for the leak tests: blocks allocated, and
 * contexts still pointing into blocks of exited tasks.  Also the retire
 * list's backlog (objects queued to the worker and not yet reclaimed) and
 * its high-water mark.
 */
static atomic_long_t pertask_hazptr_live_blocks = ATOMIC_LONG_INIT(0);
static atomic_long_t pertask_hazptr_orphan_ctxs = ATOMIC_LONG_INIT(0);
static unsigned long pertask_hazptr_backlog;
static unsigned long pertask_hazptr_backlog_max;

static int pertask_hazptr_param_set(const char *val,
				    const struct kernel_param *kp)
{
	return -EPERM;
}

static int pertask_hazptr_param_get_atomic(char *buf,
					   const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read(kp->arg));
}

static int pertask_hazptr_param_get_ulong(char *buf,
					  const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%lu\n", READ_ONCE(*(unsigned long *)kp->arg));
}

static const struct kernel_param_ops pertask_hazptr_atomic_ops = {
	.set = pertask_hazptr_param_set,
	.get = pertask_hazptr_param_get_atomic,
};

static const struct kernel_param_ops pertask_hazptr_ulong_ops = {
	.set = pertask_hazptr_param_set,
	.get = pertask_hazptr_param_get_ulong,
};

module_param_cb(live_blocks, &pertask_hazptr_atomic_ops,
		&pertask_hazptr_live_blocks, 0444);
MODULE_PARM_DESC(live_blocks, "Per-task slot blocks allocated (read-only)");
module_param_cb(orphan_ctxs, &pertask_hazptr_atomic_ops,
		&pertask_hazptr_orphan_ctxs, 0444);
MODULE_PARM_DESC(orphan_ctxs, "Contexts still held in blocks of exited tasks (read-only)");
module_param_cb(retire_backlog, &pertask_hazptr_ulong_ops,
		&pertask_hazptr_backlog, 0444);
MODULE_PARM_DESC(retire_backlog, "Objects queued to the reclaim worker, not yet reclaimed (read-only)");
module_param_cb(retire_backlog_max, &pertask_hazptr_ulong_ops,
		&pertask_hazptr_backlog_max, 0444);
MODULE_PARM_DESC(retire_backlog_max, "High-water mark of retire_backlog (read-only)");

/*
 * Time-stamped lock, for the LOCK_* counters (overflow-list locks); out of
 * line, so that BPF can time the wrapper and, apart, the contended path.
 */
noinline void pertask_hazptr_lock_contended(raw_spinlock_t *lock)
	__acquires(lock)
{
	u64 t0;

	hzb_count(HZB_CNT_LOCK_CONTENDED);
	t0 = ktime_get_ns();
	raw_spin_lock(lock);
	hzb_count_add(HZB_CNT_LOCK_WAIT_NS, ktime_get_ns() - t0);
}

noinline void pertask_hazptr_lock(raw_spinlock_t *lock)
	__acquires(lock)
{
	hzb_count(HZB_CNT_LOCK_ACQUIRES);
	if (likely(raw_spin_trylock(lock)))
		return;
	pertask_hazptr_lock_contended(lock);
}

/* ------------------------------------------------------------------ */
/* 2. The block's life                                                 */
/* ------------------------------------------------------------------ */

/*
 * sched_out clears the running-block pointer and sched_in sets it, so it
 * is non-NULL exactly while a task that owns a block runs on the CPU.  Both
 * run in the scheduler with preemption off, on the CPU whose pointer they
 * write, and the fast path reads it on that CPU after the context switch:
 * program order on one CPU, no barrier.
 */
static void pertask_hazptr_sched_in(struct preempt_notifier *pn, int cpu)
{
	this_cpu_write(pertask_hazptr_running,
		       container_of(pn, struct pertask_hazptr_block, notifier));
}

static void pertask_hazptr_sched_out(struct preempt_notifier *pn,
				     struct task_struct *next)
{
	this_cpu_write(pertask_hazptr_running, NULL);
}

/* Not const: struct preempt_notifier points to non-const ops. */
static struct preempt_ops pertask_hazptr_preempt_ops = {
	.sched_in = pertask_hazptr_sched_in,
	.sched_out = pertask_hazptr_sched_out,
};

static void pertask_hazptr_block_free_rcu(struct rcu_head *rcu)
{
	struct pertask_hazptr_block *blk =
		container_of(rcu, struct pertask_hazptr_block, rcu);

	kfree(blk);
	atomic_long_dec(&pertask_hazptr_live_blocks);
	/*
	 * The block's module reference, last: only our return is left to
	 * run, and module exit waits for it (rcu_barrier()).
	 */
	module_put(THIS_MODULE);
}

/*
 * Drop a reference.  The last one goes after the block left its task's
 * list, so only scanners that found it before that may still look at it:
 * the grace period waits for them.
 */
static void pertask_hazptr_block_put(struct pertask_hazptr_block *blk)
{
	if (refcount_dec_and_test(&blk->refs))
		call_rcu(&blk->rcu, pertask_hazptr_block_free_rcu);
}

static size_t pertask_hazptr_block_bytes(unsigned int nslots)
{
	return struct_size_t(struct pertask_hazptr_block, slots, nslots);
}

/* Give current a block of the current variant; it has none. */
static int pertask_hazptr_attach(gfp_t gfp)
{
	unsigned int nslots = READ_ONCE(pertask_hazptr_nslots);
	struct pertask_hazptr_block *blk;

	/*
	 * Only a task changes its own notifier list, never an interrupt on
	 * its behalf; and not once the exit probe may have run.
	 */
	if (!in_task() || (current->flags & PF_EXITING))
		return -ESRCH;
	blk = kzalloc(pertask_hazptr_block_bytes(nslots), gfp);
	if (!blk)
		return -ENOMEM;
	preempt_notifier_init(&blk->notifier, &pertask_hazptr_preempt_ops);
	raw_spin_lock_init(&blk->lock);
	INIT_LIST_HEAD(&blk->overflow);
	refcount_set(&blk->refs, 1);
	blk->gen = READ_ONCE(pertask_hazptr_gen);
	blk->pid = current->pid;
	blk->nslots = nslots;
	blk->slot_mask = BIT(nslots) - 1;
	__module_get(THIS_MODULE);
	atomic_long_inc(&pertask_hazptr_live_blocks);

	preempt_disable();
	/*
	 * Only current changes its own notifier list, and with preemption
	 * off no context switch walks it meanwhile.  hlist_add_head_rcu()
	 * publishes with rcu_assign_pointer(): the initialized block before
	 * it becomes reachable; pairs with the rcu_dereference() of the
	 * scanner in pertask_hazptr_task_block().
	 */
	hlist_add_head_rcu(&blk->notifier.link, &current->preempt_notifiers);
	/* From here our sched_out clears it and our sched_in sets it. */
	this_cpu_write(pertask_hazptr_running, blk);
	preempt_enable();
	trace_pertask_hazptr_attach(blk->pid, nslots,
				    pertask_hazptr_block_bytes(nslots));
	return 0;
}

/* Unlink current's block from current; a scanner may still be on it. */
static void pertask_hazptr_detach(struct pertask_hazptr_block *blk)
{
	preempt_disable();
	/*
	 * Not preempt_notifier_unregister(): its hlist_del() poisons ->next
	 * under a scanner that may be on this node on another CPU.
	 * hlist_del_rcu() keeps ->next, and the block is freed only after a
	 * grace period (pertask_hazptr_block_put()).
	 */
	hlist_del_rcu(&blk->notifier.link);
	this_cpu_write(pertask_hazptr_running, NULL);
	preempt_enable();
	/*
	 * The scheduler no longer calls our notifier for this task.  The
	 * block keeps its module reference until the RCU callback that
	 * frees it: what runs meanwhile runs under an open file (a scan, a
	 * release) or is the exit work, whose tail module exit waits for
	 * with synchronize_rcu_tasks().
	 */
}

/*
 * The owner recounts ->active after releases by other tasks left it too
 * high (they never write it).  Runs in the owner, never inside one of its
 * own acquires; the lock holds off remote releases while it counts.
 */
static void pertask_hazptr_reconcile(struct pertask_hazptr_block *blk)
{
	bool bitmap = static_branch_unlikely(&pertask_hazptr_track_bitmap);
	unsigned long active = 0;
	unsigned int i;

	if (!READ_ONCE(blk->stale))
		return;
	pertask_hazptr_lock(&blk->lock);
	WRITE_ONCE(blk->stale, false);
	for (i = 0; i < blk->nslots; i++)
		if (READ_ONCE(blk->slots[i]))
			active += bitmap ? BIT(i) : 1;
	if (blk->nr_overflow)
		active += bitmap ? BIT(PERTASK_HAZPTR_OVERFLOW_BIT) :
				   blk->nr_overflow;
	/*
	 * Release: the loads above that found remotely released slots empty
	 * come before a scanner acts on the lower value.  Pairs with the
	 * smp_mb() that ends pertask_hazptr_scan_all().
	 */
	smp_store_release(&blk->active, active);
	raw_spin_unlock(&blk->lock);
}

/* ------------------------------------------------------------------ */
/* 3. Slow paths                                                       */
/* ------------------------------------------------------------------ */

/*
 * Tasks without a block (one that could not get one, or the rest of an
 * exiting task's life) use their contexts on this global list instead.
 * The engine attaches a block before every reader and hold, so this is
 * only a safety net: acquire never fails for want of memory.
 */
static DEFINE_RAW_SPINLOCK(pertask_hazptr_fallback_lock);
static LIST_HEAD(pertask_hazptr_fallback_list);
static unsigned int pertask_hazptr_fallback_nr;

/* Take a context off an overflow list; its lock is held. */
static void pertask_hazptr_unchain(struct hzb_ctx *ctx, unsigned int *nr)
{
	/*
	 * The holder is done with the object: pairs with the smp_mb() that
	 * ends pertask_hazptr_scan_all() (and the lock, for a scanner that
	 * reads the entry under it).
	 */
	smp_store_release(&ctx->backup, NULL);
	list_del_init(&ctx->overflow_node);
	WRITE_ONCE(*nr, *nr - 1);
}

/* Release by the owner of an overflow entry of its own block. */
static void pertask_hazptr_release_own_overflow(struct pertask_hazptr_block *blk,
						struct hzb_ctx *ctx)
{
	unsigned long active;
	bool empty;

	pertask_hazptr_lock(&blk->lock);
	pertask_hazptr_unchain(ctx, &blk->nr_overflow);
	empty = !blk->nr_overflow;
	raw_spin_unlock(&blk->lock);
	hzb_race(HZB_RACE_UNCHAIN);
	active = blk->active;
	if (static_branch_unlikely(&pertask_hazptr_track_bitmap)) {
		if (empty)
			active &= ~BIT(PERTASK_HAZPTR_OVERFLOW_BIT);
	} else {
		active--;
	}
	/* As in pertask_hazptr_unclaim(): pairs with the scan's closing smp_mb(). */
	smp_store_release(&blk->active, active);
	hzb_count(HZB_CNT_OVERFLOW_RELEASES);
}

/*
 * Release by a task that does not own the block: the holder handed the
 * context over (the engine's file close), or exited.
 */
static void pertask_hazptr_release_remote(struct pertask_hazptr_block *blk,
					  struct hzb_ctx *ctx)
{
	bool dead, last = false;

	pertask_hazptr_lock(&blk->lock);
	dead = blk->dead;
	if (dead) {
		/* The exit force-cleared the slot; one context fewer. */
		last = !--blk->outstanding;
	} else if (ctx->owner & PERTASK_HAZPTR_CTX_BACKUP) {
		pertask_hazptr_unchain(ctx, &blk->nr_overflow);
		WRITE_ONCE(blk->stale, true);
		hzb_count(HZB_CNT_OVERFLOW_RELEASES);
	} else {
		/* As in pertask_hazptr_unclaim(); ->active is the owner's. */
		smp_store_release(ctx->slot, NULL);
		WRITE_ONCE(blk->stale, true);
	}
	raw_spin_unlock(&blk->lock);
	if (dead)
		atomic_long_dec(&pertask_hazptr_orphan_ctxs);
	if (last)
		pertask_hazptr_block_put(blk);
}

noinline void pertask_hazptr_release_slow(struct hzb_ctx *ctx)
{
	struct pertask_hazptr_block *blk = (struct pertask_hazptr_block *)
		(ctx->owner & ~PERTASK_HAZPTR_CTX_BACKUP);

	if (!blk) {
		pertask_hazptr_lock(&pertask_hazptr_fallback_lock);
		pertask_hazptr_unchain(ctx, &pertask_hazptr_fallback_nr);
		raw_spin_unlock(&pertask_hazptr_fallback_lock);
		hzb_count(HZB_CNT_OVERFLOW_RELEASES);
	} else if (blk == pertask_hazptr_current_block()) {
		/* Ours, and not inline: an overflow entry. */
		pertask_hazptr_release_own_overflow(blk, ctx);
	} else {
		pertask_hazptr_release_remote(blk, ctx);
	}
}

/* Publish in ctx->backup, chained on the fallback list. */
static void *pertask_hazptr_acquire_fallback(struct hzb_ctx *ctx,
					     void * const *addr_p, void *ptr)
{
	WRITE_ONCE(ctx->backup, ptr);
	pertask_hazptr_lock(&pertask_hazptr_fallback_lock);
	list_add(&ctx->overflow_node, &pertask_hazptr_fallback_list);
	/* Ordered before Load A by the store-load fence in publish. */
	WRITE_ONCE(pertask_hazptr_fallback_nr, pertask_hazptr_fallback_nr + 1);
	raw_spin_unlock(&pertask_hazptr_fallback_lock);
	ctx->owner = PERTASK_HAZPTR_CTX_BACKUP;
	ctx->slot = &ctx->backup;
	hzb_count(HZB_CNT_OVERFLOWS);
	ptr = pertask_hazptr_publish(&ctx->backup, ptr, addr_p);
	if (!ptr)
		pertask_hazptr_release_slow(ctx);
	return ptr;
}

/*
 * Every fixed slot of @blk is taken: @ctx becomes the slot, chained on the
 * task's overflow list.  Cannot fail.
 */
static noinline void *pertask_hazptr_acquire_overflow(struct hzb_ctx *ctx,
						      void * const *addr_p,
						      void *ptr,
						      struct pertask_hazptr_block *blk)
{
	unsigned long active;
	unsigned int depth;

	WRITE_ONCE(ctx->backup, ptr);
	pertask_hazptr_lock(&blk->lock);
	list_add(&ctx->overflow_node, &blk->overflow);
	depth = blk->nr_overflow + 1;
	/* Ordered before Load A by the store-load fence in publish. */
	WRITE_ONCE(blk->nr_overflow, depth);
	raw_spin_unlock(&blk->lock);
	active = blk->active;
	if (static_branch_unlikely(&pertask_hazptr_track_bitmap))
		active |= BIT(PERTASK_HAZPTR_OVERFLOW_BIT);
	else
		active++;
	/* Likewise ordered before Load A by the fence in publish. */
	WRITE_ONCE(blk->active, active);
	ctx->owner = (unsigned long)blk | PERTASK_HAZPTR_CTX_BACKUP;
	ctx->slot = &ctx->backup;
	hzb_count(HZB_CNT_OVERFLOWS);
	trace_pertask_hazptr_overflow(blk->pid, depth);
	ptr = pertask_hazptr_publish(&ctx->backup, ptr, addr_p);
	if (!ptr)
		pertask_hazptr_release_own_overflow(blk, ctx);
	return ptr;
}

/*
 * hzb_acquire() found no block, or no free fixed slot.  @ptr was loaded
 * from @addr_p and is not NULL.
 */
noinline void *pertask_hazptr_acquire_slow(struct hzb_ctx *ctx,
					   void * const *addr_p, void *ptr)
{
	struct pertask_hazptr_block *blk = pertask_hazptr_current_block();
	void **slot;
	int i;

	/*
	 * No block: never allocate here (a reader may hold a raw spinlock or
	 * run with preemption off, where allocating is not allowed on
	 * PREEMPT_RT).  Blocks are allocated where sleeping is allowed, at
	 * reader start (hzb_design_reader_enter()); a task without one uses
	 * the fallback list.
	 */
	if (!blk)
		return pertask_hazptr_acquire_fallback(ctx, addr_p, ptr);
	/* Remote releases may have freed slots that ->active still counts. */
	pertask_hazptr_reconcile(blk);
	i = pertask_hazptr_claim(blk);
	if (i < 0)
		return pertask_hazptr_acquire_overflow(ctx, addr_p, ptr, blk);
	slot = &blk->slots[i];
	ctx->owner = (unsigned long)blk;
	ctx->slot = slot;
	ptr = pertask_hazptr_publish(slot, ptr, addr_p);
	if (!ptr)
		pertask_hazptr_unclaim(blk, slot);
	return ptr;
}

/* ------------------------------------------------------------------ */
/* 4. Task exit                                                        */
/* ------------------------------------------------------------------ */

/*
 * Force-clear a detached block and drop it.  Contexts that still point
 * into it (the task exited holding) keep it allocated until the last one
 * is released (pertask_hazptr_release_remote()).
 */
static void pertask_hazptr_block_kill(struct pertask_hazptr_block *blk)
{
	struct hzb_ctx *ctx, *tmp;
	unsigned int i, held = 0;

	pertask_hazptr_lock(&blk->lock);
	for (i = 0; i < blk->nslots; i++) {
		if (!READ_ONCE(blk->slots[i]))
			continue;
		held++;
		/* A dead task reads nothing: pairs with the scan's closing smp_mb(). */
		smp_store_release(&blk->slots[i], NULL);
	}
	list_for_each_entry_safe(ctx, tmp, &blk->overflow, overflow_node) {
		held++;
		pertask_hazptr_unchain(ctx, &blk->nr_overflow);
	}
	/* Likewise: a scanner that sees zero skips the task for good. */
	smp_store_release(&blk->active, 0);
	blk->dead = true;
	blk->outstanding = held;
	raw_spin_unlock(&blk->lock);
	trace_pertask_hazptr_detach(blk->pid, held);
	if (held) {
		hzb_count(HZB_CNT_EXIT_HOLDING);
		atomic_long_add(held, &pertask_hazptr_orphan_ctxs);
	} else {
		pertask_hazptr_block_put(blk);
	}
}

static struct tracepoint *pertask_hazptr_exit_tp;

/*
 * The exiting task's last task work (queued by the exit probe below, so
 * it runs after every task work queued later in do_exit(): task works run
 * newest first).  By then exit_files() has dropped the task's files and
 * the final fput()s have run as task works: a hold released by closing
 * its file is released, and what the kill finds still held are real holds
 * (files shared with another task, contexts handed to one), counted in
 * EXIT_HOLDING.  Where Joel's tree clears a dying task's slots.
 */
static void pertask_hazptr_exit_work(struct callback_head *work)
{
	struct pertask_hazptr_block *blk =
		container_of(work, struct pertask_hazptr_block, exit_work);

	pertask_hazptr_detach(blk);
	pertask_hazptr_block_kill(blk);
}

/*
 * sched_process_exit: runs in the exiting task, preemption disabled,
 * before exit_files() and exit_task_work().
 */
static void pertask_hazptr_exit_probe(HZB_SCHED_EXIT_PROBE_ARGS)
{
	struct pertask_hazptr_block *blk;

	if (p != current)
		return;
	blk = pertask_hazptr_current_block();
	if (!blk)
		return;
	init_task_work(&blk->exit_work, pertask_hazptr_exit_work);
	if (!task_work_add(current, &blk->exit_work, TWA_NONE))
		return;
	/* Task works already ran (not expected here): kill it now. */
	pertask_hazptr_exit_work(&blk->exit_work);
}

static void pertask_hazptr_find_exit_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sched_process_exit"))
		*(struct tracepoint **)priv = tp;
}

/* ------------------------------------------------------------------ */
/* 5. Synchronize                                                      */
/* ------------------------------------------------------------------ */

/* The retired pointers one walk waits for; sorted when large. */
struct pertask_hazptr_set {
	void **ptrs;
	unsigned int n;
};

#define PERTASK_HAZPTR_SET_LINEAR	16

static int pertask_hazptr_ptr_cmp(const void *a, const void *b)
{
	unsigned long x = (unsigned long)*(void * const *)a;
	unsigned long y = (unsigned long)*(void * const *)b;

	return x < y ? -1 : x > y;
}

/* Sorts @ptrs in place when large (the engine does not mind the order). */
static void pertask_hazptr_set_init(struct pertask_hazptr_set *set,
				    void **ptrs, unsigned int n)
{
	set->ptrs = ptrs;
	set->n = n;
	if (n > PERTASK_HAZPTR_SET_LINEAR)
		sort(ptrs, n, sizeof(*ptrs), pertask_hazptr_ptr_cmp, NULL);
}

static bool pertask_hazptr_set_has(const struct pertask_hazptr_set *set,
				   void *v)
{
	unsigned int i;

	if (!v)
		return false;
	if (set->n > PERTASK_HAZPTR_SET_LINEAR)
		return bsearch(&v, set->ptrs, set->n, sizeof(v),
			       pertask_hazptr_ptr_cmp);
	for (i = 0; i < set->n; i++)
		if (set->ptrs[i] == v)
			return true;
	return false;
}

/*
 * @t's block, found from its task_struct: walk its preempt notifiers for
 * ours.  Under rcu_read_lock().  Our own nodes are added and removed with
 * the _rcu list primitives; another user's (KVM) are removed with
 * hlist_del(), which poisons ->next: seeing the poison means we raced with
 * such a removal, so walk that task's list again.
 */
static struct pertask_hazptr_block *
pertask_hazptr_task_block(struct task_struct *t, u64 *restarts, u64 *hops)
{
	struct preempt_notifier *pn;
	struct hlist_node *node;

again:
	/* Pairs with hlist_add_head_rcu() in pertask_hazptr_attach(). */
	for (node = rcu_dereference(hlist_first_rcu(&t->preempt_notifiers));
	     node; node = rcu_dereference(hlist_next_rcu(node))) {
		if (unlikely(node == LIST_POISON1)) {
			(*restarts)++;
			goto again;
		}
		pn = hlist_entry(node, struct preempt_notifier, link);
		if (READ_ONCE(pn->ops) == &pertask_hazptr_preempt_ops)
			return container_of(pn, struct pertask_hazptr_block,
					    notifier);
		/* Another user's notifier (percpu_hazptr's, KVM's). */
		(*hops)++;
	}
	return NULL;
}

/* Level 1: a task whose ->active is zero holds nothing. */
static __always_inline bool pertask_hazptr_idle(struct pertask_hazptr_block *blk)
{
#ifdef HZB_BROKEN_EARLY_CLEAR
	/* Broken on purpose: skips exactly the tasks that hold something. */
	return READ_ONCE(blk->active) != 0;
#else
	return !READ_ONCE(blk->active);
#endif
}

/* Does the overflow list of @blk hold a pointer of @set? */
static bool pertask_hazptr_overflow_has(struct pertask_hazptr_block *blk,
					const struct pertask_hazptr_set *set)
{
	struct hzb_ctx *ctx;
	bool found = false;

	if (!READ_ONCE(blk->nr_overflow))
		return false;
	pertask_hazptr_lock(&blk->lock);
	list_for_each_entry(ctx, &blk->overflow, overflow_node) {
		if (pertask_hazptr_set_has(set, READ_ONCE(ctx->backup))) {
			found = true;
			break;
		}
	}
	raw_spin_unlock(&blk->lock);
	return found;
}

/*
 * Level 2: does @blk hold a pointer of @set, in a fixed slot (only the used
 * ones with track=bitmap) or on its overflow list?
 */
static noinline bool pertask_hazptr_scan_task(struct pertask_hazptr_block *blk,
					      const struct pertask_hazptr_set *set)
{
	unsigned long used;
	unsigned int i;

	if (static_branch_unlikely(&pertask_hazptr_track_bitmap)) {
		used = READ_ONCE(blk->active) & blk->slot_mask;
		for_each_set_bit(i, &used, blk->nslots)
			if (pertask_hazptr_set_has(set, READ_ONCE(blk->slots[i])))
				return true;
	} else {
		for (i = 0; i < blk->nslots; i++)
			if (pertask_hazptr_set_has(set, READ_ONCE(blk->slots[i])))
				return true;
	}
	/* The skip_overflow build never waits for overflow entries. */
	return !PERTASK_HAZPTR_BROKEN_SKIP_OVERFLOW &&
	       pertask_hazptr_overflow_has(blk, set);
}

/*
 * Wait, outside any RCU read-side section, until @blk no longer holds a
 * pointer of @set, by the common wait policy (../common/hzb_wait.h).
 * Both @blk and @owner are pinned by the caller.
 */
noinline void pertask_hazptr_wait_task(struct pertask_hazptr_block *blk,
				       struct task_struct *owner,
				       const struct pertask_hazptr_set *set)
{
	struct hzb_wait w;

	hzb_wait_begin(&w);
	while (pertask_hazptr_scan_task(blk, set))
		hzb_wait_pause(&w);
	trace_pertask_hazptr_wait(blk->pid, ktime_get_ns() - w.start);
}

/* Fallback entries looked at per hold of the fallback lock. */
#define PERTASK_HAZPTR_FALLBACK_PIECE	16

/*
 * Contexts on the fallback list, after the walk.  The list is as long as
 * blockless tasks hold pointers: walk it piecewise, so that the raw lock
 * (a spinning, preemption-off section even on PREEMPT_RT) is held for at
 * most PERTASK_HAZPTR_FALLBACK_PIECE entries.  A marker context of ours
 * keeps the place while the lock is dropped; its backup is NULL, which no
 * set holds, so other walkers step over it, and only we unlink it.
 *
 * Entries unlinked meanwhile are released, and entries chained meanwhile
 * go to the head, behind the marker: they were chained under the lock
 * after this walk had taken it, so after our Store A and the smp_mb() of
 * pertask_hazptr_scan_all(), and their reader's reload in
 * pertask_hazptr_publish() sees Store A: they cannot hold @set.
 */
static bool pertask_hazptr_fallback_has(const struct pertask_hazptr_set *set)
{
	struct list_head *head = &pertask_hazptr_fallback_list;
	struct hzb_ctx mark = { }, *ctx;
	unsigned int piece = 0;
	bool found = false;

	if (!READ_ONCE(pertask_hazptr_fallback_nr))
		return false;
	pertask_hazptr_lock(&pertask_hazptr_fallback_lock);
	ctx = list_first_entry(head, struct hzb_ctx, overflow_node);
	while (!list_entry_is_head(ctx, head, overflow_node)) {
		if (pertask_hazptr_set_has(set, READ_ONCE(ctx->backup))) {
			found = true;
			break;
		}
		if (++piece == PERTASK_HAZPTR_FALLBACK_PIECE) {
			piece = 0;
			list_add(&mark.overflow_node, &ctx->overflow_node);
			raw_spin_unlock(&pertask_hazptr_fallback_lock);
			cond_resched();
			pertask_hazptr_lock(&pertask_hazptr_fallback_lock);
			ctx = list_next_entry(&mark, overflow_node);
			list_del(&mark.overflow_node);
			continue;
		}
		ctx = list_next_entry(ctx, overflow_node);
	}
	raw_spin_unlock(&pertask_hazptr_fallback_lock);
	return found;
}

/* Tasks walked between two breaks of the RCU read-side section. */
#define PERTASK_HAZPTR_WALK_BREAK	1024

/*
 * Leave the walk's RCU read-side section at @g/@t, and come back: to wait
 * for @blk to let go of @set (the holder may sleep: never wait inside the
 * section), or, with @blk NULL, to let a grace period and other tasks in
 * (a walk of 100000 tasks would otherwise hold one section for tens of
 * milliseconds, under TCG for seconds).  Returns true if the walk can
 * resume from @t: it and its leader were pinned and are still hashed, so
 * the list pointers from them are valid again under the new section (the
 * test of the hung-task detector's rcu_lock_break()).  False: start over.
 */
static bool pertask_hazptr_walk_break(struct task_struct *g,
				      struct task_struct *t,
				      struct pertask_hazptr_block *blk,
				      const struct pertask_hazptr_set *set)
	__releases(RCU) __acquires(RCU)
{
	bool resume;

	get_task_struct(g);
	get_task_struct(t);
	rcu_read_unlock();
	if (blk) {
		pertask_hazptr_wait_task(blk, t, set);
		pertask_hazptr_block_put(blk);
	} else {
		cond_resched();
	}
	rcu_read_lock();
	resume = pid_alive(g) && pid_alive(t);
	put_task_struct(t);
	put_task_struct(g);
	return resume;
}

/*
 * One walk of every task of the system: return once no task holds a
 * pointer of @set.  The caller unpublished all of them (Store A) before.
 * Inlined into its callers: under TCG a call level costs more than the
 * walk of a hundred tasks.
 *
 * Counted per walk: tasks (TASKS_SCANNED), tasks with no block or an idle
 * one (TASKS_SKIPPED), blocks found (BLOCKS_VISITED) and other users'
 * notifiers stepped over to find them (NOTIFIER_HOPS): the last two are
 * the emulation's cost, which an in-tree task_struct field would not have.
 */
static __always_inline void pertask_hazptr_scan_all(const struct pertask_hazptr_set *set)
{
	u64 scanned = 0, busy = 0, waits = 0, restarts = 0, t0 = 0;
	u64 visited = 0, hops = 0;
	struct pertask_hazptr_block *blk, *self;
	struct task_struct *g, *t;
	unsigned int since_break;

	if (trace_pertask_hazptr_scan_enabled())
		t0 = ktime_get_ns();

	/*
	 * Store A before every load of ->active, slots and overflow lists
	 * below.  Pairs with the store-load fence of the reader between its
	 * ->active and slot stores and its reload of the pointer
	 * (pertask_hazptr_store_load_fence()): store buffering, see
	 * pertask_hazptr.h.
	 */
	smp_mb();
	self = pertask_hazptr_current_block();
restart:
	since_break = 0;
	rcu_read_lock();
	for_each_process_thread(g, t) {
		hzb_race(HZB_RACE_SCAN);
		/* A safe point: @t not looked at yet, resume from it. */
		if (unlikely(++since_break > PERTASK_HAZPTR_WALK_BREAK)) {
			since_break = 0;
			if (!pertask_hazptr_walk_break(g, t, NULL, set)) {
				rcu_read_unlock();
				restarts++;
				goto restart;
			}
		}
		scanned++;
		blk = pertask_hazptr_task_block(t, &restarts, &hops);
		if (!blk)
			continue;
		visited++;
		if (pertask_hazptr_idle(blk))
			continue;
		busy++;
		if (!pertask_hazptr_scan_task(blk, set))
			continue;
		/*
		 * Our own block holds none of @set: the caller checked
		 * (pertask_hazptr_check_self()), and only we fill it.
		 */
		if (unlikely(blk == self))
			continue;
		if (!refcount_inc_not_zero(&blk->refs))
			continue;	/* being freed: dead, force-cleared */
		waits++;
		since_break = 0;
		if (!pertask_hazptr_walk_break(g, t, blk, set)) {
			rcu_read_unlock();
			restarts++;
			goto restart;
		}
	}
	rcu_read_unlock();
	if (pertask_hazptr_fallback_has(set)) {
		struct hzb_wait w;

		waits++;
		hzb_wait_begin(&w);
		do {
			hzb_wait_pause(&w);
		} while (pertask_hazptr_fallback_has(set));
	}
	/*
	 * Every load above that found a slot empty or a task idle comes
	 * before the caller frees the objects.  Pairs with the
	 * store-releases that empty slots and lower ->active
	 * (pertask_hazptr_unclaim(), _unchain(), _reconcile(),
	 * _block_kill()).
	 */
	smp_mb();
	hzb_count_add(HZB_CNT_TASKS_SCANNED, scanned);
	hzb_count_add(HZB_CNT_TASKS_SKIPPED, scanned - busy);
	hzb_count_add(HZB_CNT_BLOCKS_VISITED, visited);
	if (hops)
		hzb_count_add(HZB_CNT_NOTIFIER_HOPS, hops);
	if (waits)
		hzb_count_add(HZB_CNT_SYNC_WAITS, waits);
	if (restarts)
		hzb_count_add(HZB_CNT_SCAN_RESTARTS, restarts);
	if (trace_pertask_hazptr_scan_enabled())
		trace_pertask_hazptr_scan(set->n, scanned, scanned - busy, waits,
					  restarts, ktime_get_ns() - t0);
}

static void pertask_hazptr_retire_wait(void **ptrs, unsigned int n);

/*
 * Does the caller itself hold a pointer of @set?  Then waiting would never
 * end (retire=sync|off: it waits for itself) or never be woken (async: the
 * worker waits for the caller, which waits for the worker), so synchronize
 * fails with -EDEADLK and the caller must not free the objects.  Only the
 * caller fills its own slots and overflow list, so this look needs no
 * barrier; a release by another task can only empty them.  (A context on
 * the global fallback list has no owner and is not seen here.)
 */
static int pertask_hazptr_check_self(const struct pertask_hazptr_set *set)
{
	struct pertask_hazptr_block *self = pertask_hazptr_current_block();

	if (!self || !pertask_hazptr_scan_task(self, set))
		return 0;
	hzb_count(HZB_CNT_SYNC_SELF);
	return -EDEADLK;
}

/*
 * Wait until no task holds @ptr, which the caller has unpublished.
 * Returns 0, or -EDEADLK if the caller holds @ptr itself.
 */
noinline int pertask_hazptr_synchronize(void *ptr)
{
	struct pertask_hazptr_set set;
	int ret;

	might_sleep();
	if (!ptr)
		return 0;
	pertask_hazptr_set_init(&set, &ptr, 1);
	ret = pertask_hazptr_check_self(&set);
	if (ret)
		return ret;
	if (READ_ONCE(pertask_hazptr_retire_mode) == PERTASK_HAZPTR_RETIRE_ASYNC)
		pertask_hazptr_retire_wait(&ptr, 1);
	else
		pertask_hazptr_scan_all(&set);
	return 0;
}

/* ------------------------------------------------------------------ */
/* 6. The retire list                                                  */
/* ------------------------------------------------------------------ */

/*
 * The engine's updater retires objects in batches (its batch parameter)
 * and reclaims each batch with hzb_synchronize_batch():
 *
 *   retire=off    one walk per object (the per-object baseline);
 *   retire=sync   one walk for the whole batch, in the updater;
 *   retire=async  the batch is queued to the reclaim worker, which waits
 *                 until threshold objects are queued or delay has passed,
 *                 then reclaims every queued request, from every updater,
 *                 with one walk.  The updater sleeps until its request is
 *                 reclaimed (the engine frees on return), so its
 *                 synchronize time is the reclaim latency; the backlog is
 *                 retire_backlog (module parameter) and RETIRED - RECLAIMED.
 *
 * A batch of one goes through pertask_hazptr_synchronize(), the function
 * BPF times.  RETIRE_BATCHES: the engine counts its batches of more than
 * one object; the worker adds one per walk that merged several requests.
 */
struct pertask_hazptr_retired {
	struct list_head node;
	void **ptrs;
	unsigned int n;
	u64 queued_ns;
	struct completion done;
};

static DEFINE_SPINLOCK(pertask_hazptr_retire_lock);
static LIST_HEAD(pertask_hazptr_retire_list);
static unsigned long pertask_hazptr_retire_queued;	/* objects on the list */
static DECLARE_WAIT_QUEUE_HEAD(pertask_hazptr_retire_wq);
static struct task_struct *pertask_hazptr_worker;

static void pertask_hazptr_retire_wait(void **ptrs, unsigned int n)
{
	struct pertask_hazptr_retired r = { .ptrs = ptrs, .n = n };

	init_completion(&r.done);
	r.queued_ns = ktime_get_ns();
	spin_lock(&pertask_hazptr_retire_lock);
	list_add_tail(&r.node, &pertask_hazptr_retire_list);
	WRITE_ONCE(pertask_hazptr_retire_queued, pertask_hazptr_retire_queued + n);
	WRITE_ONCE(pertask_hazptr_backlog, pertask_hazptr_backlog + n);
	if (pertask_hazptr_backlog > pertask_hazptr_backlog_max)
		WRITE_ONCE(pertask_hazptr_backlog_max, pertask_hazptr_backlog);
	spin_unlock(&pertask_hazptr_retire_lock);
	wake_up(&pertask_hazptr_retire_wq);
	/*
	 * complete() after the worker's walk, which ends with smp_mb(),
	 * orders that walk before our return and the engine's free.  Idle
	 * sleep, as in hzb_wait_pause(): a long hold is not a hung task.
	 */
	wait_for_completion_state(&r.done, TASK_IDLE);
}

static bool pertask_hazptr_retire_pending(void)
{
	return READ_ONCE(pertask_hazptr_retire_queued) != 0;
}

static bool pertask_hazptr_retire_full(void)
{
	return READ_ONCE(pertask_hazptr_retire_queued) >=
	       READ_ONCE(pertask_hazptr_threshold);
}

/* One walk for every request on @batch (objs objects in all). */
static void pertask_hazptr_reclaim(struct list_head *batch, unsigned long objs)
{
	struct pertask_hazptr_retired *r, *tmp;
	struct pertask_hazptr_set set;
	unsigned int nreq = 0, n = 0;
	u64 oldest = U64_MAX;
	void **buf = NULL;

	list_for_each_entry(r, batch, node) {
		nreq++;
		oldest = min(oldest, r->queued_ns);
	}
	if (nreq > 1 && objs <= UINT_MAX)
		buf = kvmalloc_array(objs, sizeof(*buf), GFP_KERNEL);
	if (buf) {
		list_for_each_entry(r, batch, node) {
			memcpy(buf + n, r->ptrs, r->n * sizeof(*buf));
			n += r->n;
		}
		pertask_hazptr_set_init(&set, buf, n);
		pertask_hazptr_scan_all(&set);
		kvfree(buf);
		hzb_count(HZB_CNT_RETIRE_BATCHES);
	} else {
		/* One request, or no memory for the merged set. */
		list_for_each_entry(r, batch, node) {
			pertask_hazptr_set_init(&set, r->ptrs, r->n);
			pertask_hazptr_scan_all(&set);
		}
	}
	spin_lock(&pertask_hazptr_retire_lock);
	WRITE_ONCE(pertask_hazptr_backlog, pertask_hazptr_backlog - objs);
	spin_unlock(&pertask_hazptr_retire_lock);
	trace_pertask_hazptr_reclaim(nreq, objs, READ_ONCE(pertask_hazptr_backlog),
				     ktime_get_ns() - oldest);
	list_for_each_entry_safe(r, tmp, batch, node) {
		list_del(&r->node);
		complete(&r->done);	/* @r may be gone after this */
	}
}

static int pertask_hazptr_worker_fn(void *unused)
{
	unsigned long objs;
	LIST_HEAD(batch);
	u64 delay;

	while (!kthread_should_stop()) {
		wait_event_interruptible(pertask_hazptr_retire_wq,
					 pertask_hazptr_retire_pending() ||
					 kthread_should_stop());
		delay = READ_ONCE(pertask_hazptr_delay_ns);
		if (delay && !pertask_hazptr_retire_full())
			wait_event_interruptible_hrtimeout(pertask_hazptr_retire_wq,
							   pertask_hazptr_retire_full() ||
							   kthread_should_stop(),
							   ns_to_ktime(delay));
		spin_lock(&pertask_hazptr_retire_lock);
		list_splice_init(&pertask_hazptr_retire_list, &batch);
		objs = pertask_hazptr_retire_queued;
		WRITE_ONCE(pertask_hazptr_retire_queued, 0);
		spin_unlock(&pertask_hazptr_retire_lock);
		if (!list_empty(&batch))
			pertask_hazptr_reclaim(&batch, objs);
	}
	return 0;
}

/* As pertask_hazptr_synchronize(), for @n objects (the engine's batch). */
noinline int pertask_hazptr_synchronize_batch(void **ptrs, unsigned int n)
{
	struct pertask_hazptr_set set;
	unsigned int i;
	int ret;

	if (n == 1)
		return pertask_hazptr_synchronize(ptrs[0]);
	might_sleep();
	pertask_hazptr_set_init(&set, ptrs, n);
	ret = pertask_hazptr_check_self(&set);
	if (ret)
		return ret;
	switch (READ_ONCE(pertask_hazptr_retire_mode)) {
	case PERTASK_HAZPTR_RETIRE_OFF:
		for (i = 0; i < n; i++)
			pertask_hazptr_synchronize(ptrs[i]);
		break;
	case PERTASK_HAZPTR_RETIRE_ASYNC:
		pertask_hazptr_retire_wait(ptrs, n);
		break;
	default:
		pertask_hazptr_scan_all(&set);
		break;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* 7. Design hooks                                                     */
/* ------------------------------------------------------------------ */

static void pertask_hazptr_debugfs_init(void);

int hzb_design_init(void)
{
	int ret;

	for_each_kernel_tracepoint(pertask_hazptr_find_exit_tp,
				   &pertask_hazptr_exit_tp);
	if (!pertask_hazptr_exit_tp) {
		pr_err("pertask_hazptr: no sched_process_exit tracepoint\n");
		return -ENOENT;
	}
	/* Turns on the scheduler's notifier calls (static key). */
	preempt_notifier_inc();
	ret = tracepoint_probe_register(pertask_hazptr_exit_tp,
					pertask_hazptr_exit_probe, NULL);
	if (ret)
		goto err_notifier;
	pertask_hazptr_worker = kthread_run(pertask_hazptr_worker_fn, NULL,
					    "pertask_hazptr_reclaim");
	if (IS_ERR(pertask_hazptr_worker)) {
		ret = PTR_ERR(pertask_hazptr_worker);
		goto err_probe;
	}
	pertask_hazptr_debugfs_init();
	return 0;

err_probe:
	tracepoint_probe_unregister(pertask_hazptr_exit_tp,
				    pertask_hazptr_exit_probe, NULL);
	tracepoint_synchronize_unregister();
err_notifier:
	preempt_notifier_dec();
	return ret;
}

static struct dentry *pertask_hazptr_debugfs;

void hzb_design_exit(void)
{
	debugfs_remove_recursive(pertask_hazptr_debugfs);
	/* No file is open, so no updater waits on the worker. */
	kthread_stop(pertask_hazptr_worker);
	tracepoint_probe_unregister(pertask_hazptr_exit_tp,
				    pertask_hazptr_exit_probe, NULL);
	tracepoint_synchronize_unregister();
	/*
	 * No block is left (each holds a module reference until its RCU
	 * callback) and no file is open (no context points into a block).
	 * Wait for the tail of the last exit work (it may have been preempted
	 * after queueing the callback that dropped the last reference: tasks
	 * RCU waits for every task to switch voluntarily), then for the last
	 * callbacks to return.
	 */
	synchronize_rcu_tasks();
	rcu_barrier();
	preempt_notifier_dec();
}

/*
 * The engine calls this only while nothing runs and nothing is held (a
 * hold counts as a run), so switching the track mode cannot strand a held
 * pointer; an idle block reads the same in both modes, up to a stale
 * ->active that reconcile fixes.  Blocks sized for another slot count stay
 * valid (each block records its own) and are replaced when idle at their
 * task's next reader_enter.
 */
int hzb_design_apply(void)
{
	unsigned int nslots = pertask_hazptr_slots_nums[pertask_hazptr_knob_slots];

	if (nslots != pertask_hazptr_nslots) {
		WRITE_ONCE(pertask_hazptr_nslots, nslots);
		WRITE_ONCE(pertask_hazptr_gen, pertask_hazptr_gen + 1);
	}
	if (pertask_hazptr_knob_track)
		static_branch_enable(&pertask_hazptr_track_bitmap);
	else
		static_branch_disable(&pertask_hazptr_track_bitmap);
	WRITE_ONCE(pertask_hazptr_retire_mode, pertask_hazptr_knob_retire);
	WRITE_ONCE(pertask_hazptr_threshold,
		   pertask_hazptr_threshold_nums[pertask_hazptr_knob_threshold]);
	WRITE_ONCE(pertask_hazptr_delay_ns,
		   pertask_hazptr_delay_nums[pertask_hazptr_knob_delay]);
	WRITE_ONCE(pertask_hazptr_blockless, pertask_hazptr_knob_blocks);
	return 0;
}

void hzb_design_fill_info(struct hzb_info *info)
{
	unsigned int nslots = READ_ONCE(pertask_hazptr_nslots);

	info->slots_per_task = nslots;
	info->bytes_per_task = pertask_hazptr_block_bytes(nslots);
	/* The emulation's running-block pointer. */
	info->bytes_per_cpu = sizeof(struct pertask_hazptr_block *);
	/* One overflow lock per block, plus the fallback list's. */
	info->nr_locks = atomic_long_read(&pertask_hazptr_live_blocks) + 1;
	info->broken = PERTASK_HAZPTR_BROKEN;
}

int hzb_design_reader_enter(void)
{
	struct pertask_hazptr_block *blk = pertask_hazptr_current_block();

	if (blk) {
		pertask_hazptr_reconcile(blk);
		if (READ_ONCE(blk->active))
			return 0;
		if (blk->gen == READ_ONCE(pertask_hazptr_gen) &&
		    !READ_ONCE(pertask_hazptr_blockless))
			return 0;
		/* Sized for another variant, or blocks=none, and idle: drop it. */
		pertask_hazptr_detach(blk);
		pertask_hazptr_block_kill(blk);
	}
	if (READ_ONCE(pertask_hazptr_blockless))
		return 0;
	return pertask_hazptr_attach(GFP_KERNEL);
}

void hzb_design_reader_exit(void)
{
	struct pertask_hazptr_block *blk = pertask_hazptr_current_block();

	if (blk)
		pertask_hazptr_reconcile(blk);
}

u32 hzb_design_lock_addrs(u64 *addrs, u32 cap)
{
	struct pertask_hazptr_block *blk;
	struct task_struct *g, *t;
	u64 restarts = 0, hops = 0;
	u32 n = 0;

	if (n < cap)
		addrs[n] = (unsigned long)&pertask_hazptr_fallback_lock;
	n++;
	rcu_read_lock();
	for_each_process_thread(g, t) {
		blk = pertask_hazptr_task_block(t, &restarts, &hops);
		if (!blk)
			continue;
		if (n < cap)
			addrs[n] = (unsigned long)&blk->lock;
		n++;
	}
	rcu_read_unlock();
	return n;
}

/* ------------------------------------------------------------------ */
/* 8. Fast-path microbenchmark                                         */
/* ------------------------------------------------------------------ */

/*
 * cat /sys/kernel/debug/pertask_hazptr/fastpath: acquire+release of the
 * engine's shared object in a tight loop, in the reading task, alternated
 * with the engine's slot-loop floor (store, smp_mb, load, store-release)
 * so both see the same host noise; the best of several rounds of each.
 * Root only; do not change the variant while it runs.
 */
#define PERTASK_HAZPTR_BENCH_LOOPS	100000
#define PERTASK_HAZPTR_BENCH_ROUNDS	31

static unsigned long pertask_hazptr_bench_slot;

static noinline u64 pertask_hazptr_bench_floor(void)
{
	u64 t0 = ktime_get_ns();
	struct hzb_obj *obj;
	unsigned int i;

	for (i = 0; i < PERTASK_HAZPTR_BENCH_LOOPS; i++) {
		obj = READ_ONCE(hzb_shared);
		WRITE_ONCE(pertask_hazptr_bench_slot, (unsigned long)obj);
		/* The floor's Store B before Load A; nothing pairs with it. */
		smp_mb();
		obj = READ_ONCE(hzb_shared);
		if (obj && READ_ONCE(obj->magic) != HZB_OBJ_LIVE)
			hzb_count(HZB_CNT_VIOLATIONS);
		/* The floor's release; nothing pairs with it either. */
		smp_store_release(&pertask_hazptr_bench_slot, 0UL);
	}
	return ktime_get_ns() - t0;
}

static noinline u64 pertask_hazptr_bench_fast(void)
{
	u64 t0 = ktime_get_ns();
	struct hzb_ctx ctx = { };
	struct hzb_obj *obj;
	unsigned int i;

	for (i = 0; i < PERTASK_HAZPTR_BENCH_LOOPS; i++) {
		obj = hzb_acquire(&ctx, &hzb_shared);
		if (obj && READ_ONCE(obj->magic) != HZB_OBJ_LIVE)
			hzb_count(HZB_CNT_VIOLATIONS);
		hzb_release(&ctx, obj);
	}
	return ktime_get_ns() - t0;
}

static int pertask_hazptr_fastpath_show(struct seq_file *m, void *unused)
{
	u64 floor = U64_MAX, fast = U64_MAX;
	unsigned int i;
	int ret;

	ret = hzb_design_reader_enter();
	if (ret)
		return ret;
	for (i = 0; i < PERTASK_HAZPTR_BENCH_ROUNDS; i++) {
		floor = min(floor, pertask_hazptr_bench_floor());
		fast = min(fast, pertask_hazptr_bench_fast());
		cond_resched();
	}
	hzb_design_reader_exit();
	seq_printf(m, "slots=%u track=%s loops=%u floor_ps=%llu acquire_release_ps=%llu ratio_x1000=%llu\n",
		   READ_ONCE(pertask_hazptr_nslots),
		   static_branch_unlikely(&pertask_hazptr_track_bitmap) ?
		   "bitmap" : "count", PERTASK_HAZPTR_BENCH_LOOPS,
		   floor * 1000 / PERTASK_HAZPTR_BENCH_LOOPS,
		   fast * 1000 / PERTASK_HAZPTR_BENCH_LOOPS,
		   fast * 1000 / max(floor, 1ULL));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pertask_hazptr_fastpath);

static void pertask_hazptr_debugfs_init(void)
{
	pertask_hazptr_debugfs = debugfs_create_dir("pertask_hazptr", NULL);
	debugfs_create_file("fastpath", 0400, pertask_hazptr_debugfs, NULL,
			    &pertask_hazptr_fastpath_fops);
}
