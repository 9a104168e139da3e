// SPDX-License-Identifier: GPL-2.0
/*
 * ABI conformance of one hzbench device: every malformed request gets the
 * documented error, well-formed ones work.  Runs in the guest:
 *	abi_test /dev/hzb_rcu [/dev/...]
 * Prints "abi: ok NAME" / "abi: FAIL NAME ..." lines; exits 1 on failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "hzb_test.h"

/* HZB_IOC_USECASE: bad requests, then a short run of each mode and role. */
static void test_usecase(int fd, uint64_t *samples)
{
	struct hzb_usecase u, good = {
		.size = sizeof(u), .mode = HZB_UC_HASH, .role = HZB_UC_READER,
		.objects = 64, .iterations = 1000,
	};
	uint32_t mode;

	u = good;
	u.mode = 0;
	hzbt_expect("usecase mode 0", ioctl(fd, HZB_IOC_USECASE, &u), EINVAL);
	u.mode = HZB_UC_NR_MODES;
	hzbt_expect("usecase mode too big", ioctl(fd, HZB_IOC_USECASE, &u), EINVAL);
	u = good;
	u.role = 3;
	hzbt_expect("usecase bad role", ioctl(fd, HZB_IOC_USECASE, &u), EINVAL);
	u = good;
	u.objects = 0;
	hzbt_expect("usecase 0 objects", ioctl(fd, HZB_IOC_USECASE, &u), EINVAL);
	u.objects = HZB_UC_MAX_OBJECTS + 1;
	hzbt_expect("usecase too many objects", ioctl(fd, HZB_IOC_USECASE, &u), EINVAL);
	u = good;
	u.iterations = 0;
	hzbt_expect("usecase no end", ioctl(fd, HZB_IOC_USECASE, &u), EINVAL);
	u = good;
	u.reserved[3] = 1;
	hzbt_expect("usecase reserved", ioctl(fd, HZB_IOC_USECASE, &u), EINVAL);
	u = good;
	u.sleep_us = 10;
	hzbt_expect("usecase sleep without lazy-mm", ioctl(fd, HZB_IOC_USECASE, &u), EINVAL);
	u = good;
	u.mode = HZB_UC_LAZY_MM;
	hzbt_expect("usecase lazy-mm without sleep", ioctl(fd, HZB_IOC_USECASE, &u), EINVAL);
	u = good;
	u.samples_cap = 4;
	hzbt_expect("usecase reader samples", ioctl(fd, HZB_IOC_USECASE, &u), EINVAL);
	u = good;
	u.size = sizeof(u) - 8;
	hzbt_expect("usecase short size", ioctl(fd, HZB_IOC_USECASE, &u), EINVAL);

	for (mode = HZB_UC_REFCOUNT; mode < HZB_UC_NR_MODES; mode++) {
		u = good;
		u.mode = mode;
		u.iterations = mode == HZB_UC_LAZY_MM ? 50 : 1000;
		u.sleep_us = mode == HZB_UC_LAZY_MM ? 10 : 0;
		u.ops = 12345;		/* outputs start at zero */
		hzbt_expect("usecase reader", ioctl(fd, HZB_IOC_USECASE, &u), 0);
		if (u.ops != u.iterations || u.acquires != u.iterations || u.violations)
			hzbt_fail("usecase %u reader: ops %llu acquires %llu violations %llu",
				  mode, (unsigned long long)u.ops,
				  (unsigned long long)u.acquires, (unsigned long long)u.violations);
		u = good;
		u.mode = mode;
		u.role = HZB_UC_UPDATER;
		u.iterations = 4;
		u.samples_cap = 4;
		u.samples = (uintptr_t)samples;
		hzbt_expect("usecase updater", ioctl(fd, HZB_IOC_USECASE, &u), 0);
		if (u.ops != 4 || u.samples_n != 4)
			hzbt_fail("usecase %u updater: ops %llu samples %llu", mode,
				  (unsigned long long)u.ops, (unsigned long long)u.samples_n);
	}
}

