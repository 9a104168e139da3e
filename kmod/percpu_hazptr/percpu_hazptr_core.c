// SPDX-License-Identifier: GPL-2.0
/*
 * percpu_hazptr_core.c - per-CPU-slot hazard pointers, everything out of
 * line: slot claiming past slot 0, overflow lists, acquire retries,
 * synchronize, context-switch migration and the hzbench design hooks.
 * The fast path and the overview are in percpu_hazptr.h.
 *
 * Variants (hzb_design_knobs[] below; the defaults are the v4 series with
 * CONFIG_PREEMPT_HAZPTR=y):
 *   scheme=v4|v5       the series as of v4, or as of v5 (see
 *                      percpu_hazptr.h); the knobs below are v4 ablations,
 *                      and v5 accepts them only at their defaults or at
 *                      v5's own values (slots=4, acquire=wildcard,
 *                      overflow=flip, migrate=on, skip=none)
 *   slots=8|4          per-CPU slots in use (v4: 8, v5: 4)
 *   acquire=reload|wildcard
 *                      v4 re-load and compare, or v5 temporary wildcard
 *   overflow=gen|flip  v4 one overflow list per CPU whose walk restarts on
 *                      any change, or v5 two lists per CPU, additions going
 *                      to the one not being walked (bounded restarts)
 *   migrate=on|off     move a switched-out task's per-CPU slots to its
 *                      backup slots (v4 CONFIG_PREEMPT_HAZPTR), or not
 *   skip=none|used|idle
 *                      what synchronize may skip, from the review of v4:
 *                      none (v4: scan everything, lock every list), used
 *                      (a per-CPU count of busy slots lets it skip CPUs
 *                      with none, and empty lists are skipped without
 *                      locking), idle (skip the slots of CPUs that run no
 *                      reader task, and empty lists)
 *   wait=spin-sleep|spin, spin=0|5|20|100|1000
 *                      how synchronize waits on a held slot: the policy
 *                      both designs share (../common/hzb_wait.h)
 *
 * Memory ordering in one place: the reader does Store B (slot), smp_mb(),
 * Load A (shared pointer); the updater does Store A (xchg in the engine),
 * smp_mb() (top of percpu_hazptr_synchronize()), Load B (every slot).
 * Releases are store-releases of NULL paired with the scanner's
 * load-acquires, so a reader's accesses to an object happen before the
 * updater frees it.  Migration writes the backup before it empties the
 * per-CPU slot (store-release), and scanners read a CPU's per-CPU slots
 * (load-acquire) before its overflow lists, so a slot in flight is seen in
 * one place or the other.
 */
#include <linux/bsearch.h>
#include <linux/cpumask.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/rculist.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/task_work.h>
#include "percpu_hazptr.h"
#include "../common/hzb_wait.h"

#ifndef CONFIG_PREEMPT_NOTIFIERS
#error "percpu_hazptr needs CONFIG_PREEMPT_NOTIFIERS (selected by KVM_INTEL or KVM_AMD)"
#endif

#define CREATE_TRACE_POINTS
#include "percpu_hazptr_trace.h"

/* ------------------------------------------------------------------ */
/* State                                                               */
/* ------------------------------------------------------------------ */

/*
 * An overflow list: backup slots chained by this CPU's readers (or by
 * migration on this CPU).  Taken by any CPU: the chaining reader, its
 * release (possibly elsewhere after a migration), scanners.
 */
struct percpu_hazptr_overflow {
	raw_spinlock_t lock;
	struct list_head head;		/* of hzb_ctx.ovf_node */
	u64 gen;			/* bumped on every add and removal */
	unsigned int nr;		/* chained; read locklessly to skip */
	int cpu;			/* owner, for tracing */
	unsigned int idx;		/* 0 or 1, for tracing */
};

/*
 * A CPU's overflow lists.  overflow=gen uses ovf[0] only.  overflow=flip
 * chains onto ovf[add_idx] while scanners (serialized per CPU by
 * flip_mutex) walk the other list first, then flip add_idx and walk the
 * list that no longer receives additions.
 */
struct percpu_hazptr_lists {
	struct percpu_hazptr_overflow ovf[2];
	unsigned int add_idx;
	struct mutex flip_mutex;	/* serializes this CPU's scanners (flip) */
};

DEFINE_PER_CPU_ALIGNED(struct percpu_hazptr_cpu, percpu_hazptr_cpu);
static DEFINE_PER_CPU_SHARED_ALIGNED(struct percpu_hazptr_lists, percpu_hazptr_lists);

DEFINE_STATIC_KEY_FALSE(percpu_hazptr_v5_key);
DEFINE_STATIC_KEY_FALSE(percpu_hazptr_slots4_key);
DEFINE_STATIC_KEY_TRUE(percpu_hazptr_migrate_key);
DEFINE_STATIC_KEY_FALSE(percpu_hazptr_wildcard_key);
DEFINE_STATIC_KEY_FALSE(percpu_hazptr_used_key);

enum { PERCPU_HAZPTR_SCHEME_V4, PERCPU_HAZPTR_SCHEME_V5 };
enum { PERCPU_HAZPTR_SLOTS_8, PERCPU_HAZPTR_SLOTS_4 };
enum { PERCPU_HAZPTR_ACQUIRE_RELOAD, PERCPU_HAZPTR_ACQUIRE_WILDCARD };
enum { PERCPU_HAZPTR_OVERFLOW_GEN, PERCPU_HAZPTR_OVERFLOW_FLIP };
enum { PERCPU_HAZPTR_MIGRATE_ON, PERCPU_HAZPTR_MIGRATE_OFF };
enum { PERCPU_HAZPTR_SKIP_NONE, PERCPU_HAZPTR_SKIP_USED, PERCPU_HAZPTR_SKIP_IDLE };

static const char * const percpu_hazptr_scheme_values[] = { "v4", "v5", NULL };
static const char * const percpu_hazptr_slots_values[] = { "8", "4", NULL };
static const char * const percpu_hazptr_acquire_values[] = { "reload", "wildcard", NULL };
static const char * const percpu_hazptr_overflow_values[] = { "gen", "flip", NULL };
static const char * const percpu_hazptr_migrate_values[] = { "on", "off", NULL };
static const char * const percpu_hazptr_skip_values[] = { "none", "used", "idle", NULL };

/* Knob selections as the engine parsed them (value indexes). */
static unsigned int knob_scheme, knob_slots, knob_acquire, knob_overflow,
		    knob_migrate, knob_skip;

