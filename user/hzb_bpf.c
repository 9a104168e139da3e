// SPDX-License-Identifier: GPL-2.0
/*
 * Loaders of scan_phase, lock_contention and holders (libbpf-tools order: open ->
 * set rodata -> choose programs -> load -> fill maps -> attach -> read ->
 * destroy), driven by a table of what each design offers.  The names in
 * the table are the modules' own (kmod/DESIGN/ sources); a hook that is not
 * in the loaded module (no BTF function, no kallsyms symbol, no tracepoint)
 * is listed as missing rather than guessed at.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hzb_bpf.h"
#include "hzb_bpf_util.h"
#include "hzb_opts.h"
#include "holders.skel.h"
#include "lock_contention.skel.h"
#include "scan_phase.skel.h"

struct hzb_bpf_design {
	const char *design;
	const char *module;		/* for kallsyms lookups */
	/* phase */
	enum hzb_phase_design phase;
	const char *p_name[HZB_NR_PHASES];
	const char *p_func[HZB_NR_PHASES];	/* NULL: derived (see hzb_phase.h) */
	const char *len_func;		/* length reader without timing */
	int len_in_p1;			/* ... or phase 1's first argument */
	const char *done_tp;
	/* lock */
	enum hzb_lock_design lock;
	const char *lock_wrap;
	const char *lock_cont;		/* out-of-line contended path, optional */
	/* hold */
	enum hzb_hold_mode hold;
	const char *ops_sym;		/* struct preempt_ops of the block */
};

static const struct hzb_bpf_design bpf_designs[] = {
	{
		.design = "percpu", .module = "percpu_hazptr",
		.phase = HZB_PHASE_PERCPU,
		.p_name = { "per-CPU slots", "overflow lists" },
		.p_func = { "percpu_hazptr_scan_slots", "percpu_hazptr_scan_list" },
		.len_in_p1 = 1,
		.done_tp = "percpu_hazptr_synchronize_done",
		.lock = HZB_LOCK_DESIGN_PERCPU,
		.lock_wrap = "percpu_hazptr_lock_overflow",
		.lock_cont = "percpu_hazptr_lock_overflow_contended",
		.hold = HZB_HOLD_PERCPU,
		.ops_sym = "percpu_hazptr_preempt_ops",
	},
	{
		.design = "pertask", .module = "pertask_hazptr",
		.phase = HZB_PHASE_PERTASK,
		.p_name = { "task walk", "waits on held slots" },
		.p_func = { NULL, "pertask_hazptr_wait_task" },
		.len_func = "pertask_hazptr_scan_task",
		.done_tp = "pertask_hazptr_scan",
		.lock = HZB_LOCK_DESIGN_PERTASK,
		.lock_wrap = "pertask_hazptr_lock",
		.lock_cont = "pertask_hazptr_lock_contended",
		.hold = HZB_HOLD_PERTASK,
		.ops_sym = "pertask_hazptr_preempt_ops",
	},
	{ .design = "rcu", .hold = HZB_HOLD_RCU },
	{ .design = "refcount", .hold = HZB_HOLD_NONE },
	{ .design = "srcu", .hold = HZB_HOLD_NONE },
	{ .design = "tasks-trace", .hold = HZB_HOLD_NONE },
};

#define NR_LINKS	16

struct hzb_bpf_probes {
	const struct hzb_bpf_design *d;
	struct scan_phase *phase;
	struct lock_contention *lock;
	struct holders *hold;
	struct hzb_link phase_l[NR_LINKS], lock_l[NR_LINKS], hold_l[NR_LINKS];
	size_t phase_n, lock_n, hold_n;
	struct hzb_bpf_report *rep;	/* the statuses, filled at open */
	struct timespec t0;
};

/* Test hook: HZB_BPF_FORCE_FAIL=phase,lock,hold,sync makes that probe target
 * a function that does not exist, so the real failure path is exercised. */
int hzb_bpf_force_fail(const char *probe)
{
	const char *v = getenv("HZB_BPF_FORCE_FAIL");
	size_t n = strlen(probe);

	while (v && *v) {
		if (!strncmp(v, probe, n) && (v[n] == ',' || !v[n]))
			return 1;
		v = strchr(v, ',');
		if (v)
			v++;
	}
	return 0;
}

#define HZB_NO_SUCH_FUNC	"hzb_no_such_function"

static int in_list(const char *v, const char *probe)
{
	size_t n = strlen(probe);

	while (*v) {
		if (!strncmp(v, probe, n) && (v[n] == ',' || !v[n]))
			return 1;
		v = strchr(v, ',');
		if (!v)
			break;
		v++;
	}
	return 0;
}

int hzb_bpf_list_check(const char *list)
{
	static const char * const names[] = { "phase", "lock", "hold", "all", "none", NULL };
	const char *v = list;
	size_t n, i;

	while (*v) {
		n = strcspn(v, ",");
		for (i = 0; names[i]; i++)
			if (strlen(names[i]) == n && !strncmp(v, names[i], n))
				break;
		if (!names[i] || !n)
			return -1;
		v += n;
		if (*v)
			v++;
	}
	return 0;
}

