// SPDX-License-Identifier: GPL-2.0
/*
 * The run: open the design, spawn the task population, attach BPF, then
 * warm-up and repetitions of readers + updaters (each repetition a fresh
 * set of threads entering the module together), then the floors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hzb_bpf.h"
#include "hzb_config.h"
#include "hzb_opts.h"
#include "hzb_report.h"
#include "hzb_run.h"
#include "hzb_tasks.h"
#include "hzb_vm.h"

#define HZB_SAMPLES_CAP		(1U << 20)

struct hzb_floor hzb_floors[] = {
	{ "slot_loop", HZB_CAL_SLOT_LOOP, 100000, 11 },
	/* Not a floor: the design itself, timed in the slot loop's shape. */
	{ "design_loop", HZB_CAL_DESIGN_LOOP, 100000, 11 },
	{ "smp_mb", HZB_CAL_SMP_MB, 100000, 11 },
	{ "task_walk", HZB_CAL_TASK_WALK, 1, 11 },
	/* The walk reading the field the per-task design reads (in-tree proxy). */
	{ "task_walk_field", HZB_CAL_TASK_WALK_FIELD, 1, 11 },
	/* Caches evicted (untimed) before each walk: evict_kb streamed. */
	{ "task_walk_cold", HZB_CAL_TASK_WALK_COLD, 1, 5 },
	/* UML only: 64 walks per sample timed by ktime, against the TSC's one. */
	{ "task_walk_ktime_batch", HZB_CAL_TASK_WALK, 64, 5, .clock = "ktime" },
	{ "percpu_scan", HZB_CAL_PCPU_SCAN, 100000, 11 },
	{ "synchronize_rcu", HZB_CAL_SYNC_RCU, 1, 5 },
	{ "synchronize_rcu_expedited", HZB_CAL_SYNC_RCU_EXP, 1, 11 },
};

const size_t hzb_nr_floors = sizeof(hzb_floors) / sizeof(hzb_floors[0]);

static void append_why(char *why, size_t len, const char *fmt, va_list ap)
{
	size_t n = strlen(why);

	if (n && n + 2 < len) {
		strcpy(why + n, "; ");
		n += 2;
	}
	if (n < len)
		vsnprintf(why + n, len - n, fmt, ap);
}

void hzb_point_fail(struct hzb_point *p, const char *fmt, ...)
{
	va_list ap;

	p->failed = 1;
	va_start(ap, fmt);
	append_why(p->why, sizeof(p->why), fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 2, 3))) rep_fail(struct hzb_rep *rep,
							     const char *fmt, ...)
{
	va_list ap;

	rep->failed = 1;
	va_start(ap, fmt);
	append_why(rep->why, sizeof(rep->why), fmt, ap);
	va_end(ap);
	fprintf(stderr, "hzbench: %s\n", rep->why);
}

uint64_t hzb_bpf_calls(const struct hzb_lat_stats *b)
{
	/*
	 * Under preempt=full the kernel skips a probe run while the same
	 * program is preempted on that CPU; it counts those, so entries
	 * plus misses equals the module's count exactly, while the timed
	 * samples (h.count) may be fewer.
	 */
	return b->entries + b->enter_misses;
}

double hzb_ns_per_acquire(const struct hzb_reader *r)
{
	uint64_t ops = r->acquires + r->null_acquires;

	/* elapsed is summed over threads: the per-thread average cost. */
	return ops ? (double)r->elapsed_ns / (double)ops : NAN;
}

/*
 * One reader per CPU the updaters leave free (at least one): an updater
 * whose CPU is shared with a busy reader gets preempted mid-scan, and a
 * multi-millisecond task walk then measures the scheduler.
 */
int hzb_default_readers(int updaters)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (ncpu < 1)
		ncpu = 1;
	return ncpu - updaters > 1 ? (int)(ncpu - updaters) : 1;
}

int hzb_oversubscribed(const struct hzb_point *p)
{
	return p->nr_readers + p->nr_updaters + p->nr_hogs > sysconf(_SC_NPROCESSORS_ONLN);
}

int hzb_open_design(const struct hzb_design *d)
{
	char why[512];
	int fd = hzb_dev_open(d);

	if (fd >= 0)
		return fd;
	if (fd == -ENOENT && hzb_can_load_modules(why, sizeof(why))) {
		hzb_say("loading %s/%s", HZB_KMOD_DIR, d->module);
		if (hzb_load_module(d, why, sizeof(why)) == 0)
			fd = hzb_dev_open(d);
		else
			fprintf(stderr, "hzbench: %s\n", why);
	}
	if (fd < 0)
		fprintf(stderr, "hzbench: cannot open /dev/%s: %s\n"
			"hzbench: load %s (insmod %s/%s) or run in the VM with --vm\n",
			d->device, strerror(-fd), d->module, HZB_KMOD_DIR, d->module);
	return fd;
}

/* A summary of per-sample figures, divided into per-operation ones. */
static void summary_div(struct hzb_summary *s, double per)
{
	s->avg /= per;
	s->min /= per;
	s->p50 /= per;
	s->p90 /= per;
	s->p99 /= per;
	s->p999 /= per;
	s->max /= per;
}

