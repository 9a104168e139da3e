// SPDX-License-Identifier: GPL-2.0
/*
 * hzb_fuzz: the ioctl fuzzer, the torture ABI checks and the lifecycle
 * exerciser of hzbench devices.  Runs in the guest:
 *
 *	hzb_fuzz [--calls=N] [--seconds=S] [--seed=S] /dev/DEVICE...
 *					random ioctls
 *	hzb_fuzz --abi /dev/DEVICE...      torture ioctls: documented errors
 *	hzb_fuzz --exercise /dev/DEVICE... a few valid calls of every kind
 *	hzb_fuzz --hold=SECONDS /dev/DEVICE  hold the current object, then exit
 *
 * The fuzzer issues N (default 100000) ioctls per device, or as many as
 * fit in --seconds per device when that comes first: random command
 * numbers (any direction, type, number and size), and the real commands
 * with their structs mutated (sizes, flags, counts, times, reserved words,
 * embedded user pointers) passed through good, read-only, NULL, unmapped,
 * kernel and page-straddling pointers; it also opens and closes files
 * that hold hazard pointers and forks holders that exit while holding.
 * Every call must fail with a defined error or succeed: ENOTTY for any
 * unknown command, EFAULT for an unreadable argument, EINVAL for a wrong
 * size field, else one of EINVAL, EFAULT, EOPNOTSUPP, EBUSY, EINTR, EPERM,
 * ENOMEM.  Runs that would take long are cut short by a 5 ms interval
 * timer (EINTR).  The device must still work afterwards; the guest
 * console (vm/run) must show no kernel problem.
 *
 * Prints "fuzz: ok DEVICE: N calls ..." per device; exits 1 on failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "hzb_test.h"

#define PAGE		4096UL
#define SCRATCH_PAGES	8
#define KERNEL_PTR	0xffff888000000000ULL

static uint64_t rng_state = 88172645463325252ULL;

static uint64_t rnd64(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static uint32_t rnd(uint32_t n)
{
	return n ? (uint32_t)(rnd64() % n) : 0;
}

/* ------------------------------------------------------------------ */
/* Memory the fuzzer points the kernel at                              */
/* ------------------------------------------------------------------ */

static unsigned char *scratch;	/* SCRATCH_PAGES rw, then one PROT_NONE */
static unsigned char *guard;	/* the PROT_NONE page after scratch */
static unsigned char *ro_page;	/* PROT_READ */
static void *unmapped;

