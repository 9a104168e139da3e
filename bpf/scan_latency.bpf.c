// SPDX-License-Identifier: GPL-2.0
/*
 * scan_latency: latency of a design's synchronize function.
 *
 * Entry and exit probes on the function named by hzb_info.sync_func; the
 * loader retargets the fentry/fexit pair at it before load, or, when the
 * function cannot be reached through BTF, loads the kprobe/kretprobe twins
 * instead.  A synchronize may sleep and migrate, so the start timestamp is
 * kept per task, not per CPU.  Aggregates are per CPU and updated with
 * atomics: a tracing program can be preempted by another task on its CPU.
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "scan_latency.h"
#include "hzb_maps.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HZB_SCAN_MAX_TASKS);
	__type(key, __u64);	/* pid_tgid */
	__type(value, __u64);	/* bpf_ktime_get_ns() at entry */
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hzb_lat_percpu);
} lat SEC(".maps");

static __always_inline struct hzb_lat_percpu *lat_this_cpu(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&lat, &zero);
}

static __always_inline void sync_enter(void)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct hzb_lat_percpu *h = lat_this_cpu();
	__u64 ts = 0, *tsp;
	long ret;

	if (!h)
		return;
	__sync_fetch_and_add(&h->entries, 1);
	ret = bpf_map_update_elem(&start, &id, &ts, BPF_NOEXIST);
	if (ret == -EEXIST) {
		/* This task's previous call never got its exit seen. */
		__sync_fetch_and_add(&h->lost_exits, 1);
		ret = bpf_map_update_elem(&start, &id, &ts, BPF_ANY);
	}
	if (ret) {
		__sync_fetch_and_add(&h->drops, 1);
		return;
	}
	/* Last: the map work above stays out of the timed window. */
	tsp = bpf_map_lookup_elem(&start, &id);
	if (tsp)
		*tsp = bpf_ktime_get_ns();
}

static __always_inline void sync_exit(void)
{
	__u64 now = bpf_ktime_get_ns();
	__u64 id = bpf_get_current_pid_tgid();
	struct hzb_lat_percpu *h;
	__u64 *tsp, delta;

	h = lat_this_cpu();
	if (!h)
		return;
	tsp = bpf_map_lookup_elem(&start, &id);
	if (!tsp) {
		__sync_fetch_and_add(&h->unmatched, 1);
		return;
	}
	delta = now - *tsp;
	bpf_map_delete_elem(&start, &id);

	hzb_hist_record(&h->h, delta);
}

SEC("fentry")
int BPF_PROG(sync_fentry)
{
	sync_enter();
	return 0;
}

SEC("fexit")
int BPF_PROG(sync_fexit)
{
	sync_exit();
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(sync_kprobe)
{
	sync_enter();
	return 0;
}

SEC("kretprobe")
int BPF_KRETPROBE(sync_kretprobe)
{
	sync_exit();
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
