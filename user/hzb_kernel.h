/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Facts about the running kernel a result must carry: its flavour
 * (cloud, rt, uml, ...), preemption model, HZ and the list-debugging
 * options, from its config (/proc/config.gz, else /boot/config-RELEASE,
 * which vm/run copies into the guest) and, for the preemption model a
 * PREEMPT_DYNAMIC kernel chose at boot, /sys/kernel/debug/sched/preempt.
 */
#ifndef HZB_KERNEL_H
#define HZB_KERNEL_H

#include "hzb_json.h"

struct hzb_kernel_facts {
	char flavour[16];	/* cloud, rt, uml, other */
	char preempt[16];	/* rt, full, lazy, voluntary, none, unknown */
	char preempt_how[48];	/* where preempt came from */
	int preempt_dynamic;	/* CONFIG_PREEMPT_DYNAMIC: -1 unknown */
	long hz;		/* CONFIG_HZ, 0 unknown */
	int debug_list;		/* CONFIG_DEBUG_LIST: 1, 0, -1 unknown */
	int list_hardened;	/* CONFIG_LIST_HARDENED (v6.6+): 1, 0, -1 unknown */
	char config[128];	/* the config read, "" none */
};

void hzb_kernel_facts(struct hzb_kernel_facts *k);
/* "kernel": { ... } in the current JSON object. */
void hzb_kernel_json(struct hzb_json *j, const struct hzb_kernel_facts *k);
/* One line: "flavour=rt preempt=rt HZ=250 debug_list=y list_hardened=y". */
void hzb_kernel_line(const struct hzb_kernel_facts *k, char *buf, size_t len);

#endif