static void test_device(const char *path)
{
	struct hzb_info info = { .size = sizeof(info) };
	struct hzb_reader r;
	struct hzb_updater u;
	struct hzb_counters c;
	struct hzb_calibrate cal;
	struct hzb_variant v;
	struct hzb_hold h;
	struct hzb_locks l;
	uint64_t samples[4];
	void *unmapped;
	int fd;

	fd = hzbt_open(path);
	if (fd < 0)
		return;
	unmapped = hzbt_unmapped_page();

	hzbt_expect("info", ioctl(fd, HZB_IOC_INFO, &info), 0);
	if (info.abi_version != HZB_ABI_VERSION || info.size != sizeof(info))
		hzbt_fail("info fields: abi %u size %u", info.abi_version, info.size);
	/* The design's hooks for BPF, after the module's name (hzb_common.h). */
	if (!memchr(info.hooks, '\0', sizeof(info.hooks)) ||
	    strncmp(info.hooks, "module=", strlen("module=")))
		hzbt_fail("info hooks: '%.*s'", (int)sizeof(info.hooks), info.hooks);
	info.size = sizeof(info) - 8;
	hzbt_expect("info wrong size", ioctl(fd, HZB_IOC_INFO, &info), EINVAL);
	info.size = 0;
	hzbt_expect("info size 0", ioctl(fd, HZB_IOC_INFO, &info), EINVAL);
	hzbt_expect("info NULL", ioctl(fd, HZB_IOC_INFO, NULL), EFAULT);
	hzbt_expect("info unmapped", ioctl(fd, HZB_IOC_INFO, unmapped), EFAULT);
	hzbt_expect("unknown command", ioctl(fd, _IO(HZB_IOC_MAGIC, 0x7f), 0), ENOTTY);
	hzbt_expect("foreign magic", ioctl(fd, _IOR('T', 0x00, struct hzb_info), &info), ENOTTY);
	hzbt_expect("info size in cmd", ioctl(fd, _IOC(_IOC_READ, HZB_IOC_MAGIC, 0x00, 16), &info),
		    ENOTTY);

	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.nest = 1;
	r.iterations = 1000;
	hzbt_expect("reader", ioctl(fd, HZB_IOC_READER, &r), 0);
	if (r.sections != 1000 || r.acquires + r.null_acquires != 1000 || r.violations)
		hzbt_fail("reader stats: sections %llu acquires %llu violations %llu",
			  (unsigned long long)r.sections, (unsigned long long)r.acquires,
			  (unsigned long long)r.violations);
	r.size = sizeof(r) + 8;
	hzbt_expect("reader wrong size", ioctl(fd, HZB_IOC_READER, &r), EINVAL);
	r.size = sizeof(r);
	r.flags = 1U << 30;
	hzbt_expect("reader unknown flag", ioctl(fd, HZB_IOC_READER, &r), EINVAL);
	r.flags = 0;
	r.nest = 0;
	hzbt_expect("reader nest 0", ioctl(fd, HZB_IOC_READER, &r), EINVAL);
	r.nest = HZB_MAX_NEST + 1;
	hzbt_expect("reader nest too deep", ioctl(fd, HZB_IOC_READER, &r), EINVAL);
	r.nest = 1;
	r.iterations = 0;
	r.duration_ns = 0;
	hzbt_expect("reader no stop condition", ioctl(fd, HZB_IOC_READER, &r), EINVAL);
	r.iterations = 10;
	r.hold_ns = 2000000000U;
	hzbt_expect("reader hold too long", ioctl(fd, HZB_IOC_READER, &r), EINVAL);
	r.hold_ns = 0;
	r.reserved[1] = 1;
	hzbt_expect("reader reserved", ioctl(fd, HZB_IOC_READER, &r), EINVAL);
	r.reserved[1] = 0;
	r.pad = 1;
	hzbt_expect("reader pad", ioctl(fd, HZB_IOC_READER, &r), EINVAL);
	r.pad = 0;
	r.flags = HZB_READ_SLEEP;
	r.sleep_us = 10;
	hzbt_expect("reader sleep", ioctl(fd, HZB_IOC_READER, &r),
		    (info.features & HZB_FEAT_SLEEP_IN_READER) ? 0 : EOPNOTSUPP);
	r.flags = 0;
	hzbt_expect("reader sleep_us without flag", ioctl(fd, HZB_IOC_READER, &r), EINVAL);
	r.sleep_us = 0;

	memset(&u, 0, sizeof(u));
	u.size = sizeof(u);
	u.iterations = 3;
	u.samples = (uintptr_t)samples;
	u.samples_cap = 4;
	hzbt_expect("updater", ioctl(fd, HZB_IOC_UPDATER, &u), 0);
	if (u.updates != 3 || u.samples_n != 3 || !samples[0])
		hzbt_fail("updater stats: updates %llu samples %llu",
			  (unsigned long long)u.updates, (unsigned long long)u.samples_n);
	u.samples = (uintptr_t)unmapped;
	hzbt_expect("updater samples unmapped", ioctl(fd, HZB_IOC_UPDATER, &u), EFAULT);
	u.samples = 0;
	hzbt_expect("updater samples NULL with cap", ioctl(fd, HZB_IOC_UPDATER, &u), EINVAL);
	u.samples_cap = 0;
	u.flags = 1U << 30;
	hzbt_expect("updater flags", ioctl(fd, HZB_IOC_UPDATER, &u), EINVAL);
	u.flags = 0;
	u.batch = HZB_MAX_BATCH + 1;
	hzbt_expect("updater batch too big", ioctl(fd, HZB_IOC_UPDATER, &u), EINVAL);
	u.batch = 2;
	hzbt_expect("updater batch", ioctl(fd, HZB_IOC_UPDATER, &u), 0);
	u.batch = 1;
	u.size = 4;
	hzbt_expect("updater size 4", ioctl(fd, HZB_IOC_UPDATER, &u), EINVAL);

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	hzbt_expect("counters", ioctl(fd, HZB_IOC_COUNTERS, &c), 0);
	if (c.nr != HZB_NR_COUNTERS || c.val[HZB_CNT_SYNCS] < 3)
		hzbt_fail("counters: nr %u syncs %llu", c.nr,
			  (unsigned long long)c.val[HZB_CNT_SYNCS]);
	c.size = 1;
	hzbt_expect("counters wrong size", ioctl(fd, HZB_IOC_COUNTERS, &c), EINVAL);
	hzbt_expect("counters reset arg", ioctl(fd, HZB_IOC_COUNTERS_RESET, 1), EINVAL);

	memset(&cal, 0, sizeof(cal));
	cal.size = sizeof(cal);
	cal.op = HZB_CAL_TASK_WALK;
	cal.loops = 1;
	cal.samples_cap = 2;
	cal.samples = (uintptr_t)samples;
	hzbt_expect("calibrate walk", ioctl(fd, HZB_IOC_CALIBRATE, &cal), 0);
	if (cal.tasks < 2)
		hzbt_fail("calibrate walk saw %llu tasks", (unsigned long long)cal.tasks);
	cal.loops = 2;
	hzbt_expect("calibrate walk loops 2", ioctl(fd, HZB_IOC_CALIBRATE, &cal), 0);
	cal.op = HZB_CAL_TASK_WALK_COLD;
	hzbt_expect("calibrate cold walk loops 2", ioctl(fd, HZB_IOC_CALIBRATE, &cal), EINVAL);
	cal.loops = 1;
	hzbt_expect("calibrate cold walk", ioctl(fd, HZB_IOC_CALIBRATE, &cal), 0);
	cal.op = HZB_CAL_PCPU_SCAN;
	cal.loops = 1000;
	hzbt_expect("calibrate per-CPU scan", ioctl(fd, HZB_IOC_CALIBRATE, &cal), 0);
	cal.op = HZB_CAL_SYNC_RCU;
	cal.loops = 2;
	hzbt_expect("calibrate sync_rcu loops 2", ioctl(fd, HZB_IOC_CALIBRATE, &cal), EINVAL);
	cal.loops = 1;
	cal.op = HZB_CAL_NR_OPS;
	hzbt_expect("calibrate bad op", ioctl(fd, HZB_IOC_CALIBRATE, &cal), EINVAL);
	cal.op = HZB_CAL_SMP_MB;
	cal.samples = (uintptr_t)unmapped;
	hzbt_expect("calibrate samples unmapped", ioctl(fd, HZB_IOC_CALIBRATE, &cal), EFAULT);
	cal.op = HZB_CAL_DESIGN_LOOP;
	cal.loops = 1000;
	cal.samples = (uintptr_t)samples;
	samples[0] = samples[1] = 0;
	hzbt_expect("calibrate design loop", ioctl(fd, HZB_IOC_CALIBRATE, &cal), 0);
	if (!samples[0] || !samples[1])
		hzbt_fail("calibrate design loop returned no time");
	cal.samples = (uintptr_t)unmapped;
	hzbt_expect("calibrate design loop unmapped", ioctl(fd, HZB_IOC_CALIBRATE, &cal), EFAULT);
	cal.loops = 1;

	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	strcpy(v.spec, "no_such_knob=1");
	hzbt_expect("variant unknown knob", ioctl(fd, HZB_IOC_SET_VARIANT, &v), EINVAL);
	strcpy(v.spec, "garbage");
	hzbt_expect("variant no '='", ioctl(fd, HZB_IOC_SET_VARIANT, &v), EINVAL);
	memset(v.spec, 'x', sizeof(v.spec));
	hzbt_expect("variant not terminated", ioctl(fd, HZB_IOC_SET_VARIANT, &v), EINVAL);
	memset(v.spec, 0, sizeof(v.spec));
	v.flags = 1;
	hzbt_expect("variant flags", ioctl(fd, HZB_IOC_SET_VARIANT, &v), EINVAL);
	v.flags = 0;
	hzbt_expect("variant defaults", ioctl(fd, HZB_IOC_SET_VARIANT, &v), 0);

	memset(&h, 0, sizeof(h));
	h.size = sizeof(h);
	h.nest = 2;
	if ((info.features & HZB_FEAT_SLEEP_IN_READER) &&
	    !(info.features & HZB_FEAT_NO_USER_HOLD)) {
		hzbt_expect("hold", ioctl(fd, HZB_IOC_HOLD, &h), 0);
		hzbt_expect("hold twice", ioctl(fd, HZB_IOC_HOLD, &h), EBUSY);
		hzbt_expect("variant while holding", ioctl(fd, HZB_IOC_SET_VARIANT, &v), EBUSY);
		hzbt_expect("unhold", ioctl(fd, HZB_IOC_UNHOLD, 0), 0);
		hzbt_expect("unhold twice", ioctl(fd, HZB_IOC_UNHOLD, 0), EINVAL);
	} else {
		hzbt_expect("hold unsupported", ioctl(fd, HZB_IOC_HOLD, &h), EOPNOTSUPP);
	}
	h.nest = 0;
	hzbt_expect("hold nest 0", ioctl(fd, HZB_IOC_HOLD, &h), EINVAL);

	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	hzbt_expect("locks count", ioctl(fd, HZB_IOC_LOCKS, &l), 0);
	l.cap = 4;
	hzbt_expect("locks NULL buffer", ioctl(fd, HZB_IOC_LOCKS, &l), EINVAL);
	l.addrs = (uintptr_t)samples;
	hzbt_expect("locks", ioctl(fd, HZB_IOC_LOCKS, &l), 0);
	test_usecase(fd, samples);
	close(fd);
}

int main(int argc, char **argv)
{
	int i;

	hzbt_prefix = "abi";
	if (argc < 2) {
		fprintf(stderr, "usage: abi_test /dev/DEVICE...\n");
		return 2;
	}
	for (i = 1; i < argc; i++)
		test_device(argv[i]);
	printf("abi: %s, %d failures\n", hzbt_failures ? "FAIL" : "PASS", hzbt_failures);
	return hzbt_failures ? 1 : 0;
}
