// SPDX-License-Identifier: GPL-2.0
/*
 * Loader of holders (bpf/holders.bpf.c): overflow usage per CPU and per
 * task, time chained, migrations and their cost, hzbench threads switched
 * out while holding a hazard pointer.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hzb_json.h"
#include "hzb_probe.h"
#include "holders.skel.h"

#define HOLD_TOP_TASKS	16
#define HOLD_MAX_CPUS	64

struct hold_task_rep {
	uint32_t pid;
	struct hzb_hold_task t;
};

struct hold_rep {
	enum hzb_hold_mode mode;
	int have_migrate_cost;
	uint64_t mig_misses;
	struct hzb_hold_stats st;
	struct hzb_hist h[HZB_HOLD_NR_HISTS];
	uint32_t ncpus;				/* entries in cpu[] */
	struct hzb_hold_cpu cpu[HOLD_MAX_CPUS];
	uint32_t ntasks;			/* tasks with overflows or holds */
	uint32_t ntop;
	struct hold_task_rep top[HOLD_TOP_TASKS];
	uint64_t chained_now;			/* backups still chained at read */
};

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

static void hold_autoload(struct holders *s, int btf, int pcpu, int ptask, int mig)
{
	bpf_program__set_autoload(s->progs.pcpu_overflow_raw, pcpu);
	bpf_program__set_autoload(s->progs.pcpu_migrate_raw, pcpu);
	bpf_program__set_autoload(s->progs.pcpu_unchain_raw, pcpu);
	bpf_program__set_autoload(s->progs.pcpu_mig_fentry, pcpu && btf && mig);
	bpf_program__set_autoload(s->progs.pcpu_mig_fexit, pcpu && btf && mig);
	bpf_program__set_autoload(s->progs.pcpu_mig_kprobe, pcpu && !btf && mig);
	bpf_program__set_autoload(s->progs.pcpu_mig_kretprobe, pcpu && !btf && mig);
	bpf_program__set_autoload(s->progs.ptask_overflow_raw, ptask);
	bpf_program__set_autoload(s->progs.ptask_chain_fentry, ptask && btf);
	bpf_program__set_autoload(s->progs.ptask_chain_kprobe, ptask && !btf);
	bpf_program__set_autoload(s->progs.ptask_release_fentry, ptask && btf);
	bpf_program__set_autoload(s->progs.ptask_release_kprobe, ptask && !btf);
	bpf_program__set_autoload(s->progs.switch_btf, btf);
	bpf_program__set_autoload(s->progs.switch_raw, !btf);
}

/* Removals before additions, exits before entries. */
static void hold_links(struct hzb_probe *p, struct holders *s, int btf, int pcpu, int ptask,
		       int mig)
{
	if (pcpu) {
		hzb_probe_link(p, s->progs.pcpu_unchain_raw, HZB_LINK_AUTO,
			       "percpu_hazptr:percpu_hazptr_unchain");
		if (mig) {
			hzb_probe_link(p, btf ? s->progs.pcpu_mig_fexit :
				       s->progs.pcpu_mig_kretprobe, HZB_LINK_AUTO,
				       "percpu_hazptr_migrate");
			hzb_probe_link(p, btf ? s->progs.pcpu_mig_fentry : s->progs.pcpu_mig_kprobe,
				       HZB_LINK_AUTO, "percpu_hazptr_migrate");
		}
		hzb_probe_link(p, s->progs.pcpu_migrate_raw, HZB_LINK_AUTO,
			       "percpu_hazptr:percpu_hazptr_migrate");
		hzb_probe_link(p, s->progs.pcpu_overflow_raw, HZB_LINK_AUTO,
			       "percpu_hazptr:percpu_hazptr_overflow");
	}
	if (ptask) {
		hzb_probe_link(p, btf ? s->progs.ptask_release_fentry :
			       s->progs.ptask_release_kprobe, HZB_LINK_AUTO,
			       "pertask_hazptr_release_slow");
		hzb_probe_link(p, s->progs.ptask_overflow_raw, HZB_LINK_AUTO,
			       "pertask_hazptr:pertask_hazptr_overflow");
		hzb_probe_link(p, btf ? s->progs.ptask_chain_fentry : s->progs.ptask_chain_kprobe,
			       HZB_LINK_AUTO, "pertask_hazptr_acquire_overflow");
	}
	hzb_probe_link(p, btf ? s->progs.switch_btf : s->progs.switch_raw, HZB_LINK_AUTO,
		       "sched:sched_switch");
}

