// SPDX-License-Identifier: GPL-2.0
/*
 * Guest-side helper of the pertask VM tests (tests/guest/pertask_*.sh): the
 * ioctl sequences the hzbench CLI does not offer (holds that outlive their
 * task, counter deltas of one phase, synchronize next to the task-walk
 * floor at N tasks).  Prints key=value lines for busybox sh to parse.
 *
 *   pertask_tool [-d DEV] [-V VARIANT] CMD [options]
 *     run       -t tasks -r readers -u updaters -n nest -s sleep_us -y
 *               -H hold_ns -D duration_ms -b batch [-S timeout_ms]
 *               (-S: repeat -D rounds until a violation, print detect_ms)
 *     syncbench -t tasks -N samples
 *     exithold  -n nest -m thread|process
 *     remote    -n nest
 *     longhold  -n nest -D hold_ms (an updater waits on the hold meanwhile)
 *     selfsync  -n nest -b batch (hold, then update in the same task: the
 *               synchronize must fail with EDEADLK, not wait or free)
 *     cal       -N samples (slot-loop and smp_mb floors, ns/op)
 *     pingpong  -N round trips (context-switch cost with/without blocks)
 *     info      INFO as key=value
 *     counters
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "hzb_tasks.h"
#include "hzb_test.h"

static const char *dev = "/dev/hazptr_pertask";
static const char *variant = "";

static void die(const char *what)
{
	fprintf(stderr, "pertask_tool: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int dev_open(void)
{
	return hzbt_open_or_exit(dev);
}

static void set_variant(int fd, const char *spec)
{
	errno = hzbt_set_variant(fd, spec);
	if (errno)
		die("SET_VARIANT");
}

static void counters(int fd, uint64_t *val)
{
	errno = hzbt_counters(fd, val);
	if (errno)
		die("COUNTERS");
}

static void print_deltas(const uint64_t *a, const uint64_t *b)
{
	int i;

	for (i = 0; i < HZB_NR_COUNTERS; i++)
		printf("c_%s=%llu\n", hzbt_counter_name(i),
		       (unsigned long long)(b[i] - a[i]));
}

static long read_param(const char *name)
{
	return hzbt_param("pertask_hazptr", name);
}

/* ---- idle tasks ---------------------------------------------------- */

/* Idle tasks for the walk, alive until the tool exits. */
static void spawn_idle(long n)
{
	static struct hzb_tasks idle;
	int err;

	if (n <= 0)
		return;
	err = hzb_tasks_spawn(&idle, (size_t)n, HZB_TASK_THREAD, 0);
	if (err) {
		errno = -err;
		die("spawning the idle tasks");
	}
}

/* ---- run: readers and updaters ------------------------------------ */

struct opts {
	long tasks, readers, updaters, nest, sleep_us, hold_ns, duration_ms;
	long batch, samples, timeout_ms, yield;
	const char *mode;
};

struct worker {
	pthread_t th;
	int fd;
	const struct opts *o;
	struct hzb_reader r;
	struct hzb_updater u;
	uint64_t *samples;
	int err;
};

static void *reader_fn(void *arg)
{
	struct worker *w = arg;
	const struct opts *o = w->o;

	memset(&w->r, 0, sizeof(w->r));
	w->r.size = sizeof(w->r);
	w->r.duration_ns = o->duration_ms * 1000000ULL;
	w->r.nest = o->nest;
	w->r.hold_ns = o->hold_ns;
	if (o->sleep_us) {
		w->r.flags |= HZB_READ_SLEEP;
		w->r.sleep_us = o->sleep_us;
	}
	if (o->yield)
		w->r.flags |= HZB_READ_YIELD;
	if (ioctl(w->fd, HZB_IOC_READER, &w->r))
		w->err = errno;
	return NULL;
}

