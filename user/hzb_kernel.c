// SPDX-License-Identifier: GPL-2.0
/* The running kernel's flavour, preemption model, HZ, list debugging. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <zlib.h>

#include "hzb_kernel.h"

/* The options read, and what the config said of each. */
enum { K_RT, K_PREEMPT, K_LAZY, K_VOLUNTARY, K_NONE, K_DYNAMIC, K_HZ, K_DEBUG_LIST,
       K_LIST_HARDENED, K_UML, K_NR };
static const char * const kopt[K_NR] = {
	"CONFIG_PREEMPT_RT", "CONFIG_PREEMPT", "CONFIG_PREEMPT_LAZY",
	"CONFIG_PREEMPT_VOLUNTARY", "CONFIG_PREEMPT_NONE", "CONFIG_PREEMPT_DYNAMIC",
	"CONFIG_HZ", "CONFIG_DEBUG_LIST", "CONFIG_LIST_HARDENED", "CONFIG_UML",
};

/* One config line; @val[k] gets the value ("y", "250") or "n" when unset. */
static void config_line(const char *line, char val[K_NR][24])
{
	size_t k, n;

	for (k = 0; k < K_NR; k++) {
		n = strlen(kopt[k]);
		if (!strncmp(line, kopt[k], n) && line[n] == '=') {
			snprintf(val[k], sizeof(val[k]), "%.*s", (int)strcspn(line + n + 1, "\n"),
				 line + n + 1);
			return;
		}
		if (!strncmp(line, "# ", 2) && !strncmp(line + 2, kopt[k], n) &&
		    !strcmp(line + 2 + n, " is not set\n")) {
			strcpy(val[k], "n");
			return;
		}
	}
}

/* Read the running kernel's config into @val; returns its path or NULL. */
static const char *read_config(const char *release, char val[K_NR][24], char *path,
			       size_t len)
{
	char line[512];
	gzFile gz;
	FILE *f;
	size_t k;

	for (k = 0; k < K_NR; k++)
		strcpy(val[k], "n");
	gz = gzopen("/proc/config.gz", "rb");
	if (gz) {
		while (gzgets(gz, line, sizeof(line)))
			config_line(line, val);
		gzclose(gz);
		snprintf(path, len, "/proc/config.gz");
		return path;
	}
	snprintf(path, len, "/boot/config-%s", release);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f))
		config_line(line, val);
	fclose(f);
	return path;
}

/* The model a PREEMPT_DYNAMIC kernel runs: the (bracketed) word. */
static int dynamic_model(char *out, size_t len)
{
	char buf[256], *a, *b;
	FILE *f = fopen("/sys/kernel/debug/sched/preempt", "r");
	int ok = 0;

	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f)) {
		a = strchr(buf, '(');
		b = a ? strchr(a, ')') : NULL;
		if (a && b) {
			snprintf(out, len, "%.*s", (int)(b - a - 1), a + 1);
			ok = 1;
		}
	}
	fclose(f);
	return ok;
}

void hzb_kernel_facts(struct hzb_kernel_facts *k)
{
	char val[K_NR][24], path[128];
	struct utsname u;
	const char *cfg;
	FILE *f;
	int rt_sysfs = 0;

	memset(k, 0, sizeof(*k));
	uname(&u);
	cfg = read_config(u.release, val, path, sizeof(path));
	snprintf(k->config, sizeof(k->config), "%s", cfg ? cfg : "");
	/* /sys/kernel/realtime: 1 on PREEMPT_RT kernels (v6.12+, and the rt patches). */
	f = fopen("/sys/kernel/realtime", "r");
	if (f) {
		rt_sysfs = fgetc(f) == '1';
		fclose(f);
	}

	if (!strcmp(u.machine, "um") || (cfg && !strcmp(val[K_UML], "y")))
		strcpy(k->flavour, "uml");
	else if (rt_sysfs || (cfg && !strcmp(val[K_RT], "y")))
		strcpy(k->flavour, "rt");
	else if (strstr(u.release, "-cloud-"))
		strcpy(k->flavour, "cloud");
	else
		strcpy(k->flavour, "other");

	k->preempt_dynamic = cfg ? !strcmp(val[K_DYNAMIC], "y") : -1;
	if (rt_sysfs || (cfg && !strcmp(val[K_RT], "y"))) {
		strcpy(k->preempt, "rt");
		snprintf(k->preempt_how, sizeof(k->preempt_how), "%s",
			 rt_sysfs ? "/sys/kernel/realtime" : "CONFIG_PREEMPT_RT");
	} else if (dynamic_model(k->preempt, sizeof(k->preempt))) {
		strcpy(k->preempt_how, "/sys/kernel/debug/sched/preempt");
	} else if (cfg) {
		strcpy(k->preempt_how, "config");
		if (!strcmp(val[K_PREEMPT], "y"))
			strcpy(k->preempt, "full");
		else if (!strcmp(val[K_LAZY], "y"))
			strcpy(k->preempt, "lazy");
		else if (!strcmp(val[K_VOLUNTARY], "y"))
			strcpy(k->preempt, "voluntary");
		else
			strcpy(k->preempt, "none");
	} else {
		strcpy(k->preempt, "unknown");
		strcpy(k->preempt_how, "no config, no debugfs");
	}
	k->hz = cfg ? strtol(val[K_HZ], NULL, 10) : 0;
	k->debug_list = cfg ? !strcmp(val[K_DEBUG_LIST], "y") : -1;
	k->list_hardened = cfg ? !strcmp(val[K_LIST_HARDENED], "y") : -1;
}

static void json_tristate(struct hzb_json *j, const char *key, int v)
{
	if (v < 0)
		hzb_json_null(j, key);
	else
		hzb_json_bool(j, key, v);
}

void hzb_kernel_json(struct hzb_json *j, const struct hzb_kernel_facts *k)
{
	hzb_json_obj_begin(j, "kernel");
	hzb_json_str(j, "flavour", k->flavour);
	hzb_json_str(j, "preempt", k->preempt);
	hzb_json_str(j, "preempt_source", k->preempt_how);
	json_tristate(j, "preempt_dynamic", k->preempt_dynamic);
	if (k->hz)
		hzb_json_u64(j, "hz", (uint64_t)k->hz);
	else
		hzb_json_null(j, "hz");
	json_tristate(j, "debug_list", k->debug_list);
	json_tristate(j, "list_hardened", k->list_hardened);
	if (k->config[0])
		hzb_json_str(j, "config", k->config);
	else
		hzb_json_null(j, "config");
	hzb_json_obj_end(j);
}

static const char *yn(int v)
{
	return v < 0 ? "?" : v ? "y" : "n";
}

void hzb_kernel_line(const struct hzb_kernel_facts *k, char *buf, size_t len)
{
	snprintf(buf, len, "flavour=%s preempt=%s HZ=%ld debug_list=%s list_hardened=%s",
		 k->flavour, k->preempt, k->hz, yn(k->debug_list), yn(k->list_hardened));
}
