/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command-line helpers shared by hzbench and hzbench torture: value
 * parsers that end in a usage error (exit status 2) and the options that
 * choose and shape the qemu guest.
 */
#ifndef HZB_CLI_H
#define HZB_CLI_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

/* A command line being built: v[] stays NULL-terminated. */
#define HZB_ARGV_MAX	128
struct hzb_argv {
	char *v[HZB_ARGV_MAX];
	size_t n;
};

/* Append one printf-formatted word; aborts past HZB_ARGV_MAX - 1 words. */
void hzb_argv_add(struct hzb_argv *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void hzb_argv_free(struct hzb_argv *a);

/* "500ns", "2us", "1.5ms", "3s"; a bare number is in @unit_ns. */
int hzb_parse_time_ns(const char *s, uint64_t unit_ns, uint64_t *out);

/* Who is complaining, and where the user can read more. */
struct hzb_cli {
	const char *who;	/* "hzbench", "hzbench torture" */
	const char *help;	/* "hzbench --help" */
};
extern struct hzb_cli hzb_cli;

void hzb_usage_error(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
/* --NAME=S as a decimal integer in [min, max], else a usage error. */
unsigned long hzb_parse_ulong(const char *name, const char *s,
			      unsigned long min, unsigned long max);
/* --NAME=S as a time (hzb_parse_time_ns) of at most max_ns. */
uint64_t hzb_parse_time(const char *name, const char *s, uint64_t unit_ns,
			uint64_t max_ns);

/*
 * --target=qemu|uml|native (--vm = --target=qemu, --no-vm = --target=native),
 * --vcpus=N, --mem=MB, --vm-cpu=MODEL, --kernel=FLAVOUR; for --target=uml --up-fence=MODE
 * and --clock=CLOCK (the modules' up_fence and clock parameters).
 */
enum hzb_vm_mode { VM_AUTO, VM_FORCE, VM_NEVER, VM_UML };
struct hzb_vm_opts {
	enum hzb_vm_mode mode;
	int vcpus;
	int mem_mb;
	const char *cpu;	/* qemu -cpu */
	/*
	 * The guest kernel's flavour: "cloud" (Debian's 6.12 cloud kernel,
	 * the default) or "rt" (its PREEMPT_RT kernel, with modules built
	 * against the rt headers).  "rt" implies --vm.
	 */
	const char *kernel;
	const char *up_fence;	/* uml: lock, mfence, off (NULL: lock) */
	const char *clock;	/* uml: tsc, ktime (NULL: tsc) */
};
#define HZB_VM_OPTS_DEFAULT { .mode = VM_AUTO, .vcpus = 2, .mem_mb = 4096, .cpu = "max", \
			      .kernel = "cloud" }

enum { HZB_OPT_VM = 1000, HZB_OPT_NO_VM, HZB_OPT_VCPUS, HZB_OPT_MEM, HZB_OPT_VM_CPU,
       HZB_OPT_KERNEL, HZB_OPT_TARGET, HZB_OPT_UP_FENCE, HZB_OPT_CLOCK };
#define HZB_VM_LONG_OPTIONS						\
	{ "vm", no_argument, NULL, HZB_OPT_VM },			\
	{ "no-vm", no_argument, NULL, HZB_OPT_NO_VM },			\
	{ "vcpus", required_argument, NULL, HZB_OPT_VCPUS },		\
	{ "mem", required_argument, NULL, HZB_OPT_MEM },		\
	{ "vm-cpu", required_argument, NULL, HZB_OPT_VM_CPU },		\
	{ "kernel", required_argument, NULL, HZB_OPT_KERNEL },		\
	{ "target", required_argument, NULL, HZB_OPT_TARGET },		\
	{ "up-fence", required_argument, NULL, HZB_OPT_UP_FENCE },	\
	{ "clock", required_argument, NULL, HZB_OPT_CLOCK }

/* The help lines of the target options, for the usage texts. */
#define HZB_TARGET_HELP							\
	"      --target=T         where to run: qemu (TCG guest, several CPUs, BPF),\n" \
	"                         uml (user-mode Linux: native timing on one CPU),\n" \
	"                         native (this kernel); default: native when the\n" \
	"                         modules load here, else qemu\n"		\
	"      --up-fence=MODE    uml: smp_mb() is lock (default: as on SMP x86-64),\n" \
	"                         mfence, or off (the UP kernel's compiler barrier)\n" \
	"      --clock=CLOCK      uml: tsc (default) or ktime (256-512 ns steps there)\n"

/* After the options: usage errors for combinations that make no sense. */
void hzb_vm_opts_check(const struct hzb_vm_opts *vm);

/* Takes getopt's @c when it is one of the VM options: returns 1, else 0. */
int hzb_vm_option(struct hzb_vm_opts *vm, int c, const char *arg);

#endif
