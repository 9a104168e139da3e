// SPDX-License-Identifier: GPL-2.0
/*
 * hzbench torture: an rcutorture-style correctness run of one design.
 *
 * Readers (by default two per CPU, at nice 19: overcommitted) and writers
 * run HZB_IOC_TORTURE_READER / _WRITER in the design's module for
 * --duration; the kernel side (kmod/common/torture.c) ages retired objects
 * through a pipeline and counts readers that held an object after
 * synchronize returned for it.  This side watches the module's counters
 * for writer stalls and violations while the run goes, then prints the
 * pipe histograms, the pool's leak check and one verdict line:
 *
 *	percpu-torture: End of test: SUCCESS
 *
 * Like hzbench itself, it re-runs inside the qemu guest when the device is
 * missing and this host cannot load modules.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "hzb_cli.h"
#include "hzb_config.h"
#include "hzb_dev.h"
#include "hzb_optab.h"
#include "hzb_opts.h"
#include "hzb_run.h"
#include "hzb_tasks.h"
#include "hzb_torture.h"
#include "hzb_vm.h"
#include "hzb_kernel.h"

#define WHO		"hzbench torture"
#define PIPE		(HZB_TORTURE_PIPE_LEN + 1)
#define NS		1000000000.0

struct tort_opts {
	const char *design;
	const char *variant;
	const char *race;		/* NULL: off */
	const char *unpublish;		/* NULL: mixed */
	double duration_s;
	int readers;			/* -1: per_cpu per online CPU */
	int per_cpu;
	int writers;
	unsigned int pointers;
	unsigned int nest;		/* 0: the design's slots + 4 */
	uint64_t hold_ns;
	uint64_t sleep_ns;		/* -1: default when the design can */
	uint64_t delay_ns;
	uint64_t irq_ns;		/* -1: default when the design can */
	uint64_t linger_ns;
	int preempt;
	uint64_t winterval_ns;
	uint64_t wdelay_ns;
	unsigned int batch;
	unsigned long tasks;
	double stall_s;
	uint32_t seed;
	int stop;
	int pin;
	int reader_nice;
	struct hzb_vm_opts vm;
	int quiet;
	int print;			/* HZB_PRINT_*: a test mode, print and exit */
};

#define AUTO		UINT64_MAX

static struct tort_opts to = {
	.variant = "",
	.duration_s = 30,
	.readers = -1,
	.per_cpu = 2,
	.writers = 2,
	.pointers = 4,
	.hold_ns = 2000,
	.sleep_ns = AUTO,
	.delay_ns = 2000000,
	.irq_ns = AUTO,
	.linger_ns = 200000,
	.preempt = 1,
	.winterval_ns = 20000,
	.wdelay_ns = 500000,
	.batch = 1,
	.stall_s = 30,
	.reader_nice = 19,
	.vm = HZB_VM_OPTS_DEFAULT,
};

static char tort_cmdline[8192];

