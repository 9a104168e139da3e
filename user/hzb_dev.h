/* SPDX-License-Identifier: GPL-2.0 */
/* The designs hzbench knows, and access to their devices. */
#ifndef HZB_DEV_H
#define HZB_DEV_H

#include <stddef.h>
#include <stdint.h>
#include "../include/uapi/hzbench.h"

struct hzb_design {
	const char *name;	/* --design= */
	const char *device;	/* /dev/<device> */
	const char *module;	/* <module>.ko in the build's kmod dir */
	const char *summary;
	int can_sleep;		/* readers may block while holding */
};

extern const struct hzb_design hzb_designs[];
extern const size_t hzb_nr_designs;

const struct hzb_design *hzb_design_find(const char *name);
/* "percpu, pertask, rcu, refcount" */
const char *hzb_design_list(void);

/*
 * A series: one design in one variant.  --design=NAME[:VARIANT][+...]
 * names several, which one run interleaves rep by rep in one boot.
 */
#define HZB_MAX_SERIES	8

struct hzb_series {
	const struct hzb_design *design;
	char variant[HZB_VARIANT_LEN];
	char id[HZB_NAME_LEN + HZB_VARIANT_LEN];	/* design[.variant slug] */
};

/* File-name-safe rendering of a variant: "a=b,c=d" -> "a-b_c-d". */
void hzb_variant_slug(const char *variant, char *out, size_t len);
/*
 * Parse @spec into at most HZB_MAX_SERIES series; those without ":VARIANT"
 * get @variant.  Returns how many, or -1 with @err set.
 */
int hzb_series_parse(const char *spec, const char *variant, struct hzb_series *s,
		     char *err, size_t errlen);
/* @tmpl with "{series}" replaced by @id (NULL: @tmpl as it is). */
void hzb_series_path(const char *tmpl, const char *id, char *out, size_t len);

/* Open /dev/<device>; -errno on failure. */
int hzb_dev_open(const struct hzb_design *d);
int hzb_dev_exists(const struct hzb_design *d);

/*
 * Can this host load our modules?  Root, module loading enabled, and the
 * running kernel is the one the modules were built for.  @why gets the
 * reason when not.
 */
int hzb_can_load_modules(char *why, size_t len);
/* finit_module() the design's module from the build dir; -errno. */
int hzb_load_module(const struct hzb_design *d, char *why, size_t len);

/*
 * The design module's parameter @name (/sys/module/<module>/parameters/),
 * without the newline; -errno (e.g. -ENOENT: the module has no such
 * parameter).
 */
int hzb_module_param_get(const struct hzb_design *d, const char *name, char *buf, size_t len);
/* The first line of @path without its newline ("" on failure); -errno or -EIO. */
int hzb_read_line(const char *path, char *buf, size_t len);
int hzb_module_param_set(const struct hzb_design *d, const char *name, const char *val);

int hzb_info(int fd, struct hzb_info *info);
int hzb_set_variant(int fd, const char *spec);
int hzb_counters(int fd, struct hzb_counters *c);
/* Every counter into @out[HZB_NR_COUNTERS]; all zero if COUNTERS fails. */
void hzb_counters_read(int fd, uint64_t *out);
int hzb_counters_reset(int fd);
extern const char * const hzb_counter_names[];

#endif
