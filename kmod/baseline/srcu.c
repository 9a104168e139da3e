// SPDX-License-Identifier: GPL-2.0
/*
 * SRCU baseline, update side.  Knob sync=normal|expedited selects
 * synchronize_srcu() or synchronize_srcu_expedited() on the module's
 * srcu_struct.
 */
#include <linux/module.h>
#include <linux/srcu.h>
#include "srcu.h"

enum { HZB_SRCU_NORMAL, HZB_SRCU_EXPEDITED };

struct srcu_struct hzb_srcu_ss;

static unsigned int hzb_srcu_sync_mode;
static const char * const hzb_srcu_sync_values[] = { "normal", "expedited", NULL };

const struct hzb_knob hzb_design_knobs[] = {
	{ "sync", hzb_srcu_sync_values, HZB_SRCU_NORMAL, &hzb_srcu_sync_mode },
	{ }
};

noinline void hzb_srcu_synchronize(void *ptr)
{
	if (HZB_SRCU_BROKEN)
		return;	/* broken on purpose, see srcu.h */
	if (READ_ONCE(hzb_srcu_sync_mode) == HZB_SRCU_EXPEDITED)
		synchronize_srcu_expedited(&hzb_srcu_ss);
	else
		synchronize_srcu(&hzb_srcu_ss);
}

noinline void hzb_srcu_synchronize_batch(void **ptrs, unsigned int n)
{
	hzb_srcu_synchronize(NULL);
}

int hzb_design_init(void)
{
	if (HZB_SRCU_BROKEN)
		pr_warn("hzb_srcu: DELIBERATELY BROKEN build (0x%x): for torture tests only\n",
			HZB_SRCU_BROKEN);
	return init_srcu_struct(&hzb_srcu_ss);
}

void hzb_design_exit(void)
{
	/* No reader is left (open files pin the module); wait for callbacks. */
	cleanup_srcu_struct(&hzb_srcu_ss);
}

void hzb_design_fill_info(struct hzb_info *info)
{
	info->broken = HZB_SRCU_BROKEN;
}
