/* SPDX-License-Identifier: GPL-2.0 */
/*
 * percpu_hazptr.h - per-CPU-slot hazard pointers, read side.
 *
 * The schemes of Mathieu Desnoyers' hazard pointer series, selectable per
 * run (see hzb_design_knobs[] in percpu_hazptr_core.c):
 *
 *   scheme=v4  RFC v4 (December 2025) with CONFIG_PREEMPT_HAZPTR, the
 *              default; its other knobs are ablations of v4 (each one
 *              borrowed from v5 or from the review, alone or combined);
 *   scheme=v5  RFC v5 (February 2026): 4 slots per CPU, each beside the
 *              context that holds it, no per-task list, wildcard acquire,
 *              two overflow lists per CPU.  The v4 knobs stay at their
 *              defaults or at v5's own values; anything else is refused.
 *
 * Both:
 *  - each CPU owns PERCPU_HAZPTR_MAX_SLOTS slots in one cache line, used
 *    8 at a time (v4) or 4 (v4 slots=4, and v5, whose other half of the
 *    line holds the 4 context pointers);
 *  - each user passes a context (struct hzb_ctx, on its stack) holding a
 *    pointer to the slot in use and a backup slot; when this CPU's slots
 *    are all busy, the backup slot is chained onto this CPU's overflow
 *    list and used instead;
 *  - acquire publishes the pointer in a slot (Store B), issues a full
 *    barrier, then re-reads the shared pointer (Load A); updaters
 *    unpublish (Store A), issue a full barrier, then scan every slot
 *    (Load B).  Of a reader and an updater racing, at least one sees the
 *    other's store: that store-buffering handshake is the whole algorithm;
 *  - with migrate=on (v4's CONFIG_PREEMPT_HAZPTR), a task that is switched
 *    out moves its per-CPU slots to its backup slots, so per-CPU slots only
 *    ever belong to the task running on that CPU.
 *
 * This header is the fast path, inlined into the engine's reader loop.
 * Everything out of line (overflow, retries, synchronize, migration) lives
 * in percpu_hazptr_core.c.
 *
 * Out of tree, two things the series puts into the kernel are emulated:
 * the per-task list of live contexts (a task_struct field in v4) lives in a
 * per-task block allocated when the task starts reading, and the context
 * switch hook is a preempt notifier embedded in that block.  The v4 fast
 * path reaches the running task's list through a per-CPU pointer
 * maintained by the notifier, which costs one load, as reading
 * current->field would.  v5 needs only the hook: every task that acquires
 * is a reader that has one (the engine enters every reader first).
 *
 * Readers run in task context only (no HZB_FEAT_IRQ_READER: the engine
 * refuses irq readers).  v5 would allow them, as the series does (an irq
 * reader releases before it returns); v4 with migrate=on would not: an
 * irq acquire would link its context onto the interrupted task's list,
 * possibly in the middle of that task's own list_add() or list_del().
 */
#ifndef _HZB_PERCPU_HAZPTR_H
#define _HZB_PERCPU_HAZPTR_H

#include <linux/cache.h>
#include <linux/compiler.h>
#include <linux/jump_label.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include "../common/hzb_common.h"

#define HZB_DESIGN_NAME		"percpu"
#define HZB_DEVICE_NAME		"hazptr_percpu"
#define HZB_SYNC_FUNC		"percpu_hazptr_synchronize"
/* Its hooks for BPF and perf (hzb_info.hooks, see hzb_common.h). */
#define HZB_HOOKS		"scan=percpu phase0=percpu_hazptr_scan_slots " \
				"phase1=percpu_hazptr_scan_list len=phase1 " \
				"done=percpu_hazptr_synchronize_done " \
				"lock=percpu_hazptr_lock_overflow " \
				"lock_contended=percpu_hazptr_lock_overflow_contended " \
				"hold=percpu preempt_ops=percpu_hazptr_preempt_ops"
#define HZB_HAVE_DESIGN_EXIT
#define HZB_HAVE_DESIGN_APPLY
#define HZB_HAVE_READER_HOOKS
#define HZB_HAVE_LOCK_ADDRS

/*
 * Deliberately broken builds, for proving that the torture checks catch
 * real bugs (kmod/build.sh passes -DHZB_BROKEN_<NAME>).  Never compiled
 * by default.
 *   HZB_BROKEN_NO_MB:         acquire without its full barrier;
 *   HZB_BROKEN_SKIP_OVERFLOW: synchronize ignores the overflow lists;
 *   HZB_BROKEN_EARLY_CLEAR:   migration empties the per-CPU slot before
 *                             the backup slot holds the pointer.
 * hzb_info.broken reports them as PERCPU_HAZPTR_BROKEN_* bits.
 */
