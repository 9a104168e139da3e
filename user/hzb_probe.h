/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One BPF probe of the registry (user/hzb_bpf.c): its ops, what its loader
 * gets at open, and the helpers every loader shares (links, checks,
 * report lines).  A probe is bpf/NAME.bpf.c, bpf/NAME.h, user/NAME.c (the
 * loader, defining struct hzb_probe_ops hzb_probe_NAME) and its line in
 * bpf_probes of bpf/meson.build, which generates the registry's list.
 */
#ifndef HZB_PROBE_H
#define HZB_PROBE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hzb_bpf.h"
#include "hzb_bpf_util.h"
#include "hzb_design.h"

struct hzb_json;
struct hzb_probe_ops;

#define HZB_PROBE_LINKS		16

/* One probe at run time. */
struct hzb_probe {
	const struct hzb_probe_ops *ops;
	const struct hzb_design_hooks *d;	/* the design's hooks (INFO) */
	struct hzb_probe_info *info;		/* in the report */
	void *rep;				/* ops->rep_size bytes, in the report */
	void *skel;				/* NULL: not loaded */
	struct hzb_link links[HZB_PROBE_LINKS];
	size_t nlinks;
};

/* How a BPF figure is held against the module's (see hzb_bpf_report.c). */
enum hzb_rule { HZB_EXACT, HZB_WITHIN_PCT, HZB_AT_MOST, HZB_AT_LEAST, HZB_BRACKET };

struct hzb_check {
	const char *name;
	const char *mech;
	double bpf, module, lo;
	enum hzb_rule rule;
	double pct;
	double lo_pct;		/* HZB_BRACKET: the lower bound's tolerance */
	const char *note;
	int ok;
	char why[200];		/* set: outside the rule, and what explains it */
};

#define HZB_MAX_CHECKS	24

struct hzb_checks {
	struct hzb_check c[HZB_MAX_CHECKS];
	int n;
};

struct hzb_probe_ops {
	const char *name;	/* --bpf=, HZB_BPF_FORCE_FAIL= and the JSON key */
	size_t rep_size;	/* its figures, kept in the report after close */
	/*
	 * Open and load for p->d, listing the links; set info->state (OK,
	 * FAILED, UNAVAILABLE), or leave it NA when the design has nothing
	 * for this probe.  On OK, p->skel is the loaded skeleton.
	 */
	void (*open)(struct hzb_probe *p, int devfd);
	int (*attach)(struct hzb_probe *p, char *err, size_t errlen);
	void (*detach)(struct hzb_probe *p);
	int (*reset)(struct hzb_probe *p);	/* zero the figures */
	int (*read)(struct hzb_probe *p);	/* maps -> p->rep */
	void (*destroy)(void *skel);
	/* Report members; rep is NULL unless the probe is OK and was read. */
	void (*json)(struct hzb_json *j, const void *rep, double seconds);
	void (*text)(FILE *f, const char *pfx, const void *rep, double seconds);
	void (*checks)(struct hzb_checks *cs, const void *rep, const uint64_t *cnt);
};

/* The generic attach and detach: p->links in table order. */
int hzb_probe_attach(struct hzb_probe *p, char *err, size_t errlen);
void hzb_probe_detach(struct hzb_probe *p);

/* Add a link (NULL prog: nothing). */
void hzb_probe_link(struct hzb_probe *p, struct bpf_program *prog, enum hzb_link_kind kind,
		    const char *target);
/*
 * Entry and exit of @func (when @on): fentry/fexit @en/@ex with @btf, else
 * kprobe/kretprobe @ken/@kex, exit linked first; the others not loaded.
 */
void hzb_probe_func(struct hzb_probe *p, int btf, int on, const char *func,
		    struct bpf_program *en, struct bpf_program *ex, struct bpf_program *ken,
		    struct bpf_program *kex);
/* FAILED: what, strerror(err) and libbpf's first message. */
void hzb_probe_fail(struct hzb_probe_info *pi, const char *what, int err);
/* Append "; noinline FUNC" (or without "; " when first) to pi->missing. */
void hzb_probe_missing(struct hzb_probe_info *pi, const char *func);
/* Attachable by fentry (1), by kprobe only (0), not at all (-1, or NULL)? */
int hzb_func_mech(const char *func);
/*
 * The loaders' retry: try with BTF mechanisms (when @btf), and when that
 * fails, again with kprobes and raw tracepoints, the first error kept as
 * the fallback reason.  Returns the btf used, or -1 (FAILED).
 */
int hzb_probe_try(struct hzb_probe *p, int btf, int devfd,
		  int (*try)(struct hzb_probe *p, int btf, int devfd));

/* A check; returns it so that a BRACKET gets its lower bound. */
struct hzb_check *hzb_check_add(struct hzb_checks *cs, const char *name, const char *mech,
				double bpf, double module, enum hzb_rule rule, double pct,
				const char *note);

/* Report lines: a histogram object {count, total, avg, ...}; a text line. */
void hzb_probe_json_hist(struct hzb_json *j, const char *key, const struct hzb_hist *h,
			 int buckets);
void hzb_probe_text_hist(FILE *f, const char *pfx, const char *what, const struct hzb_hist *h,
			 double unit, const char *uname);

/* The registry, in order (hzb_bpf.c). */
size_t hzb_bpf_nr_probes(void);
const struct hzb_probe_ops *hzb_bpf_probe_ops(size_t i);

#define HZB_NO_SUCH_FUNC	"hzb_no_such_function"

#endif