static int probe_wanted(const char *probe)
{
	return in_list(hzb_opt.bpf_probes, "all") || in_list(hzb_opt.bpf_probes, probe);
}

static void add_link(struct hzb_link *l, size_t *n, struct bpf_program *prog,
		     enum hzb_link_kind kind, const char *target)
{
	if (*n >= NR_LINKS || !prog)
		return;
	l[*n] = (struct hzb_link){ .prog = prog, .kind = kind, .target = target };
	(*n)++;
}

static void appendf(char *buf, size_t len, const char *fmt, const char *arg)
{
	size_t n = strlen(buf);

	if (n < len)
		snprintf(buf + n, len - n, fmt, n ? "; " : "", arg);
}

/* Attachable by fentry (1), kprobe only (0), not at all (-1)? */
static int func_mech(const char *func)
{
	if (!func)
		return -1;
	if (hzb_btf_has_func(func))
		return 1;
	return hzb_ksym_is_func(func) ? 0 : -1;
}

static void set_fail(struct hzb_probe_info *pi, const char *what, int err)
{
	const char *msg = hzb_bpf_msg();

	pi->state = HZB_PROBE_FAILED;
	snprintf(pi->error, sizeof(pi->error), "%s: %s%s%s%s", what, strerror(err < 0 ? -err : err),
		 msg[0] ? " (" : "", msg, msg[0] ? ")" : "");
}

/* ---- phase ---------------------------------------------------------- */

static int phase_try(struct hzb_bpf_probes *pr, int btf, struct hzb_probe_info *pi)
{
	const struct hzb_bpf_design *d = pr->d;
	struct hzb_bpf_phase_rep *r = &pr->rep->phase;
	struct bpf_program *en[2], *ex[2], *ken[2], *kex[2];
	struct scan_phase *s;
	const char *func;
	int p, m, err;

	hzb_bpf_msg_clear();
	s = scan_phase__open();
	if (!s) {
		set_fail(pi, "open scan_phase", -errno);
		return -1;
	}
	s->rodata->targ_design = d->phase;
	s->rodata->targ_len_in_p1 = d->len_in_p1;
	en[0] = s->progs.p0_fentry, ex[0] = s->progs.p0_fexit;
	en[1] = s->progs.p1_fentry, ex[1] = s->progs.p1_fexit;
	ken[0] = s->progs.p0_kprobe, kex[0] = s->progs.p0_kretprobe;
	ken[1] = s->progs.p1_kprobe, kex[1] = s->progs.p1_kretprobe;
	for (p = 0; p < HZB_NR_PHASES; p++) {
		func = r->func[p];
		m = !func ? -1 : !strcmp(func, HZB_NO_SUCH_FUNC) ? 0 : func_mech(func);
		bpf_program__set_autoload(en[p], btf && m >= 0);
		bpf_program__set_autoload(ex[p], btf && m >= 0);
		bpf_program__set_autoload(ken[p], !btf && m >= 0);
		bpf_program__set_autoload(kex[p], !btf && m >= 0);
		if (m < 0)
			continue;
		if (btf) {
			bpf_program__set_attach_target(en[p], 0, func);
			bpf_program__set_attach_target(ex[p], 0, func);
			add_link(pr->phase_l, &pr->phase_n, ex[p], HZB_LINK_AUTO, func);
			add_link(pr->phase_l, &pr->phase_n, en[p], HZB_LINK_AUTO, func);
		} else {
			add_link(pr->phase_l, &pr->phase_n, kex[p], HZB_LINK_KRETPROBE, func);
			add_link(pr->phase_l, &pr->phase_n, ken[p], HZB_LINK_KPROBE, func);
		}
	}
	m = func_mech(d->len_func);
	bpf_program__set_autoload(s->progs.len_fentry, btf && m >= 0);
	bpf_program__set_autoload(s->progs.len_kprobe, !btf && m >= 0);
	if (m >= 0 && btf) {
		bpf_program__set_attach_target(s->progs.len_fentry, 0, d->len_func);
		add_link(pr->phase_l, &pr->phase_n, s->progs.len_fentry, HZB_LINK_AUTO, d->len_func);
	} else if (m >= 0) {
		add_link(pr->phase_l, &pr->phase_n, s->progs.len_kprobe, HZB_LINK_KPROBE,
			 d->len_func);
	}
	/* The done tracepoints: raw_tp either way (see scan_phase.bpf.c). */
	bpf_program__set_autoload(s->progs.pcpu_done_raw, d->phase == HZB_PHASE_PERCPU);
	bpf_program__set_autoload(s->progs.ptask_done_raw, d->phase == HZB_PHASE_PERTASK);
	add_link(pr->phase_l, &pr->phase_n, d->phase == HZB_PHASE_PERCPU ?
		 s->progs.pcpu_done_raw : s->progs.ptask_done_raw, HZB_LINK_AUTO, d->done_tp);
	err = scan_phase__load(s);
	if (!err)
		err = hzb_hists_reset(s->maps.hists, HZB_PHASE_NR_HISTS);
	if (err) {
		set_fail(pi, "load scan_phase", err);
		pr->phase_n = 0;
		scan_phase__destroy(s);
		return -1;
	}
	pr->phase = s;
	return 0;
}

