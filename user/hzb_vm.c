// SPDX-License-Identifier: GPL-2.0
/* Re-running a command inside the qemu guest; see hzb_vm.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "hzb_config.h"
#include "hzb_dev.h"
#include "hzb_vm.h"

const char *hzb_base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

int hzb_vm_needed(const char *design, char *why, size_t len)
{
	struct hzb_series s[HZB_MAX_SERIES];
	char err[256];
	int n, i;

	if (getenv("HZB_IN_VM"))
		return 0;
	/* Every series' device already here: nothing to load. */
	n = hzb_series_parse(design, NULL, s, err, sizeof(err));
	for (i = 0; i < n && hzb_dev_exists(s[i].design); i++)
		;
	if (n > 0 && i == n)
		return 0;
	return !hzb_can_load_modules(why, len);
}

int hzb_vm_wanted(const struct hzb_vm_opts *vm, const char *design, char *why,
		  size_t len)
{
	/* A guest kernel flavour other than the default needs the guest. */
	if (strcmp(vm->kernel, "cloud") && !getenv("HZB_IN_VM")) {
		if (vm->mode == VM_NEVER)
			hzb_usage_error("--kernel=%s boots a guest; it does not go with --no-vm",
					vm->kernel);
		return 1;
	}
	if (vm->mode == VM_FORCE || vm->mode == VM_UML)
		return 1;
	if (vm->mode == VM_NEVER)
		return 0;
	return hzb_vm_needed(design, why, len);
}

/* The sweep's identity of a point, recorded by the run in the guest. */
static const char * const forwarded_env[] = {
	"HZB_WORKLOAD", "HZB_WORKLOAD_HASH", "HZB_WORKLOAD_POINT", "HZB_SWEEP_CMDLINE", NULL
};

/*
 * Copy @from to @to; with @append, add to @to and drop @from's first line
 * (the CSV header) when @to already has content.
 */
static int copy_back(const char *from, const char *to, int append)
{
	char buf[65536];
	FILE *in, *out;
	size_t n;
	int ret = 0, c;

	in = fopen(from, "r");
	if (!in)
		return -errno;
	out = fopen(to, append ? "a+" : "w");
	if (out && append) {
		fseek(out, 0, SEEK_END);
		if (ftell(out) > 0)
			while ((c = getc(in)) != EOF && c != '\n')
				;
	}
	if (!out) {
		ret = -errno;
		fclose(in);
		return ret;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			ret = -EIO;
	fclose(in);
	if (fclose(out) && !ret)
		ret = -errno;
	return ret;
}

/*
 * The guest's run succeeded but its console showed a kernel problem: the
 * result must not read as ok.  hzbench writes "ok" last in its JSON.
 */
static void mark_failed(const char *path, int status)
{
	char *buf, *ok, *last = NULL;
	FILE *f = fopen(path, "r+");
	long n;

	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 64);
	if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
		for (ok = strstr(buf, "\"ok\": true"); ok; ok = strstr(ok + 1, "\"ok\": true"))
			last = ok;
		if (last) {
			snprintf(last, (size_t)(buf + n + 64 - last),
				 "\"ok\": false,\n  \"vm_exit\": %d,\n  \"vm_exit_reason\": \"kernel problem in the guest console\"\n}\n",
				 status);
			rewind(f);
			fputs(buf, f);
		}
	}
	free(buf);
	fclose(f);
}

const char *hzb_target_kind(void)
{
	const char *kind = getenv("HZB_VM_KIND");

	if (!getenv("HZB_IN_VM"))
		return "native";
	return kind && !strcmp(kind, "uml") ? "uml" : "vm";
}

int hzb_in_uml(void)
{
	return !strcmp(hzb_target_kind(), "uml");
}

const char *hzb_vm_timing(void)
{
	if (!strcmp(getenv("HZB_VM_ACCEL") ?: "tcg", "kvm"))
		return "qemu KVM guest (the host CPU's timing, under a hypervisor's vCPU scheduling)";
	return "qemu TCG guest (emulated timing: compare ratios only)";
}

