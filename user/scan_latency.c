// SPDX-License-Identifier: GPL-2.0
/*
 * Loader for scan_latency.bpf.c: time one synchronize function.
 *
 * open -> retarget fentry/fexit (or keep only the kprobe twins) -> load ->
 * attach.  fentry is tried first; if the function has no BTF (a module
 * built without it) or the kernel cannot attach a trampoline, the object is
 * reopened with kprobe/kretprobe and the reason is kept for the report.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE		/* syscall() */
#endif
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hzb_bpf.h"
#include "scan_latency.h"
#include "scan_latency.skel.h"

struct hzb_bpf_sync {
	struct scan_latency *skel;
	struct bpf_link *enter;
	struct bpf_link *exit;
	struct bpf_program *enter_prog;
	struct bpf_program *exit_prog;
	const char *mech;
	char func[128];
	char fallback[256];
	int ncpus;
	struct hzb_lat_percpu *percpu;	/* ncpus values, for map I/O */
	__u64 enter_misses_base;	/* recursion misses at the last reset */
	__u64 exit_misses_base;
	__u64 dead_lost;		/* entries of exited tasks, since reset */
};

/* First libbpf warning of an attempt: the most specific reason it failed. */
static char libbpf_first[256];

static int capture_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[sizeof(libbpf_first)];
	char *nl;

	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	if (getenv("HZB_BPF_VERBOSE"))
		fprintf(stderr, "%s", line);
	nl = strchr(line, '\n');
	if (nl)
		*nl = '\0';
	if (!libbpf_first[0])
		snprintf(libbpf_first, sizeof(libbpf_first), "%s", line);
	return 0;
}

static void set_reason(char *buf, size_t len, const char *what, int err)
{
	if (libbpf_first[0])
		snprintf(buf, len, "%s: %s (%s)", what, strerror(-err), libbpf_first);
	else
		snprintf(buf, len, "%s: %s", what, strerror(-err));
}

static void percpu_init(struct hzb_bpf_sync *s)
{
	int cpu;

	memset(s->percpu, 0, (size_t)s->ncpus * sizeof(*s->percpu));
	for (cpu = 0; cpu < s->ncpus; cpu++)
		s->percpu[cpu].h.min = ~0ULL;
}

static int lat_write_init(struct hzb_bpf_sync *s)
{
	__u32 zero = 0;

	percpu_init(s);
	return bpf_map__update_elem(s->skel->maps.lat, &zero, sizeof(zero), s->percpu,
				    (size_t)s->ncpus * sizeof(*s->percpu), BPF_ANY);
}

static void detach(struct hzb_bpf_sync *s)
{
	bpf_link__destroy(s->enter);
	bpf_link__destroy(s->exit);
	s->enter = NULL;
	s->exit = NULL;
	scan_latency__destroy(s->skel);
	s->skel = NULL;
}