static void phase_open(struct hzb_bpf_probes *pr)
{
	const struct hzb_bpf_design *d = pr->d;
	struct hzb_probe_info *pi = &pr->rep->phase_i;
	struct hzb_bpf_phase_rep *r = &pr->rep->phase;
	int p, btf = 1, m;

	pi->name = "phase";
	if (d->phase == HZB_PHASE_NONE)
		return;
	for (p = 0; p < HZB_NR_PHASES; p++) {
		r->name[p] = d->p_name[p];
		r->func[p] = d->p_func[p];
		if (p == 1 && hzb_bpf_force_fail("phase")) {
			/* Through the real attach path: a kprobe on nothing. */
			r->func[p] = HZB_NO_SUCH_FUNC;
			btf = 0;
			continue;
		}
		m = func_mech(r->func[p]);
		if (r->func[p] && m < 0) {
			appendf(pi->missing, sizeof(pi->missing), "%snoinline %s", r->func[p]);
			r->func[p] = NULL;
		} else if (m == 0) {
			btf = 0;
		}
	}
	if (d->len_func && func_mech(d->len_func) < 0)
		appendf(pi->missing, sizeof(pi->missing), "%snoinline %s", d->len_func);
	if (!hzb_tracefs_has(d->module, d->done_tp)) {
		pi->state = HZB_PROBE_FAILED;
		snprintf(pi->error, sizeof(pi->error), "no tracepoint %s:%s", d->module, d->done_tp);
		return;
	}
	if (!btf)
		snprintf(pi->fallback, sizeof(pi->fallback), "no module BTF for a phase function");
	if (phase_try(pr, btf, pi)) {
		if (!btf)
			return;
		snprintf(pi->fallback, sizeof(pi->fallback), "%s", pi->error);
		pi->error[0] = '\0';
		btf = 0;
		if (phase_try(pr, 0, pi))
			return;
	}
	pi->state = HZB_PROBE_OK;
	r->have[0] = r->func[0] != NULL || d->phase == HZB_PHASE_PERTASK;
	r->have[1] = r->func[1] != NULL;
	r->have_len = d->len_in_p1 ? r->func[1] != NULL : func_mech(d->len_func) >= 0;
	snprintf(pi->mech, sizeof(pi->mech), "%s on the phase functions, raw_tp %s:%s",
		 btf ? "fentry/fexit" : "kprobe/kretprobe", d->module, d->done_tp);
}

static int phase_read(struct hzb_bpf_probes *pr, struct hzb_bpf_phase_rep *r)
{
	struct scan_phase *s = pr->phase;
	int err;

	err = hzb_u64s_read(s->maps.stats, 0, sizeof(r->st) / 8, (uint64_t *)&r->st);
	if (!err)
		err = hzb_hists_read(s->maps.hists, HZB_PHASE_NR_HISTS, r->h);
	r->misses[0] = hzb_prog_misses(s->progs.p0_fentry) + hzb_prog_misses(s->progs.p0_kprobe);
	r->misses[1] = hzb_prog_misses(s->progs.p1_fentry) + hzb_prog_misses(s->progs.p1_kprobe);
	return err;
}

static int phase_reset(struct hzb_bpf_probes *pr)
{
	struct scan_phase *s = pr->phase;
	int err = hzb_array_reset(s->maps.stats, 1);

	if (!err)
		err = hzb_hists_reset(s->maps.hists, HZB_PHASE_NR_HISTS);
	hzb_hash_clear(s->maps.curs);
	return err;
}

/* ---- lock ----------------------------------------------------------- */

static int cpu_has_hypervisor_bit(void)
{
	char line[4096];
	FILE *f = fopen("/proc/cpuinfo", "r");
	int yes = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		yes = strstr(line, " hypervisor") != NULL;
		break;
	}
	fclose(f);
	return yes;
}

static int lock_seed(struct lock_contention *s, int devfd, uint32_t *nr)
{
	struct hzb_locks l = { .size = sizeof(l) };
	uint64_t *addrs;
	uint32_t i;
	__u8 one = 1;
	int err = 0;

	*nr = 0;
	if (ioctl(devfd, HZB_IOC_LOCKS, &l))
		return -errno;
	if (!l.nr)
		return 0;
	addrs = calloc(l.nr, sizeof(*addrs));
	if (!addrs)
		return -ENOMEM;
	l.cap = l.nr;
	l.addrs = (uintptr_t)addrs;
	if (ioctl(devfd, HZB_IOC_LOCKS, &l)) {
		err = -errno;
		goto out;
	}
	for (i = 0; i < l.cap && i < l.nr && i < HZB_LOCK_MAX_LOCKS; i++) {
		err = bpf_map__update_elem(s->maps.locks, &addrs[i], sizeof(addrs[i]), &one,
					   sizeof(one), BPF_ANY);
		if (err)
			break;
		(*nr)++;
	}
out:
	free(addrs);
	return err;
}