int hzb_measure_floor(const struct hzb_design *d, int fd, struct hzb_floor *f)
{
	uint64_t *v = calloc(f->samples, sizeof(*v));
	struct hzb_calibrate c = {
		.size = sizeof(c), .op = f->op, .loops = f->loops,
		.samples_cap = f->samples, .samples = (uintptr_t)v,
	};
	char clock[16] = "";

	if (!v)
		return -ENOMEM;
	f->skipped = 0;
	f->err = 0;
	if (f->clock && (hzb_module_param_get(d, "clock", clock, sizeof(clock)) ||
			 strcmp(clock, "tsc") || hzb_module_param_set(d, "clock", f->clock))) {
		f->skipped = 1;
		f->err = EOPNOTSUPP;
		goto out;
	}
	if (ioctl(fd, HZB_IOC_CALIBRATE, &c))
		f->err = errno;
	if (f->clock && hzb_module_param_set(d, "clock", clock))
		fprintf(stderr, "hzbench: could not set the module clock back to %s\n", clock);
	if (f->err)
		goto out;
	f->tasks = c.tasks;
	hzb_summarize(v, f->samples, &f->s);
	/* Per operation, not per sample. */
	summary_div(&f->s, (double)f->loops);
out:
	free(v);
	return -f->err;
}

struct reader_thread {
	pthread_t thread;
	int id, fd, err;
	struct hzb_reader r;
	uint64_t uc_op_ns;		/* use case: time in acquire + release */
	int uc_not_held;
};

const char * const hzb_usecase_names[] = { "none", "refcount", "lazy-mm", "hash", NULL };

unsigned int hzb_usecase_objects(void)
{
	if (hzb_opt.objects)
		return hzb_opt.objects;
	switch (hzb_opt.usecase) {
	case HZB_UC_REFCOUNT:
		return 16;	/* a few hot objects */
	case HZB_UC_LAZY_MM:
		return 64;	/* mms of the tasks the CPUs switch between */
	default:
		return 1024;	/* a hash table's objects */
	}
}

/* ioctl(): 0 or the errno. */
static int dev_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

/*
 * HZB_IOC_USECASE as @role for @duration_ns, @u holding the role's own
 * inputs; the figures come back in @u.  Returns 0 or an errno.
 */
static int usecase_ioctl(int fd, uint32_t role, uint64_t duration_ns, struct hzb_usecase *u)
{
	u->size = sizeof(*u);
	u->mode = (uint32_t)hzb_opt.usecase;
	u->role = role;
	u->objects = hzb_usecase_objects();
	u->duration_ns = duration_ns;
	return dev_ioctl(fd, HZB_IOC_USECASE, u);
}

/*
 * A use-case reader, its figures put where a plain reader's go: lookups
 * or switches as sections.
 */
static int usecase_reader(struct reader_thread *t)
{
	struct hzb_usecase u = { 0 };
	int err;

	if (hzb_opt.usecase == HZB_UC_LAZY_MM)
		u.sleep_us = hzb_opt.sleep_us ? hzb_opt.sleep_us : 1;
	else
		u.hold_ns = t->r.hold_ns;
	err = usecase_ioctl(t->fd, HZB_UC_READER, t->r.duration_ns, &u);
	if (err)
		return err;
	t->r.sections = u.ops;
	t->r.acquires = u.acquires;
	t->r.null_acquires = u.null_acquires;
	t->r.violations = u.violations;
	t->r.elapsed_ns = u.elapsed_ns;
	t->r.ctx_switches = u.ctx_switches;
	t->uc_op_ns = u.op_ns_total;
	t->uc_not_held = !!(u.out_flags & HZB_UCF_NOT_HELD);
	return 0;
}

struct updater_thread {
	pthread_t thread;
	int id, fd, err;
	struct hzb_updater u;
	uint64_t *samples;
	uint64_t *reclaim;		/* --retire=async: reclaim latencies */
};

/* Reclaim-latency samples kept per updater and repetition, and per point. */
#define HZB_RECLAIM_CAP		(1U << 18)
#define HZB_RECLAIM_POOL_CAP	((size_t)4 << 20)

/* Add @x's reclaim figures into @r: counts summed, peaks the larger. */
static void add_retire(struct hzb_retire_rep *r, const struct hzb_retire_rep *x)
{
	if (x->backlog_peak > r->backlog_peak) {
		r->backlog_peak = x->backlog_peak;
		r->backlog_peak_bytes = x->backlog_peak_bytes;
	}
	r->reclaimed += x->reclaimed;
	r->async_waits += x->async_waits;
	if (x->reclaim_ns_max > r->reclaim_ns_max)
		r->reclaim_ns_max = x->reclaim_ns_max;
}

static pthread_barrier_t start_barrier;
static volatile int hogs_stop;

/*
 * --pin: reader i on CPU i % nr_cpus counting up from the first CPU,
 * updater i (@from_last) counting down from the last, so that without
 * oversubscription no two threads share a CPU and a point lands on the
 * same CPUs in every repetition and boot.
 */
