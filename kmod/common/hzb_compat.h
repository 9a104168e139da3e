/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-API differences between the kernels hzbench builds against:
 * v6.1 (Debian's LTS cloud headers) up to v6.18 (the series' base).
 * The modules are written against the newest API; each entry provides it
 * on the kernels before the version named, from what those kernels have.
 * The versions were checked against the kernels' own sources (and, for
 * v6.1 and v6.12, the Debian headers the 'kernels' test builds against).
 *
 * Built here against 6.1, 6.12 (cloud, rt) and UML; run here only on
 * 6.12.  So the ">= v6.13" side of every entry is the one that runs, and
 * the "< v6.13" / "< v6.16" fallbacks are built (kernels test) but not run.
 */
#ifndef HZB_COMPAT_H
#define HZB_COMPAT_H

#include <linux/version.h>
#include <linux/hrtimer.h>
#include <linux/timer.h>

/*
 * hrtimer_setup(timer, function, clock, mode): added in v6.13 (commit
 * 908a1d775422, "hrtimers: Introduce hrtimer_setup() to replace
 * hrtimer_init()"); hrtimer_init() was removed once every user was
 * converted, so only hrtimer_setup() builds on v6.18.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)
static inline void hrtimer_setup(struct hrtimer *timer,
				 enum hrtimer_restart (*function)(struct hrtimer *),
				 clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = function;
}
#endif

/*
 * timer_delete() and timer_delete_sync(): v6.2 renamed del_timer() and
 * del_timer_sync() ("timers: Rename del_timer() to timer_delete()", tip
 * timers/core, Nov 2022); the old names are gone from v6.15.  Debian's
 * 6.1.y has the new names too (a stable backport): there the macros only
 * route through the old names' inline wrappers.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
#define timer_delete(t)		del_timer(t)
#define timer_delete_sync(t)	del_timer_sync(t)
#endif

/*
 * timer_container_of(var, timer, field): v6.16 renamed from_timer()
 * (commit 41cb08555c41, "treewide, timers: Rename from_timer() to
 * timer_container_of()"); from_timer() is gone after it.  Both are macros.
 */
#ifndef timer_container_of
#define timer_container_of(var, callback_timer, timer_fieldname) \
	from_timer(var, callback_timer, timer_fieldname)
#endif

/*
 * The sched_process_exit tracepoint's arguments: (struct task_struct *p)
 * up to v6.15; v6.16 moved it before exit_mm() and added bool group_dead
 * ("exit: move and extend sched_process_exit() tracepoint").  A probe
 * registered with tracepoint_probe_register() must match, or kCFI kernels
 * trap on the call:
 *	static void probe(HZB_SCHED_EXIT_PROBE_ARGS)
 * declares the arguments data and p (and group_dead from v6.16).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 16, 0)
#define HZB_SCHED_EXIT_PROBE_ARGS	void *data, struct task_struct *p, bool group_dead
#else
#define HZB_SCHED_EXIT_PROBE_ARGS	void *data, struct task_struct *p
#endif

#endif /* HZB_COMPAT_H */
