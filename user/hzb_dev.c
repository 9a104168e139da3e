// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "hzb_config.h"
#include "hzb_dev.h"

const struct hzb_design hzb_designs[] = {
	{ "percpu", "hazptr_percpu", "percpu_hazptr.ko",
	  "per-CPU slots + on-stack backup slots on per-CPU overflow lists (Desnoyers)", 1 },
	{ "pertask", "hazptr_pertask", "pertask_hazptr.ko",
	  "per-task slots, synchronize scans every task (Fernandes)", 1 },
	{ "rcu", "hzb_rcu", "hzb_rcu.ko",
	  "baseline: rcu_read_lock + synchronize_rcu (variant sync=expedited)", 0 },
	{ "refcount", "hzb_refcount", "hzb_refcount.ko",
	  "baseline: shared reference count, the last put frees (no waiting)", 1 },
	{ "srcu", "hzb_srcu", "hzb_srcu.ko",
	  "baseline: srcu_read_lock + synchronize_srcu (variant sync=expedited)", 1 },
	{ "tasks-trace", "hzb_tasks_trace", "hzb_tasks_trace.ko",
	  "baseline: rcu_read_lock_trace + synchronize_rcu_tasks_trace", 1 },
};

const size_t hzb_nr_designs = sizeof(hzb_designs) / sizeof(hzb_designs[0]);

const char * const hzb_counter_names[] = {
	[HZB_CNT_ACQUIRES] = "acquires",
	[HZB_CNT_RELEASES] = "releases",
	[HZB_CNT_SYNCS] = "syncs",
	[HZB_CNT_SYNC_WAITS] = "sync_waits",
	[HZB_CNT_OVERFLOWS] = "overflows",
	[HZB_CNT_OVERFLOW_RELEASES] = "overflow_releases",
	[HZB_CNT_MIGRATIONS] = "migrations",
	[HZB_CNT_SCAN_RESTARTS] = "scan_restarts",
	[HZB_CNT_CPUS_SKIPPED] = "cpus_skipped",
	[HZB_CNT_TASKS_SCANNED] = "tasks_scanned",
	[HZB_CNT_TASKS_SKIPPED] = "tasks_skipped",
	[HZB_CNT_RETIRED] = "retired",
	[HZB_CNT_RECLAIMED] = "reclaimed",
	[HZB_CNT_RETIRE_BATCHES] = "retire_batches",
	[HZB_CNT_EXIT_HOLDING] = "exit_holding",
	[HZB_CNT_VIOLATIONS] = "violations",
	[HZB_CNT_LOCK_ACQUIRES] = "lock_acquires",
	[HZB_CNT_LOCK_CONTENDED] = "lock_contended",
	[HZB_CNT_LOCK_WAIT_NS] = "lock_wait_ns",
	[HZB_CNT_POOL_EMPTY] = "pool_empty",
	[HZB_CNT_SYNC_SELF] = "sync_self",
	[HZB_CNT_BLOCKS_VISITED] = "blocks_visited",
	[HZB_CNT_NOTIFIER_HOPS] = "notifier_hops",
	[HZB_CNT_RESTART_BOUND] = "restart_bound",
};

_Static_assert(sizeof(hzb_counter_names) / sizeof(hzb_counter_names[0]) ==
	       HZB_NR_COUNTERS, "a counter has no name");

const struct hzb_design *hzb_design_find(const char *name)
{
	size_t i;

	for (i = 0; i < hzb_nr_designs; i++)
		if (!strcmp(hzb_designs[i].name, name))
			return &hzb_designs[i];
	return NULL;
}

const char *hzb_design_list(void)
{
	static char buf[256];
	size_t i, n = 0;

	if (buf[0])
		return buf;
	for (i = 0; i < hzb_nr_designs; i++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? ", " : "",
			      hzb_designs[i].name);
	return buf;
}

void hzb_variant_slug(const char *variant, char *out, size_t len)
{
	size_t i, n = 0;

	for (i = 0; variant[i] && n + 1 < len; i++)
		out[n++] = variant[i] == '=' ? '-' : variant[i] == ',' ? '_' : variant[i];
	out[n] = '\0';
}

static int series_one(char *tok, const char *variant, struct hzb_series *s, char *err,
		      size_t errlen)
{
	char *colon = strchr(tok, ':'), slug[HZB_VARIANT_LEN];
	const char *v = variant ? variant : "";

	if (colon) {
		*colon = '\0';
		v = colon + 1;
	}
	s->design = hzb_design_find(tok);
	if (!s->design) {
		snprintf(err, errlen, "unknown design '%s': valid designs are %s", tok,
			 hzb_design_list());
		return -1;
	}
	if (strlen(v) >= sizeof(s->variant)) {
		snprintf(err, errlen, "%s: the variant is too long", tok);
		return -1;
	}
	strcpy(s->variant, v);
	hzb_variant_slug(v, slug, sizeof(slug));
	snprintf(s->id, sizeof(s->id), "%s%s%s", tok, slug[0] ? "." : "", slug);
	return 0;
}