const struct hzb_knob hzb_design_knobs[] = {
	{ "scheme", percpu_hazptr_scheme_values, PERCPU_HAZPTR_SCHEME_V4, &knob_scheme },
	{ "slots", percpu_hazptr_slots_values, PERCPU_HAZPTR_SLOTS_8, &knob_slots },
	{ "acquire", percpu_hazptr_acquire_values, PERCPU_HAZPTR_ACQUIRE_RELOAD,
	  &knob_acquire },
	{ "overflow", percpu_hazptr_overflow_values, PERCPU_HAZPTR_OVERFLOW_GEN,
	  &knob_overflow },
	{ "migrate", percpu_hazptr_migrate_values, PERCPU_HAZPTR_MIGRATE_ON,
	  &knob_migrate },
	{ "skip", percpu_hazptr_skip_values, PERCPU_HAZPTR_SKIP_NONE, &knob_skip },
	{ "wait", hzb_wait_values, HZB_WAIT_SPIN_SLEEP, &hzb_wait_knob_policy },
	{ "spin", hzb_wait_spin_values, HZB_WAIT_SPIN_DEFAULT, &hzb_wait_knob_spin },
	{ }
};

/* The variant in force, set by hzb_design_apply(), read by slow paths. */
struct percpu_hazptr_config {
	unsigned int scheme, slots, acquire, overflow, migrate, skip;
};

static struct percpu_hazptr_config percpu_hazptr_applied = {
	.scheme = PERCPU_HAZPTR_SCHEME_V4,
	.slots = PERCPU_HAZPTR_SLOTS_8,
	.acquire = PERCPU_HAZPTR_ACQUIRE_RELOAD,
	.overflow = PERCPU_HAZPTR_OVERFLOW_GEN,
	.migrate = PERCPU_HAZPTR_MIGRATE_ON,
	.skip = PERCPU_HAZPTR_SKIP_NONE,
};

static unsigned int percpu_hazptr_nr_slots = PERCPU_HAZPTR_MAX_SLOTS;
static bool percpu_hazptr_flip;
static unsigned int percpu_hazptr_skip;

#define PERCPU_HAZPTR_BROKEN						\
	((IS_ENABLED(CONFIG_HZB_BROKEN_NO_MB) ? PERCPU_HAZPTR_BROKEN_NO_MB_BIT : 0U) | \
	 (IS_ENABLED(CONFIG_HZB_BROKEN_SKIP_OVERFLOW) ?				\
	  PERCPU_HAZPTR_BROKEN_SKIP_OVERFLOW_BIT : 0U) |			\
	 (IS_ENABLED(CONFIG_HZB_BROKEN_EARLY_CLEAR) ?					\
	  PERCPU_HAZPTR_BROKEN_EARLY_CLEAR_BIT : 0U))

/* ------------------------------------------------------------------ */
/* Overflow lists                                                      */
/* ------------------------------------------------------------------ */

/*
 * Take an overflow lock, interrupts off.  v4 took it with a plain
 * raw_spin_lock(): an interrupt handler that overflowed on this CPU while
 * the code it interrupted (a scan, a chain or an unchain) held the lock
 * would spin on it forever.  With irqsave, nothing on this CPU can ask for
 * the lock while it is held, and the critical sections stay short (one
 * list operation, or one item of a scan).
 *
 * Separate functions with trylock-first accounting, so that BPF and the
 * counters see every acquisition, the contended ones and their wait
 * (measured on ktime, the clock that agrees with the rest of the run):
 * BPF times the wrapper and, apart, the contended path alone.
 */
noinline unsigned long
percpu_hazptr_lock_overflow_contended(struct percpu_hazptr_overflow *ovf)
	__acquires(&ovf->lock)
{
	unsigned long flags;
	u64 t0;

	hzb_count(HZB_CNT_LOCK_CONTENDED);
	t0 = ktime_get_ns();
	raw_spin_lock_irqsave(&ovf->lock, flags);
	hzb_count_add(HZB_CNT_LOCK_WAIT_NS, ktime_get_ns() - t0);
	return flags;
}

noinline unsigned long percpu_hazptr_lock_overflow(struct percpu_hazptr_overflow *ovf)
	__acquires(&ovf->lock)
{
	unsigned long flags;

	hzb_count(HZB_CNT_LOCK_ACQUIRES);
	if (raw_spin_trylock_irqsave(&ovf->lock, flags))
		return flags;
	return percpu_hazptr_lock_overflow_contended(ovf);
}

static void percpu_hazptr_unlock_overflow(struct percpu_hazptr_overflow *ovf,
					  unsigned long flags)
	__releases(&ovf->lock)
{
	raw_spin_unlock_irqrestore(&ovf->lock, flags);
}

/*
 * Chain @ctx's backup slot, holding @addr (NULL: not yet published), onto
 * this CPU's overflow list; preemption disabled.  The nr increment
 * precedes the caller's smp_mb() (acquire) or store-release (migration),
 * which orders it for scanners that skip empty lists; see
 * percpu_hazptr_scan_list().
 */
noinline void percpu_hazptr_chain_backup(struct hzb_ctx *ctx, void *addr)
{
	struct percpu_hazptr_lists *l = this_cpu_ptr(&percpu_hazptr_lists);
	struct percpu_hazptr_overflow *ovf;
	unsigned long flags;

	lockdep_assert_preemption_disabled();

	/* flip: a stale add_idx only costs a scanner one restart. */
	ovf = &l->ovf[READ_ONCE(percpu_hazptr_flip) ? READ_ONCE(l->add_idx) : 0];
	WRITE_ONCE(ctx->backup.addr, addr);
	flags = percpu_hazptr_lock_overflow(ovf);
	list_add(&ctx->ovf_node, &ovf->head);
	ovf->gen++;
	WRITE_ONCE(ovf->nr, ovf->nr + 1);
	ctx->ovf = ovf;
	percpu_hazptr_unlock_overflow(ovf, flags);
}

/*
 * Take @ctx's backup slot off its list.  The slot is already empty: the
 * caller emptied it with a store-release, or it protected nothing the
 * caller dereferenced.
 */