static void pin_self(int i, bool from_last)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;

	if (ncpu < 1)
		ncpu = 1;
	CPU_ZERO(&set);
	CPU_SET(from_last ? ncpu - 1 - i % ncpu : i % ncpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *reader_main(void *arg)
{
	struct reader_thread *t = arg;

	if (hzb_opt.pin)
		pin_self(t->id, false);
	pthread_barrier_wait(&start_barrier);
	t->err = hzb_opt.usecase ? usecase_reader(t) : dev_ioctl(t->fd, HZB_IOC_READER, &t->r);
	return NULL;
}

/*
 * A use-case updater: deletions, timed as synchronize calls are (the
 * samples land in t->samples); run_rep() reads updates, syncs, samples_n.
 */
static int usecase_updater(struct updater_thread *t)
{
	struct hzb_usecase u = {
		.interval_ns = t->u.interval_ns, .samples_cap = t->u.samples_cap,
		.samples = t->u.samples,
	};
	int err = usecase_ioctl(t->fd, HZB_UC_UPDATER, t->u.duration_ns, &u);

	if (err)
		return err;
	t->u.updates = u.ops;
	t->u.syncs = u.ops;
	t->u.samples_n = u.samples_n;
	return 0;
}

static void *updater_main(void *arg)
{
	struct updater_thread *t = arg;

	if (hzb_opt.pin)
		pin_self(t->id, true);
	pthread_barrier_wait(&start_barrier);
	t->err = hzb_opt.usecase ? usecase_updater(t) : dev_ioctl(t->fd, HZB_IOC_UPDATER, &t->u);
	return NULL;
}

/* A runnable CPU hog, so that readers get preempted while holding. */
static void *hog_main(void *arg)
{
	(void)arg;
	while (!hogs_stop)
		;
	return NULL;
}

static void add_reader(struct hzb_reader *sum, const struct hzb_reader *r)
{
	sum->sections += r->sections;
	sum->acquires += r->acquires;
	sum->null_acquires += r->null_acquires;
	sum->violations += r->violations;
	sum->ctx_switches += r->ctx_switches;
	sum->elapsed_ns += r->elapsed_ns;
}

static void add_bpf(struct hzb_lat_stats *sum, const struct hzb_lat_stats *b)
{
	memcpy(sum->mech, b->mech, sizeof(sum->mech));
	sum->entries += b->entries;
	sum->unmatched += b->unmatched;
	sum->drops += b->drops;
	sum->enter_misses += b->enter_misses;
	sum->exit_misses += b->exit_misses;
	sum->pending += b->pending;
	sum->lost_exits += b->lost_exits;
	hzb_hist_merge(&sum->h, &b->h);
}

static void progress_wait(const char *what, double seconds)
{
	double t0 = hzb_now_s(), last = t0;

	while (hzb_now_s() - t0 < seconds) {
		usleep(100000);
		if (seconds > 3 && hzb_now_s() - last >= 5) {
			last = hzb_now_s();
			hzb_say("%s: %.0f/%.0f s", what, hzb_now_s() - t0, seconds);
		}
	}
}

/* One repetition's threads, their samples and the descriptor it counts on. */
struct rep_threads {
	struct reader_thread *readers;
	struct updater_thread *updaters;
	uint64_t *samples;		/* HZB_SAMPLES_CAP per updater */
	uint64_t *reclaim;		/* --retire=async: HZB_RECLAIM_CAP per updater */
	size_t reclaim_n;
	int fd;
};

/* --retire=async: updater @i hands its batches to the engine's worker. */
static void retire_async_init(struct rep_threads *rt, struct updater_thread *t, int i)
{
	if (!rt->reclaim)
		return;
	t->reclaim = rt->reclaim + (size_t)i * HZB_RECLAIM_CAP;
	t->u.flags |= HZB_UPD_ASYNC;
	t->u.reclaim_samples = (uintptr_t)t->reclaim;
	t->u.reclaim_samples_cap = HZB_RECLAIM_CAP;
}

/* Sum updater @t's reclaim figures; compact its latencies behind the others'. */
static void retire_async_join(struct rep_threads *rt, struct updater_thread *t,
			      struct hzb_rep *rep)
{
	struct hzb_retire_rep x = {
		.backlog_peak = t->u.backlog_peak, .backlog_peak_bytes = t->u.backlog_peak_bytes,
		.reclaimed = t->u.reclaimed, .async_waits = t->u.async_waits,
		.reclaim_ns_max = t->u.reclaim_ns_max,
	};

	if (!t->reclaim)
		return;
	add_retire(&rep->retire, &x);
	memmove(rt->reclaim + rt->reclaim_n, t->reclaim,
		t->u.reclaim_samples_n * sizeof(*rt->reclaim));
	rt->reclaim_n += t->u.reclaim_samples_n;
}

/* The repetition's reclaim summary; the point pools its probe-free ones. */
static void retire_async_done(struct hzb_point *p, struct rep_threads *rt, struct hzb_rep *rep)
{
	if (!rt->reclaim)
		return;
	if (rep >= p->rep && rep < p->rep + p->reps) {
		add_retire(&p->retire, &rep->retire);
		if (!p->reclaim_pool)
			p->reclaim_pool = calloc(HZB_RECLAIM_POOL_CAP, sizeof(*p->reclaim_pool));
		if (p->reclaim_pool && p->reclaim_n + rt->reclaim_n <= HZB_RECLAIM_POOL_CAP) {
			memcpy(p->reclaim_pool + p->reclaim_n, rt->reclaim,
			       rt->reclaim_n * sizeof(*rt->reclaim));
			p->reclaim_n += rt->reclaim_n;
		}
	}
	hzb_summarize(rt->reclaim, rt->reclaim_n, &rep->retire.reclaim);
}

/* Each reader's and updater's descriptor and ioctl argument. */
static void rep_threads_init(const struct hzb_point *p, struct rep_threads *rt)
{
	uint64_t dur_ns = (uint64_t)(hzb_opt.duration_s * 1e9);
	int i;

	for (i = 0; i < p->nr_readers; i++) {
		struct reader_thread *t = &rt->readers[i];

		t->id = i;
		t->fd = hzb_dev_open(p->design);
		t->r = (struct hzb_reader){
			.size = sizeof(t->r), .duration_ns = dur_ns, .nest = hzb_opt.nest,
			.hold_ns = (uint32_t)hzb_opt.hold_ns,
		};
		if (hzb_opt.preempt == PREEMPT_SLEEP) {
			t->r.flags |= HZB_READ_SLEEP;
			t->r.sleep_us = hzb_opt.sleep_us;
		} else if (hzb_opt.preempt == PREEMPT_YIELD) {
			t->r.flags |= HZB_READ_YIELD;
		}
	}
	for (i = 0; i < p->nr_updaters; i++) {
		struct updater_thread *t = &rt->updaters[i];

		t->id = i;
		t->fd = hzb_dev_open(p->design);
		t->samples = rt->samples + (size_t)i * HZB_SAMPLES_CAP;
		t->u = (struct hzb_updater){
			.size = sizeof(t->u), .duration_ns = dur_ns,
			.flags = hzb_opt.cold ? HZB_UPD_COLD : 0,
			.interval_ns = hzb_opt.interval_ns, .batch = hzb_opt.batch,
			.samples_cap = HZB_SAMPLES_CAP, .samples = (uintptr_t)t->samples,
		};
		retire_async_init(rt, t, i);
	}
}

/*
 * Join the threads and sum their figures into @rep; the updaters' samples
 * are compacted at the front of rt->samples.  Returns how many.
 */
static size_t rep_threads_join(struct hzb_point *p, struct rep_threads *rt, struct hzb_rep *rep)
{
	size_t n = 0;
	int i;

	for (i = 0; i < p->nr_readers; i++) {
		struct reader_thread *t = &rt->readers[i];

		pthread_join(t->thread, NULL);
		close(t->fd);
		if (t->err)
			rep_fail(rep, "reader %d: %s", i, strerror(t->err));
		add_reader(&rep->rsum, &t->r);
		rep->uc_op_ns += t->uc_op_ns;
		rep->uc_not_held |= t->uc_not_held;
		if (p->per_thread)
			p->per_thread[i] = t->r;
	}
	for (i = 0; i < p->nr_updaters; i++) {
		struct updater_thread *t = &rt->updaters[i];

		pthread_join(t->thread, NULL);
		close(t->fd);
		if (t->err) {
			rep_fail(rep, "updater %d: %s", i, strerror(t->err));
			continue;
		}
		rep->updates += t->u.updates;
		rep->syncs += t->u.syncs;
		/* Compact this updater's samples behind the previous ones. */
		memmove(rt->samples + n, t->samples, t->u.samples_n * sizeof(*rt->samples));
		n += t->u.samples_n;
		retire_async_join(rt, t, rep);
	}
	return n;
}

/*
 * One repetition.  The module times each synchronize; the samples are
 * appended to @pool (capacity @pool_cap) for the point's pooled summary.
 */
static int run_rep(struct hzb_point *p, struct hzb_bpf_sync *bpf,
		   struct hzb_rep *rep, const char *label,
		   uint64_t *pool, size_t pool_cap, size_t *pool_n)
{
	struct rep_threads rt = {
		.readers = calloc((size_t)p->nr_readers + 1, sizeof(*rt.readers)),
		.updaters = calloc((size_t)p->nr_updaters + 1, sizeof(*rt.updaters)),
		.samples = calloc(HZB_SAMPLES_CAP * (size_t)(p->nr_updaters + 1),
				  sizeof(*rt.samples)),
		.fd = hzb_dev_open(p->design),
		.reclaim = hzb_opt.retire_async && !hzb_opt.usecase ?
			   calloc(HZB_RECLAIM_CAP * (size_t)(p->nr_updaters + 1),
				  sizeof(*rt.reclaim)) : NULL,
	};
	uint64_t before[HZB_NR_COUNTERS];
	double t0 = hzb_now_s();
	size_t n, k;
	int i, ret = -1;

	memset(rep, 0, sizeof(*rep));
	if (!rt.readers || !rt.updaters || !rt.samples || rt.fd < 0 ||
	    (hzb_opt.retire_async && !hzb_opt.usecase && !rt.reclaim)) {
		fprintf(stderr, "hzbench: cannot set up a repetition: %s\n",
			rt.fd < 0 ? strerror(-rt.fd) : "out of memory");
		goto out;
	}
	rep_threads_init(p, &rt);
	hzb_counters_read(rt.fd, before);
	pthread_barrier_init(&start_barrier, NULL,
			     (unsigned int)(p->nr_readers + p->nr_updaters + 1));
	for (i = 0; i < p->nr_readers; i++)
		pthread_create(&rt.readers[i].thread, NULL, reader_main, &rt.readers[i]);
	for (i = 0; i < p->nr_updaters; i++)
		pthread_create(&rt.updaters[i].thread, NULL, updater_main, &rt.updaters[i]);
	pthread_barrier_wait(&start_barrier);
	progress_wait(label, hzb_opt.duration_s);
	n = rep_threads_join(p, &rt, rep);
	pthread_barrier_destroy(&start_barrier);
	hzb_counters_read(rt.fd, rep->cnt);
	for (k = 0; k < HZB_NR_COUNTERS; k++)
		rep->cnt[k] -= before[k];
	if (bpf && (hzb_bpf_sync_read(bpf, &rep->bpf) || hzb_bpf_sync_reset(bpf)))
		rep_fail(rep, "reading the BPF maps failed");
	if (pool && *pool_n + n <= pool_cap) {
		memcpy(pool + *pool_n, rt.samples, n * sizeof(*rt.samples));
		*pool_n += n;
	}
	hzb_summarize(rt.samples, n, &rep->sync);
	retire_async_done(p, &rt, rep);
	if (rep->rsum.violations)
		rep_fail(rep, "FAIL: readers saw %" PRIu64
			 " freed objects: synchronize returned while they held them",
			 (uint64_t)rep->rsum.violations);
	rep->wall_s = hzb_now_s() - t0;
	ret = rep->failed ? -1 : 0;
out:
	free(rt.readers);
	free(rt.updaters);
	free(rt.samples);
	free(rt.reclaim);
	if (rt.fd >= 0)
		close(rt.fd);
	return ret;
}

/* Attach or detach every probe between repetitions (no reader is inside). */
static int probes_switch(struct hzb_point *p, struct hzb_bpf_sync *bpf,
			 struct hzb_bpf_probes *probes, int on)
{
	char err[256];
	int ret;

	if (!on) {
		if (bpf)
			hzb_bpf_sync_detach(bpf);
		hzb_bpf_probes_detach(probes);
		return 0;
	}
	if (bpf && (ret = hzb_bpf_sync_attach(bpf))) {
		hzb_point_fail(p, "re-attaching the synchronize probe: %s", strerror(-ret));
		return ret;
	}
	if (hzb_bpf_probes_attach(probes, err, sizeof(err))) {
		hzb_point_fail(p, "re-attaching the BPF probes: %s", err);
		return -EIO;
	}
	return 0;
}

static int setup_point(struct hzb_point *p, const char *variant, int *fdp)
{
	const struct hzb_design *d = p->design;
	int fd, ret;

	fd = hzb_open_design(d);
	if (fd < 0)
		return 1;
	*fdp = fd;
	ret = hzb_set_variant(fd, variant);
	if (ret) {
		fprintf(stderr, "hzbench: variant \"%s\" rejected by %s: %s\n",
			variant, d->name, strerror(-ret));
		if (!hzb_info(fd, &p->info))
			fprintf(stderr, "hzbench: %s knobs: %s\n", d->name, p->info.knobs);
		return 2;
	}
	ret = hzb_info(fd, &p->info);
	if (ret) {
		fprintf(stderr, "hzbench: INFO: %s\n", strerror(-ret));
		return 1;
	}
	if ((hzb_opt.preempt == PREEMPT_SLEEP || hzb_opt.preempt == PREEMPT_YIELD) &&
	    !(p->info.features & HZB_FEAT_SLEEP_IN_READER)) {
		fprintf(stderr, "hzbench: %s readers may not sleep or yield while holding\n",
			d->name);
		return 2;
	}
	return 0;
}

/*
 * hzb_cmd_run's state, from setup to teardown: every step below fills or
 * uses it, and run_teardown() releases whatever a step got, once.
 */
struct run_ctx {
	struct hzb_point pt;
	const struct hzb_series *series;
	int shared;			/* its module also serves another series */
	char json[4096], text[4096];	/* --json, --text with {series} filled in */
	int fd;
	struct hzb_tasks tasks;
	struct hzb_bpf_sync *bpf;
	struct hzb_bpf_probes *probes;
	pthread_t *hogs;
	uint64_t *pool, *seg_pool;	/* every repetition's (segment's) samples */
	size_t pool_n, seg_pool_n, pool_cap;
	double t0;
	char label[128];
};

static int run_spawn_tasks(struct run_ctx *c)
{
	if (!hzb_opt.tasks)
		return 0;
	hzb_say("spawning %lu idle tasks (%s)", hzb_opt.tasks,
		hzb_task_kind_name(hzb_opt.task_kind));
	hzb_tasks_dev_fd = c->fd;
	if (hzb_tasks_spawn(&c->tasks, hzb_opt.tasks, hzb_opt.task_kind, !hzb_opt.quiet))
		return 1;
	hzb_say("spawned %zu tasks in %.2f s", c->tasks.n, c->tasks.spawn_s);
	c->pt.tasks_spawned = c->tasks.n;
	c->pt.spawn_s = c->tasks.spawn_s;
	return 0;
}

/* The design's device, its variant and INFO, the repetitions' arrays, the tasks. */
static int run_setup(struct run_ctx *c, int spawn)
{
	struct hzb_point *p = &c->pt;
	int ret = setup_point(p, c->series->variant, &c->fd);

	if (ret)
		return ret;
	p->reps = hzb_opt.reps;
	p->warmup = hzb_opt.warmup;
	p->nr_updaters = hzb_opt.updaters;
	p->nr_readers = hzb_opt.readers >= 0 ? hzb_opt.readers : hzb_default_readers(p->nr_updaters);
	p->rep = calloc(p->reps, sizeof(*p->rep));
	p->per_thread = calloc((size_t)p->nr_readers + 1, sizeof(*p->per_thread));
	c->pool_cap = (size_t)4 << 20;
	c->pool = calloc(c->pool_cap, sizeof(*c->pool));
	if (!p->rep || !p->per_thread || !c->pool)
		return 1;
	return spawn ? run_spawn_tasks(c) : 0;
}

/* The synchronize probe and the others; a probe failing fails the point. */
static void run_open_bpf(struct run_ctx *c)
{
	static int uml_no_bpf;		/* asked for in UML: every series says why not */
	struct hzb_point *p = &c->pt;

	if (hzb_opt.bpf && hzb_in_uml()) {
		/* UML has no BPF trampolines or kprobes: not a failure. */
		hzb_say("BPF: unavailable (uml)");
		hzb_opt.bpf = 0;
		uml_no_bpf = 1;
	}
	if (uml_no_bpf)
		p->bpf_unavailable = "uml";
	if (!hzb_opt.bpf)
		return;
	if (hzb_bpf_sync_open(&c->bpf, p->info.sync_func, p->bpf_error, sizeof(p->bpf_error))) {
		fprintf(stderr, "hzbench: BPF probe on %s failed: %s (--no-bpf runs without it)\n",
			p->info.sync_func, p->bpf_error);
		hzb_point_fail(p, "BPF probe on %s failed: %s", p->info.sync_func, p->bpf_error);
		c->bpf = NULL;
	} else {
		p->bpf_attached = 1;
	}
	p->bpfx = calloc(1, sizeof(*p->bpfx));
	if (p->bpfx && hzb_bpf_probes_open(&c->probes, c->fd, &p->info, p->bpfx) > 0)
		hzb_point_fail(p, "a BPF probe failed to attach (bpf.probes says which)");
}

static void run_start_hogs(struct run_ctx *c)
{
	struct hzb_point *p = &c->pt;
	int i;

	if (hzb_opt.preempt != PREEMPT_OVERCOMMIT)
		return;
	p->nr_hogs = 3 * (int)sysconf(_SC_NPROCESSORS_ONLN);
	c->hogs = calloc((size_t)p->nr_hogs, sizeof(*c->hogs));
	hogs_stop = 0;
	for (i = 0; c->hogs && i < p->nr_hogs; i++)
		pthread_create(&c->hogs[i], NULL, hog_main, NULL);
}

static void run_stop_hogs(struct run_ctx *c)
{
	int i;

	if (!c->hogs)
		return;
	hogs_stop = 1;
	for (i = 0; i < c->pt.nr_hogs; i++)
		pthread_join(c->hogs[i], NULL);
	free(c->hogs);
	c->hogs = NULL;
}

static void run_close_bpf(struct run_ctx *c)
{
	hzb_bpf_probes_close(c->probes);
	c->probes = NULL;
	if (c->bpf)
		hzb_bpf_sync_close(c->bpf);
	c->bpf = NULL;
}

/*
 * The headline figures come from probe-free repetitions; the BPF
 * figures from a segment of the same workload beside each of them,
 * in ABBA order (off on, on off, ...) so that a drift cancels.
 */
static int run_plan_segments(struct run_ctx *c)
{
	struct hzb_point *p = &c->pt;

	p->probes_on_headline = hzb_opt.bpf_always || !(c->bpf || c->probes);
	if (p->probes_on_headline)
		return 0;
	p->nr_segs = p->reps;
	p->seg_s = hzb_opt.bpf_seg_s > 0 ? hzb_opt.bpf_seg_s : hzb_opt.duration_s;
	p->seg = calloc(p->nr_segs, sizeof(*p->seg));
	c->seg_pool = calloc(c->pool_cap, sizeof(*c->seg_pool));
	if (!p->seg || !c->seg_pool)
		return 1;
	probes_switch(p, c->bpf, c->probes, 0);
	return 0;
}

/* Series of one module take turns: put the module in this one's variant. */
static void run_own_variant(struct run_ctx *c, const char *when)
{
	int ret;

	if (c->shared && (ret = hzb_set_variant(c->fd, c->series->variant)))
		hzb_point_fail(&c->pt, "%s: variant \"%s\": %s", when, c->series->variant,
			       strerror(-ret));
}

static void run_warmup(struct run_ctx *c)
{
	struct hzb_point *p = &c->pt;
	struct hzb_rep warm;
	unsigned int r;

	run_own_variant(c, "warm-up");
	for (r = 0; r < p->warmup; r++) {
		snprintf(c->label, sizeof(c->label), "%s warm-up %u/%u", p->design->name, r + 1,
			 p->warmup);
		if (run_rep(p, p->probes_on_headline ? c->bpf : NULL, &warm, c->label, NULL, 0, NULL))
			hzb_point_fail(p, "%s: %s", c->label, warm.why);
	}
}

/* Repetition @r's BPF segment: every probe attached, for --bpf-duration. */
static int run_segment(struct run_ctx *c, unsigned int r)
{
	struct hzb_point *p = &c->pt;
	struct hzb_reader *per_thread = p->per_thread;
	double duration = hzb_opt.duration_s;
	size_t before = c->seg_pool_n, k;

	if (probes_switch(p, c->bpf, c->probes, 1))
		return -1;
	snprintf(c->label, sizeof(c->label), "%s BPF segment %u/%u", p->design->name, r + 1,
		 p->nr_segs);
	p->per_thread = NULL;
	hzb_opt.duration_s = p->seg_s;
	if (run_rep(p, c->bpf, &p->seg[r], c->label, c->seg_pool, c->pool_cap, &c->seg_pool_n))
		hzb_point_fail(p, "%s: %s", c->label, p->seg[r].why);
	hzb_opt.duration_s = duration;
	p->per_thread = per_thread;
	probes_switch(p, c->bpf, c->probes, 0);
	if (p->bpfx)
		hzb_bpf_effect_seg(&p->bpfx->effect, 1, c->seg_pool + before,
				   c->seg_pool_n - before, p->seg_s);
	for (k = 0; k < HZB_NR_COUNTERS; k++)
		p->seg_cnt[k] += p->seg[r].cnt[k];
	add_bpf(&p->bpf, &p->seg[r].bpf);
	return 0;
}

/* Repetition @r itself: the headline figures, probe-free unless --bpf-mode=always. */
static void run_headline(struct run_ctx *c, unsigned int r)
{
	struct hzb_point *p = &c->pt;
	struct hzb_rep *rep = &p->rep[r];
	size_t before = c->pool_n;

	snprintf(c->label, sizeof(c->label), "%s rep %u/%u", p->design->name, r + 1, p->reps);
	if (run_rep(p, p->probes_on_headline ? c->bpf : NULL, rep, c->label, c->pool, c->pool_cap,
		    &c->pool_n))
		hzb_point_fail(p, "%s: %s", c->label, rep->why);
	if (p->nr_segs && p->bpfx)
		hzb_bpf_effect_seg(&p->bpfx->effect, 0, c->pool + before, c->pool_n - before,
				   hzb_opt.duration_s);
}

/* Repetition @r's figures into the point's sums. */
static void point_add_rep(struct hzb_point *p, const struct hzb_rep *rep)
{
	size_t k;

	add_reader(&p->rsum, &rep->rsum);
	p->uc_op_ns += rep->uc_op_ns;
	p->uc_not_held |= rep->uc_not_held;
	p->updates += rep->updates;
	p->syncs += rep->syncs;
	for (k = 0; k < HZB_NR_COUNTERS; k++)
		p->cnt[k] += rep->cnt[k];
	if (p->probes_on_headline)
		add_bpf(&p->bpf, &rep->bpf);
}

/* Repetition @r and its BPF segment. */
static void run_one_rep(struct run_ctx *c, unsigned int r)
{
	struct hzb_point *p = &c->pt;
	const struct hzb_rep *rep = &p->rep[r];
	int half;

	run_own_variant(c, "repetition");
	for (half = 0; half < (p->nr_segs ? 2 : 1); half++) {
		/* ABBA: rep 0 off then on, rep 1 on then off, ... */
		if (!(p->nr_segs && (half ^ (r & 1))))
			run_headline(c, r);
		else if (run_segment(c, r))
			break;
	}
	if (p->reps > 1)
		hzb_say("%s: synchronize p50 %.0f ns, acquire+release %.2f ns/op", c->label,
			rep->sync.p50, hzb_ns_per_acquire(&rep->rsum));
	point_add_rep(p, rep);
}

/*
 * Every series' repetitions, interleaved: repetition r of each series in
 * turn, in the opposite order for odd r (A B, B A, ...), so that a drift
 * within the boot falls on every series alike.
 */
static void run_reps(struct run_ctx *c, int n)
{
	unsigned int r;
	int k;

	for (k = 0; k < n; k++)
		hzb_bpf_probes_reset(c[k].probes);
	for (r = 0; r < c[0].pt.reps; r++)
		for (k = 0; k < n; k++)
			run_one_rep(&c[r & 1 ? n - 1 - k : k], r);
}

/* Probes read and closed, hogs stopped, the pooled samples summarized. */
static void run_finish_reps(struct run_ctx *c)
{
	struct hzb_point *p = &c->pt;

	if (c->probes && hzb_bpf_probes_read(c->probes, p->bpfx))
		hzb_point_fail(p, "reading the BPF probes failed");
	if (p->nr_segs && p->bpfx)
		/* The probes saw only the segments: rates are per segment second. */
		p->bpfx->seconds = p->seg_s * p->nr_segs;
	run_close_bpf(c);
	run_stop_hogs(c);
	hzb_summarize(c->pool, c->pool_n, &p->sync);
	if (p->reclaim_pool) {
		hzb_summarize(p->reclaim_pool, p->reclaim_n, &p->retire.reclaim);
		free(p->reclaim_pool);
		p->reclaim_pool = NULL;
	}
	if (p->nr_segs) {
		hzb_summarize(c->seg_pool, c->seg_pool_n, &p->seg_sync);
		if (p->bpfx)
			hzb_bpf_effect_done(&p->bpfx->effect, &p->seg_sync, &p->sync);
	} else {
		p->seg_sync = p->sync;
		memcpy(p->seg_cnt, p->cnt, sizeof(p->seg_cnt));
	}
}

/* Floors and the task count, with the population still alive. */
static void run_floors(struct run_ctx *c)
{
	struct hzb_point *p = &c->pt;
	size_t k;

	/* The design loop runs the design in this series' variant. */
	run_own_variant(c, "floors");
	for (k = 0; k < hzb_nr_floors; k++) {
		struct hzb_floor *f = &hzb_floors[k];

		if (!hzb_opt.floors && (f->op != HZB_CAL_TASK_WALK || f->clock))
			continue;
		hzb_measure_floor(c->pt.design, c->fd, f);
		if (f->op == HZB_CAL_TASK_WALK && !f->clock)
			p->tasks_seen = f->tasks;
	}
	p->floors_done = hzb_opt.floors;
}

static void run_bpf_notes(const struct hzb_point *p)
{
	if (p->bpf_attached && hzb_bpf_calls(&p->bpf) != p->seg_cnt[HZB_CNT_SYNCS])
		hzb_say("note: BPF saw %" PRIu64 " synchronize calls, the module counted %" PRIu64
			" in the same segments", hzb_bpf_calls(&p->bpf), p->seg_cnt[HZB_CNT_SYNCS]);
	if (p->bpf_attached && p->bpf.h.count < hzb_bpf_calls(&p->bpf))
		hzb_say("note: BPF timed %" PRIu64 " of %" PRIu64
			" calls (probe runs skipped while preempted); its percentiles cover those",
			(uint64_t)p->bpf.h.count, hzb_bpf_calls(&p->bpf));
}

static void print_result_line(const struct hzb_point *p)
{
	char bpf_syncs[32];

	/* No probe, no figure: "none", never a zero. */
	snprintf(bpf_syncs, sizeof(bpf_syncs), p->bpf_attached ? "%" PRIu64 : "none",
		 hzb_bpf_calls(&p->bpf));
	printf("%s-hzbench: RESULT design=%s syncs=%" PRIu64 " acquires=%" PRIu64
	       " violations=%" PRIu64 " module_syncs=%" PRIu64 " bpf_syncs=%s"
	       " bpf_segment_module_syncs=%" PRIu64 " probes_on_headline=%d"
	       " tasks_seen=%" PRIu64 " overflows=%" PRIu64 " migrations=%" PRIu64
	       " ok=%d\n", p->design->name, p->design->name, p->sync.n,
	       (uint64_t)p->rsum.acquires, (uint64_t)p->rsum.violations,
	       p->cnt[HZB_CNT_SYNCS], bpf_syncs, p->seg_cnt[HZB_CNT_SYNCS],
	       p->bpf_attached && p->probes_on_headline,
	       p->tasks_seen, p->cnt[HZB_CNT_OVERFLOWS], p->cnt[HZB_CNT_MIGRATIONS],
	       !p->failed);
}

static void write_text_file(const char *path, const struct hzb_point *p)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return;
	hzb_write_text(f, p);
	fclose(f);
}

