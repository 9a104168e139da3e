// SPDX-License-Identifier: GPL-2.0
/*
 * The probe effect: how much every BPF probe attached slows the
 * synchronize it observes.  hzb_run.c interleaves segments with the probes
 * attached and probe-free repetitions (ABBA order) in one run; each
 * segment's module-timed samples come here, and the effect is the
 * difference of the pooled medians, against the spread of the segment
 * medians within each condition (an effect below that is not resolved).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hzb_bpf.h"
#include "hzb_bpf_report.h"
#include "hzb_json.h"

static void seg_median(struct hzb_bpf_effect *e, unsigned int k, int on, const uint64_t *v,
		       size_t n)
{
	uint64_t *copy = n ? malloc(n * sizeof(*copy)) : NULL;
	struct hzb_summary s = { 0 };

	if (k >= sizeof(e->seg_p50) / sizeof(e->seg_p50[0]))
		return;
	if (copy) {
		memcpy(copy, v, n * sizeof(*copy));
		hzb_summarize(copy, n, &s);
		free(copy);
	}
	e->seg_p50[k] = n ? s.p50 : NAN;
	e->seg_n[k] = n;
	e->seg_on[k] = on;
}

/*
 * Spread of one condition's segment medians, in % of its pooled median;
 * NAN (not measured) with fewer than two segments of that condition.
 */
static double spread(const struct hzb_bpf_effect *e, int on, double pooled)
{
	double lo = INFINITY, hi = -INFINITY;
	unsigned int k, n = 0;

	for (k = 0; k < e->segments && k < HZB_EFFECT_SEGS; k++) {
		if (e->seg_on[k] != on || !e->seg_n[k])
			continue;
		lo = fmin(lo, e->seg_p50[k]);
		hi = fmax(hi, e->seg_p50[k]);
		n++;
	}
	return pooled > 0 && n >= 2 ? (hi - lo) / pooled * 100 : NAN;
}

void hzb_bpf_effect_seg(struct hzb_bpf_effect *e, int on, const uint64_t *samples, size_t n,
			double seconds)
{
	seg_median(e, e->segments, on, samples, n);
	e->segments++;
	e->seconds += seconds;
}

void hzb_bpf_effect_done(struct hzb_bpf_effect *e, const struct hzb_summary *on,
			 const struct hzb_summary *off)
{
	e->on = *on;
	e->off = *off;
	e->noise_pct = fmax(spread(e, 1, e->on.p50), spread(e, 0, e->off.p50));
	if (e->off.n && e->on.n && e->off.p50 > 0) {
		e->effect_pct = (e->on.p50 - e->off.p50) / e->off.p50 * 100;
		e->done = 1;
	} else {
		snprintf(e->error, sizeof(e->error), "no synchronize samples (%" PRIu64
			 " with, %" PRIu64 " without)", (uint64_t)on->n, (uint64_t)off->n);
	}
}

void hzb_bpf_effect_json(struct hzb_json *j, const struct hzb_bpf_effect *e)
{
	unsigned int k;

	hzb_json_obj_begin(j, "probe_effect");
	hzb_json_bool(j, "measured", e->done);
	if (!e->done) {
		hzb_json_str(j, "why", e->error[0] ? e->error : "not asked for");
		hzb_json_obj_end(j);
		return;
	}
	hzb_json_str(j, "method", "the probe-free repetitions (without) against the BPF "
		     "segments (with: every probe attached) of the same run, interleaved in "
		     "ABBA order; module-timed synchronize latency");
	hzb_json_dbl(j, "seconds", e->seconds);
	hzb_json_u64(j, "segments", e->segments);
	hzb_json_obj_begin(j, "with_bpf");
	hzb_json_u64(j, "count", e->on.n);
	hzb_json_dbl(j, "p50_ns", e->on.p50);
	hzb_json_dbl(j, "avg_ns", e->on.avg);
	hzb_json_obj_end(j);
	hzb_json_obj_begin(j, "without_bpf");
	hzb_json_u64(j, "count", e->off.n);
	hzb_json_dbl(j, "p50_ns", e->off.p50);
	hzb_json_dbl(j, "avg_ns", e->off.avg);
	hzb_json_obj_end(j);
	hzb_json_dbl(j, "effect_pct", e->effect_pct);
	hzb_json_dbl(j, "effect_ns", e->on.p50 - e->off.p50);
	hzb_json_dbl(j, "noise_pct", e->noise_pct);
	hzb_json_arr_begin(j, "per_segment");
	for (k = 0; k < e->segments && k < HZB_EFFECT_SEGS; k++) {
		hzb_json_obj_begin(j, NULL);
		hzb_json_bool(j, "bpf", e->seg_on[k]);
		hzb_json_u64(j, "count", e->seg_n[k]);
		hzb_json_dbl(j, "p50_ns", e->seg_p50[k]);
		hzb_json_obj_end(j);
	}
	hzb_json_arr_end(j);
	hzb_json_dbl(j, "target_pct", 5);
	hzb_json_bool(j, "within_target", fabs(e->effect_pct) <= 5);
	if (e->error[0])
		hzb_json_str(j, "error", e->error);
	hzb_json_obj_end(j);
}

void hzb_bpf_effect_text(FILE *f, const char *pfx, const struct hzb_bpf_effect *e)
{
	char noise[64] = "not measured: one segment per condition";

	if (isfinite(e->noise_pct))
		snprintf(noise, sizeof(noise), "%.1f%%", e->noise_pct);
	if (e->done)
		fprintf(f, "%sBPF probe effect: synchronize p50 %.3f us with, %.3f us without "
			"(%+.1f%%, %+.3f us, target 5%%; segment-to-segment noise %s), "
			"%u segments\n", pfx, e->on.p50 / 1e3, e->off.p50 / 1e3, e->effect_pct,
			(e->on.p50 - e->off.p50) / 1e3, noise, e->segments);
	else if (e->error[0])
		fprintf(f, "%sBPF probe effect: not measured: %s\n", pfx, e->error);
}
