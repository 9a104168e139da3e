/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hzbench's options, shared by the command line, the run and the report.
 * Each field an option sets has its line in hzb_options.c's table.
 */
#ifndef HZB_OPTS_H
#define HZB_OPTS_H

#include <stdint.h>
#include "hzb_cli.h"
#include "hzb_dev.h"
#include "hzb_optab.h"
#include "hzb_tasks.h"

enum hzb_preempt { PREEMPT_NONE, PREEMPT_SLEEP, PREEMPT_YIELD, PREEMPT_OVERCOMMIT };
extern const char * const hzb_preempt_names[];

struct hzb_opts {
	const char *cmd;		/* run, info, calibrate, list */
	const char *design;
	const char *variant;
	/* --design parsed (check_run()): one design, or the series of a run. */
	struct hzb_series series[HZB_MAX_SERIES];
	int nr_series;
	unsigned long tasks;
	enum hzb_task_kind task_kind;
	int readers;			/* -1: one per CPU */
	int updaters;
	double duration_s;
	unsigned int reps;
	unsigned int warmup;
	unsigned int nest;
	uint64_t hold_ns;
	enum hzb_preempt preempt;
	unsigned int sleep_us;
	uint64_t interval_ns;
	unsigned int batch;
	int pin;
	int bpf;
	/*
	 * BPF figures come from their own segments, one per repetition,
	 * interleaved with the probe-free repetitions that give the headline
	 * figures (bpf_always: every repetition carries the probes instead).
	 */
	int bpf_always;
	double bpf_seg_s;		/* each BPF segment; 0: --duration */
	const char *bpf_probes;		/* --bpf=LIST, see hzb_bpf.h */
	int floors;
	int cold;			/* evict the caches before each synchronize */
	int retire_async;		/* --retire=async: the engine's reclaim worker */
	const char *json, *csv, *text;
	struct hzb_vm_opts vm;
	int quiet;
	int usecase;			/* 0: the plain workload, else HZB_UC_* */
	unsigned int objects;		/* use-case table entries, 0: the mode's default */
	struct {			/* --workload: a sweep instead of a single run */
		const char *file, *out;
		int resume, quick, dry_run;
		int boots;		/* each point in this many boots (0: the file's) */
	} sweep;
	int print;			/* HZB_PRINT_*: a test mode, print and exit */
};

/* The option table over hzb_opt (hzb_options.c). */
extern struct hzb_optab hzb_optab;

/* "none", then the HZB_UC_* modes by value: "refcount", "lazy-mm", "hash". */
extern const char * const hzb_usecase_names[];
/* The use-case table size of this run (--objects or the mode's default). */
unsigned int hzb_usecase_objects(void);

extern struct hzb_opts hzb_opt;
/* The command line as typed (on the host, when run in the guest). */
extern char hzb_cmdline[8192];

void hzb_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
double hzb_now_s(void);

#endif
