// SPDX-License-Identifier: GPL-2.0
/*
 * Reporting a point: the result JSON (schema in README.md), one CSV row,
 * and the rcuscale-style text block for LKML.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "hzb_bpf_report.h"
#include "hzb_config.h"
#include "hzb_json.h"
#include "hzb_kernel.h"
#include "hzb_opts.h"
#include "hzb_report.h"
#include "hzb_vm.h"

static const char *host_cmdline(void)
{
	return getenv("HZB_HOST_CMDLINE") ?: hzb_cmdline;
}

/* The module's up_fence and clock parameters ("?" when it has none). */
static void module_params(const struct hzb_point *p, char *fence, char *clock, char *evict)
{
	if (hzb_module_param_get(p->design, "up_fence", fence, 16))
		strcpy(fence, "?");
	if (hzb_module_param_get(p->design, "clock", clock, 16))
		strcpy(clock, "?");
	if (hzb_module_param_get(p->design, "evict_kb", evict, 16))
		strcpy(evict, "0");
}

static void json_sysinfo(struct hzb_json *j, const struct hzb_point *p)
{
	const char *in_vm = hzb_in_uml() ? NULL : getenv("HZB_IN_VM");
	char fence[16], clock[16], evict[16];
	struct hzb_kernel_facts k;
	struct utsname u;

	uname(&u);
	hzb_json_obj_begin(j, "system");
	hzb_json_str(j, "kernel_release", u.release);
	hzb_json_str(j, "kernel_version", u.version);
	hzb_json_str(j, "machine", u.machine);
	hzb_json_u64(j, "nr_cpus", (uint64_t)sysconf(_SC_NPROCESSORS_ONLN));
	hzb_json_u64(j, "nr_cpu_ids", p->info.nr_cpu_ids);
	hzb_json_str(j, "mode", hzb_target_kind());
	module_params(p, fence, clock, evict);
	/* smp: the kernel's smp_mb(); lock/mfence: real fences on UP; off: none */
	hzb_json_str(j, "up_fence", fence);
	hzb_json_str(j, "clock", clock);
	hzb_json_u64(j, "evict_kb", strtoull(evict, NULL, 10));
	if (hzb_in_uml()) {
		hzb_json_obj_begin(j, "uml");
		hzb_json_str(j, "kernel", getenv("HZB_UML_KERNEL"));
		hzb_json_str(j, "host_cpu", getenv("HZB_HOST_CPU"));
		hzb_json_str(j, "host_loadavg", getenv("HZB_HOST_LOADAVG"));
		hzb_json_str(j, "note", "user-mode Linux: kernel code runs natively on the host CPU; "
			     "uniprocessor, so no SMP contention, no remote caches, no BPF");
		hzb_json_obj_end(j);
	}
	hzb_kernel_facts(&k);
	hzb_kernel_json(j, &k);
	if (in_vm) {
		hzb_json_obj_begin(j, "vm");
		hzb_json_str(j, "qemu", getenv("HZB_VM_QEMU"));
		hzb_json_str(j, "accel", getenv("HZB_VM_ACCEL"));
		hzb_json_str(j, "cpu_model", getenv("HZB_VM_CPU"));
		hzb_json_str(j, "kernel", getenv("HZB_VM_KERNEL_FLAVOUR") ?: "cloud");
		hzb_json_u64(j, "vcpus", strtoull(getenv("HZB_VM_VCPUS") ?: "0", NULL, 10));
		hzb_json_u64(j, "mem_mb", strtoull(getenv("HZB_VM_MEM_MB") ?: "0", NULL, 10));
		hzb_json_str(j, "note", hzb_vm_timing());
		hzb_json_obj_end(j);
	}
	hzb_json_obj_end(j);
}

/* @clock: the clock that timed it, when it is not the run's system.clock */
static void json_summary_clock(struct hzb_json *j, const char *key,
			       const struct hzb_summary *s, int probes, const char *clock)
{
	hzb_json_obj_begin(j, key);
	if (probes >= 0)
		hzb_json_bool(j, "probes_attached", probes);
	if (clock)
		hzb_json_str(j, "clock", clock);
	hzb_json_u64(j, "count", s->n);
	hzb_json_dbl(j, "avg_ns", s->avg);
	hzb_json_dbl(j, "min_ns", s->min);
	hzb_json_dbl(j, "p50_ns", s->p50);
	hzb_json_dbl(j, "p90_ns", s->p90);
	hzb_json_dbl(j, "p99_ns", s->p99);
	hzb_json_dbl(j, "p999_ns", s->p999);
	hzb_json_dbl(j, "max_ns", s->max);
	hzb_json_obj_end(j);
}