/*
 * The host's last-level cache in KiB, 0 if unknown: glibc's (CPUID), else
 * the largest of CPU 0's caches in sysfs.
 */
static unsigned long host_llc_kb(void)
{
	unsigned long best = 0, kb;
	char path[128], unit;
	long l3 = sysconf(_SC_LEVEL3_CACHE_SIZE);
	long l2 = sysconf(_SC_LEVEL2_CACHE_SIZE);
	FILE *f;
	int i;

	if (l3 > 0 || l2 > 0)
		return (unsigned long)(l3 > l2 ? l3 : l2) >> 10;

	for (i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
		f = fopen(path, "r");
		if (!f)
			continue;
		unit = 'K';
		if (fscanf(f, "%lu%c", &kb, &unit) >= 1) {
			if (unit == 'M')
				kb <<= 10;
			if (kb > best)
				best = kb;
		}
		fclose(f);
	}
	return best;
}

/*
 * The buffer a cold walk streams (KiB): twice the last-level cache, at
 * most HZB_EVICT_CAP_KB.  The cap is there because guests report the L3
 * of the whole host (this 2-core AMD EPYC guest: 508 MiB, the sum over
 * the host's CCDs) while a core fills only its own CCD's; streaming 1 GiB
 * per eviction took ~100 ms per cold synchronize.  uml/evict-check.sh
 * (results/native-evict) found the cold walk at 10000 tasks still growing
 * from 64 to 128 MiB and flat from 128 MiB to 1 GiB, hence 128 MiB.
 * HZB_EVICT_KB overrides it for a host whose core fills a larger cache.
 */
#define HZB_EVICT_CAP_KB	(128UL << 10)

static unsigned long evict_kb(unsigned long llc_kb)
{
	const char *env = getenv("HZB_EVICT_KB");
	unsigned long kb;
	char *end;

	if (env && *env) {
		errno = 0;
		kb = strtoul(env, &end, 10);
		if (!errno && !*end && kb >= 1024 && kb <= (4UL << 20))
			return kb;
		fprintf(stderr, "hzbench: HZB_EVICT_KB=%s is not 1024..4194304 KiB: ignored\n", env);
	}
	kb = llc_kb ? 2 * llc_kb : HZB_EVICT_CAP_KB;
	return kb < HZB_EVICT_CAP_KB ? kb : HZB_EVICT_CAP_KB;
}

/* The uml/run part of the command line, up to --out. */
static int uml_args(struct hzb_argv *a, const struct hzb_vm_req *req)
{
	unsigned long llc = host_llc_kb();
	char self[PATH_MAX], ko[PATH_MAX];
	size_t i, nko = 0;
	ssize_t n;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		fprintf(stderr, "%s: cannot find my own executable: %s\n", req->who, strerror(errno));
		return -1;
	}
	self[n] = '\0';
	hzb_argv_add(a, "%s", HZB_UML_RUNNER);
	hzb_argv_add(a, "--hzbench");
	hzb_argv_add(a, "%s", self);
	for (i = 0; i < hzb_nr_designs; i++) {
		snprintf(ko, sizeof(ko), "%s/%s", HZB_UML_KMOD_DIR, hzb_designs[i].module);
		/* tasks-trace has no module for UML (no TASKS_TRACE_RCU there) */
		if (access(ko, R_OK))
			continue;
		hzb_argv_add(a, "--kmod");
		hzb_argv_add(a, "%s", ko);
		nko++;
	}
	if (!nko) {
		fprintf(stderr, "%s: no modules for the UML kernel in %s: build them with "
			"meson compile -C <builddir> uml/kmods-uml (builds the UML kernel "
			"first when it is not cached: scripts/build-uml.sh, ~8 min)\n",
			req->who, HZB_UML_KMOD_DIR);
		return -1;
	}
	hzb_argv_add(a, "--param");
	hzb_argv_add(a, "up_fence=%s", req->vm->up_fence ?: "lock");
	hzb_argv_add(a, "--param");
	hzb_argv_add(a, "clock=%s", req->vm->clock ?: "tsc");
	hzb_argv_add(a, "--param");
	hzb_argv_add(a, "evict_kb=%lu", evict_kb(llc));
	hzb_argv_add(a, "--mem");
	hzb_argv_add(a, "%d", req->vm->mem_mb);
	return 0;
}

