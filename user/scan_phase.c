// SPDX-License-Identifier: GPL-2.0
/*
 * Loader of scan_phase (bpf/scan_phase.bpf.c): synchronize split by scan
 * phase, restarts, waits on held slots, longest overflow list walked.
 * libbpf-tools order: open -> set rodata -> choose programs -> load ->
 * fill maps -> attach -> read -> destroy.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "hzb_json.h"
#include "hzb_probe.h"
#include "scan_phase.skel.h"

struct phase_rep {
	enum hzb_phase_design design;
	const char *name[HZB_NR_PHASES];
	const char *func[HZB_NR_PHASES];	/* NULL: derived, or none */
	int have[HZB_NR_PHASES];		/* phase measured */
	int have_len;
	struct hzb_phase_stats st;
	uint64_t misses[HZB_NR_PHASES];		/* entry runs the kernel skipped */
	struct hzb_hist h[HZB_PHASE_NR_HISTS];
};

/* What each variant of the program calls its two phases. */
static const char *const phase_names[][HZB_NR_PHASES] = {
	[HZB_PHASE_PERCPU] = { "per-CPU slots", "overflow lists" },
	[HZB_PHASE_PERTASK] = { "task walk", "waits on held slots" },
};

static const char *phase_blind(enum hzb_phase_design design)
{
	if (design == HZB_PHASE_PERTASK)
		return "the task-walk phase is the module's own clock (pertask_hazptr_scan's ns) "
		       "minus the BPF-timed waits; the fallback list's waits stay in the walk; "
		       "lengths are each holder's own overflow list when it is checked";
	return "time between the phase functions (the CPU loop, skip tests) is in neither "
	       "phase; waits for held per-CPU slots are inside the per-CPU-slot phase; a "
	       "list's length is read as its walk starts (entries chained during the walk "
	       "are not counted)";
}

/* One phase function: fentry/fexit, or kprobe/kretprobe, or nothing. */
static void phase_progs(struct hzb_probe *p, int btf, const char *func, struct bpf_program *en,
			struct bpf_program *ex, struct bpf_program *ken, struct bpf_program *kex)
{
	int m = !func ? -1 : !strcmp(func, HZB_NO_SUCH_FUNC) ? 0 : hzb_func_mech(func);

	hzb_probe_func(p, btf, m >= 0, func, en, ex, ken, kex);
}

static int phase_try(struct hzb_probe *p, int btf, int devfd)
{
	const struct hzb_design_hooks *d = p->d;
	struct phase_rep *r = p->rep;
	struct scan_phase *s;
	int m, err;

	(void)devfd;
	hzb_bpf_msg_clear();
	s = scan_phase__open();
	if (!s) {
		hzb_probe_fail(p->info, "open scan_phase", -errno);
		return -1;
	}
	s->rodata->targ_design = d->phase;
	s->rodata->targ_len_in_p1 = d->len_in_p1;
	phase_progs(p, btf, r->func[0], s->progs.p0_fentry, s->progs.p0_fexit, s->progs.p0_kprobe,
		    s->progs.p0_kretprobe);
	phase_progs(p, btf, r->func[1], s->progs.p1_fentry, s->progs.p1_fexit, s->progs.p1_kprobe,
		    s->progs.p1_kretprobe);
	m = hzb_func_mech(d->len_func);
	bpf_program__set_autoload(s->progs.len_fentry, btf && m >= 0);
	bpf_program__set_autoload(s->progs.len_kprobe, !btf && m >= 0);
	if (m >= 0 && btf) {
		bpf_program__set_attach_target(s->progs.len_fentry, 0, d->len_func);
		hzb_probe_link(p, s->progs.len_fentry, HZB_LINK_AUTO, d->len_func);
	} else if (m >= 0) {
		hzb_probe_link(p, s->progs.len_kprobe, HZB_LINK_KPROBE, d->len_func);
	}
	/* The done tracepoints: raw_tp either way (see scan_phase.bpf.c). */
	bpf_program__set_autoload(s->progs.pcpu_done_raw, d->phase == HZB_PHASE_PERCPU);
	bpf_program__set_autoload(s->progs.ptask_done_raw, d->phase == HZB_PHASE_PERTASK);
	hzb_probe_link(p, d->phase == HZB_PHASE_PERCPU ? s->progs.pcpu_done_raw :
		       s->progs.ptask_done_raw, HZB_LINK_AUTO, d->done_tp);
	err = scan_phase__load(s);
	if (!err)
		err = hzb_hists_reset(s->maps.hists, HZB_PHASE_NR_HISTS);
	if (err) {
		hzb_probe_fail(p->info, "load scan_phase", err);
		p->nlinks = 0;
		scan_phase__destroy(s);
		return -1;
	}
	p->skel = s;
	return 0;
}

