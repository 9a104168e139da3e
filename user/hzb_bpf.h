/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF probes beyond synchronize latency (scan_latency.h), for the
 * design under test.  They are a registry (user/hzb_bpf.c, generated from
 * bpf_probes in bpf/meson.build), one loader each beside scan_latency.c:
 *
 *   phase  scan_phase.c      synchronize split by scan phase, restarts,
 *                            waits, longest overflow list walked
 *   lock   lock_contention.c overflow-lock contention: the design's lock
 *                            wrapper, cross-checked by lock:contention_*
 *   hold   holders.c         overflow usage per CPU / per task, time
 *                            chained, migrations and their cost, threads
 *                            switched out while holding
 *
 * Each probe is attached when the design has what it needs; one that
 * applies but fails to attach is an error (state FAILED, with the reason)
 * and has no figures, never zeros.  A probe whose main hook the module
 * does not have is UNAVAILABLE (no figures, not an error of the run);
 * optional hooks a design lacks are listed in missing[].
 * hzb_bpf_json()/hzb_bpf_text() (hzb_bpf_report.h) write every figure with
 * the mechanism that produced it and what it cannot see, and the
 * cross-checks against the module's own counters and clock.
 */
#ifndef HZB_BPF_H
#define HZB_BPF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../include/uapi/hzbench.h"
#include "hzb_design.h"
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
	const char *blind;	/* what the mechanism cannot see (OK and FAILED) */
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

#define HZB_MAX_PROBES		8	/* room in the report, >= the registry */

struct hzb_bpf_report {
	/* Registry order; data: the probe's figures, its loader's type. */
	struct hzb_probe_info info[HZB_MAX_PROBES];
	void *data[HZB_MAX_PROBES];
	struct hzb_bpf_effect effect;
	struct hzb_design_hooks hooks;	/* the design's (INFO); reps point into it */
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
/* Free a report and the figures it holds. */
void hzb_bpf_report_free(struct hzb_bpf_report *rep);
/*
 * Test hook: HZB_BPF_FORCE_FAIL=NAME,... (sync or a probe's name) makes
 * that probe target a function that does not exist, so that the real
 * failure path is what the tests see.
 */
int hzb_bpf_force_fail(const char *probe);
/*
 * --bpf=LIST: the probes opened besides the synchronize probe (always on
 * with BPF): the registry's names, all, none.  phase and lock sit inside
 * the synchronize they would explain, so they are asked for, not default.
 */
#define HZB_BPF_DEFAULT		"hold"
int hzb_bpf_list_check(const char *list);
/* "phase, lock, hold, all, none": the names --bpf= takes, for usage(). */
const char *hzb_bpf_list_names(void);
/* Mark every probe of a fresh report NA (--no-bpf) with the reason. */
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