/* The vm/run part of the command line, up to --out. */
static void qemu_args(struct hzb_argv *a, const struct hzb_vm_req *req, const char *kernel,
		      const char *initramfs)
{
	hzb_argv_add(a, "%s", HZB_VM_RUNNER);
	hzb_argv_add(a, "--kernel");
	hzb_argv_add(a, "%s", kernel);
	hzb_argv_add(a, "--initramfs");
	hzb_argv_add(a, "%s", initramfs);
	hzb_argv_add(a, "--env");
	hzb_argv_add(a, "HZB_VM_KERNEL_FLAVOUR=%s", req->vm->kernel);
	hzb_argv_add(a, "--vcpus");
	hzb_argv_add(a, "%d", req->vm->vcpus);
	hzb_argv_add(a, "--mem");
	hzb_argv_add(a, "%d", req->vm->mem_mb);
	hzb_argv_add(a, "--cpu");
	hzb_argv_add(a, "%s", req->vm->cpu);
	if (req->vm->accel) {
		hzb_argv_add(a, "--accel");
		hzb_argv_add(a, "%s", req->vm->accel);
	}
}

/* Both runners: the results directory, the timeout, the environment, the command. */
static void common_args(struct hzb_argv *a, const struct hzb_vm_req *req, const char *dir)
{
	size_t i;

	hzb_argv_add(a, "--out");
	hzb_argv_add(a, "%s", dir);
	hzb_argv_add(a, "--timeout");
	hzb_argv_add(a, "%ld", req->timeout_s);
	hzb_argv_add(a, "--env");
	hzb_argv_add(a, "HZB_HOST_CMDLINE=%s", req->host_cmdline ?: "");
	for (i = 0; forwarded_env[i]; i++) {
		if (!getenv(forwarded_env[i]))
			continue;
		hzb_argv_add(a, "--env");
		hzb_argv_add(a, "%s=%s", forwarded_env[i], getenv(forwarded_env[i]));
	}
	hzb_argv_add(a, "--");
	for (i = 0; req->guest_argv[i]; i++)
		hzb_argv_add(a, "%s", req->guest_argv[i]);
}

/* Run the runner's command line @a; its exit status (4: it did not run). */
static int spawn(const struct hzb_argv *a, const char *who)
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		execv(a->v[0], a->v);
		fprintf(stderr, "%s: exec %s: %s\n", who, a->v[0], strerror(errno));
		_exit(4);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		fprintf(stderr, "%s: vm runner: %s\n", who, strerror(errno));
		return 4;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 4;
}

/* @host's file from @dir (appended with @append), when the guest wrote it. */
static int fetch(const struct hzb_vm_req *req, const char *dir, const char *host, int append)
{
	char from[PATH_MAX];

	snprintf(from, sizeof(from), "%s/%s", dir, hzb_base_name(host));
	if (access(from, F_OK) || !copy_back(from, host, append))
		return 0;
	fprintf(stderr, "%s: cannot write %s: %s\n", req->who, host, strerror(errno));
	return 1;
}