static int lock_try(struct hzb_bpf_probes *pr, int btf, int devfd, struct hzb_probe_info *pi)
{
	const struct hzb_bpf_design *d = pr->d;
	struct hzb_bpf_lock_rep *r = &pr->rep->lock;
	struct lock_contention *s;
	int err, tp_btf = btf && hzb_btf_has_tp("contention_begin") &&
			  hzb_btf_has_tp("contention_end");
	int tp = hzb_tracefs_has("lock", "contention_begin") &&
		 hzb_tracefs_has("lock", "contention_end");

	hzb_bpf_msg_clear();
	s = lock_contention__open();
	if (!s) {
		set_fail(pi, "open lock_contention", -errno);
		return -1;
	}
	s->rodata->targ_design = d->lock;
	/* Per-CPU locks are all known up front; per-task ones come and go. */
	s->rodata->targ_learn = d->lock == HZB_LOCK_DESIGN_PERTASK;
	bpf_program__set_autoload(s->progs.wrap_fentry, btf);
	bpf_program__set_autoload(s->progs.wrap_fexit, btf);
	bpf_program__set_autoload(s->progs.wrap_kprobe, !btf);
	bpf_program__set_autoload(s->progs.wrap_kretprobe, !btf);
	bpf_program__set_autoload(s->progs.cont_fentry, btf && r->have_contended);
	bpf_program__set_autoload(s->progs.cont_fexit, btf && r->have_contended);
	bpf_program__set_autoload(s->progs.cont_kprobe, !btf && r->have_contended);
	bpf_program__set_autoload(s->progs.cont_kretprobe, !btf && r->have_contended);
	bpf_program__set_autoload(s->progs.tp_btf_begin, tp && tp_btf);
	bpf_program__set_autoload(s->progs.tp_btf_end, tp && tp_btf);
	bpf_program__set_autoload(s->progs.raw_tp_begin, tp && !tp_btf);
	bpf_program__set_autoload(s->progs.raw_tp_end, tp && !tp_btf);
	if (btf) {
		bpf_program__set_attach_target(s->progs.wrap_fentry, 0, r->wrapper);
		bpf_program__set_attach_target(s->progs.wrap_fexit, 0, r->wrapper);
		add_link(pr->lock_l, &pr->lock_n, s->progs.wrap_fexit, HZB_LINK_AUTO, r->wrapper);
		add_link(pr->lock_l, &pr->lock_n, s->progs.wrap_fentry, HZB_LINK_AUTO, r->wrapper);
		if (r->have_contended) {
			bpf_program__set_attach_target(s->progs.cont_fentry, 0, r->contended);
			bpf_program__set_attach_target(s->progs.cont_fexit, 0, r->contended);
			add_link(pr->lock_l, &pr->lock_n, s->progs.cont_fexit, HZB_LINK_AUTO,
				 r->contended);
			add_link(pr->lock_l, &pr->lock_n, s->progs.cont_fentry, HZB_LINK_AUTO,
				 r->contended);
		}
	} else {
		add_link(pr->lock_l, &pr->lock_n, s->progs.wrap_kretprobe, HZB_LINK_KRETPROBE,
			 r->wrapper);
		add_link(pr->lock_l, &pr->lock_n, s->progs.wrap_kprobe, HZB_LINK_KPROBE, r->wrapper);
		if (r->have_contended) {
			add_link(pr->lock_l, &pr->lock_n, s->progs.cont_kretprobe,
				 HZB_LINK_KRETPROBE, r->contended);
			add_link(pr->lock_l, &pr->lock_n, s->progs.cont_kprobe, HZB_LINK_KPROBE,
				 r->contended);
		}
	}
	if (tp) {
		add_link(pr->lock_l, &pr->lock_n,
			 tp_btf ? s->progs.tp_btf_end : s->progs.raw_tp_end, HZB_LINK_AUTO,
			 "lock:contention_end");
		add_link(pr->lock_l, &pr->lock_n,
			 tp_btf ? s->progs.tp_btf_begin : s->progs.raw_tp_begin, HZB_LINK_AUTO,
			 "lock:contention_begin");
	}
	err = lock_contention__load(s);
	if (err) {
		set_fail(pi, "load lock_contention", err);
		goto fail;
	}
	err = hzb_hists_reset(s->maps.hists, HZB_LOCK_NR_HISTS);
	if (!err)
		err = lock_seed(s, devfd, &r->nr_seeded);
	if (err) {
		set_fail(pi, "seed the lock addresses (HZB_IOC_LOCKS)", err);
		goto fail;
	}
	r->tp_attached = tp;
	snprintf(pi->mech, sizeof(pi->mech), "%s on %s%s%s; %s lock:contention_begin/end",
		 btf ? "fentry/fexit" : "kprobe/kretprobe", r->wrapper,
		 r->have_contended ? " and " : "", r->have_contended ? r->contended : "",
		 !tp ? "no" : tp_btf ? "tp_btf" : "raw_tp");
	pr->lock = s;
	return 0;
fail:
	pr->lock_n = 0;
	lock_contention__destroy(s);
	return -1;
}

