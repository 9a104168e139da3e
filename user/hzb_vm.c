// SPDX-License-Identifier: GPL-2.0
/* Re-running a command inside the qemu guest; see hzb_vm.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
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
	const struct hzb_design *d = hzb_design_find(design);

	if (getenv("HZB_IN_VM"))
		return 0;
	if (d && hzb_dev_exists(d))
		return 0;
	return !hzb_can_load_modules(why, len);
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

static void push(char **argv, size_t *argc, size_t cap, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (*argc + 1 >= cap)
		abort();
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	argv[(*argc)++] = s;
}

int hzb_vm_run(const struct hzb_vm_req *req)
{
	char tmp[] = "/tmp/hzbench-vm.XXXXXX", from[PATH_MAX];
	size_t argc = 0, cap, i;
	char **argv;
	int status;
	pid_t pid;

	if (access(HZB_VM_INITRAMFS, R_OK)) {
		fprintf(stderr, "%s: no guest image at %s: build it with ninja -C <builddir>\n",
			req->who, HZB_VM_INITRAMFS);
		return 1;
	}
	if (!mkdtemp(tmp)) {
		fprintf(stderr, "%s: mkdtemp: %s\n", req->who, strerror(errno));
		return 1;
	}
	for (i = 0; req->guest_argv[i]; i++)
		;
	cap = i + 48;		/* the runner's own options and the NULL */
	argv = calloc(cap, sizeof(*argv));
	if (!argv)
		return 1;
	push(argv, &argc, cap, "%s", HZB_VM_RUNNER);
	push(argv, &argc, cap, "--kernel");
	push(argv, &argc, cap, "%s", HZB_VM_KERNEL);
	push(argv, &argc, cap, "--initramfs");
	push(argv, &argc, cap, "%s", HZB_VM_INITRAMFS);
	push(argv, &argc, cap, "--vcpus");
	push(argv, &argc, cap, "%d", req->vcpus);
	push(argv, &argc, cap, "--mem");
	push(argv, &argc, cap, "%d", req->mem_mb);
	push(argv, &argc, cap, "--cpu");
	push(argv, &argc, cap, "%s", req->cpu);
	push(argv, &argc, cap, "--out");
	push(argv, &argc, cap, "%s", tmp);
	push(argv, &argc, cap, "--timeout");
	push(argv, &argc, cap, "%ld", req->timeout_s);
	push(argv, &argc, cap, "--env");
	push(argv, &argc, cap, "HZB_HOST_CMDLINE=%s", req->host_cmdline ?: "");
	for (i = 0; forwarded_env[i]; i++) {
		if (!getenv(forwarded_env[i]))
			continue;
		push(argv, &argc, cap, "--env");
		push(argv, &argc, cap, "%s=%s", forwarded_env[i], getenv(forwarded_env[i]));
	}
	push(argv, &argc, cap, "--");
	for (i = 0; req->guest_argv[i]; i++)
		push(argv, &argc, cap, "%s", req->guest_argv[i]);
	argv[argc] = NULL;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		execv(argv[0], argv);
		fprintf(stderr, "%s: exec %s: %s\n", req->who, argv[0], strerror(errno));
		_exit(4);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		fprintf(stderr, "%s: vm runner: %s\n", req->who, strerror(errno));
		status = 4;
	} else {
		status = WIFEXITED(status) ? WEXITSTATUS(status) : 4;
	}
	if (status == 3 && req->json) {
		snprintf(from, sizeof(from), "%s/%s", tmp, hzb_base_name(req->json));
		mark_failed(from, status);
	}
	for (i = 0; req->outs && req->outs[i]; i++) {
		snprintf(from, sizeof(from), "%s/%s", tmp, hzb_base_name(req->outs[i]));
		if (access(from, F_OK))
			continue;
		if (copy_back(from, req->outs[i], 0)) {
			fprintf(stderr, "%s: cannot write %s: %s\n", req->who,
				req->outs[i], strerror(errno));
			status = status ? status : 1;
		}
	}
	if (req->append_csv) {
		snprintf(from, sizeof(from), "%s/%s", tmp, hzb_base_name(req->append_csv));
		if (!access(from, F_OK) && copy_back(from, req->append_csv, 1)) {
			fprintf(stderr, "%s: cannot write %s: %s\n", req->who,
				req->append_csv, strerror(errno));
			status = status ? status : 1;
		}
	}
	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
	snprintf(from, sizeof(from), "rm -rf '%s'", tmp);
	if (system(from))
		fprintf(stderr, "%s: could not remove %s\n", req->who, tmp);
	return status;
}