static void json_summary_probes(struct hzb_json *j, const char *key,
				const struct hzb_summary *s, int probes)
{
	json_summary_clock(j, key, s, probes, NULL);
}

static void json_summary(struct hzb_json *j, const char *key, const struct hzb_summary *s)
{
	json_summary_probes(j, key, s, -1);
}

/*
 * --retire=async: the engine's reclaim worker synchronized and freed every
 * batch; the updaters never waited for it but to get a free object
 * (async_waits).  Backlog: objects retired and not yet freed, at most.
 */
static void json_retire(struct hzb_json *j, const struct hzb_retire_rep *r)
{
	hzb_json_obj_begin(j, "retire_async");
	hzb_json_u64(j, "backlog_peak_objects", r->backlog_peak);
	hzb_json_u64(j, "backlog_peak_bytes", r->backlog_peak_bytes);
	hzb_json_u64(j, "reclaimed", r->reclaimed);
	hzb_json_u64(j, "updater_waits", r->async_waits);
	hzb_json_u64(j, "reclaim_max_ns", r->reclaim_ns_max);
	json_summary(j, "reclaim_latency", &r->reclaim);
	hzb_json_obj_end(j);
}

static void json_bpf(struct hzb_json *j, const struct hzb_point *p, const struct hzb_lat_stats *b,
		     int hist)
{
	hzb_json_str(j, "mechanism", b->mech);
	hzb_json_str(j, "function", p->info.sync_func);
	hzb_json_u64(j, "sync_count", hzb_bpf_calls(b));
	hzb_json_u64(j, "timed", b->h.count);
	hzb_json_u64(j, "enter_misses", b->enter_misses);
	hzb_json_u64(j, "exit_misses", b->exit_misses);
	hzb_json_u64(j, "lost_exits", b->lost_exits);
	hzb_json_u64(j, "unmatched", b->unmatched);
	hzb_json_u64(j, "drops", b->drops);
	hzb_json_hist(j, &b->h, "_ns", hist);
}

/* Per-repetition figures that the summary reports as median + interval. */
enum rep_metric { M_SYNC_P50, M_SYNC_P99, M_SYNC_AVG, M_NS_PER_ACQ, M_BPF_P50, M_SYNC_P999,
		  M_SYNC_MAX, M_NR };
static const char * const rep_metric_names[M_NR] = {
	"sync_p50_ns", "sync_p99_ns", "sync_avg_ns", "ns_per_acquire", "bpf_sync_p50_ns",
	"sync_p999_ns", "sync_max_ns",
};

static double rep_metric(const struct hzb_point *p, const struct hzb_rep *r, enum rep_metric m)
{
	switch (m) {
	case M_SYNC_P50:
		return r->sync.n ? r->sync.p50 : NAN;
	case M_SYNC_P99:
		return r->sync.n ? r->sync.p99 : NAN;
	case M_SYNC_AVG:
		return r->sync.n ? r->sync.avg : NAN;
	case M_SYNC_P999:
		return r->sync.n ? r->sync.p999 : NAN;
	case M_SYNC_MAX:
		return r->sync.n ? r->sync.max : NAN;
	case M_NS_PER_ACQ:
		return hzb_ns_per_acquire(&r->rsum);
	case M_BPF_P50:
		if (p->nr_segs)
			r = &p->seg[r - p->rep];
		return p->bpf_attached && r->bpf.h.count ? hzb_hist_percentile(&r->bpf.h, 50) : NAN;
	default:
		return NAN;
	}
}

/*
 * Median of metric @m over the repetitions and its order-statistic interval
 * (95% or more from 6 repetitions on, the range below); NaN if none.
 * @cov: how many values went in, for hzb_median_ci_coverage().
 */
static void rep_median_n(const struct hzb_point *p, enum rep_metric m, double *med, double *lo,
			 double *hi, size_t *cov)
{
	double *v = calloc(p->reps + 1, sizeof(*v));
	size_t n = 0;
	unsigned int r;

	*med = *lo = *hi = NAN;
	if (!v)
		return;
	for (r = 0; r < p->reps; r++) {
		double x = rep_metric(p, &p->rep[r], m);

		if (!isnan(x))
			v[n++] = x;
	}
	hzb_median_ci(v, n, med, lo, hi);
	if (cov)
		*cov = n;
	free(v);
}