static void phase_open(struct hzb_probe *p, int devfd)
{
	const struct hzb_design_hooks *d = p->d;
	struct hzb_probe_info *pi = p->info;
	struct phase_rep *r = p->rep;
	int i, btf = 1, m;

	if (d->phase == HZB_PHASE_NONE)
		return;
	r->design = d->phase;
	pi->blind = phase_blind(d->phase);
	for (i = 0; i < HZB_NR_PHASES; i++) {
		r->name[i] = phase_names[d->phase][i];
		r->func[i] = d->phase_func[i];
		if (i == 1 && hzb_bpf_force_fail(p->ops->name)) {
			/* Through the real attach path: a kprobe on nothing. */
			r->func[i] = HZB_NO_SUCH_FUNC;
			btf = 0;
			continue;
		}
		m = hzb_func_mech(r->func[i]);
		if (r->func[i] && m < 0) {
			hzb_probe_missing(pi, r->func[i]);
			r->func[i] = NULL;
		} else if (m == 0) {
			btf = 0;
		}
	}
	if (d->len_func && hzb_func_mech(d->len_func) < 0)
		hzb_probe_missing(pi, d->len_func);
	if (!hzb_tracefs_has(d->module, d->done_tp)) {
		pi->state = HZB_PROBE_FAILED;
		snprintf(pi->error, sizeof(pi->error), "no tracepoint %s:%s", d->module, d->done_tp);
		return;
	}
	if (!btf)
		snprintf(pi->fallback, sizeof(pi->fallback), "no module BTF for a phase function");
	btf = hzb_probe_try(p, btf, devfd, phase_try);
	if (btf < 0)
		return;
	r->have[0] = r->func[0] != NULL || d->phase == HZB_PHASE_PERTASK;
	r->have[1] = r->func[1] != NULL;
	r->have_len = d->len_in_p1 ? r->func[1] != NULL : hzb_func_mech(d->len_func) >= 0;
	snprintf(pi->mech, sizeof(pi->mech), "%s on the phase functions, raw_tp %s:%s",
		 btf ? "fentry/fexit" : "kprobe/kretprobe", d->module, d->done_tp);
}

static int phase_read(struct hzb_probe *p)
{
	struct scan_phase *s = p->skel;
	struct phase_rep *r = p->rep;
	int err;

	err = hzb_stats_hists_read(s->maps.stats, &r->st, sizeof(r->st), s->maps.hists, HZB_PHASE_NR_HISTS,
				   r->h);
	r->misses[0] = hzb_prog_misses(s->progs.p0_fentry) + hzb_prog_misses(s->progs.p0_kprobe);
	r->misses[1] = hzb_prog_misses(s->progs.p1_fentry) + hzb_prog_misses(s->progs.p1_kprobe);
	return err;
}

static int phase_reset(struct hzb_probe *p)
{
	struct scan_phase *s = p->skel;
	int err = hzb_stats_hists_reset(s->maps.stats, s->maps.hists, HZB_PHASE_NR_HISTS);

	hzb_hash_clear(s->maps.curs);
	return err;
}

static void phase_destroy(void *skel)
{
	scan_phase__destroy(skel);
}

static void json_one_phase(struct hzb_json *j, const struct phase_rep *p, int i, double sum)
{
	hzb_json_obj_begin(j, NULL);
	hzb_json_str(j, "name", p->name[i]);
	if (p->func[i])
		hzb_json_str(j, "function", p->func[i]);
	else
		hzb_json_str(j, "function", p->have[i] ? "(derived)" : "(none)");
	hzb_json_bool(j, "measured", p->have[i]);
	if (p->have[i]) {
		hzb_probe_json_hist(j, "per_scan_ns", &p->h[HZB_PHASE_H_P0 + i], 1);
		if (p->func[i]) {
			hzb_probe_json_hist(j, "per_call_ns", &p->h[HZB_PHASE_H_P0_CALL + i], 0);
			hzb_json_u64(j, "calls", p->st.calls[i]);
			hzb_json_u64(j, "entry_misses", p->misses[i]);
		}
		hzb_json_dbl(j, "share_pct", sum > 0 ?
			     100.0 * (double)p->h[HZB_PHASE_H_P0 + i].total / sum : NAN);
	}
	hzb_json_obj_end(j);
}