static void lock_open(struct hzb_bpf_probes *pr, int devfd)
{
	const struct hzb_bpf_design *d = pr->d;
	struct hzb_probe_info *pi = &pr->rep->lock_i;
	struct hzb_bpf_lock_rep *r = &pr->rep->lock;
	int m, btf;

	pi->name = "lock";
	if (d->lock == HZB_LOCK_DESIGN_NONE)
		return;
	r->wrapper = d->lock_wrap;
	r->contended = d->lock_cont;
	r->hypervisor = cpu_has_hypervisor_bit();
	/* Forced: a kprobe on nothing, through the real attach path. */
	m = hzb_bpf_force_fail("lock") ? (r->wrapper = HZB_NO_SUCH_FUNC, 0) : func_mech(r->wrapper);
	if (m < 0) {
		pi->state = HZB_PROBE_UNAVAILABLE;
		snprintf(pi->error, sizeof(pi->error),
			 "the module has no function %s to trace (a noinline lock wrapper)",
			 r->wrapper);
		appendf(pi->missing, sizeof(pi->missing), "%snoinline %s", r->wrapper);
		return;
	}
	btf = m;
	m = func_mech(r->contended);
	r->have_contended = m >= 0;
	if (m < 0)
		appendf(pi->missing, sizeof(pi->missing), "%snoinline %s", r->contended);
	else if (m == 0)
		btf = 0;
	if (!btf)
		snprintf(pi->fallback, sizeof(pi->fallback), "no BTF for %s", r->wrapper);
	if (lock_try(pr, btf, devfd, pi)) {
		if (!btf)
			return;
		snprintf(pi->fallback, sizeof(pi->fallback), "%s", pi->error);
		pi->error[0] = '\0';
		if (lock_try(pr, 0, devfd, pi))
			return;
	}
	pi->state = HZB_PROBE_OK;
}

static int lock_read(struct hzb_bpf_probes *pr, struct hzb_bpf_lock_rep *r)
{
	struct lock_contention *s = pr->lock;
	int err;

	err = hzb_u64s_read(s->maps.stats, 0, sizeof(r->st) / 8, (uint64_t *)&r->st);
	if (!err)
		err = hzb_hists_read(s->maps.hists, HZB_LOCK_NR_HISTS, r->h);
	r->wrap_misses = hzb_prog_misses(s->progs.wrap_fentry) +
			 hzb_prog_misses(s->progs.wrap_kprobe);
	r->cont_misses = hzb_prog_misses(s->progs.cont_fentry) +
			 hzb_prog_misses(s->progs.cont_kprobe);
	return err;
}

static int lock_reset(struct hzb_bpf_probes *pr)
{
	struct lock_contention *s = pr->lock;
	int err = hzb_array_reset(s->maps.stats, 1);

	if (!err)
		err = hzb_hists_reset(s->maps.hists, HZB_LOCK_NR_HISTS);
	return err;
}

/* ---- hold ----------------------------------------------------------- */

