// SPDX-License-Identifier: GPL-2.0
/*
 * hzbench - hazard-pointer design benchmark driver.
 *
 * Runs one workload (idle task population, readers, updaters) against one
 * design module through the hzbench ABI, measures synchronize with the
 * module's clock and with BPF, and writes JSON, CSV and an LKML-style text
 * block.  When the design's device is missing and this host cannot load
 * modules, it re-runs itself inside a qemu guest (vm/run) and brings the
 * results back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hzb_config.h"
#include "hzb_dev.h"
#include "hzb_json.h"
#include "hzb_stats.h"
#include "hzb_tasks.h"
#include "scan_latency.h"

#define HZB_SCHEMA		"hzbench-result/1"
#define HZB_SAMPLES_CAP		(1U << 20)

enum preempt_mode { PREEMPT_NONE, PREEMPT_SLEEP, PREEMPT_YIELD, PREEMPT_OVERCOMMIT };
static const char * const preempt_names[] = { "none", "sleep", "yield", "overcommit", NULL };
enum vm_mode { VM_AUTO, VM_FORCE, VM_NEVER };

struct opts {
	const char *cmd;		/* run, info, calibrate, list */
	const char *design;
	const char *variant;
	unsigned long tasks;
	enum hzb_task_kind task_kind;
	int readers;			/* -1: one per CPU */
	int updaters;
	double duration_s;
	unsigned int nest;
	uint64_t hold_ns;
	enum preempt_mode preempt;
	unsigned int sleep_us;
	uint64_t interval_ns;
	unsigned int batch;
	int pin;
	int bpf;
	int floors;
	const char *json, *csv, *text;
	enum vm_mode vm;
	int vcpus;
	int mem_mb;
	const char *vm_cpu;
	int quiet;
};

static struct opts opt = {
	.cmd = "run",
	.variant = "",
	.readers = -1,
	.updaters = 1,
	.duration_s = 5,
	.nest = 1,
	.sleep_us = 50,
	.batch = 1,
	.bpf = 1,
	.floors = 1,
	.vcpus = 2,
	.mem_mb = 4096,
	.vm_cpu = "max",
};

static char cmdline[8192];

