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

#include "hzb_bpf.h"
#include "hzb_cli.h"
#include "hzb_config.h"
#include "hzb_dev.h"
#include "hzb_json.h"
#include "hzb_stats.h"
#include "hzb_tasks.h"
#include "hzb_opts.h"
#include "hzb_run.h"
#include "hzb_sweep.h"
#include "hzb_vm.h"
#include "hzb_torture.h"


const char * const hzb_preempt_names[] = { "none", "sleep", "yield", "overcommit", NULL };

struct hzb_opts hzb_opt = {
	.cmd = "run",
	.variant = "",
	.readers = -1,
	.updaters = 1,
	.duration_s = 5,
	.reps = 1,
	.nest = 1,
	.sleep_us = 50,
	.batch = 1,
	.bpf = 1,
	.floors = 1,
	.bpf_probes = HZB_BPF_DEFAULT,
	.vm = HZB_VM_OPTS_DEFAULT,
};

char hzb_cmdline[8192];

/* --workload: a sweep instead of a single run. */
static const char *sweep_file, *sweep_out;
static int sweep_resume, sweep_quick, sweep_dry_run;

void hzb_say(const char *fmt, ...)
{
	va_list ap;

	if (hzb_opt.quiet)
		return;
	va_start(ap, fmt);
	fputs("hzbench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

double hzb_now_s(void)
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
	       "  torture            correctness torture (see hzbench torture --help)\n"
	       "\n"
	       "Designs (--design=):\n");
	for (i = 0; i < hzb_nr_designs; i++)
		printf("  %-11s %s\n", hzb_designs[i].name, hzb_designs[i].summary);
	printf("\n"
	       "Workload:\n"
	       "  -d, --design=NAME      design to run (required)\n"
	       "  -V, --variant=K=V,...  design variant knobs (see 'hzbench info')\n"
	       "  -t, --tasks=N          idle tasks alive during the run (default 0)\n"
	       "      --task-kind=KIND   thread (default), process, or thread-block (each\n"
	       "                         idle thread first reads once: owns a per-task block)\n"
	       "  -r, --readers=N        reader threads (default: one per CPU the updaters\n"
	       "                         leave free, at least 1; more is recorded as\n"
	       "                         config.oversubscribed)\n"
	       "  -u, --updaters=N       updater threads (default 1)\n"
	       "                         (--target=uml: one CPU, so one reader and one\n"
	       "                         updater by default, taking turns on it)\n"
	       "  -D, --duration=SEC     run time (default 5)\n"
	       "  -n, --nest=K           hazard pointers a reader holds at once (1..%d)\n"
	       "      --hold=TIME        busy hold per read section, e.g. 500ns, 2us\n"
	       "      --preempt=MODE     none, sleep (sleep while holding), yield,\n"
	       "                         overcommit (3 CPU hogs per CPU)\n"
	       "      --sleep=TIME       sleep per section with --preempt=sleep (50us)\n"
	       "      --update-interval=TIME  pause between updates (default 0)\n"
	       "      --update-rate=N    updates per second per updater (sets the interval)\n"
	       "      --reps=N           measured repetitions (default 1); the JSON gets\n"
	       "                         per-rep figures and median + an interval with its\n"
	       "                         coverage (>= 95%% from 6 reps; 10 or more advised)\n"
	       "      --warmup=N         unmeasured repetitions first (default 0)\n"
	       "      --batch=N          objects retired per synchronize (default 1)\n"
	       "      --usecase=MODE     a use-case workload instead: refcount (lookups take\n"
	       "                         a reference, deletes of hot objects), lazy-mm (each\n"
	       "                         reader a CPU keeping a pointer across switches of\n"
	       "                         --sleep), hash (read-mostly table, deletes on many\n"
	       "                         addresses); --nest and --batch do not apply\n"
	       "      --objects=N        use-case table entries (1..%d; default 16, 64, 1024)\n"
	       "      --pin              pin reader i to CPU i %% nr_cpus\n"
	       "      --no-bpf           do not attach the BPF latency probe\n"
	       "      --no-floors        do not measure the calibration floors\n"
	       "      --cold             evict the caches (stream a buffer twice the last-level\n"
	       "                         cache) before each synchronize, untimed\n"
	       "      --cache=warm|cold  the same as no --cold / --cold (for workload files)\n"
	       "      --bpf=LIST         BPF probes besides synchronize latency: phase (scan\n"
	       "                         phases, restarts, lists walked), lock (overflow-lock\n"
	       "                         contention), hold (overflow use, migrations,\n"
	       "                         preemption while holding), all, none (default " HZB_BPF_DEFAULT ")\n"
	       "      --bpf-mode=MODE    segments (default): the headline figures come from\n"
	       "                         probe-free repetitions, the BPF figures from a\n"
	       "                         segment with every probe attached beside each\n"
	       "                         (interleaved ABBA), and the probe effect from both;\n"
	       "                         always: every repetition carries the probes\n"
	       "      --bpf-duration=SEC each BPF segment (default: --duration)\n"
	       "      --probe-effect=SEC old name of --bpf-duration (0: the default)\n"
	       "\n"
	       "Output:\n"
	       "      --json=FILE        result JSON (schema in README.md)\n"
	       "      --csv=FILE         one CSV row (header written when FILE is new)\n"
	       "      --text=FILE        LKML-ready text block (default: beside --json)\n"
	       "  -q, --quiet            no progress on stderr\n"
	       "\n"
	       "Sweeps:\n"
	       "      --workload=FILE    run every point of a workload file (workloads/*.ini);\n"
	       "                         --design=all (default) or one design of it\n"
	       "      --out=DIR          where the points go (default results/<name>)\n"
	       "      --resume           skip the points DIR already has\n"
	       "      --quick            apply the file's [quick] section (a short sweep)\n"
	       "      --dry-run          list the points, run nothing\n"
	       "\n"
	       "Where it runs:\n"
	       HZB_TARGET_HELP
	       "      --vm               = --target=qemu\n"
	       "      --no-vm            = --target=native\n"
	       "      --vcpus=N          guest vCPUs (default 2)\n"
	       "      --mem=MB           guest memory (default 4096)\n"
	       "      --vm-cpu=MODEL     qemu -cpu (default max; max,hypervisor=off\n"
	       "                         for real qspinlocks)\n"
	       "      --kernel=FLAVOUR   guest kernel: cloud (Debian 6.12 cloud, default) or\n"
	       "                         rt (its PREEMPT_RT kernel); rt implies --vm\n"
	       "  -h, --help             this text\n"
	       "      --version          version and build facts\n"
	       "\n"
	       "Examples:\n"
	       "  hzbench --design=percpu --tasks=10000\n"
	       "  hzbench --design=pertask --tasks=10000 --preempt=sleep --json=out.json\n"
	       "  hzbench --design=rcu --variant=sync=expedited --duration=10\n"
	       "  hzbench info --design=percpu\n"
	       "  hzbench calibrate --tasks=1000\n"
	       "  hzbench --target=uml --design=pertask --tasks=10000 --readers=0\n"
	       "  hzbench --workload=workloads/tasks-sweep.ini --design=all\n"
	       "\n"
	       "Exit status: 0 ok, 1 run failed (including any reader that saw a freed\n"
	       "object), 2 usage error, 3 kernel problem in the guest console, 4 the\n"
	       "guest did not finish.\n", HZB_MAX_NEST, HZB_UC_MAX_OBJECTS);
}

