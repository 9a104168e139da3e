/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hzb_common.h - the contract between the hzbench engine and a design.
 *
 * The engine (engine.c) is compiled into every design module.  A design
 * module consists of:
 *
 *   <design>.h   included by the engine: the fast path as static inlines
 *                (struct hzb_ctx, hzb_acquire(), hzb_release()), the names
 *                (HZB_DESIGN_NAME, HZB_DEVICE_NAME, HZB_SYNC_FUNC) and the
 *                HZB_DESIGN_FEATURES mask;
 *   <design>.c   the slow paths and everything listed under "design
 *                provides" below, with hzb_synchronize #defined in the
 *                header to a design-prefixed noinline function so that BPF
 *                and perf can target each design by name;
 *   engine.c     a two-line file including <design>.h and
 *                ../common/engine.c.
 *
 * So a reader loop calls the design's acquire and release directly: no
 * indirect call on the fast path, and a loop costs what the design costs.
 */
#ifndef _HZB_COMMON_H
#define _HZB_COMMON_H

#include <linux/types.h>
#include <linux/cache.h>
#include <linux/jump_label.h>
#include <linux/percpu.h>
#include <linux/refcount.h>
#include <linux/list.h>
#include "../../include/uapi/hzbench.h"

/*
 * Full barriers on a uniprocessor kernel (user-mode Linux, --target=uml).
 *
 * On !SMP, smp_mb() is only a compiler barrier and the x86 atomics lose
 * their lock prefix: a fast path costs less than on any SMP machine.  The
 * engine's up_fence module parameter makes every smp_mb() in these
 * modules (the designs', the engine's, the calibration loops') a real
 * fence again: "lock" (default) is the lock-prefixed add that an x86-64
 * SMP kernel's smp_mb() executes, "mfence" the instruction of its mb(),
 * "off" the compiler barrier an unmodified UP kernel has.  Each smp_mb()
 * then costs one load and one predictable branch more than the kernel's
 * own (UML has no jump labels, a static key is a load).  hzb_up_rmw()
 * stands in for the lock prefix a fully ordered atomic read-modify-write
 * loses on UP (the refcount baseline calls it next to its atomics).
 * SMP kernels are untouched: smp_mb() is the kernel's, hzb_up_rmw() is
 * nothing, and up_fence reads "smp".
 */
#ifndef CONFIG_SMP
#include <linux/jump_label.h>

DECLARE_STATIC_KEY_TRUE(hzb_up_fence_on);
DECLARE_STATIC_KEY_FALSE(hzb_up_fence_mfence);

static __always_inline void hzb_up_fence(void)
{
	if (!static_branch_likely(&hzb_up_fence_on)) {
		barrier();
		return;
	}
#ifdef CONFIG_X86_64
	if (!static_branch_unlikely(&hzb_up_fence_mfence)) {
		/* A locked no-op on the stack, as x86-64 SMP smp_mb(). */
		asm volatile("lock addl $0, -4(%%rsp)" ::: "memory", "cc");
		return;
	}
#endif
	/* mfence: pairs with whatever the smp_mb() it stands for pairs with. */
	mb();
}

#undef smp_mb
/* Each smp_mb() below keeps its own pairing comment at its call site. */
#define smp_mb()	hzb_up_fence()
#define hzb_up_rmw()	hzb_up_fence()
#else
#define hzb_up_rmw()	do { } while (0)
#endif

#define HZB_OBJ_LIVE	0x4c495645UL	/* "LIVE" */
#define HZB_OBJ_POISON	0x6b6b6b6bUL	/* slab's POISON_FREE, four times */

/*
 * The objects readers protect and updaters retire.  They live in the
 * engine's pool for the module's lifetime and are never given back to the
 * slab allocator while it is loaded, so a reader that a broken design lets
 * run past synchronize reads a poisoned object instead of crashing: the
 * violation is counted, not hidden behind an oops.
 */
struct hzb_obj {
	unsigned long magic;		/* HZB_OBJ_LIVE or HZB_OBJ_POISON */
	refcount_t ref;			/* refcount baseline only */
	u32 stage;			/* retirement pipeline stage */
	u64 seq;			/* publication number */
	struct list_head pool_node;
} ____cacheline_aligned;

