// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the loaders of scan_phase, lock_contention and holders: what
 * can be attached, links that come and go, per-CPU map sums.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "hzb_bpf_util.h"
#include "scan_latency.h"

/* ---- BTF ------------------------------------------------------------ */

#define MAX_BTFS	64

static struct btf *vmlinux_btf;
static struct btf *mod_btfs[MAX_BTFS];
static int nr_mod_btfs;
static int btfs_loaded;

/* vmlinux and every module's BTF, once (modules are loaded at boot). */
static void btfs_load(void)
{
	struct dirent *de;
	char path[512];
	DIR *d;

	if (btfs_loaded)
		return;
	btfs_loaded = 1;
	vmlinux_btf = btf__load_vmlinux_btf();
	if (!vmlinux_btf)
		return;
	d = opendir("/sys/kernel/btf");
	if (!d)
		return;
	while ((de = readdir(d)) && nr_mod_btfs < MAX_BTFS) {
		struct btf *b;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "vmlinux"))
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/btf/%s", de->d_name);
		b = btf__parse_split(path, vmlinux_btf);
		if (b)
			mod_btfs[nr_mod_btfs++] = b;
	}
	closedir(d);
}

static int btf_has(const char *name, int kind)
{
	int i;

	btfs_load();
	if (!vmlinux_btf)
		return 0;
	if (btf__find_by_name_kind(vmlinux_btf, name, kind) > 0)
		return 1;
	for (i = 0; i < nr_mod_btfs; i++)
		if (btf__find_by_name_kind(mod_btfs[i], name, kind) > 0)
			return 1;
	return 0;
}

int hzb_btf_has_func(const char *name)
{
	return btf_has(name, BTF_KIND_FUNC);
}

int hzb_btf_has_tp(const char *name)
{
	char t[256];

	snprintf(t, sizeof(t), "btf_trace_%s", name);
	return btf_has(t, BTF_KIND_TYPEDEF);
}

/* ---- kallsyms, tracefs ---------------------------------------------- */

/* One pass over /proc/kallsyms for @name; type and address of the first match. */
static int ksym_find(const char *name, const char *mod, char *type, uint64_t *addr)
{
	char line[512], sym[256], t[4], m[128];
	unsigned long long a;
	FILE *f = fopen("/proc/kallsyms", "r");
	int n, found = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		m[0] = '\0';
		n = sscanf(line, "%llx %3s %255s [%127[^]]]", &a, t, sym, m);
		if (n < 3 || strcmp(sym, name))
			continue;
		if (mod && strcmp(m, mod))
			continue;
		*type = t[0];
		*addr = a;
		found = 1;
		break;
	}
	fclose(f);
	return found;
}

int hzb_ksym_is_func(const char *name)
{
	uint64_t addr;
	char type;

	return ksym_find(name, NULL, &type, &addr) && (type == 't' || type == 'T');
}

uint64_t hzb_ksym_addr(const char *name, const char *mod)
{
	uint64_t addr = 0;
	char type;

	if (!ksym_find(name, mod, &type, &addr))
		return 0;
	return addr;
}

int hzb_tracefs_has(const char *system, const char *event)
{
	static const char * const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[512];
	size_t i;

	for (i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		snprintf(path, sizeof(path), "%s/events/%s/%s/format", roots[i], system, event);
		if (!access(path, R_OK))
			return 1;
	}
	return 0;
}

/* ---- libbpf messages ------------------------------------------------ */

static char first_msg[256];
static libbpf_print_fn_t saved_print;

static int capture_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[sizeof(first_msg)];
	char *nl;
	va_list aq;

	if (level == LIBBPF_DEBUG)
		return 0;
	va_copy(aq, ap);
	if (getenv("HZB_BPF_VERBOSE"))
		vfprintf(stderr, fmt, aq);
	va_end(aq);
	vsnprintf(line, sizeof(line), fmt, ap);
	nl = strchr(line, '\n');
	if (nl)
		*nl = '\0';
	if (!first_msg[0])
		snprintf(first_msg, sizeof(first_msg), "%s", line);
	return 0;
}

void hzb_bpf_msgs_begin(void)
{
	first_msg[0] = '\0';
	saved_print = libbpf_set_print(capture_print);
}

void hzb_bpf_msgs_end(void)
{
	libbpf_set_print(saved_print);
}

void hzb_bpf_msg_clear(void)
{
	first_msg[0] = '\0';
}

const char *hzb_bpf_msg(void)
{
	return first_msg;
}

/* ---- links ---------------------------------------------------------- */

int hzb_links_attach(struct hzb_link *l, size_t n, char *err, size_t errlen)
{
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		if (!l[i].prog || l[i].link)
			continue;
		first_msg[0] = '\0';
		switch (l[i].kind) {
		case HZB_LINK_KPROBE:
			l[i].link = bpf_program__attach_kprobe(l[i].prog, false, l[i].target);
			break;
		case HZB_LINK_KRETPROBE:
			l[i].link = bpf_program__attach_kprobe(l[i].prog, true, l[i].target);
			break;
		default:
			l[i].link = bpf_program__attach(l[i].prog);
			break;
		}
		if (!l[i].link) {
			ret = -errno;
			snprintf(err, errlen, "attach %s (%s on %s): %s%s%s%s",
				 bpf_program__name(l[i].prog),
				 l[i].kind == HZB_LINK_KPROBE ? "kprobe" :
				 l[i].kind == HZB_LINK_KRETPROBE ? "kretprobe" :
				 bpf_program__section_name(l[i].prog),
				 l[i].target ? l[i].target : "-", strerror(-ret),
				 first_msg[0] ? " (" : "", first_msg, first_msg[0] ? ")" : "");
			hzb_links_detach(l, n);
			return ret ? ret : -EINVAL;
		}
	}
	return 0;
}

