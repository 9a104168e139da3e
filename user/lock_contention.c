// SPDX-License-Identifier: GPL-2.0
/*
 * Loader of lock_contention (bpf/lock_contention.bpf.c): overflow-lock
 * contention through the design's noinline lock wrapper and its
 * contended path, cross-checked by lock:contention_begin/end on the
 * design's lock addresses (HZB_IOC_LOCKS).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <bpf/libbpf.h>

#include "hzb_json.h"
#include "hzb_probe.h"
#include "lock_contention.skel.h"

struct lock_rep {
	const char *wrapper, *contended;
	int have_contended;
	int tp_attached;
	int hypervisor;		/* CPUID hypervisor bit: contention_* cannot fire */
	uint32_t nr_seeded;	/* addresses from HZB_IOC_LOCKS */
	uint64_t wrap_misses, cont_misses;
	struct hzb_lock_stats st;
	struct hzb_hist h[HZB_LOCK_NR_HISTS];
};

static const char lock_blind[] =
	"wrapper: every acquisition through it, its time includes the trylock and the "
	"probe's own cost, acquisitions that bypass it are invisible; "
	"lock:contention_begin/end: only waits that reach the qspinlock MCS queue (a "
	"single waiter spinning on the pending bit is invisible), and nothing at all "
	"when the CPUID hypervisor bit is set (virt_spin_lock spins untraced)";

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

static int lock_try(struct hzb_probe *p, int btf, int devfd)
{
	struct lock_rep *r = p->rep;
	struct lock_contention *s;
	int err, tp_btf = btf && hzb_btf_has_tp("contention_begin") &&
			  hzb_btf_has_tp("contention_end");
	int tp = hzb_tracefs_has("lock", "contention_begin") &&
		 hzb_tracefs_has("lock", "contention_end");

	hzb_bpf_msg_clear();
	s = lock_contention__open();
	if (!s) {
		hzb_probe_fail(p->info, "open lock_contention", -errno);
		return -1;
	}
	s->rodata->targ_design = p->d->lock;
	/* Per-CPU locks are all known up front; per-task ones come and go. */
	s->rodata->targ_learn = p->d->lock == HZB_LOCK_DESIGN_PERTASK;
	hzb_probe_func(p, btf, 1, r->wrapper, s->progs.wrap_fentry, s->progs.wrap_fexit,
		       s->progs.wrap_kprobe, s->progs.wrap_kretprobe);
	hzb_probe_func(p, btf, r->have_contended, r->contended, s->progs.cont_fentry,
		       s->progs.cont_fexit, s->progs.cont_kprobe, s->progs.cont_kretprobe);
	bpf_program__set_autoload(s->progs.tp_btf_begin, tp && tp_btf);
	bpf_program__set_autoload(s->progs.tp_btf_end, tp && tp_btf);
	bpf_program__set_autoload(s->progs.raw_tp_begin, tp && !tp_btf);
	bpf_program__set_autoload(s->progs.raw_tp_end, tp && !tp_btf);
	if (tp) {
		hzb_probe_link(p, tp_btf ? s->progs.tp_btf_end : s->progs.raw_tp_end,
			       HZB_LINK_AUTO, "lock:contention_end");
		hzb_probe_link(p, tp_btf ? s->progs.tp_btf_begin : s->progs.raw_tp_begin,
			       HZB_LINK_AUTO, "lock:contention_begin");
	}
	err = lock_contention__load(s);
	if (err) {
		hzb_probe_fail(p->info, "load lock_contention", err);
		goto fail;
	}
	err = hzb_hists_reset(s->maps.hists, HZB_LOCK_NR_HISTS);
	if (!err)
		err = lock_seed(s, devfd, &r->nr_seeded);
	if (err) {
		hzb_probe_fail(p->info, "seed the lock addresses (HZB_IOC_LOCKS)", err);
		goto fail;
	}
	r->tp_attached = tp;
	snprintf(p->info->mech, sizeof(p->info->mech),
		 "%s on %s%s%s; %s lock:contention_begin/end",
		 btf ? "fentry/fexit" : "kprobe/kretprobe", r->wrapper,
		 r->have_contended ? " and " : "", r->have_contended ? r->contended : "",
		 !tp ? "no" : tp_btf ? "tp_btf" : "raw_tp");
	p->skel = s;
	return 0;
fail:
	p->nlinks = 0;
	lock_contention__destroy(s);
	return -1;
}

