// SPDX-License-Identifier: GPL-2.0
/*
 * Sweeps: a workload file (INI, parsed by inih) names designs, variants
 * and lists of parameter values; the sweep runs every combination as one
 * point, each point a child `hzbench run` (which itself moves into the VM
 * when it has to, so every point gets a freshly booted guest there).
 * Each point leaves DIR/<point>.json (+ .txt) and one row of
 * DIR/summary.csv; an interrupted sweep keeps them and --resume skips
 * the points already done.  With boots = N a point runs N times, each run
 * its own guest boot and its own DIR/<point>.boot-K.json: what differs
 * from boot to boot (where the kernel, the modules and the task list
 * land) then shows between the files instead of biasing all of a point's
 * repetitions one way; tools/hzb_results.py takes the median over boots.
 * The runs go in rounds, every point once per round, so that a point's
 * boots are spread over the whole sweep: a state of the host that lasts
 * minutes then lands in a few boots of every point, which the median
 * over boots outvotes, not in all the boots of one point.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hzb_dev.h"
#include "hzb_opts.h"
#include "hzb_sweep.h"

#define MAX_VALUES	16
#define MAX_VARIANTS	16
#define HZB_SWEEP_MAX_PARAMS	32
#define VALUE_LEN	128

/*
 * A parameter that may take several values, one point per value: "designs"
 * and the options whose table line has a .sweep order (hzb_options.c).
 */
struct param {
	const char *key;		/* as in the file and as the --option */
	const struct hzb_optdef *opt;	/* NULL: designs */
	int n;
	char val[MAX_VALUES][VALUE_LEN];
};

/* Everything a workload file may set.  Order = nesting of the loops. */
static struct param params[HZB_SWEEP_MAX_PARAMS];
static size_t nr_params;

/* designs, then the options by their .sweep order (1, 2, ...: gaps allowed). */
static void params_init(void)
{
	const struct hzb_optdef *d;
	int order, next;
	size_t i;

	memset(params, 0, sizeof(params));
	params[0].key = "designs";
	nr_params = 1;
	for (order = 1; order != INT_MAX; order = next) {
		next = INT_MAX;
		for (i = 0; i < hzb_optab.n; i++) {
			d = &hzb_optab.defs[i];
			if (d->sweep == order && nr_params < HZB_SWEEP_MAX_PARAMS) {
				params[nr_params].key = d->name;
				params[nr_params++].opt = d;
			}
			if (d->sweep > order && d->sweep < next)
				next = d->sweep;
		}
	}
}

#define HZB_SWEEP_REPS	10

struct workload {
	const char *path;
	int quick;			/* apply [quick] */
	char name[64];
	char description[256];
	struct {
		char design[HZB_NAME_LEN];
		int n;
		char spec[MAX_VARIANTS][HZB_VARIANT_LEN];
	} variants[8];
	int nr_variant_designs;
	int default_variants_only;	/* [quick] variants = default */
	int interleave;			/* every series in one run, rep by rep */
	int boots;			/* runs (guest boots) per point */
	char error[256];
};

static struct workload hzb_workload;

static struct param *param_find(const char *key)
{
	size_t i;

	for (i = 0; i < nr_params; i++)
		if (!strcmp(params[i].key, key))
			return &params[i];
	return NULL;
}

/* One value of @p: of the option's kind first, then as the option takes it. */
static int value_ok(const struct param *p, const char *tok, char *err, size_t errlen)
{
	const struct hzb_optdef *d = p->opt;
	char why[128], *end;
	uint64_t ns;

	if (!d) {
		if (hzb_design_find(tok))
			return 1;
		snprintf(err, errlen, "designs: unknown design '%s' (valid: %s)", tok,
			 hzb_design_list());
		return 0;
	}
	if (d->type == HZB_T_INT || d->type == HZB_T_UINT || d->type == HZB_T_ULONG) {
		errno = 0;
		if (strtoul(tok, &end, 10) == ULONG_MAX || errno || *end || tok[0] == '-') {
			snprintf(err, errlen, "%s: '%s' is not a non-negative integer", p->key, tok);
			return 0;
		}
	}
	if ((d->type == HZB_T_NS || d->type == HZB_T_US || d->type == HZB_T_SEC) &&
	    hzb_parse_time_ns(tok, 1, &ns)) {
		snprintf(err, errlen, "%s: '%s' is not a time (e.g. 500ns, 2us, 3s)", p->key, tok);
		return 0;
	}
	if (!hzb_optab_check(&hzb_optab, d, tok, why, sizeof(why)))
		return 1;
	if (d->words)
		snprintf(err, errlen, "%s: unknown value '%s' (%s)", p->key, tok, why);
	else
		snprintf(err, errlen, "%s: '%s': %s", p->key, tok, why);
	return 0;
}