#define PERCPU_HAZPTR_BROKEN_NO_MB_BIT		BIT(0)
#define PERCPU_HAZPTR_BROKEN_SKIP_OVERFLOW_BIT	BIT(1)
#define PERCPU_HAZPTR_BROKEN_EARLY_CLEAR_BIT	BIT(2)

#if defined(HZB_BROKEN_NO_MB) || defined(HZB_BROKEN_SKIP_OVERFLOW) || \
	defined(HZB_BROKEN_EARLY_CLEAR)
#define PERCPU_HAZPTR_FEAT_BROKEN	HZB_FEAT_BROKEN
#else
#define PERCPU_HAZPTR_FEAT_BROKEN	0U
#endif

/*
 * Readers may sleep while holding: with migrate=on their slots move to
 * backups, with migrate=off they keep their per-CPU slots and synchronize
 * waits for them all the same.
 */
#define HZB_DESIGN_FEATURES	(HZB_FEAT_SLEEP_IN_READER | HZB_FEAT_OVERFLOW | \
				 HZB_FEAT_MIGRATION | PERCPU_HAZPTR_FEAT_BROKEN)

#define HZB_HAVE_SYNC_BATCH
#define hzb_synchronize		percpu_hazptr_synchronize
#define hzb_synchronize_batch	percpu_hazptr_synchronize_batch

#define PERCPU_HAZPTR_MAX_SLOTS	8

/*
 * v5's wildcard: an acquire first publishes "every object", then the
 * object it loaded.  Never a valid object address.
 */
#define PERCPU_HAZPTR_WILDCARD	((void *)1UL)

/* A hazard pointer slot: NULL when free. */
struct percpu_hazptr_slot {
	void *addr;
};

struct percpu_hazptr_overflow;

/*
 * A user's hazard pointer context, zeroed before first use.  While a
 * pointer is held, ->slot is the per-CPU slot or the context's own backup
 * slot holding it.  A context is on at most one list: with v4 migrate=on,
 * its task's list while it holds a per-CPU slot (so that a context switch
 * can find it), and an overflow list while its backup slot is chained.
 * Both are the kernel's list_head, as in v4: under CONFIG_DEBUG_LIST (or
 * CONFIG_LIST_HARDENED) every add and delete is checked, as it would be
 * in the kernel under test.
 */
struct hzb_ctx {
	struct percpu_hazptr_slot *slot;
	struct percpu_hazptr_slot backup;
	struct percpu_hazptr_overflow *ovf;	/* backup's list, NULL: none */
	union {
		struct list_head task_node;	/* percpu_hazptr_task.ctx_list */
		struct list_head ovf_node;	/* percpu_hazptr_overflow.head */
	};
};

/* v5: a slot and the context holding it, side by side. */
struct percpu_hazptr_item {
	struct percpu_hazptr_slot slot;
	struct hzb_ctx *ctx;
};

#define PERCPU_HAZPTR_V5_SLOTS	4

/*
 * Per-CPU state.  The slots fill one cache line, written by this CPU's
 * readers and read by scanners: 8 slots (v4), or v5's 4 items.  The
 * second line holds this CPU's reader state: written by this CPU only,
 * read by scanners when they skip CPUs.
 */
struct percpu_hazptr_cpu {
	union {
		struct percpu_hazptr_slot slots[PERCPU_HAZPTR_MAX_SLOTS];
		struct percpu_hazptr_item items[PERCPU_HAZPTR_V5_SLOTS];
	} ____cacheline_aligned;
	/*
	 * v4: the live-context list of the task running on this CPU if it
	 * is a reader (it has a block, see percpu_hazptr_core.c), else
	 * NULL.  Set by that task's sched_in notifier, cleared by its
	 * sched_out.
	 */
	struct list_head *running_list ____cacheline_aligned;
	/* Busy per-CPU slots, counted only with skip=used. */
	unsigned int used;
};

DECLARE_PER_CPU_ALIGNED(struct percpu_hazptr_cpu, percpu_hazptr_cpu);

