// SPDX-License-Identifier: GPL-2.0
/* RCU Tasks Trace baseline, update side.  No knobs: one variant. */
#include <linux/module.h>
#include <linux/rcupdate_trace.h>
#include "tasks_trace.h"

const struct hzb_knob hzb_design_knobs[] = {
	{ }
};

noinline void hzb_tasks_trace_synchronize(void *ptr)
{
	if (HZB_TASKS_TRACE_BROKEN)
		return;	/* broken on purpose, see tasks_trace.h */
	synchronize_rcu_tasks_trace();
}

noinline void hzb_tasks_trace_synchronize_batch(void **ptrs, unsigned int n)
{
	hzb_tasks_trace_synchronize(NULL);
}

int hzb_design_init(void)
{
	if (HZB_TASKS_TRACE_BROKEN)
		pr_warn("hzb_tasks_trace: DELIBERATELY BROKEN build (0x%x): for torture tests only\n",
			HZB_TASKS_TRACE_BROKEN);
	return 0;
}

void hzb_design_fill_info(struct hzb_info *info)
{
	info->broken = HZB_TASKS_TRACE_BROKEN;
}
