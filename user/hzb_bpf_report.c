// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF figures of a run as JSON and text, the cross-checks against the
 * module's own counters and clock, and the probe-effect measurement.
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

static const char *phase_blind(enum hzb_hold_mode mode)
{
	if (mode == HZB_HOLD_PERTASK)
		return "the task-walk phase is the module's own clock (pertask_hazptr_scan's ns) "
		       "minus the BPF-timed waits; the fallback list's waits stay in the walk; "
		       "lengths are each holder's own overflow list when it is checked";
	return "time between the phase functions (the CPU loop, skip tests) is in neither "
	       "phase; waits for held per-CPU slots are inside the per-CPU-slot phase; a "
	       "list's length is read as its walk starts (entries chained during the walk "
	       "are not counted)";
}

static const char *lock_blind(void)
{
	return "wrapper: every acquisition through it, its time includes the trylock and the "
	       "probe's own cost, acquisitions that bypass it are invisible; "
	       "lock:contention_begin/end: only waits that reach the qspinlock MCS queue (a "
	       "single waiter spinning on the pending bit is invisible), and nothing at all "
	       "when the CPUID hypervisor bit is set (virt_spin_lock spins untraced)";
}

static const char *hold_blind(enum hzb_hold_mode mode)
{
	switch (mode) {
	case HZB_HOLD_PERCPU:
		return "holding = contexts on per-CPU slots on the task's list (migrate=on) or "
		       "backups the task chained; with migrate=off a per-CPU slot belongs to no "
		       "task and a thread holding only such slots is not seen as holding; "
		       "backups chained before the probes attached are not timed";
	case HZB_HOLD_PERTASK:
		return "holding = the task's block has a non-zero active word; a task without a "
		       "block (fallback list) is not seen; overflow entries chained before the "
		       "probes attached are not timed";
	case HZB_HOLD_RCU:
		return "holding = rcu_read_lock_nesting above the one the BPF program's own "
		       "rcu_read_lock() adds (PREEMPT_RCU; other tasks' switches validate that "
		       "base); no overflow, no migration in this design";
	default:
		return "no per-task state to read: context switches are counted, holding is "
		       "not observable";
	}
}

/* ---- JSON helpers --------------------------------------------------- */

static void json_hist(struct hzb_json *j, const char *key, const struct hzb_hist *h,
		      int buckets)
{
	hzb_json_obj_begin(j, key);
	hzb_json_u64(j, "count", h->count);
	hzb_json_u64(j, "total", h->total);
	hzb_json_hist(j, h, "", buckets);
	hzb_json_obj_end(j);
}

static void json_probe_head(struct hzb_json *j, const struct hzb_probe_info *pi,
			    const char *blind)
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
		hzb_json_str(j, "cannot_see", blind);
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
enum rule { EXACT, WITHIN_PCT, AT_MOST, AT_LEAST, BRACKET };

struct check {
	const char *name;
	const char *mech;
	double bpf, module, lo;
	enum rule rule;
	double pct;
	const char *note;
	int ok;
	char why[200];		/* set: outside the rule, and what explains it */
};

#define MAX_CHECKS	24

struct checks {
	struct check c[MAX_CHECKS];
	int n;
};

static struct check *add_check(struct checks *cs, const char *name, const char *mech,
			       double bpf, double module, enum rule rule, double pct,
			       const char *note)
{
	static struct check spill;
	struct check *c;

	if (cs->n >= MAX_CHECKS)
		return &spill;
	c = &cs->c[cs->n++];
	*c = (struct check){ name, mech, bpf, module, 0, rule, pct, note, 0, "" };
	switch (rule) {
	case EXACT:
		c->ok = bpf == module;
		break;
	case WITHIN_PCT:
		c->ok = module > 0 && fabs(bpf - module) <= module * pct / 100;
		break;
	case AT_MOST:
		c->ok = bpf <= module;
		break;
	case AT_LEAST:
		c->ok = bpf >= module * (1 - pct / 100);
		break;
	case BRACKET:
		c->ok = bpf <= module * (1 + pct / 100);
		break;
	}
	return c;
}

