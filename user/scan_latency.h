/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Synchronize latency from BPF: loader API and histogram helpers.
 *
 * hzb_bpf_sync_open() puts entry/exit probes on one function (a design's
 * hzb_info.sync_func): fentry/fexit when the function is reachable through
 * BTF, else kprobe/kretprobe.  Any failure comes back as -errno with a
 * sentence in err; nothing is ever silently left unattached.
 */
#ifndef HZB_USER_SCAN_LATENCY_H
#define HZB_USER_SCAN_LATENCY_H

#include <stddef.h>
#include <stdint.h>

#include "../bpf/scan_latency.h"
#include "hzb_stats.h"

enum hzb_bpf_mech {
	HZB_BPF_AUTO,		/* fentry if it attaches, else kprobe */
	HZB_BPF_FENTRY,		/* fentry/fexit or fail */
	HZB_BPF_KPROBE,		/* kprobe/kretprobe or fail */
};

/*
 * Every call is accounted for.  For calls that started after open (or the
 * last reset), once none is in flight:
 *
 *	calls   = entries + enter_misses
 *	entries = h.count + pending + lost_exits + drops
 *
 * enter_misses and exit_misses are runs the kernel skipped because the same
 * program was already running on that CPU: under preempt=full a fentry
 * program can be preempted, and another task entering the function on that
 * CPU then goes unseen (its exit counts as unmatched).  lost_exits are
 * exit_misses plus, with kprobes, returns the kretprobe dropped because more
 * than its maxactive (max(10, 2 * possible CPUs)) calls were in flight; they
 * are noticed at the task's next entry, or when it has exited.  Only
 * h.count calls are timed, and the histogram h holds exactly h.count samples.
 */
struct hzb_lat_stats {
	char mech[8];		/* "fentry" or "kprobe" */
	uint64_t entries;	/* entries recorded */
	uint64_t unmatched;	/* exits without a recorded entry */
	uint64_t drops;		/* entries not recorded: start map full */
	uint64_t enter_misses;	/* entry program runs the kernel skipped */
	uint64_t exit_misses;	/* exit program runs the kernel skipped */
	uint64_t pending;	/* live tasks between entry and exit */
	uint64_t lost_exits;	/* entries whose exit was never seen */
	struct hzb_hist h;	/* calls timed: entry and exit recorded (ns) */
};

struct hzb_bpf_sync;

int hzb_bpf_sync_open(struct hzb_bpf_sync **out, const char *func, char *err, size_t errlen);
int hzb_bpf_sync_open_mech(struct hzb_bpf_sync **out, const char *func, enum hzb_bpf_mech mech,
			   char *err, size_t errlen);
/* "fentry" or "kprobe" */
const char *hzb_bpf_sync_mech(const struct hzb_bpf_sync *s);
/* Why fentry was not used ("" when it was). */
const char *hzb_bpf_sync_fallback(const struct hzb_bpf_sync *s);
/* Totals since open or the last reset, summed over CPUs. */
int hzb_bpf_sync_read(struct hzb_bpf_sync *s, struct hzb_lat_stats *st);
/*
 * Take the probes off the function and put them back (the probe-effect
 * measurement); the totals are kept.  attach returns -errno.
 */
void hzb_bpf_sync_detach(struct hzb_bpf_sync *s);
int hzb_bpf_sync_attach(struct hzb_bpf_sync *s);
/* Zero the totals; call while the function is not running. */
int hzb_bpf_sync_reset(struct hzb_bpf_sync *s);
void hzb_bpf_sync_close(struct hzb_bpf_sync *s);

#endif /* HZB_USER_SCAN_LATENCY_H */
