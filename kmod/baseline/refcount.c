// SPDX-License-Identifier: GPL-2.0
/*
 * Refcount baseline, update side: drop the published reference and wait
 * for the readers' references to drain.
 */
#include <linux/module.h>
#include <linux/sched.h>
#include "refcount.h"

/* No knobs: one variant. */
const struct hzb_knob hzb_design_knobs[] = {
	{ }
};

noinline void hzb_refcount_synchronize(void *ptr)
{
	struct hzb_obj *obj = ptr;

	if (!obj)
		return;
	/* The caller unpublished @obj; drop the reference it held. */
	if (refcount_dec_and_test(&obj->ref))
		return;
	hzb_count(HZB_CNT_SYNC_WAITS);
	/* Broken on purpose, see refcount.h. */
	if (HZB_REFCOUNT_BROKEN == 2U && refcount_read(&obj->ref) > 2)
		return;
	while (refcount_read(&obj->ref) > (HZB_REFCOUNT_BROKEN == 4U)) {
		cond_resched();
		cpu_relax();
	}
	/*
	 * The zero count was seen by a load; order it before the caller
	 * frees @obj.  Pairs with the release in hzb_refcount_put().
	 */
	smp_acquire__after_ctrl_dep();
}

int hzb_design_init(void)
{
	if (HZB_REFCOUNT_BROKEN)
		pr_warn("hzb_refcount: DELIBERATELY BROKEN build (0x%x): for torture tests only\n",
			HZB_REFCOUNT_BROKEN);
	return 0;
}

void hzb_design_exit(void)
{
}

int hzb_design_apply(void)
{
	return 0;
}

void hzb_design_fill_info(struct hzb_info *info)
{
	info->broken = HZB_REFCOUNT_BROKEN;
}

int hzb_design_reader_enter(void)
{
	return 0;
}

void hzb_design_reader_exit(void)
{
}

u32 hzb_design_lock_addrs(u64 *addrs, u32 cap)
{
	return 0;
}
