/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-task hazard pointers, after Joel Fernandes' reply to the v4 hazard
 * pointer series: the slots belong to the task, not to the CPU, so a reader
 * may be preempted or sleep while it holds a hazard pointer, and
 * synchronize walks every task of the system.
 *
 * This header is the fast path (acquire and release, static inline, as the
 * engine's reader loop calls them); pertask.c holds everything else: the
 * overflow and remote-release slow paths, the task scan, task exit, the
 * retire list and the module glue.
 *
 * Each task that reads owns one block:
 *
 *   active   a single-writer word, written only by the owning task: the
 *            number of hazard pointers it holds (track=count) or a bitmap
 *            of its used slots plus an "overflow list in use" bit
 *            (track=bitmap).  Synchronize skips tasks whose word is zero.
 *   slots[]  16 fixed slots as in Joel's tree, or 8 (slots=16|8), one
 *            pointer each.
 *   overflow a list of caller-provided backup slots (the hzb_ctx itself,
 *            which the caller keeps alive while it holds the pointer),
 *            used when every fixed slot is taken.  Protected by a per-task
 *            lock that only the owner, a scanner or a remote release takes.
 *
 * Emulation.  In the kernel the block would be a task_struct member.  A
 * module cannot add one, so the block embeds a preempt_notifier linked on
 * the task's own task_struct::preempt_notifiers list: a scanner reaches the
 * block from any task_struct with no global lookup structure (walk that
 * task's notifier list, match our ops, container_of()).  The fast path
 * needs "current's block" at the cost of a task_struct field; the notifier
 * keeps a per-CPU pointer to the running task's block up to date (sched_out
 * clears it, sched_in sets it), so the lookup is one %gs-relative load,
 * the same cost as reading current->field.  What the emulation adds is two
 * notifier calls on every context switch of a task that owns a block, and
 * one notifier-list hop per task in the scan.
 *
 * Ordering (the store-buffering handshake of every hazard pointer design):
 *
 *   reader (hzb_acquire)               updater (pertask_hazptr_synchronize)
 *   active++ (or set bit)              Store A: unpublish (xchg in engine)
 *   Store B: slot = ptr                smp_mb()
 *   smp_mb()                           load active: zero -> skip the task
 *   Load A: reload *addr_p             load the slots, wait while == ptr
 *   ptr_eq(reload, ptr) or retry       smp_mb(), then the caller frees
 *
 * Both of the reader's stores precede its full barrier and both of the
 * scanner's loads follow its full barrier, so either the reader's reload
 * sees Store A (and retries or returns NULL) or the scanner sees both the
 * counter and the slot.  That is why skipping a task on a zero counter is
 * safe, and why no smp_wmb() is needed between the counter and the slot
 * store (Joel's tree has one): the reader's smp_mb() orders both.  Release
 * is a store-release of NULL into the slot and a store-release of the
 * decremented counter; the scanner's closing smp_mb() orders its loads that
 * saw them before the caller's free, so every access the reader made to
 * the object happens before the object is freed.
 */
#ifndef _PERTASK_HAZPTR_H
#define _PERTASK_HAZPTR_H

#include <linux/bitops.h>
#include <linux/compiler.h>
#include <linux/jump_label.h>
#include <linux/list.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/refcount.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include "../common/hzb_common.h"

#ifndef CONFIG_PREEMPT_NOTIFIERS
#error "the per-task emulation needs CONFIG_PREEMPT_NOTIFIERS (any kernel with KVM=m has it)"
#endif

#define HZB_DESIGN_NAME		"pertask"
#define HZB_DEVICE_NAME		"hazptr_pertask"
#define HZB_SYNC_FUNC		"pertask_hazptr_synchronize"
/*
 * Its hooks for BPF and perf (hzb_info.hooks, see hzb_common.h); the
 * task-walk phase has no function of its own (scan time minus the waits).
 */
#define HZB_HOOKS		"scan=pertask phase1=pertask_hazptr_wait_task " \
				"len=pertask_hazptr_scan_task done=pertask_hazptr_scan " \
				"lock=pertask_hazptr_lock " \
				"lock_contended=pertask_hazptr_lock_contended " \
				"hold=pertask preempt_ops=pertask_hazptr_preempt_ops"
#define HZB_HAVE_DESIGN_EXIT
#define HZB_HAVE_DESIGN_APPLY
#define HZB_HAVE_READER_HOOKS
#define HZB_HAVE_LOCK_ADDRS

/* Deliberately broken builds, for the torture tests only. */
#if defined(HZB_BROKEN_NO_MB) || defined(HZB_BROKEN_SKIP_OVERFLOW) || \
	defined(HZB_BROKEN_EARLY_CLEAR)
#define PERTASK_HAZPTR_FEAT_BROKEN	HZB_FEAT_BROKEN
#else
#define PERTASK_HAZPTR_FEAT_BROKEN	0U
#endif

#define HZB_DESIGN_FEATURES	(HZB_FEAT_SLEEP_IN_READER | HZB_FEAT_OVERFLOW | \
				 HZB_FEAT_TASK_SCAN | HZB_FEAT_RETIRE | \
				 PERTASK_HAZPTR_FEAT_BROKEN)

#define HZB_HAVE_SYNC_BATCH
/* Synchronize on a pointer the caller holds itself fails (-EDEADLK). */
#define HZB_SYNC_CAN_FAIL
#define hzb_synchronize		pertask_hazptr_synchronize
#define hzb_synchronize_batch	pertask_hazptr_synchronize_batch

#define PERTASK_HAZPTR_MAX_SLOTS	16
/* track=bitmap: this bit of ->active says "the overflow list is in use". */
#define PERTASK_HAZPTR_OVERFLOW_BIT	PERTASK_HAZPTR_MAX_SLOTS

/*
 * One task's hazard pointers; see the top of this file.  Hot fields first:
 * a walk reads the notifier's link and ops (to find the block) and
 * ->active (to skip it when idle), all in the first 32 bytes, so an idle
 * block costs the walk one cache line (kmalloc objects of this size are
 * at least 64-byte aligned).  The slots, read only for a busy block, come
 * last because their number varies with the variant.
 */
struct pertask_hazptr_block {
	/* Links the block on its task's preempt_notifiers list. */
	struct preempt_notifier notifier;
	/* The fast path's words. */
	unsigned long active;		/* single writer: the owning task */
	unsigned long slot_mask;	/* track=bitmap: all fixed slots used */
	unsigned int nslots;
	/* The variant generation the block was sized for. */
	unsigned int gen;
	/* Cold: overflow, remote release, exit, freeing. */
	/* Protects overflow, nr_overflow, dead and outstanding. */
	raw_spinlock_t lock;
	unsigned int nr_overflow;
	struct list_head overflow;	/* of hzb_ctx.overflow_node */
	/* The attachment (or, once dead, its outstanding contexts) + pins. */
	refcount_t refs;
	/* Dead: the owner exited; outstanding contexts still point here. */
	unsigned int outstanding;
	bool dead;
	/* A remote release left ->active too high: the owner recounts. */
	bool stale;
	pid_t pid;			/* owner, for tracing */
	struct rcu_head rcu;
	struct callback_head exit_work;	/* the owner's exit, see _core.c */
	void *slots[];
};

/*
 * The caller's context, on its stack (or wherever it keeps it while it
 * holds the pointer).  With all fixed slots taken, ->backup is the slot and
 * the context itself is chained on the block's overflow list, so overflow
 * never allocates and never fails.
 *
 * ->owner is the block of the fixed slot, so that release's fast check is
 * one compare with the running task's block; a context using its backup
 * slot has PERTASK_HAZPTR_CTX_BACKUP or'ed in (with no block: the global
 * fallback list), which never compares equal and sends release out of line.
 */
struct hzb_ctx {
	void **slot;			/* the slot holding the pointer */
	unsigned long owner;		/* block, | PERTASK_HAZPTR_CTX_BACKUP */
	void *backup;
	struct list_head overflow_node;
};

#define PERTASK_HAZPTR_CTX_BACKUP	1UL

/* The running task's block on each CPU (NULL: it has none). */
DECLARE_PER_CPU(struct pertask_hazptr_block *, pertask_hazptr_running);
/* track=bitmap, switched only while nothing is held (engine idle). */
DECLARE_STATIC_KEY_FALSE(pertask_hazptr_track_bitmap);

void *pertask_hazptr_acquire_slow(struct hzb_ctx *ctx, void * const *addr_p,
				  void *ptr);
void pertask_hazptr_release_slow(struct hzb_ctx *ctx);
int pertask_hazptr_synchronize(void *ptr);
/* The overflow-list lock, out of line for BPF; never on the fast path. */
void pertask_hazptr_lock(raw_spinlock_t *lock);
void pertask_hazptr_lock_contended(raw_spinlock_t *lock);
int pertask_hazptr_synchronize_batch(void **ptrs, unsigned int n);
/* Global, so the compiler keeps it whole: BPF's phase probe attaches here. */
struct pertask_hazptr_set;
void pertask_hazptr_wait_task(struct pertask_hazptr_block *blk, struct task_struct *owner,
			      const struct pertask_hazptr_set *set);

/*
 * Current's block, at the cost of a task_struct field.  this_cpu_read() is
 * one instruction on x86 (elsewhere it disables preemption around the
 * load), so it cannot be split by a migration: it returns the block of the
 * task running on this CPU at that instant, which is ours, and our block
 * stays ours after we migrate.  The notifier wrote it at our last sched_in
 * on this CPU (or attach did, with preemption off); the context switch
 * orders that write before this same-CPU read, no barrier needed.
 */
static __always_inline struct pertask_hazptr_block *
pertask_hazptr_current_block(void)
{
	return this_cpu_read(pertask_hazptr_running);
}

/*
 * Compare two pointers without letting the compiler substitute one for the
 * other afterwards, so the caller's dereferences keep depending on the
 * post-barrier load (ptr_eq() of the series, both operands hidden).
 */
static __always_inline bool pertask_hazptr_ptr_eq(const void *a, const void *b)
{
	OPTIMIZER_HIDE_VAR(a);
	OPTIMIZER_HIDE_VAR(b);
	return a == b;
}

/* Full barrier between Store B and Load A (none in the no_mb build). */
static __always_inline void pertask_hazptr_store_load_fence(void)
{
#ifdef HZB_BROKEN_NO_MB
	barrier();
#else
	hzb_race(HZB_RACE_PUBLISH);
	/*
	 * Orders ->active and Store B before Load A.  Pairs with the smp_mb()
	 * between Store A and the scanner's loads of ->active and the slots
	 * in pertask_hazptr_scan_all() (store buffering, see the top).
	 */
	smp_mb();
#endif
}

/*
 * Claim a free fixed slot of our block and account it in ->active; returns
 * its index, or -1 when all are taken.  Only the owner writes ->active and
 * only the owner fills slots; a remote release only ever writes NULL, so
 * the plain read-modify-write of ->active is safe.  The new ->active needs
 * no barrier of its own: the store-load fence after Store B orders it.
 */
static __always_inline int pertask_hazptr_claim(struct pertask_hazptr_block *blk)
{
	unsigned long active = blk->active;
	unsigned int i;

	if (static_branch_unlikely(&pertask_hazptr_track_bitmap)) {
		if (unlikely((active & blk->slot_mask) == blk->slot_mask))
			return -1;
		i = ffz(active);
		active |= BIT(i);
	} else {
		/* Every block has at least 8 slots: try the first one first. */
		for (i = 0; READ_ONCE(blk->slots[i]); )
			if (unlikely(++i == blk->nslots))
				return -1;
		active++;
	}
	WRITE_ONCE(blk->active, active);
	return i;
}

/* Give back a fixed slot of our own block: the inverse of claim. */
static __always_inline void
pertask_hazptr_unclaim(struct pertask_hazptr_block *blk, void **slot)
{
	unsigned long active = blk->active;

	/*
	 * Both stores are releases: everything this task did with the object
	 * happens before a scanner sees the slot empty or the task idle.
	 * Pair with the smp_mb() that ends pertask_hazptr_scan_all(), which
	 * orders the scanner's loads of the slot and ->active before the
	 * caller frees the object.
	 */
	smp_store_release(slot, NULL);
	if (static_branch_unlikely(&pertask_hazptr_track_bitmap))
		active &= ~BIT(slot - blk->slots);
	else
		active--;
	/* After the slot: pairs with the scan's closing smp_mb(), as above. */
	smp_store_release(&blk->active, active);
}

/*
 * Store B, full barrier, Load A, compare: publish @ptr (just loaded from
 * @addr_p) in @slot and check it is still the published pointer.  Returns
 * the re-loaded pointer, which the caller's dereferences depend on, or NULL
 * when the pointer was unpublished (the slot still holds the old value and
 * the caller must give it back).
 */
static __always_inline void *pertask_hazptr_publish(void **slot, void *ptr,
						    void * const *addr_p)
{
	void *reload;

	for (;;) {
		hzb_race(HZB_RACE_LOAD);
		WRITE_ONCE(*slot, ptr);				/* Store B */
		pertask_hazptr_store_load_fence();
		reload = READ_ONCE(*addr_p);			/* Load A */
		if (likely(pertask_hazptr_ptr_eq(reload, ptr)))
			return reload;
		if (!reload)
			return NULL;
		/* Replaced meanwhile: protect the new one in the same slot. */
		ptr = reload;
	}
}

/*
 * Acquire a hazard pointer to *@addr_p.  Preemption stays enabled: the
 * slots are the task's, so the holder may be preempted, migrate or sleep
 * until hzb_release().  Never returns NULL for a non-NULL pointer: with all
 * fixed slots taken, @ctx becomes the slot (out of line).
 */
static __always_inline void *hzb_acquire(struct hzb_ctx *ctx,
					 void * const *addr_p)
{
	struct pertask_hazptr_block *blk;
	void **slot;
	void *ptr;
	int i;

	ptr = READ_ONCE(*addr_p);
	if (unlikely(!ptr))
		return NULL;
	blk = pertask_hazptr_current_block();
	if (unlikely(!blk))
		return pertask_hazptr_acquire_slow(ctx, addr_p, ptr);
	i = pertask_hazptr_claim(blk);
	if (unlikely(i < 0))
		return pertask_hazptr_acquire_slow(ctx, addr_p, ptr);
	slot = &blk->slots[i];
	ctx->owner = (unsigned long)blk;
	ctx->slot = slot;
	ptr = pertask_hazptr_publish(slot, ptr, addr_p);
	if (unlikely(!ptr))
		pertask_hazptr_unclaim(blk, slot);
	return ptr;
}

/*
 * Release a hazard pointer acquired with @ctx.  The owner releasing a fixed
 * slot stays inline; an overflow entry, a release by another task (after
 * the holder handed the context over, or exited) and the fallback list go
 * out of line.
 */
static __always_inline void hzb_release(struct hzb_ctx *ctx, void *ptr)
{
	if (!ptr)
		return;
	if (likely(ctx->owner == (unsigned long)pertask_hazptr_current_block()))
		pertask_hazptr_unclaim((struct pertask_hazptr_block *)ctx->owner,
				       ctx->slot);
	else
		pertask_hazptr_release_slow(ctx);
}

#endif /* _PERTASK_HAZPTR_H */
