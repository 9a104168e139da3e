/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Re-running a command inside the qemu guest (vm/run), for any hzbench
 * subcommand: build the runner's command line, run it, copy the result
 * files back.  The guest boots the kernel and initramfs this build was
 * configured with (hzb_config.h).
 */
#ifndef HZB_VM_H
#define HZB_VM_H

#include <stddef.h>

#include "hzb_cli.h"
#include "hzb_optab.h"

struct hzb_vm_req {
	const char *who;		/* message prefix, e.g. "hzbench torture" */
	const struct hzb_vm_opts *vm;	/* vCPUs, memory, qemu -cpu */
	long timeout_s;
	const char *host_cmdline;	/* exported as HZB_HOST_CMDLINE */
	char **guest_argv;		/* NULL-terminated, runs in /results */
	/*
	 * Host paths of result files (NULL-terminated, may be NULL): the
	 * guest writes each under its base name, it is copied back here.
	 * A *.json among them gets "ok" false and "vm_exit" when the guest
	 * console showed a kernel problem (status 3).
	 */
	const char * const *outs;
	/* A CSV the guest appends one row to: rows append to the host file. */
	const char *append_csv;
};

/*
 * Run @req's command in the guest; returns its exit status (vm/run's
 * convention: 3 kernel problem on the console, 4 no status, 2 usage).
 */
int hzb_vm_run(const struct hzb_vm_req *req);

/*
 * The guest's command line for hzbench @cmd: "hzbench @cmd" and every
 * option of @t the guest needs (hzb_optab_argv).
 */
void hzb_vm_guest_argv(const struct hzb_optab *t, const char *cmd, struct hzb_argv *a);
/* hzb_vm_run() with @req's guest_argv from hzb_vm_guest_argv(). */
int hzb_vm_run_cmd(struct hzb_vm_req *req, const struct hzb_optab *t, const char *cmd);
/*
 * For the round-trip test: --dump-options (@t's values), or the command
 * line of the guest (--print-guest-argv) or of its runner, vm/run or
 * uml/run after @vm (--print-runner-argv), one word a line; returns 0, or
 * an exit status when there is no runner command line to print.
 */
int hzb_vm_print_mode(const struct hzb_optab *t, int mode, const char *cmd,
		      const struct hzb_vm_opts *vm);

/* Does this host need the guest to reach @device?  @why gets the reason. */
int hzb_vm_needed(const char *design, char *why, size_t len);
/* The same, after --vm (yes) and --no-vm (no). */
int hzb_vm_wanted(const struct hzb_vm_opts *vm, const char *design, char *why,
		  size_t len);

/* "native", "vm" (qemu) or "uml": where this process runs (HZB_IN_VM, HZB_VM_KIND). */
const char *hzb_target_kind(void);
int hzb_in_uml(void);
/* In a qemu guest: what its timing is, by its accelerator (HZB_VM_ACCEL). */
const char *hzb_vm_timing(void);

/* The last path component. */
const char *hzb_base_name(const char *path);

#endif