noinline void percpu_hazptr_unchain_backup(struct hzb_ctx *ctx)
{
	struct percpu_hazptr_overflow *ovf = ctx->ovf;
	unsigned long flags;

	flags = percpu_hazptr_lock_overflow(ovf);
	list_del(&ctx->ovf_node);
	ovf->gen++;
	/*
	 * Release: the holder's accesses happen before a scanner that reads
	 * the lower count with smp_load_acquire() skips the list (pairs
	 * with percpu_hazptr_scan_list()).
	 */
	smp_store_release(&ovf->nr, ovf->nr - 1);
	percpu_hazptr_unlock_overflow(ovf, flags);
	ctx->ovf = NULL;
	hzb_count(HZB_CNT_OVERFLOW_RELEASES);
	trace_percpu_hazptr_unchain(ctx, NULL, ovf->cpu, ovf->idx);
}

/* ------------------------------------------------------------------ */
/* Acquire and release, out of line                                    */
/* ------------------------------------------------------------------ */

/*
 * v4: every per-CPU slot is busy (or, with migrate=on, this task is not a
 * reader): chain the context's backup slot onto this CPU's overflow list.
 * Preemption disabled.
 */
noinline struct percpu_hazptr_slot *
percpu_hazptr_claim_slow(struct hzb_ctx *ctx, struct percpu_hazptr_cpu *pc)
{
	lockdep_assert_preemption_disabled();
	hzb_count(HZB_CNT_OVERFLOWS);
	percpu_hazptr_chain_backup(ctx, NULL);
	trace_percpu_hazptr_overflow(ctx, NULL, ctx->ovf->cpu, ctx->ovf->idx);
	return &ctx->backup;
}

/*
 * v4 acquire after a failed compare: the shared pointer changed between
 * the first load and the re-load.  Entered with preemption disabled and
 * @slot holding the stale pointer.  Withdraw it; if the pointer became
 * NULL, give up; else let preemption in and try again with the new value.
 * A backup slot, once chained, is kept for the retries (v4).
 */
noinline void *percpu_hazptr_acquire_retry(struct hzb_ctx *ctx,
					   void * const *addr_p,
					   struct percpu_hazptr_slot *slot,
					   void *reloaded)
{
	struct percpu_hazptr_cpu *pc;
	void *addr;

	lockdep_assert_preemption_disabled();
	for (;;) {
		/* Nothing was dereferenced through it: no ordering needed. */
		WRITE_ONCE(slot->addr, NULL);
		if (slot != &ctx->backup)
			percpu_hazptr_used_dec(this_cpu_ptr(&percpu_hazptr_cpu));
		if (!reloaded) {
			if (slot == &ctx->backup)
				percpu_hazptr_unchain_backup(ctx);
			preempt_enable();
			return NULL;
		}
		preempt_enable();
		addr = reloaded;

		preempt_disable();
		pc = this_cpu_ptr(&percpu_hazptr_cpu);
		if (slot != &ctx->backup)
			slot = percpu_hazptr_claim(ctx, pc);
		WRITE_ONCE(slot->addr, addr);		/* Store B */
		/* Pairs with synchronize's smp_mb(), as in the fast path. */
		percpu_hazptr_acquire_mb();
		reloaded = READ_ONCE(*addr_p);		/* Load A */
		if (percpu_hazptr_ptr_eq(reloaded, addr)) {
			percpu_hazptr_track(ctx, pc, slot);
			preempt_enable();
			return reloaded;
		}
	}
}

/*
 * v5 acquire that loaded NULL: Store C already emptied the slot; give a
 * backup back.  Preemption disabled on entry, enabled on return.
 */
noinline void *percpu_hazptr_acquire_null(struct hzb_ctx *ctx,
					  struct percpu_hazptr_slot *slot)
{
	lockdep_assert_preemption_disabled();
	if (slot == &ctx->backup)
		percpu_hazptr_unchain_backup(ctx);
	else
		percpu_hazptr_used_dec(this_cpu_ptr(&percpu_hazptr_cpu));
	preempt_enable();
	return NULL;
}

/*
 * v5, slot 0 busy: claim one of slots 1..3 (plain stores suffice: only
 * this CPU fills its slots, preemption is off, and an interrupt reader
 * would release before we resume), else chain the backup slot onto this
 * CPU's overflow list (the one receiving additions).  Then the wildcard
 * sequence of the fast path.  Preemption disabled on entry, enabled on
 * return.
 */
noinline void *percpu_hazptr_v5_acquire_slow(struct hzb_ctx *ctx,
					     void * const *addr_p)
{
	struct percpu_hazptr_cpu *pc = this_cpu_ptr(&percpu_hazptr_cpu);
	struct percpu_hazptr_item *item = NULL;
	struct percpu_hazptr_slot *slot;
	unsigned int i;
	void *addr;

	lockdep_assert_preemption_disabled();
	for (i = 1; i < PERCPU_HAZPTR_V5_SLOTS; i++) {
		if (!READ_ONCE(pc->items[i].slot.addr)) {
			item = &pc->items[i];
			break;
		}
	}
	if (item) {
		slot = &item->slot;
	} else {
		hzb_count(HZB_CNT_OVERFLOWS);
		percpu_hazptr_chain_backup(ctx, NULL);
		trace_percpu_hazptr_overflow(ctx, NULL, ctx->ovf->cpu,
					     ctx->ovf->idx);
		slot = &ctx->backup;
	}
	WRITE_ONCE(slot->addr, PERCPU_HAZPTR_WILDCARD);	/* Store B */
	/* Pairs with synchronize's smp_mb(), as in the fast path. */
	percpu_hazptr_acquire_mb();
	addr = READ_ONCE(*addr_p);			/* Load A */
	/* Store C, unordered: see percpu_hazptr_v5_acquire(). */
	WRITE_ONCE(slot->addr, addr);
	if (item)
		item->ctx = ctx;
	ctx->slot = slot;
	if (!addr && !item)
		percpu_hazptr_unchain_backup(ctx);
	preempt_enable();
	return addr;
}

/*
 * Release of a backup slot (overflowed, migrated or detached), from any
 * CPU and any task: empty it, then take it off its list.
 */
noinline void percpu_hazptr_release_backup(struct hzb_ctx *ctx)
{
	lockdep_assert_preemption_disabled();
	/*
	 * Acquire: ->ovf and the chaining were written before a migration
	 * on another CPU published ->slot; the fast path read ->slot with a
	 * plain load.  Pairs with the store-release of ->slot in
	 * percpu_hazptr_migrate().
	 */
	(void)smp_load_acquire(&ctx->slot);
	/*
	 * Release: the reader's accesses happen before the slot reads as
	 * empty.  Pairs with the smp_load_acquire() in the list walk.
	 */
	smp_store_release(&ctx->backup.addr, NULL);
	hzb_race(HZB_RACE_UNCHAIN);
	percpu_hazptr_unchain_backup(ctx);
}

