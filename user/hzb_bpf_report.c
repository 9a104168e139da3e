// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF figures of a run as JSON and text, the cross-checks against the
 * module's own counters and clock: the synchronize probe's here, each
 * registry probe's through its ops (hzb_probe.h).
 * Every figure says which mechanism produced it and what that mechanism
 * cannot see; a probe that failed to attach has an error and no figures.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hzb_bpf.h"
#include "hzb_bpf_report.h"
#include "hzb_bpf_util.h"
#include "hzb_json.h"
#include "hzb_median.h"
#include "hzb_opts.h"
#include "hzb_probe.h"
#include "hzb_run.h"
#include "scan_latency.h"

static const char *state_name(enum hzb_probe_state s)
{
	return s == HZB_PROBE_OK ? "attached" : s == HZB_PROBE_FAILED ? "failed" :
	       s == HZB_PROBE_UNAVAILABLE ? "unavailable" : "not applicable";
}

/* ---- what each mechanism cannot see --------------------------------- */

static const char *sync_blind(const char *mech)
{
	if (mech && !strcmp(mech, "kprobe"))
		return "calls beyond the kretprobe's maxactive in flight lose their return "
		       "(lost_exits); runs skipped while the program was preempted on that CPU "
		       "are counted (enter_misses), not timed; the probe's own cost is inside "
		       "each sample";
	return "calls entered while the fentry program was preempted on the same CPU "
	       "(preempt=full) are counted (enter_misses) but not timed; the trampoline's "
	       "own cost is inside each sample";
}

/* ---- report lines the probes share --------------------------------- */

void hzb_probe_json_hist(struct hzb_json *j, const char *key, const struct hzb_hist *h,
			 int buckets)
{
	hzb_json_obj_begin(j, key);
	hzb_json_u64(j, "count", h->count);
	hzb_json_u64(j, "total", h->total);
	hzb_json_hist(j, h, "", buckets);
	hzb_json_obj_end(j);
}

void hzb_probe_text_hist(FILE *f, const char *pfx, const char *what, const struct hzb_hist *h,
			 double unit, const char *uname)
{
	if (!h->count) {
		fprintf(f, "%s%s: none\n", pfx, what);
		return;
	}
	fprintf(f, "%s%s: %llu samples, avg %.3f p50 %.3f p99 %.3f max %.3f %s\n", pfx, what,
		h->count, (double)h->total / (double)h->count / unit,
		hzb_hist_percentile(h, 50) / unit, hzb_hist_percentile(h, 99) / unit,
		(double)h->max / unit, uname);
}

static void json_probe_head(struct hzb_json *j, const struct hzb_probe_info *pi)
{
	hzb_json_obj_begin(j, pi->name);
	hzb_json_str(j, "state", state_name(pi->state));
	if (pi->state == HZB_PROBE_FAILED)
		hzb_json_str(j, "error", pi->error);
	else if ((pi->state == HZB_PROBE_NA || pi->state == HZB_PROBE_UNAVAILABLE) &&
		 pi->error[0])
		hzb_json_str(j, "why", pi->error);
	if (pi->mech[0])
		hzb_json_str(j, "mechanism", pi->mech);
	if (pi->fallback[0])
		hzb_json_str(j, "fallback_reason", pi->fallback);
	if (pi->missing[0])
		hzb_json_str(j, "missing_hooks", pi->missing);
	if (pi->state == HZB_PROBE_OK || pi->state == HZB_PROBE_FAILED)
		hzb_json_str(j, "cannot_see", pi->blind ? pi->blind : "");
}

static void text_head(FILE *f, const char *pfx, const struct hzb_probe_info *pi)
{
	if (pi->state == HZB_PROBE_FAILED)
		fprintf(f, "%sBPF %s: ERROR: %s\n", pfx, pi->name, pi->error);
	else if (pi->state == HZB_PROBE_OK)
		fprintf(f, "%sBPF %s (%s)\n", pfx, pi->name, pi->mech);
	else if (pi->state == HZB_PROBE_UNAVAILABLE)
		fprintf(f, "%sBPF %s: unavailable: %s\n", pfx, pi->name, pi->error);
	if (pi->missing[0] && pi->state == HZB_PROBE_OK)
		fprintf(f, "%sBPF %s: not measurable, the module has no %s\n", pfx, pi->name,
			pi->missing);
}

/* Probe i's figures: NULL unless it is attached and was read. */
static const void *probe_rep(const struct hzb_bpf_report *r, size_t i)
{
	return r->read && r->info[i].state == HZB_PROBE_OK ? r->data[i] : NULL;
}