static int hold_try(struct hzb_bpf_probes *pr, int btf, struct hzb_probe_info *pi)
{
	const struct hzb_bpf_design *d = pr->d;
	struct hzb_bpf_hold_rep *r = &pr->rep->hold;
	struct holders *s;
	int pcpu = d->hold == HZB_HOLD_PERCPU, ptask = d->hold == HZB_HOLD_PERTASK;
	struct hzb_link *l = pr->hold_l;
	size_t *n = &pr->hold_n;
	int err;

	hzb_bpf_msg_clear();
	s = holders__open();
	if (!s) {
		set_fail(pi, "open holders", -errno);
		return -1;
	}
	s->rodata->targ_tgid = (__u32)getpid();
	s->rodata->targ_mode = d->hold;
	if (d->ops_sym)
		s->rodata->targ_ops = hzb_ksym_addr(d->ops_sym, d->module);
	bpf_map__set_max_entries(s->maps.cpus, (__u32)libbpf_num_possible_cpus());

	bpf_program__set_autoload(s->progs.pcpu_overflow_raw, pcpu);
	bpf_program__set_autoload(s->progs.pcpu_migrate_raw, pcpu);
	bpf_program__set_autoload(s->progs.pcpu_unchain_raw, pcpu);
	bpf_program__set_autoload(s->progs.pcpu_mig_fentry, pcpu && btf && r->have_migrate_cost);
	bpf_program__set_autoload(s->progs.pcpu_mig_fexit, pcpu && btf && r->have_migrate_cost);
	bpf_program__set_autoload(s->progs.pcpu_mig_kprobe, pcpu && !btf && r->have_migrate_cost);
	bpf_program__set_autoload(s->progs.pcpu_mig_kretprobe,
				  pcpu && !btf && r->have_migrate_cost);
	bpf_program__set_autoload(s->progs.ptask_overflow_raw, ptask);
	bpf_program__set_autoload(s->progs.ptask_chain_fentry, ptask && btf);
	bpf_program__set_autoload(s->progs.ptask_chain_kprobe, ptask && !btf);
	bpf_program__set_autoload(s->progs.ptask_release_fentry, ptask && btf);
	bpf_program__set_autoload(s->progs.ptask_release_kprobe, ptask && !btf);
	bpf_program__set_autoload(s->progs.switch_btf, btf);
	bpf_program__set_autoload(s->progs.switch_raw, !btf);

	/* Removals before additions, exits before entries. */
	if (pcpu) {
		add_link(l, n, s->progs.pcpu_unchain_raw, HZB_LINK_AUTO,
			 "percpu_hazptr:percpu_hazptr_unchain");
		if (r->have_migrate_cost) {
			add_link(l, n, btf ? s->progs.pcpu_mig_fexit : s->progs.pcpu_mig_kretprobe,
				 HZB_LINK_AUTO, "percpu_hazptr_migrate");
			add_link(l, n, btf ? s->progs.pcpu_mig_fentry : s->progs.pcpu_mig_kprobe,
				 HZB_LINK_AUTO, "percpu_hazptr_migrate");
		}
		add_link(l, n, s->progs.pcpu_migrate_raw, HZB_LINK_AUTO,
			 "percpu_hazptr:percpu_hazptr_migrate");
		add_link(l, n, s->progs.pcpu_overflow_raw, HZB_LINK_AUTO,
			 "percpu_hazptr:percpu_hazptr_overflow");
	}
	if (ptask) {
		add_link(l, n, btf ? s->progs.ptask_release_fentry : s->progs.ptask_release_kprobe,
			 HZB_LINK_AUTO, "pertask_hazptr_release_slow");
		add_link(l, n, s->progs.ptask_overflow_raw, HZB_LINK_AUTO,
			 "pertask_hazptr:pertask_hazptr_overflow");
		add_link(l, n, btf ? s->progs.ptask_chain_fentry : s->progs.ptask_chain_kprobe,
			 HZB_LINK_AUTO, "pertask_hazptr_acquire_overflow");
	}
	add_link(l, n, btf ? s->progs.switch_btf : s->progs.switch_raw, HZB_LINK_AUTO,
		 "sched:sched_switch");
	/* HZB_BPF_FORCE_FAIL=hold: a kprobe on nothing, the real attach path. */
	bpf_program__set_autoload(s->progs.fault_kprobe, hzb_bpf_force_fail("hold"));
	if (hzb_bpf_force_fail("hold"))
		add_link(l, n, s->progs.fault_kprobe, HZB_LINK_KPROBE, HZB_NO_SUCH_FUNC);

	err = holders__load(s);
	if (!err)
		err = hzb_hists_reset(s->maps.hists, HZB_HOLD_NR_HISTS);
	if (err) {
		set_fail(pi, "load holders", err);
		pr->hold_n = 0;
		holders__destroy(s);
		return -1;
	}
	pr->hold = s;
	return 0;
}

static void hold_open(struct hzb_bpf_probes *pr)
{
	const struct hzb_bpf_design *d = pr->d;
	struct hzb_probe_info *pi = &pr->rep->hold_i;
	struct hzb_bpf_hold_rep *r = &pr->rep->hold;
	static const char * const pcpu_tps[] = {
		"percpu_hazptr_overflow", "percpu_hazptr_migrate", "percpu_hazptr_unchain", NULL
	};
	static const char * const ptask_tps[] = { "pertask_hazptr_overflow", NULL };
	const char * const *tps = d->hold == HZB_HOLD_PERCPU ? pcpu_tps :
				  d->hold == HZB_HOLD_PERTASK ? ptask_tps : NULL;
	const char *funcs[3] = { NULL, NULL, NULL };
	int i, btf = hzb_btf_has_tp("sched_switch");

	pi->name = "hold";
	r->mode = d->hold;
	for (i = 0; tps && tps[i]; i++) {
		if (!hzb_tracefs_has(d->module, tps[i])) {
			pi->state = HZB_PROBE_FAILED;
			snprintf(pi->error, sizeof(pi->error), "no tracepoint %s:%s", d->module,
				 tps[i]);
			return;
		}
	}
	if (d->ops_sym && !hzb_ksym_addr(d->ops_sym, d->module)) {
		pi->state = HZB_PROBE_FAILED;
		snprintf(pi->error, sizeof(pi->error), "no symbol %s [%s] in /proc/kallsyms",
			 d->ops_sym, d->module);
		return;
	}
	if (d->hold == HZB_HOLD_PERCPU) {
		r->have_migrate_cost = func_mech("percpu_hazptr_migrate") >= 0;
		if (!r->have_migrate_cost)
			appendf(pi->missing, sizeof(pi->missing), "%snoinline %s",
				"percpu_hazptr_migrate");
		funcs[0] = r->have_migrate_cost ? "percpu_hazptr_migrate" : NULL;
	} else if (d->hold == HZB_HOLD_PERTASK) {
		funcs[0] = "pertask_hazptr_acquire_overflow";
		funcs[1] = "pertask_hazptr_release_slow";
	}
	for (i = 0; i < 3 && funcs[i]; i++) {
		int m = func_mech(funcs[i]);

		if (m < 0) {
			pi->state = HZB_PROBE_FAILED;
			snprintf(pi->error, sizeof(pi->error), "no function %s to trace", funcs[i]);
			return;
		}
		if (!m)
			btf = 0;
	}
	if (!btf)
		snprintf(pi->fallback, sizeof(pi->fallback), "no BTF for a hook of %s", d->design);
	if (hold_try(pr, btf, pi)) {
		if (!btf)
			return;
		snprintf(pi->fallback, sizeof(pi->fallback), "%s", pi->error);
		pi->error[0] = '\0';
		btf = 0;
		if (hold_try(pr, 0, pi))
			return;
	}
	pi->state = HZB_PROBE_OK;
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
	const struct hzb_hold_task_rep *x = a, *y = b;
	uint64_t kx = x->t.overflows + x->t.migrations + x->t.holding_switches;
	uint64_t ky = y->t.overflows + y->t.migrations + y->t.holding_switches;

	return kx < ky ? 1 : kx > ky ? -1 : (x->pid > y->pid) - (x->pid < y->pid);
}

