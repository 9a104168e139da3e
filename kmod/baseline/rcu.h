/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RCU baseline: rcu_read_lock() readers, synchronize_rcu() (or its
 * expedited form) updaters.  What hazard pointers are measured against on
 * the update side: a grace period waits for every reader in the system,
 * not just those holding the retired object.
 */
#ifndef _HZB_BASELINE_RCU_H
#define _HZB_BASELINE_RCU_H

#include <linux/rcupdate.h>
#include "../common/hzb_common.h"

#define HZB_DESIGN_NAME		"rcu"
#define HZB_DEVICE_NAME		"hzb_rcu"
#define HZB_SYNC_FUNC		"hzb_rcu_synchronize"
/* holders reads rcu_read_lock_nesting (hzb_info.hooks, see hzb_common.h). */
#define HZB_HOOKS		"hold=rcu"
/*
 * Broken on request (-Dbroken=no_mb, kmod/build.sh passes -DHZB_BROKEN_NO_MB),
 * the stand-in for a hazard pointer acquire without its barrier: a
 * synchronize that does not wait for any reader.  Torture must catch it.
 */
#ifdef HZB_BROKEN_NO_MB
#define HZB_RCU_BROKEN		1U	/* bit 0: no_mb */
#define HZB_RCU_FEAT_BROKEN	HZB_FEAT_BROKEN
#else
#define HZB_RCU_BROKEN		0U
#define HZB_RCU_FEAT_BROKEN	0U
#endif

/* rcu_read_lock() nests and works in hard irq. */
#define HZB_DESIGN_FEATURES	(HZB_FEAT_IRQ_READER | HZB_RCU_FEAT_BROKEN)

/* A grace period covers every object retired before it began. */
#define HZB_HAVE_SYNC_BATCH
#define hzb_synchronize		hzb_rcu_synchronize
#define hzb_synchronize_batch	hzb_rcu_synchronize_batch

struct hzb_ctx { };

void hzb_rcu_synchronize(void *ptr);
void hzb_rcu_synchronize_batch(void **ptrs, unsigned int n);

static __always_inline void *hzb_acquire(struct hzb_ctx *ctx,
					 void * const *addr_p)
{
	rcu_read_lock();
	return rcu_dereference(*(struct hzb_obj * const *)addr_p);
}

static __always_inline void hzb_release(struct hzb_ctx *ctx, void *ptr)
{
	rcu_read_unlock();
}

#endif /* _HZB_BASELINE_RCU_H */