/* ---- cross-checks --------------------------------------------------- */

/*
 * BRACKET: lo * (1 - pct) <= bpf <= module * (1 + pct); the synchronize
 * median, whose BPF window lies inside the module's (the probe's own cost
 * is partly in both, partly only in the module's), and encloses the
 * function itself, which is what the probe-free repetitions time.  lo is
 * the lower of the module's medians without and with the probes: with few
 * calls (synchronizes of 100s of ms) the two differ by noise alone.
 */
struct hzb_check *hzb_check_add(struct hzb_checks *cs, const char *name, const char *mech,
				double bpf, double module, enum hzb_rule rule, double pct,
				const char *note)
{
	static struct hzb_check spill;
	struct hzb_check *c;

	if (cs->n >= HZB_MAX_CHECKS)
		return &spill;
	c = &cs->c[cs->n++];
	*c = (struct hzb_check){ .name = name, .mech = mech, .bpf = bpf, .module = module,
				 .rule = rule, .pct = pct, .lo_pct = pct, .note = note };
	switch (rule) {
	case HZB_EXACT:
		c->ok = bpf == module;
		break;
	case HZB_WITHIN_PCT:
		c->ok = module > 0 && fabs(bpf - module) <= module * pct / 100;
		break;
	case HZB_AT_MOST:
		c->ok = bpf <= module;
		break;
	case HZB_AT_LEAST:
		c->ok = bpf >= module * (1 - pct / 100);
		break;
	case HZB_BRACKET:
		c->ok = bpf <= module * (1 + pct / 100);
		break;
	}
	return c;
}

/*
 * The lower bound is the median of other calls (the probe-free
 * repetitions): besides the 10%, a drift between segments (a busy host)
 * moves it, so its tolerance is the run's measured segment-to-segment
 * noise when that is larger (at 100% the run cannot bound it at all).
 */
static void check_bracket(struct hzb_check *c, double lo, double noise_pct)
{
	c->lo = lo;
	c->lo_pct = isfinite(noise_pct) ? fmin(100, fmax(c->pct, noise_pct)) : c->pct;
	c->ok = c->ok && c->bpf >= lo * (1 - c->lo_pct / 100);
}

/*
 * A synchronize median outside its bracket that the run's data explain
 * (hzb_median.h: a sparse, bimodal median, compared by rank) is reported
 * as explained, with the figures, and does not fail.  The probe-free
 * median is another set of calls: its distance from the probed one is the
 * probe effect, which the run measures and reports (probe_effect).
 */
static void median_explained(struct hzb_check *c, const struct hzb_lat_stats *b,
			     const struct hzb_summary *off)
{
	double between, limit;

	if (c->ok || !hzb_median_by_rank(b, c->module, &between, &limit))
		return;
	snprintf(c->why, sizeof(c->why),
		 "%.1f%% of the timed calls lie between BPF's and the module's medians "
		 "(at most %.1f%%): a sparse, bimodal median%s", between * 100, limit * 100,
		 off && off->n && fabs(off->p50 - c->module) > c->module * c->pct / 100 ?
		 "; the probe-free median differs by the probe effect" : "");
	c->ok = 1;
}