static void check_bracket(struct check *c, double lo)
{
	c->lo = lo;
	c->ok = c->ok && c->bpf >= lo * (1 - c->pct / 100);
}

/*
 * A synchronize median outside its bracket that the run's data explain
 * (hzb_median.h: a sparse, bimodal median, compared by rank) is reported
 * as explained, with the figures, and does not fail.  The probe-free
 * median is another set of calls: its distance from the probed one is the
 * probe effect, which the run measures and reports (probe_effect).
 */
static void median_explained(struct check *c, const struct hzb_lat_stats *b,
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

static void build_checks(struct checks *cs, const struct hzb_bpf_in *in)
{
	const struct hzb_bpf_report *r = in->rep;
	const uint64_t *cnt = in->cnt;

	cs->n = 0;
	if (in->sync_attached) {
		const struct hzb_lat_stats *b = in->sync;

		/*
		 * With --batch, a design's batch synchronize scans once for
		 * many objects and only a batch of one goes through the
		 * function the probe times: BPF sees a subset of the calls.
		 */
		if (hzb_opt.batch > 1)
			add_check(cs, "synchronize calls", "scan_latency",
				  (double)(b->entries + b->enter_misses),
				  (double)cnt[HZB_CNT_SYNCS], AT_MOST, 0,
				  "--batch: batch synchronize calls of more than one object are "
				  "not the probed function; entries + skipped runs <= SYNCS");
		else
			add_check(cs, "synchronize calls", "scan_latency",
				  (double)(b->entries + b->enter_misses),
				  (double)cnt[HZB_CNT_SYNCS], EXACT, 0,
				  "entries + runs the kernel skipped vs the module's SYNCS");
		/*
		 * The BPF window sits inside the module's, around the function:
		 * its median lies between the module's without the probes and
		 * the module's with them; the gap is the probe's own cost.
		 */
		/* A use case's module timing is its whole delete path, not synchronize. */
		if (b->h.count && in->module_sync->n && !hzb_opt.usecase) {
			struct check *c;

			c = add_check(cs, "synchronize median", "scan_latency",
				      hzb_hist_percentile(&b->h, 50), in->module_sync->p50,
				      BRACKET, 10, in->module_sync_off ?
				      "BPF histogram p50 between the module's ktime p50 "
				      "without probes (lo) and with them (module), ns; "
				      "the difference is the probe effect; outside, by rank "
				      "(explained)" :
				      "BPF histogram p50 at most the module's ktime p50 "
				      "with the probes attached, ns; outside, by rank (explained)");
			check_bracket(c, in->module_sync_off && in->module_sync_off->n ?
				      fmin(in->module_sync_off->p50, in->module_sync->p50) : 0);
			median_explained(c, b, in->module_sync_off);
		}
	}
	if (!r)
		return;
	if (r->phase_i.state == HZB_PROBE_OK) {
		const struct hzb_phase_stats *s = &r->phase.st;

		if (r->hold.mode == HZB_HOLD_PERCPU) {
			add_check(cs, "scans (synchronize_done)", "scan_phase", (double)s->dones,
				  (double)cnt[HZB_CNT_SYNCS], EXACT, 0,
				  "one done tracepoint per synchronize");
			add_check(cs, "CPUs skipped", "scan_phase", (double)s->cpus_skipped,
				  (double)cnt[HZB_CNT_CPUS_SKIPPED], EXACT, 0, NULL);
		} else {
			add_check(cs, "tasks scanned", "scan_phase", (double)s->scanned,
				  (double)cnt[HZB_CNT_TASKS_SCANNED], EXACT, 0, NULL);
			add_check(cs, "tasks skipped", "scan_phase", (double)s->skipped,
				  (double)cnt[HZB_CNT_TASKS_SKIPPED], EXACT, 0, NULL);
		}
		add_check(cs, "scan restarts", "scan_phase", (double)s->restarts,
			  (double)cnt[HZB_CNT_SCAN_RESTARTS], EXACT, 0, NULL);
		add_check(cs, "waits on held slots", "scan_phase", (double)s->waits,
			  (double)cnt[HZB_CNT_SYNC_WAITS], EXACT, 0, NULL);
	}
	if (r->lock_i.state == HZB_PROBE_OK) {
		const struct hzb_bpf_lock_rep *l = &r->lock;

		add_check(cs, "overflow-lock acquisitions", "lock_contention wrapper",
			  (double)(l->st.wrap_entries + l->wrap_misses),
			  (double)cnt[HZB_CNT_LOCK_ACQUIRES], EXACT, 0,
			  "wrapper entries + runs skipped vs LOCK_ACQUIRES");
		if (l->have_contended) {
			add_check(cs, "contended acquisitions", "lock_contention contended path",
				  (double)(l->st.cont_entries + l->cont_misses),
				  (double)cnt[HZB_CNT_LOCK_CONTENDED], EXACT, 0, NULL);
			if (cnt[HZB_CNT_LOCK_WAIT_NS])
				add_check(cs, "contended wait ns", "lock_contention contended path",
					  (double)l->h[HZB_LOCK_H_CONTENDED].total,
					  (double)cnt[HZB_CNT_LOCK_WAIT_NS], AT_LEAST, 10,
					  "BPF's window encloses the module's ktime window");
		}
		else if (cnt[HZB_CNT_LOCK_WAIT_NS])
			add_check(cs, "wrapper ns >= module wait ns", "lock_contention wrapper",
				  (double)l->h[HZB_LOCK_H_WRAPPER].total,
				  (double)cnt[HZB_CNT_LOCK_WAIT_NS], AT_LEAST, 10,
				  "the wrapper's time holds every contended wait (calls the kernel "
				  "skipped aside)");
		if (l->tp_attached && l->hypervisor == 0) {
			add_check(cs, "queued waits <= contended", "lock:contention_begin",
				  (double)l->st.tp_begin, (double)cnt[HZB_CNT_LOCK_CONTENDED],
				  AT_MOST, 0, "the tracepoint sees only waits that reach the queue");
			add_check(cs, "queued wait ns <= module wait ns", "lock:contention_*",
				  (double)l->h[HZB_LOCK_H_TP].total,
				  (double)cnt[HZB_CNT_LOCK_WAIT_NS], AT_MOST, 0,
				  "the queued wait lies inside the module's contended window");
		}
		else if (l->tp_attached)
			add_check(cs, "no queued-wait events (hypervisor bit)",
				  "lock:contention_begin", (double)l->st.tp_begin, 0, EXACT, 0,
				  "virt_spin_lock: the tracepoints cannot fire");
	}
	if (r->hold_i.state == HZB_PROBE_OK && r->hold.mode == HZB_HOLD_PERCPU) {
		const struct hzb_hold_stats *s = &r->hold.st;

		add_check(cs, "overflows", "percpu_hazptr_overflow", (double)s->overflows,
			  (double)cnt[HZB_CNT_OVERFLOWS], EXACT, 0, NULL);
		add_check(cs, "migrations", "percpu_hazptr_migrate", (double)s->migrations,
			  (double)cnt[HZB_CNT_MIGRATIONS], EXACT, 0, NULL);
		add_check(cs, "overflow releases", "percpu_hazptr_unchain", (double)s->unchains,
			  (double)cnt[HZB_CNT_OVERFLOW_RELEASES], EXACT, 0, NULL);
	} else if (r->hold_i.state == HZB_PROBE_OK && r->hold.mode == HZB_HOLD_PERTASK) {
		const struct hzb_hold_stats *s = &r->hold.st;

		add_check(cs, "overflows", "pertask_hazptr_overflow", (double)s->overflows,
			  (double)cnt[HZB_CNT_OVERFLOWS], EXACT, 0,
			  "the fallback list (tasks without a block) has no tracepoint");
		add_check(cs, "overflow releases (timed)", "pertask_hazptr_release_slow",
			  (double)s->unchains, (double)cnt[HZB_CNT_OVERFLOW_RELEASES], AT_MOST, 0,
			  "only entries chained after attach are matched");
	}
}

static const char *rule_name(enum rule r)
{
	return r == EXACT ? "equal" : r == WITHIN_PCT ? "within" : r == AT_MOST ? "at_most" :
	       r == BRACKET ? "between" : "at_least";
}

/* ---- JSON ----------------------------------------------------------- */

static void json_phase(struct hzb_json *j, const struct hzb_bpf_report *r)
{
	const struct hzb_bpf_phase_rep *p = &r->phase;
	double sum = 0;
	int i;

	json_probe_head(j, &r->phase_i, phase_blind(r->hold.mode));
	if (r->phase_i.state == HZB_PROBE_OK && r->read) {
		for (i = 0; i < HZB_NR_PHASES; i++)
			sum += (double)p->h[HZB_PHASE_H_P0 + i].total;
		hzb_json_u64(j, "scans", p->st.dones);
		hzb_json_arr_begin(j, "phases");
		for (i = 0; i < HZB_NR_PHASES; i++) {
			hzb_json_obj_begin(j, NULL);
			hzb_json_str(j, "name", p->name[i]);
			if (p->func[i])
				hzb_json_str(j, "function", p->func[i]);
			else
				hzb_json_str(j, "function", p->have[i] ? "(derived)" : "(none)");
			hzb_json_bool(j, "measured", p->have[i]);
			if (p->have[i]) {
				json_hist(j, "per_scan_ns", &p->h[HZB_PHASE_H_P0 + i], 1);
				if (p->func[i]) {
					json_hist(j, "per_call_ns", &p->h[HZB_PHASE_H_P0_CALL + i], 0);
					hzb_json_u64(j, "calls", p->st.calls[i]);
					hzb_json_u64(j, "entry_misses", p->misses[i]);
				}
				hzb_json_dbl(j, "share_pct", sum > 0 ?
					     100.0 * (double)p->h[HZB_PHASE_H_P0 + i].total / sum :
					     NAN);
			}
			hzb_json_obj_end(j);
		}
		hzb_json_arr_end(j);
		hzb_json_u64(j, "restarts", p->st.restarts);
		json_hist(j, "restarts_per_scan", &p->h[HZB_PHASE_H_RESTARTS], 0);
		hzb_json_u64(j, "waits", p->st.waits);
		json_hist(j, "waits_per_scan", &p->h[HZB_PHASE_H_WAITS], 0);
		if (p->have_len)
			json_hist(j, "longest_overflow_list_walked", &p->h[HZB_PHASE_H_MAXLEN], 0);
		if (r->hold.mode == HZB_HOLD_PERTASK) {
			hzb_json_u64(j, "tasks_scanned", p->st.scanned);
			hzb_json_u64(j, "tasks_skipped", p->st.skipped);
			hzb_json_u64(j, "pointers_scanned_for", p->st.nptrs);
		} else {
			hzb_json_u64(j, "cpus_skipped", p->st.cpus_skipped);
		}
		hzb_json_u64(j, "scans_without_phase_calls", p->st.no_phase);
	}
	hzb_json_obj_end(j);
}

static void json_lock(struct hzb_json *j, const struct hzb_bpf_report *r)
{
	const struct hzb_bpf_lock_rep *l = &r->lock;

	json_probe_head(j, &r->lock_i, lock_blind());
	if (r->lock_i.state == HZB_PROBE_OK && r->read) {
		hzb_json_str(j, "wrapper", l->wrapper);
		hzb_json_u64(j, "acquisitions", l->st.wrap_entries + l->wrap_misses);
		hzb_json_u64(j, "entry_misses", l->wrap_misses);
		json_hist(j, "wrapper_ns", &l->h[HZB_LOCK_H_WRAPPER], 1);
		hzb_json_obj_begin(j, "contended");
		hzb_json_bool(j, "measured", l->have_contended);
		if (l->have_contended) {
			hzb_json_str(j, "function", l->contended);
			hzb_json_u64(j, "count", l->st.cont_entries + l->cont_misses);
			json_hist(j, "wait_ns", &l->h[HZB_LOCK_H_CONTENDED], 1);
		} else {
			hzb_json_str(j, "why", "the module has no out-of-line contended path to "
				     "trace: the wrapper's time is the only BPF wait figure");
		}
		hzb_json_obj_end(j);
		hzb_json_obj_begin(j, "tracepoint");
		hzb_json_bool(j, "attached", l->tp_attached);
		hzb_json_i64(j, "cpuid_hypervisor_bit", l->hypervisor);
		hzb_json_bool(j, "can_fire", l->tp_attached && l->hypervisor == 0);
		hzb_json_u64(j, "locks_seeded", l->nr_seeded);
		hzb_json_u64(j, "locks_learned", l->st.learned);
		hzb_json_u64(j, "begins_any_lock", l->st.tp_begin_any);
		hzb_json_u64(j, "begins", l->st.tp_begin);
		hzb_json_u64(j, "begins_in_wrapper", l->st.tp_in_wrapper);
		hzb_json_u64(j, "nested", l->st.tp_nested);
		hzb_json_u64(j, "unmatched", l->st.tp_unmatched);
		json_hist(j, "wait_ns", &l->h[HZB_LOCK_H_TP], 1);
		hzb_json_obj_end(j);
	}
	hzb_json_obj_end(j);
}

static void json_hold(struct hzb_json *j, const struct hzb_bpf_report *r)
{
	const struct hzb_bpf_hold_rep *h = &r->hold;
	const struct hzb_hold_stats *s = &h->st;
	double secs = r->seconds > 0 ? r->seconds : NAN;
	uint32_t i;

	json_probe_head(j, &r->hold_i, hold_blind(h->mode));
	if (r->hold_i.state == HZB_PROBE_OK && r->read) {
		hzb_json_dbl(j, "seconds", r->seconds);
		hzb_json_obj_begin(j, "switches");
		hzb_json_u64(j, "all", s->switches);
		hzb_json_u64(j, "preempted", s->preempted);
		hzb_json_u64(j, "with_design_state", s->with_state);
		hzb_json_bool(j, "holding_observable", h->mode != HZB_HOLD_NONE);
		if (h->mode != HZB_HOLD_NONE) {
			hzb_json_u64(j, "holding", s->holding);
			hzb_json_u64(j, "holding_preempted", s->holding_preempted);
			hzb_json_u64(j, "holding_blocked", s->holding - s->holding_preempted);
			hzb_json_dbl(j, "holding_per_s", (double)s->holding / secs);
			if (h->mode == HZB_HOLD_RCU) {
				hzb_json_u64(j, "rcu_base_nesting_switches", s->rcu_base);
				hzb_json_u64(j, "rcu_below_base_switches", s->rcu_below);
			}
			if (h->mode == HZB_HOLD_PERCPU) {
				hzb_json_u64(j, "holding_percpu_slots", s->holding_pcpu);
				hzb_json_u64(j, "holding_backups_only", s->holding_backup);
			}
			json_hist(j, "off_cpu_while_holding_ns", &h->h[HZB_HOLD_H_OFF_HOLDING], 1);
		}
		hzb_json_obj_end(j);
		if (h->mode == HZB_HOLD_PERCPU || h->mode == HZB_HOLD_PERTASK) {
			hzb_json_obj_begin(j, "overflow");
			hzb_json_u64(j, "events", s->overflows);
			hzb_json_u64(j, "releases_timed", s->unchains);
			hzb_json_u64(j, "unmatched_releases", s->chain_unmatched);
			hzb_json_u64(j, "still_chained", h->chained_now);
			json_hist(j, "chained_ns", &h->h[HZB_HOLD_H_CHAINED], 1);
			if (h->mode == HZB_HOLD_PERTASK)
				json_hist(j, "depth", &h->h[HZB_HOLD_H_DEPTH], 0);
			if (h->mode == HZB_HOLD_PERCPU) {
				hzb_json_arr_begin(j, "per_cpu");
				for (i = 0; i < h->ncpus; i++) {
					hzb_json_obj_begin(j, NULL);
					hzb_json_u64(j, "cpu", i);
					hzb_json_u64(j, "overflows", h->cpu[i].overflows);
					hzb_json_u64(j, "migrations", h->cpu[i].migrations);
					hzb_json_u64(j, "releases", h->cpu[i].unchains);
					hzb_json_obj_end(j);
				}
				hzb_json_arr_end(j);
			}
			hzb_json_u64(j, "tasks", h->ntasks);
			hzb_json_arr_begin(j, "per_task_top");
			for (i = 0; i < h->ntop; i++) {
				const struct hzb_hold_task_rep *t = &h->top[i];
				char comm[17];

				memcpy(comm, t->t.comm, 16);
				comm[16] = '\0';
				hzb_json_obj_begin(j, NULL);
				hzb_json_u64(j, "pid", t->pid);
				hzb_json_str(j, "comm", comm);
				hzb_json_u64(j, "overflows", t->t.overflows);
				if (h->mode == HZB_HOLD_PERCPU)
					hzb_json_u64(j, "migrations", t->t.migrations);
				else
					hzb_json_u64(j, "max_depth", t->t.max_depth);
				hzb_json_u64(j, "switches_holding", t->t.holding_switches);
				hzb_json_obj_end(j);
			}
			hzb_json_arr_end(j);
			hzb_json_obj_end(j);
		}
		if (h->mode == HZB_HOLD_PERCPU) {
			hzb_json_obj_begin(j, "migrations");
			hzb_json_u64(j, "contexts", s->migrations);
			hzb_json_dbl(j, "per_s", (double)s->migrations / secs);
			hzb_json_bool(j, "cost_measured", h->have_migrate_cost);
			if (h->have_migrate_cost) {
				hzb_json_u64(j, "calls", s->mig_calls + h->mig_misses);
				hzb_json_u64(j, "calls_that_moved", s->mig_moved_calls);
				json_hist(j, "cost_ns", &h->h[HZB_HOLD_H_MIG_MOVED], 1);
				json_hist(j, "cost_all_calls_ns", &h->h[HZB_HOLD_H_MIG_ALL], 0);
			}
			hzb_json_obj_end(j);
		}
	}
	hzb_json_obj_end(j);
}

static void json_effect(struct hzb_json *j, const struct hzb_bpf_effect *e)
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

void hzb_bpf_json(struct hzb_json *j, const struct hzb_bpf_in *in)
{
	const struct hzb_bpf_report *r = in->rep;
	struct checks cs;
	int i, all = 1;

	hzb_json_str(j, "probes_selected", hzb_opt.bpf_probes);
	hzb_json_obj_begin(j, "probes");
	hzb_json_obj_begin(j, "sync");
	hzb_json_str(j, "state", in->sync_attached ? "attached" : in->bpf_enabled ? "failed" :
		     "not applicable");
	if (in->sync_attached) {
		hzb_json_str(j, "mechanism", in->sync->mech);
		hzb_json_str(j, "cannot_see", sync_blind(in->sync->mech));
	}
	hzb_json_obj_end(j);
	if (r) {
		json_phase(j, r);
		json_lock(j, r);
		json_hold(j, r);
	}
	hzb_json_obj_end(j);

	build_checks(&cs, in);
	hzb_json_arr_begin(j, "checks");
	for (i = 0; i < cs.n; i++) {
		const struct check *c = &cs.c[i];

		hzb_json_obj_begin(j, NULL);
		hzb_json_str(j, "name", c->name);
		hzb_json_str(j, "mechanism", c->mech);
		hzb_json_dbl(j, "bpf", c->bpf);
		hzb_json_dbl(j, "module", c->module);
		hzb_json_str(j, "rule", rule_name(c->rule));
		if (c->rule == WITHIN_PCT || c->rule == AT_LEAST || c->rule == BRACKET)
			hzb_json_dbl(j, "tolerance_pct", c->pct);
		if (c->rule == BRACKET)
			hzb_json_dbl(j, "lower_bound", c->lo);
		if (c->note)
			hzb_json_str(j, "note", c->note);
		if (c->why[0])
			hzb_json_str(j, "explained", c->why);
		hzb_json_bool(j, "ok", c->ok);
		hzb_json_obj_end(j);
		all &= c->ok;
	}
	hzb_json_arr_end(j);
	hzb_json_bool(j, "checks_ok", all);
	if (r)
		json_effect(j, &r->effect);
}

/* ---- text ----------------------------------------------------------- */

static void text_hist(FILE *f, const char *pfx, const char *what, const struct hzb_hist *h,
		      double unit, const char *uname)
{
	if (!h->count) {
		fprintf(f, "%s%s: none\n", pfx, what);
		return;
	}
	fprintf(f, "%s%s: %llu samples, avg %.3f p50 %.3f p99 %.3f max %.3f %s\n", pfx,
		what, h->count, (double)h->total / (double)h->count / unit, hzb_hist_percentile(h, 50) / unit,
		hzb_hist_percentile(h, 99) / unit, (double)h->max / unit, uname);
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

void hzb_bpf_text(FILE *f, const struct hzb_bpf_in *in)
{
	const struct hzb_bpf_report *r = in->rep;
	const char *pfx = in->prefix ? in->prefix : "";
	struct checks cs;
	int i;

	if (r && r->read) {
		const struct hzb_bpf_phase_rep *p = &r->phase;
		const struct hzb_bpf_lock_rep *l = &r->lock;
		const struct hzb_bpf_hold_rep *h = &r->hold;

		text_head(f, pfx, &r->phase_i);
		if (r->phase_i.state == HZB_PROBE_OK) {
			for (i = 0; i < HZB_NR_PHASES; i++)
				if (p->have[i])
					text_hist(f, pfx, p->name[i], &p->h[HZB_PHASE_H_P0 + i], 1e3,
						  "us per scan");
			fprintf(f, "%s  %llu scans, %llu restarts, %llu"
				" waits on held slots\n", pfx, p->st.dones, p->st.restarts,
				p->st.waits);
			if (p->have_len)
				fprintf(f, "%s  longest overflow list walked: %llu"
					" (p50 per scan %.0f)\n", pfx,
					p->h[HZB_PHASE_H_MAXLEN].max,
					hzb_hist_percentile(&p->h[HZB_PHASE_H_MAXLEN], 50));
		}
		text_head(f, pfx, &r->lock_i);
		if (r->lock_i.state == HZB_PROBE_OK) {
			fprintf(f, "%s  %llu acquisitions through %s\n", pfx,
				l->st.wrap_entries + l->wrap_misses, l->wrapper);
			text_hist(f, pfx, "  time in the wrapper", &l->h[HZB_LOCK_H_WRAPPER], 1,
				  "ns");
			if (l->have_contended)
				text_hist(f, pfx, "  contended wait", &l->h[HZB_LOCK_H_CONTENDED],
					  1, "ns");
			if (!l->tp_attached)
				fprintf(f, "%s  lock:contention_*: not available\n", pfx);
			else if (l->hypervisor)
				fprintf(f, "%s  lock:contention_*: cannot fire (CPUID hypervisor bit "
					"set: virt_spin_lock); run with --vm-cpu=max,hypervisor=off\n",
					pfx);
			else
				text_hist(f, pfx, "  lock:contention_* queued wait",
					  &l->h[HZB_LOCK_H_TP], 1, "ns");
		}
		text_head(f, pfx, &r->hold_i);
		if (r->hold_i.state == HZB_PROBE_OK) {
			fprintf(f, "%s  %llu switches of hzbench threads (%llu"
				" preempted)", pfx, h->st.switches, h->st.preempted);
			if (h->mode != HZB_HOLD_NONE)
				fprintf(f, ", %llu while holding (%llu preempted)",
					h->st.holding, h->st.holding_preempted);
			else
				fprintf(f, ", holding not observable");
			fprintf(f, "\n");
			if (h->mode != HZB_HOLD_NONE)
				text_hist(f, pfx, "  off CPU while holding",
					  &h->h[HZB_HOLD_H_OFF_HOLDING], 1e3, "us");
			if (h->mode == HZB_HOLD_PERCPU || h->mode == HZB_HOLD_PERTASK) {
				fprintf(f, "%s  %llu overflows", pfx, h->st.overflows);
				if (h->mode == HZB_HOLD_PERCPU)
					fprintf(f, ", %llu migrations (%.0f/s)",
						h->st.migrations, r->seconds > 0 ?
						(double)h->st.migrations / r->seconds : 0);
				fprintf(f, "\n");
				text_hist(f, pfx, "  time chained", &h->h[HZB_HOLD_H_CHAINED], 1e3,
					  "us");
				if (h->mode == HZB_HOLD_PERCPU && h->have_migrate_cost)
					text_hist(f, pfx, "  migration cost",
						  &h->h[HZB_HOLD_H_MIG_MOVED], 1, "ns");
			}
		}
	}
	build_checks(&cs, in);
	for (i = 0; i < cs.n; i++) {
		const struct check *c = &cs.c[i];

		if (c->rule == BRACKET && c->lo > 0) {
			double off = in->module_sync_off ? in->module_sync_off->p50 : c->lo;

			fprintf(f, "%sBPF check %-28s %s: bpf %.0f, module %.0f without probes, "
				"%.0f with (between, 10%%)%s%s\n", pfx, c->name,
				c->why[0] ? "ok (explained)" : c->ok ? "ok" : "FAIL", c->bpf, off,
				c->module, c->why[0] ? ": " : "", c->why[0] ? c->why :
				c->ok && fabs(c->bpf - off) > off * c->pct / 100 ?
				": the probe effect explains the difference" : "");
			continue;
		}
		fprintf(f, "%sBPF check %-28s %s: bpf %.0f module %.0f (%s%s)%s%s\n", pfx, c->name,
			c->why[0] ? "ok (explained)" : c->ok ? "ok" : "FAIL", c->bpf, c->module,
			rule_name(c->rule),
			c->rule == WITHIN_PCT || c->rule == BRACKET ? " 10%" : "",
			c->why[0] ? ": " : "", c->why);
	}
	if (r && r->effect.done)
		fprintf(f, "%sBPF probe effect: synchronize p50 %.3f us with, %.3f us without "
			"(%+.1f%%, %+.3f us, target 5%%; segment-to-segment noise %.1f%%), "
			"%u segments\n", pfx, r->effect.on.p50 / 1e3, r->effect.off.p50 / 1e3,
			r->effect.effect_pct, (r->effect.on.p50 - r->effect.off.p50) / 1e3,
			r->effect.noise_pct, r->effect.segments);
	else if (r && r->effect.error[0])
		fprintf(f, "%sBPF probe effect: not measured: %s\n", pfx, r->effect.error);
}

int hzb_bpf_checks_ok(const struct hzb_bpf_in *in)
{
	struct checks cs;
	int i;

	build_checks(&cs, in);
	for (i = 0; i < cs.n; i++)
		if (!cs.c[i].ok)
			return 0;
	return 1;
}

/* ---- probe effect --------------------------------------------------- */

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

/* Spread of one condition's segment medians, in % of its pooled median. */
static double spread(const struct hzb_bpf_effect *e, int on, double pooled)
{
	double lo = INFINITY, hi = -INFINITY;
	unsigned int k;

	for (k = 0; k < e->segments && k < HZB_EFFECT_SEGS; k++) {
		if (e->seg_on[k] != on || !e->seg_n[k])
			continue;
		lo = fmin(lo, e->seg_p50[k]);
		hi = fmax(hi, e->seg_p50[k]);
	}
	return pooled > 0 && hi >= lo ? (hi - lo) / pooled * 100 : NAN;
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