/* The shared pointer readers acquire and updaters replace. */
extern void *hzb_shared;

/* Per-CPU module counters, summed by HZB_IOC_COUNTERS. */
DECLARE_PER_CPU(u64 [HZB_NR_COUNTERS], hzb_counters_pcpu);

static inline void hzb_count_add(enum hzb_counter c, u64 n)
{
	this_cpu_add(hzb_counters_pcpu[c], n);
}

static inline void hzb_count(enum hzb_counter c)
{
	this_cpu_inc(hzb_counters_pcpu[c]);
}

/*
 * Variant knobs.  A design lists its knobs in hzb_design_knobs[] (ended by
 * an entry with a NULL name); the engine parses "k=v,k=v" specs against
 * them, resets them to defaults, formats the current variant and then calls
 * hzb_design_apply() so the design can validate the combination and switch
 * static branches.  *cur holds the index of the selected value.
 */
struct hzb_knob {
	const char *name;
	const char * const *values;	/* NULL-terminated */
	unsigned int def;
	unsigned int *cur;
};

/*
 * Design provides, out of line (<design>.c).  The engine serializes every
 * call below except hzb_synchronize*(), the reader hooks and
 * hzb_design_fill_info(), and never changes the variant while a reader or
 * updater runs.
 */
extern const struct hzb_knob hzb_design_knobs[];
int hzb_design_init(void);
void hzb_design_fill_info(struct hzb_info *info);
/*
 * Optional members: a design that has one #defines its HZB_HAVE_* in its
 * header; otherwise the engine supplies the empty one (engine.c).
 */
void hzb_design_exit(void);		/* HZB_HAVE_DESIGN_EXIT */
int hzb_design_apply(void);		/* HZB_HAVE_DESIGN_APPLY: 0 accepts */
/* Called in the reader's task around each reader run (HZB_HAVE_READER_HOOKS). */
int hzb_design_reader_enter(void);
void hzb_design_reader_exit(void);
/* Overflow lock addresses; returns how many (HZB_HAVE_LOCK_ADDRS, else 0). */
u32 hzb_design_lock_addrs(u64 *addrs, u32 cap);
/*
 * HZB_HOOKS, optional: the design's hooks for BPF and perf as
 * "role=name ..." (hzb_info.hooks), after the module's own
 * "module=KBUILD_MODNAME":
 *   scan=percpu|pertask  the layout scan_phase and lock_contention read
 *   phase0=, phase1=     noinline functions of the two scan phases
 *   len=FUNC|phase1      what gives the length of a list walked
 *   done=                tracepoint at the end of each scan
 *   lock=, lock_contended=  noinline overflow-lock wrapper, contended path
 *   hold=percpu|pertask|rcu  what holders reads from a task
 *   preempt_ops=         symbol of the design's struct preempt_ops
 */

/*
 * Engine provides, for designs.
 */
/* True while a reader or updater run is in progress. */
bool hzb_engine_busy(void);
/* HZB_FREE_AT_LAST_PUT designs: @obj's last reference is gone; free it. */
void hzb_obj_free(struct hzb_obj *obj);

/*
 * Race-window delays, after rcutorture's read delays: a design calls
 * hzb_race(point) at each of its race points, one line each.  Off (the
 * default, and every benchmark) it is a static branch patched to a
 * no-op; the engine knob race=POINT|all (a torture run's --race, recorded
 * in the variant) turns it on while no run is active, and then one call
 * in four at a selected point spins a random 0..20 us (kmod/common/torture.c).
 */
enum hzb_race_point {
	HZB_RACE_LOAD,		/* between loading the pointer and publishing it */
	HZB_RACE_PUBLISH,	/* between the publish and the barrier */
	HZB_RACE_SCAN,		/* between CPUs or tasks in the scan */
	HZB_RACE_UNCHAIN,	/* between unchaining and releasing a backup */
	HZB_RACE_MIGRATE,	/* inside migration, slot to backup */
	HZB_RACE_NR
};

DECLARE_STATIC_KEY_FALSE(hzb_race_key);
void hzb_race_delay(enum hzb_race_point point);

static __always_inline void hzb_race(enum hzb_race_point point)
{
	if (static_branch_unlikely(&hzb_race_key))
		hzb_race_delay(point);
}

#endif /* _HZB_COMMON_H */