/* ------------------------------------------------------------------ */
/* Synchronize                                                         */
/* ------------------------------------------------------------------ */

struct percpu_hazptr_scan {
	void *addr;		/* one address, or the first of a batch */
	void **set;		/* a batch: @n addresses, sorted when large */
	unsigned int n;		/* 0: @addr alone */
	unsigned int waits;
	unsigned int restarts;
	unsigned int cpus_skipped;
};

/* Up to this many addresses a batch is searched linearly, unsorted. */
#define PERCPU_HAZPTR_BATCH_LINEAR	16

static int percpu_hazptr_addr_cmp(const void *a, const void *b)
{
	unsigned long x = (unsigned long)*(void * const *)a;
	unsigned long y = (unsigned long)*(void * const *)b;

	return x < y ? -1 : x > y;
}

/* Is @v (non-NULL) one of the batch's addresses? */
static bool percpu_hazptr_in_batch(const struct percpu_hazptr_scan *scan, void *v)
{
	unsigned int i;

	if (scan->n > PERCPU_HAZPTR_BATCH_LINEAR)
		return bsearch(&v, scan->set, scan->n, sizeof(v), percpu_hazptr_addr_cmp);
	for (i = 0; i < scan->n; i++)
		if (scan->set[i] == v)
			return true;
	return false;
}

/*
 * Does @slot protect a scanned address?  The wildcard protects every
 * address (acquire=wildcard between its Store B and Store C; it never
 * appears otherwise, so checking it always costs one compare).
 */
static bool percpu_hazptr_protects(struct percpu_hazptr_slot *slot,
				   const struct percpu_hazptr_scan *scan)
{
	void *v;

	/*
	 * Acquire: pairs with the store-release that empties the slot
	 * (release, migration): what the holder did happens before we go on.
	 */
	v = smp_load_acquire(&slot->addr);
	if (v == PERCPU_HAZPTR_WILDCARD)
		return true;
	if (!scan->n || !v)
		return v == scan->addr;
	return percpu_hazptr_in_batch(scan, v);
}

/* Wait on a per-CPU slot.  Preemptible: the holder may need this CPU. */
static void percpu_hazptr_wait_slot(struct percpu_hazptr_slot *slot,
				    struct percpu_hazptr_scan *scan)
{
	struct hzb_wait w;

	if (!percpu_hazptr_protects(slot, scan))
		return;
	scan->waits++;
	hzb_count(HZB_CNT_SYNC_WAITS);
	hzb_wait_begin(&w);
	do {
		hzb_wait_pause(&w);
	} while (percpu_hazptr_protects(slot, scan));
}

/* Can this CPU's per-CPU slots be skipped? */
static bool percpu_hazptr_cpu_skippable(struct percpu_hazptr_cpu *pc)
{
	switch (READ_ONCE(percpu_hazptr_skip)) {
	case PERCPU_HAZPTR_SKIP_USED:
		/*
		 * No busy slot.  Acquire: pairs with the store-release in
		 * percpu_hazptr_used_dec().  A count raised after our
		 * smp_mb() belongs to a reader whose Load A sees our Store A
		 * (see percpu_hazptr_used_inc()).
		 */
		return !smp_load_acquire(&pc->used);
	case PERCPU_HAZPTR_SKIP_IDLE:
		/*
		 * No reader task runs there, and with migrate=on (required)
		 * only the running reader holds per-CPU slots.  Acquire:
		 * pairs with the store-release in sched_out, after its
		 * migration.  A reader switched in after our smp_mb() set
		 * running_list before its own smp_mb(), so its Load A sees
		 * our Store A.
		 */
		return !smp_load_acquire(&pc->running_list);
	}
	return false;
}

/* One CPU's per-CPU slots, each waited on until it lets go of the address. */
noinline void percpu_hazptr_scan_slots(struct percpu_hazptr_cpu *pc, unsigned int n,
				       struct percpu_hazptr_scan *scan)
{
	unsigned int i;

	if (static_branch_unlikely(&percpu_hazptr_v5_key)) {
		for (i = 0; i < PERCPU_HAZPTR_V5_SLOTS; i++)
			percpu_hazptr_wait_slot(&pc->items[i].slot, scan);
		return;
	}
	for (i = 0; i < n; i++)
		percpu_hazptr_wait_slot(&pc->slots[i], scan);
}

/*
 * overflow=flip (v5) bounds a walk's restarts: the walked list receives
 * no additions but from readers on its CPU that read add_idx before the
 * flip, at most one per context (task, softirq, hardirq, NMI), and every
 * restart is a change of the list: an addition or a removal.  Each of
 * the @nr entries found at the walk's start can go once, each stale
 * addition can come and go.  A walk past this is the livelock the flip
 * exists to prevent (HZB_CNT_RESTART_BOUND; hzbench torture fails).
 */
#define PERCPU_HAZPTR_STALE_ADDS	4

static unsigned int percpu_hazptr_restart_bound(unsigned int nr)
{
	return nr + 2 * PERCPU_HAZPTR_STALE_ADDS;
}

/*
 * Walk one overflow list piecewise (v4): the lock is never held across
 * more than one item or one poll, bounding the interrupts-off time that
 * chaining and unchaining readers on this CPU see.  Any change while the
 * lock was dropped bumps the generation and restarts the walk from the
 * head; the cursor is only trusted while the generation is unchanged.
 */
noinline void percpu_hazptr_scan_list(struct percpu_hazptr_overflow *ovf,
				      struct percpu_hazptr_scan *scan)
{
	unsigned int restarts = 0, bound = 0;
	struct hzb_ctx *ctx;
	unsigned long flags;
	u64 gen;