static int hold_read(struct hzb_bpf_probes *pr, struct hzb_bpf_hold_rep *r)
{
	struct holders *s = pr->hold;
	struct hzb_hold_task_rep all[1024];
	uint32_t key, next, i, n = 0, ncpu;
	uint64_t ckey, cnext;
	void *prev = NULL;
	int err, fd;

	err = hzb_u64s_read(s->maps.stats, 0, sizeof(r->st) / 8, (uint64_t *)&r->st);
	if (!err)
		err = hzb_hists_read(s->maps.hists, HZB_HOLD_NR_HISTS, r->h);
	if (err)
		return err;
	r->mig_misses = hzb_prog_misses(s->progs.pcpu_mig_fentry) +
			hzb_prog_misses(s->progs.pcpu_mig_kprobe);
	ncpu = bpf_map__max_entries(s->maps.cpus);
	r->ncpus = ncpu < 64 ? ncpu : 64;
	for (i = 0; i < r->ncpus; i++) {
		err = bpf_map__lookup_elem(s->maps.cpus, &i, sizeof(i), &r->cpu[i],
					   sizeof(r->cpu[i]), 0);
		if (err)
			return err;
	}
	fd = bpf_map__fd(s->maps.tasks);
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
	r->ntop = n < HZB_HOLD_TOP_TASKS ? n : HZB_HOLD_TOP_TASKS;
	memcpy(r->top, all, r->ntop * sizeof(all[0]));
	r->chained_now = 0;
	prev = NULL;
	fd = bpf_map__fd(s->maps.chains);
	while (!bpf_map_get_next_key(fd, prev, &cnext)) {
		r->chained_now++;
		ckey = cnext;
		prev = &ckey;
	}
	return 0;
}

static int hold_reset(struct hzb_bpf_probes *pr)
{
	struct holders *s = pr->hold;
	int err = hzb_array_reset(s->maps.stats, 1);

	if (!err)
		err = hzb_hists_reset(s->maps.hists, HZB_HOLD_NR_HISTS);
	if (!err)
		err = hzb_array_reset(s->maps.cpus, bpf_map__max_entries(s->maps.cpus));
	hzb_hash_clear(s->maps.tasks);
	/* chains, task_chained and off_since describe what is held now: kept. */
	return err;
}

/* ---- the set -------------------------------------------------------- */

void hzb_bpf_report_off(struct hzb_bpf_report *rep, const char *why)
{
	memset(rep, 0, sizeof(*rep));
	rep->phase_i.name = "phase";
	rep->lock_i.name = "lock";
	rep->hold_i.name = "hold";
	snprintf(rep->phase_i.error, sizeof(rep->phase_i.error), "%s", why);
	snprintf(rep->lock_i.error, sizeof(rep->lock_i.error), "%s", why);
	snprintf(rep->hold_i.error, sizeof(rep->hold_i.error), "%s", why);
	snprintf(rep->effect.error, sizeof(rep->effect.error), "%s", why);
}

int hzb_bpf_probes_open(struct hzb_bpf_probes **out, int devfd, const struct hzb_info *info,
			struct hzb_bpf_report *rep)
{
	struct hzb_bpf_probes *pr;
	size_t i;
	int failed = 0;
	char err[512];