static void rep_median(const struct hzb_point *p, enum rep_metric m, double *med, double *lo,
		       double *hi)
{
	rep_median_n(p, m, med, lo, hi, NULL);
}

static void json_counters(struct hzb_json *j, const char *key, const uint64_t *cnt)
{
	size_t k;

	hzb_json_obj_begin(j, key);
	for (k = 0; k < HZB_NR_COUNTERS; k++)
		hzb_json_u64(j, hzb_counter_names[k], cnt[k]);
	hzb_json_obj_end(j);
}

static void json_reader(struct hzb_json *j, const struct hzb_reader *r)
{
	hzb_json_u64(j, "sections", r->sections);
	hzb_json_u64(j, "acquires", r->acquires);
	hzb_json_u64(j, "null_acquires", r->null_acquires);
	hzb_json_u64(j, "violations", r->violations);
	hzb_json_u64(j, "ctx_switches", r->ctx_switches);
	hzb_json_dbl(j, "ns_per_acquire", hzb_ns_per_acquire(r));
}

/*
 * The use case's own figures: reader operations (lookups or switches) and
 * deletions per second of run time, the delete path (the module's timing,
 * the synchronize figures' source), and for lazy-mm the time a switch
 * spends in acquire + release and whether the pointer stayed held.
 */
static void json_usecase(struct hzb_json *j, const struct hzb_point *p)
{
	double run_s = hzb_opt.duration_s * (p->reps ? p->reps : 1);
	uint64_t ops = p->rsum.sections;
	uint64_t acq = p->rsum.acquires + p->rsum.null_acquires;

	hzb_json_obj_begin(j, "usecase");
	hzb_json_str(j, "mode", hzb_usecase_names[hzb_opt.usecase]);
	hzb_json_u64(j, "objects", hzb_usecase_objects());
	hzb_json_u64(j, "reader_ops", ops);
	hzb_json_dbl(j, "reader_ops_per_s", run_s > 0 ? ops / run_s : NAN);
	hzb_json_u64(j, "deletes", p->updates);
	hzb_json_dbl(j, "deletes_per_s", run_s > 0 ? p->updates / run_s : NAN);
	hzb_json_dbl(j, "delete_p50_ns", p->sync.p50);
	hzb_json_dbl(j, "delete_p99_ns", p->sync.p99);
	hzb_json_dbl(j, "delete_avg_ns", p->sync.avg);
	if (hzb_opt.usecase == HZB_UC_LAZY_MM) {
		hzb_json_dbl(j, "switch_acquire_release_ns",
			     acq ? (double)p->uc_op_ns / (double)acq : NAN);
		hzb_json_bool(j, "held_across_switch", !p->uc_not_held);
	}
	hzb_json_obj_end(j);
}

/* The sweep's name of the point: {series} there is this series. */
static const char *point_name(const struct hzb_point *p, char *buf, size_t len)
{
	const char *point = getenv("HZB_WORKLOAD_POINT");

	if (!point)
		return NULL;
	hzb_series_path(point, p->interleaved ? p->series_id : NULL, buf, len);
	return buf;
}

static void json_workload(struct hzb_json *j, const struct hzb_point *p)
{
	char point[1024];

	const char *file = getenv("HZB_WORKLOAD");

	if (!file)
		return;
	hzb_json_obj_begin(j, "workload");
	hzb_json_str(j, "file", file);
	hzb_json_str(j, "fnv1a64", getenv("HZB_WORKLOAD_HASH"));
	hzb_json_str(j, "point", point_name(p, point, sizeof(point)));
	hzb_json_str(j, "sweep_command_line", getenv("HZB_SWEEP_CMDLINE"));
	hzb_json_obj_end(j);
}

/* What ran: the tool, the command line, the workload, design and variant. */
static void json_head(struct hzb_json *j, const struct hzb_point *p)
{
	hzb_json_str(j, "schema", HZB_SCHEMA);
	hzb_json_obj_begin(j, "tool");
	hzb_json_str(j, "version", HZB_VERSION);
	hzb_json_str(j, "git_rev", HZB_GIT_REV);
	hzb_json_obj_end(j);
	hzb_json_str(j, "command_line", host_cmdline());
	json_workload(j, p);
	hzb_json_str(j, "design", p->design->name);
	hzb_json_str(j, "variant", p->info.variant);
}

