/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command-line helpers shared by hzbench and hzbench torture: usage
 * errors (exit status 2), command lines being built, and the options that
 * choose and shape the guest (their table lines: HZB_VM_OPTDEFS).
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
/*
 * --target=qemu|uml|native (--vm = --target=qemu, --no-vm = --target=native),
 * --vcpus=N, --mem=MB, --vm-cpu=MODEL, --vm-accel=ACCEL, --kernel=FLAVOUR;
 * for --target=uml --up-fence=MODE and --clock=CLOCK (the modules' up_fence
 * and clock parameters).
 */
enum hzb_vm_mode { VM_AUTO, VM_FORCE, VM_NEVER, VM_UML };
struct hzb_vm_opts {
	enum hzb_vm_mode mode;
	int vcpus;
	int mem_mb;
	const char *cpu;	/* qemu -cpu */
	const char *accel;	/* qemu -accel: tcg, kvm (NULL: tcg) */
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

/* The words of --target (and their modes), --up-fence, --clock, --kernel. */
extern const char * const hzb_vm_targets[];
extern const int hzb_vm_target_vals[];
extern const char * const hzb_vm_up_fences[];
extern const char * const hzb_vm_clocks[];
extern const char * const hzb_vm_kernels[];
extern const char * const hzb_vm_accels[];
_Static_assert(sizeof(enum hzb_vm_mode) == sizeof(int), "--target stores an int");

/* Print @a, one word a line (--print-guest-argv). */
void hzb_argv_print(const struct hzb_argv *a);

/* After the options: usage errors for combinations that make no sense. */
void hzb_vm_opts_check(const struct hzb_vm_opts *vm);

#endif