static void sync_checks(struct hzb_checks *cs, const struct hzb_bpf_in *in)
{
	const uint64_t *cnt = in->cnt;

	if (in->sync_attached) {
		const struct hzb_lat_stats *b = in->sync;

		/*
		 * With --batch, a design's batch synchronize scans once for
		 * many objects and only a batch of one goes through the
		 * function the probe times: BPF sees a subset of the calls.
		 */
		if (hzb_opt.batch > 1)
			hzb_check_add(cs, "synchronize calls", "scan_latency",
				      (double)(b->entries + b->enter_misses),
				      (double)cnt[HZB_CNT_SYNCS], HZB_AT_MOST, 0,
				      "--batch: batch synchronize calls of more than one object "
				      "are not the probed function; entries + skipped runs <= SYNCS");
		else
			hzb_check_add(cs, "synchronize calls", "scan_latency",
				      (double)(b->entries + b->enter_misses),
				      (double)cnt[HZB_CNT_SYNCS], HZB_EXACT, 0,
				      "entries + runs the kernel skipped vs the module's SYNCS");
		/*
		 * The BPF window sits inside the module's, around the function:
		 * its median lies between the module's without the probes and
		 * the module's with them; the gap is the probe's own cost.
		 */
		/*
		 * A use case's module timing is its whole delete path, not
		 * synchronize; with --batch the module times batch calls and
		 * BPF only the batches of one (above): other calls, no median
		 * to compare.
		 */
		if (b->h.count && in->module_sync->n && !hzb_opt.usecase && hzb_opt.batch <= 1) {
			struct hzb_check *c;

			c = hzb_check_add(cs, "synchronize median", "scan_latency",
					  hzb_hist_percentile(&b->h, 50), in->module_sync->p50,
					  HZB_BRACKET, 10, in->module_sync_off ?
					  "BPF histogram p50 between the module's ktime p50 "
					  "without probes (lo) and with them (module), ns; "
					  "the difference is the probe effect; outside, by rank "
					  "(explained)" :
					  "BPF histogram p50 at most the module's ktime p50 "
					  "with the probes attached, ns; outside, by rank (explained)");
			check_bracket(c, in->module_sync_off && in->module_sync_off->n ?
				      fmin(in->module_sync_off->p50, in->module_sync->p50) : 0,
				      in->rep && in->rep->effect.done ?
				      in->rep->effect.noise_pct : NAN);
			median_explained(c, b, in->module_sync_off);
		}
	}
}

static void build_checks(struct hzb_checks *cs, const struct hzb_bpf_in *in)
{
	const struct hzb_bpf_report *r = in->rep;
	size_t i;

	cs->n = 0;
	sync_checks(cs, in);
	for (i = 0; r && i < hzb_bpf_nr_probes(); i++)
		if (r->info[i].state == HZB_PROBE_OK)
			hzb_bpf_probe_ops(i)->checks(cs, r->data[i], in->cnt);
}

static const char *rule_name(enum hzb_rule r)
{
	return r == HZB_EXACT ? "equal" : r == HZB_WITHIN_PCT ? "within" :
	       r == HZB_AT_MOST ? "at_most" : r == HZB_BRACKET ? "between" : "at_least";
}

/* ---- JSON ----------------------------------------------------------- */

static void json_probes(struct hzb_json *j, const struct hzb_bpf_in *in)
{
	const struct hzb_bpf_report *r = in->rep;
	size_t i;

	hzb_json_obj_begin(j, "probes");
	hzb_json_obj_begin(j, "sync");
	hzb_json_str(j, "state", in->sync_attached ? "attached" : in->bpf_enabled ? "failed" :
		     "not applicable");
	if (in->sync_attached) {
		hzb_json_str(j, "mechanism", in->sync->mech);
		hzb_json_str(j, "cannot_see", sync_blind(in->sync->mech));
	}
	hzb_json_obj_end(j);
	for (i = 0; r && i < hzb_bpf_nr_probes(); i++) {
		json_probe_head(j, &r->info[i]);
		if (probe_rep(r, i))
			hzb_bpf_probe_ops(i)->json(j, probe_rep(r, i), r->seconds);
		hzb_json_obj_end(j);
	}
	hzb_json_obj_end(j);
}

static void json_check(struct hzb_json *j, const struct hzb_check *c)
{
	hzb_json_obj_begin(j, NULL);
	hzb_json_str(j, "name", c->name);
	hzb_json_str(j, "mechanism", c->mech);
	hzb_json_dbl(j, "bpf", c->bpf);
	hzb_json_dbl(j, "module", c->module);
	hzb_json_str(j, "rule", rule_name(c->rule));
	if (c->rule == HZB_WITHIN_PCT || c->rule == HZB_AT_LEAST || c->rule == HZB_BRACKET)
		hzb_json_dbl(j, "tolerance_pct", c->pct);
	if (c->rule == HZB_BRACKET) {
		hzb_json_dbl(j, "lower_bound", c->lo);
		hzb_json_dbl(j, "lower_tolerance_pct", c->lo_pct);
	}
	if (c->note)
		hzb_json_str(j, "note", c->note);
	if (c->why[0])
		hzb_json_str(j, "explained", c->why);
	hzb_json_bool(j, "ok", c->ok);
	hzb_json_obj_end(j);
}

void hzb_bpf_json(struct hzb_json *j, const struct hzb_bpf_in *in)
{
	struct hzb_checks cs;
	int i, all = 1;

	hzb_json_str(j, "probes_selected", hzb_opt.bpf_probes);
	json_probes(j, in);
	build_checks(&cs, in);
	hzb_json_arr_begin(j, "checks");
	for (i = 0; i < cs.n; i++) {
		json_check(j, &cs.c[i]);
		all &= cs.c[i].ok;
	}
	hzb_json_arr_end(j);
	hzb_json_bool(j, "checks_ok", all);
	if (in->rep)
		hzb_bpf_effect_json(j, &in->rep->effect);
}