static void json_config(struct hzb_json *j, const struct hzb_point *p)
{
	hzb_json_obj_begin(j, "config");
	hzb_json_u64(j, "tasks", hzb_opt.tasks);
	hzb_json_str(j, "task_kind", hzb_task_kind_name(hzb_opt.task_kind));
	hzb_json_u64(j, "readers", (uint64_t)p->nr_readers);
	hzb_json_u64(j, "updaters", (uint64_t)p->nr_updaters);
	hzb_json_dbl(j, "duration_s", hzb_opt.duration_s);
	hzb_json_u64(j, "reps", p->reps);
	hzb_json_u64(j, "warmup", p->warmup);
	hzb_json_u64(j, "nest", hzb_opt.nest);
	hzb_json_u64(j, "hold_ns", hzb_opt.hold_ns);
	hzb_json_str(j, "preempt", hzb_preempt_names[hzb_opt.preempt]);
	hzb_json_u64(j, "sleep_us", hzb_opt.preempt == PREEMPT_SLEEP ? hzb_opt.sleep_us : 0);
	hzb_json_u64(j, "update_interval_ns", hzb_opt.interval_ns);
	hzb_json_u64(j, "batch", hzb_opt.batch);
	hzb_json_bool(j, "pin", hzb_opt.pin);
	hzb_json_bool(j, "bpf", hzb_opt.bpf);
	hzb_json_bool(j, "cold", hzb_opt.cold);
	hzb_json_str(j, "retire", hzb_opt.retire_async && !hzb_opt.usecase ? "async" : "sync");
	hzb_json_u64(j, "hogs", (uint64_t)p->nr_hogs);
	/* readers + updaters + hogs > online CPUs: threads share CPUs. */
	hzb_json_bool(j, "oversubscribed", hzb_oversubscribed(p));
	hzb_json_str(j, "usecase", hzb_usecase_names[hzb_opt.usecase]);
	hzb_json_u64(j, "objects", hzb_opt.usecase ? hzb_usecase_objects() : 0);
	/* The series that took turns with this one in the same boot (or null). */
	hzb_json_str(j, "interleaved", p->interleaved);
	hzb_json_obj_end(j);
}

/* INFO's __u32 figures that "info" carries, in its order, named as the fields. */
#define INFO_U32(f)	{ #f, offsetof(struct hzb_info, f) }
static const struct { const char *key; size_t off; } info_u32[] = {
	INFO_U32(features), INFO_U32(slots_per_cpu), INFO_U32(slots_per_task),
	INFO_U32(bytes_per_cpu), INFO_U32(bytes_per_task), INFO_U32(bytes_per_ctx),
	INFO_U32(nr_locks), INFO_U32(pool_objects), INFO_U32(broken),
};

/* The module's INFO and what the task population came to. */
static void json_info(struct hzb_json *j, const struct hzb_point *p)
{
	size_t k;

	hzb_json_obj_begin(j, "info");
	hzb_json_u64(j, "abi_version", p->info.abi_version);
	hzb_json_str(j, "knobs", p->info.knobs);
	hzb_json_str(j, "sync_func", p->info.sync_func);
	for (k = 0; k < sizeof(info_u32) / sizeof(info_u32[0]); k++)
		hzb_json_u64(j, info_u32[k].key,
			     *(const uint32_t *)((const char *)&p->info + info_u32[k].off));
	hzb_json_obj_end(j);

	hzb_json_obj_begin(j, "tasks");
	hzb_json_u64(j, "requested", hzb_opt.tasks);
	hzb_json_u64(j, "spawned", p->tasks_spawned);
	hzb_json_dbl(j, "spawn_s", p->spawn_s);
	hzb_json_u64(j, "seen_by_module", p->tasks_seen);
	hzb_json_obj_end(j);
}

