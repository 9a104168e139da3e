/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Option tables.  An option is one line of a table (name, type, the field
 * it sets by offsetof, its help) and that line drives everything an option
 * takes part in: getopt_long's struct option array and short-option
 * string, the --help text, the command line re-built for the guest (qemu
 * and UML) and for a sweep's points, the keys a workload file may set,
 * and the round-trip test (the hidden --list-options, --dump-options,
 * --print-guest-argv, --print-runner-argv; tests/host/options_roundtrip.sh).
 */
#ifndef HZB_OPTAB_H
#define HZB_OPTAB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hzb_cli.h"

enum hzb_opt_type {
	HZB_T_FLAG,	/* no argument: the int (or enum) field becomes .val */
	HZB_T_STR,	/* const char *; .max: its longest length; .check */
	HZB_T_INT,	/* int in [.min, .max] */
	HZB_T_UINT,	/* unsigned int in [.min, .max] */
	HZB_T_ULONG,	/* unsigned long in [.min, .max] */
	HZB_T_NS,	/* uint64_t ns, from a time in [.min, .max] ns */
	HZB_T_US,	/* unsigned int us, from a time in [.min, .max] ns */
	HZB_T_SEC,	/* double s, from a time in [.min, .max] ns */
	HZB_T_WORD,	/* int (or enum): .vals[i] (else i) for .words[i] */
	HZB_T_WORDSTR,	/* const char *: one of .words */
	HZB_T_FUNC,	/* .parse(field, arg) stores it (aliases only) */
	HZB_T_ACTION,	/* no argument: .action() runs (and exits) */
};

/*
 * Where a line's value goes besides this process.  By default everywhere:
 * an option nobody thought about reaches the guest and the sweep's points.
 */
#define HZB_O_HOST	0x01	/* stays on the host: not on the guest's command line */
#define HZB_O_RUNNER	0x02	/* shapes the guest (vm/run, uml/run): host, but points get it */
#define HZB_O_NOPOINT	0x04	/* not on a sweep point's command line */
#define HZB_O_ALIAS	0x08	/* sets a field another line owns: never re-serialized */
#define HZB_O_PATH	0x10	/* a host path: the guest gets its base name */
#define HZB_O_HIDDEN	0x20	/* not in --help; a test mode, never re-serialized */

/* Whose command line hzb_optab_argv() builds. */
enum hzb_optab_dest { HZB_TO_GUEST, HZB_TO_POINT };

struct hzb_optdef {
	const char *name;		/* --name */
	int short_name;			/* -c, or 0 */
	enum hzb_opt_type type;
	size_t off;			/* offsetof() the field in the table's struct */
	unsigned int flags;		/* HZB_O_* */
	const char *arg;		/* --help: --name=ARG (NULL: no argument) */
	const char *help;		/* --help text, '\n' between its lines */
	const char *section;		/* --help: a heading before this line */
	uint64_t min, max;		/* numbers: the range; times: in ns; STR: max length */
	uint64_t unit;			/* times: ns of a bare number */
	int val;			/* HZB_T_FLAG: the value set */
	const char * const *words;	/* HZB_T_WORD(STR): NULL-terminated */
	const int *vals;		/* HZB_T_WORD: the value of each word (NULL: its index) */
	int shown;			/* words named in --help and errors (0: all) */
	int (*check)(const char *arg);	/* 0 when acceptable (before the type's own checks) */
	int (*parse)(void *field, const char *arg);	/* HZB_T_FUNC: 0 when acceptable */
	const char *expect;		/* .check, .max of a STR, FUNC: the usage error's reason */
	const char *(*expect_list)(void);	/* or: "expected a list of " this */
	void (*after)(void *base);	/* runs once the value is stored */
	void (*action)(void);		/* HZB_T_ACTION */
	int sweep;			/* a workload-file key; the loops nest in this order */
	/* For the round-trip test: a value unlike the default, and what it needs. */
	const char *sample;
	const char *sample_with;
};

struct hzb_optab {
	const struct hzb_optdef *defs;
	size_t n;
	void *base;			/* the struct the fields are in */
	size_t size;			/* its size */
	int help_col;			/* --help: where the help text starts */
	void *defaults;			/* a copy of it taken before parsing */
	unsigned char *seen;		/* [n]: given on the command line */
};

/* Remember the defaults (the struct as it is now): call before parsing. */
void hzb_optab_init(struct hzb_optab *t);

/*
 * getopt_long over @argv (from argv[1]) with @t's lines; a bad option is
 * a usage error (exit 2).  Returns optind.
 */
int hzb_optab_getopt(struct hzb_optab *t, int argc, char **argv);

/*
 * Store @arg into @base as line @d says; 0, or -1 with the reason
 * ("expected ...") in @why.
 */
int hzb_optab_set(const struct hzb_optdef *d, void *base, const char *arg, char *why,
		  size_t len);
/* The same, into a scratch copy: is @arg a value @d accepts? */
int hzb_optab_check(const struct hzb_optab *t, const struct hzb_optdef *d, const char *arg,
		    char *why, size_t len);

const struct hzb_optdef *hzb_optab_find(const struct hzb_optab *t, const char *name);
int hzb_optab_seen(const struct hzb_optab *t, const char *name);
/* Is line @d's field as it was before parsing? */
int hzb_optab_is_default(const struct hzb_optab *t, const struct hzb_optdef *d);
/* Line @d's current value as its option's argument ("" for a flag). */
void hzb_optab_format(const struct hzb_optab *t, const struct hzb_optdef *d, char *buf,
		      size_t len);