/* Split @value on blanks into @p's values, validating each. */
static int param_set(struct param *p, const char *value, char *err, size_t errlen)
{
	char buf[1024], *tok, *save;

	if (strlen(value) >= sizeof(buf)) {
		snprintf(err, errlen, "%s: value too long", p->key);
		return 0;
	}
	strcpy(buf, value);
	p->n = 0;
	for (tok = strtok_r(buf, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
		if (p->n == MAX_VALUES) {
			snprintf(err, errlen, "%s: more than %d values", p->key, MAX_VALUES);
			return 0;
		}
		if (!value_ok(p, tok, err, errlen))
			return 0;
		snprintf(p->val[p->n++], VALUE_LEN, "%s", tok);
	}
	if (!p->n) {
		snprintf(err, errlen, "%s: no value", p->key);
		return 0;
	}
	return 1;
}

static void end_trim(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
}

static int set_variants(struct workload *w, const char *design, const char *value)
{
	char buf[2048], *tok, *save;
	int i;

	if (!hzb_design_find(design)) {
		snprintf(w->error, sizeof(w->error), "[variants]: unknown design '%s'", design);
		return 0;
	}
	if (w->nr_variant_designs == 8 || strlen(value) >= sizeof(buf))
		return 0;
	i = w->nr_variant_designs++;
	snprintf(w->variants[i].design, HZB_NAME_LEN, "%s", design);
	strcpy(buf, value);
	for (tok = strtok_r(buf, "|", &save); tok; tok = strtok_r(NULL, "|", &save)) {
		while (*tok == ' ' || *tok == '\t')
			tok++;
		end_trim(tok);
		if (w->variants[i].n == MAX_VARIANTS || strlen(tok) >= HZB_VARIANT_LEN ||
		    strchr(tok, ' ')) {
			snprintf(w->error, sizeof(w->error), "[variants] %s: bad variant '%s'",
				 design, tok);
			return 0;
		}
		snprintf(w->variants[i].spec[w->variants[i].n++], HZB_VARIANT_LEN, "%s",
			 strcmp(tok, "default") ? tok : "");
	}
	return 1;
}

/* inih handler: returning 0 makes ini_parse() report this line. */
static int workload_line(void *user, const char *section, const char *name, const char *value)
{
	struct workload *w = user;
	struct param *p;

	if (!strcmp(section, "variants"))
		return set_variants(w, name, value);
	if (strcmp(section, "workload") && strcmp(section, "quick")) {
		snprintf(w->error, sizeof(w->error), "unknown section [%s]", section);
		return 0;
	}
	if (!strcmp(section, "quick") && !w->quick)
		return 1;
	if (!strcmp(section, "quick") && !strcmp(name, "variants")) {
		w->default_variants_only = !strcmp(value, "default");
		if (!w->default_variants_only)
			snprintf(w->error, sizeof(w->error), "[quick] variants: only 'default'");
		return w->default_variants_only;
	}
	if (!strcmp(section, "workload") && !strcmp(name, "name")) {
		snprintf(w->name, sizeof(w->name), "%s", value);
		return strspn(value, "abcdefghijklmnopqrstuvwxyz0123456789-_") == strlen(value) &&
		       *value;
	}
	if (!strcmp(name, "interleave")) {
		w->interleave = !strcmp(value, "yes");
		if (!w->interleave && strcmp(value, "no"))
			snprintf(w->error, sizeof(w->error), "interleave: yes or no, not '%s'",
				 value);
		return w->interleave || !strcmp(value, "no");
	}
	if (!strcmp(name, "boots")) {
		/* Parsed as --boots is (its table line), into a scratch copy. */
		struct hzb_opts o = hzb_opt;
		char why[128];

		if (hzb_optab_set(hzb_optab_find(&hzb_optab, "boots"), &o, value, why,
				  sizeof(why))) {
			snprintf(w->error, sizeof(w->error), "boots: 1 to %d, not '%s'",
				 HZB_SWEEP_MAX_BOOTS, value);
			return 0;
		}
		w->boots = o.sweep.boots;
		return 1;
	}
	if (!strcmp(section, "workload") && !strcmp(name, "description")) {
		snprintf(w->description, sizeof(w->description), "%s", value);
		return 1;
	}
	p = param_find(name);
	if (!p) {
		snprintf(w->error, sizeof(w->error), "unknown key '%s'", name);
		return 0;
	}
	return param_set(p, value, w->error, sizeof(w->error));
}

/* FNV-1a, 64 bit: identifies the exact workload file in every result. */
static int file_hash(const char *path, char *out, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	FILE *f = fopen(path, "rb");
	int c;

	if (!f)
		return -errno;
	while ((c = getc(f)) != EOF) {
		h ^= (unsigned char)c;
		h *= 0x100000001b3ULL;
	}
	fclose(f);
	snprintf(out, len, "%016llx", (unsigned long long)h);
	return 0;
}

int hzb_workload_parse(const char *path, int quick, char *err, size_t errlen)
{
	struct workload *w = &hzb_workload;
	int line;

	memset(w, 0, sizeof(*w));
	w->boots = 1;
	params_init();
	w->path = path;
	w->quick = quick;
	line = ini_parse(path, workload_line, w);
	if (line < 0) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	if (line > 0) {
		snprintf(err, errlen, "%s:%d: %s", path, line,
			 w->error[0] ? w->error : "syntax error");
		return -1;
	}
	if (!w->name[0]) {
		snprintf(err, errlen, "%s: [workload] needs name = ...", path);
		return -1;
	}
	if (!param_find("designs")->n) {
		snprintf(err, errlen, "%s: [workload] needs designs = ...", path);
		return -1;
	}
	return 0;
}

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static const char * const *variants_of(const char *design, int *n)
{
	static const char *def[] = { "" };
	static const char *list[MAX_VARIANTS];
	int i, k;

	for (i = 0; !hzb_workload.default_variants_only &&
	     i < hzb_workload.nr_variant_designs; i++) {
		if (strcmp(hzb_workload.variants[i].design, design))
			continue;
		for (k = 0; k < hzb_workload.variants[i].n; k++)
			list[k] = hzb_workload.variants[i].spec[k];
		*n = hzb_workload.variants[i].n;
		return list;
	}
	*n = 1;
	return def;
}

struct point {
	const char *design, *variant;
	/* interleave: every series of the point, NAME[:VARIANT]+..., for --design */
	char series[HZB_MAX_SERIES * (HZB_NAME_LEN + HZB_VARIANT_LEN)];
	int nr_series;
	int idx[HZB_SWEEP_MAX_PARAMS];
};

/* The point's name in DIR; @boot (1, 2, ...) adds .boot-K, 0 nothing. */
static void point_id(const struct point *pt, int boot, char *out, size_t len)
{
	char vs[HZB_VARIANT_LEN];
	size_t i, n;

	hzb_variant_slug(pt->variant, vs, sizeof(vs));
	if (pt->series[0])	/* each series' files: the run fills it in */
		n = (size_t)snprintf(out, len, "{series}");
	else
		n = (size_t)snprintf(out, len, "%s%s%s", pt->design, vs[0] ? "." : "", vs);
	for (i = 1; i < nr_params && n < len; i++) {
		if (params[i].n < 2)
			continue;	/* constant across the sweep: not in the name */
		n += (size_t)snprintf(out + n, len - n, ".%s-%s", params[i].key,
				      params[i].val[pt->idx[i]]);
	}
	if (boot && n < len)
		snprintf(out + n, len - n, ".boot-%d", boot);
}

/*
 * A point's command line: the sweep's own options (the file's keys win
 * over them), then the point's values; repetitions: the file's, else the
 * command line's, else HZB_SWEEP_REPS.
 */
static void point_argv(const struct point *pt, const char *dir, const char *id,
		       struct hzb_argv *a)
{
	size_t i;

	hzb_argv_add(a, "hzbench");
	hzb_argv_add(a, "run");
	hzb_argv_add(a, "--design=%s", pt->series[0] ? pt->series : pt->design);
	hzb_argv_add(a, "--variant=%s", pt->series[0] ? "" : pt->variant);
	hzb_optab_argv(&hzb_optab, HZB_TO_POINT, a);
	for (i = 1; i < nr_params; i++)
		if (params[i].n)
			hzb_argv_add(a, "--%s=%s", params[i].key, params[i].val[pt->idx[i]]);
	/* A sweep's intervals need repetitions. */
	if (!param_find("reps")->n && !hzb_optab_seen(&hzb_optab, "reps"))
		hzb_argv_add(a, "--reps=%d", HZB_SWEEP_REPS);
	hzb_argv_add(a, "--json=%s/%s.json", dir, id);
	hzb_argv_add(a, "--csv=%s/summary.csv", dir);
	hzb_argv_add(a, "--quiet");
}

static int run_point(const struct point *pt, const char *dir, const char *id,
		     const char *hash)
{
	struct hzb_argv a = { .n = 0 };
	int status;
	pid_t pid;

	point_argv(pt, dir, id, &a);
	pid = fork();
	if (pid == 0) {
		setenv("HZB_WORKLOAD", hzb_workload.path, 1);
		setenv("HZB_WORKLOAD_HASH", hash, 1);
		setenv("HZB_WORKLOAD_POINT", id, 1);
		setenv("HZB_SWEEP_CMDLINE", hzb_cmdline, 1);
		execv("/proc/self/exe", a.v);
		fprintf(stderr, "hzbench: exec: %s\n", strerror(errno));
		_exit(1);
	}
	hzb_argv_free(&a);
	if (pid < 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* Every JSON of the point there (each series' with interleave)? */
static int point_done(const struct point *pt, const char *dir, const char *id)
{
	struct hzb_series s[HZB_MAX_SERIES];
	char path[2048], file[2048], err[256];
	int n = pt->series[0] ? hzb_series_parse(pt->series, "", s, err, sizeof(err)) : 1;
	int i;

	snprintf(path, sizeof(path), "%s/%s.json", dir, id);
	for (i = 0; i < n; i++) {
		hzb_series_path(path, pt->series[0] ? s[i].id : NULL, file, sizeof(file));
		if (!exists(file))
			return 0;
	}
	return n > 0;
}

/* A reader that must sleep or yield while holding needs a design that allows it. */
static int point_possible(const struct point *pt)
{
	const struct param *pre = param_find("preempt");
	const char *mode = pre->n ? pre->val[pt->idx[pre - params]] : "none";

	if (pt->series[0])
		return pt->nr_series > 0;
	if (strcmp(mode, "sleep") && strcmp(mode, "yield"))
		return 1;
	return hzb_design_find(pt->design)->can_sleep;
}

/* interleave: the series of @pt's combination that can run it, into pt->series. */
static void point_series(struct point *pt)
{
	struct param *designs = param_find("designs");
	const char * const *vars;
	struct point one = *pt;
	size_t n = 0;
	int d, v, nv;

	one.series[0] = '\0';
	pt->series[0] = '\0';
	pt->nr_series = 0;
	for (d = 0; d < designs->n; d++) {
		one.design = designs->val[d];
		if (hzb_opt.design && strcmp(hzb_opt.design, "all") &&
		    strcmp(hzb_opt.design, one.design))
			continue;
		if (!point_possible(&one))
			continue;
		vars = variants_of(one.design, &nv);
		for (v = 0; v < nv && pt->nr_series < HZB_MAX_SERIES; v++) {
			n += (size_t)snprintf(pt->series + n, sizeof(pt->series) - n, "%s%s%s%s",
					      n ? "+" : "", one.design, vars[v][0] ? ":" : "",
					      vars[v]);
			pt->nr_series++;
		}
	}
	pt->design = "";	/* the series say it all */
	pt->variant = "";
}

struct points {
	struct point *v;
	int n, cap;
};

/* @pt with every combination of the lists, the last list fastest. */
static int add_combinations(struct points *l, struct point *pt)
{
	size_t i;

	memset(pt->idx, 0, sizeof(pt->idx));
	for (;;) {
		if (hzb_workload.interleave)
			point_series(pt);
		if (point_possible(pt)) {
			if (l->n == l->cap) {
				l->cap = l->cap ? 2 * l->cap : 64;
				l->v = realloc(l->v, (size_t)l->cap * sizeof(*l->v));
				if (!l->v)
					return -1;
			}
			l->v[l->n++] = *pt;
		}
		for (i = nr_params - 1; i >= 1; i--) {
			if (params[i].n < 2)
				continue;
			if (++pt->idx[i] < params[i].n)
				break;
			pt->idx[i] = 0;
		}
		if (i == 0)
			return 0;
	}
}

/*
 * Every point: designs x variants x each list; with interleave, each
 * combination once, all series in it.
 */
static struct point *enumerate(int *np)
{
	struct param *designs = param_find("designs");
	struct points l = { 0 };
	const char * const *vars;
	struct point pt;
	int nv, v, d;

	memset(&pt, 0, sizeof(pt));
	if (hzb_workload.interleave && add_combinations(&l, &pt))
		return NULL;
	for (d = 0; !hzb_workload.interleave && d < designs->n; d++) {
		pt.design = designs->val[d];
		if (hzb_opt.design && strcmp(hzb_opt.design, "all") && strcmp(hzb_opt.design, pt.design))
			continue;
		vars = variants_of(pt.design, &nv);
		for (v = 0; v < nv; v++) {
			pt.variant = vars[v];
			if (add_combinations(&l, &pt))
				return NULL;
		}
	}
	*np = l.n;
	return l.v;
}

/* boots per point: --boots, else the file's boots = N, else 1. */
static int sweep_boots(void)
{
	return hzb_opt.sweep.boots ? hzb_opt.sweep.boots : hzb_workload.boots;
}

/*
 * Run @run of the sweep, in rounds of @total runs (every point once per
 * round, round K its boot K): its point, and its name, the point's with
 * ".boot-K" when there are boots.
 */
static const struct point *run_id(const struct point *pts, int total, int boots, int run,
				  char *out, size_t len)
{
	const struct point *pt = &pts[run % total];

	point_id(pt, boots > 1 ? run / total + 1 : 0, out, len);
	return pt;
}

/* --dry-run: each run's name; --print-guest-argv: its command line. */
static void list_points(const struct point *pts, int total, const char *dir)
{
	struct hzb_argv a = { .n = 0 };
	const struct point *pt;
	int k, boots = sweep_boots();
	char id[512];
	size_t i;

	for (k = 0; k < total * boots; k++) {
		pt = run_id(pts, total, boots, k, id, sizeof(id));
		if (hzb_opt.print != HZB_PRINT_GUEST_ARGV) {
			printf("%s\n", id);
			continue;
		}
		point_argv(pt, dir, id, &a);
		for (i = 0; i < a.n; i++)
			printf("%s%s", i ? " " : "", a.v[i]);
		printf("\n");
		hzb_argv_free(&a);
	}
}

int hzb_cmd_sweep(void)
{
	const char *out_dir = hzb_opt.sweep.out;
	int resume = hzb_opt.sweep.resume;
	struct workload *w = &hzb_workload;
	struct sigaction sa = { .sa_handler = on_signal };
	char dir[1024], id[512], path[2048], hash[32];
	int total, ran = 0, skipped = 0, failed = 0, k, status, boots = sweep_boots();
	double t0 = hzb_now_s();
	const struct point *pt;
	struct point *pts;

	if (file_hash(w->path, hash, sizeof(hash)))
		return 1;
	if (out_dir && strlen(out_dir) >= sizeof(dir) - 64) {
		fprintf(stderr, "hzbench: --out path too long\n");
		return 2;
	}
	if (out_dir)
		snprintf(dir, sizeof(dir), "%s", out_dir);
	else
		snprintf(dir, sizeof(dir), "results/%.63s%s", w->name, w->quick ? "-quick" : "");
	pts = enumerate(&total);
	if (!pts) {
		fprintf(stderr, "hzbench: %s: no point to run\n", w->path);
		return 2;
	}
	if (hzb_opt.sweep.dry_run || hzb_opt.print) {
		list_points(pts, total, dir);
		free(pts);
		return 0;
	}
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	if (exists(path) && !resume) {
		fprintf(stderr, "hzbench: %s already holds a sweep: --resume continues it, or remove it\n",
			dir);
		return 2;
	}
	snprintf(path, sizeof(path), "mkdir -p '%s'", dir);
	if (system(path)) {
		fprintf(stderr, "hzbench: cannot create %s\n", dir);
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (boots > 1)
		hzb_say("sweep %s: %d points x %d boots into %s%s", w->name, total, boots, dir,
			w->quick ? " (quick)" : "");
	else
		hzb_say("sweep %s: %d points into %s%s", w->name, total, dir,
			w->quick ? " (quick)" : "");

	for (k = 0; k < total * boots && !interrupted; k++) {
		pt = run_id(pts, total, boots, k, id, sizeof(id));
		if (resume && point_done(pt, dir, id)) {
			skipped++;
			continue;
		}
		/* An interleaved point's name starts {series}: name them instead. */
		hzb_say("[%d/%d] %s%s (%.0f s so far)", k + 1, total * boots,
			pt->series[0] ? pt->series : "",
			pt->series[0] ? id + strlen("{series}") : id, hzb_now_s() - t0);
		status = run_point(pt, dir, id, hash);
		if (interrupted || status == 130 || status == 143) {
			interrupted = 1;
			break;
		}
		ran++;
		if (status) {
			failed++;
			fprintf(stderr, "hzbench: point %s failed (exit %d)\n", id, status);
		}
	}
	free(pts);
	if (interrupted) {
		fprintf(stderr, "hzbench: sweep interrupted: %d of %d runs done; the finished ones are in %s, --resume continues\n",
			ran + skipped, total * boots, dir);
		return 130;
	}
	hzb_say("sweep %s: %d runs, %d already done, %d failed, %.0f s; summary in %s/summary.csv",
	    w->name, ran, skipped, failed, hzb_now_s() - t0, dir);
	return failed ? 1 : 0;
}
