/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scan_phase: what scan_phase.bpf.c and its loader share.
 *
 * A synchronize split by scan phase.  Two timed phases, each the calls of
 * one noinline function of the design between the entry of a synchronize
 * and its done tracepoint, summed per synchronize:
 *
 *   percpu   phase 0  per-CPU slots     (the slot scan of one CPU)
 *            phase 1  overflow lists    (the walk of one list)
 *            done     percpu_hazptr_synchronize_done: waits, restarts
 *   pertask  phase 0  task walk         (the walk's time, from the done
 *                                        tracepoint, minus phase 1)
 *            phase 1  waits on held slots (pertask_hazptr_wait_task)
 *            done     pertask_hazptr_scan: tasks scanned and skipped,
 *                     waits, restarts, the walk's ns (module clock)
 *
 * and the longest overflow list a synchronize walked (per-CPU design: the
 * list's length at the start of each walk; per-task design: each holder's
 * own list at each check).
 */
#ifndef __HZB_SCAN_PHASE_H
#define __HZB_SCAN_PHASE_H

#include "hzb_hist.h"

#define HZB_PHASE_MAX_TASKS	16384
#define HZB_NR_PHASES		2

enum hzb_phase_design {
	HZB_PHASE_NONE,
	HZB_PHASE_PERCPU,
	HZB_PHASE_PERTASK,
};

enum hzb_phase_hist {
	HZB_PHASE_H_P0,		/* phase 0 ns per synchronize */
	HZB_PHASE_H_P1,		/* phase 1 ns per synchronize */
	HZB_PHASE_H_P0_CALL,	/* phase 0 ns per call */
	HZB_PHASE_H_P1_CALL,	/* phase 1 ns per call */
	HZB_PHASE_H_RESTARTS,	/* restarts per synchronize */
	HZB_PHASE_H_WAITS,	/* waits on held slots per synchronize */
	HZB_PHASE_H_MAXLEN,	/* longest overflow list walked per synchronize */
	HZB_PHASE_NR_HISTS
};

struct hzb_phase_stats {
	__u64 dones;		/* done tracepoint hits (synchronize scans) */
	__u64 restarts;		/* summed from the done tracepoint */
	__u64 waits;
	__u64 cpus_skipped;	/* per-CPU design */
	__u64 scanned;		/* per-task design: tasks scanned */
	__u64 skipped;		/* ... skipped (no block, or idle) */
	__u64 nptrs;		/* ... retired pointers scanned for */
	__u64 walk_ns;		/* ... the module's walk time, summed */
	__u64 calls[HZB_NR_PHASES];
	__u64 unmatched[HZB_NR_PHASES];	/* exits without an entry */
	__u64 len_reads;	/* overflow-list lengths read */
	__u64 no_phase;		/* dones with no phase call before them */
};

#endif /* __HZB_SCAN_PHASE_H */