static void lock_open(struct hzb_probe *p, int devfd)
{
	struct hzb_probe_info *pi = p->info;
	struct lock_rep *r = p->rep;
	int m, btf;

	if (p->d->lock == HZB_LOCK_DESIGN_NONE)
		return;
	pi->blind = lock_blind;
	r->wrapper = p->d->lock_wrap;
	r->contended = p->d->lock_cont;
	r->hypervisor = cpu_has_hypervisor_bit();
	/* Forced: a kprobe on nothing, through the real attach path. */
	m = hzb_bpf_force_fail(p->ops->name) ? (r->wrapper = HZB_NO_SUCH_FUNC, 0) :
		hzb_func_mech(r->wrapper);
	if (m < 0) {
		pi->state = HZB_PROBE_UNAVAILABLE;
		snprintf(pi->error, sizeof(pi->error),
			 "the module has no function %s to trace (a noinline lock wrapper)",
			 r->wrapper);
		hzb_probe_missing(pi, r->wrapper);
		return;
	}
	btf = m;
	m = hzb_func_mech(r->contended);
	r->have_contended = m >= 0;
	if (m < 0)
		hzb_probe_missing(pi, r->contended);
	else if (m == 0)
		btf = 0;
	if (!btf)
		snprintf(pi->fallback, sizeof(pi->fallback), "no BTF for %s", r->wrapper);
	hzb_probe_try(p, btf, devfd, lock_try);
}

static int lock_read(struct hzb_probe *p)
{
	struct lock_contention *s = p->skel;
	struct lock_rep *r = p->rep;
	int err;

	err = hzb_stats_hists_read(s->maps.stats, &r->st, sizeof(r->st), s->maps.hists, HZB_LOCK_NR_HISTS,
				   r->h);
	r->wrap_misses = hzb_prog_misses(s->progs.wrap_fentry) +
			 hzb_prog_misses(s->progs.wrap_kprobe);
	r->cont_misses = hzb_prog_misses(s->progs.cont_fentry) +
			 hzb_prog_misses(s->progs.cont_kprobe);
	return err;
}

static int lock_reset(struct hzb_probe *p)
{
	struct lock_contention *s = p->skel;

	return hzb_stats_hists_reset(s->maps.stats, s->maps.hists, HZB_LOCK_NR_HISTS);
}

static void lock_destroy(void *skel)
{
	lock_contention__destroy(skel);
}

