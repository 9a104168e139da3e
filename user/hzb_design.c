// SPDX-License-Identifier: GPL-2.0
/*
 * The designs' hooks for the BPF loaders.  The names are the modules' own
 * (kmod/DESIGN/ sources); a hook that is not in the loaded module (no BTF
 * function, no kallsyms symbol, no tracepoint) is listed by the probe as
 * missing rather than guessed at.
 */
#include <string.h>

#include "hzb_design.h"

static const struct hzb_design_hooks designs[] = {
	{
		.design = "percpu", .module = "percpu_hazptr",
		.phase = HZB_PHASE_PERCPU,
		.phase_name = { "per-CPU slots", "overflow lists" },
		.phase_func = { "percpu_hazptr_scan_slots", "percpu_hazptr_scan_list" },
		.len_in_p1 = 1,
		.done_tp = "percpu_hazptr_synchronize_done",
		.lock = HZB_LOCK_DESIGN_PERCPU,
		.lock_wrap = "percpu_hazptr_lock_overflow",
		.lock_cont = "percpu_hazptr_lock_overflow_contended",
		.hold = HZB_HOLD_PERCPU,
		.ops_sym = "percpu_hazptr_preempt_ops",
	},
	{
		.design = "pertask", .module = "pertask_hazptr",
		.phase = HZB_PHASE_PERTASK,
		.phase_name = { "task walk", "waits on held slots" },
		.phase_func = { NULL, "pertask_hazptr_wait_task" },
		.len_func = "pertask_hazptr_scan_task",
		.done_tp = "pertask_hazptr_scan",
		.lock = HZB_LOCK_DESIGN_PERTASK,
		.lock_wrap = "pertask_hazptr_lock",
		.lock_cont = "pertask_hazptr_lock_contended",
		.hold = HZB_HOLD_PERTASK,
		.ops_sym = "pertask_hazptr_preempt_ops",
	},
	{ .design = "rcu", .hold = HZB_HOLD_RCU },
	{ .design = "refcount", .hold = HZB_HOLD_NONE },
	{ .design = "srcu", .hold = HZB_HOLD_NONE },
	{ .design = "tasks-trace", .hold = HZB_HOLD_NONE },
};

const struct hzb_design_hooks *hzb_design_hooks(const struct hzb_info *info)
{
	size_t i;

	for (i = 0; i < sizeof(designs) / sizeof(designs[0]); i++)
		if (!strcmp(designs[i].design, info->design))
			return &designs[i];
	return NULL;
}