	*out = NULL;
	hzb_bpf_report_off(rep, "");
	memset(rep->effect.error, 0, sizeof(rep->effect.error));
	pr = calloc(1, sizeof(*pr));
	if (!pr)
		return -ENOMEM;
	for (i = 0; i < sizeof(bpf_designs) / sizeof(bpf_designs[0]); i++)
		if (!strcmp(bpf_designs[i].design, info->design))
			pr->d = &bpf_designs[i];
	if (!pr->d) {
		free(pr);
		return 0;
	}
	pr->rep = rep;
	hzb_bpf_msgs_begin();
	if (probe_wanted("phase"))
		phase_open(pr);
	if (probe_wanted("lock"))
		lock_open(pr, devfd);
	if (probe_wanted("hold"))
		hold_open(pr);
	hzb_bpf_msgs_end();
	for (i = 0; i < 3; i++) {
		struct hzb_probe_info *pi = i == 0 ? &rep->phase_i : i == 1 ? &rep->lock_i :
					    &rep->hold_i;

		if (pi->state != HZB_PROBE_NA)
			continue;
		if (!probe_wanted(pi->name))
			snprintf(pi->error, sizeof(pi->error), "not selected (--bpf=%s)",
				 hzb_opt.bpf_probes);
		else
			snprintf(pi->error, sizeof(pi->error), "does not apply to %s",
				 info->design);
	}
	if (hzb_bpf_probes_attach(pr, err, sizeof(err))) {
		/* attach() marked the probe that failed */
		(void)err;
	}
	failed = (rep->phase_i.state == HZB_PROBE_FAILED) + (rep->lock_i.state == HZB_PROBE_FAILED) +
		 (rep->hold_i.state == HZB_PROBE_FAILED);
	for (i = 0; i < 3; i++) {
		const struct hzb_probe_info *pi = i == 0 ? &rep->phase_i :
						  i == 1 ? &rep->lock_i : &rep->hold_i;

		if (pi->state == HZB_PROBE_FAILED)
			fprintf(stderr, "hzbench: BPF %s probe failed: %s (--no-bpf runs without it)\n",
				pi->name, pi->error);
	}
	clock_gettime(CLOCK_MONOTONIC, &pr->t0);
	*out = pr;
	return failed;
}

/* Attach one probe's links; on failure the probe is FAILED and unloaded. */
static int attach_one(struct hzb_link *l, size_t *n, struct hzb_probe_info *pi, void **skel,
		      void (*destroy)(void *), char *err, size_t errlen)
{
	int ret;

	if (!*skel)
		return 0;
	ret = hzb_links_attach(l, *n, err, errlen);
	if (!ret)
		return 0;
	pi->state = HZB_PROBE_FAILED;
	snprintf(pi->error, sizeof(pi->error), "%s", err);
	destroy(*skel);
	*skel = NULL;
	*n = 0;
	return ret;
}

static void phase_destroy(void *s) { scan_phase__destroy(s); }
static void lock_destroy(void *s) { lock_contention__destroy(s); }
static void hold_destroy(void *s) { holders__destroy(s); }

int hzb_bpf_probes_attach(struct hzb_bpf_probes *pr, char *err, size_t errlen)
{
	int ret = 0, r;

	if (!pr)
		return 0;
	hzb_bpf_msgs_begin();
	r = attach_one(pr->phase_l, &pr->phase_n, &pr->rep->phase_i, (void **)&pr->phase,
		       phase_destroy, err, errlen);
	ret = ret ?: r;
	r = attach_one(pr->lock_l, &pr->lock_n, &pr->rep->lock_i, (void **)&pr->lock,
		       lock_destroy, err, errlen);
	ret = ret ?: r;
	r = attach_one(pr->hold_l, &pr->hold_n, &pr->rep->hold_i, (void **)&pr->hold,
		       hold_destroy, err, errlen);
	ret = ret ?: r;
	hzb_bpf_msgs_end();
	return ret;
}

void hzb_bpf_probes_detach(struct hzb_bpf_probes *pr)
{
	if (!pr)
		return;
	hzb_links_detach(pr->phase_l, pr->phase_n);
	hzb_links_detach(pr->lock_l, pr->lock_n);
	hzb_links_detach(pr->hold_l, pr->hold_n);
}

int hzb_bpf_probes_reset(struct hzb_bpf_probes *pr)
{
	int err = 0;

	if (!pr)
		return 0;
	if (pr->phase)
		err = err ?: phase_reset(pr);
	if (pr->lock)
		err = err ?: lock_reset(pr);
	if (pr->hold)
		err = err ?: hold_reset(pr);
	clock_gettime(CLOCK_MONOTONIC, &pr->t0);
	return err;
}

int hzb_bpf_probes_read(struct hzb_bpf_probes *pr, struct hzb_bpf_report *rep)
{
	struct timespec t1;
	int err = 0;

	if (!pr)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	rep->seconds = (double)(t1.tv_sec - pr->t0.tv_sec) + (t1.tv_nsec - pr->t0.tv_nsec) / 1e9;
	if (pr->phase && (err = phase_read(pr, &rep->phase)))
		set_fail(&rep->phase_i, "read the scan_phase maps", err);
	if (pr->lock && (err = lock_read(pr, &rep->lock)))
		set_fail(&rep->lock_i, "read the lock_contention maps", err);
	if (pr->hold && (err = hold_read(pr, &rep->hold)))
		set_fail(&rep->hold_i, "read the holders maps", err);
	rep->read = 1;
	return err;
}

void hzb_bpf_probes_close(struct hzb_bpf_probes *pr)
{
	if (!pr)
		return;
	hzb_bpf_probes_detach(pr);
	scan_phase__destroy(pr->phase);
	lock_contention__destroy(pr->lock);
	holders__destroy(pr->hold);
	free(pr);
}
