// SPDX-License-Identifier: GPL-2.0
/*
 * hzbench's options: one line each.  The line is all an option needs:
 * getopt_long, --help, the guest's command line (run_in_vm, qemu and UML),
 * a sweep's points and the workload-file keys all come from it
 * (hzb_optab.h).  To add an option: a field in struct hzb_opts
 * (hzb_opts.h), its default in hzb_opt (hzbench.c) when not zero, and a
 * line here with a .sample for tests/host/options_roundtrip.sh.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "hzb_bpf.h"
#include "hzb_config.h"
#include "hzb_dev.h"
#include "hzb_optab.h"
#include "hzb_opts.h"
#include "hzb_sweep.h"

#define OFF(f)		offsetof(struct hzb_opts, f)
#define STR_(x)		#x
#define STR(x)		STR_(x)
#define NS_PER_S	1000000000ULL
#define SWEEP_ONLY	(HZB_O_HOST | HZB_O_NOPOINT)	/* the sweep's own controls */
#define OUTPUT		(HZB_O_PATH | HZB_O_NOPOINT)	/* the sweep names each point's */

static const char * const task_kinds[] = { "thread", "process", "thread-block", NULL };
static const char * const bpf_modes[] = { "segments", "always", NULL };
static const char * const cache_states[] = { "warm", "cold", NULL };
static const char * const retire_modes[] = { "sync", "async", NULL };

_Static_assert(sizeof(enum hzb_preempt) == sizeof(int) &&
	       sizeof(enum hzb_task_kind) == sizeof(int),
	       "HZB_T_WORD and HZB_T_FLAG store an int");

/* --update-rate=N: the interval between updates is 1 s / N. */
static int parse_rate(void *field, const char *arg)
{
	unsigned long long rate;
	char *end;

	rate = strtoull(arg, &end, 10);
	if (end == arg || *end || arg[0] == '-' || !rate || rate > NS_PER_S)
		return -1;
	*(uint64_t *)field = NS_PER_S / rate;
	return 0;
}

static void usage_exit(void);
static void version_exit(void);
static void list_exit(void);