/*
 * Append --name=value for every line bound for @dest whose value is not
 * the default (aliases never): what the guest or a sweep's point needs to
 * parse back into the same struct.
 */
void hzb_optab_argv(const struct hzb_optab *t, enum hzb_optab_dest dest, struct hzb_argv *a);

/* The option lines of --help, with their section headings. */
void hzb_optab_help(const struct hzb_optab *t, FILE *f);
/* name=value of every line but the aliases and actions (--dump-options). */
void hzb_optab_dump(const struct hzb_optab *t, FILE *f);
/* name, flags, sample, sample_with: one tab-separated line each (--list-options). */
void hzb_optab_list(const struct hzb_optab *t, FILE *f);

/*
 * The lines of the options that choose and shape the guest, for a struct
 * @type whose struct hzb_vm_opts is @f (hzbench and hzbench torture).
 * .sweep: their place among hzbench's workload-file keys.
 */
#define HZB_VM_OPTDEFS(type, f)								\
	{ "target", 0, HZB_T_WORD, offsetof(type, f.mode), HZB_O_RUNNER, "T",		\
	  "where to run: qemu (TCG guest, several CPUs, BPF),\n"			\
	  "uml (user-mode Linux: native timing on one CPU),\n"				\
	  "native (this kernel); default: native when the\n"				\
	  "modules load here, else qemu", .section = "Where it runs",			\
	  .words = hzb_vm_targets, .vals = hzb_vm_target_vals, .shown = 3,		\
	  .sample = "uml" },								\
	{ "up-fence", 0, HZB_T_WORDSTR, offsetof(type, f.up_fence), HZB_O_RUNNER, "MODE", \
	  "uml: smp_mb() is lock (default: as on SMP x86-64),\n"			\
	  "mfence, or off (the UP kernel's compiler barrier)",				\
	  .words = hzb_vm_up_fences, .sample = "mfence", .sample_with = "--target=uml" }, \
	{ "clock", 0, HZB_T_WORDSTR, offsetof(type, f.clock), HZB_O_RUNNER, "CLOCK",	\
	  "uml: tsc (default) or ktime (256-512 ns steps there)",			\
	  .words = hzb_vm_clocks, .sample = "ktime", .sample_with = "--target=uml" },	\
	{ "vm", 0, HZB_T_FLAG, offsetof(type, f.mode), HZB_O_ALIAS, NULL,		\
	  "= --target=qemu", .val = VM_FORCE },						\
	{ "no-vm", 0, HZB_T_FLAG, offsetof(type, f.mode), HZB_O_ALIAS, NULL,		\
	  "= --target=native", .val = VM_NEVER },					\
	{ "vcpus", 0, HZB_T_INT, offsetof(type, f.vcpus), HZB_O_RUNNER, "N",		\
	  "guest vCPUs (default 2)", .min = 1, .max = 64, .sweep = 2, .sample = "3" },	\
	{ "mem", 0, HZB_T_INT, offsetof(type, f.mem_mb), HZB_O_RUNNER, "MB",		\
	  "guest memory (default 4096)", .min = 256, .max = 65536, .sweep = 16,		\
	  .sample = "1024" },								\
	{ "vm-cpu", 0, HZB_T_STR, offsetof(type, f.cpu), HZB_O_RUNNER, "MODEL",	\
	  "qemu -cpu (default max; max,hypervisor=off\nfor real qspinlocks)",		\
	  .sample = "qemu64" },								\
	{ "vm-accel", 0, HZB_T_WORDSTR, offsetof(type, f.accel), HZB_O_RUNNER, "ACCEL",	\
	  "qemu accelerator: tcg (default: emulated timing)\n"				\
	  "or kvm (needs /dev/kvm: the host CPU's own timing)",				\
	  .words = hzb_vm_accels, .sample = "kvm" },					\
	{ "kernel", 0, HZB_T_WORDSTR, offsetof(type, f.kernel), HZB_O_RUNNER, "FLAVOUR", \
	  "guest kernel: cloud (Debian 6.12 cloud, default) or\n"			\
	  "rt (its PREEMPT_RT kernel); rt implies --vm", .words = hzb_vm_kernels,	\
	  .sample = "rt" }

/* The test modes' lines (tests/host/options_roundtrip.sh), over int @f. */
enum { HZB_PRINT_NONE, HZB_PRINT_OPTIONS, HZB_PRINT_GUEST_ARGV, HZB_PRINT_RUNNER_ARGV };
#define HZB_TEST_OPTDEFS(type, f, list_action)						\
	{ "dump-options", 0, HZB_T_FLAG, offsetof(type, f), HZB_O_HIDDEN, NULL,	\
	  "print every option's value after parsing", .val = HZB_PRINT_OPTIONS },	\
	{ "print-guest-argv", 0, HZB_T_FLAG, offsetof(type, f), HZB_O_HIDDEN, NULL,	\
	  "print the guest's command line, one word a line",				\
	  .val = HZB_PRINT_GUEST_ARGV },						\
	{ "print-runner-argv", 0, HZB_T_FLAG, offsetof(type, f), HZB_O_HIDDEN, NULL,	\
	  "print vm/run's (uml/run's) command line, one word a line",			\
	  .val = HZB_PRINT_RUNNER_ARGV },						\
	{ "list-options", 0, HZB_T_ACTION, 0, HZB_O_HIDDEN, NULL,			\
	  "print the table: name, kind and flags, sample, what it needs",		\
	  .action = list_action }

#endif