enum {
	OPT_TASK_KIND = 256, OPT_HOLD, OPT_PREEMPT, OPT_SLEEP, OPT_INTERVAL,
	OPT_BATCH, OPT_PIN, OPT_NO_BPF, OPT_BPF, OPT_PROBE_EFFECT, OPT_BPF_MODE, OPT_BPF_DURATION, OPT_NO_FLOORS, OPT_JSON, OPT_CSV,
	OPT_TEXT,
	OPT_VERSION, OPT_REPS, OPT_WARMUP, OPT_RATE, OPT_WORKLOAD, OPT_OUT,
	OPT_RESUME, OPT_QUICK, OPT_DRY_RUN, OPT_USECASE, OPT_OBJECTS, OPT_COLD, OPT_CACHE,
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
	{ "update-rate", required_argument, NULL, OPT_RATE },
	{ "reps", required_argument, NULL, OPT_REPS },
	{ "workload", required_argument, NULL, OPT_WORKLOAD },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "resume", no_argument, NULL, OPT_RESUME },
	{ "quick", no_argument, NULL, OPT_QUICK },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "warmup", required_argument, NULL, OPT_WARMUP },
	{ "batch", required_argument, NULL, OPT_BATCH },
	{ "usecase", required_argument, NULL, OPT_USECASE },
	{ "objects", required_argument, NULL, OPT_OBJECTS },
	{ "pin", no_argument, NULL, OPT_PIN },
	{ "no-bpf", no_argument, NULL, OPT_NO_BPF },
	{ "no-floors", no_argument, NULL, OPT_NO_FLOORS },
	{ "cold", no_argument, NULL, OPT_COLD },
	{ "cache", required_argument, NULL, OPT_CACHE },
	{ "probe-effect", required_argument, NULL, OPT_PROBE_EFFECT },
	{ "bpf-mode", required_argument, NULL, OPT_BPF_MODE },
	{ "bpf-duration", required_argument, NULL, OPT_BPF_DURATION },
	{ "bpf", required_argument, NULL, OPT_BPF },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "csv", required_argument, NULL, OPT_CSV },
	{ "text", required_argument, NULL, OPT_TEXT },
	HZB_VM_LONG_OPTIONS,
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

