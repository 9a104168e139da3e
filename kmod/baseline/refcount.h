/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Refcount baseline: what hazard pointers want to replace.  Readers take
 * a reference on the shared object; every reader on every CPU writes the
 * same cache line, which is the cost hazard pointers avoid.  Deletion is
 * dec-and-test-then-free: the published pointer holds one reference,
 * synchronize drops it, and whoever drops the last reference (the updater
 * or a reader) frees the object (hzb_obj_free()).  Nothing ever waits.
 *
 * Pool objects are type-stable (never returned to the slab while the
 * module is loaded, like SLAB_TYPESAFE_BY_RCU), so a reader may touch the
 * count of an object that is being freed or was reused; it must then check
 * that the object is still the published one, and retry if not.
 */
#ifndef _HZB_BASELINE_REFCOUNT_H
#define _HZB_BASELINE_REFCOUNT_H

#include <linux/refcount.h>
#include <linux/atomic.h>
#include "../common/hzb_common.h"

#define HZB_DESIGN_NAME		"refcount"
#define HZB_DEVICE_NAME		"hzb_refcount"
#define HZB_SYNC_FUNC		"hzb_refcount_synchronize"
/*
 * Broken on request, stand-ins for the hazard pointer modules' broken
 * variants (kmod/build.sh passes -DHZB_BROKEN_<NAME>); torture must catch
 * both.  Each poisons the object at deletion although readers still hold
 * it (the real free still happens at the last put, so the pool stays
 * consistent and the readers see the poison):
 *   HZB_BROKEN_SKIP_OVERFLOW: when two or more reader references remain
 *     (readers past "the slots" are ignored);
 *   HZB_BROKEN_EARLY_CLEAR: when exactly one reader reference remains
 *     (one reference early).
 */
#if defined(HZB_BROKEN_SKIP_OVERFLOW)
#define HZB_REFCOUNT_BROKEN		2U	/* bit 1: skip_overflow */
#elif defined(HZB_BROKEN_EARLY_CLEAR)
#define HZB_REFCOUNT_BROKEN		4U	/* bit 2: early_clear */
#else
#define HZB_REFCOUNT_BROKEN		0U
#endif
#define HZB_REFCOUNT_FEAT_BROKEN	(HZB_REFCOUNT_BROKEN ? HZB_FEAT_BROKEN : 0U)

/* References may be held across sleeps and taken in hard irq. */
#define HZB_DESIGN_FEATURES	(HZB_FEAT_SLEEP_IN_READER | HZB_FEAT_IRQ_READER | \
				 HZB_REFCOUNT_FEAT_BROKEN)

#define hzb_synchronize		hzb_refcount_synchronize
/* The last put frees: see engine.c. */
#define HZB_FREE_AT_LAST_PUT

struct hzb_ctx { };

void hzb_refcount_synchronize(void *ptr);

static __always_inline void hzb_refcount_put(struct hzb_obj *obj)
{
	/*
	 * refcount_dec_and_test() orders this holder's accesses to @obj
	 * before the decrement (release) and, when it returns true, every
	 * other holder's decrement before the free (acquire on success):
	 * the pair that makes the last holder's free safe.
	 */
	hzb_up_rmw();	/* UP: the fence this atomic's lock prefix was */
	if (refcount_dec_and_test(&obj->ref))
		hzb_obj_free(obj);
}

static __always_inline void *hzb_acquire(struct hzb_ctx *ctx,
					 void * const *addr_p)
{
	struct hzb_obj *obj;

	for (;;) {
		obj = READ_ONCE(*(struct hzb_obj * const *)addr_p);
		if (!obj)
			return NULL;
		if (!refcount_inc_not_zero(&obj->ref))
			continue;	/* being freed: reload */
		hzb_up_rmw();	/* UP: the fence this atomic's lock prefix was */
		/*
		 * Order the increment before the re-load of the shared
		 * pointer; pairs with the updater's xchg() (fully ordered)
		 * that unpublishes the object before dropping the published
		 * reference in hzb_refcount_synchronize().
		 */
		smp_mb__after_atomic();
		if (READ_ONCE(*(struct hzb_obj * const *)addr_p) == obj)
			return obj;
		hzb_refcount_put(obj);
	}
}

static __always_inline void hzb_release(struct hzb_ctx *ctx, void *ptr)
{
	if (ptr)
		hzb_refcount_put(ptr);
}

#endif /* _HZB_BASELINE_REFCOUNT_H */