/* The readers (summed and per thread), the updaters, the headline synchronize. */
static void json_threads(struct hzb_json *j, const struct hzb_point *p)
{
	int i;

	hzb_json_obj_begin(j, "readers");
	hzb_json_u64(j, "threads", (uint64_t)p->nr_readers);
	json_reader(j, &p->rsum);
	hzb_json_arr_begin(j, "per_thread");
	for (i = 0; i < p->nr_readers; i++) {
		hzb_json_obj_begin(j, NULL);
		json_reader(j, &p->per_thread[i]);
		hzb_json_u64(j, "elapsed_ns", p->per_thread[i].elapsed_ns);
		hzb_json_obj_end(j);
	}
	hzb_json_arr_end(j);
	hzb_json_obj_end(j);

	hzb_json_obj_begin(j, "updaters");
	hzb_json_u64(j, "threads", (uint64_t)p->nr_updaters);
	hzb_json_u64(j, "updates", p->updates);
	hzb_json_u64(j, "syncs", p->syncs);
	if (hzb_opt.retire_async && !hzb_opt.usecase)
		json_retire(j, &p->retire);
	hzb_json_obj_end(j);

	json_summary_probes(j, "synchronize", &p->sync, p->bpf_attached && p->probes_on_headline);
	json_counters(j, "counters", p->cnt);
}

/* "bpf": attached or why not, the segments, the synchronize probe, the others. */
static void json_bpf_section(struct hzb_json *j, const struct hzb_point *p)
{
	hzb_json_obj_begin(j, "bpf");
	hzb_json_bool(j, "enabled", hzb_opt.bpf);
	hzb_json_bool(j, "attached", p->bpf_attached);
	if (p->bpf_unavailable)
		hzb_json_str(j, "unavailable", p->bpf_unavailable);
	hzb_json_str(j, "mode", p->nr_segs ? "segments" : "always");
	if (p->nr_segs) {
		/* Where the BPF figures (and the cross-checks) come from. */
		hzb_json_obj_begin(j, "segments");
		hzb_json_str(j, "method", "one segment with every probe attached beside each "
			     "probe-free repetition, same guest, ABBA order");
		hzb_json_u64(j, "count", p->nr_segs);
		hzb_json_dbl(j, "seconds_each", p->seg_s);
		json_summary_probes(j, "synchronize", &p->seg_sync, 1);
		json_counters(j, "counters", p->seg_cnt);
		hzb_json_obj_end(j);
	}
	if (hzb_opt.bpf && !p->bpf_attached)
		hzb_json_str(j, "error", p->bpf_error);
	if (p->bpf_attached)
		json_bpf(j, p, &p->bpf, 1);
	hzb_bpf_point_json(j, p);
	hzb_json_obj_end(j);
}

/* A repetition's (or BPF segment's) synchronize probe figures: "bpf". */
static void json_rep_bpf(struct hzb_json *j, const struct hzb_point *p, const struct hzb_rep *rep)
{
	hzb_json_obj_begin(j, "bpf");
	json_bpf(j, p, &rep->bpf, 0);
	hzb_json_obj_end(j);
}

/* The BPF segment beside a repetition: "bpf_segment". */
static void json_segment(struct hzb_json *j, const struct hzb_point *p, const struct hzb_rep *sg)
{
	hzb_json_obj_begin(j, "bpf_segment");
	hzb_json_bool(j, "ok", !sg->failed);
	if (sg->failed)
		hzb_json_str(j, "failure", sg->why);
	hzb_json_dbl(j, "wall_s", sg->wall_s);
	json_summary_probes(j, "synchronize", &sg->sync, 1);
	json_counters(j, "counters", sg->cnt);
	json_rep_bpf(j, p, sg);
	hzb_json_obj_end(j);
}

/* One repetition, with its BPF figures or its BPF segment's. */
static void json_rep(struct hzb_json *j, const struct hzb_point *p, unsigned int r)
{
	const struct hzb_rep *rep = &p->rep[r];

	hzb_json_obj_begin(j, NULL);
	hzb_json_u64(j, "rep", r);
	hzb_json_bool(j, "ok", !rep->failed);
	if (rep->failed)
		hzb_json_str(j, "failure", rep->why);
	hzb_json_dbl(j, "wall_s", rep->wall_s);
	json_summary(j, "synchronize", &rep->sync);
	hzb_json_obj_begin(j, "readers");
	json_reader(j, &rep->rsum);
	hzb_json_obj_end(j);
	hzb_json_u64(j, "updates", rep->updates);
	if (hzb_opt.retire_async && !hzb_opt.usecase)
		json_retire(j, &rep->retire);
	json_counters(j, "counters", rep->cnt);
	if (p->bpf_attached && p->nr_segs)
		json_segment(j, p, &p->seg[r]);
	else if (p->bpf_attached)
		json_rep_bpf(j, p, rep);
	hzb_json_obj_end(j);
}

