/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF part of a result: JSON members inside the "bpf" object, text
 * lines, and the cross-checks of BPF figures against the module's.
 */
#ifndef HZB_BPF_REPORT_H
#define HZB_BPF_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "hzb_bpf.h"
#include "hzb_stats.h"
#include "scan_latency.h"

struct hzb_json;

/* What the report is made of (all owned by the caller). */
struct hzb_bpf_in {
	const struct hzb_bpf_report *rep;	/* NULL: no extra probes */
	const uint64_t *cnt;			/* module counter deltas, HZB_NR_COUNTERS */
	const struct hzb_summary *module_sync;	/* module-timed, same segments as BPF's */
	/* Module-timed in the probe-free repetitions; NULL: none were run. */
	const struct hzb_summary *module_sync_off;
	const struct hzb_lat_stats *sync;	/* scan_latency's figures */
	int sync_attached;
	int bpf_enabled;
	const char *prefix;			/* text lines, e.g. "percpu-hzbench: " */
};

/* Members "probes", "checks", "checks_ok", "probe_effect" of the open "bpf" object. */
void hzb_bpf_json(struct hzb_json *j, const struct hzb_bpf_in *in);
void hzb_bpf_text(FILE *f, const struct hzb_bpf_in *in);
int hzb_bpf_checks_ok(const struct hzb_bpf_in *in);

/* The probe-effect member "probe_effect" and its text line (hzb_bpf_effect.c). */
void hzb_bpf_effect_json(struct hzb_json *j, const struct hzb_bpf_effect *e);
void hzb_bpf_effect_text(FILE *f, const char *pfx, const struct hzb_bpf_effect *e);

/* The same for a point of hzb_run.h (what hzb_report.c calls). */
struct hzb_point;
void hzb_bpf_point_json(struct hzb_json *j, const struct hzb_point *p);
void hzb_bpf_point_text(FILE *f, const struct hzb_point *p);

#endif
