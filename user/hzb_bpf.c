// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of BPF probes and what drives it: every probe of
 * bpf_probes (bpf/meson.build, generated into hzb_probe_list.h) is
 * opened for the design under test, attached, detached, reset, read and
 * closed through its ops (hzb_probe.h), in registry order.  The
 * helpers the loaders share are here too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/libbpf.h>

#include "hzb_bpf.h"
#include "hzb_opts.h"
#include "hzb_probe.h"
#include "hzb_probe_list.h"

#define HZB_PROBE_DECL(prog)	extern const struct hzb_probe_ops hzb_probe_##prog;
#define HZB_PROBE_ENTRY(prog)	&hzb_probe_##prog,
#define HZB_PROBE_PROG(prog)	#prog,
HZB_PROBE_LIST(HZB_PROBE_DECL)

static const struct hzb_probe_ops *const registry[] = { HZB_PROBE_LIST(HZB_PROBE_ENTRY) };
/* The BPF program of each, bpf/<prog>.bpf.c, for messages. */
static const char *const progs[] = { HZB_PROBE_LIST(HZB_PROBE_PROG) };

#define NR_PROBES	(sizeof(registry) / sizeof(registry[0]))

_Static_assert(NR_PROBES <= HZB_MAX_PROBES, "HZB_MAX_PROBES: room for every probe");

struct hzb_bpf_probes {
	struct hzb_probe p[NR_PROBES];
	struct hzb_bpf_report *rep;	/* the statuses, filled at open */
	struct timespec t0;
};

/* Is @name an item of the comma-separated @list? */
static int in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *v = list;

	while (v && *v) {
		if (!strncmp(v, name, n) && (v[n] == ',' || !v[n]))
			return 1;
		v = strchr(v, ',');
		if (v)
			v++;
	}
	return 0;
}

int hzb_bpf_force_fail(const char *probe)
{
	return in_list(getenv("HZB_BPF_FORCE_FAIL"), probe);
}

const char *hzb_bpf_list_names(void)
{
	static char names[128];
	size_t i, n = 0;

	if (names[0])
		return names;
	for (i = 0; i < NR_PROBES && n < sizeof(names); i++)
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s, ", registry[i]->name);
	if (n < sizeof(names))
		snprintf(names + n, sizeof(names) - n, "all, none");
	return names;
}

/* Is the item of n characters at @v a probe's name, all or none? */
static int list_item_ok(const char *v, size_t n)
{
	static const char *const words[] = { "all", "none" };
	size_t i;

	for (i = 0; i < NR_PROBES + 2; i++) {
		const char *w = i < NR_PROBES ? registry[i]->name : words[i - NR_PROBES];

		if (n && strlen(w) == n && !strncmp(v, w, n))
			return 1;
	}
	return 0;
}

int hzb_bpf_list_check(const char *list)
{
	const char *v = list;
	size_t n;

	while (*v) {
		n = strcspn(v, ",");
		if (!list_item_ok(v, n))
			return -1;
		v += n;
		if (*v)
			v++;
	}
	return 0;
}

static int probe_wanted(const char *probe)
{
	return in_list(hzb_opt.bpf_probes, "all") || in_list(hzb_opt.bpf_probes, probe);
}

/* ---- what the loaders share ----------------------------------------- */

void hzb_probe_link(struct hzb_probe *p, struct bpf_program *prog, enum hzb_link_kind kind,
		    const char *target)
{
	if (p->nlinks >= HZB_PROBE_LINKS || !prog)
		return;
	p->links[p->nlinks++] = (struct hzb_link){ .prog = prog, .kind = kind, .target = target };
}

void hzb_probe_func(struct hzb_probe *p, int btf, int on, const char *func,
		    struct bpf_program *en, struct bpf_program *ex, struct bpf_program *ken,
		    struct bpf_program *kex)
{
	bpf_program__set_autoload(en, btf && on);
	bpf_program__set_autoload(ex, btf && on);
	bpf_program__set_autoload(ken, !btf && on);
	bpf_program__set_autoload(kex, !btf && on);
	if (!on)
		return;
	if (btf) {
		bpf_program__set_attach_target(en, 0, func);
		bpf_program__set_attach_target(ex, 0, func);
		hzb_probe_link(p, ex, HZB_LINK_AUTO, func);
		hzb_probe_link(p, en, HZB_LINK_AUTO, func);
	} else {
		hzb_probe_link(p, kex, HZB_LINK_KRETPROBE, func);
		hzb_probe_link(p, ken, HZB_LINK_KPROBE, func);
	}
}

