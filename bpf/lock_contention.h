/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lock_contention: what lock_contention.bpf.c and its loader share.
 *
 * Two independent views of the overflow-list locks:
 *  - the design's noinline lock wrapper (percpu_hazptr_lock_overflow,
 *    pertask_hazptr_lock), timed with fentry/fexit (kprobe fallback): every
 *    acquisition through it, and how long it took, wait included; and its
 *    out-of-line contended path when the design has one (every contended
 *    acquisition, its wait);
 *  - the kernel's lock:contention_begin/end tracepoints (tp_btf, raw_tp
 *    fallback), filtered to the overflow-lock addresses: only the waits
 *    that reach the qspinlock queue, only with real qspinlocks (a guest
 *    whose CPUID has the hypervisor bit spins in virt_spin_lock instead,
 *    and the tracepoints never fire).
 */
#ifndef __HZB_LOCK_CONTENTION_H
#define __HZB_LOCK_CONTENTION_H

#include "hzb_hist.h"

#define HZB_LOCK_MAX_LOCKS	65536
#define HZB_LOCK_MAX_TASKS	16384

enum hzb_lock_hist {
	HZB_LOCK_H_WRAPPER,	/* time in the wrapper, every acquisition */
	HZB_LOCK_H_CONTENDED,	/* time in the contended path */
	HZB_LOCK_H_TP,		/* contention_begin -> _end, filtered locks */
	HZB_LOCK_NR_HISTS
};

/* One per CPU, summed by userspace. */
struct hzb_lock_stats {
	__u64 wrap_entries;	/* acquisitions through the wrapper */
	__u64 wrap_unmatched;	/* wrapper exits without a recorded entry */
	__u64 wrap_drops;	/* entries not recorded: map full */
	__u64 cont_entries;	/* contended-path entries */
	__u64 cont_unmatched;
	__u64 learned;		/* lock addresses learned from the wrapper */
	__u64 tp_begin_any;	/* contention_begin on any lock of the kernel */
	__u64 tp_begin;		/* ... on an overflow lock */
	__u64 tp_nested;	/* begin while this CPU's slot was busy: untimed */
	__u64 tp_unmatched;	/* end on an overflow lock with no begin */
	__u64 tp_in_wrapper;	/* overflow-lock begins inside the wrapper */
};

/* The design whose wrapper is traced (rodata targ_design). */
enum hzb_lock_design {
	HZB_LOCK_DESIGN_NONE,
	HZB_LOCK_DESIGN_PERCPU,	/* arg 0: struct percpu_hazptr_overflow * */
	HZB_LOCK_DESIGN_PERTASK,	/* arg 0: raw_spinlock_t * */
};

#endif /* __HZB_LOCK_CONTENTION_H */