	if (IS_ENABLED(CONFIG_HZB_BROKEN_SKIP_OVERFLOW))
		return;
	if (READ_ONCE(percpu_hazptr_skip) != PERCPU_HAZPTR_SKIP_NONE) {
		/*
		 * Empty lists need no lock (skip=used|idle).  Acquire: pairs
		 * with the store-release of nr in
		 * percpu_hazptr_unchain_backup().  An addition after our
		 * smp_mb() is ordered before its reader's Load A, which then
		 * sees our Store A.
		 */
		if (!smp_load_acquire(&ovf->nr))
			return;
	}
restart:
	flags = percpu_hazptr_lock_overflow(ovf);
	gen = ovf->gen;
	if (!restarts)
		bound = percpu_hazptr_restart_bound(ovf->nr);
	ctx = list_first_entry(&ovf->head, struct hzb_ctx, ovf_node);
	while (!list_entry_is_head(ctx, &ovf->head, ovf_node)) {
		if (percpu_hazptr_protects(&ctx->backup, scan)) {
			struct hzb_wait w;

			scan->waits++;
			hzb_count(HZB_CNT_SYNC_WAITS);
			hzb_wait_begin(&w);
			do {
				percpu_hazptr_unlock_overflow(ovf, flags);
				hzb_wait_pause(&w);
				flags = percpu_hazptr_lock_overflow(ovf);
				if (ovf->gen != gen)
					goto changed;
			} while (percpu_hazptr_protects(&ctx->backup, scan));
		}
		percpu_hazptr_unlock_overflow(ovf, flags);
		flags = percpu_hazptr_lock_overflow(ovf);
		if (ovf->gen != gen)
			goto changed;
		ctx = list_next_entry(ctx, ovf_node);
	}
	percpu_hazptr_unlock_overflow(ovf, flags);
	return;

changed:
	percpu_hazptr_unlock_overflow(ovf, flags);
	scan->restarts++;
	hzb_count(HZB_CNT_SCAN_RESTARTS);
	/* overflow=flip's promise broken: count it once per walk. */
	if (++restarts == bound + 1 && READ_ONCE(percpu_hazptr_flip))
		hzb_count(HZB_CNT_RESTART_BOUND);
	trace_percpu_hazptr_scan_restart(ovf->cpu, ovf->idx, gen);
	goto restart;
}

/*
 * A CPU's overflow lists.  overflow=flip (v5): walk the list that is not
 * receiving additions, so only removals (bounded by what is on it) can
 * restart the walk; then direct additions to the list just walked and
 * walk the other one.  A reader that read add_idx before the flip may
 * still add to it once, costing one restart.  Backups added to an
 * already-walked list are safe: they were chained under the lock after
 * our walk dropped it, hence after our Store A and smp_mb(), so their
 * reader's Load A sees Store A.
 */
static void percpu_hazptr_scan_lists(int cpu, struct percpu_hazptr_scan *scan)
{
	struct percpu_hazptr_lists *l = per_cpu_ptr(&percpu_hazptr_lists, cpu);
	unsigned int idx;

	if (!READ_ONCE(percpu_hazptr_flip)) {
		percpu_hazptr_scan_list(&l->ovf[0], scan);
		return;
	}
	mutex_lock(&l->flip_mutex);
	idx = l->add_idx;
	percpu_hazptr_scan_list(&l->ovf[!idx], scan);
	WRITE_ONCE(l->add_idx, !idx);
	percpu_hazptr_scan_list(&l->ovf[idx], scan);
	mutex_unlock(&l->flip_mutex);
}

/*
 * One scan of every CPU's slots and overflow lists for @scan's addresses.
 * Inlined into both synchronize functions, so each stays one call level.
 */
static __always_inline void percpu_hazptr_scan_all(struct percpu_hazptr_scan *scan)
{
	struct percpu_hazptr_cpu *pc;
	unsigned int n;
	int cpu;

	/*
	 * Store A (the caller's unpublication) before Load B (the scan).
	 * Pairs with the smp_mb() between Store B and Load A in the acquire
	 * (percpu_hazptr_acquire_mb()).
	 */
	smp_mb();
	n = READ_ONCE(percpu_hazptr_nr_slots);
	for_each_possible_cpu(cpu) {
		hzb_race(HZB_RACE_SCAN);
		pc = per_cpu_ptr(&percpu_hazptr_cpu, cpu);
		if (percpu_hazptr_cpu_skippable(pc)) {
			scan->cpus_skipped++;
			hzb_count(HZB_CNT_CPUS_SKIPPED);
		} else {
			percpu_hazptr_scan_slots(pc, n, scan);
		}
		/* After the slots: migration fills the backup first. */
		percpu_hazptr_scan_lists(cpu, scan);
	}
	trace_percpu_hazptr_synchronize_done(scan->addr, scan->waits, scan->restarts,
					     scan->cpus_skipped);
}

/**
 * percpu_hazptr_synchronize - wait until no hazard pointer protects @addr
 * @addr: an object the caller has already unpublished (Store A)
 *
 * Must be called from a context that may sleep.  On return, every reader
 * that could have loaded @addr before it was unpublished has released it.
 */
noinline void percpu_hazptr_synchronize(void *addr)
{
	struct percpu_hazptr_scan scan = { .addr = addr };

	might_sleep();
	lockdep_assert_preemption_enabled();
	if (!addr)
		return;
	percpu_hazptr_scan_all(&scan);
}

/**
 * percpu_hazptr_synchronize_batch - one scan for a batch of addresses
 * @ptrs: objects the caller has already unpublished; sorted in place when
 *        there are many (NULL entries are ignored)
 * @n: how many
 *
 * Like percpu_hazptr_synchronize() for each of them, with one pass over
 * the per-CPU slots and overflow lists, every slot checked against the
 * whole batch.  A batch of one goes through percpu_hazptr_synchronize(),
 * the function BPF times.
 */
noinline void percpu_hazptr_synchronize_batch(void **ptrs, unsigned int n)
{
	struct percpu_hazptr_scan scan = { .set = ptrs, .n = n };
	unsigned int i;

	might_sleep();
	lockdep_assert_preemption_enabled();
	if (n == 1) {
		percpu_hazptr_synchronize(ptrs[0]);
		return;
	}
	if (n > PERCPU_HAZPTR_BATCH_LINEAR)
		sort(ptrs, n, sizeof(*ptrs), percpu_hazptr_addr_cmp, NULL);
	for (i = 0; i < n && !scan.addr; i++)
		scan.addr = ptrs[i];
	if (!scan.addr)
		return;		/* nothing but NULLs */
	percpu_hazptr_scan_all(&scan);
}

/* ------------------------------------------------------------------ */
/* Context-switch migration (migrate=on)                               */
/* ------------------------------------------------------------------ */

