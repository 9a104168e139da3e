/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hzb_wait.h - the one wait policy of the hazard-pointer designs.
 *
 * A synchronize that finds its address protected polls until the holder
 * lets go.  How it waits between two polls is a policy, not a property of
 * where the slots live, so both designs take it from here, with the same
 * knobs, meaning, thresholds and default:
 *
 *   wait=spin-sleep  (default) poll with cpu_relax() for the first
 *                    spin microseconds of this wait, then sleep 20-40 us
 *                    (TASK_IDLE: a long hold is not a hung task) between
 *                    polls;
 *   wait=spin        poll with cpu_relax() for as long as it takes;
 *   spin=0|5|20|100|1000  the spin budget in microseconds (default 20).
 *
 * Each poll gap also offers cond_resched(), which lets the holder run
 * under voluntary preemption (under preempt=full it does nothing: the
 * scheduler preempts the poller anyway).
 *
 * Include from the design's core file only: the knob storage is static.
 * Put these two entries in hzb_design_knobs[]:
 *	{ "wait", hzb_wait_values, HZB_WAIT_SPIN_SLEEP, &hzb_wait_knob_policy },
 *	{ "spin", hzb_wait_spin_values, HZB_WAIT_SPIN_DEFAULT, &hzb_wait_knob_spin },
 * and call hzb_wait_begin() once
 * per wait and hzb_wait_pause() between polls, in preemptible context
 * with no lock held.
 */
#ifndef _HZB_WAIT_H
#define _HZB_WAIT_H

#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/sched.h>

enum hzb_wait_policy { HZB_WAIT_SPIN_SLEEP, HZB_WAIT_SPIN };

static const char * const hzb_wait_values[] = { "spin-sleep", "spin", NULL };
static const char * const hzb_wait_spin_values[] = {
	"0", "5", "20", "100", "1000", NULL
};

static const unsigned int hzb_wait_spin_us[] = { 0, 5, 20, 100, 1000 };

#define HZB_WAIT_SPIN_DEFAULT	2	/* 20 us */
#define HZB_WAIT_SLEEP_US	20

static unsigned int hzb_wait_knob_policy;
static unsigned int hzb_wait_knob_spin;

struct hzb_wait {
	u64 start;
	u64 spin_ns;
	bool sleep;
};

static inline void hzb_wait_begin(struct hzb_wait *w)
{
	w->sleep = READ_ONCE(hzb_wait_knob_policy) == HZB_WAIT_SPIN_SLEEP;
	w->spin_ns = (u64)hzb_wait_spin_us[READ_ONCE(hzb_wait_knob_spin)] * NSEC_PER_USEC;
	w->start = ktime_get_ns();
}

/* Between two polls of what the caller waits for. */
static inline void hzb_wait_pause(struct hzb_wait *w)
{
	if (w->sleep && ktime_get_ns() - w->start >= w->spin_ns) {
		usleep_idle_range(HZB_WAIT_SLEEP_US, 2 * HZB_WAIT_SLEEP_US);
		return;
	}
	cpu_relax();
	cond_resched();
}

#endif /* _HZB_WAIT_H */
