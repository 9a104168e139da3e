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

static int copy_back(const char *from, const char *to)
{
	char buf[65536];
	FILE *in, *out;
	size_t n;
	int ret = 0;

	in = fopen(from, "r");
	if (!in)
		return -errno;
	out = fopen(to, "w");
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
	cap = i + 32;		/* the runner's own options and the NULL */
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
	for (i = 0; req->outs && req->outs[i]; i++) {
		snprintf(from, sizeof(from), "%s/%s", tmp, hzb_base_name(req->outs[i]));
		if (access(from, F_OK))
			continue;
		if (copy_back(from, req->outs[i])) {
			fprintf(stderr, "%s: cannot write %s: %s\n", req->who,
				req->outs[i], strerror(errno));
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