static void *updater_fn(void *arg)
{
	struct worker *w = arg;
	const struct opts *o = w->o;

	memset(&w->u, 0, sizeof(w->u));
	w->u.size = sizeof(w->u);
	if (o->samples) {
		w->u.iterations = o->samples;
		w->u.samples_cap = o->samples;
		w->u.samples = (uintptr_t)w->samples;
	} else {
		w->u.duration_ns = o->duration_ms * 1000000ULL;
	}
	w->u.batch = o->batch;
	if (ioctl(w->fd, HZB_IOC_UPDATER, &w->u))
		w->err = errno;
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* One round of readers + updaters; returns violations. */
static uint64_t run_round(int fd, const struct opts *o, int print)
{
	long nw = o->readers + o->updaters, i;
	struct worker *w = calloc(nw, sizeof(*w));
	uint64_t c0[HZB_NR_COUNTERS], c1[HZB_NR_COUNTERS];
	uint64_t acq = 0, viol = 0, sect = 0, nulls = 0, upd = 0, syncs = 0;
	uint64_t smin = UINT64_MAX, smax = 0, stot = 0, switches = 0;
	double ns_op = 0;

	counters(fd, c0);
	for (i = 0; i < nw; i++) {
		w[i].fd = fd;
		w[i].o = o;
		errno = pthread_create(&w[i].th, NULL,
				       i < o->readers ? reader_fn : updater_fn,
				       &w[i]);
		if (errno)
			die("pthread_create");
	}
	for (i = 0; i < nw; i++)
		pthread_join(w[i].th, NULL);
	counters(fd, c1);
	for (i = 0; i < nw; i++) {
		if (w[i].err) {
			errno = w[i].err;
			die(i < o->readers ? "READER" : "UPDATER");
		}
		if (i < o->readers) {
			acq += w[i].r.acquires;
			nulls += w[i].r.null_acquires;
			viol += w[i].r.violations;
			sect += w[i].r.sections;
			switches += w[i].r.ctx_switches;
			if (w[i].r.acquires)
				ns_op += (double)w[i].r.elapsed_ns /
					 (w[i].r.acquires + w[i].r.null_acquires) /
					 o->readers;
		} else {
			upd += w[i].u.updates;
			syncs += w[i].u.syncs;
			stot += w[i].u.sync_ns_total;
			if (w[i].u.syncs && w[i].u.sync_ns_min < smin)
				smin = w[i].u.sync_ns_min;
			if (w[i].u.sync_ns_max > smax)
				smax = w[i].u.sync_ns_max;
		}
	}
	if (print) {
		printf("sections=%llu\nacquires=%llu\nnull_acquires=%llu\n"
		       "violations=%llu\nreader_switches=%llu\nns_per_op=%.2f\n",
		       (unsigned long long)sect, (unsigned long long)acq,
		       (unsigned long long)nulls, (unsigned long long)viol,
		       (unsigned long long)switches, ns_op);
		printf("updates=%llu\nsyncs=%llu\nsync_avg_ns=%llu\n"
		       "sync_min_ns=%llu\nsync_max_ns=%llu\n",
		       (unsigned long long)upd, (unsigned long long)syncs,
		       (unsigned long long)(syncs ? stot / syncs : 0),
		       (unsigned long long)(syncs ? smin : 0),
		       (unsigned long long)smax);
		print_deltas(c0, c1);
	}
	free(w);
	return viol;
}

static void cmd_run(int fd, struct opts *o)
{
	double t0;
	long rounds = 0;
	uint64_t v;

	spawn_idle(o->tasks);
	if (!o->timeout_ms) {
		run_round(fd, o, 1);
		return;
	}
	t0 = now_ms();
	for (;;) {
		rounds++;
		v = run_round(fd, o, 0);
		if (v || now_ms() - t0 > o->timeout_ms)
			break;
	}
	printf("rounds=%ld\ndetected=%d\ndetect_ms=%.0f\nviolations=%llu\n",
	       rounds, v != 0, now_ms() - t0, (unsigned long long)v);
}

/* ---- syncbench: synchronize at N tasks next to the walk floor ------ */

static void calibrate(int fd, uint32_t op, uint64_t loops, uint32_t n,
		      uint64_t *s, uint64_t *tasks)
{
	struct hzb_calibrate c = {
		.size = sizeof(c), .op = op, .loops = loops, .samples_cap = n,
		.samples = (uintptr_t)s,
	};

	if (ioctl(fd, HZB_IOC_CALIBRATE, &c))
		die("CALIBRATE");
	if (tasks)
		*tasks = c.tasks;
	qsort(s, n, sizeof(*s), cmp_u64);
}

static void cmd_syncbench(int fd, struct opts *o)
{
	uint64_t c0[HZB_NR_COUNTERS], c1[HZB_NR_COUNTERS], tasks = 0, syncs = 0;
	long n = o->samples ? o->samples : 51, i;
	uint64_t *s = calloc(n, sizeof(*s)), *f = calloc(n, sizeof(*f));
	uint64_t *ff = calloc(n, sizeof(*ff));
	struct opts u = *o;
	struct worker w = { .fd = fd, .o = &u };

	spawn_idle(o->tasks);
	u.samples = 1;
	u.batch = 1;
	/* Interleaved: one floor sample, one synchronize, n times. */
	counters(fd, c0);
	for (i = 0; i < n; i++) {
		calibrate(fd, HZB_CAL_TASK_WALK, 1, 1, f + i, &tasks);
		calibrate(fd, HZB_CAL_TASK_WALK_FIELD, 1, 1, ff + i, NULL);
		w.samples = s + i;
		updater_fn(&w);
		if (w.err) {
			errno = w.err;
			die("UPDATER");
		}
		syncs += w.u.syncs;
	}
	counters(fd, c1);
	qsort(s, n, sizeof(*s), cmp_u64);
	qsort(f, n, sizeof(*f), cmp_u64);
	qsort(ff, n, sizeof(*ff), cmp_u64);
	printf("tasks_walked=%llu\nwalk_p50_ns=%llu\nwalk_min_ns=%llu\n",
	       (unsigned long long)tasks, (unsigned long long)f[n / 2],
	       (unsigned long long)f[0]);
	/* The walk reading the field the design reads (in-tree proxy). */
	printf("walk_field_p50_ns=%llu\nwalk_field_min_ns=%llu\n"
	       "ratio_field_p50=%.3f\n", (unsigned long long)ff[n / 2],
	       (unsigned long long)ff[0], (double)s[n / 2] / ff[n / 2]);
	printf("sync_p50_ns=%llu\nsync_min_ns=%llu\nratio_p50=%.3f\n"
	       "ratio_min=%.3f\n",
	       (unsigned long long)s[n / 2], (unsigned long long)s[0],
	       (double)s[n / 2] / f[n / 2], (double)s[0] / f[0]);
	print_deltas(c0, c1);
	printf("scanned_per_sync=%llu\n", (unsigned long long)
	       ((c1[HZB_CNT_TASKS_SCANNED] - c0[HZB_CNT_TASKS_SCANNED]) /
		(syncs ? syncs : 1)));
	free(s);
	free(f);
	free(ff);
}

/* The per-op floors: slot loop and smp_mb, best and median of N samples. */
static void cmd_cal(int fd, struct opts *o)
{
	uint32_t n = o->samples ? o->samples : 11;
	uint64_t *s = calloc(n, sizeof(*s));
	const uint64_t loops = 1000000;

	calibrate(fd, HZB_CAL_SLOT_LOOP, loops, n, s, NULL);
	printf("slot_loop_min_ns=%.2f\nslot_loop_p50_ns=%.2f\n",
	       (double)s[0] / loops, (double)s[n / 2] / loops);
	calibrate(fd, HZB_CAL_SMP_MB, loops, n, s, NULL);
	printf("smp_mb_min_ns=%.2f\nsmp_mb_p50_ns=%.2f\n",
	       (double)s[0] / loops, (double)s[n / 2] / loops);
	free(s);
}

/* ---- holds that outlive their task -------------------------------- */

static int hold(int fd, long nest)
{
	int ret = hzbt_hold(fd, (unsigned int)nest);

	if (ret < 0) {
		errno = -ret;
		die("HOLD");
	}
	return ret;
}

struct holder {
	int fd;
	long nest;
	int acquired;
};

static void *hold_and_exit(void *arg)
{
	struct holder *h = arg;

	h->acquired = hold(h->fd, h->nest);
	return NULL;	/* the thread exits holding */
}

/* Synchronize on the held object in a thread; report whether it waits. */
struct sync_probe {
	pthread_t th;
	int fd;
	volatile int done;
};

static void *sync_probe_fn(void *arg)
{
	struct sync_probe *p = arg;
	struct hzb_updater u = { .size = sizeof(u), .iterations = 1 };

	if (ioctl(p->fd, HZB_IOC_UPDATER, &u))
		die("UPDATER (probe)");
	p->done = 1;
	return NULL;
}

static void cmd_exithold(int fd, struct opts *o)
{
	uint64_t c0[HZB_NR_COUNTERS], c1[HZB_NR_COUNTERS];
	long live0 = read_param("live_blocks"), live1, live2, orph1, orph2;
	struct sync_probe p = { .fd = fd };
	struct holder h = { .nest = o->nest };
	int waited, status, hfd;
	pthread_t th;
	pid_t pid;

	counters(fd, c0);
	if (!strcmp(o->mode, "process")) {
		int go[2], ack[2];
		char c = 0;

		if (pipe(go) || pipe(ack))
			die("pipe");
		pid = fork();
		if (pid < 0)
			die("fork");
		if (!pid) {
			hfd = dev_open();
			h.acquired = hold(hfd, o->nest);
			if (write(ack[1], &h.acquired, sizeof(h.acquired)) < 0)
				_exit(2);
			if (read(go[0], &c, 1) < 0)
				_exit(2);
			_exit(0);	/* exits holding; exit_files closes hfd */
		}
		if (read(ack[0], &h.acquired, sizeof(h.acquired)) != sizeof(h.acquired))
			die("child hold");
		/* The holder is alive and holds the published object. */
		pthread_create(&p.th, NULL, sync_probe_fn, &p);
		usleep(300000);
		waited = !p.done;
		live1 = read_param("live_blocks");
		if (write(go[1], &c, 1) < 0)
			die("write");
		waitpid(pid, &status, 0);
		pthread_join(p.th, NULL);
		orph1 = read_param("orphan_ctxs");
		orph2 = orph1;
		hfd = -1;
	} else {
		hfd = dev_open();
		h.fd = hfd;
		/* A thread holds, then exits; the file stays open here. */
		pthread_create(&th, NULL, hold_and_exit, &h);
		pthread_join(th, NULL);
		usleep(100000);
		live1 = read_param("live_blocks");
		orph1 = read_param("orphan_ctxs");
		/* Its hazard pointers died with it: this must not wait. */
		pthread_create(&p.th, NULL, sync_probe_fn, &p);
		usleep(300000);
		waited = !p.done;
		pthread_join(p.th, NULL);
		close(hfd);	/* releases the contexts of the dead block */
		orph2 = read_param("orphan_ctxs");
	}
	usleep(200000);	/* RCU-deferred frees */
	live2 = read_param("live_blocks");
	counters(fd, c1);
	printf("mode=%s\nacquired=%d\nsync_waited_while_holder_alive=%d\n"
	       "live_blocks_before=%ld\nlive_blocks_holding=%ld\nlive_blocks_after=%ld\n"
	       "orphan_ctxs_after_exit=%ld\norphan_ctxs_after_close=%ld\n",
	       o->mode, h.acquired, waited, live0, live1, live2, orph1, orph2);
	print_deltas(c0, c1);
}

/* Hold for -w ms, with an updater synchronizing on the held object. */
struct long_holder {
	int fd;
	long nest, wait_ms;
	volatile int held;
};

static void *long_hold_fn(void *arg)
{
	struct long_holder *h = arg;

	hold(h->fd, h->nest);
	h->held = 1;
	usleep(h->wait_ms * 1000);
	if (ioctl(h->fd, HZB_IOC_UNHOLD))
		die("UNHOLD");
	return NULL;
}

static void cmd_longhold(int fd, struct opts *o)
{
	struct long_holder h = { .nest = o->nest, .wait_ms = o->duration_ms };
	struct sync_probe p = { .fd = fd };
	pthread_t th;
	double t0;

	h.fd = dev_open();
	pthread_create(&th, NULL, long_hold_fn, &h);
	while (!h.held)
		usleep(1000);
	t0 = now_ms();
	pthread_create(&p.th, NULL, sync_probe_fn, &p);
	pthread_join(p.th, NULL);
	printf("hold_ms=%ld\nsync_ms=%.0f\n", o->duration_ms, now_ms() - t0);
	pthread_join(th, NULL);
	close(h.fd);
}

static void *close_fn(void *arg)
{
	close((int)(intptr_t)arg);
	return NULL;
}

/* Release by another task while the holder lives. */
static void cmd_remote(int fd, struct opts *o)
{
	uint64_t c0[HZB_NR_COUNTERS], c1[HZB_NR_COUNTERS];
	struct sync_probe p = { .fd = fd };
	struct holder h = { .nest = o->nest };
	int sync_done;
	pthread_t th;
	double t0;

	counters(fd, c0);
	h.fd = dev_open();
	hold_and_exit(&h);
	/*
	 * The main thread is the holder here; let another thread close the
	 * file: the engine releases the contexts in that thread.
	 */
	pthread_create(&th, NULL, close_fn, (void *)(intptr_t)h.fd);
	pthread_join(th, NULL);
	t0 = now_ms();
	pthread_create(&p.th, NULL, sync_probe_fn, &p);
	pthread_join(p.th, NULL);
	sync_done = p.done;
	counters(fd, c1);
	printf("acquired=%d\nsync_after_remote_release_ms=%.1f\nsync_done=%d\n",
	       h.acquired, now_ms() - t0, sync_done);
	print_deltas(c0, c1);
}

/*
 * Synchronize on an object the caller holds itself: HOLD, then an update
 * in the same task retires the held object.  Prints the UPDATER errno
 * (0: it returned), the counter deltas, and whether the held objects
 * still read live (an UNHOLD then a reader run must see no violation).
 */
static void cmd_selfsync(int fd, struct opts *o)
{
	uint64_t c0[HZB_NR_COUNTERS], c1[HZB_NR_COUNTERS];
	struct hzb_updater u = { .size = sizeof(u), .iterations = o->batch,
				 .batch = o->batch };
	struct hzb_reader r = { .size = sizeof(r), .iterations = 1000,
				.nest = 1 };
	int acquired, err = 0;

	counters(fd, c0);
	acquired = hold(fd, o->nest);
	if (ioctl(fd, HZB_IOC_UPDATER, &u))
		err = errno;
	if (ioctl(fd, HZB_IOC_UNHOLD, 0))
		die("UNHOLD");
	if (ioctl(fd, HZB_IOC_READER, &r))
		die("READER");
	counters(fd, c1);
	printf("acquired=%d\nupdater_errno=%d\nedeadlk=%d\n", acquired, err,
	       EDEADLK);
	print_deltas(c0, c1);
}

/* ---- pingpong: context-switch cost of the notifier ---------------- */

struct pp {
	int in, out, fd, attach;
	long n;
};

/* One tiny read section: gives this task its block (and notifier). */
static void attach_block(int fd)
{
	struct hzb_reader r = { .size = sizeof(r), .iterations = 1, .nest = 1 };

	if (ioctl(fd, HZB_IOC_READER, &r))
		die("READER (attach)");
}

static void *pp_fn(void *arg)
{
	struct pp *p = arg;
	cpu_set_t set;
	char c = 0;
	long i;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
	if (p->attach)
		attach_block(p->fd);
	for (i = 0; i < p->n; i++) {
		if (read(p->in, &c, 1) != 1 || write(p->out, &c, 1) != 1)
			die("pingpong");
	}
	return NULL;
}

/* One round: two threads on CPU 0 bounce a byte n times; ns per trip. */
static double pingpong_round(int fd, int attach, long n)
{
	struct pp p1, p2;
	pthread_t t1, t2;
	int a[2], b[2];
	double t0, ns;
	char c = 0;

	if (pipe(a) || pipe(b))
		die("pipe");
	p1 = (struct pp){ .in = a[0], .out = b[1], .fd = fd, .attach = attach, .n = n };
	p2 = (struct pp){ .in = b[0], .out = a[1], .fd = fd, .attach = attach, .n = n - 1 };
	pthread_create(&t1, NULL, pp_fn, &p1);
	pthread_create(&t2, NULL, pp_fn, &p2);
	usleep(50000);
	t0 = now_ms();
	if (write(a[1], &c, 1) != 1)
		die("write");
	pthread_join(t1, NULL);
	ns = (now_ms() - t0) * 1e6 / n;
	pthread_join(t2, NULL);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
	return ns;
}

/*
 * Two context switches per round trip; with blocks, each switch also runs
 * the notifier's sched_out and sched_in.  Alternated rounds, best of each.
 */
static void cmd_pingpong(int fd, struct opts *o)
{
	long n = o->samples ? o->samples : 20000;
	double best[2] = { 1e18, 1e18 }, ns;
	int round, attach;

	for (round = 0; round < 7; round++) {
		for (attach = 0; attach < 2; attach++) {
			ns = pingpong_round(fd, attach, n);
			if (ns < best[attach])
				best[attach] = ns;
		}
	}
	printf("roundtrip_ns_plain=%.1f\nroundtrip_ns_with_blocks=%.1f\n"
	       "notifier_ns_per_switch=%.1f\n", best[0], best[1],
	       (best[1] - best[0]) / 2);
}

int main(int argc, char **argv)
{
	struct opts o = { .readers = 2, .updaters = 1, .nest = 1,
			  .duration_ms = 2000, .batch = 1, .mode = "thread" };
	uint64_t c[HZB_NR_COUNTERS];
	const char *cmd;
	int fd, opt, i;

	hzbt_prefix = "pertask_tool";
	while ((opt = getopt(argc, argv, "+d:V:")) != -1) {
		if (opt == 'd')
			dev = optarg;
		else if (opt == 'V')
			variant = optarg;
		else
			return 2;
	}
	if (optind >= argc)
		return 2;
	cmd = argv[optind];
	optind++;
	while ((opt = getopt(argc, argv, "t:r:u:n:s:yH:D:b:N:S:m:")) != -1) {
		switch (opt) {
		case 't': o.tasks = atol(optarg); break;
		case 'r': o.readers = atol(optarg); break;
		case 'u': o.updaters = atol(optarg); break;
		case 'n': o.nest = atol(optarg); break;
		case 's': o.sleep_us = atol(optarg); break;
		case 'y': o.yield = 1; break;
		case 'H': o.hold_ns = atol(optarg); break;
		case 'D': o.duration_ms = atol(optarg); break;
		case 'b': o.batch = atol(optarg); break;
		case 'N': o.samples = atol(optarg); break;
		case 'S': o.timeout_ms = atol(optarg); break;
		case 'm': o.mode = optarg; break;
		default: return 2;
		}
	}
	fd = dev_open();
	set_variant(fd, variant);
	printf("variant=%s\n", variant);
	if (!strcmp(cmd, "run")) {
		cmd_run(fd, &o);
	} else if (!strcmp(cmd, "syncbench")) {
		cmd_syncbench(fd, &o);
	} else if (!strcmp(cmd, "exithold")) {
		cmd_exithold(fd, &o);
	} else if (!strcmp(cmd, "cal")) {
		cmd_cal(fd, &o);
	} else if (!strcmp(cmd, "pingpong")) {
		cmd_pingpong(fd, &o);
	} else if (!strcmp(cmd, "longhold")) {
		cmd_longhold(fd, &o);
	} else if (!strcmp(cmd, "remote")) {
		cmd_remote(fd, &o);
	} else if (!strcmp(cmd, "selfsync")) {
		cmd_selfsync(fd, &o);
	} else if (!strcmp(cmd, "info")) {
		struct hzb_info in = { .size = sizeof(in) };

		if (ioctl(fd, HZB_IOC_INFO, &in))
			die("INFO");
		printf("design=%s\nvariant_now=%s\nfeatures=%#x\nslots_per_task=%u\n"
		       "bytes_per_task=%u\nbytes_per_cpu=%u\nbytes_per_ctx=%u\n"
		       "nr_locks=%u\nbroken=%u\n", in.design, in.variant,
		       in.features, in.slots_per_task, in.bytes_per_task,
		       in.bytes_per_cpu, in.bytes_per_ctx, in.nr_locks, in.broken);
	} else if (!strcmp(cmd, "counters")) {
		counters(fd, c);
		for (i = 0; i < HZB_NR_COUNTERS; i++)
			printf("%s=%llu\n", hzbt_counter_name(i), (unsigned long long)c[i]);
	} else {
		fprintf(stderr, "pertask_tool: unknown command %s\n", cmd);
		return 2;
	}
	return 0;
}