static int hold_try(struct hzb_probe *p, int btf, int devfd)
{
	const struct hzb_design_hooks *d = p->d;
	struct hold_rep *r = p->rep;
	int pcpu = d->hold == HZB_HOLD_PERCPU, ptask = d->hold == HZB_HOLD_PERTASK;
	int fail = hzb_bpf_force_fail(p->ops->name);
	struct holders *s;
	int err;

	(void)devfd;
	hzb_bpf_msg_clear();
	s = holders__open();
	if (!s) {
		hzb_probe_fail(p->info, "open holders", -errno);
		return -1;
	}
	s->rodata->targ_tgid = (__u32)getpid();
	s->rodata->targ_mode = d->hold;
	if (d->ops_sym)
		s->rodata->targ_ops = hzb_ksym_addr(d->ops_sym, d->module);
	bpf_map__set_max_entries(s->maps.cpus, (__u32)libbpf_num_possible_cpus());
	hold_autoload(s, btf, pcpu, ptask, r->have_migrate_cost);
	hold_links(p, s, btf, pcpu, ptask, r->have_migrate_cost);
	/* HZB_BPF_FORCE_FAIL=hold: a kprobe on nothing, the real attach path. */
	bpf_program__set_autoload(s->progs.fault_kprobe, fail);
	if (fail)
		hzb_probe_link(p, s->progs.fault_kprobe, HZB_LINK_KPROBE, HZB_NO_SUCH_FUNC);

	err = holders__load(s);
	if (!err)
		err = hzb_hists_reset(s->maps.hists, HZB_HOLD_NR_HISTS);
	if (err) {
		hzb_probe_fail(p->info, "load holders", err);
		p->nlinks = 0;
		holders__destroy(s);
		return -1;
	}
	p->skel = s;
	return 0;
}

/* The module's tracepoints, symbol and functions this mode needs; 0 or -1 (FAILED). */
static int hold_hooks(struct hzb_probe *p, int *btf)
{
	static const char * const pcpu_tps[] = {
		"percpu_hazptr_overflow", "percpu_hazptr_migrate", "percpu_hazptr_unchain", NULL
	};
	static const char * const ptask_tps[] = { "pertask_hazptr_overflow", NULL };
	const struct hzb_design_hooks *d = p->d;
	struct hzb_probe_info *pi = p->info;
	struct hold_rep *r = p->rep;
	const char * const *tps = d->hold == HZB_HOLD_PERCPU ? pcpu_tps :
				  d->hold == HZB_HOLD_PERTASK ? ptask_tps : NULL;
	const char *funcs[3] = { NULL, NULL, NULL };
	int i, m;

	for (i = 0; tps && tps[i]; i++) {
		if (!hzb_tracefs_has(d->module, tps[i])) {
			pi->state = HZB_PROBE_FAILED;
			snprintf(pi->error, sizeof(pi->error), "no tracepoint %s:%s", d->module,
				 tps[i]);
			return -1;
		}
	}
	if (d->ops_sym && !hzb_ksym_addr(d->ops_sym, d->module)) {
		pi->state = HZB_PROBE_FAILED;
		snprintf(pi->error, sizeof(pi->error), "no symbol %s [%s] in /proc/kallsyms",
			 d->ops_sym, d->module);
		return -1;
	}
	if (d->hold == HZB_HOLD_PERCPU) {
		r->have_migrate_cost = hzb_func_mech("percpu_hazptr_migrate") >= 0;
		if (!r->have_migrate_cost)
			hzb_probe_missing(pi, "percpu_hazptr_migrate");
		funcs[0] = r->have_migrate_cost ? "percpu_hazptr_migrate" : NULL;
	} else if (d->hold == HZB_HOLD_PERTASK) {
		funcs[0] = "pertask_hazptr_acquire_overflow";
		funcs[1] = "pertask_hazptr_release_slow";
	}
	for (i = 0; i < 3 && funcs[i]; i++) {
		m = hzb_func_mech(funcs[i]);
		if (m < 0) {
			pi->state = HZB_PROBE_FAILED;
			snprintf(pi->error, sizeof(pi->error), "no function %s to trace", funcs[i]);
			return -1;
		}
		if (!m)
			*btf = 0;
	}
	return 0;
}