/* The fast-path variant knobs, as static branches. */
DECLARE_STATIC_KEY_FALSE(percpu_hazptr_v5_key);		/* scheme=v5 */
DECLARE_STATIC_KEY_FALSE(percpu_hazptr_slots4_key);	/* v4 slots=4 */
DECLARE_STATIC_KEY_TRUE(percpu_hazptr_migrate_key);	/* migrate=on */
DECLARE_STATIC_KEY_FALSE(percpu_hazptr_wildcard_key);	/* acquire=wildcard */
DECLARE_STATIC_KEY_FALSE(percpu_hazptr_used_key);	/* skip=used */

/*
 * Out of line, in percpu_hazptr_core.c.  Named and noinline so that perf
 * and BPF can attach to them.
 */
struct percpu_hazptr_slot *
percpu_hazptr_claim_slow(struct hzb_ctx *ctx, struct percpu_hazptr_cpu *pc);
void *percpu_hazptr_acquire_retry(struct hzb_ctx *ctx, void * const *addr_p,
				  struct percpu_hazptr_slot *slot,
				  void *reloaded);
void *percpu_hazptr_acquire_null(struct hzb_ctx *ctx,
				 struct percpu_hazptr_slot *slot);
void percpu_hazptr_release_backup(struct hzb_ctx *ctx);
void percpu_hazptr_synchronize(void *addr);
void percpu_hazptr_synchronize_batch(void **ptrs, unsigned int n);
/* The scan's two phases, out of line so that BPF can time each. */
struct percpu_hazptr_scan;
void percpu_hazptr_scan_slots(struct percpu_hazptr_cpu *pc, unsigned int n,
			      struct percpu_hazptr_scan *scan);
void percpu_hazptr_scan_list(struct percpu_hazptr_overflow *ovf,
			     struct percpu_hazptr_scan *scan);
/* Never called from the fast path; declared here for the record. */
unsigned long percpu_hazptr_lock_overflow(struct percpu_hazptr_overflow *ovf);
unsigned long
percpu_hazptr_lock_overflow_contended(struct percpu_hazptr_overflow *ovf);
void percpu_hazptr_chain_backup(struct hzb_ctx *ctx, void *addr);
void percpu_hazptr_unchain_backup(struct hzb_ctx *ctx);
void percpu_hazptr_migrate(struct list_head *ctxs);
void *percpu_hazptr_v5_acquire_slow(struct hzb_ctx *ctx, void * const *addr_p);

/*
 * The series' ptr_eq(): compare two pointers without letting the compiler
 * conclude that they are interchangeable.  After "a == b" it could use the
 * value of @b where the code uses @a, and a later dereference of @a would
 * then depend on the load that produced @b, not on the load that produced
 * @a.  Hiding both operands forbids that substitution.
 */
static __always_inline bool percpu_hazptr_ptr_eq(const void *a, const void *b)
{
	OPTIMIZER_HIDE_VAR(a);
	OPTIMIZER_HIDE_VAR(b);
	return a == b;
}

/*
 * The barrier between Store B (publish in the slot) and Load A (re-read
 * the shared pointer).  Pairs with the smp_mb() at the top of
 * percpu_hazptr_synchronize(), between the updater's Store A and its scan.
 */
static __always_inline void percpu_hazptr_acquire_mb(void)
{
	hzb_race(HZB_RACE_PUBLISH);
	if (IS_ENABLED(CONFIG_HZB_BROKEN_NO_MB))
		/* Broken on purpose: keeps the compiler honest, not the CPU. */
		barrier();
	else
		/* Store B before Load A; pairs with synchronize's smp_mb(). */
		smp_mb();
}

/*
 * skip=used: count busy per-CPU slots so that synchronize can skip CPUs
 * with none.  The increment precedes Store B, so the acquire's smp_mb()
 * orders it before Load A just like Store B: a scanner that still reads
 * the old count is guaranteed to be seen by this reader's Load A (the
 * same store-buffering pairing with synchronize's smp_mb()).
 */
static __always_inline void percpu_hazptr_used_inc(struct percpu_hazptr_cpu *pc)
{
	if (static_branch_unlikely(&percpu_hazptr_used_key))
		WRITE_ONCE(pc->used, pc->used + 1);
}

static __always_inline void percpu_hazptr_used_dec(struct percpu_hazptr_cpu *pc)
{
	if (!static_branch_unlikely(&percpu_hazptr_used_key))
		return;
	/*
	 * Release: everything the slot's holder did happens before a
	 * scanner's smp_load_acquire() of the count reads the lower value
	 * and skips this CPU (pairs with percpu_hazptr_cpu_skippable()).
	 */
	smp_store_release(&pc->used, pc->used - 1);
}

