/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF probes beyond synchronize latency (scan_latency.h), for the
 * design under test:
 *
 *   phase  scan_phase.bpf.c synchronize split by scan phase, restarts,
 *                           waits, longest overflow list walked
 *   lock   lock_contention.bpf.c overflow-lock contention: the design's lock
 *                           wrapper, cross-checked by lock:contention_*
 *   hold   holders.bpf.c     overflow usage per CPU / per task, time
 *                           chained, migrations and their cost, threads
 *                           switched out while holding
 *
 * Each probe is attached when the design has what it needs; one that
 * applies but fails to attach is an error (state FAILED, with the reason)
 * and has no figures, never zeros.  A probe whose main hook the module
 * does not have is UNAVAILABLE (no figures, not an error of the run);
 * optional hooks a design lacks are listed in missing[].  hzb_bpf_json()/hzb_bpf_text() write every figure with the
 * mechanism that produced it and what it cannot see, and the cross-checks
 * against the module's own counters and clock.
 */
#ifndef HZB_BPF_H
#define HZB_BPF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../include/uapi/hzbench.h"
#include "../bpf/holders.h"
#include "../bpf/lock_contention.h"
#include "../bpf/scan_phase.h"
#include "hzb_stats.h"

enum hzb_probe_state {
	HZB_PROBE_NA,		/* does not apply to this design, or --no-bpf */
	HZB_PROBE_OK,		/* attached */
	HZB_PROBE_FAILED,	/* applies, could not be attached: see error */
	HZB_PROBE_UNAVAILABLE,	/* the module lacks the hook it needs: see error */
};

struct hzb_probe_info {
	const char *name;
	enum hzb_probe_state state;
	char mech[192];		/* what produced the figures */
	char error[512];	/* FAILED: why */
	char fallback[512];	/* why the BTF mechanisms (fentry, tp_btf) were not used */
	char missing[384];	/* hooks of the design this probe would use but cannot find */
};

struct hzb_bpf_phase_rep {
	const char *name[HZB_NR_PHASES];
	const char *func[HZB_NR_PHASES];	/* NULL: derived, or none */
	int have[HZB_NR_PHASES];		/* phase measured */
	int have_len;
	struct hzb_phase_stats st;
	uint64_t misses[HZB_NR_PHASES];		/* entry runs the kernel skipped */
	struct hzb_hist h[HZB_PHASE_NR_HISTS];
};

struct hzb_bpf_lock_rep {
	const char *wrapper, *contended;
	int have_contended;
	int tp_attached;
	int hypervisor;		/* CPUID hypervisor bit: contention_* cannot fire */
	uint32_t nr_seeded;	/* addresses from HZB_IOC_LOCKS */
	uint64_t wrap_misses, cont_misses;
	struct hzb_lock_stats st;
	struct hzb_hist h[HZB_LOCK_NR_HISTS];
};

#define HZB_HOLD_TOP_TASKS	16

struct hzb_hold_task_rep {
	uint32_t pid;
	struct hzb_hold_task t;
};

struct hzb_bpf_hold_rep {
	enum hzb_hold_mode mode;
	int have_migrate_cost;
	uint64_t mig_misses;
	struct hzb_hold_stats st;
	struct hzb_hist h[HZB_HOLD_NR_HISTS];
	uint32_t ncpus;				/* entries in cpu[] */
	struct hzb_hold_cpu cpu[64];
	uint32_t ntasks;			/* tasks with overflows or holds */
	uint32_t ntop;
	struct hzb_hold_task_rep top[HZB_HOLD_TOP_TASKS];
	uint64_t chained_now;			/* backups still chained at read */
};

/* Median synchronize latency with and without every probe, same run. */
#define HZB_EFFECT_SEGS		64
struct hzb_bpf_effect {
	int done;
	double seconds;			/* of all segments, both kinds */
	unsigned int segments;		/* interleaved, half with probes */
	struct hzb_summary on, off;	/* module-timed */
	double effect_pct;		/* (on.p50 - off.p50) / off.p50 * 100 */
	/*
	 * Each segment's own median, and the spread of the segment medians
	 * within one condition relative to its pooled median: an effect
	 * smaller than that spread is not resolved by this run.
	 */
	double seg_p50[HZB_EFFECT_SEGS];
	uint64_t seg_n[HZB_EFFECT_SEGS];
	int seg_on[HZB_EFFECT_SEGS];
	double noise_pct;
	char error[320];
};

struct hzb_bpf_report {
	struct hzb_probe_info phase_i, lock_i, hold_i;
	struct hzb_bpf_phase_rep phase;
	struct hzb_bpf_lock_rep lock;
	struct hzb_bpf_hold_rep hold;
	struct hzb_bpf_effect effect;
	double seconds;			/* from the reset to the read */
	int read;			/* figures valid */
};

struct hzb_bpf_probes;
struct hzb_bpf_sync;

/*
 * Open and attach what applies to the design behind @devfd.  Never fails
 * as a whole: *out is NULL only when nothing applies or memory ran out.
 * Returns how many probes FAILED (their reasons are in @rep).
 */
int hzb_bpf_probes_open(struct hzb_bpf_probes **out, int devfd, const struct hzb_info *info,
			struct hzb_bpf_report *rep);
int hzb_bpf_probes_reset(struct hzb_bpf_probes *pr);
int hzb_bpf_probes_read(struct hzb_bpf_probes *pr, struct hzb_bpf_report *rep);
int hzb_bpf_probes_attach(struct hzb_bpf_probes *pr, char *err, size_t errlen);
void hzb_bpf_probes_detach(struct hzb_bpf_probes *pr);
void hzb_bpf_probes_close(struct hzb_bpf_probes *pr);
/*
 * Test hook: HZB_BPF_FORCE_FAIL=phase,lock,hold,sync (any of them) makes
 * that probe target a function that does not exist, so that the real
 * failure path is what the tests see.
 */
int hzb_bpf_force_fail(const char *probe);
/*
 * --bpf=LIST: the probes opened besides the synchronize probe (always on
 * with BPF): phase, lock, hold, all, none.  phase and lock sit inside the
 * synchronize they would explain, so they are asked for, not default.
 */
#define HZB_BPF_DEFAULT		"hold"
int hzb_bpf_list_check(const char *list);
/* Mark every probe NA (--no-bpf) with the reason. */
void hzb_bpf_report_off(struct hzb_bpf_report *rep, const char *why);

/*
 * The probe effect from the run's own segments: each segment's module-timed
 * samples (@on: probes attached) in run order, then the pooled summaries.
 */
void hzb_bpf_effect_seg(struct hzb_bpf_effect *e, int on, const uint64_t *samples, size_t n,
			double seconds);
void hzb_bpf_effect_done(struct hzb_bpf_effect *e, const struct hzb_summary *on,
			 const struct hzb_summary *off);

#endif