static void hold_open(struct hzb_probe *p, int devfd)
{
	const struct hzb_design_hooks *d = p->d;
	struct hzb_probe_info *pi = p->info;
	struct hold_rep *r = p->rep;
	int btf = hzb_btf_has_tp("sched_switch");

	r->mode = d->hold;
	pi->blind = hold_blind(d->hold);
	if (hold_hooks(p, &btf))
		return;
	if (!btf)
		snprintf(pi->fallback, sizeof(pi->fallback), "no BTF for a hook of %s", d->design);
	btf = hzb_probe_try(p, btf, devfd, hold_try);
	if (btf < 0)
		return;
	snprintf(pi->mech, sizeof(pi->mech), "%s sched:sched_switch%s%s",
		 btf ? "tp_btf" : "raw_tp",
		 d->hold == HZB_HOLD_PERCPU ? (btf ? ", raw_tp percpu_hazptr:*, fentry/fexit" :
						", raw_tp percpu_hazptr:*, kprobes") :
		 d->hold == HZB_HOLD_PERTASK ? (btf ? ", raw_tp pertask_hazptr_overflow, fentry" :
						 ", raw_tp pertask_hazptr_overflow, kprobes") : "",
		 d->hold == HZB_HOLD_PERCPU && r->have_migrate_cost ? " percpu_hazptr_migrate" :
		 d->hold == HZB_HOLD_PERTASK ? " acquire_overflow/release_slow" : "");
}

static int cmp_task(const void *a, const void *b)
{
	const struct hold_task_rep *x = a, *y = b;
	uint64_t kx = x->t.overflows + x->t.migrations + x->t.holding_switches;
	uint64_t ky = y->t.overflows + y->t.migrations + y->t.holding_switches;

	return kx < ky ? 1 : kx > ky ? -1 : (x->pid > y->pid) - (x->pid < y->pid);
}

/* The busiest tasks, and how many backups are chained now. */
static void hold_read_tasks(struct holders *s, struct hold_rep *r)
{
	struct hold_task_rep all[1024];
	uint32_t key, next, n = 0;
	uint64_t ckey, cnext;
	void *prev = NULL;
	int fd = bpf_map__fd(s->maps.tasks);

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		if (n < sizeof(all) / sizeof(all[0]) &&
		    !bpf_map_lookup_elem(fd, &next, &all[n].t)) {
			all[n].pid = next;
			n++;
		}
		key = next;
		prev = &key;
	}
	r->ntasks = n;
	qsort(all, n, sizeof(all[0]), cmp_task);
	r->ntop = n < HOLD_TOP_TASKS ? n : HOLD_TOP_TASKS;
	memcpy(r->top, all, r->ntop * sizeof(all[0]));
	r->chained_now = 0;
	prev = NULL;
	fd = bpf_map__fd(s->maps.chains);
	while (!bpf_map_get_next_key(fd, prev, &cnext)) {
		r->chained_now++;
		ckey = cnext;
		prev = &ckey;
	}
}