void hzb_probe_missing(struct hzb_probe_info *pi, const char *func)
{
	size_t n = strlen(pi->missing);

	if (n < sizeof(pi->missing))
		snprintf(pi->missing + n, sizeof(pi->missing) - n, "%snoinline %s",
			 n ? "; " : "", func);
}

int hzb_func_mech(const char *func)
{
	if (!func)
		return -1;
	if (hzb_btf_has_func(func))
		return 1;
	return hzb_ksym_is_func(func) ? 0 : -1;
}

void hzb_probe_fail(struct hzb_probe_info *pi, const char *what, int err)
{
	const char *msg = hzb_bpf_msg();

	pi->state = HZB_PROBE_FAILED;
	snprintf(pi->error, sizeof(pi->error), "%s: %s%s%s%s", what, strerror(err < 0 ? -err : err),
		 msg[0] ? " (" : "", msg, msg[0] ? ")" : "");
}

int hzb_probe_try(struct hzb_probe *p, int btf, int devfd,
		  int (*try)(struct hzb_probe *p, int btf, int devfd))
{
	struct hzb_probe_info *pi = p->info;

	p->nlinks = 0;
	if (try(p, btf, devfd)) {
		if (!btf)
			return -1;
		snprintf(pi->fallback, sizeof(pi->fallback), "%s", pi->error);
		pi->error[0] = '\0';
		btf = 0;
		p->nlinks = 0;
		if (try(p, 0, devfd))
			return -1;
	}
	pi->state = HZB_PROBE_OK;
	return btf;
}

/* Attach the probe's links; on failure it is FAILED and unloaded. */
int hzb_probe_attach(struct hzb_probe *p, char *err, size_t errlen)
{
	int ret;

	if (!p->skel)
		return 0;
	ret = hzb_links_attach(p->links, p->nlinks, err, errlen);
	if (!ret)
		return 0;
	p->info->state = HZB_PROBE_FAILED;
	snprintf(p->info->error, sizeof(p->info->error), "%s", err);
	p->ops->destroy(p->skel);
	p->skel = NULL;
	p->nlinks = 0;
	return ret;
}

void hzb_probe_detach(struct hzb_probe *p)
{
	hzb_links_detach(p->links, p->nlinks);
}

/* ---- the set -------------------------------------------------------- */

void hzb_bpf_report_off(struct hzb_bpf_report *rep, const char *why)
{
	size_t i;

	memset(rep, 0, sizeof(*rep));
	for (i = 0; i < NR_PROBES; i++) {
		rep->info[i].name = registry[i]->name;
		snprintf(rep->info[i].error, sizeof(rep->info[i].error), "%s", why);
	}
	snprintf(rep->effect.error, sizeof(rep->effect.error), "%s", why);
}

void hzb_bpf_report_free(struct hzb_bpf_report *rep)
{
	size_t i;

	if (!rep)
		return;
	for (i = 0; i < HZB_MAX_PROBES; i++)
		free(rep->data[i]);
	free(rep);
}

/* Why a probe that was not opened is NA; and say which FAILED. */
static int probes_opened(struct hzb_bpf_report *rep, const struct hzb_info *info)
{
	int failed = 0;
	size_t i;

	for (i = 0; i < NR_PROBES; i++) {
		struct hzb_probe_info *pi = &rep->info[i];

		if (pi->state == HZB_PROBE_FAILED) {
			fprintf(stderr, "hzbench: BPF %s probe failed: %s (--no-bpf runs without it)\n",
				pi->name, pi->error);
			failed++;
		}
		if (pi->state != HZB_PROBE_NA)
			continue;
		if (!probe_wanted(pi->name))
			snprintf(pi->error, sizeof(pi->error), "not selected (--bpf=%s)",
				 hzb_opt.bpf_probes);
		else
			snprintf(pi->error, sizeof(pi->error), "does not apply to %s",
				 info->design);
	}
	return failed;
}