/* stdout, then --json (with its .txt beside unless --text), --text, --csv. */
static void run_output(struct run_ctx *c)
{
	struct hzb_point *p = &c->pt;
	char txt[4096 + 4];
	int ret;

	hzb_write_text(stdout, p);
	print_result_line(p);
	if (hzb_opt.json) {
		ret = hzb_write_json(c->json, p);
		if (ret) {
			fprintf(stderr, "hzbench: %s: %s\n", c->json, strerror(-ret));
			p->failed = 1;
		}
		snprintf(txt, sizeof(txt), "%s.txt", c->json);
		if (!hzb_opt.text)
			write_text_file(txt, p);
	}
	if (hzb_opt.text)
		write_text_file(c->text, p);
	if (hzb_opt.csv) {
		ret = hzb_write_csv(hzb_opt.csv, p);
		if (ret) {
			fprintf(stderr, "hzbench: %s: %s\n", hzb_opt.csv, strerror(-ret));
			p->failed = 1;
		}
	}
}

/* The one cleanup path: whatever the steps got, in reverse. */
static void run_teardown(struct run_ctx *c)
{
	struct hzb_point *p = &c->pt;

	run_close_bpf(c);
	run_stop_hogs(c);
	hzb_tasks_stop(&c->tasks);
	free(p->rep);
	free(p->seg);
	free(p->per_thread);
	hzb_bpf_report_free(p->bpfx);
	free(c->pool);
	free(c->seg_pool);
	if (c->fd >= 0)
		close(c->fd);
}