static void say(const char *fmt, ...)
{
	va_list ap;

	if (opt.quiet)
		return;
	va_start(ap, fmt);
	fputs("hzbench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void __attribute__((noreturn)) usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("hzbench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs(" (see hzbench --help)\n", stderr);
	va_end(ap);
	exit(2);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(void)
{
	size_t i;

	printf("Usage: hzbench [COMMAND] --design=NAME [OPTIONS]\n"
	       "\n"
	       "Benchmark kernel hazard-pointer designs: readers acquire and release a\n"
	       "shared object while updaters replace it and synchronize, among --tasks\n"
	       "idle tasks.  Synchronize latency is timed by the module and by BPF.\n"
	       "\n"
	       "Commands:\n"
	       "  run (default)      run the workload and report\n"
	       "  info               print the design's INFO (variant, knobs, sizes)\n"
	       "  calibrate          measure the floors: task walk, slot loop, smp_mb,\n"
	       "                     synchronize_rcu(_expedited)\n"
	       "  list               list the designs\n"
	       "\n"
	       "Designs (--design=):\n");
	for (i = 0; i < hzb_nr_designs; i++)
		printf("  %-10s %s\n", hzb_designs[i].name, hzb_designs[i].summary);
	printf("\n"
	       "Workload:\n"
	       "  -d, --design=NAME      design to run (required)\n"
	       "  -V, --variant=K=V,...  design variant knobs (see 'hzbench info')\n"
	       "  -t, --tasks=N          idle tasks alive during the run (default 0)\n"
	       "      --task-kind=KIND   thread (default) or process\n"
	       "  -r, --readers=N        reader threads (default: one per CPU)\n"
	       "  -u, --updaters=N       updater threads (default 1)\n"
	       "  -D, --duration=SEC     run time (default 5)\n"
	       "  -n, --nest=K           hazard pointers a reader holds at once (1..%d)\n"
	       "      --hold=TIME        busy hold per read section, e.g. 500ns, 2us\n"
	       "      --preempt=MODE     none, sleep (sleep while holding), yield,\n"
	       "                         overcommit (3 CPU hogs per CPU)\n"
	       "      --sleep=TIME       sleep per section with --preempt=sleep (50us)\n"
	       "      --update-interval=TIME  pause between updates (default 0)\n"
	       "      --batch=N          objects retired per synchronize (default 1)\n"
	       "      --pin              pin reader i to CPU i %% nr_cpus\n"
	       "      --no-bpf           do not attach the BPF latency probe\n"
	       "      --no-floors        do not measure the calibration floors\n"
	       "\n"
	       "Output:\n"
	       "      --json=FILE        result JSON (schema in README.md)\n"
	       "      --csv=FILE         one CSV row (header written when FILE is new)\n"
	       "      --text=FILE        LKML-ready text block (default: beside --json)\n"
	       "  -q, --quiet            no progress on stderr\n"
	       "\n"
	       "Where it runs:\n"
	       "      --vm               always run inside the qemu guest\n"
	       "      --no-vm            never use the guest\n"
	       "      --vcpus=N          guest vCPUs (default 2)\n"
	       "      --mem=MB           guest memory (default 4096)\n"
	       "      --vm-cpu=MODEL     qemu -cpu (default max; max,hypervisor=off\n"
	       "                         for real qspinlocks)\n"
	       "  -h, --help             this text\n"
	       "      --version          version and build facts\n"
	       "\n"
	       "Examples:\n"
	       "  hzbench --design=percpu --tasks=10000\n"
	       "  hzbench --design=pertask --tasks=10000 --preempt=sleep --json=out.json\n"
	       "  hzbench --design=rcu --variant=sync=expedited --duration=10\n"
	       "  hzbench info --design=percpu\n"
	       "  hzbench calibrate --tasks=1000\n"
	       "\n"
	       "Exit status: 0 ok, 1 run failed (including any reader that saw a freed\n"
	       "object), 2 usage error, 3 kernel problem in the guest console, 4 the\n"
	       "guest did not finish.\n", HZB_MAX_NEST);
}

/* "500ns", "2us", "1.5ms", "3s"; a bare number is in @unit_ns. */
static int parse_time_ns(const char *s, uint64_t unit_ns, uint64_t *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0 || !isfinite(v))
		return -1;
	if (!*end)
		v *= (double)unit_ns;
	else if (!strcmp(end, "ns"))
		;
	else if (!strcmp(end, "us"))
		v *= 1e3;
	else if (!strcmp(end, "ms"))
		v *= 1e6;
	else if (!strcmp(end, "s"))
		v *= 1e9;
	else
		return -1;
	if (v > 1e18)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

static unsigned long parse_ulong(const char *name, const char *s,
				 unsigned long min, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max)
		usage_error("--%s=%s: expected an integer in [%lu, %lu]", name,
			    s, min, max);
	return v;
}

enum {
	OPT_TASK_KIND = 256, OPT_HOLD, OPT_PREEMPT, OPT_SLEEP, OPT_INTERVAL,
	OPT_BATCH, OPT_PIN, OPT_NO_BPF, OPT_NO_FLOORS, OPT_JSON, OPT_CSV,
	OPT_TEXT, OPT_VM, OPT_NO_VM, OPT_VCPUS, OPT_MEM, OPT_VM_CPU,
	OPT_VERSION,
};

static const struct option long_opts[] = {
	{ "design", required_argument, NULL, 'd' },
	{ "variant", required_argument, NULL, 'V' },
	{ "tasks", required_argument, NULL, 't' },
	{ "task-kind", required_argument, NULL, OPT_TASK_KIND },
	{ "readers", required_argument, NULL, 'r' },
	{ "updaters", required_argument, NULL, 'u' },
	{ "duration", required_argument, NULL, 'D' },
	{ "nest", required_argument, NULL, 'n' },
	{ "hold", required_argument, NULL, OPT_HOLD },
	{ "preempt", required_argument, NULL, OPT_PREEMPT },
	{ "sleep", required_argument, NULL, OPT_SLEEP },
	{ "update-interval", required_argument, NULL, OPT_INTERVAL },
	{ "batch", required_argument, NULL, OPT_BATCH },
	{ "pin", no_argument, NULL, OPT_PIN },
	{ "no-bpf", no_argument, NULL, OPT_NO_BPF },
	{ "no-floors", no_argument, NULL, OPT_NO_FLOORS },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "csv", required_argument, NULL, OPT_CSV },
	{ "text", required_argument, NULL, OPT_TEXT },
	{ "vm", no_argument, NULL, OPT_VM },
	{ "no-vm", no_argument, NULL, OPT_NO_VM },
	{ "vcpus", required_argument, NULL, OPT_VCPUS },
	{ "mem", required_argument, NULL, OPT_MEM },
	{ "vm-cpu", required_argument, NULL, OPT_VM_CPU },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

static void parse_args(int argc, char **argv)
{
	uint64_t ns;
	int c, i;

	if (argc > 1 && argv[1][0] != '-') {
		opt.cmd = argv[1];
		if (strcmp(opt.cmd, "run") && strcmp(opt.cmd, "info") &&
		    strcmp(opt.cmd, "calibrate") && strcmp(opt.cmd, "list"))
			usage_error("unknown command '%s'", opt.cmd);
		argv++;
		argc--;
	}
	while ((c = getopt_long(argc, argv, "d:V:t:r:u:D:n:qh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			opt.design = optarg;
			break;
		case 'V':
			if (strlen(optarg) >= HZB_VARIANT_LEN)
				usage_error("--variant is too long");
			opt.variant = optarg;
			break;
		case 't':
			opt.tasks = parse_ulong("tasks", optarg, 0, 1000000);
			break;
		case OPT_TASK_KIND:
			if (!strcmp(optarg, "thread"))
				opt.task_kind = HZB_TASK_THREAD;
			else if (!strcmp(optarg, "process"))
				opt.task_kind = HZB_TASK_PROCESS;
			else
				usage_error("--task-kind=%s: expected thread or process", optarg);
			break;
		case 'r':
			opt.readers = (int)parse_ulong("readers", optarg, 0, 4096);
			break;
		case 'u':
			opt.updaters = (int)parse_ulong("updaters", optarg, 0, 256);
			break;
		case 'D':
			if (parse_time_ns(optarg, 1000000000ULL, &ns) || !ns ||
			    ns > 86400ULL * 1000000000ULL)
				usage_error("--duration=%s: expected seconds > 0, e.g. 5 or 500ms", optarg);
			opt.duration_s = ns / 1e9;
			break;
		case 'n':
			opt.nest = (unsigned int)parse_ulong("nest", optarg, 1, HZB_MAX_NEST);
			break;
		case OPT_HOLD:
			if (parse_time_ns(optarg, 1, &opt.hold_ns) || opt.hold_ns > 1000000000ULL)
				usage_error("--hold=%s: expected a time <= 1s, e.g. 500ns", optarg);
			break;
		case OPT_PREEMPT:
			for (i = 0; preempt_names[i]; i++)
				if (!strcmp(optarg, preempt_names[i]))
					break;
			if (!preempt_names[i])
				usage_error("--preempt=%s: expected none, sleep, yield or overcommit", optarg);
			opt.preempt = i;
			break;
		case OPT_SLEEP:
			if (parse_time_ns(optarg, 1000, &ns) || ns > 1000000000ULL)
				usage_error("--sleep=%s: expected a time <= 1s, e.g. 50us", optarg);
			opt.sleep_us = (unsigned int)(ns / 1000);
			break;
		case OPT_INTERVAL:
			if (parse_time_ns(optarg, 1, &opt.interval_ns) ||
			    opt.interval_ns > 1000000000ULL)
				usage_error("--update-interval=%s: expected a time <= 1s", optarg);
			break;
		case OPT_BATCH:
			opt.batch = (unsigned int)parse_ulong("batch", optarg, 1, HZB_MAX_BATCH);
			break;
		case OPT_PIN:
			opt.pin = 1;
			break;
		case OPT_NO_BPF:
			opt.bpf = 0;
			break;
		case OPT_NO_FLOORS:
			opt.floors = 0;
			break;
		case OPT_JSON:
			opt.json = optarg;
			break;
		case OPT_CSV:
			opt.csv = optarg;
			break;
		case OPT_TEXT:
			opt.text = optarg;
			break;
		case OPT_VM:
			opt.vm = VM_FORCE;
			break;
		case OPT_NO_VM:
			opt.vm = VM_NEVER;
			break;
		case OPT_VCPUS:
			opt.vcpus = (int)parse_ulong("vcpus", optarg, 1, 64);
			break;
		case OPT_MEM:
			opt.mem_mb = (int)parse_ulong("mem", optarg, 256, 65536);
			break;
		case OPT_VM_CPU:
			opt.vm_cpu = optarg;
			break;
		case 'q':
			opt.quiet = 1;
			break;
		case 'h':
			usage();
			exit(0);
		case OPT_VERSION:
			printf("hzbench %s (git %s)\nmodules built for %s\n"
			       "VM kernel %s\n", HZB_VERSION, HZB_GIT_REV,
			       HZB_KERNEL_RELEASE, HZB_VM_KERNEL);
			exit(0);
		default:
			exit(2);	/* getopt printed the reason */
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (!strcmp(opt.cmd, "list"))
		return;
	if (!opt.design && strcmp(opt.cmd, "calibrate"))
		usage_error("--design is required: one of %s", hzb_design_list());
	if (opt.design && !hzb_design_find(opt.design))
		usage_error("unknown design '%s': valid designs are %s", opt.design,
			    hzb_design_list());
	if (opt.vm == VM_FORCE && getenv("HZB_IN_VM"))
		opt.vm = VM_NEVER;
	if (!opt.readers && !opt.updaters && !strcmp(opt.cmd, "run"))
		usage_error("nothing to run: --readers=0 and --updaters=0");
}

/* ------------------------------------------------------------------ */
/* Running in the guest                                                */
/* ------------------------------------------------------------------ */

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static int copy_file(const char *from, const char *to, int append_csv)
{
	FILE *in, *out;
	char line[65536];
	int skip_header = 0;
	struct stat st;

	in = fopen(from, "r");
	if (!in)
		return -errno;
	if (append_csv && !stat(to, &st) && st.st_size > 0)
		skip_header = 1;
	out = fopen(to, append_csv ? "a" : "w");
	if (!out) {
		fclose(in);
		return -errno;
	}
	while (fgets(line, sizeof(line), in)) {
		if (skip_header) {
			skip_header = 0;
			continue;
		}
		fputs(line, out);
	}
	fclose(in);
	return fclose(out) ? -errno : 0;
}

static void push(char **argv, int *argc, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	argv[(*argc)++] = s;
}

/* Re-run this command in the guest; returns the exit status. */
static int run_in_vm(void)
{
	char tmp[] = "/tmp/hzbench-vm.XXXXXX", from[PATH_MAX];
	const char *outs[3] = { opt.json, opt.csv, opt.text };
	char *argv[96];
	int argc = 0, status, i;
	pid_t pid;
	long timeout;

	if (access(HZB_VM_INITRAMFS, R_OK)) {
		fprintf(stderr, "hzbench: no guest image at %s: build it with ninja -C <builddir>\n",
			HZB_VM_INITRAMFS);
		return 1;
	}
	if (!mkdtemp(tmp)) {
		perror("hzbench: mkdtemp");
		return 1;
	}
	timeout = (long)opt.duration_s + 240 + (long)(opt.tasks / 500);
	push(argv, &argc, "%s", HZB_VM_RUNNER);
	push(argv, &argc, "--kernel");
	push(argv, &argc, "%s", HZB_VM_KERNEL);
	push(argv, &argc, "--initramfs");
	push(argv, &argc, "%s", HZB_VM_INITRAMFS);
	push(argv, &argc, "--vcpus");
	push(argv, &argc, "%d", opt.vcpus);
	push(argv, &argc, "--mem");
	push(argv, &argc, "%d", opt.mem_mb);
	push(argv, &argc, "--cpu");
	push(argv, &argc, "%s", opt.vm_cpu);
	push(argv, &argc, "--out");
	push(argv, &argc, "%s", tmp);
	push(argv, &argc, "--timeout");
	push(argv, &argc, "%ld", timeout);
	push(argv, &argc, "--env");
	push(argv, &argc, "HZB_HOST_CMDLINE=%s", cmdline);
	push(argv, &argc, "--");
	push(argv, &argc, "hzbench");
	push(argv, &argc, "%s", opt.cmd);
	if (opt.design)
		push(argv, &argc, "--design=%s", opt.design);
	push(argv, &argc, "--variant=%s", opt.variant);
	push(argv, &argc, "--tasks=%lu", opt.tasks);
	push(argv, &argc, "--task-kind=%s", opt.task_kind == HZB_TASK_THREAD ? "thread" : "process");
	push(argv, &argc, "--readers=%d", opt.readers < 0 ? opt.vcpus : opt.readers);
	push(argv, &argc, "--updaters=%d", opt.updaters);
	push(argv, &argc, "--duration=%.9gs", opt.duration_s);
	push(argv, &argc, "--nest=%u", opt.nest);
	push(argv, &argc, "--hold=%" PRIu64 "ns", opt.hold_ns);
	push(argv, &argc, "--preempt=%s", preempt_names[opt.preempt]);
	push(argv, &argc, "--sleep=%uus", opt.sleep_us);
	push(argv, &argc, "--update-interval=%" PRIu64 "ns", opt.interval_ns);
	push(argv, &argc, "--batch=%u", opt.batch);
	if (opt.pin)
		push(argv, &argc, "--pin");
	if (!opt.bpf)
		push(argv, &argc, "--no-bpf");
	if (!opt.floors)
		push(argv, &argc, "--no-floors");
	if (opt.quiet)
		push(argv, &argc, "--quiet");
	if (opt.json)
		push(argv, &argc, "--json=%s", base_name(opt.json));
	if (opt.csv)
		push(argv, &argc, "--csv=%s", base_name(opt.csv));
	if (opt.text)
		push(argv, &argc, "--text=%s", base_name(opt.text));
	argv[argc] = NULL;

	say("no /dev/%s here and this host cannot load modules: running in a %d-vCPU qemu guest",
	    opt.design ? hzb_design_find(opt.design)->device : "hzb_*", opt.vcpus);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execv(argv[0], argv);
		fprintf(stderr, "hzbench: exec %s: %s\n", argv[0], strerror(errno));
		_exit(4);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		perror("hzbench: vm runner");
		return 4;
	}
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 4;
	for (i = 0; i < 3; i++) {
		if (!outs[i])
			continue;
		snprintf(from, sizeof(from), "%s/%s", tmp, base_name(outs[i]));
		if (access(from, F_OK))
			continue;
		if (copy_file(from, outs[i], i == 1)) {
			fprintf(stderr, "hzbench: cannot write %s: %s\n", outs[i],
				strerror(errno));
			status = status ? status : 1;
		}
	}
	/* The text block goes beside the JSON unless --text says otherwise. */
	if (opt.json && !opt.text) {
		char to[PATH_MAX];

		snprintf(from, sizeof(from), "%s/%s.txt", tmp, base_name(opt.json));
		snprintf(to, sizeof(to), "%s.txt", opt.json);
		if (!access(from, F_OK))
			copy_file(from, to, 0);
	}
	for (i = 0; i < argc; i++)
		free(argv[i]);
	snprintf(from, sizeof(from), "rm -rf '%s'", tmp);
	if (system(from))
		say("could not remove %s", tmp);
	return status;
}

/* ------------------------------------------------------------------ */
/* The run                                                             */
/* ------------------------------------------------------------------ */

struct reader_thread {
	pthread_t thread;
	int id, fd, err;
	struct hzb_reader r;
};

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

	if (opt.pin)
		pin_self(t->id);
	pthread_barrier_wait(&start_barrier);
	if (ioctl(t->fd, HZB_IOC_READER, &t->r))
		t->err = errno;
	return NULL;
}

static void *updater_main(void *arg)
{
	struct updater_thread *t = arg;

	pthread_barrier_wait(&start_barrier);
	if (ioctl(t->fd, HZB_IOC_UPDATER, &t->u))
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

struct floor {
	const char *name;
	enum hzb_cal_op op;
	uint64_t loops;
	uint32_t samples;
	struct hzb_summary s;		/* per op (per loop iteration) */
	uint64_t tasks;
	int err;
};

static struct floor floors[] = {
	{ "slot_loop", HZB_CAL_SLOT_LOOP, 100000, 11 },
	{ "smp_mb", HZB_CAL_SMP_MB, 100000, 11 },
	{ "task_walk", HZB_CAL_TASK_WALK, 1, 11 },
	{ "synchronize_rcu", HZB_CAL_SYNC_RCU, 1, 5 },
	{ "synchronize_rcu_expedited", HZB_CAL_SYNC_RCU_EXP, 1, 11 },
};

#define NR_FLOORS (sizeof(floors) / sizeof(floors[0]))

static int measure_floor(int fd, struct floor *f)
{
	uint64_t *v = calloc(f->samples, sizeof(*v));
	struct hzb_calibrate c = {
		.size = sizeof(c), .op = f->op, .loops = f->loops,
		.samples_cap = f->samples, .samples = (uintptr_t)v,
	};
	uint32_t i;

	if (!v)
		return -ENOMEM;
	if (ioctl(fd, HZB_IOC_CALIBRATE, &c)) {
		f->err = errno;
		free(v);
		return -f->err;
	}
	f->tasks = c.tasks;
	hzb_summarize(v, f->samples, &f->s);
	/* Per operation, not per sample. */
	for (i = 0; i < 1; i++) {
		f->s.avg /= (double)f->loops;
		f->s.min /= (double)f->loops;
		f->s.p50 /= (double)f->loops;
		f->s.p90 /= (double)f->loops;
		f->s.p99 /= (double)f->loops;
		f->s.max /= (double)f->loops;
	}
	free(v);
	return 0;
}

struct result {
	const struct hzb_design *design;
	struct hzb_info info;
	struct hzb_tasks tasks;
	uint64_t tasks_seen;		/* by the module's task walk */
	size_t tasks_spawned;
	int nr_readers, nr_updaters, nr_hogs;
	struct reader_thread *readers;
	struct updater_thread *updaters;
	struct hzb_reader rsum;
	struct hzb_updater usum;
	struct hzb_summary sync;
	uint64_t *all_samples;
	size_t nr_samples;
	uint64_t cnt[HZB_NR_COUNTERS];
	double wall_s;
	int failed;
	/* BPF */
	int bpf_attached;
	char bpf_error[256];
	struct hzb_lat_stats bpf;
	int floors_done;
};

/*
 * Synchronize calls the BPF probe accounted for.  Under preempt=full the
 * kernel skips a probe run while the same program is preempted on that
 * CPU; those calls are counted as misses, so this equals the module's
 * count exactly while the timed samples (count) may be fewer.
 */
static uint64_t bpf_calls(const struct hzb_lat_stats *b)
{
	return b->entries + b->enter_misses;
}

static void fill_sysinfo(struct hzb_json *j, const struct result *res)
{
	struct utsname u;
	const char *in_vm = getenv("HZB_IN_VM");

	uname(&u);
	hzb_json_obj_begin(j, "system");
	hzb_json_str(j, "kernel_release", u.release);
	hzb_json_str(j, "kernel_version", u.version);
	hzb_json_str(j, "machine", u.machine);
	hzb_json_u64(j, "nr_cpus", (uint64_t)sysconf(_SC_NPROCESSORS_ONLN));
	hzb_json_u64(j, "nr_cpu_ids", res->info.nr_cpu_ids);
	hzb_json_str(j, "mode", in_vm ? "vm" : "native");
	if (in_vm) {
		hzb_json_obj_begin(j, "vm");
		hzb_json_str(j, "qemu", getenv("HZB_VM_QEMU"));
		hzb_json_str(j, "accel", getenv("HZB_VM_ACCEL"));
		hzb_json_str(j, "cpu_model", getenv("HZB_VM_CPU"));
		hzb_json_u64(j, "vcpus", strtoull(getenv("HZB_VM_VCPUS") ?: "0", NULL, 10));
		hzb_json_u64(j, "mem_mb", strtoull(getenv("HZB_VM_MEM_MB") ?: "0", NULL, 10));
		hzb_json_str(j, "note", "TCG-emulated timing: compare ratios within one run, not absolute ns");
		hzb_json_obj_end(j);
	}
	hzb_json_obj_end(j);
}

static void json_summary(struct hzb_json *j, const char *key,
			 const struct hzb_summary *s)
{
	hzb_json_obj_begin(j, key);
	hzb_json_u64(j, "count", s->n);
	hzb_json_dbl(j, "avg_ns", s->avg);
	hzb_json_dbl(j, "min_ns", s->min);
	hzb_json_dbl(j, "p50_ns", s->p50);
	hzb_json_dbl(j, "p90_ns", s->p90);
	hzb_json_dbl(j, "p99_ns", s->p99);
	hzb_json_dbl(j, "max_ns", s->max);
	hzb_json_obj_end(j);
}

static double reader_ns_per_acquire(const struct hzb_reader *r)
{
	uint64_t ops = r->acquires + r->null_acquires;

	return ops ? (double)r->elapsed_ns / (double)ops : NAN;
}

static int write_json(const char *path, const struct result *res)
{
	struct hzb_json j;
	FILE *f = fopen(path, "w");
	int i;
	size_t k;

	if (!f)
		return -errno;
	hzb_json_init(&j, f);
	hzb_json_obj_begin(&j, NULL);
	hzb_json_str(&j, "schema", HZB_SCHEMA);
	hzb_json_obj_begin(&j, "tool");
	hzb_json_str(&j, "version", HZB_VERSION);
	hzb_json_str(&j, "git_rev", HZB_GIT_REV);
	hzb_json_obj_end(&j);
	hzb_json_str(&j, "command_line", getenv("HZB_HOST_CMDLINE") ?: cmdline);
	hzb_json_str(&j, "design", res->design->name);
	hzb_json_str(&j, "variant", res->info.variant);

	hzb_json_obj_begin(&j, "config");
	hzb_json_u64(&j, "tasks", opt.tasks);
	hzb_json_str(&j, "task_kind", opt.task_kind == HZB_TASK_THREAD ? "thread" : "process");
	hzb_json_u64(&j, "readers", (uint64_t)res->nr_readers);
	hzb_json_u64(&j, "updaters", (uint64_t)res->nr_updaters);
	hzb_json_dbl(&j, "duration_s", opt.duration_s);
	hzb_json_u64(&j, "nest", opt.nest);
	hzb_json_u64(&j, "hold_ns", opt.hold_ns);
	hzb_json_str(&j, "preempt", preempt_names[opt.preempt]);
	hzb_json_u64(&j, "sleep_us", opt.preempt == PREEMPT_SLEEP ? opt.sleep_us : 0);
	hzb_json_u64(&j, "update_interval_ns", opt.interval_ns);
	hzb_json_u64(&j, "batch", opt.batch);
	hzb_json_bool(&j, "pin", opt.pin);
	hzb_json_bool(&j, "bpf", opt.bpf);
	hzb_json_u64(&j, "hogs", (uint64_t)res->nr_hogs);
	hzb_json_obj_end(&j);

	fill_sysinfo(&j, res);

	hzb_json_obj_begin(&j, "info");
	hzb_json_u64(&j, "abi_version", res->info.abi_version);
	hzb_json_str(&j, "knobs", res->info.knobs);
	hzb_json_str(&j, "sync_func", res->info.sync_func);
	hzb_json_u64(&j, "features", res->info.features);
	hzb_json_u64(&j, "slots_per_cpu", res->info.slots_per_cpu);
	hzb_json_u64(&j, "slots_per_task", res->info.slots_per_task);
	hzb_json_u64(&j, "bytes_per_cpu", res->info.bytes_per_cpu);
	hzb_json_u64(&j, "bytes_per_task", res->info.bytes_per_task);
	hzb_json_u64(&j, "bytes_per_ctx", res->info.bytes_per_ctx);
	hzb_json_u64(&j, "nr_locks", res->info.nr_locks);
	hzb_json_u64(&j, "pool_objects", res->info.pool_objects);
	hzb_json_u64(&j, "broken", res->info.broken);
	hzb_json_obj_end(&j);

	hzb_json_obj_begin(&j, "tasks");
	hzb_json_u64(&j, "requested", opt.tasks);
	hzb_json_u64(&j, "spawned", res->tasks_spawned);
	hzb_json_dbl(&j, "spawn_s", res->tasks.spawn_s);
	hzb_json_u64(&j, "seen_by_module", res->tasks_seen);
	hzb_json_obj_end(&j);

	hzb_json_obj_begin(&j, "readers");
	hzb_json_u64(&j, "threads", (uint64_t)res->nr_readers);
	hzb_json_u64(&j, "sections", res->rsum.sections);
	hzb_json_u64(&j, "acquires", res->rsum.acquires);
	hzb_json_u64(&j, "null_acquires", res->rsum.null_acquires);
	hzb_json_u64(&j, "violations", res->rsum.violations);
	hzb_json_u64(&j, "ctx_switches", res->rsum.ctx_switches);
	hzb_json_dbl(&j, "ns_per_acquire", reader_ns_per_acquire(&res->rsum));
	hzb_json_arr_begin(&j, "per_thread");
	for (i = 0; i < res->nr_readers; i++) {
		const struct hzb_reader *r = &res->readers[i].r;

		hzb_json_obj_begin(&j, NULL);
		hzb_json_u64(&j, "sections", r->sections);
		hzb_json_u64(&j, "acquires", r->acquires);
		hzb_json_u64(&j, "elapsed_ns", r->elapsed_ns);
		hzb_json_dbl(&j, "ns_per_acquire", reader_ns_per_acquire(r));
		hzb_json_u64(&j, "ctx_switches", r->ctx_switches);
		if (res->readers[i].err)
			hzb_json_str(&j, "error", strerror(res->readers[i].err));
		hzb_json_obj_end(&j);
	}
	hzb_json_arr_end(&j);
	hzb_json_obj_end(&j);

	hzb_json_obj_begin(&j, "updaters");
	hzb_json_u64(&j, "threads", (uint64_t)res->nr_updaters);
	hzb_json_u64(&j, "updates", res->usum.updates);
	hzb_json_u64(&j, "syncs", res->usum.syncs);
	hzb_json_obj_end(&j);

	json_summary(&j, "synchronize", &res->sync);

	hzb_json_obj_begin(&j, "counters");
	for (k = 0; k < HZB_NR_COUNTERS; k++)
		hzb_json_u64(&j, hzb_counter_names[k], res->cnt[k]);
	hzb_json_obj_end(&j);

	hzb_json_obj_begin(&j, "bpf");
	hzb_json_bool(&j, "enabled", opt.bpf);
	hzb_json_bool(&j, "attached", res->bpf_attached);
	if (opt.bpf && !res->bpf_attached)
		hzb_json_str(&j, "error", res->bpf_error);
	if (res->bpf_attached) {
		hzb_json_str(&j, "mechanism", res->bpf.mech);
		hzb_json_str(&j, "function", res->info.sync_func);
		/* Calls the probe saw: entries plus runs the kernel skipped. */
		hzb_json_u64(&j, "sync_count", bpf_calls(&res->bpf));
		hzb_json_u64(&j, "timed", res->bpf.count);
		hzb_json_u64(&j, "enter_misses", res->bpf.enter_misses);
		hzb_json_u64(&j, "exit_misses", res->bpf.exit_misses);
		hzb_json_u64(&j, "lost_exits", res->bpf.lost_exits);
		hzb_json_u64(&j, "unmatched", res->bpf.unmatched);
		hzb_json_u64(&j, "drops", res->bpf.drops);
		hzb_json_dbl(&j, "avg_ns", res->bpf.count ?
			     (double)res->bpf.total_ns / (double)res->bpf.count : NAN);
		hzb_json_u64(&j, "min_ns", res->bpf.count ? res->bpf.min_ns : 0);
		hzb_json_dbl(&j, "p50_ns", hzb_hist_percentile(res->bpf.hist, 50));
		hzb_json_dbl(&j, "p90_ns", hzb_hist_percentile(res->bpf.hist, 90));
		hzb_json_dbl(&j, "p99_ns", hzb_hist_percentile(res->bpf.hist, 99));
		hzb_json_u64(&j, "max_ns", res->bpf.max_ns);
		hzb_json_arr_begin(&j, "hist");
		for (k = 0; k < HZB_HIST_SLOTS; k++) {
			if (!res->bpf.hist[k])
				continue;
			hzb_json_arr_begin(&j, NULL);
			hzb_json_u64(&j, NULL, hzb_hist_lo(k));
			hzb_json_u64(&j, NULL, hzb_hist_hi(k));
			hzb_json_u64(&j, NULL, res->bpf.hist[k]);
			hzb_json_arr_end(&j);
		}
		hzb_json_arr_end(&j);
	}
	hzb_json_obj_end(&j);

	hzb_json_obj_begin(&j, "floors");
	for (k = 0; res->floors_done && k < NR_FLOORS; k++) {
		if (floors[k].err)
			continue;
		json_summary(&j, floors[k].name, &floors[k].s);
	}
	hzb_json_obj_end(&j);

	hzb_json_dbl(&j, "wall_s", res->wall_s);
	hzb_json_bool(&j, "ok", !res->failed);
	hzb_json_obj_end(&j);
	return fclose(f) ? -errno : 0;
}

static int write_csv(const char *path, const struct result *res)
{
	struct stat st;
	int header = stat(path, &st) || st.st_size == 0;
	FILE *f = fopen(path, "a");

	if (!f)
		return -errno;
	if (header)
		fprintf(f, "design,variant,tasks,readers,updaters,nest,hold_ns,preempt,batch,"
			"duration_s,syncs,sync_avg_ns,sync_min_ns,sync_p50_ns,sync_p90_ns,"
			"sync_p99_ns,sync_max_ns,ns_per_acquire,violations,overflows,"
			"migrations,tasks_scanned,bpf_syncs,bpf_p50_ns,mode\n");
	fprintf(f, "%s,\"%s\",%lu,%d,%d,%u,%" PRIu64 ",%s,%u,%g,%" PRIu64
		",%.1f,%.0f,%.0f,%.0f,%.0f,%.0f,%.2f,%" PRIu64 ",%" PRIu64 ",%" PRIu64
		",%" PRIu64 ",%" PRIu64 ",%.0f,%s\n",
		res->design->name, res->info.variant, opt.tasks, res->nr_readers,
		res->nr_updaters, opt.nest, opt.hold_ns, preempt_names[opt.preempt],
		opt.batch, opt.duration_s, res->sync.n, res->sync.avg, res->sync.min,
		res->sync.p50, res->sync.p90, res->sync.p99, res->sync.max,
		reader_ns_per_acquire(&res->rsum), (uint64_t)res->rsum.violations,
		res->cnt[HZB_CNT_OVERFLOWS], res->cnt[HZB_CNT_MIGRATIONS],
		res->cnt[HZB_CNT_TASKS_SCANNED],
		res->bpf_attached ? bpf_calls(&res->bpf) : 0,
		res->bpf_attached ? hzb_hist_percentile(res->bpf.hist, 50) : NAN,
		getenv("HZB_IN_VM") ? "vm" : "native");
	return fclose(f) ? -errno : 0;
}

/* The rcuscale-style block kernel developers paste into a reply. */
static void write_text(FILE *f, const struct result *res)
{
	const struct hzb_summary *s = &res->sync;
	const char *vm = getenv("HZB_IN_VM");

	fprintf(f, "%s-hzbench: %s\n", res->design->name,
		getenv("HZB_HOST_CMDLINE") ?: cmdline);
	fprintf(f, "%s-hzbench: variant %s, %lu idle tasks, %d readers, %d updaters, %s\n",
		res->design->name, res->info.variant[0] ? res->info.variant : "default",
		opt.tasks, res->nr_readers, res->nr_updaters,
		vm ? "qemu TCG guest (emulated timing: compare ratios only)" : "native");
	fprintf(f, "Synchronize calls: %" PRIu64 "\n", s->n);
	fprintf(f, "Average synchronize duration: %.3f microseconds\n", s->avg / 1e3);
	fprintf(f, "Minimum synchronize duration: %.3f microseconds\n", s->min / 1e3);
	fprintf(f, "50th percentile synchronize duration: %.3f microseconds\n", s->p50 / 1e3);
	fprintf(f, "90th percentile synchronize duration: %.3f microseconds\n", s->p90 / 1e3);
	fprintf(f, "99th percentile synchronize duration: %.3f microseconds\n", s->p99 / 1e3);
	fprintf(f, "Maximum synchronize duration: %.3f microseconds\n", s->max / 1e3);
	fprintf(f, "Reader acquire+release: %.2f ns/op, %" PRIu64 " acquires, %" PRIu64
		" violations\n", reader_ns_per_acquire(&res->rsum),
		(uint64_t)res->rsum.acquires, (uint64_t)res->rsum.violations);
	if (res->bpf_attached)
		fprintf(f, "BPF (%s) synchronize calls: %" PRIu64 " (%" PRIu64
			" timed), 50th percentile %.3f microseconds\n",
			res->bpf.mech, bpf_calls(&res->bpf), res->bpf.count,
			hzb_hist_percentile(res->bpf.hist, 50) / 1e3);
}

static void add_reader(struct hzb_reader *sum, const struct hzb_reader *r)
{
	sum->sections += r->sections;
	sum->acquires += r->acquires;
	sum->null_acquires += r->null_acquires;
	sum->violations += r->violations;
	sum->ctx_switches += r->ctx_switches;
	/* Summed: ns per acquire is then the per-thread average cost. */
	sum->elapsed_ns += r->elapsed_ns;
}

static int read_counters(int fd, uint64_t *out)
{
	struct hzb_counters c;
	int ret = hzb_counters(fd, &c);
	size_t i;

	for (i = 0; i < HZB_NR_COUNTERS; i++)
		out[i] = ret ? 0 : c.val[i];
	return ret;
}

static int open_design(const struct hzb_design *d)
{
	char why[512];
	int fd = hzb_dev_open(d);

	if (fd >= 0)
		return fd;
	if (fd == -ENOENT && hzb_can_load_modules(why, sizeof(why))) {
		say("loading %s/%s", HZB_KMOD_DIR, d->module);
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

static void progress_wait(const char *what, double seconds, int *running)
{
	double t0 = now_s(), last = t0;

	/* The threads end by themselves; report while they run. */
	while (*running && now_s() - t0 < seconds + 1) {
		usleep(200000);
		if (seconds > 3 && now_s() - last >= 5) {
			last = now_s();
			say("%s: %.0f/%.0f s", what, now_s() - t0, seconds);
		}
	}
}

static int cmd_run(void)
{
	const struct hzb_design *d = hzb_design_find(opt.design);
	uint64_t before[HZB_NR_COUNTERS];
	struct result res = { .design = d };
	pthread_t *hogs = NULL;
	struct hzb_bpf_sync *bpf = NULL;
	double t0 = now_s();
	size_t cap, k;
	int fd, i, ret = 0, running = 1;
	uint64_t dur_ns = (uint64_t)(opt.duration_s * 1e9);

	fd = open_design(d);
	if (fd < 0)
		return 1;
	if ((ret = hzb_set_variant(fd, opt.variant))) {
		fprintf(stderr, "hzbench: variant \"%s\" rejected by %s: %s\n", opt.variant,
			d->name, strerror(-ret));
		if (!hzb_info(fd, &res.info))
			fprintf(stderr, "hzbench: %s knobs: %s\n", d->name, res.info.knobs);
		return 2;
	}
	if ((ret = hzb_info(fd, &res.info))) {
		fprintf(stderr, "hzbench: INFO: %s\n", strerror(-ret));
		return 1;
	}
	if (opt.preempt == PREEMPT_SLEEP || opt.preempt == PREEMPT_YIELD) {
		if (!(res.info.features & HZB_FEAT_SLEEP_IN_READER)) {
			fprintf(stderr, "hzbench: %s readers may not sleep or yield while holding\n",
				d->name);
			return 2;
		}
	}
	res.nr_readers = opt.readers < 0 ? (int)sysconf(_SC_NPROCESSORS_ONLN) : opt.readers;
	res.nr_updaters = opt.updaters;

	if (opt.tasks) {
		say("spawning %lu idle %ss", opt.tasks,
		    opt.task_kind == HZB_TASK_THREAD ? "thread" : "processe");
		if (hzb_tasks_spawn(&res.tasks, opt.tasks, opt.task_kind, !opt.quiet))
			return 1;
		say("spawned %zu tasks in %.2f s", res.tasks.n, res.tasks.spawn_s);
	}
	if (opt.bpf) {
		ret = hzb_bpf_sync_open(&bpf, res.info.sync_func, res.bpf_error,
					sizeof(res.bpf_error));
		if (ret) {
			fprintf(stderr, "hzbench: BPF probe on %s failed: %s (use --no-bpf to run without it)\n",
				res.info.sync_func, res.bpf_error);
			res.failed = 1;
		} else {
			res.bpf_attached = 1;
		}
	}

	res.readers = calloc((size_t)res.nr_readers + 1, sizeof(*res.readers));
	res.updaters = calloc((size_t)res.nr_updaters + 1, sizeof(*res.updaters));
	if (!res.readers || !res.updaters)
		return 1;
	for (i = 0; i < res.nr_readers; i++) {
		struct reader_thread *t = &res.readers[i];

		t->id = i;
		t->fd = hzb_dev_open(d);
		t->r = (struct hzb_reader){
			.size = sizeof(t->r), .duration_ns = dur_ns, .nest = opt.nest,
			.hold_ns = (uint32_t)opt.hold_ns,
		};
		if (opt.preempt == PREEMPT_SLEEP) {
			t->r.flags |= HZB_READ_SLEEP;
			t->r.sleep_us = opt.sleep_us;
		} else if (opt.preempt == PREEMPT_YIELD) {
			t->r.flags |= HZB_READ_YIELD;
		}
	}
	cap = HZB_SAMPLES_CAP;
	for (i = 0; i < res.nr_updaters; i++) {
		struct updater_thread *t = &res.updaters[i];

		t->id = i;
		t->fd = hzb_dev_open(d);
		t->samples = calloc(cap, sizeof(uint64_t));
		if (!t->samples)
			return 1;
		t->u = (struct hzb_updater){
			.size = sizeof(t->u), .duration_ns = dur_ns,
			.interval_ns = opt.interval_ns, .batch = opt.batch,
			.samples_cap = (uint32_t)cap, .samples = (uintptr_t)t->samples,
		};
	}
	if (opt.preempt == PREEMPT_OVERCOMMIT) {
		res.nr_hogs = 3 * (int)sysconf(_SC_NPROCESSORS_ONLN);
		hogs = calloc((size_t)res.nr_hogs, sizeof(*hogs));
		for (i = 0; hogs && i < res.nr_hogs; i++)
			pthread_create(&hogs[i], NULL, hog_main, NULL);
	}

	read_counters(fd, before);
	pthread_barrier_init(&start_barrier, NULL,
			     (unsigned int)(res.nr_readers + res.nr_updaters + 1));
	for (i = 0; i < res.nr_readers; i++)
		pthread_create(&res.readers[i].thread, NULL, reader_main, &res.readers[i]);
	for (i = 0; i < res.nr_updaters; i++)
		pthread_create(&res.updaters[i].thread, NULL, updater_main, &res.updaters[i]);
	say("%s: %d readers, %d updaters, %lu tasks, %.1f s", d->name, res.nr_readers,
	    res.nr_updaters, opt.tasks, opt.duration_s);
	pthread_barrier_wait(&start_barrier);
	progress_wait(d->name, opt.duration_s, &running);
	for (i = 0; i < res.nr_readers; i++) {
		pthread_join(res.readers[i].thread, NULL);
		if (res.readers[i].err) {
			fprintf(stderr, "hzbench: reader %d: %s\n", i, strerror(res.readers[i].err));
			res.failed = 1;
		}
		add_reader(&res.rsum, &res.readers[i].r);
	}
	for (i = 0; i < res.nr_updaters; i++) {
		struct updater_thread *t = &res.updaters[i];

		pthread_join(t->thread, NULL);
		if (t->err) {
			fprintf(stderr, "hzbench: updater %d: %s\n", i, strerror(t->err));
			res.failed = 1;
			continue;
		}
		res.usum.updates += t->u.updates;
		res.usum.syncs += t->u.syncs;
		res.nr_samples += t->u.samples_n;
	}
	hogs_stop = 1;
	for (i = 0; hogs && i < res.nr_hogs; i++)
		pthread_join(hogs[i], NULL);
	free(hogs);

	read_counters(fd, res.cnt);
	for (k = 0; k < HZB_NR_COUNTERS; k++)
		res.cnt[k] -= before[k];
	if (bpf) {
		if (hzb_bpf_sync_read(bpf, &res.bpf)) {
			snprintf(res.bpf_error, sizeof(res.bpf_error), "reading the BPF maps failed");
			res.bpf_attached = 0;
			res.failed = 1;
		}
		hzb_bpf_sync_close(bpf);
	}

	res.all_samples = calloc(res.nr_samples + 1, sizeof(uint64_t));
	res.nr_samples = 0;
	for (i = 0; res.all_samples && i < res.nr_updaters; i++) {
		struct updater_thread *t = &res.updaters[i];

		if (t->err)
			continue;
		memcpy(res.all_samples + res.nr_samples, t->samples,
		       t->u.samples_n * sizeof(uint64_t));
		res.nr_samples += t->u.samples_n;
	}
	hzb_summarize(res.all_samples, res.nr_samples, &res.sync);

	/* Floors and the task count, with the population still alive. */
	if (opt.floors) {
		for (k = 0; k < NR_FLOORS; k++)
			measure_floor(fd, &floors[k]);
		res.floors_done = 1;
		res.tasks_seen = floors[2].tasks;
	} else {
		struct floor walk = { "task_walk", HZB_CAL_TASK_WALK, 1, 1 };

		if (!measure_floor(fd, &walk))
			res.tasks_seen = walk.tasks;
	}
	res.tasks_spawned = res.tasks.n;
	hzb_tasks_stop(&res.tasks);
	res.wall_s = now_s() - t0;

	if (res.rsum.violations) {
		fprintf(stderr, "hzbench: FAIL: readers saw %" PRIu64
			" freed objects: synchronize returned while they held them\n",
			(uint64_t)res.rsum.violations);
		res.failed = 1;
	}
	if (res.bpf_attached && bpf_calls(&res.bpf) != res.usum.syncs)
		say("note: BPF saw %" PRIu64 " synchronize calls, the updaters made %" PRIu64,
		    bpf_calls(&res.bpf), (uint64_t)res.usum.syncs);
	if (res.bpf_attached && res.bpf.count < bpf_calls(&res.bpf))
		say("note: BPF timed %" PRIu64 " of %" PRIu64
		    " calls (probe runs skipped while preempted); its percentiles cover those",
		    res.bpf.count, bpf_calls(&res.bpf));

	write_text(stdout, &res);
	printf("%s-hzbench: RESULT design=%s syncs=%" PRIu64 " acquires=%" PRIu64
	       " violations=%" PRIu64 " module_syncs=%" PRIu64 " bpf_syncs=%" PRIu64
	       " tasks_seen=%" PRIu64 " overflows=%" PRIu64 " migrations=%" PRIu64
	       " ok=%d\n", d->name, d->name, res.sync.n, (uint64_t)res.rsum.acquires,
	       (uint64_t)res.rsum.violations, res.cnt[HZB_CNT_SYNCS],
	       res.bpf_attached ? bpf_calls(&res.bpf) : 0, res.tasks_seen,
	       res.cnt[HZB_CNT_OVERFLOWS], res.cnt[HZB_CNT_MIGRATIONS], !res.failed);
	if (opt.json) {
		char txt[PATH_MAX];
		FILE *f;

		if ((ret = write_json(opt.json, &res)))
			fprintf(stderr, "hzbench: %s: %s\n", opt.json, strerror(-ret));
		snprintf(txt, sizeof(txt), "%s.txt", opt.json);
		f = opt.text ? NULL : fopen(txt, "w");
		if (f) {
			write_text(f, &res);
			fclose(f);
		}
	}
	if (opt.text) {
		FILE *f = fopen(opt.text, "w");

		if (f) {
			write_text(f, &res);
			fclose(f);
		}
	}
	if (opt.csv && (ret = write_csv(opt.csv, &res)))
		fprintf(stderr, "hzbench: %s: %s\n", opt.csv, strerror(-ret));
	for (i = 0; i < res.nr_readers; i++)
		close(res.readers[i].fd);
	for (i = 0; i < res.nr_updaters; i++) {
		close(res.updaters[i].fd);
		free(res.updaters[i].samples);
	}
	free(res.readers);
	free(res.updaters);
	free(res.all_samples);
	close(fd);
	return res.failed ? 1 : 0;
}

static int cmd_info(void)
{
	const struct hzb_design *d = hzb_design_find(opt.design);
	struct hzb_info info;
	int fd, ret;

	fd = open_design(d);
	if (fd < 0)
		return 1;
	if (opt.variant[0] && (ret = hzb_set_variant(fd, opt.variant))) {
		fprintf(stderr, "hzbench: variant \"%s\": %s\n", opt.variant, strerror(-ret));
		return 2;
	}
	if ((ret = hzb_info(fd, &info))) {
		fprintf(stderr, "hzbench: INFO: %s\n", strerror(-ret));
		return 1;
	}
	printf("design %s\nabi_version %u\nvariant %s\nknobs %s\nsync_func %s\n"
	       "features 0x%x\nnr_cpu_ids %u\nnr_online_cpus %u\nslots_per_cpu %u\n"
	       "slots_per_task %u\nbytes_per_cpu %u\nbytes_per_task %u\nbytes_per_ctx %u\n"
	       "nr_locks %u\nmax_nest %u\npool_objects %u\nbroken %u\n",
	       info.design, info.abi_version, info.variant, info.knobs, info.sync_func,
	       info.features, info.nr_cpu_ids, info.nr_online_cpus, info.slots_per_cpu,
	       info.slots_per_task, info.bytes_per_cpu, info.bytes_per_task,
	       info.bytes_per_ctx, info.nr_locks, info.max_nest, info.pool_objects,
	       info.broken);
	close(fd);
	return 0;
}

static int cmd_calibrate(void)
{
	const struct hzb_design *d = hzb_design_find(opt.design ?: "rcu");
	struct hzb_tasks tasks = { 0 };
	size_t k;
	int fd;

	fd = open_design(d);
	if (fd < 0)
		return 1;
	if (opt.tasks && hzb_tasks_spawn(&tasks, opt.tasks, opt.task_kind, !opt.quiet))
		return 1;
	printf("calibrate: %lu extra tasks, %s\n", opt.tasks,
	       getenv("HZB_IN_VM") ? "qemu TCG guest (emulated timing)" : "native");
	for (k = 0; k < NR_FLOORS; k++) {
		struct floor *f = &floors[k];

		if (measure_floor(fd, f)) {
			printf("calibrate: %-26s error %s\n", f->name, strerror(f->err));
			continue;
		}
		printf("calibrate: %-26s p50 %12.1f ns  min %12.1f ns  max %12.1f ns",
		       f->name, f->s.p50, f->s.min, f->s.max);
		if (f->op == HZB_CAL_TASK_WALK)
			printf("  (%" PRIu64 " tasks, %.1f ns/task)", f->tasks,
			       f->tasks ? f->s.p50 / (double)f->tasks : 0);
		printf("\n");
	}
	hzb_tasks_stop(&tasks);
	close(fd);
	return 0;
}

static int cmd_list(void)
{
	size_t i;

	for (i = 0; i < hzb_nr_designs; i++)
		printf("%-10s /dev/%-16s %s%s\n", hzb_designs[i].name,
		       hzb_designs[i].device, hzb_designs[i].summary,
		       hzb_dev_exists(&hzb_designs[i]) ? "" : " [not loaded]");
	return 0;
}

/* Does this command need the guest? */
static int want_vm(void)
{
	const struct hzb_design *d;
	char why[512];

	if (opt.vm == VM_FORCE)
		return 1;
	if (opt.vm == VM_NEVER || getenv("HZB_IN_VM") || !strcmp(opt.cmd, "list"))
		return 0;
	d = hzb_design_find(opt.design ?: "rcu");
	if (hzb_dev_exists(d))
		return 0;
	if (hzb_can_load_modules(why, sizeof(why)))
		return 0;
	say("%s", why);
	return 1;
}

int main(int argc, char **argv)
{
	size_t n = 0;
	int i;

	for (i = 0; i < argc && n < sizeof(cmdline) - 1; i++)
		n += (size_t)snprintf(cmdline + n, sizeof(cmdline) - n, "%s%s",
				      i ? " " : "", i ? argv[i] : "hzbench");
	parse_args(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (want_vm())
		return run_in_vm();
	if (!strcmp(opt.cmd, "info"))
		return cmd_info();
	if (!strcmp(opt.cmd, "calibrate"))
		return cmd_calibrate();
	if (!strcmp(opt.cmd, "list"))
		return cmd_list();
	return cmd_run();
}