/*
 * A reader task's block: what v4 adds to task_struct (the list of the
 * task's live contexts on per-CPU slots), plus the preempt notifier that
 * stands in for the scheduler hook.
 *
 * Lifetime: hzb_design_reader_enter() allocates it, hooks it up and queues
 * a task work that runs when the task next returns to user space (or, at
 * the latest, in do_exit()).  hzb_design_reader_exit() detaches it (the
 * engine calls it before every return to user space, a hold included, so
 * a task never holds per-CPU slots there and any task may release its held
 * pointers: they are all on backup slots); the task work detaches it if
 * that did not happen and frees it after an RCU grace period: the
 * per-task design's scan may be reading the notifier on the task's
 * preempt_notifiers list (both modules loaded), under rcu_read_lock().
 * Until that RCU callback has run, the block pins the module: its
 * notifier, task work and callback are module code.  The callback drops
 * the reference last; module exit waits for it to return (rcu_barrier()),
 * and for the task work's own tail (synchronize_rcu_tasks()).
 */
struct percpu_hazptr_task {
	struct list_head ctx_list;	/* hzb_ctx.task_node (v4) */
	struct preempt_notifier notifier;
	struct callback_head detach_work;
	struct rcu_head rcu;
	struct task_struct *task;
	unsigned int nesting;		/* reader_enter calls not yet exited */
	bool attached;			/* notifier registered */
};

/*
 * Move one context from per-CPU slot @slot, holding @addr, to its backup
 * slot.  Preemption (and at sched_out, interrupts) disabled.
 */
static void percpu_hazptr_move(struct percpu_hazptr_cpu *pc, struct hzb_ctx *ctx,
			       struct percpu_hazptr_slot *slot, void *addr)
{
	struct percpu_hazptr_overflow *ovf;

	if (IS_ENABLED(CONFIG_HZB_BROKEN_EARLY_CLEAR))
		/* Broken on purpose: the pointer is briefly in no slot. */
		WRITE_ONCE(slot->addr, NULL);
	percpu_hazptr_chain_backup(ctx, addr);
	hzb_race(HZB_RACE_MIGRATE);
	ovf = ctx->ovf;
	/*
	 * Release: the backup holds @addr (and is chained) before the
	 * per-CPU slot reads as empty.  Pairs with the smp_load_acquire() of
	 * per-CPU slots in synchronize, which walks this CPU's overflow lists
	 * afterwards.  (The early_clear build emptied it above already.)
	 */
	smp_store_release(&slot->addr, NULL);
	percpu_hazptr_used_dec(pc);
	hzb_count(HZB_CNT_MIGRATIONS);
	trace_percpu_hazptr_migrate(ctx, addr, ovf->cpu, ovf->idx);
	/*
	 * The release must find the backup (v4 missed this, v5 fixed it).
	 * Release: a release on another CPU after the task migrated, or by
	 * another task after a hold, sees the chained backup (pairs with the
	 * smp_load_acquire() of ->slot in percpu_hazptr_release_backup()),
	 * and may free @ctx at once: this is our last access to it.
	 */
	smp_store_release(&ctx->slot, &ctx->backup);
}

/*
 * Move every context of the task running here from its per-CPU slot to
 * its backup slot: at sched_out (v4 patch 4, v5), and when a task stops
 * being a reader while still holding (v5's hazptr_detach()).  Preemption
 * (and at sched_out, interrupts) disabled.
 *
 * v4 walks the task's list of live contexts (@ctxs); their per-CPU slots
 * are all on this CPU, since any earlier switch-out moved them.  v5 has no
 * such list: it scans this CPU's 4 items, every busy one of which belongs
 * to the outgoing task (the others were moved when their task left this
 * CPU, and an interrupt reader releases before it returns), and finds the
 * context beside the slot.
 */
noinline void percpu_hazptr_migrate(struct list_head *ctxs)
{
	struct percpu_hazptr_cpu *pc = this_cpu_ptr(&percpu_hazptr_cpu);
	struct percpu_hazptr_item *item;
	struct hzb_ctx *ctx, *next;
	unsigned int i;
	void *addr;

	lockdep_assert_preemption_disabled();
	if (static_branch_unlikely(&percpu_hazptr_v5_key)) {
		for (i = 0; i < PERCPU_HAZPTR_V5_SLOTS; i++) {
			item = &pc->items[i];
			addr = READ_ONCE(item->slot.addr);
			if (addr)
				percpu_hazptr_move(pc, item->ctx, &item->slot, addr);
		}
		return;
	}
	list_for_each_entry_safe(ctx, next, ctxs, task_node) {
		/* Off the task list first: the node is reused for the chain. */
		list_del(&ctx->task_node);
		percpu_hazptr_move(pc, ctx, ctx->slot, READ_ONCE(ctx->slot->addr));
	}
}

static void percpu_hazptr_sched_in(struct preempt_notifier *pn, int cpu)
{
	struct percpu_hazptr_task *blk =
		container_of(pn, struct percpu_hazptr_task, notifier);

	/*
	 * Before this task's next acquire, whose smp_mb() orders this store
	 * before its Load A (see skip=idle in percpu_hazptr_cpu_skippable()).
	 */
	__this_cpu_write(percpu_hazptr_cpu.running_list, &blk->ctx_list);
}

static void percpu_hazptr_sched_out(struct preempt_notifier *pn,
				    struct task_struct *next)
{
	struct percpu_hazptr_task *blk =
		container_of(pn, struct percpu_hazptr_task, notifier);

	percpu_hazptr_migrate(&blk->ctx_list);
	/*
	 * Release: the migration above happens before skip=idle scanners see
	 * no reader here (pairs with percpu_hazptr_cpu_skippable()).
	 */
	smp_store_release(this_cpu_ptr(&percpu_hazptr_cpu.running_list), NULL);
}

static struct preempt_ops percpu_hazptr_preempt_ops = {
	.sched_in	= percpu_hazptr_sched_in,
	.sched_out	= percpu_hazptr_sched_out,
};

/*
 * The running task's attached block, or NULL.  Preemption disabled.
 * running_list is only ever set for the task running on this CPU, so no
 * search of current->preempt_notifiers is needed.
 */
static struct percpu_hazptr_task *percpu_hazptr_current_block(void)
{
	struct list_head *list = __this_cpu_read(percpu_hazptr_cpu.running_list);
	struct percpu_hazptr_task *blk;

	if (!list)
		return NULL;
	blk = container_of(list, struct percpu_hazptr_task, ctx_list);
	return blk->task == current ? blk : NULL;
}