void hzb_links_detach(struct hzb_link *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		bpf_link__destroy(l[i].link);
		l[i].link = NULL;
	}
}

uint64_t hzb_prog_misses(const struct bpf_program *prog)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd;

	if (!prog)
		return 0;
	fd = bpf_program__fd(prog);
	if (fd < 0)
		return 0;
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.recursion_misses;
}

/* ---- per-CPU maps --------------------------------------------------- */

static int ncpus(void)
{
	static int n;

	if (!n)
		n = libbpf_num_possible_cpus();
	return n;
}

/* One struct hzb_hist per possible CPU (*nc of them), zeroed; NULL: -*err. */
static struct hzb_hist *percpu_hists(int *nc, int *err)
{
	struct hzb_hist *v;

	*nc = ncpus();
	*err = *nc <= 0 ? -EINVAL : 0;
	if (*err)
		return NULL;
	v = calloc((size_t)*nc, sizeof(*v));
	if (!v)
		*err = -ENOMEM;
	return v;
}

int hzb_hists_read(struct bpf_map *m, uint32_t n, struct hzb_hist *out)
{
	int nc, cpu, err;
	struct hzb_hist *v = percpu_hists(&nc, &err);
	uint32_t k;

	if (!v)
		return err;
	for (k = 0; k < n && !err; k++) {
		struct hzb_hist *o = &out[k];

		err = bpf_map__lookup_elem(m, &k, sizeof(k), v, (size_t)nc * sizeof(*v), 0);
		if (err)
			break;
		memset(o, 0, sizeof(*o));
		for (cpu = 0; cpu < nc; cpu++)
			hzb_hist_merge(o, &v[cpu]);
	}
	free(v);
	return err;
}

int hzb_hists_reset(struct bpf_map *m, uint32_t n)
{
	int nc, cpu, err;
	struct hzb_hist *v = percpu_hists(&nc, &err);
	uint32_t k;

	if (!v)
		return err;
	for (cpu = 0; cpu < nc; cpu++)
		v[cpu].min = ~0ULL;
	for (k = 0; k < n && !err; k++)
		err = bpf_map__update_elem(m, &k, sizeof(k), v, (size_t)nc * sizeof(*v), BPF_ANY);
	free(v);
	return err;
}

int hzb_u64s_read(struct bpf_map *m, uint32_t key, size_t n_u64, uint64_t *out)
{
	int nc = ncpus(), cpu, err;
	__u64 *v;
	size_t i;

	if (nc <= 0)
		return -EINVAL;
	v = calloc((size_t)nc * n_u64, sizeof(*v));
	if (!v)
		return -ENOMEM;
	err = bpf_map__lookup_elem(m, &key, sizeof(key), v, (size_t)nc * n_u64 * sizeof(*v), 0);
	if (!err) {
		memset(out, 0, n_u64 * sizeof(*out));
		for (cpu = 0; cpu < nc; cpu++)
			for (i = 0; i < n_u64; i++)
				out[i] += v[(size_t)cpu * n_u64 + i];
	}
	free(v);
	return err;
}

int hzb_array_reset(struct bpf_map *m, uint32_t n)
{
	size_t sz = bpf_map__value_size(m);
	int err = 0;
	uint32_t k;
	void *v;

	if (bpf_map__type(m) == BPF_MAP_TYPE_PERCPU_ARRAY)
		sz *= (size_t)ncpus();
	v = calloc(1, sz);
	if (!v)
		return -ENOMEM;
	for (k = 0; k < n && !err; k++)
		err = bpf_map__update_elem(m, &k, sizeof(k), v, sz, BPF_ANY);
	free(v);
	return err;
}

int hzb_stats_hists_read(struct bpf_map *stats, void *st, size_t st_size, struct bpf_map *hists,
			 uint32_t n, struct hzb_hist *h)
{
	int err = hzb_u64s_read(stats, 0, st_size / 8, st);

	return err ?: hzb_hists_read(hists, n, h);
}

int hzb_stats_hists_reset(struct bpf_map *stats, struct bpf_map *hists, uint32_t n)
{
	int err = hzb_array_reset(stats, 1);

	return err ?: hzb_hists_reset(hists, n);
}

void hzb_hash_clear(struct bpf_map *m)
{
	size_t ksz = bpf_map__key_size(m);
	void *next = calloc(1, ksz);

	/* Always restart from the beginning: the key before is gone. */
	while (next && !bpf_map__get_next_key(m, NULL, next, ksz))
		if (bpf_map__delete_elem(m, next, ksz, 0))
			break;
	free(next);
}
