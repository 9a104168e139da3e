/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Workload files and sweeps.  The format (INI, see workloads/README.md):
 *
 *	[workload]
 *	name = tasks-sweep
 *	designs = percpu pertask rcu
 *	tasks = 1 100 1000 10000 30000
 *	preempt = none sleep
 *	duration = 3s
 *	reps = 3
 *	[quick]
 *	tasks = 1 1000
 *	[variants]
 *	percpu = default | slots=4,acquire=wildcard
 */
#ifndef HZB_SWEEP_H
#define HZB_SWEEP_H

#include <stddef.h>

/* boots = N: each point run in N guest boots (--boots, workloads/README.md). */
#define HZB_SWEEP_MAX_BOOTS	64

/* Parse @path (with [quick] applied when @quick); "file:line: why" in err. */
int hzb_workload_parse(const char *path, int quick, char *err, size_t errlen);
/*
 * Run every point of the parsed file (hzb_opt.sweep: --out DIR, default
 * results/<name>[-quick], --resume; --dry-run lists their names and
 * --print-guest-argv their command lines).
 */
int hzb_cmd_sweep(void);

#endif