/* Each series' context (--design, parsed by check_run()), nothing to release yet. */
static int run_init(struct run_ctx *c)
{
	const struct hzb_series *s = hzb_opt.series;
	int n = hzb_opt.nr_series, i, k;

	for (i = 0; i < n; i++) {
		c[i] = (struct run_ctx){
			.pt = { .design = s[i].design, .interleaved = n > 1 ? hzb_opt.design : NULL,
				.series_id = s[i].id },
			.series = &s[i], .fd = -1, .tasks = { .pipe = { -1, -1 } },
			.t0 = hzb_now_s(),
		};
		for (k = 0; k < n; k++)
			c[i].shared |= k != i && s[k].design == s[i].design;
		if (hzb_opt.json)
			hzb_series_path(hzb_opt.json, n > 1 ? s[i].id : NULL, c[i].json,
					sizeof(c[i].json));
		if (hzb_opt.text)
			hzb_series_path(hzb_opt.text, n > 1 ? s[i].id : NULL, c[i].text,
					sizeof(c[i].text));
	}
	return n;
}

static void run_say_start(const struct run_ctx *c)
{
	const struct hzb_point *p = &c->pt;

	hzb_say("%s%s%s: %d readers, %d updaters, %lu tasks, %u x %.1f s (+%u warm-up)%s%s%s%s",
		p->design->name, c->series->variant[0] ? ":" : "", c->series->variant,
		p->nr_readers, p->nr_updaters, hzb_opt.tasks, p->reps, hzb_opt.duration_s,
		p->warmup, p->nr_segs ? ", each beside a BPF segment" : "",
		hzb_opt.usecase ? ", use case " : "",
		hzb_opt.usecase ? hzb_usecase_names[hzb_opt.usecase] : "",
		p->interleaved ? ", interleaved rep by rep with the other series" : "");
}