/* The result files back to the host; @status, or 1 when one could not be written. */
static int fetch_results(const struct hzb_vm_req *req, const char *dir, int status)
{
	char from[PATH_MAX];
	int bad = 0;
	size_t i, n;

	for (i = 0; req->outs && req->outs[i]; i++) {
		n = strlen(req->outs[i]);
		/* A kernel problem on the console: the results say so. */
		if (status == 3 && n > 5 && !strcmp(req->outs[i] + n - 5, ".json")) {
			snprintf(from, sizeof(from), "%s/%s", dir, hzb_base_name(req->outs[i]));
			mark_failed(from, status);
		}
		bad |= fetch(req, dir, req->outs[i], 0);
	}
	if (req->append_csv)
		bad |= fetch(req, dir, req->append_csv, 1);
	return status ? status : bad;
}

/* The runner's command line for @req, results into @dir; 0, else an exit status. */
static int runner_argv(const struct hzb_vm_req *req, const char *dir, struct hzb_argv *a)
{
	const char *kernel = HZB_VM_KERNEL, *initramfs = HZB_VM_INITRAMFS;

	if (!strcmp(req->vm->kernel, "rt")) {
		kernel = HZB_VM_KERNEL_RT;
		initramfs = HZB_VM_INITRAMFS_RT;
		if (!kernel[0]) {
			fprintf(stderr, "%s: --kernel=rt: this build has no PREEMPT_RT guest (%s)\n",
				req->who, HZB_VM_RT_WHY);
			return 2;
		}
	}
	if (req->vm->mode == VM_UML) {
		if (uml_args(a, req))
			return 1;
	} else {
		if (access(initramfs, R_OK)) {
			fprintf(stderr, "%s: no guest image at %s: build it with ninja -C <builddir>\n",
				req->who, initramfs);
			return 1;
		}
		qemu_args(a, req, kernel, initramfs);
	}
	common_args(a, req, dir);
	return 0;
}

int hzb_vm_run(const struct hzb_vm_req *req)
{
	char tmp[] = "/tmp/hzbench-vm.XXXXXX", rm[PATH_MAX];
	struct hzb_argv a = { .n = 0 };
	int status;

	if (!mkdtemp(tmp)) {
		fprintf(stderr, "%s: mkdtemp: %s\n", req->who, strerror(errno));
		return 1;
	}
	status = runner_argv(req, tmp, &a);
	if (!status)
		status = fetch_results(req, tmp, spawn(&a, req->who));
	hzb_argv_free(&a);
	snprintf(rm, sizeof(rm), "rm -rf '%s'", tmp);
	if (system(rm))
		fprintf(stderr, "%s: could not remove %s\n", req->who, tmp);
	return status;
}

void hzb_vm_guest_argv(const struct hzb_optab *t, const char *cmd, struct hzb_argv *a)
{
	hzb_argv_add(a, "hzbench");
	hzb_argv_add(a, "%s", cmd);
	hzb_optab_argv(t, HZB_TO_GUEST, a);
}

int hzb_vm_run_cmd(struct hzb_vm_req *req, const struct hzb_optab *t, const char *cmd)
{
	struct hzb_argv a = { .n = 0 };
	int status;

	hzb_vm_guest_argv(t, cmd, &a);
	req->guest_argv = a.v;
	status = hzb_vm_run(req);
	hzb_argv_free(&a);
	return status;
}

int hzb_vm_print_mode(const struct hzb_optab *t, int mode, const char *cmd,
		      const struct hzb_vm_opts *vm)
{
	struct hzb_argv a = { .n = 0 }, r = { .n = 0 };
	struct hzb_vm_req req = { .who = "hzbench", .vm = vm, .guest_argv = a.v };
	int ret = 0;

	if (mode == HZB_PRINT_OPTIONS) {
		printf("cmd=%s\n", cmd);
		hzb_optab_dump(t, stdout);
		return 0;
	}
	hzb_vm_guest_argv(t, cmd, &a);
	if (mode == HZB_PRINT_RUNNER_ARGV)
		ret = runner_argv(&req, "DIR", &r);
	if (!ret)
		hzb_argv_print(mode == HZB_PRINT_RUNNER_ARGV ? &r : &a);
	hzb_argv_free(&r);
	hzb_argv_free(&a);
	return ret;
}