static int hold_read(struct hzb_probe *p)
{
	struct holders *s = p->skel;
	struct hold_rep *r = p->rep;
	uint32_t i, ncpu;
	int err;

	err = hzb_stats_hists_read(s->maps.stats, &r->st, sizeof(r->st), s->maps.hists, HZB_HOLD_NR_HISTS,
				   r->h);
	if (err)
		return err;
	r->mig_misses = hzb_prog_misses(s->progs.pcpu_mig_fentry) +
			hzb_prog_misses(s->progs.pcpu_mig_kprobe);
	ncpu = bpf_map__max_entries(s->maps.cpus);
	r->ncpus = ncpu < HOLD_MAX_CPUS ? ncpu : HOLD_MAX_CPUS;
	for (i = 0; i < r->ncpus; i++) {
		err = bpf_map__lookup_elem(s->maps.cpus, &i, sizeof(i), &r->cpu[i],
					   sizeof(r->cpu[i]), 0);
		if (err)
			return err;
	}
	hold_read_tasks(s, r);
	return 0;
}

static int hold_reset(struct hzb_probe *p)
{
	struct holders *s = p->skel;
	int err = hzb_stats_hists_reset(s->maps.stats, s->maps.hists, HZB_HOLD_NR_HISTS);

	if (!err)
		err = hzb_array_reset(s->maps.cpus, bpf_map__max_entries(s->maps.cpus));
	hzb_hash_clear(s->maps.tasks);
	/* chains, task_chained and off_since describe what is held now: kept. */
	return err;
}

static void hold_destroy(void *skel)
{
	holders__destroy(skel);
}

static void json_switches(struct hzb_json *j, const struct hold_rep *h, double secs)
{
	const struct hzb_hold_stats *s = &h->st;

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
		hzb_probe_json_hist(j, "off_cpu_while_holding_ns", &h->h[HZB_HOLD_H_OFF_HOLDING],
				    1);
	}
	hzb_json_obj_end(j);
}

