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

/* hzbench [COMMAND] ...: the first word when it is not an option; 1 if taken. */
static int parse_command(int argc, char **argv)
{
	static const char * const cmds[] = { "run", "info", "calibrate", "list", NULL };
	size_t i;

	if (argc < 2 || argv[1][0] == '-')
		return 0;
	for (i = 0; cmds[i]; i++)
		if (!strcmp(argv[1], cmds[i]))
			break;
	if (!cmds[i])
		hzb_usage_error("unknown command '%s'", argv[1]);
	hzb_opt.cmd = argv[1];
	return 1;
}

/* --workload: the file parses and the design is one of it (or all). */
static void check_sweep(void)
{
	char err[512];

	if (strcmp(hzb_opt.cmd, "run"))
		hzb_usage_error("--workload runs a sweep; it does not go with '%s'", hzb_opt.cmd);
	if (hzb_opt.design && strcmp(hzb_opt.design, "all") && !hzb_design_find(hzb_opt.design))
		hzb_usage_error("unknown design '%s': valid designs are all, %s", hzb_opt.design,
				hzb_design_list());
	if (hzb_workload_parse(hzb_opt.sweep.file, hzb_opt.sweep.quick, err, sizeof(err))) {
		fprintf(stderr, "hzbench: %s\n", err);
		exit(2);
	}
	hzb_opt.cmd = "sweep";
}

/* --design: one design, or series (NAME[:VARIANT]+...) for a run, into o->series. */
static void check_series(struct hzb_opts *o)
{
	char err[256];
	int n = hzb_series_parse(o->design, o->variant, o->series, err, sizeof(err));

	if (n < 0)
		hzb_usage_error("%s", err);
	o->nr_series = n;
	if (n == 1 && strcmp(o->series[0].design->name, o->design))
		hzb_usage_error("--design=%s: a variant after ':' is for series (two or more, "
				"'+'-separated); one design takes --variant", o->design);
	if (n == 1)
		return;
	if (strcmp(o->cmd, "run"))
		hzb_usage_error("'%s' takes one design, not series", o->cmd);
	if (o->bpf_always)
		hzb_usage_error("series share the guest: --bpf-mode=always would probe one "
				"series' repetitions with another's probes attached");
	if (o->task_kind == HZB_TASK_THREAD_BLOCK)
		hzb_usage_error("--task-kind=%s gives the tasks one design's blocks; series "
				"share their tasks", hzb_task_kind_name(o->task_kind));
	if ((o->json && !strstr(o->json, "{series}")) || (o->text && !strstr(o->text, "{series}")))
		hzb_usage_error("series write one file each: put {series} in the --json and "
				"--text paths");
}

/* One run (or info, calibrate): combinations that make no sense. */
static void check_run(void)
{
	struct hzb_opts *o = &hzb_opt;

	if (o->sweep.out || o->sweep.resume || o->sweep.quick || o->sweep.dry_run ||
	    o->sweep.boots)
		hzb_usage_error("--out, --resume, --quick, --dry-run and --boots go with --workload");
	if (!strcmp(o->cmd, "list"))
		return;
	if (!o->design && strcmp(o->cmd, "calibrate"))
		hzb_usage_error("--design is required: one of %s", hzb_design_list());
	if (o->design)
		check_series(o);
	hzb_vm_opts_check(&o->vm);
	if (!o->readers && !o->updaters && !strcmp(o->cmd, "run"))
		hzb_usage_error("nothing to run: --readers=0 and --updaters=0");
	if (o->usecase && (o->preempt == PREEMPT_SLEEP || o->preempt == PREEMPT_YIELD))
		hzb_usage_error("--usecase=%s: --preempt=%s does not apply (lazy-mm's switch is --sleep)",
				hzb_usecase_names[o->usecase], hzb_preempt_names[o->preempt]);
	if (o->usecase && o->batch > 1)
		hzb_usage_error("--usecase=%s: deletes are one object each, no --batch",
				hzb_usecase_names[o->usecase]);
	if (o->objects && !o->usecase)
		hzb_usage_error("--objects goes with --usecase");
	if (o->retire_async && (o->usecase || o->cold))
		hzb_usage_error("--retire=async: not with %s", o->usecase ? "--usecase" : "--cold");
}