int hzb_bpf_probes_open(struct hzb_bpf_probes **out, int devfd, const struct hzb_info *info,
			struct hzb_bpf_report *rep)
{
	const struct hzb_design_hooks *d = &rep->hooks;
	struct hzb_bpf_probes *pr;
	char err[512];
	size_t i;

	*out = NULL;
	hzb_bpf_report_off(rep, "");
	memset(rep->effect.error, 0, sizeof(rep->effect.error));
	hzb_design_hooks(&rep->hooks, info);
	pr = calloc(1, sizeof(*pr));
	if (!pr)
		return -ENOMEM;
	pr->rep = rep;
	hzb_bpf_msgs_begin();
	for (i = 0; i < NR_PROBES; i++) {
		struct hzb_probe *p = &pr->p[i];

		p->ops = registry[i];
		p->d = d;
		p->info = &rep->info[i];
		rep->data[i] = calloc(1, p->ops->rep_size);
		p->rep = rep->data[i];
		if (p->rep && probe_wanted(p->ops->name))
			p->ops->open(p, devfd);
	}
	hzb_bpf_msgs_end();
	/* attach() marks the probe that failed */
	hzb_bpf_probes_attach(pr, err, sizeof(err));
	clock_gettime(CLOCK_MONOTONIC, &pr->t0);
	*out = pr;
	return probes_opened(rep, info);
}

int hzb_bpf_probes_attach(struct hzb_bpf_probes *pr, char *err, size_t errlen)
{
	int ret = 0, r;
	size_t i;

	if (!pr)
		return 0;
	hzb_bpf_msgs_begin();
	for (i = 0; i < NR_PROBES; i++) {
		r = pr->p[i].ops->attach(&pr->p[i], err, errlen);
		ret = ret ?: r;
	}
	hzb_bpf_msgs_end();
	return ret;
}

void hzb_bpf_probes_detach(struct hzb_bpf_probes *pr)
{
	size_t i;

	for (i = 0; pr && i < NR_PROBES; i++)
		pr->p[i].ops->detach(&pr->p[i]);
}

int hzb_bpf_probes_reset(struct hzb_bpf_probes *pr)
{
	int err = 0;
	size_t i;

	if (!pr)
		return 0;
	for (i = 0; i < NR_PROBES; i++)
		if (pr->p[i].skel)
			err = err ?: pr->p[i].ops->reset(&pr->p[i]);
	clock_gettime(CLOCK_MONOTONIC, &pr->t0);
	return err;
}

int hzb_bpf_probes_read(struct hzb_bpf_probes *pr, struct hzb_bpf_report *rep)
{
	struct timespec t1;
	char what[64];
	int err = 0, e;
	size_t i;

	if (!pr)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	rep->seconds = (double)(t1.tv_sec - pr->t0.tv_sec) + (t1.tv_nsec - pr->t0.tv_nsec) / 1e9;
	for (i = 0; i < NR_PROBES; i++) {
		if (!pr->p[i].skel)
			continue;
		e = pr->p[i].ops->read(&pr->p[i]);
		if (e) {
			snprintf(what, sizeof(what), "read the %s maps", progs[i]);
			hzb_probe_fail(pr->p[i].info, what, e);
			err = e;
		}
	}
	rep->read = 1;
	return err;
}

void hzb_bpf_probes_close(struct hzb_bpf_probes *pr)
{
	size_t i;

	if (!pr)
		return;
	hzb_bpf_probes_detach(pr);
	for (i = 0; i < NR_PROBES; i++)
		if (pr->p[i].skel)
			pr->p[i].ops->destroy(pr->p[i].skel);
	free(pr);
}

/* ---- the report's side ---------------------------------------------- */

size_t hzb_bpf_nr_probes(void)
{
	return NR_PROBES;
}

const struct hzb_probe_ops *hzb_bpf_probe_ops(size_t i)
{
	return i < NR_PROBES ? registry[i] : NULL;
}
