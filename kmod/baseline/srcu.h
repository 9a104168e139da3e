/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SRCU baseline: srcu_read_lock() readers on the module's own srcu_struct,
 * synchronize_srcu() (or its expedited form) updaters.  The other
 * sleepable choice next to hazard pointers: readers may block, and a
 * grace period waits only for the readers of this srcu_struct, but for
 * all of them, whatever they hold.
 */
#ifndef _HZB_BASELINE_SRCU_H
#define _HZB_BASELINE_SRCU_H

#include <linux/srcu.h>
#include "../common/hzb_common.h"

#define HZB_DESIGN_NAME		"srcu"
#define HZB_DEVICE_NAME		"hzb_srcu"
/*
 * The probe point is this module's wrapper, not synchronize_srcu()
 * itself: the kernel's own SRCU users call that one too, and BPF's count
 * must equal the module's.
 */
#define HZB_SYNC_FUNC		"hzb_srcu_synchronize"
/* cleanup_srcu_struct() at unload. */
#define HZB_HAVE_DESIGN_EXIT
/* Broken on request: a synchronize that does not wait (see rcu.h). */
#ifdef HZB_BROKEN_NO_MB
#define HZB_SRCU_BROKEN		1U	/* bit 0: no_mb */
#define HZB_SRCU_FEAT_BROKEN	HZB_FEAT_BROKEN
#else
#define HZB_SRCU_BROKEN		0U
#define HZB_SRCU_FEAT_BROKEN	0U
#endif

/*
 * SRCU readers may sleep and read in hard irq (rcutorture's srcu ops are
 * irq-capable).  They may not return to user space inside a read-side
 * critical section (lockdep's "lock held when returning to user space"),
 * so HZB_IOC_HOLD is refused.
 */
#define HZB_DESIGN_FEATURES	(HZB_FEAT_SLEEP_IN_READER | HZB_FEAT_IRQ_READER | \
				 HZB_FEAT_NO_USER_HOLD | HZB_SRCU_FEAT_BROKEN)

/* A grace period covers every object retired before it began. */
#define HZB_HAVE_SYNC_BATCH
#define hzb_synchronize		hzb_srcu_synchronize
#define hzb_synchronize_batch	hzb_srcu_synchronize_batch

/* The index srcu_read_lock() returned, for srcu_read_unlock(). */
struct hzb_ctx {
	int idx;
};

extern struct srcu_struct hzb_srcu_ss;

void hzb_srcu_synchronize(void *ptr);
void hzb_srcu_synchronize_batch(void **ptrs, unsigned int n);

static __always_inline void *hzb_acquire(struct hzb_ctx *ctx,
					 void * const *addr_p)
{
	ctx->idx = srcu_read_lock(&hzb_srcu_ss);
	return srcu_dereference(*(struct hzb_obj * const *)addr_p, &hzb_srcu_ss);
}

static __always_inline void hzb_release(struct hzb_ctx *ctx, void *ptr)
{
	srcu_read_unlock(&hzb_srcu_ss, ctx->idx);
}

#endif /* _HZB_BASELINE_SRCU_H */