static void parse_args(int argc, char **argv)
{
	int shift = parse_command(argc, argv);

	argc -= shift;
	argv += shift;
	hzb_optab_init(&hzb_optab);
	if (hzb_optab_getopt(&hzb_optab, argc, argv) < argc)
		hzb_usage_error("unexpected argument '%s'", argv[optind]);
	if (hzb_opt.sweep.file) {
		check_sweep();
		return;
	}
	check_run();
	if ((hzb_opt.vm.mode == VM_FORCE || hzb_opt.vm.mode == VM_UML) && getenv("HZB_IN_VM"))
		hzb_opt.vm.mode = VM_NEVER;
}

/* ------------------------------------------------------------------ */
/* Running in the guest                                                */
/* ------------------------------------------------------------------ */

/* Each series' result files (one series: the paths as given). */
struct guest_outs {
	char path[2 * HZB_MAX_SERIES + 1][4096 + 8];
	const char *v[2 * HZB_MAX_SERIES + 2];
};

/* The files the guest writes that come back to the host. */
static void guest_outs(struct guest_outs *g)
{
	int n = 0, i;

	for (i = 0; i < (hzb_opt.nr_series ?: 1); i++) {
		const char *id = hzb_opt.nr_series > 1 ? hzb_opt.series[i].id : NULL;

		if (hzb_opt.json) {
			hzb_series_path(hzb_opt.json, id, g->path[n], sizeof(g->path[n]) - 4);
			g->v[n] = g->path[n];
			n++;
			if (!hzb_opt.text) {
				/* The text block the guest writes beside the JSON. */
				memcpy(g->path[n], g->path[n - 1], sizeof(g->path[n]) - 4);
				strcat(g->path[n], ".txt");
				g->v[n] = g->path[n];
				n++;
			}
		}
		if (hzb_opt.text) {
			hzb_series_path(hzb_opt.text, id, g->path[n], sizeof(g->path[n]));
			g->v[n] = g->path[n];
			n++;
		}
	}
	g->v[n] = NULL;
}

/* Boot, the repetitions and their BPF segments, and spawning the tasks. */
static long guest_timeout(void)
{
	const struct hzb_opts *o = &hzb_opt;
	double seg = o->bpf_seg_s > 0 ? o->bpf_seg_s : o->duration_s;

	return (long)((o->duration_s * (o->reps + o->warmup) + (o->bpf ? seg * o->reps : 0)) *
		      (o->nr_series ?: 1)) +
	       240 + /* 100000 threads took 258 s to spawn under TCG, loaded host */
	       (long)(o->tasks / 100);
}

/* Re-run this command in the guest; returns the exit status. */
static int run_in_vm(void)
{
	static struct guest_outs outs;
	struct hzb_vm_req req = {
		.who = "hzbench", .vm = &hzb_opt.vm, .host_cmdline = hzb_cmdline,
		.outs = outs.v, .append_csv = hzb_opt.csv, .timeout_s = guest_timeout(),
	};

	guest_outs(&outs);
	if (hzb_opt.vm.mode == VM_UML)
		hzb_say("running in user-mode Linux: native timing on one CPU (up_fence=%s, clock=%s)",
			hzb_opt.vm.up_fence ?: "lock", hzb_opt.vm.clock ?: "tsc");
	else
		hzb_say("no /dev/%s here and this host cannot load modules: running in a %d-vCPU qemu guest",
			hzb_opt.nr_series ? hzb_opt.series[0].design->device : "hzb_*",
			hzb_opt.vm.vcpus);
	return hzb_vm_run_cmd(&req, &hzb_optab, hzb_opt.cmd);
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
		       getenv("HZB_IN_VM") ? hzb_vm_timing() : "native");
	}
	for (k = 0; k < hzb_nr_floors; k++) {
		struct hzb_floor *f = &hzb_floors[k];

		if (hzb_measure_floor(d, fd, f)) {
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
		return hzb_cmd_sweep();
	if (hzb_opt.print)
		return hzb_vm_print_mode(&hzb_optab, hzb_opt.print, hzb_opt.cmd, &hzb_opt.vm);
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
