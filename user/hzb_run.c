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

int hzb_measure_floor(int fd, struct hzb_floor *f)
{
	const struct hzb_design *d = hzb_design_find(hzb_opt.design && hzb_design_find(hzb_opt.design) ?
						     hzb_opt.design : "rcu");
	uint64_t *v = calloc(f->samples, sizeof(*v));
	struct hzb_calibrate c = {
		.size = sizeof(c), .op = f->op, .loops = f->loops,
		.samples_cap = f->samples, .samples = (uintptr_t)v,
	};
	double per = (double)f->loops;
	char clock[16] = "";
	int ret;

	if (!v)
		return -ENOMEM;
	f->skipped = 0;
	if (f->clock) {
		if (hzb_module_param_get(d, "clock", clock, sizeof(clock)) ||
		    strcmp(clock, "tsc") || hzb_module_param_set(d, "clock", f->clock)) {
			f->skipped = 1;
			f->err = EOPNOTSUPP;
			free(v);
			return -f->err;
		}
	}
	ret = ioctl(fd, HZB_IOC_CALIBRATE, &c) ? errno : 0;
	if (f->clock && hzb_module_param_set(d, "clock", clock))
		fprintf(stderr, "hzbench: could not set the module clock back to %s\n", clock);
	if (ret) {
		f->err = ret;
		free(v);
		return -f->err;
	}
	f->err = 0;
	f->tasks = c.tasks;
	hzb_summarize(v, f->samples, &f->s);
	/* Per operation, not per sample. */
	f->s.avg /= per;
	f->s.min /= per;
	f->s.p50 /= per;
	f->s.p90 /= per;
	f->s.p99 /= per;
	f->s.max /= per;
	free(v);
	return 0;
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

/*
 * A use-case reader (HZB_IOC_USECASE), its figures put where a plain
 * reader's go: lookups or switches as sections.
 */
static int usecase_reader(struct reader_thread *t)
{
	struct hzb_usecase u = {
		.size = sizeof(u), .mode = (uint32_t)hzb_opt.usecase, .role = HZB_UC_READER,
		.objects = hzb_usecase_objects(), .duration_ns = t->r.duration_ns,
	};

	if (hzb_opt.usecase == HZB_UC_LAZY_MM)
		u.sleep_us = hzb_opt.sleep_us ? hzb_opt.sleep_us : 1;
	else
		u.hold_ns = t->r.hold_ns;
	if (ioctl(t->fd, HZB_IOC_USECASE, &u))
		return errno;
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
};

static pthread_barrier_t start_barrier;
static volatile int hogs_stop;

static void pin_self(int id)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(id % (ncpu > 0 ? ncpu : 1), &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *reader_main(void *arg)
{
	struct reader_thread *t = arg;

	if (hzb_opt.pin)
		pin_self(t->id);
	pthread_barrier_wait(&start_barrier);
	if (hzb_opt.usecase)
		t->err = usecase_reader(t);
	else if (ioctl(t->fd, HZB_IOC_READER, &t->r))
		t->err = errno;
	return NULL;
}

/* A use-case updater: deletions, timed as synchronize calls are. */
static int usecase_updater(struct updater_thread *t)
{
	struct hzb_usecase u = {
		.size = sizeof(u), .mode = (uint32_t)hzb_opt.usecase, .role = HZB_UC_UPDATER,
		.objects = hzb_usecase_objects(), .duration_ns = t->u.duration_ns,
		.interval_ns = t->u.interval_ns, .samples_cap = t->u.samples_cap,
		.samples = t->u.samples,
	};

	if (ioctl(t->fd, HZB_IOC_USECASE, &u))
		return errno;
	t->u.updates = u.ops;
	t->u.syncs = u.ops;
	t->u.samples_n = u.samples_n;
	t->u.sync_ns_total = u.del_ns_total;
	t->u.sync_ns_min = u.del_ns_min;
	t->u.sync_ns_max = u.del_ns_max;
	t->u.elapsed_ns = u.elapsed_ns;
	return 0;
}

static void *updater_main(void *arg)
{
	struct updater_thread *t = arg;

	pthread_barrier_wait(&start_barrier);
	if (hzb_opt.usecase)
		t->err = usecase_updater(t);
	else if (ioctl(t->fd, HZB_IOC_UPDATER, &t->u))
		t->err = errno;
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

static void read_counters(int fd, uint64_t *out)
{
	struct hzb_counters c;
	int ret = hzb_counters(fd, &c);
	size_t i;

	for (i = 0; i < HZB_NR_COUNTERS; i++)
		out[i] = ret ? 0 : c.val[i];
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

/*
 * One repetition.  The module times each synchronize; the samples are
 * appended to @pool (capacity @pool_cap) for the point's pooled summary.
 */
static int run_rep(struct hzb_point *p, struct hzb_bpf_sync *bpf,
		   struct hzb_rep *rep, const char *label,
		   uint64_t *pool, size_t pool_cap, size_t *pool_n)
{
	const struct hzb_design *d = p->design;
	uint64_t dur_ns = (uint64_t)(hzb_opt.duration_s * 1e9);
	struct reader_thread *readers;
	struct updater_thread *updaters;
	uint64_t before[HZB_NR_COUNTERS], *samples;
	size_t n = 0, k;
	double t0 = hzb_now_s();
	int fd, i;

	memset(rep, 0, sizeof(*rep));
	readers = calloc((size_t)p->nr_readers + 1, sizeof(*readers));
	updaters = calloc((size_t)p->nr_updaters + 1, sizeof(*updaters));
	samples = calloc(HZB_SAMPLES_CAP * (size_t)(p->nr_updaters + 1), sizeof(*samples));
	fd = hzb_dev_open(d);
	if (!readers || !updaters || !samples || fd < 0) {
		fprintf(stderr, "hzbench: cannot set up a repetition: %s\n",
			fd < 0 ? strerror(-fd) : "out of memory");
		free(readers);
		free(updaters);
		free(samples);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	for (i = 0; i < p->nr_readers; i++) {
		struct reader_thread *t = &readers[i];

		t->id = i;
		t->fd = hzb_dev_open(d);
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
		struct updater_thread *t = &updaters[i];

		t->id = i;
		t->fd = hzb_dev_open(d);
		t->samples = samples + (size_t)i * HZB_SAMPLES_CAP;
		t->u = (struct hzb_updater){
			.size = sizeof(t->u), .duration_ns = dur_ns,
			.flags = hzb_opt.cold ? HZB_UPD_COLD : 0,
			.interval_ns = hzb_opt.interval_ns, .batch = hzb_opt.batch,
			.samples_cap = HZB_SAMPLES_CAP, .samples = (uintptr_t)t->samples,
		};
	}

	read_counters(fd, before);
	pthread_barrier_init(&start_barrier, NULL,
			     (unsigned int)(p->nr_readers + p->nr_updaters + 1));
	for (i = 0; i < p->nr_readers; i++)
		pthread_create(&readers[i].thread, NULL, reader_main, &readers[i]);
	for (i = 0; i < p->nr_updaters; i++)
		pthread_create(&updaters[i].thread, NULL, updater_main, &updaters[i]);
	pthread_barrier_wait(&start_barrier);
	progress_wait(label, hzb_opt.duration_s);
	for (i = 0; i < p->nr_readers; i++) {
		pthread_join(readers[i].thread, NULL);
		close(readers[i].fd);
		if (readers[i].err)
			rep_fail(rep, "reader %d: %s", i, strerror(readers[i].err));
		add_reader(&rep->rsum, &readers[i].r);
		rep->uc_op_ns += readers[i].uc_op_ns;
		rep->uc_not_held |= readers[i].uc_not_held;
		if (p->per_thread)
			p->per_thread[i] = readers[i].r;
	}
	for (i = 0; i < p->nr_updaters; i++) {
		struct updater_thread *t = &updaters[i];

		pthread_join(t->thread, NULL);
		close(t->fd);
		if (t->err) {
			rep_fail(rep, "updater %d: %s", i, strerror(t->err));
			continue;
		}
		rep->updates += t->u.updates;
		rep->syncs += t->u.syncs;
		/* Compact this updater's samples behind the previous ones. */
		memmove(samples + n, t->samples, t->u.samples_n * sizeof(*samples));
		n += t->u.samples_n;
	}
	pthread_barrier_destroy(&start_barrier);
	read_counters(fd, rep->cnt);
	for (k = 0; k < HZB_NR_COUNTERS; k++)
		rep->cnt[k] -= before[k];
	if (bpf) {
		if (hzb_bpf_sync_read(bpf, &rep->bpf) || hzb_bpf_sync_reset(bpf))
			rep_fail(rep, "reading the BPF maps failed");
	}
	if (pool && *pool_n + n <= pool_cap) {
		memcpy(pool + *pool_n, samples, n * sizeof(*samples));
		*pool_n += n;
	}
	hzb_summarize(samples, n, &rep->sync);
	if (rep->rsum.violations)
		rep_fail(rep, "FAIL: readers saw %" PRIu64
			 " freed objects: synchronize returned while they held them",
			 (uint64_t)rep->rsum.violations);
	rep->wall_s = hzb_now_s() - t0;
	free(readers);
	free(updaters);
	free(samples);
	close(fd);
	return rep->failed ? -1 : 0;
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

static int setup_point(struct hzb_point *p, int *fdp)
{
	const struct hzb_design *d = p->design;
	int fd, ret;

	fd = hzb_open_design(d);
	if (fd < 0)
		return 1;
	*fdp = fd;
	ret = hzb_set_variant(fd, hzb_opt.variant);
	if (ret) {
		fprintf(stderr, "hzbench: variant \"%s\" rejected by %s: %s\n",
			hzb_opt.variant, d->name, strerror(-ret));
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

int hzb_cmd_run(void)
{
	struct hzb_point pt = { .design = hzb_design_find(hzb_opt.design) };
	struct hzb_point *p = &pt;
	struct hzb_tasks tasks;
	struct hzb_bpf_sync *bpf = NULL;
	struct hzb_bpf_probes *probes = NULL;
	char bpf_syncs[32];
	struct hzb_rep warm;
	pthread_t *hogs = NULL;
	uint64_t *pool, *seg_pool = NULL;
	size_t pool_n = 0, seg_pool_n = 0, pool_cap, k;
	double t0 = hzb_now_s();
	char label[128];
	unsigned int r;
	int fd = -1, ret, i;

	ret = setup_point(p, &fd);
	if (ret) {
		if (fd >= 0)
			close(fd);
		return ret;
	}
	p->reps = hzb_opt.reps;
	p->warmup = hzb_opt.warmup;
	p->nr_updaters = hzb_opt.updaters;
	p->nr_readers = hzb_opt.readers >= 0 ? hzb_opt.readers : hzb_default_readers(p->nr_updaters);
	p->rep = calloc(p->reps, sizeof(*p->rep));
	p->per_thread = calloc((size_t)p->nr_readers + 1, sizeof(*p->per_thread));
	pool_cap = (size_t)4 << 20;
	pool = calloc(pool_cap, sizeof(*pool));
	if (!p->rep || !p->per_thread || !pool)
		return 1;

	memset(&tasks, 0, sizeof(tasks));
	if (hzb_opt.tasks) {
		hzb_say("spawning %lu idle tasks (%s)", hzb_opt.tasks,
		    hzb_task_kind_name(hzb_opt.task_kind));
		hzb_tasks_dev_fd = fd;
		if (hzb_tasks_spawn(&tasks, hzb_opt.tasks, hzb_opt.task_kind, !hzb_opt.quiet))
			return 1;
		hzb_say("spawned %zu tasks in %.2f s", tasks.n, tasks.spawn_s);
	}
	p->tasks_spawned = tasks.n;
	p->spawn_s = tasks.spawn_s;
	if (hzb_opt.bpf && hzb_in_uml()) {
		/* UML has no BPF trampolines or kprobes: not a failure. */
		hzb_say("BPF: unavailable (uml)");
		hzb_opt.bpf = 0;
		p->bpf_unavailable = "uml";
	}
	if (hzb_opt.bpf) {
		ret = hzb_bpf_sync_open(&bpf, p->info.sync_func, p->bpf_error,
					sizeof(p->bpf_error));
		if (ret) {
			fprintf(stderr, "hzbench: BPF probe on %s failed: %s (--no-bpf runs without it)\n",
				p->info.sync_func, p->bpf_error);
			hzb_point_fail(p, "BPF probe on %s failed: %s", p->info.sync_func,
				       p->bpf_error);
			bpf = NULL;
		} else {
			p->bpf_attached = 1;
		}
		p->bpfx = calloc(1, sizeof(*p->bpfx));
		if (p->bpfx && hzb_bpf_probes_open(&probes, fd, &p->info, p->bpfx) > 0)
			hzb_point_fail(p, "a BPF probe failed to attach (bpf.probes says which)");
	}
	if (hzb_opt.preempt == PREEMPT_OVERCOMMIT) {
		p->nr_hogs = 3 * (int)sysconf(_SC_NPROCESSORS_ONLN);
		hogs = calloc((size_t)p->nr_hogs, sizeof(*hogs));
		for (i = 0; hogs && i < p->nr_hogs; i++)
			pthread_create(&hogs[i], NULL, hog_main, NULL);
	}

	/*
	 * The headline figures come from probe-free repetitions; the BPF
	 * figures from a segment of the same workload beside each of them,
	 * in ABBA order (off on, on off, ...) so that a drift cancels.
	 */
	p->probes_on_headline = hzb_opt.bpf_always || !(bpf || probes);
	if (!p->probes_on_headline) {
		p->nr_segs = p->reps;
		p->seg_s = hzb_opt.bpf_seg_s > 0 ? hzb_opt.bpf_seg_s : hzb_opt.duration_s;
		p->seg = calloc(p->nr_segs, sizeof(*p->seg));
		seg_pool = calloc(pool_cap, sizeof(*seg_pool));
		if (!p->seg || !seg_pool)
			return 1;
		probes_switch(p, bpf, probes, 0);
	}
	hzb_say("%s: %d readers, %d updaters, %lu tasks, %u x %.1f s (+%u warm-up)%s%s%s",
	    p->design->name, p->nr_readers, p->nr_updaters, hzb_opt.tasks, p->reps,
	    hzb_opt.duration_s, p->warmup, p->nr_segs ? ", each beside a BPF segment" : "",
	    hzb_opt.usecase ? ", use case " : "", hzb_opt.usecase ? hzb_usecase_names[hzb_opt.usecase] : "");
	for (r = 0; r < p->warmup; r++) {
		snprintf(label, sizeof(label), "%s warm-up %u/%u", p->design->name, r + 1,
			 p->warmup);
		if (run_rep(p, p->probes_on_headline ? bpf : NULL, &warm, label, NULL, 0, NULL))
			hzb_point_fail(p, "%s: %s", label, warm.why);
	}
	hzb_bpf_probes_reset(probes);
	for (r = 0; r < p->reps; r++) {
		struct hzb_rep *rep = &p->rep[r];
		int half;

		for (half = 0; half < (p->nr_segs ? 2 : 1); half++) {
			/* ABBA: rep 0 off then on, rep 1 on then off, ... */
			int seg = p->nr_segs && (half ^ (r & 1));

			if (seg) {
				struct hzb_reader *per_thread = p->per_thread;
				double duration = hzb_opt.duration_s;
				size_t before = seg_pool_n;

				if (probes_switch(p, bpf, probes, 1))
					break;
				snprintf(label, sizeof(label), "%s BPF segment %u/%u",
					 p->design->name, r + 1, p->nr_segs);
				p->per_thread = NULL;
				hzb_opt.duration_s = p->seg_s;
				if (run_rep(p, bpf, &p->seg[r], label, seg_pool, pool_cap,
					    &seg_pool_n))
					hzb_point_fail(p, "%s: %s", label, p->seg[r].why);
				hzb_opt.duration_s = duration;
				p->per_thread = per_thread;
				probes_switch(p, bpf, probes, 0);
				if (p->bpfx)
					hzb_bpf_effect_seg(&p->bpfx->effect, 1, seg_pool + before,
							   seg_pool_n - before, p->seg_s);
				for (k = 0; k < HZB_NR_COUNTERS; k++)
					p->seg_cnt[k] += p->seg[r].cnt[k];
				add_bpf(&p->bpf, &p->seg[r].bpf);
				continue;
			}
			{
				size_t before = pool_n;

				snprintf(label, sizeof(label), "%s rep %u/%u", p->design->name,
					 r + 1, p->reps);
				if (run_rep(p, p->probes_on_headline ? bpf : NULL, rep, label, pool,
					    pool_cap, &pool_n))
					hzb_point_fail(p, "%s: %s", label, rep->why);
				if (p->nr_segs && p->bpfx)
					hzb_bpf_effect_seg(&p->bpfx->effect, 0, pool + before,
							   pool_n - before, hzb_opt.duration_s);
			}
		}
		if (p->reps > 1)
			hzb_say("%s: synchronize p50 %.0f ns, acquire+release %.2f ns/op", label,
			    rep->sync.p50, hzb_ns_per_acquire(&rep->rsum));
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
	if (probes && hzb_bpf_probes_read(probes, p->bpfx))
		hzb_point_fail(p, "reading the BPF probes failed");
	if (p->nr_segs && p->bpfx)
		/* The probes saw only the segments: rates are per segment second. */
		p->bpfx->seconds = p->seg_s * p->nr_segs;
	hzb_bpf_probes_close(probes);
	hogs_stop = 1;
	for (i = 0; hogs && i < p->nr_hogs; i++)
		pthread_join(hogs[i], NULL);
	free(hogs);
	if (bpf)
		hzb_bpf_sync_close(bpf);
	if (p->nr_segs) {
		hzb_summarize(seg_pool, seg_pool_n, &p->seg_sync);
		hzb_summarize(pool, pool_n, &p->sync);
		if (p->bpfx)
			hzb_bpf_effect_done(&p->bpfx->effect, &p->seg_sync, &p->sync);
	} else {
		hzb_summarize(pool, pool_n, &p->sync);
		p->seg_sync = p->sync;
		memcpy(p->seg_cnt, p->cnt, sizeof(p->seg_cnt));
	}

	/* Floors and the task count, with the population still alive. */
	for (k = 0; k < hzb_nr_floors; k++) {
		struct hzb_floor *f = &hzb_floors[k];

		if (!hzb_opt.floors && (f->op != HZB_CAL_TASK_WALK || f->clock))
			continue;
		hzb_measure_floor(fd, f);
		if (f->op == HZB_CAL_TASK_WALK && !f->clock)
			p->tasks_seen = f->tasks;
	}
	p->floors_done = hzb_opt.floors;
	hzb_tasks_stop(&tasks);
	p->wall_s = hzb_now_s() - t0;

	if (p->bpf_attached && hzb_bpf_calls(&p->bpf) != p->seg_cnt[HZB_CNT_SYNCS])
		hzb_say("note: BPF saw %" PRIu64 " synchronize calls, the module counted %" PRIu64
		    " in the same segments", hzb_bpf_calls(&p->bpf), p->seg_cnt[HZB_CNT_SYNCS]);
	if (p->bpf_attached && p->bpf.h.count < hzb_bpf_calls(&p->bpf))
		hzb_say("note: BPF timed %" PRIu64 " of %" PRIu64
		    " calls (probe runs skipped while preempted); its percentiles cover those",
		    (uint64_t)p->bpf.h.count, hzb_bpf_calls(&p->bpf));

	hzb_write_text(stdout, p);
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
	if (hzb_opt.json) {
		char txt[4096];
		FILE *f;

		ret = hzb_write_json(hzb_opt.json, p);
		if (ret) {
			fprintf(stderr, "hzbench: %s: %s\n", hzb_opt.json, strerror(-ret));
			p->failed = 1;
		}
		snprintf(txt, sizeof(txt), "%s.txt", hzb_opt.json);
		f = hzb_opt.text ? NULL : fopen(txt, "w");
		if (f) {
			hzb_write_text(f, p);
			fclose(f);
		}
	}
	if (hzb_opt.text) {
		FILE *f = fopen(hzb_opt.text, "w");

		if (f) {
			hzb_write_text(f, p);
			fclose(f);
		}
	}
	if (hzb_opt.csv) {
		ret = hzb_write_csv(hzb_opt.csv, p);
		if (ret) {
			fprintf(stderr, "hzbench: %s: %s\n", hzb_opt.csv, strerror(-ret));
			p->failed = 1;
		}
	}
	free(p->rep);
	free(p->seg);
	free(p->per_thread);
	hzb_bpf_report_free(p->bpfx);
	free(pool);
	free(seg_pool);
	close(fd);
	return p->failed ? 1 : 0;
}