/* ---- text ----------------------------------------------------------- */

static void text_check(FILE *f, const char *pfx, const struct hzb_check *c,
		       const struct hzb_bpf_in *in)
{
	const char *ok = c->why[0] ? "ok (explained)" : c->ok ? "ok" : "FAIL";

	if (c->rule == HZB_BRACKET && c->lo > 0) {
		double off = in->module_sync_off ? in->module_sync_off->p50 : c->lo;

		fprintf(f, "%sBPF check %-28s %s: bpf %.0f, module %.0f without probes, "
			"%.0f with (between, -%.0f%% +%.0f%%)%s%s\n", pfx, c->name, ok, c->bpf,
			off, c->module, c->lo_pct, c->pct, c->why[0] ? ": " : "",
			c->why[0] ? c->why : c->ok && fabs(c->bpf - off) > off * c->pct / 100 ?
			": the probe effect explains the difference" : "");
		return;
	}
	fprintf(f, "%sBPF check %-28s %s: bpf %.0f module %.0f (%s%s)%s%s\n", pfx, c->name, ok,
		c->bpf, c->module, rule_name(c->rule),
		c->rule == HZB_WITHIN_PCT || c->rule == HZB_BRACKET ? " 10%" : "",
		c->why[0] ? ": " : "", c->why);
}

void hzb_bpf_text(FILE *f, const struct hzb_bpf_in *in)
{
	const struct hzb_bpf_report *r = in->rep;
	const char *pfx = in->prefix ? in->prefix : "";
	struct hzb_checks cs;
	size_t i;
	int k;

	for (i = 0; r && r->read && i < hzb_bpf_nr_probes(); i++) {
		text_head(f, pfx, &r->info[i]);
		if (probe_rep(r, i))
			hzb_bpf_probe_ops(i)->text(f, pfx, probe_rep(r, i), r->seconds);
	}
	build_checks(&cs, in);
	for (k = 0; k < cs.n; k++)
		text_check(f, pfx, &cs.c[k], in);
	if (r)
		hzb_bpf_effect_text(f, pfx, &r->effect);
}

int hzb_bpf_checks_ok(const struct hzb_bpf_in *in)
{
	struct hzb_checks cs;
	int i;

	build_checks(&cs, in);
	for (i = 0; i < cs.n; i++)
		if (!cs.c[i].ok)
			return 0;
	return 1;
}

/* ---- a point of hzb_run.h ------------------------------------------- */

static void point_in(const struct hzb_point *p, struct hzb_bpf_in *in, struct hzb_bpf_report *r,
		     const char *prefix)
{
	memset(in, 0, sizeof(*in));
	in->cnt = p->seg_cnt;
	in->module_sync = &p->seg_sync;
	in->module_sync_off = p->probes_on_headline ? NULL : &p->sync;
	in->sync = &p->bpf;
	in->sync_attached = p->bpf_attached;
	in->bpf_enabled = hzb_opt.bpf;
	in->prefix = prefix;
	if (!p->bpfx)
		return;
	*r = *p->bpfx;
	if (!r->effect.done && !r->effect.error[0])
		snprintf(r->effect.error, sizeof(r->effect.error), "%s",
			 p->probes_on_headline ? "--bpf-mode=always: no probe-free segments" :
			 !p->bpf_attached ? "the synchronize probe is not attached" :
			 "not run");
	in->rep = r;
}

void hzb_bpf_point_json(struct hzb_json *j, const struct hzb_point *p)
{
	struct hzb_bpf_report *r = malloc(sizeof(*r));
	struct hzb_bpf_in in;

	if (!r)
		return;
	point_in(p, &in, r, NULL);
	if (hzb_opt.bpf)
		hzb_bpf_json(j, &in);
	free(r);
}

void hzb_bpf_point_text(FILE *f, const struct hzb_point *p)
{
	struct hzb_bpf_report *r = malloc(sizeof(*r));
	char prefix[64];
	struct hzb_bpf_in in;

	if (!r)
		return;
	snprintf(prefix, sizeof(prefix), "%s-hzbench: ", p->design->name);
	point_in(p, &in, r, prefix);
	if (hzb_opt.bpf)
		hzb_bpf_text(f, &in);
	free(r);
}
