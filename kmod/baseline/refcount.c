// SPDX-License-Identifier: GPL-2.0
/*
 * Refcount baseline, update side: deletion drops the published reference;
 * the last reference's holder frees the object.
 */
#include <linux/module.h>
#include "refcount.h"

/* No knobs: one variant. */
const struct hzb_knob hzb_design_knobs[] = {
	{ }
};

/* Broken builds: poison @obj while readers still hold it, see refcount.h. */
static void hzb_refcount_broken_delete(struct hzb_obj *obj)
{
	unsigned int readers = refcount_read(&obj->ref) - 1;

	if ((HZB_REFCOUNT_BROKEN == 2U && readers >= 2) ||
	    (HZB_REFCOUNT_BROKEN == 4U && readers == 1)) {
		WRITE_ONCE(obj->stage, HZB_TORTURE_PIPE_LEN);
		WRITE_ONCE(obj->magic, HZB_OBJ_POISON);
	}
}

/*
 * The delete path: @obj was unpublished by the caller (a fully ordered
 * xchg()).  Drop the reference the published pointer held; free the
 * object now if no reader holds it, else the last reader's put frees it.
 */
noinline void hzb_refcount_synchronize(void *ptr)
{
	struct hzb_obj *obj = ptr;

	if (!obj)
		return;
	if (HZB_REFCOUNT_BROKEN)
		hzb_refcount_broken_delete(obj);
	if (refcount_dec_and_test(&obj->ref)) {
		hzb_obj_free(obj);
		return;
	}
	/* Readers still hold it: the free is theirs (deferred). */
	hzb_count(HZB_CNT_SYNC_WAITS);
}

int hzb_design_init(void)
{
	if (HZB_REFCOUNT_BROKEN)
		pr_warn("hzb_refcount: DELIBERATELY BROKEN build (0x%x): for torture tests only\n",
			HZB_REFCOUNT_BROKEN);
	return 0;
}

void hzb_design_fill_info(struct hzb_info *info)
{
	info->broken = HZB_REFCOUNT_BROKEN;
}
