/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the C test tools (tests/tools/): report lines, the
 * device, its variant, counters and holds, module parameters.  The ioctl
 * wrappers are user/hzb_dev.c's, the ones hzbench itself uses.
 *
 * Report lines are "PREFIX: ok DEV NAME" and "PREFIX: FAIL DEV ...", with
 * PREFIX hzbt_prefix (the tool's name for its checks: "abi", "fuzz", ...)
 * and DEV the device last opened by hzbt_open().
 */
#ifndef HZB_TEST_H
#define HZB_TEST_H

#include <stdint.h>
#include "../../include/uapi/hzbench.h"

extern const char *hzbt_prefix;
extern const char *hzbt_dev;
extern int hzbt_failures;

/* A failed check: "PREFIX: FAIL DEV " + the message; counts it. */
void hzbt_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A call that must end with @want_errno (0: success), reported either way. */
void hzbt_expect(const char *name, int ret, int want_errno);

/* open(@path, O_RDWR) and make it hzbt_dev; -1 after a FAIL line. */
int hzbt_open(const char *path);
/* The same, but a failure ends the tool (exit 1). */
int hzbt_open_or_exit(const char *path);

/* HZB_IOC_SET_VARIANT @spec; 0 or the errno. */
int hzbt_set_variant(int fd, const char *spec);
/* @path's variant from a file of its own (so this process holds nothing). */
int hzbt_set_variant_path(const char *path, const char *spec);
/* HZB_IOC_COUNTERS into @val[HZB_NR_COUNTERS]; 0 or the errno. */
int hzbt_counters(int fd, uint64_t *val);
/* The name of counter @i ("acquires", ...), hzbench's JSON key. */
const char *hzbt_counter_name(unsigned int i);
/* HZB_IOC_HOLD of @nest hazard pointers; how many acquired, or -errno. */
int hzbt_hold(int fd, unsigned int nest);

/* /sys/module/@module/parameters/@name as a number; -1 when unreadable. */
long hzbt_param(const char *module, const char *name);
/* An address with no mapping behind it (for EFAULT checks). */
void *hzbt_unmapped_page(void);

#endif