/*
 * One design, or several series interleaved rep by rep in this boot: they
 * share the task population (spawned once, by the first) and the hogs.
 */
int hzb_cmd_run(void)
{
	struct run_ctx c[HZB_MAX_SERIES];
	int n, i, ret = 1;

	n = run_init(c);
	if (n < 1)
		return 1;
	for (i = 0; i < n; i++) {
		ret = run_setup(&c[i], i == 0);
		if (ret)
			goto out;
	}
	for (i = 0; i < n; i++)
		run_open_bpf(&c[i]);
	run_start_hogs(&c[0]);
	for (i = 0; i < n; i++) {
		c[i].pt.nr_hogs = c[0].pt.nr_hogs;
		c[i].pt.tasks_spawned = c[0].pt.tasks_spawned;
		c[i].pt.spawn_s = c[0].pt.spawn_s;
		ret = run_plan_segments(&c[i]);
		if (ret)
			goto out;
		run_say_start(&c[i]);
	}
	for (i = 0; i < n; i++)
		run_warmup(&c[i]);
	run_reps(c, n);
	for (i = 0; i < n; i++)
		run_finish_reps(&c[i]);
	ret = 0;
	for (i = 0; i < n; i++) {
		/* hzb_floors[] is one table: out with each series before the next measures. */
		run_floors(&c[i]);
		c[i].pt.wall_s = hzb_now_s() - c[i].t0;
		run_bpf_notes(&c[i].pt);
		run_output(&c[i]);
		ret |= c[i].pt.failed;
	}
	hzb_tasks_stop(&c[0].tasks);
out:
	for (i = 0; i < n; i++)
		run_teardown(&c[i]);
	return ret ? 1 : 0;
}