int hzb_series_parse(const char *spec, const char *variant, struct hzb_series *s,
		     char *err, size_t errlen)
{
	char buf[HZB_MAX_SERIES * (HZB_NAME_LEN + HZB_VARIANT_LEN)], *tok, *save;
	int n = 0, i;

	if (strlen(spec) >= sizeof(buf)) {
		snprintf(err, errlen, "--design: too long");
		return -1;
	}
	strcpy(buf, spec);
	for (tok = strtok_r(buf, "+", &save); tok; tok = strtok_r(NULL, "+", &save)) {
		if (n == HZB_MAX_SERIES) {
			snprintf(err, errlen, "--design: more than %d series", HZB_MAX_SERIES);
			return -1;
		}
		if (series_one(tok, variant, &s[n], err, errlen))
			return -1;
		for (i = 0; i < n; i++) {
			if (!strcmp(s[i].id, s[n].id)) {
				snprintf(err, errlen, "--design: %s given twice", s[n].id);
				return -1;
			}
		}
		n++;
	}
	if (!n)
		snprintf(err, errlen, "--design: no design given");
	return n ? n : -1;
}

void hzb_series_path(const char *tmpl, const char *id, char *out, size_t len)
{
	const char *at = id ? strstr(tmpl, "{series}") : NULL;

	if (!at)
		snprintf(out, len, "%s", tmpl);
	else
		snprintf(out, len, "%.*s%s%s", (int)(at - tmpl), tmpl, id,
			 at + strlen("{series}"));
}

static void param_path(const struct hzb_design *d, const char *name, char *buf, size_t len)
{
	int n = (int)(strchr(d->module, '.') ? strchr(d->module, '.') - d->module :
		      (long)strlen(d->module));

	snprintf(buf, len, "/sys/module/%.*s/parameters/%s", n, d->module, name);
}

int hzb_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int ret = 0;

	buf[0] = '\0';
	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f)) {
		buf[0] = '\0';
		ret = -EIO;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return ret;
}

int hzb_module_param_get(const struct hzb_design *d, const char *name, char *buf, size_t len)
{
	char path[256];

	param_path(d, name, path, sizeof(path));
	return hzb_read_line(path, buf, len);
}

int hzb_module_param_set(const struct hzb_design *d, const char *name, const char *val)
{
	char path[256];
	FILE *f;
	int ret = 0;

	param_path(d, name, path, sizeof(path));
	f = fopen(path, "w");
	if (!f)
		return -errno;
	if (fputs(val, f) < 0)
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

static void dev_path(const struct hzb_design *d, char *buf, size_t len)
{
	snprintf(buf, len, "/dev/%s", d->device);
}

int hzb_dev_exists(const struct hzb_design *d)
{
	char path[64];

	dev_path(d, path, sizeof(path));
	return access(path, F_OK) == 0;
}

int hzb_dev_open(const struct hzb_design *d)
{
	char path[64];
	int fd;

	dev_path(d, path, sizeof(path));
	fd = open(path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int read_int_file(const char *path, int *val)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -errno;
	ok = fscanf(f, "%d", val) == 1;
	fclose(f);
	return ok ? 0 : -EINVAL;
}

int hzb_can_load_modules(char *why, size_t len)
{
	struct utsname u;
	int disabled = 0;

	if (access("/proc/modules", F_OK)) {
		snprintf(why, len, "this kernel has no module support (no /proc/modules)");
		return 0;
	}
	if (!read_int_file("/proc/sys/kernel/modules_disabled", &disabled) &&
	    disabled) {
		snprintf(why, len, "module loading is disabled (kernel.modules_disabled=1)");
		return 0;
	}
	if (geteuid()) {
		snprintf(why, len, "loading modules needs root");
		return 0;
	}
	uname(&u);
	if (strcmp(u.release, HZB_KERNEL_RELEASE)) {
		snprintf(why, len, "modules were built for %s, this kernel is %s (rebuild with -Dkdir=/lib/modules/%s/build)",
			 HZB_KERNEL_RELEASE, u.release, u.release);
		return 0;
	}
	return 1;
}

int hzb_load_module(const struct hzb_design *d, char *why, size_t len)
{
	char path[4096];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", HZB_KMOD_DIR, d->module);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(why, len, "%s: %s (build it with ninja -C <builddir>)",
			 path, strerror(errno));
		return ret;
	}
	if (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST) {
		ret = -errno;
		snprintf(why, len, "finit_module(%s): %s (see dmesg)", path,
			 strerror(errno));
	}
	close(fd);
	return ret;
}

int hzb_info(int fd, struct hzb_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return ioctl(fd, HZB_IOC_INFO, info) ? -errno : 0;
}

int hzb_set_variant(int fd, const char *spec)
{
	struct hzb_variant v = { .size = sizeof(v) };

	if (strlen(spec) >= sizeof(v.spec))
		return -ENAMETOOLONG;
	strcpy(v.spec, spec);
	return ioctl(fd, HZB_IOC_SET_VARIANT, &v) ? -errno : 0;
}

int hzb_counters(int fd, struct hzb_counters *c)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	return ioctl(fd, HZB_IOC_COUNTERS, c) ? -errno : 0;
}

void hzb_counters_read(int fd, uint64_t *out)
{
	struct hzb_counters c;
	int ret = hzb_counters(fd, &c);
	size_t i;

	for (i = 0; i < HZB_NR_COUNTERS; i++)
		out[i] = ret ? 0 : c.val[i];
}

int hzb_counters_reset(int fd)
{
	return ioctl(fd, HZB_IOC_COUNTERS_RESET, 0) ? -errno : 0;
}
