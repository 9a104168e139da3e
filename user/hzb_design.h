/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the BPF loaders know of the design under test: the names of its
 * hooks (functions, tracepoints, symbols) and which variant of each BPF
 * program applies.  A NULL name is a hook the design does not have.
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
	const char *phase_name[HZB_NR_PHASES];
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
};

/* The hooks of the design behind @info; NULL for a design BPF has none for. */
const struct hzb_design_hooks *hzb_design_hooks(const struct hzb_info *info);

#endif