/*
 * Stop being a reader: move live per-CPU contexts to their backups (so
 * that any task may release them later), then unhook.  Preemption
 * disabled, in the block's task.
 */
static void percpu_hazptr_detach(struct percpu_hazptr_task *blk)
{
	lockdep_assert_preemption_disabled();
	percpu_hazptr_migrate(&blk->ctx_list);
	/* Release: as in percpu_hazptr_sched_out(). */
	smp_store_release(this_cpu_ptr(&percpu_hazptr_cpu.running_list), NULL);
	/*
	 * Not preempt_notifier_unregister(): its hlist_del() poisons ->next
	 * under a per-task scan that may be on this node.  hlist_del_rcu()
	 * keeps ->next, and the block is freed after a grace period.
	 */
	hlist_del_rcu(&blk->notifier.link);
	blk->attached = false;
}

static void percpu_hazptr_block_free_rcu(struct rcu_head *rcu)
{
	kfree(container_of(rcu, struct percpu_hazptr_task, rcu));
	/*
	 * Last: our return is the only module text left to run, and module
	 * exit waits for it with rcu_barrier().
	 */
	module_put(THIS_MODULE);
}

/* The block's task work: back to user space (or exiting). */
static void percpu_hazptr_detach_work(struct callback_head *work)
{
	struct percpu_hazptr_task *blk =
		container_of(work, struct percpu_hazptr_task, detach_work);

	preempt_disable();
	if (blk->attached)
		percpu_hazptr_detach(blk);
	preempt_enable();
	/* Keeps the module: the callback drops the block's reference. */
	call_rcu(&blk->rcu, percpu_hazptr_block_free_rcu);
}

int hzb_design_reader_enter(void)
{
	struct percpu_hazptr_task *blk;
	int ret;

	if (!static_branch_likely(&percpu_hazptr_migrate_key))
		return 0;
	preempt_disable();
	blk = percpu_hazptr_current_block();
	if (blk)
		blk->nesting++;
	preempt_enable();
	if (blk)
		return 0;

	blk = kzalloc(sizeof(*blk), GFP_KERNEL);
	if (!blk)
		return -ENOMEM;
	if (!try_module_get(THIS_MODULE)) {
		kfree(blk);
		return -ENODEV;
	}
	INIT_LIST_HEAD(&blk->ctx_list);
	blk->task = current;
	blk->nesting = 1;
	preempt_notifier_init(&blk->notifier, &percpu_hazptr_preempt_ops);
	init_task_work(&blk->detach_work, percpu_hazptr_detach_work);
	ret = task_work_add(current, &blk->detach_work, TWA_RESUME);
	if (ret) {
		/* Exiting already: no reader run for this task. */
		kfree(blk);
		module_put(THIS_MODULE);
		return ret;
	}
	/* Like KVM: no context switch while the task's notifier list changes. */
	preempt_disable();
	/*
	 * preempt_notifier_register() with a publication: a per-task scan
	 * may walk this list under rcu_read_lock(), and must see the node
	 * initialized (pairs with its rcu_dereference() of the links).
	 */
	hlist_add_head_rcu(&blk->notifier.link, &current->preempt_notifiers);
	blk->attached = true;
	/* We are running: sched_in will only fire at the next switch-in. */
	__this_cpu_write(percpu_hazptr_cpu.running_list, &blk->ctx_list);
	preempt_enable();
	return 0;
}

/* The block itself is freed by its task work. */
void hzb_design_reader_exit(void)
{
	struct percpu_hazptr_task *blk;

	preempt_disable();
	blk = percpu_hazptr_current_block();
	if (blk && !--blk->nesting)
		percpu_hazptr_detach(blk);
	preempt_enable();
}

/* ------------------------------------------------------------------ */
/* Design hooks                                                        */
/* ------------------------------------------------------------------ */

/* Backups chained on all overflow lists right now. */
static unsigned int percpu_hazptr_nr_chained(void)
{
	unsigned int i, n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		for (i = 0; i < 2; i++)
			n += READ_ONCE(per_cpu_ptr(&percpu_hazptr_lists, cpu)->ovf[i].nr);
	return n;
}

/* Per-CPU slots busy right now. */
static unsigned int percpu_hazptr_nr_busy(void)
{
	struct percpu_hazptr_cpu *pc;
	unsigned int i, n = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		pc = per_cpu_ptr(&percpu_hazptr_cpu, cpu);
		if (static_branch_unlikely(&percpu_hazptr_v5_key)) {
			/* The other words are the items' context pointers. */
			for (i = 0; i < PERCPU_HAZPTR_V5_SLOTS; i++)
				n += !!READ_ONCE(pc->items[i].slot.addr);
			continue;
		}
		for (i = 0; i < PERCPU_HAZPTR_MAX_SLOTS; i++)
			n += !!READ_ONCE(pc->slots[i].addr);
	}
	return n;
}

/*
 * Debug views for the tests, both 0 whenever no hazard pointer is held:
 * /sys/module/percpu_hazptr/parameters/{chained,busy}.
 */
static int percpu_hazptr_chained_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%u\n", percpu_hazptr_nr_chained());
}

static int percpu_hazptr_busy_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%u\n", percpu_hazptr_nr_busy());
}

static const struct kernel_param_ops percpu_hazptr_chained_ops = {
	.get = percpu_hazptr_chained_get,
};

static const struct kernel_param_ops percpu_hazptr_busy_ops = {
	.get = percpu_hazptr_busy_get,
};

module_param_cb(chained, &percpu_hazptr_chained_ops, NULL, 0444);
MODULE_PARM_DESC(chained, "Backup slots on overflow lists now (0 when nothing is held)");
module_param_cb(busy, &percpu_hazptr_busy_ops, NULL, 0444);
MODULE_PARM_DESC(busy, "Per-CPU slots in use now (0 when nothing is held)");

static unsigned int percpu_hazptr_lists_per_cpu(void)
{
	return READ_ONCE(percpu_hazptr_flip) ? 2 : 1;
}