static void map_memory(void)
{
	scratch = mmap(NULL, (SCRATCH_PAGES + 1) * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro_page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unmapped = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (scratch == MAP_FAILED || ro_page == MAP_FAILED || unmapped == MAP_FAILED) {
		perror("fuzz: mmap");
		exit(1);
	}
	guard = scratch + SCRATCH_PAGES * PAGE;
	mprotect(guard, PAGE, PROT_NONE);
	munmap(unmapped, PAGE);
}

/* A user pointer for a buffer the kernel writes: mostly good, often not. */
static uint64_t rnd_buffer(void)
{
	switch (rnd(10)) {
	case 0:
		return 0;
	case 1:
		return (uintptr_t)unmapped;
	case 2:
		return KERNEL_PTR + rnd(1 << 20) * 8;
	case 3:
		return (uintptr_t)ro_page;
	case 4:
		/* Near the guard page: a large count runs into it. */
		return (uintptr_t)(guard - 8 * (1 + rnd(64)));
	case 5:
		return (uintptr_t)scratch + 1 + rnd(PAGE);	/* misaligned */
	default:
		return (uintptr_t)scratch;
	}
}

static uint32_t rnd_u32_value(void)
{
	static const uint32_t v[] = {
		0, 1, 2, 3, 7, 9, 10, 16, 31, 32, 33, 64, 255, 256, 257, 4096,
		4097, 65536, 1000000, 1000001, 1000000001, 0x7fffffff,
		0x80000000, 0xfffffffe, 0xffffffff,
	};

	if (rnd(4))
		return v[rnd(sizeof(v) / sizeof(v[0]))];
	/* Random, but never a long valid time: small, or out of range. */
	return rnd(2) ? (uint32_t)rnd64() & 0xfff : (uint32_t)rnd64() | 0x80000000U;
}

static uint64_t rnd_u64_value(void)
{
	static const uint64_t v[] = {
		0, 1, 2, 16, 1000, 1000000, 1000000001, 0xffffffffULL,
		1ULL << 32, 1ULL << 63, UINT64_MAX, KERNEL_PTR,
	};

	switch (rnd(4)) {
	case 0:
		return rnd_buffer();
	case 1:
		return rnd64() | (1ULL << 40);
	default:
		return v[rnd(sizeof(v) / sizeof(v[0]))];
	}
}

/* Mutate @n random aligned words of the struct at @p (@size bytes). */
static void mutate(void *p, size_t size, unsigned int n)
{
	unsigned char *b = p;
	size_t off;
	uint64_t v64;
	uint32_t v32;

	while (n--) {
		switch (rnd(8)) {
		case 0:		/* one random bit anywhere */
			off = rnd((uint32_t)size);
			b[off] ^= (unsigned char)(1U << rnd(8));
			break;
		case 1:
		case 2:
		case 3:
			if (size < 8)
				break;
			off = rnd((uint32_t)(size / 8)) * 8;
			v64 = rnd_u64_value();
			memcpy(b + off, &v64, 8);
			break;
		default:
			off = rnd((uint32_t)(size / 4)) * 4;
			v32 = rnd_u32_value();
			memcpy(b + off, &v32, 4);
			break;
		}
	}
}

/* ------------------------------------------------------------------ */
/* The commands                                                        */
/* ------------------------------------------------------------------ */

enum { K_INFO, K_READER, K_UPDATER, K_COUNTERS, K_RESET, K_CALIBRATE,
       K_VARIANT, K_LOCKS, K_HOLD, K_UNHOLD, K_TREADER, K_TWRITER, K_USECASE,
       K_NR };

struct known {
	unsigned long cmd;
	size_t size;		/* 0: no struct, the argument must be 0 */
	unsigned int weight;
	const char *name;
};

static const struct known known[K_NR] = {
	[K_INFO] = { HZB_IOC_INFO, sizeof(struct hzb_info), 8, "INFO" },
	[K_READER] = { HZB_IOC_READER, sizeof(struct hzb_reader), 10, "READER" },
	[K_UPDATER] = { HZB_IOC_UPDATER, sizeof(struct hzb_updater), 2, "UPDATER" },
	[K_COUNTERS] = { HZB_IOC_COUNTERS, sizeof(struct hzb_counters), 6, "COUNTERS" },
	[K_RESET] = { HZB_IOC_COUNTERS_RESET, 0, 3, "COUNTERS_RESET" },
	[K_CALIBRATE] = { HZB_IOC_CALIBRATE, sizeof(struct hzb_calibrate), 6, "CALIBRATE" },
	[K_VARIANT] = { HZB_IOC_SET_VARIANT, sizeof(struct hzb_variant), 8, "SET_VARIANT" },
	[K_LOCKS] = { HZB_IOC_LOCKS, sizeof(struct hzb_locks), 6, "LOCKS" },
	[K_HOLD] = { HZB_IOC_HOLD, sizeof(struct hzb_hold), 8, "HOLD" },
	[K_UNHOLD] = { HZB_IOC_UNHOLD, 0, 6, "UNHOLD" },
	[K_TREADER] = { HZB_IOC_TORTURE_READER, sizeof(struct hzb_torture_reader), 10,
			"TORTURE_READER" },
	[K_TWRITER] = { HZB_IOC_TORTURE_WRITER, sizeof(struct hzb_torture_writer), 2,
			"TORTURE_WRITER" },
	[K_USECASE] = { HZB_IOC_USECASE, sizeof(struct hzb_usecase), 4, "USECASE" },
};

/* Random command numbers, against the known commands' weights. */
#define RANDOM_WEIGHT	23

static unsigned int total_weight(void)
{
	unsigned int w = RANDOM_WEIGHT;
	int k;

	for (k = 0; k < K_NR; k++)
		w += known[k].weight;
	return w;
}

/* Newer than this libc's uapi headers (6.8, 6.9): fsuuid2, fs_sysfs_path. */
#ifndef FS_IOC_GETFSUUID
#define FS_IOC_GETFSUUID	_IOC(_IOC_READ, 0x15, 0, 17)
#endif
#ifndef FS_IOC_GETFSSYSFSPATH
#define FS_IOC_GETFSSYSFSPATH	_IOC(_IOC_READ, 0x15, 1, 129)
#endif

/*
 * Commands the VFS answers itself for any open file (do_vfs_ioctl()),
 * before a driver sees them: what they return is the file system's, not
 * the module's.  FS_IOC_GETFSUUID succeeds on devtmpfs, which a random
 * command hit once in CI ("unknown command 0x80111500: got success").
 * A random command that is one of these is drawn again.
 */
static const unsigned long vfs_cmds[] = {
	FIOCLEX, FIONCLEX, FIONBIO, FIOASYNC, FIOQSIZE, FIFREEZE, FITHAW,
	FS_IOC_FIEMAP, FIGETBSZ, FICLONE, FICLONERANGE, FIDEDUPERANGE,
	FS_IOC_GETFSUUID, FS_IOC_GETFSSYSFSPATH,
};

static int vfs_cmd(unsigned long cmd)
{
	size_t i;

	for (i = 0; i < sizeof(vfs_cmds) / sizeof(vfs_cmds[0]); i++)
		if (vfs_cmds[i] == cmd)
			return 1;
	return 0;
}

static int known_index(unsigned long cmd)
{
	int i;

	for (i = 0; i < K_NR; i++)
		if (known[i].cmd == cmd)
			return i;
	return -1;
}

static char knobs[HZB_KNOBS_LEN];

/* A variant spec: from the design's knobs, or garbage. */
static void rnd_spec(char *spec, size_t len)
{
	char name[64], vals[192], *v, *save;
	const char *p = knobs;
	unsigned int i, n, skip;
	size_t k;

	switch (rnd(6)) {
	case 0:
		spec[0] = '\0';
		return;
	case 1:
		for (k = 0; k < len - 1; k++)
			spec[k] = (char)(1 + rnd(255));
		spec[len - 1] = '\0';
		return;
	case 2:
		snprintf(spec, len, "%s", rnd(2) ? "=" : ",,,x=,=y,");
		return;
	}
	/* One or two knobs of "k=a|b k2=c|d", maybe with a bad value. */
	spec[0] = '\0';
	n = 1 + rnd(2);
	while (n--) {
		skip = rnd(6);
		p = knobs;
		for (i = 0; i < skip && strchr(p, ' '); i++)
			p = strchr(p, ' ') + 1;
		if (sscanf(p, "%63[^=]=%191s", name, vals) != 2)
			return;
		save = NULL;
		v = strtok_r(vals, "|", &save);
		for (i = rnd(4); i && v; i--)
			v = strtok_r(NULL, "|", &save);
		k = strlen(spec);
		snprintf(spec + k, len - k, "%s%s=%s", k ? "," : "", name,
			 v && rnd(8) ? v : "bogus");
	}
}

/* A struct for command @k that the kernel accepts, with short runs. */
static void template(int k, void *buf)
{
	memset(buf, 0, known[k].size ? known[k].size : 8);
	switch (k) {
	case K_INFO: {
		struct hzb_info *i = buf;

		i->size = sizeof(*i);
		break;
	}
	case K_READER: {
		struct hzb_reader *r = buf;

		r->size = sizeof(*r);
		r->iterations = 1 + rnd(64);
		r->nest = 1 + rnd(HZB_MAX_NEST);
		r->hold_ns = rnd(1000);
		if (!rnd(4)) {
			r->flags = HZB_READ_SLEEP;
			r->sleep_us = 1 + rnd(20);
		} else if (!rnd(4)) {
			r->flags = HZB_READ_YIELD;
		}
		break;
	}
	case K_UPDATER: {
		struct hzb_updater *u = buf;

		u->size = sizeof(*u);
		u->iterations = 1 + rnd(2);
		u->batch = rnd(3);
		u->samples_cap = rnd(4);
		u->samples = u->samples_cap ? rnd_buffer() : 0;
		/* Reclaim by a worker, which a short run may stop at once. */
		if (!rnd(3)) {
			u->flags = HZB_UPD_ASYNC;
			u->reclaim_samples_cap = rnd(4);
			u->reclaim_samples = u->reclaim_samples_cap ? rnd_buffer() : 0;
		}
		break;
	}
	case K_COUNTERS: {
		struct hzb_counters *c = buf;

		c->size = sizeof(*c);
		break;
	}
	case K_CALIBRATE: {
		struct hzb_calibrate *c = buf;

		c->size = sizeof(*c);
		c->op = 1 + rnd(HZB_CAL_NR_OPS - 1);
		/* The cold walk streams evict_kb first: rarely, or minutes. */
		if (c->op == HZB_CAL_TASK_WALK_COLD && rnd(16))
			c->op = HZB_CAL_TASK_WALK;
		c->loops = (c->op == HZB_CAL_SLOT_LOOP || c->op == HZB_CAL_SMP_MB) ?
			   1 + rnd(1000) : 1;
		c->samples_cap = 1 + rnd(3);
		c->samples = rnd_buffer();
		break;
	}
	case K_VARIANT: {
		struct hzb_variant *v = buf;

		v->size = sizeof(*v);
		rnd_spec(v->spec, sizeof(v->spec));
		break;
	}
	case K_LOCKS: {
		struct hzb_locks *l = buf;

		l->size = sizeof(*l);
		l->cap = rnd(3) ? rnd(64) : 0;
		l->addrs = l->cap ? rnd_buffer() : 0;
		break;
	}
	case K_HOLD: {
		struct hzb_hold *h = buf;

		h->size = sizeof(*h);
		h->nest = 1 + rnd(HZB_MAX_NEST);
		break;
	}
	case K_TREADER: {
		struct hzb_torture_reader *r = buf;

		r->size = sizeof(*r);
		r->iterations = 1 + rnd(64);
		r->nest = 1 + rnd(HZB_MAX_NEST);
		r->hold_ns = rnd(1000);
		r->flags = rnd(64) & ~(HZB_TORT_SLEEP | HZB_TORT_DELAY);
		if (!rnd(4)) {
			r->flags |= HZB_TORT_SLEEP;
			r->sleep_us = 1 + rnd(20);
		}
		if (!rnd(4)) {
			r->flags |= HZB_TORT_DELAY;
			r->delay_us = 1 + rnd(20);
		}
		if (r->flags & HZB_TORT_IRQ)
			r->irq_period_us = 10 + rnd(100);
		if (r->flags & HZB_TORT_LINGER)
			r->linger_us = 1 + rnd(50);
		r->seed = (uint32_t)rnd64();
		break;
	}
	case K_TWRITER: {
		struct hzb_torture_writer *w = buf;

		w->size = sizeof(*w);
		w->iterations = 1 + rnd(3);
		w->batch = rnd(4);
		w->interval_us = rnd(10);
		if (rnd(2)) {
			w->flags |= HZB_TORTW_DELAY;
			w->delay_us = 1 + rnd(10);
		}
		w->flags |= rnd(2) ? HZB_TORTW_STOP : 0;
		w->seed = (uint32_t)rnd64();
		break;
	}
	case K_USECASE: {
		struct hzb_usecase *u = buf;

		u->size = sizeof(*u);
		u->mode = 1 + rnd(HZB_UC_NR_MODES - 1);
		u->role = rnd(2) ? HZB_UC_READER : HZB_UC_UPDATER;
		/* A few hot objects, or up to the whole table (pool / 2). */
		u->objects = 1 + rnd(rnd(4) ? 16 : HZB_UC_MAX_OBJECTS);
		u->seed = (uint32_t)rnd64();
		if (u->role == HZB_UC_UPDATER) {
			/* Each delete synchronizes: a few only. */
			u->iterations = 1 + rnd(3);
			u->interval_ns = rnd(2) ? 0 : rnd(10000);
			u->samples_cap = rnd(4);
			u->samples = u->samples_cap ? rnd_buffer() : 0;
		} else if (u->mode == HZB_UC_LAZY_MM) {
			/* Each switch sleeps. */
			u->iterations = 1 + rnd(16);
			u->sleep_us = 1 + rnd(20);
		} else {
			u->iterations = 1 + rnd(64);
			u->hold_ns = rnd(1000);
		}
		break;
	}
	}
}

/* ------------------------------------------------------------------ */
/* The fuzzer                                                          */
/* ------------------------------------------------------------------ */

struct fstate {
	int fd;			/* the main file */
	int hold_fd;		/* files that may hold hazard pointers */
	int holding[2];		/* [0]: fd, [1]: hold_fd */
	uint64_t calls;
	uint64_t errs[256];	/* by errno, 0 = success */
	uint64_t by_cmd[K_NR + 1];
};

static void fail(const char *what, unsigned long cmd, int err, const char *want)
{
	hzbt_fail("%s cmd 0x%lx: got %s (%d), want %s", what, cmd,
		  err ? strerror(err) : "success", err, want);
}

static int allowed(int err)
{
	switch (err) {
	case 0: case EINVAL: case EFAULT: case EOPNOTSUPP: case EBUSY:
	case EINTR: case EPERM: case ENOMEM:
		return 1;
	}
	return 0;
}

/* No updater may run while this process holds: it would wait forever. */
static void unhold_all(struct fstate *s)
{
	/* Either it let go, or it held nothing (a HOLD that failed). */
	if (s->holding[0])
		ioctl(s->fd, HZB_IOC_UNHOLD, 0);
	if (s->holding[1])
		ioctl(s->hold_fd, HZB_IOC_UNHOLD, 0);
	s->holding[0] = 0;
	s->holding[1] = 0;
}

/* A child that holds and exits without letting go: the exit path. */
static void fork_holder(void)
{
	struct hzb_hold h = { .size = sizeof(h), .nest = 1 + rnd(HZB_MAX_NEST) };
	pid_t pid = fork();
	int fd;

	if (pid == 0) {
		fd = open(hzbt_dev, O_RDWR);
		if (fd >= 0)
			ioctl(fd, HZB_IOC_HOLD, &h);
		_exit(0);
	}
	/*
	 * Until it has exited: the 5 ms SIGALRM interrupts waitpid(), and a
	 * child still holding when the fuzzing ends made check_alive()'s
	 * variant reset fail with EBUSY (once in CI).
	 */
	while (pid > 0 && waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static void one_call(struct fstate *s)
{
	unsigned char buf[2048] __attribute__((aligned(8)));
	unsigned int w = rnd(total_weight()), acc = 0;
	int k, fdi, err, ptr_kind, wrong_size = 0;
	unsigned long cmd, arg;
	size_t size = 0;
	uint32_t field;
	int ret;

	for (k = 0; k < K_NR; k++) {
		acc += known[k].weight;
		if (w < acc)
			break;
	}
	if (k == K_NR) {
		/* Anything: our magic or another, any nr, dir and size. */
		do
			cmd = _IOC(rnd(4), rnd(3) ? HZB_IOC_MAGIC : rnd(256),
				   rnd(3) ? rnd(16) : rnd(256), rnd(2) ? rnd(1 << 14) : rnd(1200));
		while (vfs_cmd(cmd));
		/* A hit on a real command is fuzzed as that command. */
		k = known_index(cmd);
		if (k < 0) {
			arg = rnd(2) ? rnd_buffer() : rnd64();
			if (arg >= (uintptr_t)scratch && arg < (uintptr_t)guard)
				template(rnd(K_NR), scratch);
			errno = 0;
			ret = ioctl(s->fd, cmd, arg);
			err = ret ? errno : 0;
			s->calls++;
			s->by_cmd[K_NR]++;
			s->errs[err & 255]++;
			if (err != ENOTTY)
				fail("unknown command", cmd, err, "ENOTTY");
			return;
		}
	}
	cmd = known[k].cmd;
	s->by_cmd[k]++;
	fdi = (k == K_HOLD || k == K_UNHOLD) && rnd(2) ? 1 : 0;
	/* USECASE: its role, an updater's, may be what the mutation left. */
	if (k == K_UPDATER || k == K_TWRITER || k == K_USECASE)
		unhold_all(s);

	if (!known[k].size) {
		/* COUNTERS_RESET, UNHOLD: the argument must be 0. */
		arg = rnd(4) ? 0 : rnd_u64_value();
		errno = 0;
		ret = ioctl(fdi ? s->hold_fd : s->fd, cmd, arg);
		err = ret ? errno : 0;
		s->calls++;
		s->errs[err & 255]++;
		if (arg && err != EINVAL)
			fail(known[k].name, cmd, err, "EINVAL (argument not 0)");
		else if (!allowed(err))
			fail(known[k].name, cmd, err, "a defined error");
		if (k == K_UNHOLD && !err)
			s->holding[fdi] = 0;
		return;
	}

	size = known[k].size;
	template(k, buf);
	if (rnd(8) == 0) {
		/* Random bytes, size field and all. */
		for (size_t i = 0; i < size; i++)
			buf[i] = (unsigned char)rnd64();
	} else {
		mutate(buf, size, rnd(4));
	}
	memcpy(&field, buf, 4);
	wrong_size = field != size;

	ptr_kind = rnd(16);
	switch (ptr_kind) {
	case 0:
		arg = 0;
		break;
	case 1:
		arg = (uintptr_t)unmapped;
		break;
	case 2:
		arg = KERNEL_PTR;
		break;
	case 3:
		/* Read-only: the kernel can read it, not write back. */
		mprotect(ro_page, PAGE, PROT_READ | PROT_WRITE);
		memcpy(ro_page, buf, size);
		mprotect(ro_page, PAGE, PROT_READ);
		arg = (uintptr_t)ro_page;
		break;
	case 4:
		/* Straddles the guard page: the size word is readable. */
		arg = (uintptr_t)(guard - 8 * (1 + rnd((uint32_t)(size / 8 - 1))));
		memcpy((void *)arg, buf, 8);
		break;
	default:
		arg = (uintptr_t)(scratch + PAGE);
		memcpy((void *)arg, buf, size);
		break;
	}
	errno = 0;
	ret = ioctl(fdi ? s->hold_fd : s->fd, cmd, arg);
	err = ret ? errno : 0;
	s->calls++;
	s->errs[err & 255]++;
	/* A HOLD whose results could not be copied out still holds. */
	if (k == K_HOLD)
		s->holding[fdi] = 1;
	if (ptr_kind <= 2) {
		if (err != EFAULT)
			fail(known[k].name, cmd, err, "EFAULT (bad pointer)");
	} else if (ptr_kind == 4) {
		if (err != EFAULT && err != EINVAL)
			fail(known[k].name, cmd, err, "EFAULT or EINVAL (straddling)");
	} else if (wrong_size) {
		if (err != EINVAL)
			fail(known[k].name, cmd, err, "EINVAL (size field)");
	} else if (!allowed(err)) {
		fail(known[k].name, cmd, err, "a defined error");
	}
	if (ptr_kind == 3 && !err && k != K_VARIANT && k != K_RESET)
		fail(known[k].name, cmd, err, "EFAULT (read-only, results not written)");
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void set_timer(int on)
{
	struct itimerval it = { { 0, on ? 5000 : 0 }, { 0, on ? 5000 : 0 } };

	setitimer(ITIMER_REAL, &it, NULL);
}

/* The device must still answer after all that. */
static void check_alive(int fd)
{
	struct hzb_info info = { .size = sizeof(info) };
	struct hzb_torture_reader r = {
		.size = sizeof(r), .iterations = 1000, .nest = 4,
	};
	struct hzb_torture_writer w = { .size = sizeof(w), .iterations = 20 };
	int err = hzbt_set_variant(fd, "");

	if (err)
		hzbt_fail("default variant after fuzzing: %s", strerror(err));
	if (ioctl(fd, HZB_IOC_INFO, &info) || info.abi_version != HZB_ABI_VERSION)
		hzbt_fail("INFO after fuzzing: %s", strerror(errno));
	if (ioctl(fd, HZB_IOC_TORTURE_WRITER, &w) || w.updates != 20)
		hzbt_fail("torture writer after fuzzing: %s, %" PRIu64 " updates",
			  strerror(errno), (uint64_t)w.updates);
	else if (w.leak_checked && (w.pool_free + 1 != w.pool_objects || w.pool_live != 1))
		hzbt_fail("pool after fuzzing: %" PRIu64 " free, %" PRIu64 " live of %u",
			  (uint64_t)w.pool_free, (uint64_t)w.pool_live, w.pool_objects);
	if (ioctl(fd, HZB_IOC_TORTURE_READER, &r) || r.sections != 1000 || r.violations)
		hzbt_fail("torture reader after fuzzing: %s, %" PRIu64 " sections, %" PRIu64
			  " violations", strerror(errno),
			  (uint64_t)r.sections, (uint64_t)r.violations);
}

static void fuzz_device(const char *path, uint64_t calls, unsigned int secs)
{
	struct hzb_info info = { .size = sizeof(info) };
	struct fstate s = { 0 };
	time_t t0 = time(NULL);
	int before = hzbt_failures, i;

	hzbt_prefix = "fuzz";
	s.fd = hzbt_open(path);
	s.hold_fd = hzbt_open(path);
	if (s.fd < 0 || s.hold_fd < 0)
		return;
	if (!ioctl(s.fd, HZB_IOC_INFO, &info))
		memcpy(knobs, info.knobs, sizeof(knobs));
	set_timer(1);
	while (s.calls < calls && hzbt_failures - before < 20 &&
	       (!secs || time(NULL) - t0 < secs)) {
		one_call(&s);
		if (!rnd(200)) {
			/* Close a file that may be holding; open a new one. */
			close(s.hold_fd);
			s.hold_fd = open(path, O_RDWR);
			s.holding[1] = 0;
		}
		if (!rnd(5000))
			fork_holder();
	}
	set_timer(0);
	unhold_all(&s);
	check_alive(s.fd);
	close(s.hold_fd);
	close(s.fd);
	printf("fuzz: %s %s: %" PRIu64 " calls in %ld s%s;", hzbt_failures == before ? "ok" : "FAIL",
	       path, s.calls, (long)(time(NULL) - t0),
	       s.calls < calls && hzbt_failures == before ? " (time budget)" : "");
	for (i = 0; i < 256; i++)
		if (s.errs[i])
			printf(" %s=%" PRIu64, i ? strerrorname_np(i) : "ok", s.errs[i]);
	printf("\n");
}

/* ------------------------------------------------------------------ */
/* Torture ABI conformance                                             */
/* ------------------------------------------------------------------ */

static void abi_device(const char *path)
{
	struct hzb_info info = { .size = sizeof(info) };
	struct hzb_torture_reader r, r0 = {
		.size = sizeof(r), .iterations = 200, .nest = HZB_MAX_NEST,
	};
	struct hzb_torture_writer w, w0 = { .size = sizeof(w), .iterations = 20 };
	int fd, sleep_ok, irq_ok, last_put;
	uint64_t sum;
	int i;

	hzbt_prefix = "abi";
	fd = hzbt_open(path);
	if (fd < 0)
		return;
	if (ioctl(fd, HZB_IOC_INFO, &info)) {
		hzbt_fail("INFO: %s", strerror(errno));
		close(fd);
		return;
	}
	sleep_ok = info.features & HZB_FEAT_SLEEP_IN_READER;
	irq_ok = info.features & HZB_FEAT_IRQ_READER;
	/*
	 * The refcount baseline frees at the last put (whoever drops it), so
	 * its writer frees nothing itself; the pool census below still proves
	 * every object came back.
	 */
	last_put = !strcmp(info.design, "refcount");

	w = w0;
	hzbt_expect("torture writer", ioctl(fd, HZB_IOC_TORTURE_WRITER, &w), 0);
	if (w.updates != 20 || w.syncs != 20 || w.freed != (last_put ? 0 : 20) || !w.leak_checked ||
	    w.pool_free + 1 != w.pool_objects || w.pool_live != 1) {
		hzbt_fail("torture writer stats: updates %" PRIu64 " syncs %" PRIu64
			  " freed %" PRIu64 " checked %u free %" PRIu64 " live %" PRIu64,
			  (uint64_t)w.updates, (uint64_t)w.syncs, (uint64_t)w.freed,
			  w.leak_checked, (uint64_t)w.pool_free, (uint64_t)w.pool_live);
	}
	w = w0;
	w.batch = 8;
	w.iterations = 16;
	hzbt_expect("torture writer batch 8", ioctl(fd, HZB_IOC_TORTURE_WRITER, &w), 0);
	if (w.syncs != 2 || w.freed != (last_put ? 0 : 16)) {
		hzbt_fail("torture writer batch: syncs %" PRIu64 " freed %" PRIu64,
			  (uint64_t)w.syncs, (uint64_t)w.freed);
	}
	w = w0;
	w.size--;
	hzbt_expect("torture writer wrong size", ioctl(fd, HZB_IOC_TORTURE_WRITER, &w), EINVAL);
	w = w0;
	w.flags = 1U << 7;
	hzbt_expect("torture writer unknown flag", ioctl(fd, HZB_IOC_TORTURE_WRITER, &w), EINVAL);
	w = w0;
	w.iterations = 0;
	hzbt_expect("torture writer no stop condition", ioctl(fd, HZB_IOC_TORTURE_WRITER, &w), EINVAL);
	w = w0;
	w.batch = 257;
	hzbt_expect("torture writer batch too big", ioctl(fd, HZB_IOC_TORTURE_WRITER, &w), EINVAL);
	w = w0;
	w.interval_us = 1000001;
	hzbt_expect("torture writer interval too long", ioctl(fd, HZB_IOC_TORTURE_WRITER, &w), EINVAL);
	w = w0;
	w.delay_us = 5;
	hzbt_expect("torture writer delay without flag", ioctl(fd, HZB_IOC_TORTURE_WRITER, &w), EINVAL);
	w.flags = HZB_TORTW_DELAY;
	w.delay_us = 0;
	hzbt_expect("torture writer delay 0", ioctl(fd, HZB_IOC_TORTURE_WRITER, &w), EINVAL);
	w = w0;
	w.reserved[2] = 1;
	hzbt_expect("torture writer reserved", ioctl(fd, HZB_IOC_TORTURE_WRITER, &w), EINVAL);
	hzbt_expect("torture writer unmapped", ioctl(fd, HZB_IOC_TORTURE_WRITER, unmapped), EFAULT);

	r = r0;
	hzbt_expect("torture reader", ioctl(fd, HZB_IOC_TORTURE_READER, &r), 0);
	for (sum = 0, i = 0; i <= HZB_TORTURE_PIPE_LEN; i++)
		sum += r.pipe[i];
	if (r.sections != 200 || !r.acquires || sum != r.acquires || r.violations ||
	    r.pipe[2] || r.reused) {
		hzbt_fail("torture reader stats: sections %" PRIu64 " acquires %" PRIu64
			  " pipe sum %" PRIu64 " violations %" PRIu64,
			  (uint64_t)r.sections, (uint64_t)r.acquires, sum, (uint64_t)r.violations);
	}
	r = r0;
	r.flags = HZB_TORT_PREEMPT | HZB_TORT_DELAY;
	r.delay_us = 10;
	r.hold_ns = 1000;
	hzbt_expect("torture reader preempt+delay", ioctl(fd, HZB_IOC_TORTURE_READER, &r), 0);
	r = r0;
	r.flags = HZB_TORT_SLEEP;
	r.sleep_us = 10;
	hzbt_expect("torture reader sleep", ioctl(fd, HZB_IOC_TORTURE_READER, &r),
	       sleep_ok ? 0 : EOPNOTSUPP);
	r = r0;
	r.flags = HZB_TORT_IRQ;
	r.irq_period_us = 10;
	r.iterations = 20000;
	hzbt_expect("torture reader irq", ioctl(fd, HZB_IOC_TORTURE_READER, &r),
	       irq_ok ? 0 : EOPNOTSUPP);
	if (irq_ok && (!r.irq_sections || r.violations)) {
		hzbt_fail("torture reader irq: %" PRIu64 " irq sections, %" PRIu64 " violations",
			  (uint64_t)r.irq_sections, (uint64_t)r.violations);
	}
	r = r0;
	r.flags = HZB_TORT_IRQ;
	r.irq_period_us = 9;
	hzbt_expect("torture reader irq period 9", ioctl(fd, HZB_IOC_TORTURE_READER, &r), EINVAL);
	r = r0;
	r.irq_period_us = 100;
	hzbt_expect("torture reader irq period without flag", ioctl(fd, HZB_IOC_TORTURE_READER, &r),
	       EINVAL);
	r = r0;
	r.flags = HZB_TORT_LINGER;
	r.linger_us = 20;
	hzbt_expect("torture reader linger", ioctl(fd, HZB_IOC_TORTURE_READER, &r), 0);
	r.linger_us = 0;
	hzbt_expect("torture reader linger 0", ioctl(fd, HZB_IOC_TORTURE_READER, &r), EINVAL);
	r = r0;
	r.linger_us = 20;
	hzbt_expect("torture reader linger without flag", ioctl(fd, HZB_IOC_TORTURE_READER, &r),
	       EINVAL);
	r = r0;
	r.pad = 1;
	hzbt_expect("torture reader pad", ioctl(fd, HZB_IOC_TORTURE_READER, &r), EINVAL);
	r = r0;
	r.size += 8;
	hzbt_expect("torture reader wrong size", ioctl(fd, HZB_IOC_TORTURE_READER, &r), EINVAL);
	r = r0;
	r.flags = 1U << 20;
	hzbt_expect("torture reader unknown flag", ioctl(fd, HZB_IOC_TORTURE_READER, &r), EINVAL);
	r = r0;
	r.nest = 0;
	hzbt_expect("torture reader nest 0", ioctl(fd, HZB_IOC_TORTURE_READER, &r), EINVAL);
	r.nest = HZB_MAX_NEST + 1;
	hzbt_expect("torture reader nest too deep", ioctl(fd, HZB_IOC_TORTURE_READER, &r), EINVAL);
	r = r0;
	r.iterations = 0;
	hzbt_expect("torture reader no stop condition", ioctl(fd, HZB_IOC_TORTURE_READER, &r), EINVAL);
	r = r0;
	r.hold_ns = 1000000001;
	hzbt_expect("torture reader hold too long", ioctl(fd, HZB_IOC_TORTURE_READER, &r), EINVAL);
	r = r0;
	r.flags = HZB_TORT_SLEEP;
	r.sleep_us = 1000001;
	hzbt_expect("torture reader sleep too long", ioctl(fd, HZB_IOC_TORTURE_READER, &r), EINVAL);
	r = r0;
	r.sleep_us = 5;
	hzbt_expect("torture reader sleep without flag", ioctl(fd, HZB_IOC_TORTURE_READER, &r), EINVAL);
	r = r0;
	r.reserved[0] = 1;
	hzbt_expect("torture reader reserved", ioctl(fd, HZB_IOC_TORTURE_READER, &r), EINVAL);
	hzbt_expect("torture reader NULL", ioctl(fd, HZB_IOC_TORTURE_READER, NULL), EFAULT);
	r = r0;
	mprotect(ro_page, PAGE, PROT_READ | PROT_WRITE);
	memcpy(ro_page, &r, sizeof(r));
	mprotect(ro_page, PAGE, PROT_READ);
	hzbt_expect("torture reader read-only", ioctl(fd, HZB_IOC_TORTURE_READER, ro_page), EFAULT);
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Lifecycle exerciser                                                 */
/* ------------------------------------------------------------------ */

/* One of each kind of call, for the insmod/rmmod cycles. */
static void exercise_device(const char *path)
{
	struct hzb_info info = { .size = sizeof(info) };
	struct hzb_reader rd = { .size = sizeof(rd), .iterations = 100, .nest = 2 };
	struct hzb_updater up = { .size = sizeof(up), .iterations = 1 };
	struct hzb_torture_reader tr = { .size = sizeof(tr), .iterations = 100,
					 .nest = HZB_MAX_NEST };
	struct hzb_torture_writer tw = { .size = sizeof(tw), .iterations = 3 };
	uint64_t c[HZB_NR_COUNTERS];
	int fd, ok = 1;

	hzbt_prefix = "exercise";
	fd = hzbt_open(path);
	if (fd < 0)
		return;
	ok &= !ioctl(fd, HZB_IOC_INFO, &info);
	ok &= !ioctl(fd, HZB_IOC_READER, &rd) && !rd.violations;
	ok &= !ioctl(fd, HZB_IOC_UPDATER, &up);
	ok &= !ioctl(fd, HZB_IOC_TORTURE_WRITER, &tw) && tw.updates == 3;
	ok &= !ioctl(fd, HZB_IOC_TORTURE_READER, &tr) && !tr.violations;
	ok &= !hzbt_counters(fd, c);
	if ((info.features & HZB_FEAT_SLEEP_IN_READER) &&
	    !(info.features & HZB_FEAT_NO_USER_HOLD))
		ok &= hzbt_hold(fd, 3) >= 0;	/* close releases it */
	close(fd);
	if (!ok)
		hzbt_fail("%s", strerror(errno));
}

/* Hold the published object for @secs seconds: a writer stall on demand. */
static void hold_device(const char *path, unsigned int secs)
{
	int fd, ret;

	hzbt_prefix = "hold";
	fd = hzbt_open(path);
	if (fd < 0)
		return;
	ret = hzbt_hold(fd, 1);
	if (ret < 0) {
		hzbt_fail("%s", strerror(-ret));
		close(fd);
		return;
	}
	printf("hold: %s held for %u s\n", path, secs);
	sleep(secs);
	close(fd);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	uint64_t calls = 100000, seed = 0;
	unsigned int hold_secs = 0, fuzz_secs = 0;
	int i, mode = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strncmp(argv[i], "--calls=", 8))
			calls = strtoull(argv[i] + 8, NULL, 10);
		else if (!strncmp(argv[i], "--seconds=", 10))
			fuzz_secs = (unsigned int)strtoul(argv[i] + 10, NULL, 10);
		else if (!strncmp(argv[i], "--seed=", 7))
			seed = strtoull(argv[i] + 7, NULL, 10);
		else if (!strcmp(argv[i], "--abi"))
			mode = 1;
		else if (!strcmp(argv[i], "--exercise"))
			mode = 2;
		else if (!strncmp(argv[i], "--hold=", 7)) {
			mode = 3;
			hold_secs = (unsigned int)strtoul(argv[i] + 7, NULL, 10);
		}
		else
			break;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: hzb_fuzz [--calls=N] [--seconds=S] [--seed=S] | --abi | --exercise | --hold=SECONDS /dev/DEVICE...\n");
		return 2;
	}
	if (!seed)
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	rng_state = seed ? seed : 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: long runs end EINTR */
	map_memory();
	if (!mode && fuzz_secs)
		printf("fuzz: seed %" PRIu64 ", %" PRIu64 " calls per device, at most %u s each\n",
		       seed, calls, fuzz_secs);
	else if (!mode)
		printf("fuzz: seed %" PRIu64 ", %" PRIu64 " calls per device\n", seed, calls);
	for (; i < argc; i++) {
		if (mode == 3)
			hold_device(argv[i], hold_secs);
		else if (mode == 1)
			abi_device(argv[i]);
		else if (mode == 2)
			exercise_device(argv[i]);
		else
			fuzz_device(argv[i], calls, fuzz_secs);
	}
	if (mode <= 1)
		printf("%s: %s, %d failures\n", mode ? "abi" : "fuzz",
		       hzbt_failures ? "FAIL" : "PASS", hzbt_failures);
	return hzbt_failures ? 1 : 0;
}