/* One attempt with one mechanism; on failure why says what went wrong. */
static int try_attach(struct hzb_bpf_sync *s, const char *func, int fentry, char *why,
		      size_t whylen)
{
	struct bpf_program *unused_enter, *unused_exit;
	int err;

	libbpf_first[0] = '\0';
	s->skel = scan_latency__open();
	if (!s->skel) {
		err = -errno;
		set_reason(why, whylen, "open BPF object", err);
		return err;
	}
	if (fentry) {
		s->enter_prog = s->skel->progs.sync_fentry;
		s->exit_prog = s->skel->progs.sync_fexit;
		unused_enter = s->skel->progs.sync_kprobe;
		unused_exit = s->skel->progs.sync_kretprobe;
	} else {
		s->enter_prog = s->skel->progs.sync_kprobe;
		s->exit_prog = s->skel->progs.sync_kretprobe;
		unused_enter = s->skel->progs.sync_fentry;
		unused_exit = s->skel->progs.sync_fexit;
	}
	bpf_program__set_autoload(unused_enter, false);
	bpf_program__set_autoload(unused_exit, false);

	if (fentry) {
		err = bpf_program__set_attach_target(s->enter_prog, 0, func);
		if (!err)
			err = bpf_program__set_attach_target(s->exit_prog, 0, func);
		if (err == -ESRCH || err == -ENOENT) {
			snprintf(why, whylen,
				 "no BTF for %s in vmlinux or any loaded module (module built without BTF?)",
				 func);
			goto fail;
		}
		if (err) {
			set_reason(why, whylen, "look up kernel BTF", err);
			goto fail;
		}
	}

	err = scan_latency__load(s->skel);
	if (err) {
		set_reason(why, whylen, "load BPF programs", err);
		if (err == -EPERM)
			strncat(why, " [needs root or CAP_BPF + CAP_PERFMON]",
				whylen - strlen(why) - 1);
		goto fail;
	}
	err = lat_write_init(s);
	if (err) {
		set_reason(why, whylen, "initialise the lat map", err);
		goto fail;
	}

	/*
	 * Exit first: a call caught between the two attaches is then an
	 * unmatched exit, not an entry whose exit goes missing.
	 */
	if (fentry)
		s->exit = bpf_program__attach(s->exit_prog);
	else
		s->exit = bpf_program__attach_kprobe(s->exit_prog, true, func);
	if (!s->exit) {
		err = -errno;
		set_reason(why, whylen, fentry ? "attach fexit" : "attach kretprobe", err);
		goto fail;
	}
	if (fentry)
		s->enter = bpf_program__attach(s->enter_prog);
	else
		s->enter = bpf_program__attach_kprobe(s->enter_prog, false, func);
	if (!s->enter) {
		err = -errno;
		set_reason(why, whylen, fentry ? "attach fentry" : "attach kprobe", err);
		goto fail;
	}
	s->mech = fentry ? "fentry" : "kprobe";
	snprintf(s->func, sizeof(s->func), "%s", func);
	return 0;
fail:
	if (err > 0)
		err = -err;
	if (!err)
		err = -EINVAL;
	detach(s);
	return err;
}

int hzb_bpf_sync_open_mech(struct hzb_bpf_sync **out, const char *func, enum hzb_bpf_mech mech,
			   char *err, size_t errlen)
{
	libbpf_print_fn_t old_print;
	char why_fentry[256] = "", why_kprobe[256] = "";
	struct hzb_bpf_sync *s;
	int ret;

	*out = NULL;
	if (errlen)
		err[0] = '\0';
	if (hzb_bpf_force_fail("sync"))
		func = "hzb_no_such_function";
	if (!func || !func[0]) {
		snprintf(err, errlen, "no function to trace");
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	s->ncpus = libbpf_num_possible_cpus();
	if (s->ncpus <= 0) {
		ret = s->ncpus < 0 ? s->ncpus : -EINVAL;
		snprintf(err, errlen, "cannot count possible CPUs: %s", strerror(-ret));
		free(s);
		return ret;
	}
	s->percpu = calloc((size_t)s->ncpus, sizeof(*s->percpu));
	if (!s->percpu) {
		snprintf(err, errlen, "out of memory");
		free(s);
		return -ENOMEM;
	}

	old_print = libbpf_set_print(capture_print);
	ret = -EINVAL;
	if (mech != HZB_BPF_KPROBE) {
		ret = try_attach(s, func, 1, why_fentry, sizeof(why_fentry));
		if (!ret)
			goto out;
		if (mech == HZB_BPF_FENTRY) {
			snprintf(err, errlen, "fentry on %s: %s", func, why_fentry);
			goto out;
		}
		snprintf(s->fallback, sizeof(s->fallback), "%s", why_fentry);
	}
	ret = try_attach(s, func, 0, why_kprobe, sizeof(why_kprobe));
	if (ret) {
		if (mech == HZB_BPF_KPROBE)
			snprintf(err, errlen, "kprobe on %s: %s", func, why_kprobe);
		else
			snprintf(err, errlen, "cannot trace %s: fentry: %s; kprobe: %s", func,
				 why_fentry, why_kprobe);
	}
out:
	libbpf_set_print(old_print);
	if (ret) {
		free(s->percpu);
		free(s);
		return ret;
	}
	*out = s;
	return 0;
}

int hzb_bpf_sync_open(struct hzb_bpf_sync **out, const char *func, char *err, size_t errlen)
{
	return hzb_bpf_sync_open_mech(out, func, HZB_BPF_AUTO, err, errlen);
}

const char *hzb_bpf_sync_mech(const struct hzb_bpf_sync *s)
{
	return s->mech;
}

const char *hzb_bpf_sync_fallback(const struct hzb_bpf_sync *s)
{
	return s->fallback;
}

static __u64 prog_misses(struct bpf_program *prog)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
		return 0;
	return info.recursion_misses;
}