/* Each per-repetition metric as median and order-statistic interval. */
static void json_rep_summary(struct hzb_json *j, const struct hzb_point *p)
{
	double med, lo, hi;
	int m;

	hzb_json_obj_begin(j, "summary");
	hzb_json_u64(j, "reps", p->reps);
	hzb_json_str(j, "method", "median of repetitions; [lo, hi] the interval of order "
		     "statistics that covers the median with probability coverage_pct "
		     "(distribution-free: >= 95% from 6 repetitions, the min-max range below, "
		     "e.g. 75% for 3)");
	for (m = 0; m < M_NR; m++) {
		size_t nv = 0;

		rep_median_n(p, m, &med, &lo, &hi, &nv);
		hzb_json_obj_begin(j, rep_metric_names[m]);
		hzb_json_dbl(j, "median", med);
		hzb_json_dbl(j, "lo", lo);
		hzb_json_dbl(j, "hi", hi);
		hzb_json_dbl(j, "coverage_pct", 100 * hzb_median_ci_coverage(nv));
		hzb_json_u64(j, "n", nv);
		hzb_json_obj_end(j);
	}
	hzb_json_obj_end(j);
}

static void json_floors(struct hzb_json *j, const struct hzb_point *p)
{
	char fence[16], clock[16], evict[16];
	size_t k;

	module_params(p, fence, clock, evict);
	hzb_json_obj_begin(j, "floors");
	for (k = 0; p->floors_done && k < hzb_nr_floors; k++) {
		if (hzb_floors[k].err)
			continue;
		/* Each floor says which clock timed it (the batch floor names its own). */
		json_summary_clock(j, hzb_floors[k].name, &hzb_floors[k].s, -1,
				   hzb_floors[k].clock ?: clock);
	}
	hzb_json_obj_end(j);
}

