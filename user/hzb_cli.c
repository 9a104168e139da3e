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

/* "vm": an old name of qemu, accepted but not shown */
const char * const hzb_vm_targets[] = { "qemu", "uml", "native", "vm", NULL };
const int hzb_vm_target_vals[] = { VM_FORCE, VM_UML, VM_NEVER, VM_FORCE };
const char * const hzb_vm_up_fences[] = { "lock", "mfence", "off", NULL };
const char * const hzb_vm_clocks[] = { "tsc", "ktime", NULL };
const char * const hzb_vm_kernels[] = { "cloud", "rt", NULL };
const char * const hzb_vm_accels[] = { "tcg", "kvm", NULL };

void hzb_argv_print(const struct hzb_argv *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		printf("%s\n", a->v[i]);
}

void hzb_vm_opts_check(const struct hzb_vm_opts *vm)
{
	if (vm->mode != VM_UML && (vm->up_fence || vm->clock) && !getenv("HZB_IN_VM"))
		hzb_usage_error("--up-fence and --clock go with --target=uml");
	if ((vm->mode == VM_UML || vm->mode == VM_NEVER) && vm->accel && !getenv("HZB_IN_VM"))
		hzb_usage_error("--vm-accel goes with --target=qemu");
}