/*
 * Count the tasks between entry and exit.  Entries of tasks that have
 * exited lost their exit: drop them and count them as lost.
 */
static __u64 start_pending(struct hzb_bpf_sync *s)
{
	int fd = bpf_map__fd(s->skel->maps.start);
	__u64 key, next, n = 0;
	void *prev = NULL;
	pid_t tgid, tid;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		tgid = (pid_t)(next >> 32);
		tid = (pid_t)(__u32)next;
		if (syscall(SYS_tgkill, tgid, tid, 0) && errno == ESRCH) {
			if (!bpf_map_delete_elem(fd, &next))
				s->dead_lost++;
			/* continue from the key before, which is still there */
			continue;
		}
		n++;
		key = next;
		prev = &key;
	}
	return n;
}

int hzb_bpf_sync_read(struct hzb_bpf_sync *s, struct hzb_lat_stats *st)
{
	__u32 zero = 0;
	int cpu, err;

	err = bpf_map__lookup_elem(s->skel->maps.lat, &zero, sizeof(zero), s->percpu,
				   (size_t)s->ncpus * sizeof(*s->percpu), 0);
	if (err)
		return err;

	memset(st, 0, sizeof(*st));
	snprintf(st->mech, sizeof(st->mech), "%s", s->mech);
	for (cpu = 0; cpu < s->ncpus; cpu++) {
		const struct hzb_lat_percpu *c = &s->percpu[cpu];

		st->entries += c->entries;
		st->unmatched += c->unmatched;
		st->drops += c->drops;
		st->lost_exits += c->lost_exits;
		hzb_hist_merge(&st->h, &c->h);
	}
	st->enter_misses = prog_misses(s->enter_prog) - s->enter_misses_base;
	st->exit_misses = prog_misses(s->exit_prog) - s->exit_misses_base;
	st->pending = start_pending(s);
	st->lost_exits += s->dead_lost;
	return 0;
}

void hzb_bpf_sync_detach(struct hzb_bpf_sync *s)
{
	bpf_link__destroy(s->enter);
	bpf_link__destroy(s->exit);
	s->enter = NULL;
	s->exit = NULL;
}

int hzb_bpf_sync_attach(struct hzb_bpf_sync *s)
{
	int fentry = !strcmp(s->mech, "fentry");

	if (!s->exit)
		s->exit = fentry ? bpf_program__attach(s->exit_prog) :
				   bpf_program__attach_kprobe(s->exit_prog, true, s->func);
	if (!s->exit)
		return -errno;
	if (!s->enter)
		s->enter = fentry ? bpf_program__attach(s->enter_prog) :
				    bpf_program__attach_kprobe(s->enter_prog, false, s->func);
	if (!s->enter)
		return -errno;
	return 0;
}

int hzb_bpf_sync_reset(struct hzb_bpf_sync *s)
{
	s->enter_misses_base = prog_misses(s->enter_prog);
	s->exit_misses_base = prog_misses(s->exit_prog);
	s->dead_lost = 0;
	return lat_write_init(s);
}

void hzb_bpf_sync_close(struct hzb_bpf_sync *s)
{
	if (!s)
		return;
	detach(s);
	free(s->percpu);
	free(s);
}