static void lock_json(struct hzb_json *j, const void *rep, double seconds)
{
	const struct lock_rep *l = rep;

	(void)seconds;
	hzb_json_str(j, "wrapper", l->wrapper);
	hzb_json_u64(j, "acquisitions", l->st.wrap_entries + l->wrap_misses);
	hzb_json_u64(j, "entry_misses", l->wrap_misses);
	hzb_probe_json_hist(j, "wrapper_ns", &l->h[HZB_LOCK_H_WRAPPER], 1);
	hzb_json_obj_begin(j, "contended");
	hzb_json_bool(j, "measured", l->have_contended);
	if (l->have_contended) {
		hzb_json_str(j, "function", l->contended);
		hzb_json_u64(j, "count", l->st.cont_entries + l->cont_misses);
		hzb_probe_json_hist(j, "wait_ns", &l->h[HZB_LOCK_H_CONTENDED], 1);
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
	hzb_probe_json_hist(j, "wait_ns", &l->h[HZB_LOCK_H_TP], 1);
	hzb_json_obj_end(j);
}

static void lock_text(FILE *f, const char *pfx, const void *rep, double seconds)
{
	const struct lock_rep *l = rep;

	(void)seconds;
	fprintf(f, "%s  %llu acquisitions through %s\n", pfx,
		l->st.wrap_entries + l->wrap_misses, l->wrapper);
	hzb_probe_text_hist(f, pfx, "  time in the wrapper", &l->h[HZB_LOCK_H_WRAPPER], 1, "ns");
	if (l->have_contended)
		hzb_probe_text_hist(f, pfx, "  contended wait", &l->h[HZB_LOCK_H_CONTENDED], 1,
				    "ns");
	if (!l->tp_attached)
		fprintf(f, "%s  lock:contention_*: not available\n", pfx);
	else if (l->hypervisor)
		fprintf(f, "%s  lock:contention_*: cannot fire (CPUID hypervisor bit set: "
			"virt_spin_lock); run with --vm-cpu=max,hypervisor=off\n", pfx);
	else
		hzb_probe_text_hist(f, pfx, "  lock:contention_* queued wait",
				    &l->h[HZB_LOCK_H_TP], 1, "ns");
}

static void lock_checks(struct hzb_checks *cs, const void *rep, const uint64_t *cnt)
{
	const struct lock_rep *l = rep;

	hzb_check_add(cs, "overflow-lock acquisitions", "lock_contention wrapper",
		      (double)(l->st.wrap_entries + l->wrap_misses),
		      (double)cnt[HZB_CNT_LOCK_ACQUIRES], HZB_EXACT, 0,
		      "wrapper entries + runs skipped vs LOCK_ACQUIRES");
	if (l->have_contended) {
		hzb_check_add(cs, "contended acquisitions", "lock_contention contended path",
			      (double)(l->st.cont_entries + l->cont_misses),
			      (double)cnt[HZB_CNT_LOCK_CONTENDED], HZB_EXACT, 0, NULL);
		if (cnt[HZB_CNT_LOCK_WAIT_NS])
			hzb_check_add(cs, "contended wait ns", "lock_contention contended path",
				      (double)l->h[HZB_LOCK_H_CONTENDED].total,
				      (double)cnt[HZB_CNT_LOCK_WAIT_NS], HZB_AT_LEAST, 10,
				      "BPF's window encloses the module's ktime window");
	} else if (cnt[HZB_CNT_LOCK_WAIT_NS]) {
		hzb_check_add(cs, "wrapper ns >= module wait ns", "lock_contention wrapper",
			      (double)l->h[HZB_LOCK_H_WRAPPER].total,
			      (double)cnt[HZB_CNT_LOCK_WAIT_NS], HZB_AT_LEAST, 10,
			      "the wrapper's time holds every contended wait (calls the kernel "
			      "skipped aside)");
	}
	if (l->tp_attached && l->hypervisor == 0) {
		hzb_check_add(cs, "queued waits <= contended", "lock:contention_begin",
			      (double)l->st.tp_begin, (double)cnt[HZB_CNT_LOCK_CONTENDED],
			      HZB_AT_MOST, 0, "the tracepoint sees only waits that reach the queue");
		hzb_check_add(cs, "queued wait ns <= module wait ns", "lock:contention_*",
			      (double)l->h[HZB_LOCK_H_TP].total, (double)cnt[HZB_CNT_LOCK_WAIT_NS],
			      HZB_AT_MOST, 0,
			      "the queued wait lies inside the module's contended window");
	} else if (l->tp_attached) {
		hzb_check_add(cs, "no queued-wait events (hypervisor bit)", "lock:contention_begin",
			      (double)l->st.tp_begin, 0, HZB_EXACT, 0,
			      "virt_spin_lock: the tracepoints cannot fire");
	}
}

const struct hzb_probe_ops hzb_probe_lock_contention = {
	.name = "lock",
	.rep_size = sizeof(struct lock_rep),
	.open = lock_open,
	.attach = hzb_probe_attach,
	.detach = hzb_probe_detach,
	.reset = lock_reset,
	.read = lock_read,
	.destroy = lock_destroy,
	.json = lock_json,
	.text = lock_text,
	.checks = lock_checks,
};