/*
 * v4: pick the slot to publish in, preemption disabled: the first free
 * per-CPU slot, searched inline as v4 does, else out of line (the backup
 * slot on this CPU's overflow list).  With migrate=on, a task that is not
 * a reader (no block, hence no context switch hook) must not hold
 * per-CPU slots: it gets its backup.
 */
static __always_inline struct percpu_hazptr_slot *
percpu_hazptr_claim(struct hzb_ctx *ctx, struct percpu_hazptr_cpu *pc)
{
	unsigned int i, n;

	lockdep_assert_preemption_disabled();
	if (static_branch_likely(&percpu_hazptr_migrate_key) &&
	    unlikely(!pc->running_list))
		return percpu_hazptr_claim_slow(ctx, pc);
	n = static_branch_unlikely(&percpu_hazptr_slots4_key) ?
	    4 : PERCPU_HAZPTR_MAX_SLOTS;
	for (i = 0; i < n; i++) {
		if (likely(!READ_ONCE(pc->slots[i].addr))) {
			percpu_hazptr_used_inc(pc);
			return &pc->slots[i];
		}
	}
	return percpu_hazptr_claim_slow(ctx, pc);
}

/*
 * v4: record the slot that now protects the pointer.  A per-CPU slot goes
 * on the running task's list so that sched_out can move it (migrate=on);
 * the backup slot needs nothing, it already belongs to no CPU.
 * Preemption is still disabled, so the list cannot be walked under us.
 */
static __always_inline void percpu_hazptr_track(struct hzb_ctx *ctx,
						struct percpu_hazptr_cpu *pc,
						struct percpu_hazptr_slot *slot)
{
	ctx->slot = slot;
	if (static_branch_likely(&percpu_hazptr_migrate_key) &&
	    slot != &ctx->backup)
		list_add(&ctx->task_node, pc->running_list);
}

/*
 * v4 acquire: load, publish, full barrier, re-load and compare.  Returns
 * the re-loaded pointer, whose address dependency starts after the
 * barrier, or NULL when the shared pointer is NULL.
 */
static __always_inline void *percpu_hazptr_acquire_reload(struct hzb_ctx *ctx,
							  void * const *addr_p)
{
	struct percpu_hazptr_slot *slot;
	struct percpu_hazptr_cpu *pc;
	void *addr, *reloaded;

	addr = READ_ONCE(*addr_p);
	if (!addr)
		return NULL;
	preempt_disable();
	pc = this_cpu_ptr(&percpu_hazptr_cpu);
	slot = percpu_hazptr_claim(ctx, pc);
	hzb_race(HZB_RACE_LOAD);
	WRITE_ONCE(slot->addr, addr);			/* Store B */
	percpu_hazptr_acquire_mb();
	reloaded = READ_ONCE(*addr_p);			/* Load A */
	if (unlikely(!percpu_hazptr_ptr_eq(reloaded, addr)))
		return percpu_hazptr_acquire_retry(ctx, addr_p, slot, reloaded);
	percpu_hazptr_track(ctx, pc, slot);
	preempt_enable();
	return reloaded;
}

/*
 * v5 acquire: publish the wildcard (protects every object), full barrier,
 * load, then narrow the slot to what was loaded.  No re-load, no compare.
 */
static __always_inline void *percpu_hazptr_acquire_wildcard(struct hzb_ctx *ctx,
							    void * const *addr_p)
{
	struct percpu_hazptr_slot *slot;
	struct percpu_hazptr_cpu *pc;
	void *addr;

	preempt_disable();
	pc = this_cpu_ptr(&percpu_hazptr_cpu);
	slot = percpu_hazptr_claim(ctx, pc);
	WRITE_ONCE(slot->addr, PERCPU_HAZPTR_WILDCARD);	/* Store B */
	percpu_hazptr_acquire_mb();
	addr = READ_ONCE(*addr_p);			/* Load A */
	hzb_race(HZB_RACE_LOAD);
	/*
	 * Store C needs no barrier: it only narrows what the slot protects.
	 * A scanner that saw the wildcard polls until the slot holds
	 * neither its address nor the wildcard, so whatever Store C writes
	 * is checked again; a scanner that saw no wildcard is one whose
	 * Store A this Load A has seen.
	 */
	WRITE_ONCE(slot->addr, addr);			/* Store C */
	if (unlikely(!addr))
		return percpu_hazptr_acquire_null(ctx, slot);
	percpu_hazptr_track(ctx, pc, slot);
	preempt_enable();
	return addr;
}