static void json_top_tasks(struct hzb_json *j, const struct hold_rep *h)
{
	uint32_t i;

	hzb_json_arr_begin(j, "per_task_top");
	for (i = 0; i < h->ntop; i++) {
		const struct hold_task_rep *t = &h->top[i];
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
}

static void json_overflow(struct hzb_json *j, const struct hold_rep *h)
{
	const struct hzb_hold_stats *s = &h->st;
	uint32_t i;

	hzb_json_obj_begin(j, "overflow");
	hzb_json_u64(j, "events", s->overflows);
	hzb_json_u64(j, "releases_timed", s->unchains);
	hzb_json_u64(j, "unmatched_releases", s->chain_unmatched);
	hzb_json_u64(j, "still_chained", h->chained_now);
	hzb_probe_json_hist(j, "chained_ns", &h->h[HZB_HOLD_H_CHAINED], 1);
	if (h->mode == HZB_HOLD_PERTASK)
		hzb_probe_json_hist(j, "depth", &h->h[HZB_HOLD_H_DEPTH], 0);
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
	json_top_tasks(j, h);
	hzb_json_obj_end(j);
}

static void hold_json(struct hzb_json *j, const void *rep, double seconds)
{
	const struct hold_rep *h = rep;
	const struct hzb_hold_stats *s = &h->st;
	double secs = seconds > 0 ? seconds : NAN;

	hzb_json_dbl(j, "seconds", seconds);
	json_switches(j, h, secs);
	if (h->mode == HZB_HOLD_PERCPU || h->mode == HZB_HOLD_PERTASK)
		json_overflow(j, h);
	if (h->mode != HZB_HOLD_PERCPU)
		return;
	hzb_json_obj_begin(j, "migrations");
	hzb_json_u64(j, "contexts", s->migrations);
	hzb_json_dbl(j, "per_s", (double)s->migrations / secs);
	hzb_json_bool(j, "cost_measured", h->have_migrate_cost);
	if (h->have_migrate_cost) {
		hzb_json_u64(j, "calls", s->mig_calls + h->mig_misses);
		hzb_json_u64(j, "calls_that_moved", s->mig_moved_calls);
		hzb_probe_json_hist(j, "cost_ns", &h->h[HZB_HOLD_H_MIG_MOVED], 1);
		hzb_probe_json_hist(j, "cost_all_calls_ns", &h->h[HZB_HOLD_H_MIG_ALL], 0);
	}
	hzb_json_obj_end(j);
}

static void hold_text(FILE *f, const char *pfx, const void *rep, double seconds)
{
	const struct hold_rep *h = rep;

	fprintf(f, "%s  %llu switches of hzbench threads (%llu preempted)", pfx, h->st.switches,
		h->st.preempted);
	if (h->mode != HZB_HOLD_NONE)
		fprintf(f, ", %llu while holding (%llu preempted)", h->st.holding,
			h->st.holding_preempted);
	else
		fprintf(f, ", holding not observable");
	fprintf(f, "\n");
	if (h->mode != HZB_HOLD_NONE)
		hzb_probe_text_hist(f, pfx, "  off CPU while holding",
				    &h->h[HZB_HOLD_H_OFF_HOLDING], 1e3, "us");
	if (h->mode != HZB_HOLD_PERCPU && h->mode != HZB_HOLD_PERTASK)
		return;
	fprintf(f, "%s  %llu overflows", pfx, h->st.overflows);
	if (h->mode == HZB_HOLD_PERCPU)
		fprintf(f, ", %llu migrations (%.0f/s)", h->st.migrations,
			seconds > 0 ? (double)h->st.migrations / seconds : 0);
	fprintf(f, "\n");
	hzb_probe_text_hist(f, pfx, "  time chained", &h->h[HZB_HOLD_H_CHAINED], 1e3, "us");
	if (h->mode == HZB_HOLD_PERCPU && h->have_migrate_cost)
		hzb_probe_text_hist(f, pfx, "  migration cost", &h->h[HZB_HOLD_H_MIG_MOVED], 1,
				    "ns");
}

static void hold_checks(struct hzb_checks *cs, const void *rep, const uint64_t *cnt)
{
	const struct hold_rep *h = rep;
	const struct hzb_hold_stats *s = &h->st;

	if (h->mode == HZB_HOLD_PERCPU) {
		hzb_check_add(cs, "overflows", "percpu_hazptr_overflow", (double)s->overflows,
			      (double)cnt[HZB_CNT_OVERFLOWS], HZB_EXACT, 0, NULL);
		hzb_check_add(cs, "migrations", "percpu_hazptr_migrate", (double)s->migrations,
			      (double)cnt[HZB_CNT_MIGRATIONS], HZB_EXACT, 0, NULL);
		hzb_check_add(cs, "overflow releases", "percpu_hazptr_unchain",
			      (double)s->unchains, (double)cnt[HZB_CNT_OVERFLOW_RELEASES],
			      HZB_EXACT, 0, NULL);
	} else if (h->mode == HZB_HOLD_PERTASK) {
		hzb_check_add(cs, "overflows", "pertask_hazptr_overflow", (double)s->overflows,
			      (double)cnt[HZB_CNT_OVERFLOWS], HZB_EXACT, 0,
			      "the fallback list (tasks without a block) has no tracepoint");
		hzb_check_add(cs, "overflow releases (timed)", "pertask_hazptr_release_slow",
			      (double)s->unchains, (double)cnt[HZB_CNT_OVERFLOW_RELEASES],
			      HZB_AT_MOST, 0, "only entries chained after attach are matched");
	}
}

const struct hzb_probe_ops hzb_probe_holders = {
	.name = "hold",
	.rep_size = sizeof(struct hold_rep),
	.open = hold_open,
	.attach = hzb_probe_attach,
	.detach = hzb_probe_detach,
	.reset = hold_reset,
	.read = hold_read,
	.destroy = hold_destroy,
	.json = hold_json,
	.text = hold_text,
	.checks = hold_checks,
};
