// SPDX-License-Identifier: GPL-2.0
/*
 * RCU baseline, update side.  Knob sync=normal|expedited selects
 * synchronize_rcu() or synchronize_rcu_expedited().
 */
#include <linux/module.h>
#include <linux/rcupdate.h>
#include "rcu.h"

enum { HZB_RCU_NORMAL, HZB_RCU_EXPEDITED };

static unsigned int hzb_rcu_sync_mode;
static const char * const hzb_rcu_sync_values[] = { "normal", "expedited", NULL };

const struct hzb_knob hzb_design_knobs[] = {
	{ "sync", hzb_rcu_sync_values, HZB_RCU_NORMAL, &hzb_rcu_sync_mode },
	{ }
};

noinline void hzb_rcu_synchronize(void *ptr)
{
	if (HZB_RCU_BROKEN)
		return;	/* broken on purpose, see rcu.h */
	if (READ_ONCE(hzb_rcu_sync_mode) == HZB_RCU_EXPEDITED)
		synchronize_rcu_expedited();
	else
		synchronize_rcu();
}

noinline void hzb_rcu_synchronize_batch(void **ptrs, unsigned int n)
{
	hzb_rcu_synchronize(NULL);
}

int hzb_design_init(void)
{
	if (HZB_RCU_BROKEN)
		pr_warn("hzb_rcu: DELIBERATELY BROKEN build (0x%x): for torture tests only\n",
			HZB_RCU_BROKEN);
	return 0;
}

void hzb_design_fill_info(struct hzb_info *info)
{
	info->broken = HZB_RCU_BROKEN;
}
