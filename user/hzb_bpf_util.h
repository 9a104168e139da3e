/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the loaders of scan_phase, lock_contention and holders share: finding out
 * what the kernel can attach to (BTF of vmlinux and of modules, kallsyms,
 * tracefs), a table of links that can be detached and attached again (for
 * the probe-effect measurement), and summing per-CPU maps.
 */
#ifndef HZB_BPF_UTIL_H
#define HZB_BPF_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "../bpf/hzb_hist.h"

struct bpf_program;
struct bpf_map;
struct bpf_link;

/* Does BTF (vmlinux or a loaded module) have function @name? */
int hzb_btf_has_func(const char *name);
/* ... the tracepoint @name (a btf_trace_<name> typedef, for tp_btf)? */
int hzb_btf_has_tp(const char *name);
/* Is @name a function symbol in /proc/kallsyms (kprobe-able)? */
int hzb_ksym_is_func(const char *name);
/* Address of symbol @name (of module @mod, or any when NULL); 0 if none. */
uint64_t hzb_ksym_addr(const char *name, const char *mod);
/* Does tracefs have event @system:@event? */
int hzb_tracefs_has(const char *system, const char *event);

/*
 * libbpf's messages while loading: kept, not printed (HZB_BPF_VERBOSE=1
 * prints them).  hzb_bpf_msg() is the first warning since the last begin.
 */
void hzb_bpf_msgs_begin(void);
void hzb_bpf_msgs_end(void);
const char *hzb_bpf_msg(void);
void hzb_bpf_msg_clear(void);

enum hzb_link_kind {
	HZB_LINK_AUTO,		/* bpf_program__attach(): fentry, tp_btf, raw_tp, SEC target */
	HZB_LINK_KPROBE,	/* kprobe on target */
	HZB_LINK_KRETPROBE,	/* kretprobe on target */
};

struct hzb_link {
	struct bpf_program *prog;
	enum hzb_link_kind kind;
	const char *target;	/* kprobes; also the name in error messages */
	struct bpf_link *link;
};

/*
 * Attach every entry whose prog is not NULL (exit probes should come
 * first in the table: a call caught in between is then an unmatched exit,
 * not a lost one).  On failure everything is detached again and err says
 * which program and why.
 */
int hzb_links_attach(struct hzb_link *l, size_t n, char *err, size_t errlen);
void hzb_links_detach(struct hzb_link *l, size_t n);

/* Runs the kernel skipped because the program was already running on that CPU. */
uint64_t hzb_prog_misses(const struct bpf_program *prog);

/*
 * Per-CPU arrays: sum keys 0..n-1 of a map of struct hzb_hist (min and
 * max by min and max) or of structs of n_u64 __u64 counters; write zeroes
 * (hists: min = ~0) to reset them.
 */
int hzb_hists_read(struct bpf_map *m, uint32_t n, struct hzb_hist *out);
int hzb_hists_reset(struct bpf_map *m, uint32_t n);
int hzb_u64s_read(struct bpf_map *m, uint32_t key, size_t n_u64, uint64_t *out);
int hzb_array_reset(struct bpf_map *m, uint32_t n);	/* per-CPU or not */
/*
 * The "stats" (one struct of __u64 counters, @st_size bytes) and "hists"
 * (@n struct hzb_hist) maps of HZB_PERCPU_HISTS_AND_STATS (hzb_maps.bpf.h):
 * read both, summed over the CPUs; zero both.
 */
int hzb_stats_hists_read(struct bpf_map *stats, void *st, size_t st_size, struct bpf_map *hists,
			 uint32_t n, struct hzb_hist *h);
int hzb_stats_hists_reset(struct bpf_map *stats, struct bpf_map *hists, uint32_t n);
/* Delete every key of a hash map. */
void hzb_hash_clear(struct bpf_map *m);

#endif
