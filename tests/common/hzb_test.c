// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the C test tools: see hzb_test.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "hzb_dev.h"
#include "hzb_test.h"

const char *hzbt_prefix = "test";
const char *hzbt_dev = "";
int hzbt_failures;

void hzbt_fail(const char *fmt, ...)
{
	va_list ap;

	printf("%s: FAIL %s ", hzbt_prefix, hzbt_dev);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	hzbt_failures++;
}

void hzbt_expect(const char *name, int ret, int want_errno)
{
	int got = ret ? errno : 0;

	if (got == want_errno) {
		printf("%s: ok %s %s\n", hzbt_prefix, hzbt_dev, name);
		return;
	}
	hzbt_fail("%s: got %s, want %s", name, got ? strerror(got) : "success",
		  want_errno ? strerror(want_errno) : "success");
}

int hzbt_open(const char *path)
{
	int fd = open(path, O_RDWR);

	hzbt_dev = path;
	if (fd < 0)
		hzbt_fail("open: %s", strerror(errno));
	return fd;
}

int hzbt_open_or_exit(const char *path)
{
	int fd = hzbt_open(path);

	if (fd < 0)
		exit(1);
	return fd;
}

int hzbt_set_variant(int fd, const char *spec)
{
	return -hzb_set_variant(fd, spec);
}

int hzbt_set_variant_path(const char *path, const char *spec)
{
	int fd = open(path, O_RDWR), ret;

	if (fd < 0)
		return errno;
	ret = hzbt_set_variant(fd, spec);
	close(fd);
	return ret;
}

int hzbt_counters(int fd, uint64_t *val)
{
	struct hzb_counters c;
	int ret = hzb_counters(fd, &c);

	if (!ret)
		memcpy(val, c.val, sizeof(c.val[0]) * HZB_NR_COUNTERS);
	return -ret;
}

const char *hzbt_counter_name(unsigned int i)
{
	return i < HZB_NR_COUNTERS ? hzb_counter_names[i] : "?";
}

int hzbt_hold(int fd, unsigned int nest)
{
	struct hzb_hold h = { .size = sizeof(h), .nest = nest };

	if (ioctl(fd, HZB_IOC_HOLD, &h))
		return -errno;
	return (int)h.acquired;
}

long hzbt_param(const char *module, const char *name)
{
	char path[256], buf[32];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", module, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		v = strtol(buf, NULL, 10);
	fclose(f);
	return v;
}

void *hzbt_unmapped_page(void)
{
	void *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	munmap(p, 4096);
	return p;
}
