/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the BPF loaders know of the design under test: the names of its
 * hooks (functions, tracepoints, symbols) and which variant of each BPF
 * program applies, parsed from the module's INFO (hzb_info.hooks, whose
 * roles kmod/common/hzb_common.h lists).  A NULL name is a hook the
 * design does not have.
 */
#ifndef HZB_DESIGN_H
#define HZB_DESIGN_H

#include "../include/uapi/hzbench.h"
#include "../bpf/holders.h"
#include "../bpf/lock_contention.h"
#include "../bpf/scan_phase.h"

struct hzb_design_hooks {
	const char *design;
	const char *module;			/* for kallsyms and tracefs */
	/* scan_phase */
	enum hzb_phase_design phase;
	const char *phase_func[HZB_NR_PHASES];	/* NULL: derived (see scan_phase.h) */
	const char *len_func;			/* length reader without timing */
	int len_in_p1;				/* ... or phase 1's first argument */
	const char *done_tp;			/* tracepoint at the end of a scan */
	/* lock_contention */
	enum hzb_lock_design lock;
	const char *lock_wrap;			/* noinline overflow-lock wrapper */
	const char *lock_cont;			/* its out-of-line contended path */
	/* holders */
	enum hzb_hold_mode hold;
	const char *ops_sym;			/* struct preempt_ops of the block */
	char buf[HZB_NAME_LEN + HZB_HOOKS_LEN];	/* the names point here */
};

/* Fill @d from @info; the names stay valid as long as @d. */
void hzb_design_hooks(struct hzb_design_hooks *d, const struct hzb_info *info);

#endif