int hzb_write_json(const char *path, const struct hzb_point *p)
{
	char tmp[4096];
	struct hzb_json j;
	unsigned int r;
	FILE *f;

	/* Written aside and renamed: a sweep never sees half a result. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	hzb_json_init(&j, f);
	hzb_json_obj_begin(&j, NULL);
	json_head(&j, p);
	json_config(&j, p);
	if (hzb_opt.usecase)
		json_usecase(&j, p);
	json_sysinfo(&j, p);
	json_info(&j, p);
	json_threads(&j, p);
	json_bpf_section(&j, p);
	hzb_json_arr_begin(&j, "reps");
	for (r = 0; r < p->reps; r++)
		json_rep(&j, p, r);
	hzb_json_arr_end(&j);
	json_rep_summary(&j, p);
	json_floors(&j, p);
	hzb_json_dbl(&j, "wall_s", p->wall_s);
	if (p->failed)
		hzb_json_str(&j, "failure", p->why[0] ? p->why : "unknown");
	hzb_json_bool(&j, "ok", !p->failed);
	hzb_json_obj_end(&j);
	if (fclose(f))
		return -errno;
	return rename(tmp, path) ? -errno : 0;
}

static double floor_p50(enum hzb_cal_op op)
{
	size_t k;

	for (k = 0; k < hzb_nr_floors; k++)
		if (hzb_floors[k].op == op && !hzb_floors[k].err && hzb_floors[k].s.n)
			return hzb_floors[k].s.p50;
	return NAN;
}

int hzb_write_csv(const char *path, const struct hzb_point *p)
{
	double med[M_NR], lo[M_NR], hi[M_NR];
	char point[1024];
	struct stat st;
	int header = stat(path, &st) || st.st_size == 0;
	FILE *f = fopen(path, "a");
	int m;

	if (!f)
		return -errno;
	for (m = 0; m < M_NR; m++)
		rep_median(p, m, &med[m], &lo[m], &hi[m]);
	if (header)
		fprintf(f, "design,variant,tasks,readers,updaters,nest,hold_ns,preempt,batch,"
			"vcpus,duration_s,reps,syncs,sync_avg_ns,sync_min_ns,sync_p50_ns,"
			"sync_p90_ns,sync_p99_ns,sync_max_ns,sync_p50_med_ns,sync_p50_lo_ns,"
			"sync_p50_hi_ns,sync_p99_med_ns,ns_per_acquire,ns_per_acquire_lo,"
			"ns_per_acquire_hi,violations,overflows,migrations,tasks_scanned,"
			"tasks_seen,bpf_syncs,bpf_p50_ns,floor_slot_ns,floor_walk_ns,"
			"floor_sync_rcu_ns,floor_sync_rcu_exp_ns,mode,ok,tasks_skipped,"
			"scan_restarts,cpus_skipped,lock_acquires,lock_contended,lock_wait_ns,"
			"retired,reclaimed,retire_batches,overflow_releases,ctx_switches,"
			"bytes_per_cpu,bytes_per_task,bytes_per_ctx,point\n");
	fprintf(f, "%s,\"%s\",%lu,%d,%d,%u,%" PRIu64 ",%s,%u,%s,%g,%u,%" PRIu64
		",%.1f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.3f,%.3f,%.3f,%" PRIu64
		",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.0f"
		",%.0f,%.3f,%.0f,%.0f,%.0f,%s,%d",
		p->design->name, p->info.variant, hzb_opt.tasks, p->nr_readers, p->nr_updaters,
		hzb_opt.nest, hzb_opt.hold_ns, hzb_preempt_names[hzb_opt.preempt], hzb_opt.batch,
		getenv("HZB_VM_VCPUS") ?: "", hzb_opt.duration_s, p->reps, p->sync.n,
		p->sync.avg, p->sync.min, p->sync.p50, p->sync.p90, p->sync.p99, p->sync.max,
		med[M_SYNC_P50], lo[M_SYNC_P50], hi[M_SYNC_P50], med[M_SYNC_P99],
		med[M_NS_PER_ACQ], lo[M_NS_PER_ACQ], hi[M_NS_PER_ACQ],
		(uint64_t)p->rsum.violations, p->cnt[HZB_CNT_OVERFLOWS],
		p->cnt[HZB_CNT_MIGRATIONS], p->cnt[HZB_CNT_TASKS_SCANNED], p->tasks_seen,
		/* No probe, no figure: nan, never a zero. */
		p->bpf_attached ? (double)hzb_bpf_calls(&p->bpf) : NAN,
		p->bpf_attached ? hzb_hist_percentile(&p->bpf.h, 50) : NAN,
		floor_p50(HZB_CAL_SLOT_LOOP), floor_p50(HZB_CAL_TASK_WALK),
		floor_p50(HZB_CAL_SYNC_RCU), floor_p50(HZB_CAL_SYNC_RCU_EXP),
		getenv("HZB_IN_VM") ? "vm" : "native", !p->failed);
	fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
		",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%u,%u,%u,%s\n",
		p->cnt[HZB_CNT_TASKS_SKIPPED], p->cnt[HZB_CNT_SCAN_RESTARTS],
		p->cnt[HZB_CNT_CPUS_SKIPPED], p->cnt[HZB_CNT_LOCK_ACQUIRES],
		p->cnt[HZB_CNT_LOCK_CONTENDED], p->cnt[HZB_CNT_LOCK_WAIT_NS],
		p->cnt[HZB_CNT_RETIRED], p->cnt[HZB_CNT_RECLAIMED],
		p->cnt[HZB_CNT_RETIRE_BATCHES], p->cnt[HZB_CNT_OVERFLOW_RELEASES],
		(uint64_t)p->rsum.ctx_switches, p->info.bytes_per_cpu, p->info.bytes_per_task,
		p->info.bytes_per_ctx, point_name(p, point, sizeof(point)) ?: "");
	return fclose(f) ? -errno : 0;
}

