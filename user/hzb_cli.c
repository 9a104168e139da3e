// SPDX-License-Identifier: GPL-2.0
/* Command-line helpers shared by hzbench and hzbench torture (hzb_cli.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hzb_cli.h"

struct hzb_cli hzb_cli = { .who = "hzbench", .help = "hzbench --help" };

void hzb_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", hzb_cli.who);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, " (see %s)\n", hzb_cli.help);
	va_end(ap);
	exit(2);
}

/* "500ns", "2us", "1.5ms", "3s"; a bare number is in @unit_ns. */
int hzb_parse_time_ns(const char *s, uint64_t unit_ns, uint64_t *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0 || !isfinite(v))
		return -1;
	if (!*end)
		v *= (double)unit_ns;
	else if (!strcmp(end, "ns"))
		;
	else if (!strcmp(end, "us"))
		v *= 1e3;
	else if (!strcmp(end, "ms"))
		v *= 1e6;
	else if (!strcmp(end, "s"))
		v *= 1e9;
	else
		return -1;
	if (v > 1e18)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

unsigned long hzb_parse_ulong(const char *name, const char *s,
			      unsigned long min, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max)
		hzb_usage_error("--%s=%s: expected an integer in [%lu, %lu]", name,
				s, min, max);
	return v;
}

uint64_t hzb_parse_time(const char *name, const char *s, uint64_t unit_ns,
			uint64_t max_ns)
{
	uint64_t ns;

	if (hzb_parse_time_ns(s, unit_ns, &ns) || ns > max_ns)
		hzb_usage_error("--%s=%s: expected a time <= %.9gs, e.g. 500us", name, s,
				max_ns / 1e9);
	return ns;
}

void hzb_argv_add(struct hzb_argv *a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (a->n + 1 >= HZB_ARGV_MAX)
		abort();
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

void hzb_argv_free(struct hzb_argv *a)
{
	while (a->n)
		free(a->v[--a->n]);
	a->v[0] = NULL;
}

int hzb_vm_option(struct hzb_vm_opts *vm, int c, const char *arg)
{
	switch (c) {
	case HZB_OPT_VM:
		vm->mode = VM_FORCE;
		return 1;
	case HZB_OPT_NO_VM:
		vm->mode = VM_NEVER;
		return 1;
	case HZB_OPT_VCPUS:
		vm->vcpus = (int)hzb_parse_ulong("vcpus", arg, 1, 64);
		return 1;
	case HZB_OPT_MEM:
		vm->mem_mb = (int)hzb_parse_ulong("mem", arg, 256, 65536);
		return 1;
	case HZB_OPT_VM_CPU:
		vm->cpu = arg;
		return 1;
	case HZB_OPT_KERNEL:
		if (strcmp(arg, "cloud") && strcmp(arg, "rt"))
			hzb_usage_error("--kernel=%s: expected cloud or rt", arg);
		vm->kernel = arg;
		return 1;
	case HZB_OPT_TARGET:
		if (!strcmp(arg, "qemu") || !strcmp(arg, "vm"))
			vm->mode = VM_FORCE;
		else if (!strcmp(arg, "uml"))
			vm->mode = VM_UML;
		else if (!strcmp(arg, "native"))
			vm->mode = VM_NEVER;
		else
			hzb_usage_error("--target=%s: expected qemu, uml or native", arg);
		return 1;
	case HZB_OPT_UP_FENCE:
		if (strcmp(arg, "lock") && strcmp(arg, "mfence") && strcmp(arg, "off"))
			hzb_usage_error("--up-fence=%s: expected lock, mfence or off", arg);
		vm->up_fence = arg;
		return 1;
	case HZB_OPT_CLOCK:
		if (strcmp(arg, "tsc") && strcmp(arg, "ktime"))
			hzb_usage_error("--clock=%s: expected tsc or ktime", arg);
		vm->clock = arg;
		return 1;
	}
	return 0;
}

void hzb_vm_opts_check(const struct hzb_vm_opts *vm)
{
	if (vm->mode != VM_UML && (vm->up_fence || vm->clock) && !getenv("HZB_IN_VM"))
		hzb_usage_error("--up-fence and --clock go with --target=uml");
}