static void phase_json(struct hzb_json *j, const void *rep, double seconds)
{
	const struct phase_rep *p = rep;
	double sum = 0;
	int i;

	(void)seconds;
	for (i = 0; i < HZB_NR_PHASES; i++)
		sum += (double)p->h[HZB_PHASE_H_P0 + i].total;
	hzb_json_u64(j, "scans", p->st.dones);
	hzb_json_arr_begin(j, "phases");
	for (i = 0; i < HZB_NR_PHASES; i++)
		json_one_phase(j, p, i, sum);
	hzb_json_arr_end(j);
	hzb_json_u64(j, "restarts", p->st.restarts);
	hzb_probe_json_hist(j, "restarts_per_scan", &p->h[HZB_PHASE_H_RESTARTS], 0);
	hzb_json_u64(j, "waits", p->st.waits);
	hzb_probe_json_hist(j, "waits_per_scan", &p->h[HZB_PHASE_H_WAITS], 0);
	if (p->have_len)
		hzb_probe_json_hist(j, "longest_overflow_list_walked", &p->h[HZB_PHASE_H_MAXLEN],
				    0);
	if (p->design == HZB_PHASE_PERTASK) {
		hzb_json_u64(j, "tasks_scanned", p->st.scanned);
		hzb_json_u64(j, "tasks_skipped", p->st.skipped);
		hzb_json_u64(j, "pointers_scanned_for", p->st.nptrs);
	} else {
		hzb_json_u64(j, "cpus_skipped", p->st.cpus_skipped);
	}
	hzb_json_u64(j, "scans_without_phase_calls", p->st.no_phase);
}

static void phase_text(FILE *f, const char *pfx, const void *rep, double seconds)
{
	const struct phase_rep *p = rep;
	int i;

	(void)seconds;
	for (i = 0; i < HZB_NR_PHASES; i++)
		if (p->have[i])
			hzb_probe_text_hist(f, pfx, p->name[i], &p->h[HZB_PHASE_H_P0 + i], 1e3,
					    "us per scan");
	fprintf(f, "%s  %llu scans, %llu restarts, %llu waits on held slots\n", pfx,
		p->st.dones, p->st.restarts, p->st.waits);
	if (p->have_len)
		fprintf(f, "%s  longest overflow list walked: %llu (p50 per scan %.0f)\n", pfx,
			p->h[HZB_PHASE_H_MAXLEN].max,
			hzb_hist_percentile(&p->h[HZB_PHASE_H_MAXLEN], 50));
}

static void phase_checks(struct hzb_checks *cs, const void *rep, const uint64_t *cnt)
{
	const struct phase_rep *p = rep;
	const struct hzb_phase_stats *s = &p->st;

	if (p->design == HZB_PHASE_PERCPU) {
		hzb_check_add(cs, "scans (synchronize_done)", "scan_phase", (double)s->dones,
			      (double)cnt[HZB_CNT_SYNCS], HZB_EXACT, 0,
			      "one done tracepoint per synchronize");
		hzb_check_add(cs, "CPUs skipped", "scan_phase", (double)s->cpus_skipped,
			      (double)cnt[HZB_CNT_CPUS_SKIPPED], HZB_EXACT, 0, NULL);
	} else {
		hzb_check_add(cs, "tasks scanned", "scan_phase", (double)s->scanned,
			      (double)cnt[HZB_CNT_TASKS_SCANNED], HZB_EXACT, 0, NULL);
		hzb_check_add(cs, "tasks skipped", "scan_phase", (double)s->skipped,
			      (double)cnt[HZB_CNT_TASKS_SKIPPED], HZB_EXACT, 0, NULL);
	}
	hzb_check_add(cs, "scan restarts", "scan_phase", (double)s->restarts,
		      (double)cnt[HZB_CNT_SCAN_RESTARTS], HZB_EXACT, 0, NULL);
	hzb_check_add(cs, "waits on held slots", "scan_phase", (double)s->waits,
		      (double)cnt[HZB_CNT_SYNC_WAITS], HZB_EXACT, 0, NULL);
}

const struct hzb_probe_ops hzb_probe_scan_phase = {
	.name = "phase",
	.rep_size = sizeof(struct phase_rep),
	.open = phase_open,
	.attach = hzb_probe_attach,
	.detach = hzb_probe_detach,
	.reset = phase_reset,
	.read = phase_read,
	.destroy = phase_destroy,
	.json = phase_json,
	.text = phase_text,
	.checks = phase_checks,
};