/* The rcuscale-style block kernel developers paste into a reply. */
void hzb_write_text(FILE *f, const struct hzb_point *p)
{
	const struct hzb_summary *s = &p->sync;
	const char *name = p->design->name;
	const char *vm = getenv("HZB_IN_VM");
	char fence[16], clock[16], evict[16];

	module_params(p, fence, clock, evict);
	fprintf(f, "%s-hzbench: %s\n", name, host_cmdline());
	fprintf(f, "%s-hzbench: variant %s, %lu idle tasks, %d readers, %d updaters%s, %u x %g s, %s\n",
		name, p->info.variant[0] ? p->info.variant : "default", hzb_opt.tasks,
		p->nr_readers, p->nr_updaters,
		hzb_oversubscribed(p) ? " (oversubscribed: more threads than CPUs)" : "",
		p->reps, hzb_opt.duration_s,
		hzb_in_uml() ? "user-mode Linux (native CPU, one CPU)" :
		vm ? hzb_vm_timing() : "native");
	if (p->nr_segs)
		fprintf(f, "%s-hzbench: synchronize and reader figures: probe-free repetitions; BPF "
			"figures: %u interleaved segments of %g s with the probes\n", name,
			p->nr_segs, p->seg_s);
	else if (p->bpf_attached)
		fprintf(f, "%s-hzbench: every figure with the BPF probes attached (--bpf-mode=always)\n",
			name);
	if (hzb_opt.usecase)
		fprintf(f, "%s-hzbench: use case %s, %u objects: %" PRIu64 " reader %s, %" PRIu64
			" deletes (the delete path is timed as synchronize below)%s\n", name,
			hzb_usecase_names[hzb_opt.usecase], hzb_usecase_objects(),
			(uint64_t)p->rsum.sections,
			hzb_opt.usecase == HZB_UC_LAZY_MM ? "switches" : "lookups", p->updates,
			p->uc_not_held ? "; pointer NOT held across switches (readers may not sleep)" : "");
	if (hzb_in_uml())
		fprintf(f, "%s-hzbench: UML kernel %s on %s, up_fence=%s, clock=%s%s\n", name,
			getenv("HZB_UML_KERNEL") ?: "?", getenv("HZB_HOST_CPU") ?: "?", fence,
			clock, hzb_opt.cold ? ", caches evicted before each synchronize" : "");
	fprintf(f, "Synchronize calls: %" PRIu64 "\n", s->n);
	fprintf(f, "Average synchronize duration: %.3f microseconds\n", s->avg / 1e3);
	fprintf(f, "Minimum synchronize duration: %.3f microseconds\n", s->min / 1e3);
	fprintf(f, "50th percentile synchronize duration: %.3f microseconds\n", s->p50 / 1e3);
	fprintf(f, "90th percentile synchronize duration: %.3f microseconds\n", s->p90 / 1e3);
	fprintf(f, "99th percentile synchronize duration: %.3f microseconds\n", s->p99 / 1e3);
	fprintf(f, "99.9th percentile synchronize duration: %.3f microseconds\n", s->p999 / 1e3);
	fprintf(f, "Maximum synchronize duration: %.3f microseconds\n", s->max / 1e3);
	fprintf(f, "Reader acquire+release: %.2f ns/op, %" PRIu64 " acquires, %" PRIu64
		" violations\n", hzb_ns_per_acquire(&p->rsum), (uint64_t)p->rsum.acquires,
		(uint64_t)p->rsum.violations);
	if (p->floors_done && !isnan(floor_p50(HZB_CAL_DESIGN_LOOP)) &&
	    floor_p50(HZB_CAL_SLOT_LOOP) > 0)
		fprintf(f, "Design loop acquire+release: %.2f ns/op, %.2fx the slot-loop floor"
			" (%.2f ns/op, same run)\n", floor_p50(HZB_CAL_DESIGN_LOOP),
			floor_p50(HZB_CAL_DESIGN_LOOP) / floor_p50(HZB_CAL_SLOT_LOOP),
			floor_p50(HZB_CAL_SLOT_LOOP));
	if (p->bpf_attached)
		fprintf(f, "BPF (%s) synchronize calls: %" PRIu64 " (%" PRIu64
			" timed), 50th percentile %.3f microseconds%s\n", p->bpf.mech,
			hzb_bpf_calls(&p->bpf), (uint64_t)p->bpf.h.count,
			hzb_hist_percentile(&p->bpf.h, 50) / 1e3,
			p->nr_segs ? " (BPF segments)" : "");
	if (p->bpf_unavailable)
		fprintf(f, "BPF and perf: unavailable (%s)\n", p->bpf_unavailable);
	if (hzb_opt.retire_async && !hzb_opt.usecase)
		fprintf(f, "Retire async: backlog peak %" PRIu64 " objects (%" PRIu64 " bytes),"
			" reclaim latency (retire to free) p50 %.3f us, p99 %.3f us, max %.3f us,"
			" %" PRIu64 " objects; the updaters waited %" PRIu64 " times\n",
			p->retire.backlog_peak, p->retire.backlog_peak_bytes,
			p->retire.reclaim.p50 / 1e3, p->retire.reclaim.p99 / 1e3,
			(double)p->retire.reclaim_ns_max / 1e3, p->retire.reclaimed,
			p->retire.async_waits);
	hzb_bpf_point_text(f, p);
}