static const struct hzb_optdef defs[] = {
	{ "design", 'd', HZB_T_STR, OFF(design), HZB_O_NOPOINT, "NAME",
	  "design to run (required); a run takes series\n"
	  "too, NAME[:VARIANT]+NAME[:VARIANT]...: one\n"
	  "boot, their repetitions taking turns, one\n"
	  "JSON each ({series} in --json, --text)",
	  .section = "Workload", .sample = "percpu" },
	{ "variant", 'V', HZB_T_STR, OFF(variant), HZB_O_NOPOINT, "K=V,...",
	  "design variant knobs (see 'hzbench info')", .max = HZB_VARIANT_LEN - 1,
	  .expect = "the variant is too long (" STR(HZB_VARIANT_LEN) " characters or more)",
	  .sample = "slots=4" },
	{ "tasks", 't', HZB_T_ULONG, OFF(tasks), 0, "N",
	  "idle tasks alive during the run (default 0)", .max = 1000000, .sweep = 3,
	  .sample = "7" },
	{ "task-kind", 0, HZB_T_WORD, OFF(task_kind), 0, "KIND",
	  "thread (default), process, or thread-block (each\n"
	  "idle thread first reads once: owns a per-task block)",
	  .words = task_kinds, .sweep = 4, .sample = "thread-block" },
	{ "readers", 'r', HZB_T_INT, OFF(readers), 0, "N",
	  "reader threads (default: one per CPU the updaters\n"
	  "leave free, at least 1; more is recorded as\nconfig.oversubscribed)",
	  .max = 4096, .sweep = 9, .sample = "3" },
	{ "updaters", 'u', HZB_T_INT, OFF(updaters), 0, "N",
	  "updater threads (default 1)\n(--target=uml: one CPU, so one reader and one\n"
	  "updater by default, taking turns on it)", .max = 256, .sweep = 10, .sample = "2" },
	{ "duration", 'D', HZB_T_SEC, OFF(duration_s), 0, "SEC",
	  "run time (default 5)", .min = 1, .max = 86400 * NS_PER_S, .unit = NS_PER_S,
	  .sweep = 12, .sample = "1500ms" },
	{ "nest", 'n', HZB_T_UINT, OFF(nest), 0, "K",
	  "hazard pointers a reader holds at once (1.." STR(HZB_MAX_NEST) ")",
	  .min = 1, .max = HZB_MAX_NEST, .sweep = 6, .sample = "3" },
	{ "hold", 0, HZB_T_NS, OFF(hold_ns), 0, "TIME",
	  "busy hold per read section, e.g. 500ns, 2us", .max = NS_PER_S, .unit = 1,
	  .sweep = 7, .sample = "500ns" },
	{ "preempt", 0, HZB_T_WORD, OFF(preempt), 0, "MODE",
	  "none, sleep (sleep while holding), yield,\novercommit (3 CPU hogs per CPU)",
	  .words = hzb_preempt_names, .sweep = 5, .sample = "overcommit" },
	{ "sleep", 0, HZB_T_US, OFF(sleep_us), 0, "TIME",
	  "sleep per section with --preempt=sleep (50us)", .max = NS_PER_S, .unit = 1000,
	  .sweep = 15, .sample = "20us" },
	{ "update-interval", 0, HZB_T_NS, OFF(interval_ns), 0, "TIME",
	  "pause between updates (default 0)", .max = NS_PER_S, .unit = 1, .sweep = 11,
	  .sample = "1ms" },
	{ "update-rate", 0, HZB_T_FUNC, OFF(interval_ns), HZB_O_ALIAS, "N",
	  "updates per second per updater (sets the interval)", .parse = parse_rate,
	  .expect = "expected an integer in [1, 1000000000]", .sample = "1000" },
	{ "reps", 0, HZB_T_UINT, OFF(reps), 0, "N",
	  "measured repetitions (default 1); the JSON gets\n"
	  "per-rep figures and median + an interval with its\n"
	  "coverage (>= 95% from 6 reps; 10 or more advised)",
	  .min = 1, .max = 1000, .sweep = 13, .sample = "3" },
	{ "warmup", 0, HZB_T_UINT, OFF(warmup), 0, "N",
	  "unmeasured repetitions first (default 0)", .max = 100, .sweep = 14, .sample = "2" },
	{ "batch", 0, HZB_T_UINT, OFF(batch), 0, "N",
	  "objects retired per synchronize (default 1)", .min = 1, .max = HZB_MAX_BATCH,
	  .sweep = 8, .sample = "4" },
	{ "usecase", 0, HZB_T_WORD, OFF(usecase), 0, "MODE",
	  "a use-case workload instead: refcount (lookups take\n"
	  "a reference, deletes of hot objects), lazy-mm (each\n"
	  "reader a CPU keeping a pointer across switches of\n"
	  "--sleep), hash (read-mostly table, deletes on many\n"
	  "addresses); --nest and --batch do not apply",
	  .words = hzb_usecase_names, .sweep = 18, .sample = "hash" },
	{ "objects", 0, HZB_T_UINT, OFF(objects), 0, "N",
	  "use-case table entries (1.." STR(HZB_UC_MAX_OBJECTS) "; default 16, 64, 1024)",
	  .min = 1, .max = HZB_UC_MAX_OBJECTS, .sweep = 19, .sample = "32",
	  .sample_with = "--usecase=hash" },
	{ "pin", 0, HZB_T_FLAG, OFF(pin), 0, NULL,
	  "pin reader i to CPU i % nr_cpus and updater i\nto the i-th CPU from the last", .val = 1 },
	{ "no-bpf", 0, HZB_T_FLAG, OFF(bpf), 0, NULL,
	  "do not attach the BPF latency probe", .val = 0 },
	{ "no-floors", 0, HZB_T_FLAG, OFF(floors), 0, NULL,
	  "do not measure the calibration floors", .val = 0 },
	{ "cold", 0, HZB_T_FLAG, OFF(cold), 0, NULL,
	  "evict the caches (stream a buffer twice the last-level\n"
	  "cache) before each synchronize, untimed", .val = 1 },
	{ "cache", 0, HZB_T_WORD, OFF(cold), HZB_O_ALIAS, "warm|cold",
	  "the same as no --cold / --cold (for workload files)", .words = cache_states,
	  .sweep = 20, .sample = "cold" },
	{ "retire", 0, HZB_T_WORD, OFF(retire_async), 0, "sync|async",
	  "sync (default): the updater reclaims each batch\n"
	  "itself; async: a kernel worker does (same call, same\n"
	  "batch), the updater never waits; reports the backlog\n"
	  "peak and the reclaim latency (retire to free)", .words = retire_modes,
	  .sweep = 21, .sample = "async" },
	{ "bpf", 0, HZB_T_STR, OFF(bpf_probes), 0, "LIST",
	  "BPF probes besides synchronize latency: phase (scan\n"
	  "phases, restarts, lists walked), lock (overflow-lock\n"
	  "contention), hold (overflow use, migrations,\n"
	  "preemption while holding), all, none (default " HZB_BPF_DEFAULT ")",
	  .check = hzb_bpf_list_check,
	  .expect_list = hzb_bpf_list_names, .sweep = 17,
	  .sample = "phase,lock" },
	{ "bpf-mode", 0, HZB_T_WORD, OFF(bpf_always), 0, "MODE",
	  "segments (default): the headline figures come from\n"
	  "probe-free repetitions, the BPF figures from a\n"
	  "segment with every probe attached beside each\n"
	  "(interleaved ABBA), and the probe effect from both;\n"
	  "always: every repetition carries the probes", .words = bpf_modes,
	  .sample = "always" },
	{ "bpf-duration", 0, HZB_T_SEC, OFF(bpf_seg_s), 0, "SEC",
	  "each BPF segment (default: --duration)", .min = 1, .max = 600 * NS_PER_S,
	  .unit = NS_PER_S, .sample = "2s" },
	{ "probe-effect", 0, HZB_T_SEC, OFF(bpf_seg_s), HZB_O_ALIAS, "SEC",
	  "old name of --bpf-duration (0: the default)", .max = 600 * NS_PER_S,
	  .unit = NS_PER_S, .sample = "3" },

	{ "json", 0, HZB_T_STR, OFF(json), OUTPUT, "FILE",
	  "result JSON (schema in README.md)", .section = "Output", .sample = "r.json" },
	{ "csv", 0, HZB_T_STR, OFF(csv), OUTPUT, "FILE",
	  "one CSV row (header written when FILE is new)", .sample = "r.csv" },
	{ "text", 0, HZB_T_STR, OFF(text), OUTPUT, "FILE",
	  "LKML-ready text block (default: beside --json)", .sample = "r.txt" },
	{ "quiet", 'q', HZB_T_FLAG, OFF(quiet), HZB_O_NOPOINT, NULL,
	  "no progress on stderr", .val = 1 },

	{ "workload", 0, HZB_T_STR, OFF(sweep.file), SWEEP_ONLY, "FILE",
	  "run every point of a workload file (workloads/*.ini);\n"
	  "--design=all (default) or one design of it", .section = "Sweeps" },
	{ "out", 0, HZB_T_STR, OFF(sweep.out), SWEEP_ONLY, "DIR",
	  "where the points go (default results/<name>)" },
	{ "resume", 0, HZB_T_FLAG, OFF(sweep.resume), SWEEP_ONLY, NULL,
	  "skip the points DIR already has", .val = 1 },
	{ "quick", 0, HZB_T_FLAG, OFF(sweep.quick), SWEEP_ONLY, NULL,
	  "apply the file's [quick] section (a short sweep)", .val = 1 },
	{ "dry-run", 0, HZB_T_FLAG, OFF(sweep.dry_run), SWEEP_ONLY, NULL,
	  "list the points, run nothing", .val = 1 },
	{ "boots", 0, HZB_T_INT, OFF(sweep.boots), SWEEP_ONLY, "N",
	  "run each point N times (in a guest: N boots), into\n"
	  "DIR/<point>.boot-K.json (default: the file's\n"
	  "boots, else 1); tools/ take the median over runs",
	  .min = 1, .max = HZB_SWEEP_MAX_BOOTS },

	HZB_VM_OPTDEFS(struct hzb_opts, vm),
	{ "help", 'h', HZB_T_ACTION, 0, HZB_O_HOST, NULL, "this text", .action = usage_exit },
	{ "version", 0, HZB_T_ACTION, 0, HZB_O_HOST, NULL, "version and build facts",
	  .action = version_exit },

	HZB_TEST_OPTDEFS(struct hzb_opts, print, list_exit),
};

struct hzb_optab hzb_optab = {
	.defs = defs, .n = sizeof(defs) / sizeof(defs[0]),
	.base = &hzb_opt, .size = sizeof(hzb_opt), .help_col = 25,
};

static void usage_exit(void)
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
	hzb_optab_help(&hzb_optab, stdout);
	printf("\n"
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
	       "guest did not finish.\n");
	exit(0);
}

static void version_exit(void)
{
	printf("hzbench %s (git %s)\nmodules built for %s\nVM kernel %s\n", HZB_VERSION,
	       HZB_GIT_REV, HZB_KERNEL_RELEASE, HZB_VM_KERNEL);
	exit(0);
}

static void list_exit(void)
{
	hzb_optab_list(&hzb_optab, stdout);
	exit(0);
}