int hzb_design_init(void)
{
	struct percpu_hazptr_lists *l;
	unsigned int i;
	int cpu;

	for_each_possible_cpu(cpu) {
		l = per_cpu_ptr(&percpu_hazptr_lists, cpu);
		for (i = 0; i < 2; i++) {
			raw_spin_lock_init(&l->ovf[i].lock);
			INIT_LIST_HEAD(&l->ovf[i].head);
			l->ovf[i].cpu = cpu;
			l->ovf[i].idx = i;
		}
		mutex_init(&l->flip_mutex);
	}
	preempt_notifier_inc();
	if (PERCPU_HAZPTR_BROKEN)
		pr_warn("percpu_hazptr: DELIBERATELY BROKEN build (0x%x): for torture tests only\n",
			(unsigned int)PERCPU_HAZPTR_BROKEN);
	return 0;
}

void hzb_design_exit(void)
{
	/*
	 * Every block holds a module reference until its RCU callback: none
	 * is left, but module text may still be running.  A detach work may
	 * have been preempted between queueing that callback and returning:
	 * tasks RCU waits until every task has switched voluntarily.  Then
	 * the last callback may not have returned yet: rcu_barrier().
	 */
	synchronize_rcu_tasks();
	rcu_barrier();
	preempt_notifier_dec();
}

static void percpu_hazptr_knobs_restore(const struct percpu_hazptr_config *c)
{
	knob_scheme = c->scheme;
	knob_slots = c->slots;
	knob_acquire = c->acquire;
	knob_overflow = c->overflow;
	knob_migrate = c->migrate;
	knob_skip = c->skip;
}

int hzb_design_apply(void)
{
	struct percpu_hazptr_config c = {
		.scheme = knob_scheme, .slots = knob_slots,
		.acquire = knob_acquire, .overflow = knob_overflow,
		.migrate = knob_migrate, .skip = knob_skip,
	};
	struct percpu_hazptr_cpu *pc;
	int cpu;

	/*
	 * v5 is one design, not a mix: it has no migrate=off (its hook is
	 * always on) and no skipping.  Its other knobs read as what v5 does.
	 */
	if (c.scheme == PERCPU_HAZPTR_SCHEME_V5) {
		if (c.migrate != PERCPU_HAZPTR_MIGRATE_ON ||
		    c.skip != PERCPU_HAZPTR_SKIP_NONE) {
			percpu_hazptr_knobs_restore(&percpu_hazptr_applied);
			return -EINVAL;
		}
		c.slots = PERCPU_HAZPTR_SLOTS_4;
		c.acquire = PERCPU_HAZPTR_ACQUIRE_WILDCARD;
		c.overflow = PERCPU_HAZPTR_OVERFLOW_FLIP;
		knob_slots = c.slots;
		knob_acquire = c.acquire;
		knob_overflow = c.overflow;
	}

	/*
	 * Skipping needs migration: without it a preempted task keeps its
	 * per-CPU slot on a CPU that may look idle, and releases it from
	 * whatever CPU it resumes on, where a CPU-local count cannot follow.
	 */
	if (c.skip != PERCPU_HAZPTR_SKIP_NONE && c.migrate != PERCPU_HAZPTR_MIGRATE_ON) {
		percpu_hazptr_knobs_restore(&percpu_hazptr_applied);
		return -EINVAL;
	}
	if (!memcmp(&c, &percpu_hazptr_applied, sizeof(c)))
		return 0;
	/*
	 * The engine changes variants only between runs, but a pointer held
	 * past its run (a hold) must be released and scanned under the
	 * variant that acquired it.
	 */
	if (percpu_hazptr_nr_busy() || percpu_hazptr_nr_chained()) {
		percpu_hazptr_knobs_restore(&percpu_hazptr_applied);
		return -EBUSY;
	}

	WRITE_ONCE(percpu_hazptr_nr_slots,
		   c.slots == PERCPU_HAZPTR_SLOTS_4 ? 4 : PERCPU_HAZPTR_MAX_SLOTS);
	WRITE_ONCE(percpu_hazptr_flip, c.overflow == PERCPU_HAZPTR_OVERFLOW_FLIP);
	WRITE_ONCE(percpu_hazptr_skip, c.skip);
	if (c.acquire == PERCPU_HAZPTR_ACQUIRE_WILDCARD)
		static_branch_enable(&percpu_hazptr_wildcard_key);
	else
		static_branch_disable(&percpu_hazptr_wildcard_key);
	if (c.migrate == PERCPU_HAZPTR_MIGRATE_ON)
		static_branch_enable(&percpu_hazptr_migrate_key);
	else
		static_branch_disable(&percpu_hazptr_migrate_key);
	/*
	 * Nothing is held: every count starts from zero, and v5's context
	 * pointers (the odd words of the line) must not read as busy v4
	 * slots.
	 */
	for_each_possible_cpu(cpu) {
		pc = per_cpu_ptr(&percpu_hazptr_cpu, cpu);
		WRITE_ONCE(pc->used, 0);
		memset(pc->slots, 0, sizeof(pc->slots));
	}
	if (c.slots == PERCPU_HAZPTR_SLOTS_4)
		static_branch_enable(&percpu_hazptr_slots4_key);
	else
		static_branch_disable(&percpu_hazptr_slots4_key);
	if (c.scheme == PERCPU_HAZPTR_SCHEME_V5)
		static_branch_enable(&percpu_hazptr_v5_key);
	else
		static_branch_disable(&percpu_hazptr_v5_key);
	if (c.skip == PERCPU_HAZPTR_SKIP_USED)
		static_branch_enable(&percpu_hazptr_used_key);
	else
		static_branch_disable(&percpu_hazptr_used_key);
	percpu_hazptr_applied = c;
	return 0;
}

void hzb_design_fill_info(struct hzb_info *info)
{
	info->slots_per_cpu = READ_ONCE(percpu_hazptr_nr_slots);
	info->bytes_per_cpu = sizeof(struct percpu_hazptr_cpu) +
			      sizeof(struct percpu_hazptr_lists);
	info->bytes_per_task = static_branch_likely(&percpu_hazptr_migrate_key) ?
			       sizeof(struct percpu_hazptr_task) : 0;
	info->nr_locks = num_possible_cpus() * percpu_hazptr_lists_per_cpu();
	info->broken = PERCPU_HAZPTR_BROKEN;
}

u32 hzb_design_lock_addrs(u64 *addrs, u32 cap)
{
	unsigned int i, lists = percpu_hazptr_lists_per_cpu();
	struct percpu_hazptr_lists *l;
	u32 n = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		l = per_cpu_ptr(&percpu_hazptr_lists, cpu);
		for (i = 0; i < lists; i++, n++)
			if (n < cap)
				addrs[n] = (u64)(unsigned long)&l->ovf[i].lock;
	}
	return n;
}
