/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One measured point: a task population, warm-up and repetitions of the
 * reader/updater workload against one design and variant, then the
 * calibration floors of the same kernel.
 */
#ifndef HZB_RUN_H
#define HZB_RUN_H

#include <stddef.h>
#include <stdint.h>
#include "hzb_dev.h"
#include "hzb_stats.h"
#include "scan_latency.h"

struct hzb_floor {
	const char *name;
	enum hzb_cal_op op;
	uint64_t loops;
	uint32_t samples;
	struct hzb_summary s;		/* per operation */
	uint64_t tasks;
	int err;
	/*
	 * Timed with this module clock (the clock parameter) instead of
	 * the default, only when the default is the TSC (user-mode Linux):
	 * the same floor batch-timed with ktime, proving the TSC timing.
	 */
	const char *clock;
	int skipped;			/* not measured on this target */
};

extern struct hzb_floor hzb_floors[];
extern const size_t hzb_nr_floors;

/* --retire=async: what the engine's reclaim worker did (summed, or max). */
struct hzb_retire_rep {
	uint64_t backlog_peak;		/* objects retired, not yet freed, at most */
	uint64_t backlog_peak_bytes;
	uint64_t reclaimed;		/* objects the worker freed */
	uint64_t async_waits;		/* the updater waited for a free object */
	uint64_t reclaim_ns_max;
	struct hzb_summary reclaim;	/* retire -> free, per object (ns) */
};

struct hzb_rep {
	struct hzb_reader rsum;		/* readers summed; elapsed summed too */
	uint64_t updates, syncs;
	struct hzb_summary sync;	/* module-timed */
	uint64_t cnt[HZB_NR_COUNTERS];	/* counter deltas */
	struct hzb_lat_stats bpf;	/* this repetition's BPF figures */
	double wall_s;
	int failed;
	char why[256];			/* what failed, when failed */
	uint64_t uc_op_ns;		/* use case: readers' time in acquire + release */
	int uc_not_held;		/* lazy-mm: pointer dropped before each switch */
	struct hzb_retire_rep retire;	/* --retire=async: the reclaim worker's */
};

struct hzb_point {
	const struct hzb_design *design;
	/* --design's series when several share this run, rep by rep; else NULL. */
	const char *interleaved;
	const char *series_id;		/* this one's, for {series} in names */
	struct hzb_info info;
	int nr_readers, nr_updaters, nr_hogs;
	unsigned int reps, warmup;
	struct hzb_rep *rep;		/* [reps], warm-up not included */
	/*
	 * The BPF segments: [reps] runs of the same workload with every probe
	 * attached, interleaved with the repetitions (ABBA), so that the
	 * headline figures (rep, sync, cnt) are probe-free.  With
	 * --bpf-mode=always there are none and the repetitions carry the
	 * probes (probes_on_headline).
	 */
	struct hzb_rep *seg;
	unsigned int nr_segs;
	double seg_s;
	int probes_on_headline;
	struct hzb_summary seg_sync;	/* module-timed, probes attached */
	uint64_t seg_cnt[HZB_NR_COUNTERS];
	struct hzb_reader *per_thread;	/* last repetition's readers */
	size_t tasks_spawned;
	double spawn_s;
	uint64_t tasks_seen;		/* by the module's own task walk */
	struct hzb_summary sync;	/* every repetition's samples pooled */
	/* --retire=async: the repetitions' figures, reclaim latencies pooled. */
	struct hzb_retire_rep retire;
	uint64_t *reclaim_pool;
	size_t reclaim_n;
	struct hzb_reader rsum;
	uint64_t updates, syncs;
	uint64_t cnt[HZB_NR_COUNTERS];
	int bpf_attached;
	const char *bpf_unavailable;	/* why BPF could not run here ("uml") */
	char bpf_error[256];
	struct hzb_bpf_report *bpfx;	/* the other BPF probes (hzb_bpf.h) */
	struct hzb_lat_stats bpf;	/* summed over the BPF segments */
	uint64_t uc_op_ns;		/* use case: summed over repetitions */
	int uc_not_held;
	int floors_done;
	double wall_s;
	int failed;
	char why[512];			/* what failed, "; "-separated */
};

/* Mark @p failed and say why (appended to p->why, printed to stderr). */
void hzb_point_fail(struct hzb_point *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Calls the BPF probe accounted for (entries + kernel-skipped runs). */
uint64_t hzb_bpf_calls(const struct hzb_lat_stats *b);
double hzb_ns_per_acquire(const struct hzb_reader *r);
int hzb_open_design(const struct hzb_design *d);
/* --readers' default: the CPUs @updaters leave free, at least 1. */
int hzb_default_readers(int updaters);
/* More busy threads (readers, updaters, hogs) than online CPUs. */
int hzb_oversubscribed(const struct hzb_point *p);
int hzb_measure_floor(const struct hzb_design *d, int fd, struct hzb_floor *f);
int hzb_cmd_run(void);

#endif
