// SPDX-License-Identifier: GPL-2.0
/*
 * The designs' hooks for the BPF loaders, from the module itself: INFO's
 * hooks string, "role=name ..." (kmod/common/hzb_common.h, HZB_HOOKS).
 * A hook named there that is not in the loaded module (no BTF function,
 * no kallsyms symbol, no tracepoint) is listed by the probe as missing
 * rather than guessed at; an unknown role is ignored.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "hzb_design.h"

#define NAME(role, field)	{ role, offsetof(struct hzb_design_hooks, field) }

static const struct {
	const char *role;
	size_t off;
} names[] = {
	NAME("module", module),
	NAME("phase0", phase_func[0]),
	NAME("phase1", phase_func[1]),
	NAME("len", len_func),
	NAME("done", done_tp),
	NAME("lock", lock_wrap),
	NAME("lock_contended", lock_cont),
	NAME("preempt_ops", ops_sym),
};

/* The variants of scan_phase, lock_contention and holders a role selects. */
static void set_kind(struct hzb_design_hooks *d, const char *role, const char *v)
{
	if (!strcmp(role, "scan") && !strcmp(v, "percpu")) {
		d->phase = HZB_PHASE_PERCPU;
		d->lock = HZB_LOCK_DESIGN_PERCPU;
	} else if (!strcmp(role, "scan") && !strcmp(v, "pertask")) {
		d->phase = HZB_PHASE_PERTASK;
		d->lock = HZB_LOCK_DESIGN_PERTASK;
	} else if (!strcmp(role, "hold")) {
		d->hold = !strcmp(v, "percpu") ? HZB_HOLD_PERCPU :
			  !strcmp(v, "pertask") ? HZB_HOLD_PERTASK :
			  !strcmp(v, "rcu") ? HZB_HOLD_RCU : HZB_HOLD_NONE;
	}
}

static void set_role(struct hzb_design_hooks *d, const char *role, const char *v)
{
	size_t i;

	set_kind(d, role, v);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(role, names[i].role) && *v)
			*(const char **)((char *)d + names[i].off) = v;
}

void hzb_design_hooks(struct hzb_design_hooks *d, const struct hzb_info *info)
{
	size_t n;
	char *tok, *save = NULL, *eq;

	memset(d, 0, sizeof(*d));
	n = (size_t)snprintf(d->buf, sizeof(d->buf), "%.*s", (int)sizeof(info->design),
			     info->design);
	d->design = d->buf;
	if (n + 1 >= sizeof(d->buf))
		return;
	snprintf(d->buf + n + 1, sizeof(d->buf) - n - 1, "%.*s", (int)sizeof(info->hooks),
		 info->hooks);
	for (tok = strtok_r(d->buf + n + 1, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		eq = strchr(tok, '=');
		if (!eq)
			continue;
		*eq = '\0';
		set_role(d, tok, eq + 1);
	}
	/* len=phase1: the list walked is phase 1's first argument. */
	if (d->len_func && !strcmp(d->len_func, "phase1")) {
		d->len_func = NULL;
		d->len_in_p1 = 1;
	}
}