/*
 * v5 acquire.  Slot 0 only, inline; anything else (slot 0 busy) out of
 * line.  Store B publishes the wildcard, which protects every object, so
 * that Load A needs no re-load and no compare: Store C then narrows the
 * slot to what Load A returned (NULL empties it).  Store C needs no
 * barrier: a scanner that saw the wildcard (or Store C, which comes after
 * it) polls until the slot holds neither its address nor the wildcard,
 * so it checks whatever Store C wrote; a scanner that saw neither is one
 * whose Store A our Load A sees (store buffering: Store B, smp_mb(),
 * Load A against Store A, smp_mb(), Load B), so we did not load its
 * address.  The item records the context, for the context-switch hook.
 */
static __always_inline void *percpu_hazptr_v5_acquire(struct hzb_ctx *ctx,
						      void * const *addr_p)
{
	struct percpu_hazptr_item *item;
	void *addr;

	preempt_disable();
	item = this_cpu_ptr(&percpu_hazptr_cpu.items[0]);
	if (unlikely(READ_ONCE(item->slot.addr)))
		return percpu_hazptr_v5_acquire_slow(ctx, addr_p);
	WRITE_ONCE(item->slot.addr, PERCPU_HAZPTR_WILDCARD);	/* Store B */
	percpu_hazptr_acquire_mb();
	addr = READ_ONCE(*addr_p);				/* Load A */
	WRITE_ONCE(item->slot.addr, addr);			/* Store C */
	item->ctx = ctx;
	ctx->slot = &item->slot;
	preempt_enable();
	return addr;
}

/*
 * v5 release: empty the slot; a backup slot also leaves its list.  The
 * slot is this CPU's if it is a per-CPU one: the hook moves a task's
 * per-CPU slots to backups whenever it is switched out, and preemption is
 * off from our look at ->slot to the store.
 */
static __always_inline void percpu_hazptr_v5_release(struct hzb_ctx *ctx)
{
	struct percpu_hazptr_slot *slot;

	preempt_disable();
	slot = ctx->slot;
	if (unlikely(slot == &ctx->backup)) {
		percpu_hazptr_release_backup(ctx);
	} else {
		/*
		 * Release: the reader's accesses to the object happen before
		 * the slot reads as free.  Pairs with the smp_load_acquire()
		 * of the slot in synchronize's scan.
		 */
		smp_store_release(&slot->addr, NULL);
	}
	preempt_enable();
}

static __always_inline void *hzb_acquire(struct hzb_ctx *ctx,
					 void * const *addr_p)
{
	if (static_branch_unlikely(&percpu_hazptr_v5_key))
		return percpu_hazptr_v5_acquire(ctx, addr_p);
	if (static_branch_unlikely(&percpu_hazptr_wildcard_key))
		return percpu_hazptr_acquire_wildcard(ctx, addr_p);
	return percpu_hazptr_acquire_reload(ctx, addr_p);
}

/*
 * Release: empty the slot.  Preemption stays disabled so that a context
 * switch cannot move the slot to the backup between our look at ->slot
 * and the store.  A per-CPU slot here is always this CPU's: only the
 * running task holds per-CPU slots (migrate=on moves them at sched_out),
 * and a hold returns to user space only after moving them to backups
 * (hzb_design_reader_exit()), so no other task can see one in ->slot.
 */
static __always_inline void hzb_release(struct hzb_ctx *ctx, void *addr)
{
	struct percpu_hazptr_slot *slot;

	if (!addr)
		return;
	if (static_branch_unlikely(&percpu_hazptr_v5_key)) {
		percpu_hazptr_v5_release(ctx);
		return;
	}
	preempt_disable();
	slot = ctx->slot;
	if (unlikely(slot == &ctx->backup)) {
		percpu_hazptr_release_backup(ctx);
	} else {
		/*
		 * Release: the reader's accesses to the object happen before
		 * the slot reads as free.  Pairs with the smp_load_acquire()
		 * of the slot in synchronize's scan.
		 */
		smp_store_release(&slot->addr, NULL);
		percpu_hazptr_used_dec(this_cpu_ptr(&percpu_hazptr_cpu));
		/* With migrate=on, percpu_hazptr_track() linked it. */
		if (static_branch_likely(&percpu_hazptr_migrate_key))
			list_del(&ctx->task_node);
	}
	preempt_enable();
}

#endif /* _HZB_PERCPU_HAZPTR_H */