static void tsay(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void tsay(const char *fmt, ...)
{
	va_list ap;

	if (to.quiet)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "%s-torture: ", to.design ?: "hzbench");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

#define OFF(f)		offsetof(struct tort_opts, f)
#define STR_(x)		#x
#define STR(x)		STR_(x)
#define NS_PER_S	1000000000ULL

static const char * const race_points[] = {
	"off", "load", "publish", "scan", "unchain", "migrate", "all", "sb", NULL
};

static const char * const unpublish_modes[] = { "mixed", "xchg", "release", NULL };

/* --unpublish: writer @i unpublishes with a store-release (HZB_TORTW_RELEASE)? */
static int unpublish_release(int i)
{
	const char *m = to.unpublish ?: "mixed";

	return !strcmp(m, "release") || (!strcmp(m, "mixed") && i % 2 == 0);
}

/* --irq-period: 0 (off) or at least 10 us. */
static int irq_period_ok(const char *arg)
{
	uint64_t ns;

	return hzb_parse_time_ns(arg, 1000, &ns) || (ns && ns < 10000) ? -1 : 0;
}

/* --nreaders-per-cpu: instead of a --readers given before it. */
static void per_cpu_set(void *base)
{
	((struct tort_opts *)base)->readers = -1;
}

static void usage_exit(void);
static void list_exit(void);

/* One line an option: see hzb_optab.h (and hzb_options.c, hzbench's). */
static const struct hzb_optdef defs[] = {
	{ "design", 'd', HZB_T_STR, OFF(design), 0, "NAME",
	  "design to torture (required)", .section = "Options", .sample = "percpu" },
	{ "variant", 'V', HZB_T_STR, OFF(variant), 0, "K=V,...",
	  "design variant (see 'hzbench info')", .max = HZB_VARIANT_LEN - 1,
	  .expect = "the variant is too long (" STR(HZB_VARIANT_LEN) " characters or more)",
	  .sample = "slots=4" },
	{ "race", 0, HZB_T_WORDSTR, OFF(race), 0, "POINT",
	  "widen the design's race windows: random\n"
	  "spins at POINT (load, publish, scan, unchain,\n"
	  "migrate, all; off: default), or sb: a store\n"
	  "that misses the cache before each publish\n"
	  "and store-release unpublish (store-buffer\n"
	  "stuffing); the variant knob race=POINT,\n"
	  "recorded in the result", .words = race_points,
	  .sample = "scan" },
	{ "duration", 'D', HZB_T_SEC, OFF(duration_s), 0, "SEC", "run time (default 30)",
	  .min = 1, .max = 86400 * NS_PER_S, .unit = NS_PER_S, .sample = "2500ms" },
	/* before --readers: the one given last wins, also in the guest */
	{ "nreaders-per-cpu", 0, HZB_T_INT, OFF(per_cpu), 0, "N",
	  "readers per online CPU (default 2: more\nrunnable readers than CPUs)",
	  .min = 1, .max = 64, .after = per_cpu_set, .sample = "3" },
	{ "readers", 'r', HZB_T_INT, OFF(readers), 0, "N", "reader threads in all",
	  .max = 4096, .sample = "5" },
	{ "writers", 'w', HZB_T_INT, OFF(writers), 0, "N",
	  "writer threads (default 2: concurrent\nsynchronizes on different objects)",
	  .max = 64, .sample = "1" },
	{ "pointers", 'p', HZB_T_UINT, OFF(pointers), 0, "N",
	  "shared pointers the writers update and the\n"
	  "readers acquire from, each at random\n"
	  "(default 4, <= " STR(HZB_TORTURE_MAX_POINTERS) "; 1: one, as before)",
	  .min = 1, .max = HZB_TORTURE_MAX_POINTERS, .sample = "2" },
	{ "nest", 'n', HZB_T_UINT, OFF(nest), 0, "K",
	  "most hazard pointers a section holds\n"
	  "(default: the design's slots + 4, <= " STR(HZB_MAX_NEST) ")",
	  .min = 1, .max = HZB_MAX_NEST, .sample = "3" },
	{ "hold", 0, HZB_T_NS, OFF(hold_ns), 0, "TIME",
	  "random busy hold per section, up to (2us)", .max = NS_PER_S, .unit = 1,
	  .sample = "700ns" },
	{ "sleep", 0, HZB_T_NS, OFF(sleep_ns), 0, "TIME",
	  "sleep while holding, up to (500us; 0: never;\n"
	  "default off when the design cannot sleep)", .max = NS_PER_S, .unit = 1000,
	  .sample = "100us" },
	{ "delay", 0, HZB_T_NS, OFF(delay_ns), 0, "TIME",
	  "rare long busy delay while holding (2ms; 0: off)", .max = NS_PER_S, .unit = 1000,
	  .sample = "1ms" },
	{ "irq-period", 0, HZB_T_NS, OFF(irq_ns), 0, "TIME",
	  "hrtimer readers in hard irq, mean period (1ms;\n"
	  "0: off; default off when the design cannot)", .max = NS_PER_S, .unit = 1000,
	  .check = irq_period_ok, .expect = "expected 0 or a time in [10us, 1s]",
	  .sample = "2ms" },
	{ "linger", 0, HZB_T_NS, OFF(linger_ns), 0, "TIME",
	  "keep holding an object found unpublished right\n"
	  "after acquire, up to (200us; 0: off)", .max = NS_PER_S, .unit = 1000,
	  .sample = "50us" },
	{ "no-preempt", 0, HZB_T_FLAG, OFF(preempt), 0, NULL,
	  "no preempt_schedule() while holding", .val = 0 },
	{ "writer-interval", 0, HZB_T_NS, OFF(winterval_ns), 0, "TIME",
	  "random pause between updates (20us)", .max = NS_PER_S, .unit = 1000,
	  .sample = "30us" },
	{ "writer-delay", 0, HZB_T_NS, OFF(wdelay_ns), 0, "TIME",
	  "sometimes spin before publishing (500us; 0: off)", .max = NS_PER_S, .unit = 1000,
	  .sample = "0" },
	{ "unpublish", 0, HZB_T_WORDSTR, OFF(unpublish), 0, "MODE",
	  "how writers unpublish the shared pointers but\n"
	  "the first: xchg() (fully ordered), release\n"
	  "(a store-release under a lock: synchronize's\n"
	  "barrier must order it), mixed (default: the\n"
	  "even writers release, the odd ones xchg)", .words = unpublish_modes,
	  .sample = "release" },
	{ "batch", 0, HZB_T_UINT, OFF(batch), 0, "N",
	  "objects retired per synchronize (default 1)", .min = 1, .max = 256, .sample = "8" },
	{ "tasks", 't', HZB_T_ULONG, OFF(tasks), 0, "N",
	  "idle tasks alive during the run (default 0)", .max = 1000000, .sample = "9" },
	{ "stall", 0, HZB_T_SEC, OFF(stall_s), 0, "SEC",
	  "writer making no update this long: stall (30)", .min = NS_PER_S,
	  .max = 3600 * NS_PER_S, .unit = NS_PER_S, .sample = "45" },
	{ "seed", 0, HZB_T_UINT, OFF(seed), 0, "N", "random seed (default: from the clock)",
	  .max = UINT32_MAX, .sample = "42" },
	{ "stop-on-failure", 0, HZB_T_FLAG, OFF(stop), 0, NULL,
	  "end the run at the first violation or writer\nstall", .val = 1 },
	{ "pin", 0, HZB_T_FLAG, OFF(pin), 0, NULL,
	  "pin readers to CPUs 0, 1, ... and writers to\nthe last CPUs, downwards", .val = 1 },
	{ "reader-nice", 0, HZB_T_INT, OFF(reader_nice), 0, "N",
	  "readers' nice value (default 19, as\nhazptrtorture's)", .max = 19, .sample = "10" },
	{ "quiet", 'q', HZB_T_FLAG, OFF(quiet), 0, NULL, "no progress on stderr", .val = 1 },
	{ "help", 'h', HZB_T_ACTION, 0, HZB_O_HOST, NULL, "this text", .action = usage_exit },
	HZB_VM_OPTDEFS(struct tort_opts, vm),
	HZB_TEST_OPTDEFS(struct tort_opts, print, list_exit),
};

static struct hzb_optab optab = {
	.defs = defs, .n = sizeof(defs) / sizeof(defs[0]),
	.base = &to, .size = sizeof(to), .help_col = 27,
};

static void usage_exit(void)
{
	printf("Usage: hzbench torture --design=NAME [OPTIONS]\n"
	       "\n"
	       "Correctness torture of one design, after rcutorture/hazptrtorture:\n"
	       "writers publish pool objects, synchronize on the replaced one and age\n"
	       "it through %d pipeline stages before reuse; readers record the stage\n"
	       "of every object they hold.  A reader that sees stage >= 2 held an\n"
	       "object after synchronize returned for it: the run FAILS.  Also fails\n"
	       "on a writer stall, a pool leak, or (in the VM) any kernel problem on\n"
	       "the console.  Ends with '<design>-torture: End of test: SUCCESS'.\n"
	       "\n"
	       "Designs: %s\n", HZB_TORTURE_PIPE_LEN, hzb_design_list());
	hzb_optab_help(&optab, stdout);
	printf("\n"
	       "Examples:\n"
	       "  hzbench torture --design=percpu --duration=60\n"
	       "  hzbench torture --design=pertask --variant=track=bitmap --nreaders-per-cpu=4\n"
	       "  hzbench torture --design=percpu --vcpus=4 --duration=3600   # a soak\n"
	       "\n"
	       "Exit status: 0 SUCCESS, 1 FAILURE, 2 usage error, 3 kernel problem on\n"
	       "the guest console, 4 the guest did not finish.\n");
	exit(0);
}

static void list_exit(void)
{
	hzb_optab_list(&optab, stdout);
	exit(0);
}

/* After the options: combinations that make no sense, --race into the variant. */
static void check_args(void)
{
	static char spec[HZB_VARIANT_LEN];

	if (!to.design)
		hzb_usage_error("--design is required: one of %s", hzb_design_list());
	if (!hzb_design_find(to.design))
		hzb_usage_error("unknown design '%s': valid designs are %s", to.design,
				hzb_design_list());
	if (!to.readers && !to.writers)
		hzb_usage_error("nothing to run: --readers=0 and --writers=0");
	hzb_vm_opts_check(&to.vm);
	if (getenv("HZB_IN_VM"))
		to.vm.mode = VM_NEVER;
	if (to.race && strcmp(to.race, "off")) {
		/* The engine's variant knob: set with the design's (and so in the guest). */
		if ((size_t)snprintf(spec, sizeof(spec), "%s%srace=%s", to.variant,
				     to.variant[0] ? "," : "", to.race) >= sizeof(spec))
			hzb_usage_error("--variant plus --race is too long");
		to.variant = spec;
	}
	to.race = NULL;
}

static void parse_args(int argc, char **argv)
{
	hzb_cli.who = WHO;
	hzb_cli.help = "hzbench torture --help";
	hzb_optab_init(&optab);
	if (hzb_optab_getopt(&optab, argc, argv) < argc)
		hzb_usage_error("unexpected argument '%s'", argv[optind]);
	check_args();
}

/* ------------------------------------------------------------------ */
/* In the guest                                                        */
/* ------------------------------------------------------------------ */

static int torture_in_vm(void)
{
	struct hzb_vm_req req = { .who = WHO, .vm = &to.vm, .host_cmdline = tort_cmdline };

	/* Boot, spawning, the stall allowance and a hung run's grace. */
	req.timeout_s = (long)(to.duration_s + 2 * to.stall_s) + 180 +
			(long)(to.tasks / 500);
	if (to.vm.mode == VM_UML)
		tsay("running in user-mode Linux (one CPU, up_fence=%s)", to.vm.up_fence ?: "lock");
	else
		tsay("no /dev/%s here and this host cannot load modules: running in a %d-vCPU qemu guest",
		     hzb_design_find(to.design)->device, to.vm.vcpus);
	return hzb_vm_run_cmd(&req, &optab, "torture");
}

static int want_vm(void)
{
	char why[512] = "";

	if (!hzb_vm_wanted(&to.vm, to.design, why, sizeof(why)))
		return 0;
	if (why[0])
		tsay("%s", why);
	return 1;
}

/* ------------------------------------------------------------------ */
/* The run                                                             */
/* ------------------------------------------------------------------ */

/*
 * A reader or writer thread: the torture ioctl @cmd on its own descriptor,
 * @arg its struct hzb_torture_reader or _writer.
 */
struct tthread {
	pthread_t th;
	int fd, err, cpu;
	int nice;			/* readers: --reader-nice; writers: -1, unchanged */
	unsigned long cmd;
	void *arg;
	atomic_int done;
	atomic_int tid;
};

static pthread_barrier_t start_barrier;

static void pin_to(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *tthread_main(void *arg)
{
	struct tthread *t = arg;

	atomic_store(&t->tid, (int)syscall(SYS_gettid));
	/* As hazptrtorture's readers: the writers must get through. */
	if (t->nice >= 0)
		setpriority(PRIO_PROCESS, (id_t)t->tid, t->nice);
	pin_to(t->cpu);
	pthread_barrier_wait(&start_barrier);
	if (ioctl(t->fd, t->cmd, t->arg))
		t->err = errno;
	atomic_store(&t->done, 1);
	return NULL;
}

/* rcutorture's "??? Writer stall state": what the stuck thread is doing. */
static void show_thread(const char *what, int i, int tid)
{
	char path[128], stat[512], wchan[128], line[256];
	const char *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	hzb_read_line(path, stat, sizeof(stat));
	p = strrchr(stat, ')');
	snprintf(path, sizeof(path), "/proc/self/task/%d/wchan", tid);
	hzb_read_line(path, wchan, sizeof(wchan));
	printf("%s-torture: ??? %s %d (tid %d) state %c wchan %s\n", to.design, what,
	       i, tid, p && p[1] ? p[2] : '?', wchan[0] ? wchan : "?");
	snprintf(path, sizeof(path), "/proc/self/task/%d/stack", tid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		printf("%s-torture:     %s", to.design, line);
	if (f)
		fclose(f);
}

struct tally {
	uint64_t pipe[PIPE], irq_pipe[PIPE];
	uint64_t sections, acquires, null_acquires, irq_sections, irq_acquires;
	uint64_t sleeps, preempts, delays, lingers, ctx_switches, reused, violations;
	uint64_t first_ns;
	uint64_t updates, syncs, sync_total, sync_max, freed;
	int leak_checked;
	uint64_t pool_objects, pool_free, pool_live;
};

static void print_pipe(const char *name, const uint64_t *pipe)
{
	int i;

	printf("%s-torture: %s:", to.design, name);
	for (i = 0; i < PIPE; i++)
		printf(" %" PRIu64, pipe[i]);
	printf("\n");
}

static void fmt_time(char *buf, size_t len, uint64_t ns)
{
	if (!ns)
		snprintf(buf, len, "off");
	else if (ns < 1000)
		snprintf(buf, len, "%" PRIu64 "ns", ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%gus", ns / 1e3);
	else
		snprintf(buf, len, "%gms", ns / 1e6);
}

static uint32_t us_of(uint64_t ns)
{
	return ns ? (uint32_t)(ns / 1000 ? ns / 1000 : 1) : 0;
}

/*
 * One torture run, from the design's device to the verdict: each step
 * below fills or uses it, and torture_teardown() releases what they got.
 */
struct torture {
	const struct hzb_design *d;
	int fd;
	struct hzb_info info;
	unsigned int nest, flags;
	uint32_t seed;
	int ncpu, nr;			/* online CPUs, readers */
	struct hzb_tasks tasks;
	/* The readers [0, nr), then the writers [nr, nr + to.writers). */
	struct tthread *th;
	int nth;
	struct hzb_torture_reader *rd;
	struct hzb_torture_writer *wr;
	int started;			/* the threads were created */
	uint64_t base[HZB_NR_COUNTERS], cnt[HZB_NR_COUNTERS];
	double first_seen;		/* s to the first violation seen; -1: none */
	int hung, stalls, stopped, errors, failed;
	int unbounded;			/* a walk broke overflow=flip's restart bound */
	struct tally t;
};

/* The defaults that depend on the design (INFO), the seed, the reader flags. */
static void torture_settle(struct torture *c)
{
	const struct hzb_info *info = &c->info;

	if (to.sleep_ns == AUTO)
		to.sleep_ns = info->features & HZB_FEAT_SLEEP_IN_READER ? 500000 : 0;
	else if (to.sleep_ns && !(info->features & HZB_FEAT_SLEEP_IN_READER))
		hzb_usage_error("--sleep: %s readers may not sleep while holding", c->d->name);
	if (to.irq_ns == AUTO)
		to.irq_ns = info->features & HZB_FEAT_IRQ_READER ? 1000000 : 0;
	else if (to.irq_ns && !(info->features & HZB_FEAT_IRQ_READER))
		hzb_usage_error("--irq-period: %s cannot acquire in hard irq", c->d->name);
	c->nest = to.nest;
	if (!c->nest) {
		c->nest = info->slots_per_cpu > info->slots_per_task ? info->slots_per_cpu
								      : info->slots_per_task;
		c->nest += 4;	/* past the slots: the overflow path */
		if (c->nest > HZB_MAX_NEST)
			c->nest = HZB_MAX_NEST;
	}
	c->seed = to.seed;
	if (!c->seed) {
		c->seed = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);
		c->seed = c->seed ? c->seed : 1;
	}
	c->ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (c->ncpu < 1)
		c->ncpu = 1;
	c->nr = to.readers >= 0 ? to.readers : to.per_cpu * c->ncpu;
	c->flags = (to.sleep_ns ? HZB_TORT_SLEEP : 0) | (to.delay_ns ? HZB_TORT_DELAY : 0) |
		   (to.preempt ? HZB_TORT_PREEMPT : 0) | (to.irq_ns ? HZB_TORT_IRQ : 0) |
		   (to.stop ? HZB_TORT_STOP : 0) | (to.linger_ns ? HZB_TORT_LINGER : 0);
}

/*
 * The design's device, the variant, INFO, then the defaults that depend on
 * them: 0, or hzbench torture's exit status.
 */
static int torture_open(struct torture *c)
{
	const struct hzb_design *d = c->d;
	int ret;

	c->fd = hzb_open_design(d);
	if (c->fd < 0)
		return 1;
	ret = hzb_set_variant(c->fd, to.variant);
	if (ret == -EBUSY && !to.variant[0]) {
		/* Another run or a hold: torture the variant in force. */
		tsay("device busy: keeping the variant in force");
		ret = 0;
	}
	if (ret) {
		fprintf(stderr, WHO ": variant \"%s\" rejected by %s: %s\n", to.variant,
			d->name, strerror(-ret));
		if (!hzb_info(c->fd, &c->info))
			fprintf(stderr, WHO ": %s knobs: %s\n", d->name, c->info.knobs);
		return 2;
	}
	ret = hzb_info(c->fd, &c->info);
	if (ret) {
		fprintf(stderr, WHO ": INFO: %s\n", strerror(-ret));
		return 1;
	}
	torture_settle(c);
	return 0;
}

/* The run's parameters and the kernel, before anything runs. */
static void torture_print_config(const struct torture *c)
{
	const struct hzb_design *d = c->d;
	char hold[32], sleep[32], delay[32], irq[32], linger[32], kline[160];
	struct hzb_kernel_facts kf;
	struct utsname un;

	fmt_time(hold, sizeof(hold), to.hold_ns);
	fmt_time(sleep, sizeof(sleep), to.sleep_ns);
	fmt_time(delay, sizeof(delay), to.delay_ns);
	fmt_time(irq, sizeof(irq), to.irq_ns);
	fmt_time(linger, sizeof(linger), to.linger_ns);
	printf("%s-torture: design=%s variant=%s features=0x%x broken=0x%x readers=%d "
	       "cpus=%d writers=%d pointers=%u nest<=%u hold<=%s sleep<=%s delay<=%s irq=%s "
	       "linger<=%s preempt=%s batch=%u unpublish=%s tasks=%lu duration=%gs seed=%" PRIu32
	       "%s %s\n",
	       d->name, d->name, c->info.variant[0] ? c->info.variant : "default",
	       c->info.features, c->info.broken, c->nr, c->ncpu, to.writers, to.pointers, c->nest,
	       hold, sleep,
	       delay, irq, linger, to.preempt ? "on" : "off", to.batch,
	       to.unpublish ?: "mixed", to.tasks,
	       to.duration_s, c->seed, to.pin ? " pinned" : "", getenv("HZB_IN_VM") ? "vm" : "native");
	hzb_kernel_facts(&kf);
	hzb_kernel_line(&kf, kline, sizeof(kline));
	uname(&un);
	printf("%s-torture: kernel %s %s\n", d->name, un.release, kline);
}

/* Reader @i's and writer @i's ioctl arguments. */
static void torture_reader_init(struct torture *c, int i, uint64_t dur_ns)
{
	c->th[i] = (struct tthread){
		.fd = hzb_dev_open(c->d), .cpu = to.pin ? i % c->ncpu : -1,
		.nice = to.reader_nice, .cmd = HZB_IOC_TORTURE_READER, .arg = &c->rd[i],
	};
	c->rd[i] = (struct hzb_torture_reader){
		.size = sizeof(c->rd[i]), .flags = c->flags, .duration_ns = dur_ns,
		.nest = c->nest, .hold_ns = (uint32_t)to.hold_ns,
		.sleep_us = us_of(to.sleep_ns), .delay_us = us_of(to.delay_ns),
		.irq_period_us = us_of(to.irq_ns),
		.linger_us = us_of(to.linger_ns),
		.seed = (c->seed + 2 * (uint32_t)i) ?: 1,
		.pointers = to.pointers,
	};
}

static void torture_writer_init(struct torture *c, int i, uint64_t dur_ns)
{
	c->th[c->nr + i] = (struct tthread){
		.fd = hzb_dev_open(c->d), .cpu = to.pin ? c->ncpu - 1 - i % c->ncpu : -1,
		.nice = -1, .cmd = HZB_IOC_TORTURE_WRITER, .arg = &c->wr[i],
	};
	c->wr[i] = (struct hzb_torture_writer){
		.size = sizeof(c->wr[i]), .duration_ns = dur_ns,
		.flags = (to.wdelay_ns ? HZB_TORTW_DELAY : 0) |
			 (to.stop ? HZB_TORTW_STOP : 0) |
			 (unpublish_release(i) ? HZB_TORTW_RELEASE : 0) |
			 HZB_TORTW_PROGRESS,
		.interval_us = us_of(to.winterval_ns),
		.delay_us = us_of(to.wdelay_ns), .batch = to.batch,
		.pointers = to.pointers,
		.seed = (c->seed + 1000003U * (uint32_t)(i + 1)) ?: 1,
	};
}

/* The configuration line, the idle tasks, the readers and writers started together. */
static int torture_start(struct torture *c)
{
	uint64_t dur_ns = (uint64_t)(to.duration_s * NS);
	int i;

	torture_print_config(c);
	if (to.tasks) {
		tsay("spawning %lu idle threads", to.tasks);
		if (hzb_tasks_spawn(&c->tasks, to.tasks, HZB_TASK_THREAD, !to.quiet))
			return 1;
	}
	c->th = calloc((size_t)(c->nr + to.writers) + 1, sizeof(*c->th));
	c->rd = calloc((size_t)c->nr + 1, sizeof(*c->rd));
	c->wr = calloc((size_t)to.writers + 1, sizeof(*c->wr));
	if (!c->th || !c->rd || !c->wr)
		return 1;
	for (i = 0; i < c->nr; i++)
		torture_reader_init(c, i, dur_ns);
	for (i = 0; i < to.writers; i++)
		torture_writer_init(c, i, dur_ns);
	c->nth = c->nr + to.writers;

	hzb_counters_read(c->fd, c->base);
	pthread_barrier_init(&start_barrier, NULL, (unsigned int)(c->nth + 1));
	for (i = 0; i < c->nth; i++)
		pthread_create(&c->th[i].th, NULL, tthread_main, &c->th[i]);
	c->started = 1;
	pthread_barrier_wait(&start_barrier);
	return 0;
}

/* Threads [from, nth) still running; with @show, what each is doing. */
static int running(const struct torture *c, int from, int show)
{
	int i, n = 0;

	for (i = from; i < c->nth; i++) {
		if (atomic_load(&c->th[i].done))
			continue;
		n++;
		if (show)
			show_thread(i < c->nr ? "reader" : "writer", i < c->nr ? i : i - c->nr,
				    atomic_load(&c->th[i].tid));
	}
	return n;
}

/* What the watch knows of each writer's progress (HZB_TORTW_PROGRESS). */
struct writer_watch {
	uint64_t updates;
	double since;			/* when updates last moved */
	int stalled;			/* reported */
};

/*
 * Writers still running whose update count has not moved for --stall:
 * each is reported once, with what its thread is doing.  Per writer, so
 * that one stuck in synchronize shows while the others keep updating.
 */
static int watch_writers(struct torture *c, struct writer_watch *ww, double now)
{
	int i, n = 0;

	for (i = 0; i < to.writers; i++) {
		/* The module stores it while the ioctl runs. */
		uint64_t u = __atomic_load_n(&c->wr[i].updates, __ATOMIC_RELAXED);
		const struct tthread *t = &c->th[c->nr + i];

		if (u != ww[i].updates || atomic_load(&t->done)) {
			ww[i].updates = u;
			ww[i].since = now;
			continue;
		}
		if (ww[i].stalled || now - ww[i].since < to.stall_s)
			continue;
		ww[i].stalled = 1;
		n++;
		printf("%s-torture: ??? Writer stall: writer %d made no update for %.0f s "
		       "(%" PRIu64 " before)\n", c->d->name, i, now - ww[i].since, u);
		show_thread("writer", i, atomic_load(&t->tid));
	}
	return n;
}

/*
 * Watch until every thread is done: violations as they happen, writer
 * stalls (the first ends the run under --stop-on-failure), hung threads.
 */
static void torture_watch(struct torture *c)
{
	const char *name = c->d->name;
	double t0 = hzb_now_s(), now, last_print = t0;
	uint64_t *base = c->base, *cnt = c->cnt;
	struct writer_watch *ww = calloc((size_t)to.writers + 1, sizeof(*ww));
	int i;

	for (i = 0; ww && i < to.writers; i++)
		ww[i].since = t0;
	while (running(c, 0, 0)) {
		usleep(100000);
		now = hzb_now_s();
		hzb_counters_read(c->fd, cnt);
		if (c->first_seen < 0 && cnt[HZB_CNT_VIOLATIONS] > base[HZB_CNT_VIOLATIONS]) {
			c->first_seen = now - t0;
			tsay("!!! first violation seen after %.1f s", c->first_seen);
		}
		if (ww && watch_writers(c, ww, now)) {
			c->stalls++;
			if (to.stop) {
				/* The first failure ends the run: do not wait. */
				c->stopped = 1;
				break;
			}
		}
		if (now - t0 > to.duration_s + 2 * to.stall_s) {
			c->hung = 1;
			printf("%s-torture: ??? threads still running %.0f s after the end\n", name,
			       now - t0 - to.duration_s);
			running(c, 0, 1);
			break;
		}
		if (now - last_print >= 5) {
			last_print = now;
			tsay("%3.0f/%.0f s: updates %" PRIu64 " syncs %" PRIu64
			     " violations %" PRIu64, now - t0, to.duration_s,
			     cnt[HZB_CNT_RETIRED] - base[HZB_CNT_RETIRED],
			     cnt[HZB_CNT_SYNCS] - base[HZB_CNT_SYNCS],
			     cnt[HZB_CNT_VIOLATIONS] - base[HZB_CNT_VIOLATIONS]);
		}
	}
	free(ww);
}

/* Join thread @i if it finished: 1 if its figures count, 0 if not done or failed. */
static int tthread_join(struct torture *c, int i)
{
	struct tthread *t = &c->th[i];

	if (!atomic_load(&t->done))
		return 0;
	pthread_join(t->th, NULL);
	if (!t->err)
		return 1;
	printf("%s-torture: %s %d: %s\n", c->d->name, i < c->nr ? "reader" : "writer",
	       i < c->nr ? i : i - c->nr, strerror(t->err));
	c->errors++;
	return 0;
}

static void tally_reader(struct tally *t, const struct hzb_torture_reader *r)
{
	int k;

	for (k = 0; k < PIPE; k++) {
		t->pipe[k] += r->pipe[k];
		t->irq_pipe[k] += r->irq_pipe[k];
	}
	t->sections += r->sections;
	t->acquires += r->acquires;
	t->null_acquires += r->null_acquires;
	t->irq_sections += r->irq_sections;
	t->irq_acquires += r->irq_acquires;
	t->sleeps += r->sleeps;
	t->preempts += r->preempts;
	t->delays += r->delays;
	t->lingers += r->lingers;
	t->ctx_switches += r->ctx_switches;
	t->reused += r->reused;
	t->violations += r->violations;
	if (r->first_violation_ns && r->first_violation_ns < t->first_ns)
		t->first_ns = r->first_violation_ns;
}

static void tally_writer(struct tally *t, const struct hzb_torture_writer *w)
{
	t->updates += w->updates;
	t->syncs += w->syncs;
	t->sync_total += w->sync_ns_total;
	if (w->sync_ns_max > t->sync_max)
		t->sync_max = w->sync_ns_max;
	t->freed += w->freed;
	if (w->leak_checked) {
		t->leak_checked = 1;
		t->pool_objects = w->pool_objects;
		t->pool_free = w->pool_free;
		t->pool_live = w->pool_live;
	}
}

/* Join the threads that finished and sum their figures. */
static void torture_collect(struct torture *c)
{
	int i;

	c->t.first_ns = UINT64_MAX;
	for (i = 0; i < c->nr; i++)
		if (tthread_join(c, i))
			tally_reader(&c->t, &c->rd[i]);
	for (i = 0; i < to.writers; i++)
		if (tthread_join(c, c->nr + i))
			tally_writer(&c->t, &c->wr[i]);
	hzb_counters_read(c->fd, c->cnt);
}

/* The pipes, the reader and writer sums, the pool's leak check. */
static void torture_print_tally(struct torture *c)
{
	const char *name = c->d->name;
	const struct tally *t = &c->t;

	print_pipe("Reader Pipe", t->pipe);
	print_pipe("Reader irq Pipe", t->irq_pipe);
	printf("%s-torture: Reader: sections %" PRIu64 " acquires %" PRIu64 " null %" PRIu64
	       " sleeps %" PRIu64 " preempts %" PRIu64 " delays %" PRIu64 " lingers %" PRIu64
	       " ctx_switches %" PRIu64 " irq_sections %" PRIu64 " irq_acquires %" PRIu64 "\n",
	       name, t->sections, t->acquires, t->null_acquires, t->sleeps, t->preempts,
	       t->delays, t->lingers, t->ctx_switches, t->irq_sections, t->irq_acquires);
	printf("%s-torture: Writer: updates %" PRIu64 " syncs %" PRIu64
	       " sync avg %.1f us max %.1f us, freed %" PRIu64 "\n", name, t->updates,
	       t->syncs, t->syncs ? t->sync_total / 1e3 / (double)t->syncs : 0.0,
	       t->sync_max / 1e3, t->freed);
	if (t->leak_checked) {
		int64_t leaked = (int64_t)t->pool_objects - (int64_t)t->pool_free - 1;
		int bad = leaked || t->pool_live != 1;

		printf("%s-torture: Pool: %" PRIu64 " objects, %" PRIu64 " free, %" PRIu64
		       " live: %s", name, t->pool_objects, t->pool_free, t->pool_live,
		       bad ? "LEAK" : "no leak");
		if (bad)
			printf(" (%" PRId64 " objects neither free nor current)", leaked);
		printf("\n");
		c->failed |= bad;
	} else if (to.writers && !c->hung) {
		printf("%s-torture: Pool: not checked (another updater was still running)\n",
		       name);
	}
}

/* What failed, from the tally and the watch; sets c->failed. */
static void torture_judge(struct torture *c)
{
	const char *name = c->d->name;
	const struct tally *t = &c->t;
	uint64_t seen = c->cnt[HZB_CNT_VIOLATIONS] - c->base[HZB_CNT_VIOLATIONS];
	int settled = !c->errors && !c->hung && !c->stopped;

	if (t->violations) {
		printf("%s-torture: !!! %" PRIu64 " objects held after their synchronize "
		       "returned (%" PRIu64 " reused), first after %.3f s\n", name,
		       t->violations, t->reused, t->first_ns / NS);
		c->failed = 1;
	}
	if (seen != t->violations && !c->hung && !c->stopped)
		printf("%s-torture: note: module counted %" PRIu64 " violations meanwhile\n",
		       name, seen);
	if (c->nr && !t->acquires && settled) {
		printf("%s-torture: ??? readers never acquired an object\n", name);
		c->failed = 1;
	}
	if (c->cnt[HZB_CNT_RESTART_BOUND] != c->base[HZB_CNT_RESTART_BOUND]) {
		printf("%s-torture: !!! %" PRIu64 " overflow-list walks restarted more than "
		       "overflow=flip's bound (entries at the start + 8)\n", name,
		       c->cnt[HZB_CNT_RESTART_BOUND] - c->base[HZB_CNT_RESTART_BOUND]);
		c->failed = 1;
		c->unbounded = 1;
	}
	if (to.writers && !t->updates && settled) {
		printf("%s-torture: ??? writers made no update\n", name);
		c->failed = 1;
	}
	c->failed |= c->errors || c->stalls || c->hung;
}

/* The RESULT line and rcutorture's verdict line. */
static void torture_print_verdict(const struct torture *c)
{
	const char *name = c->d->name, *sep = ": ";
	const struct tally *t = &c->t;

	printf("%s-torture: RESULT design=%s variant=%s broken=0x%x violations=%" PRIu64
	       " reused=%" PRIu64 " first_violation_s=%.3f detected_s=%.1f updates=%" PRIu64
	       " syncs=%" PRIu64 " acquires=%" PRIu64 " irq_acquires=%" PRIu64
	       " sleeps=%" PRIu64 " preempts=%" PRIu64 " stalls=%d errors=%d leak_checked=%d"
	       " writers=%d pointers=%u ok=%d\n", name, name,
	       c->info.variant[0] ? c->info.variant : "default",
	       c->info.broken, t->violations, t->reused,
	       t->violations ? t->first_ns / NS : -1.0, c->first_seen, t->updates, t->syncs,
	       t->acquires, t->irq_acquires, t->sleeps, t->preempts, c->stalls, c->errors,
	       t->leak_checked, to.writers, to.pointers, !c->failed);
	printf("%s-torture: End of test: %s", name, c->failed ? "FAILURE" : "SUCCESS");
	if (c->failed && t->violations) {
		printf("%stoo-short synchronize", sep);
		sep = ", ";
	}
	if (c->failed && c->stalls) {
		printf("%swriter stall", sep);
		sep = ", ";
	}
	if (c->failed && c->unbounded) {
		printf("%sunbounded restarts", sep);
		sep = ", ";
	}
	if (c->failed && c->hung) {
		printf("%shung threads", sep);
		sep = ", ";
	}
	if (c->failed && c->errors)
		printf("%sioctl errors", sep);
	printf("\n");
	fflush(stdout);
}

/* The one cleanup path: whatever the steps got, in reverse. */
static void torture_teardown(struct torture *c)
{
	int i;

	if (c->started && (c->hung || c->stopped)) {
		/* The stuck threads cannot be joined; do not wait for them. */
		_exit(1);
	}
	hzb_tasks_stop(&c->tasks);
	for (i = 0; i < c->nth; i++)
		if (c->th[i].fd >= 0)
			close(c->th[i].fd);
	free(c->th);
	free(c->rd);
	free(c->wr);
	if (c->fd >= 0)
		close(c->fd);
}

static int cmd_torture(void)
{
	struct torture c = {
		.d = hzb_design_find(to.design), .fd = -1, .tasks = { .pipe = { -1, -1 } },
		.first_seen = -1,
	};
	int ret;

	ret = torture_open(&c);
	if (!ret)
		ret = torture_start(&c);
	if (ret)
		goto out;
	torture_watch(&c);
	torture_collect(&c);
	torture_print_tally(&c);
	torture_judge(&c);
	torture_print_verdict(&c);
	ret = c.failed ? 1 : 0;
out:
	torture_teardown(&c);
	return ret;
}

int hzb_cmd_torture(int argc, char **argv)
{
	size_t n = 0;
	int i;

	for (i = 0; i < argc && n < sizeof(tort_cmdline) - 1; i++)
		n += (size_t)snprintf(tort_cmdline + n, sizeof(tort_cmdline) - n,
				      "%s%s", i ? " " : "hzbench ", argv[i]);
	parse_args(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (to.print)
		return hzb_vm_print_mode(&optab, to.print, "torture", &to.vm);
	hzb_opt.quiet = to.quiet;	/* for the shared helpers' messages */
	if (want_vm())
		return torture_in_vm();
	return cmd_torture();
}