static void parse_args(int argc, char **argv)
{
	unsigned long rate;
	uint64_t ns;
	int c, i;

	if (argc > 1 && argv[1][0] != '-') {
		hzb_opt.cmd = argv[1];
		if (strcmp(hzb_opt.cmd, "run") && strcmp(hzb_opt.cmd, "info") &&
		    strcmp(hzb_opt.cmd, "calibrate") && strcmp(hzb_opt.cmd, "list"))
			hzb_usage_error("unknown command '%s'", hzb_opt.cmd);
		argv++;
		argc--;
	}
	while ((c = getopt_long(argc, argv, "d:V:t:r:u:D:n:qh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			hzb_opt.design = optarg;
			break;
		case 'V':
			if (strlen(optarg) >= HZB_VARIANT_LEN)
				hzb_usage_error("--variant is too long");
			hzb_opt.variant = optarg;
			break;
		case 't':
			hzb_opt.tasks = hzb_parse_ulong("tasks", optarg, 0, 1000000);
			break;
		case OPT_TASK_KIND:
			if (!strcmp(optarg, "thread"))
				hzb_opt.task_kind = HZB_TASK_THREAD;
			else if (!strcmp(optarg, "process"))
				hzb_opt.task_kind = HZB_TASK_PROCESS;
			else if (!strcmp(optarg, "thread-block"))
				hzb_opt.task_kind = HZB_TASK_THREAD_BLOCK;
			else
				hzb_usage_error("--task-kind=%s: expected thread, process or thread-block",
						optarg);
			break;
		case 'r':
			hzb_opt.readers = (int)hzb_parse_ulong("readers", optarg, 0, 4096);
			break;
		case 'u':
			hzb_opt.updaters = (int)hzb_parse_ulong("updaters", optarg, 0, 256);
			break;
		case 'D':
			if (hzb_parse_time_ns(optarg, 1000000000ULL, &ns) || !ns ||
			    ns > 86400ULL * 1000000000ULL)
				hzb_usage_error("--duration=%s: expected seconds > 0, e.g. 5 or 500ms", optarg);
			hzb_opt.duration_s = ns / 1e9;
			break;
		case 'n':
			hzb_opt.nest = (unsigned int)hzb_parse_ulong("nest", optarg, 1, HZB_MAX_NEST);
			break;
		case OPT_HOLD:
			if (hzb_parse_time_ns(optarg, 1, &hzb_opt.hold_ns) || hzb_opt.hold_ns > 1000000000ULL)
				hzb_usage_error("--hold=%s: expected a time <= 1s, e.g. 500ns", optarg);
			break;
		case OPT_PREEMPT:
			for (i = 0; hzb_preempt_names[i]; i++)
				if (!strcmp(optarg, hzb_preempt_names[i]))
					break;
			if (!hzb_preempt_names[i])
				hzb_usage_error("--preempt=%s: expected none, sleep, yield or overcommit", optarg);
			hzb_opt.preempt = i;
			break;
		case OPT_SLEEP:
			if (hzb_parse_time_ns(optarg, 1000, &ns) || ns > 1000000000ULL)
				hzb_usage_error("--sleep=%s: expected a time <= 1s, e.g. 50us", optarg);
			hzb_opt.sleep_us = (unsigned int)(ns / 1000);
			break;
		case OPT_INTERVAL:
			if (hzb_parse_time_ns(optarg, 1, &hzb_opt.interval_ns) ||
			    hzb_opt.interval_ns > 1000000000ULL)
				hzb_usage_error("--update-interval=%s: expected a time <= 1s", optarg);
			break;
		case OPT_RATE:
			rate = hzb_parse_ulong("update-rate", optarg, 1, 1000000000);
			hzb_opt.interval_ns = 1000000000ULL / rate;
			break;
		case OPT_WORKLOAD:
			sweep_file = optarg;
			break;
		case OPT_OUT:
			sweep_out = optarg;
			break;
		case OPT_RESUME:
			sweep_resume = 1;
			break;
		case OPT_QUICK:
			sweep_quick = 1;
			break;
		case OPT_DRY_RUN:
			sweep_dry_run = 1;
			break;
		case OPT_REPS:
			hzb_opt.reps = (unsigned int)hzb_parse_ulong("reps", optarg, 1, 1000);
			break;
		case OPT_WARMUP:
			hzb_opt.warmup = (unsigned int)hzb_parse_ulong("warmup", optarg, 0, 100);
			break;
		case OPT_BATCH:
			hzb_opt.batch = (unsigned int)hzb_parse_ulong("batch", optarg, 1, HZB_MAX_BATCH);
			break;
		case OPT_USECASE:
			for (i = 0; hzb_usecase_names[i]; i++)
				if (!strcmp(optarg, hzb_usecase_names[i]))
					break;
			if (!hzb_usecase_names[i])
				hzb_usage_error("--usecase=%s: expected none, refcount, lazy-mm or hash",
						optarg);
			hzb_opt.usecase = i;
			break;
		case OPT_OBJECTS:
			hzb_opt.objects = (unsigned int)hzb_parse_ulong("objects", optarg, 1,
								    HZB_UC_MAX_OBJECTS);
			break;
		case OPT_PIN:
			hzb_opt.pin = 1;
			break;
		case OPT_NO_BPF:
			hzb_opt.bpf = 0;
			break;
		case OPT_BPF:
			if (hzb_bpf_list_check(optarg))
				hzb_usage_error("--bpf=%s: expected a list of phase, lock, hold, all, none", optarg);
			hzb_opt.bpf_probes = optarg;
			break;
		case OPT_PROBE_EFFECT:
		case OPT_BPF_DURATION:
			if (hzb_parse_time_ns(optarg, 1000000000ULL, &ns) || ns > 600ULL * 1000000000ULL)
				hzb_usage_error("--%s=%s: expected seconds <= 600, e.g. 2",
						c == OPT_PROBE_EFFECT ? "probe-effect" : "bpf-duration",
						optarg);
			if (c == OPT_BPF_DURATION && !ns)
				hzb_usage_error("--bpf-duration=%s: expected seconds > 0", optarg);
			hzb_opt.bpf_seg_s = ns / 1e9;
			break;
		case OPT_BPF_MODE:
			if (!strcmp(optarg, "segments"))
				hzb_opt.bpf_always = 0;
			else if (!strcmp(optarg, "always"))
				hzb_opt.bpf_always = 1;
			else
				hzb_usage_error("--bpf-mode=%s: expected segments or always", optarg);
			break;
		case OPT_NO_FLOORS:
			hzb_opt.floors = 0;
			break;
		case OPT_COLD:
			hzb_opt.cold = 1;
			break;
		case OPT_CACHE:
			if (strcmp(optarg, "warm") && strcmp(optarg, "cold"))
				hzb_usage_error("--cache=%s: expected warm or cold", optarg);
			hzb_opt.cold = !strcmp(optarg, "cold");
			break;
		case OPT_JSON:
			hzb_opt.json = optarg;
			break;
		case OPT_CSV:
			hzb_opt.csv = optarg;
			break;
		case OPT_TEXT:
			hzb_opt.text = optarg;
			break;
		case 'q':
			hzb_opt.quiet = 1;
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
			if (hzb_vm_option(&hzb_opt.vm, c, optarg))
				break;
			exit(2);	/* getopt printed the reason */
		}
	}
	if (optind < argc)
		hzb_usage_error("unexpected argument '%s'", argv[optind]);
	if (sweep_file) {
		char err[512];

		if (strcmp(hzb_opt.cmd, "run"))
			hzb_usage_error("--workload runs a sweep; it does not go with '%s'", hzb_opt.cmd);
		if (hzb_opt.design && strcmp(hzb_opt.design, "all") && !hzb_design_find(hzb_opt.design))
			hzb_usage_error("unknown design '%s': valid designs are all, %s", hzb_opt.design,
				    hzb_design_list());
		if (hzb_workload_parse(sweep_file, sweep_quick, err, sizeof(err))) {
			fprintf(stderr, "hzbench: %s\n", err);
			exit(2);
		}
		hzb_opt.cmd = "sweep";
		return;
	}
	if (sweep_out || sweep_resume || sweep_quick || sweep_dry_run)
		hzb_usage_error("--out, --resume, --quick and --dry-run go with --workload");
	if (!strcmp(hzb_opt.cmd, "list"))
		return;
	if (!hzb_opt.design && strcmp(hzb_opt.cmd, "calibrate"))
		hzb_usage_error("--design is required: one of %s", hzb_design_list());
	if (hzb_opt.design && !hzb_design_find(hzb_opt.design))
		hzb_usage_error("unknown design '%s': valid designs are %s", hzb_opt.design,
			    hzb_design_list());
	hzb_vm_opts_check(&hzb_opt.vm);
	if ((hzb_opt.vm.mode == VM_FORCE || hzb_opt.vm.mode == VM_UML) && getenv("HZB_IN_VM"))
		hzb_opt.vm.mode = VM_NEVER;
	if (!hzb_opt.readers && !hzb_opt.updaters && !strcmp(hzb_opt.cmd, "run"))
		hzb_usage_error("nothing to run: --readers=0 and --updaters=0");
	if (hzb_opt.usecase && (hzb_opt.preempt == PREEMPT_SLEEP || hzb_opt.preempt == PREEMPT_YIELD))
		hzb_usage_error("--usecase=%s: --preempt=%s does not apply (lazy-mm's switch is --sleep)",
				hzb_usecase_names[hzb_opt.usecase], hzb_preempt_names[hzb_opt.preempt]);
	if (hzb_opt.usecase && hzb_opt.batch > 1)
		hzb_usage_error("--usecase=%s: deletes are one object each, no --batch",
				hzb_usecase_names[hzb_opt.usecase]);
	if (hzb_opt.objects && !hzb_opt.usecase)
		hzb_usage_error("--objects goes with --usecase");
}

/* ------------------------------------------------------------------ */
/* Running in the guest                                                */
/* ------------------------------------------------------------------ */

/* Re-run this command in the guest; returns the exit status. */
static int run_in_vm(void)
{
	struct hzb_argv a = { .n = 0 };
	char json_txt[4096] = "";
	const char *outs[4] = { NULL };
	struct hzb_vm_req req = {
		.who = "hzbench", .vm = &hzb_opt.vm, .host_cmdline = hzb_cmdline, .guest_argv = a.v,
		.outs = outs, .append_csv = hzb_opt.csv, .json = hzb_opt.json,
		.timeout_s = (long)(hzb_opt.duration_s * (hzb_opt.reps + hzb_opt.warmup) +
				    (hzb_opt.bpf ? (hzb_opt.bpf_seg_s > 0 ? hzb_opt.bpf_seg_s : hzb_opt.duration_s) *
				     hzb_opt.reps : 0)) + 240 +
			     /* 100000 threads took 258 s to spawn under TCG, loaded host */
			     (long)(hzb_opt.tasks / 100),
	};
	int nouts = 0, status;

	hzb_argv_add(&a, "hzbench");
	hzb_argv_add(&a, "%s", hzb_opt.cmd);
	if (hzb_opt.design)
		hzb_argv_add(&a, "--design=%s", hzb_opt.design);
	hzb_argv_add(&a, "--variant=%s", hzb_opt.variant);
	hzb_argv_add(&a, "--tasks=%lu", hzb_opt.tasks);
	hzb_argv_add(&a, "--task-kind=%s", hzb_task_kind_name(hzb_opt.task_kind));
	/* Unset: the guest picks it from its own CPU count. */
	if (hzb_opt.readers >= 0)
		hzb_argv_add(&a, "--readers=%d", hzb_opt.readers);
	hzb_argv_add(&a, "--updaters=%d", hzb_opt.updaters);
	hzb_argv_add(&a, "--duration=%.9gs", hzb_opt.duration_s);
	hzb_argv_add(&a, "--nest=%u", hzb_opt.nest);
	hzb_argv_add(&a, "--hold=%" PRIu64 "ns", hzb_opt.hold_ns);
	hzb_argv_add(&a, "--preempt=%s", hzb_preempt_names[hzb_opt.preempt]);
	hzb_argv_add(&a, "--sleep=%uus", hzb_opt.sleep_us);
	hzb_argv_add(&a, "--update-interval=%" PRIu64 "ns", hzb_opt.interval_ns);
	hzb_argv_add(&a, "--batch=%u", hzb_opt.batch);
	hzb_argv_add(&a, "--usecase=%s", hzb_usecase_names[hzb_opt.usecase]);
	if (hzb_opt.objects)
		hzb_argv_add(&a, "--objects=%u", hzb_opt.objects);
	hzb_argv_add(&a, "--reps=%u", hzb_opt.reps);
	hzb_argv_add(&a, "--warmup=%u", hzb_opt.warmup);
	if (hzb_opt.pin)
		hzb_argv_add(&a, "--pin");
	if (!hzb_opt.bpf)
		hzb_argv_add(&a, "--no-bpf");
	if (!hzb_opt.floors)
		hzb_argv_add(&a, "--no-floors");
	if (hzb_opt.cold)
		hzb_argv_add(&a, "--cold");
	if (hzb_opt.bpf_seg_s > 0)
		hzb_argv_add(&a, "--bpf-duration=%.9gs", hzb_opt.bpf_seg_s);
	hzb_argv_add(&a, "--bpf-mode=%s", hzb_opt.bpf_always ? "always" : "segments");
	hzb_argv_add(&a, "--bpf=%s", hzb_opt.bpf_probes);
	if (hzb_opt.quiet)
		hzb_argv_add(&a, "--quiet");
	if (hzb_opt.json) {
		hzb_argv_add(&a, "--json=%s", hzb_base_name(hzb_opt.json));
		outs[nouts++] = hzb_opt.json;
		if (!hzb_opt.text) {
			/* The text block the guest writes beside the JSON. */
			snprintf(json_txt, sizeof(json_txt), "%s.txt", hzb_opt.json);
			outs[nouts++] = json_txt;
		}
	}
	if (hzb_opt.csv)
		hzb_argv_add(&a, "--csv=%s", hzb_base_name(hzb_opt.csv));
	if (hzb_opt.text) {
		hzb_argv_add(&a, "--text=%s", hzb_base_name(hzb_opt.text));
		outs[nouts++] = hzb_opt.text;
	}
	if (hzb_opt.vm.mode == VM_UML)
		hzb_say("running in user-mode Linux: native timing on one CPU (up_fence=%s, clock=%s)",
		    hzb_opt.vm.up_fence ?: "lock", hzb_opt.vm.clock ?: "tsc");
	else
		hzb_say("no /dev/%s here and this host cannot load modules: running in a %d-vCPU qemu guest",
		    hzb_opt.design ? hzb_design_find(hzb_opt.design)->device : "hzb_*", hzb_opt.vm.vcpus);
	status = hzb_vm_run(&req);
	hzb_argv_free(&a);
	return status;
}

/* ------------------------------------------------------------------ */
/* The run                                                             */
/* ------------------------------------------------------------------ */

static int cmd_info(void)
{
	const struct hzb_design *d = hzb_design_find(hzb_opt.design);
	struct hzb_info info;
	int fd, ret;

	fd = hzb_open_design(d);
	if (fd < 0)
		return 1;
	if (hzb_opt.variant[0] && (ret = hzb_set_variant(fd, hzb_opt.variant))) {
		fprintf(stderr, "hzbench: variant \"%s\": %s\n", hzb_opt.variant, strerror(-ret));
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
	const struct hzb_design *d = hzb_design_find(hzb_opt.design ?: "rcu");
	struct hzb_tasks tasks = { 0 };
	size_t k;
	int fd;

	fd = hzb_open_design(d);
	if (fd < 0)
		return 1;
	hzb_tasks_dev_fd = fd;
	if (hzb_opt.tasks && hzb_tasks_spawn(&tasks, hzb_opt.tasks, hzb_opt.task_kind, !hzb_opt.quiet))
		return 1;
	if (hzb_in_uml()) {
		char fence[16] = "?", clock[16] = "?";

		hzb_module_param_get(d, "up_fence", fence, sizeof(fence));
		hzb_module_param_get(d, "clock", clock, sizeof(clock));
		printf("calibrate: %lu extra tasks, user-mode Linux %s on %s (native CPU, one CPU), "
		       "up_fence=%s, clock=%s\n", hzb_opt.tasks, getenv("HZB_UML_KERNEL") ?: "?",
		       getenv("HZB_HOST_CPU") ?: "?", fence, clock);
	} else {
		printf("calibrate: %lu extra tasks, %s\n", hzb_opt.tasks,
		       getenv("HZB_IN_VM") ? "qemu TCG guest (emulated timing)" : "native");
	}
	for (k = 0; k < hzb_nr_floors; k++) {
		struct hzb_floor *f = &hzb_floors[k];

		if (hzb_measure_floor(fd, f)) {
			if (!f->skipped)
				printf("calibrate: %-26s error %s\n", f->name, strerror(f->err));
			continue;
		}
		printf("calibrate: %-26s p50 %12.1f ns  min %12.1f ns  max %12.1f ns",
		       f->name, f->s.p50, f->s.min, f->s.max);
		if ((f->op == HZB_CAL_TASK_WALK || f->op == HZB_CAL_TASK_WALK_COLD) && f->tasks)
			printf("  (%" PRIu64 " tasks, %.2f ns/task p50, %.2f best)", f->tasks,
			       f->s.p50 / (double)f->tasks, f->s.min / (double)f->tasks);
		printf("\n");
	}
	for (k = 0; k < hzb_nr_floors; k++) {
		struct hzb_floor *f = &hzb_floors[k];

		if (f->err || !f->tasks)
			continue;
		if (f->op == HZB_CAL_TASK_WALK && !f->clock)
			printf("calibrate: task walk warm: %.2f ns/task (best of %u walks of %" PRIu64
			       " tasks)\n", f->s.min / (double)f->tasks, f->samples, f->tasks);
		if (f->op == HZB_CAL_TASK_WALK_COLD)
			printf("calibrate: task walk cold: %.2f ns/task (p50 of %u walks after "
			       "evicting the caches)\n", f->s.p50 / (double)f->tasks, f->samples);
	}
	hzb_tasks_stop(&tasks);
	close(fd);
	return 0;
}

static int cmd_list(void)
{
	size_t i;

	for (i = 0; i < hzb_nr_designs; i++)
		printf("%-11s /dev/%-16s %s%s\n", hzb_designs[i].name,
		       hzb_designs[i].device, hzb_designs[i].summary,
		       hzb_dev_exists(&hzb_designs[i]) ? "" : " [not loaded]");
	return 0;
}

/* Does this command need the guest? */
static int want_vm(void)
{
	char why[512] = "";

	if (hzb_opt.vm.mode != VM_FORCE && !strcmp(hzb_opt.cmd, "list"))
		return 0;
	if (!hzb_vm_wanted(&hzb_opt.vm, hzb_opt.design ?: "rcu", why, sizeof(why)))
		return 0;
	if (why[0])
		hzb_say("%s", why);
	return 1;
}

int main(int argc, char **argv)
{
	size_t n = 0;
	int i;

	for (i = 0; i < argc && n < sizeof(hzb_cmdline) - 1; i++)
		n += (size_t)snprintf(hzb_cmdline + n, sizeof(hzb_cmdline) - n, "%s%s",
				      i ? " " : "", i ? argv[i] : "hzbench");
	if (argc > 1 && !strcmp(argv[1], "torture"))
		return hzb_cmd_torture(argc - 1, argv + 1);
	parse_args(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(hzb_opt.cmd, "sweep"))
		return hzb_cmd_sweep(sweep_out, sweep_resume, sweep_dry_run);
	if (want_vm())
		return run_in_vm();
	if (!strcmp(hzb_opt.cmd, "info"))
		return cmd_info();
	if (!strcmp(hzb_opt.cmd, "calibrate"))
		return cmd_calibrate();
	if (!strcmp(hzb_opt.cmd, "list"))
		return cmd_list();
	return hzb_cmd_run();
}
