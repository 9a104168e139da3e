// SPDX-License-Identifier: GPL-2.0
/* Option tables: getopt, --help, re-serialization from one line each (hzb_optab.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hzb_optab.h"
#include "hzb_vm.h"

#define FIELD(type, base, d)	((type *)((char *)(base) + (d)->off))

/* "3s", "500us", "1500ns": the largest unit that keeps it exact. */
static void fmt_time(uint64_t ns, char *buf, size_t len)
{
	static const struct { uint64_t ns; const char *unit; } units[] = {
		{ 1000000000ULL, "s" }, { 1000000ULL, "ms" }, { 1000ULL, "us" },
	};
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (ns && !(ns % units[i].ns)) {
			snprintf(buf, len, "%" PRIu64 "%s", ns / units[i].ns, units[i].unit);
			return;
		}
	snprintf(buf, len, "%" PRIu64 "ns", ns);
}

static size_t nr_words(const struct hzb_optdef *d)
{
	size_t n = 0;

	while (d->words[n])
		n++;
	return n;
}

/* "a, b or c": the words a line names. */
static void word_list(const struct hzb_optdef *d, char *buf, size_t len)
{
	size_t i, n = d->shown ? (size_t)d->shown : nr_words(d), off = 0;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					!i ? "" : i + 1 == n ? " or " : ", ", d->words[i]);
}

static int word_value(const struct hzb_optdef *d, size_t i)
{
	return d->vals ? d->vals[i] : (int)i;
}

static int is_time(const struct hzb_optdef *d)
{
	return d->type == HZB_T_NS || d->type == HZB_T_US || d->type == HZB_T_SEC;
}

/* A decimal integer, no sign. */
static int parse_uint(const char *arg, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(arg, &end, 10);
	return errno || end == arg || *end || arg[0] == '-' ? -1 : 0;
}

/* Why a number or time of line @d is refused. */
static void range_reason(const struct hzb_optdef *d, char *why, size_t len)
{
	char min[32], max[32];

	fmt_time(d->min, min, sizeof(min));
	fmt_time(d->max, max, sizeof(max));
	if (!is_time(d))
		snprintf(why, len, "expected an integer in [%" PRIu64 ", %" PRIu64 "]",
			 d->min, d->max);
	else if (d->type != HZB_T_SEC)
		snprintf(why, len, "expected a time <= %s, e.g. %s", max, d->sample);
	else if (d->min > 1)
		snprintf(why, len, "expected seconds from %s to %s", min, max);
	else if (d->min)
		snprintf(why, len, "expected seconds > 0 and <= %s, e.g. 5 or 500ms", max);
	else
		snprintf(why, len, "expected seconds <= %s, e.g. 2", max);
}

/* Numbers and times: @v in the field's own type and unit. */
static int set_scalar(const struct hzb_optdef *d, void *base, const char *arg, char *why,
		      size_t len)
{
	uint64_t v;

	if ((is_time(d) ? hzb_parse_time_ns(arg, d->unit, &v) : parse_uint(arg, &v)) ||
	    v < d->min || v > d->max) {
		range_reason(d, why, len);
		return -1;
	}
	if (d->type == HZB_T_INT)
		*FIELD(int, base, d) = (int)v;
	else if (d->type == HZB_T_UINT)
		*FIELD(unsigned int, base, d) = (unsigned int)v;
	else if (d->type == HZB_T_ULONG)
		*FIELD(unsigned long, base, d) = (unsigned long)v;
	else if (d->type == HZB_T_NS)
		*FIELD(uint64_t, base, d) = v;
	else if (d->type == HZB_T_US)
		*FIELD(unsigned int, base, d) = (unsigned int)(v / 1000);
	else
		*FIELD(double, base, d) = v / 1e9;
	return 0;
}

static int set_word(const struct hzb_optdef *d, void *base, const char *arg, char *why,
		    size_t len)
{
	size_t i;

	for (i = 0; d->words[i]; i++) {
		if (strcmp(arg, d->words[i]))
			continue;
		if (d->type == HZB_T_WORD)
			*FIELD(int, base, d) = word_value(d, i);
		else
			*FIELD(const char *, base, d) = d->words[i];
		return 0;
	}
	snprintf(why, len, "expected ");
	word_list(d, why + strlen(why), len - strlen(why));
	return -1;
}

static int set_typed(const struct hzb_optdef *d, void *base, const char *arg, char *why,
		     size_t len)
{
	switch (d->type) {
	case HZB_T_FLAG:
		*FIELD(int, base, d) = d->val;
		return 0;
	case HZB_T_STR:
		if (d->max && strlen(arg) > d->max) {
			snprintf(why, len, "%s", d->expect);
			return -1;
		}
		*FIELD(const char *, base, d) = arg;
		return 0;
	case HZB_T_INT:
	case HZB_T_UINT:
	case HZB_T_ULONG:
	case HZB_T_NS:
	case HZB_T_US:
	case HZB_T_SEC:
		return set_scalar(d, base, arg, why, len);
	case HZB_T_WORD:
	case HZB_T_WORDSTR:
		return set_word(d, base, arg, why, len);
	case HZB_T_FUNC:
		if (d->parse(FIELD(void, base, d), arg)) {
			snprintf(why, len, "%s", d->expect);
			return -1;
		}
		return 0;
	case HZB_T_ACTION:
		d->action();
		return 0;
	}
	return -1;
}

int hzb_optab_set(const struct hzb_optdef *d, void *base, const char *arg, char *why,
		  size_t len)
{
	if (d->check && d->check(arg)) {
		if (d->expect_list)
			snprintf(why, len, "expected a list of %s", d->expect_list());
		else
			snprintf(why, len, "%s", d->expect);
		return -1;
	}
	if (set_typed(d, base, arg, why, len))
		return -1;
	if (d->after)
		d->after(base);
	return 0;
}

int hzb_optab_check(const struct hzb_optab *t, const struct hzb_optdef *d, const char *arg,
		    char *why, size_t len)
{
	void *scratch = malloc(t->size);
	int ret;

	if (!scratch)
		abort();
	memcpy(scratch, t->base, t->size);
	ret = hzb_optab_set(d, scratch, arg, why, len);
	free(scratch);
	return ret;
}

void hzb_optab_init(struct hzb_optab *t)
{
	t->defaults = malloc(t->size);
	t->seen = calloc(t->n, 1);
	if (!t->defaults || !t->seen)
		abort();
	memcpy(t->defaults, t->base, t->size);
}

static int takes_arg(const struct hzb_optdef *d)
{
	return d->type != HZB_T_FLAG && d->type != HZB_T_ACTION;
}

/* getopt's struct option array and short-option string for @t. */
static struct option *getopt_arrays(const struct hzb_optab *t, char *shorts, size_t len)
{
	struct option *o = calloc(t->n + 1, sizeof(*o));
	size_t i, k = 0;

	if (!o)
		abort();
	for (i = 0; i < t->n; i++) {
		const struct hzb_optdef *d = &t->defs[i];

		o[i].name = d->name;
		o[i].has_arg = takes_arg(d) ? required_argument : no_argument;
		o[i].val = d->short_name ? d->short_name : 256 + (int)i;
		if (d->short_name && k + 3 < len) {
			shorts[k++] = (char)d->short_name;
			if (takes_arg(d))
				shorts[k++] = ':';
		}
	}
	shorts[k] = '\0';
	return o;
}

static const struct hzb_optdef *by_getopt_val(const struct hzb_optab *t, int c)
{
	size_t i;

	if (c >= 256 && (size_t)(c - 256) < t->n)
		return &t->defs[c - 256];
	for (i = 0; i < t->n; i++)
		if (t->defs[i].short_name == c)
			return &t->defs[i];
	return NULL;
}

int hzb_optab_getopt(struct hzb_optab *t, int argc, char **argv)
{
	const struct hzb_optdef *d;
	struct option *longs;
	char shorts[128], why[256];
	int c;

	longs = getopt_arrays(t, shorts, sizeof(shorts));
	optind = 1;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		d = by_getopt_val(t, c);
		if (!d)
			exit(2);	/* getopt printed the reason */
		if (hzb_optab_set(d, t->base, optarg, why, sizeof(why)))
			hzb_usage_error("--%s=%s: %s", d->name, optarg, why);
		t->seen[d - t->defs] = 1;
	}
	free(longs);
	return optind;
}

const struct hzb_optdef *hzb_optab_find(const struct hzb_optab *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->defs[i].name, name))
			return &t->defs[i];
	return NULL;
}

int hzb_optab_seen(const struct hzb_optab *t, const char *name)
{
	const struct hzb_optdef *d = hzb_optab_find(t, name);

	return d && t->seen[d - t->defs];
}

static int str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

int hzb_optab_is_default(const struct hzb_optab *t, const struct hzb_optdef *d)
{
	const void *now = t->base, *def = t->defaults;

	switch (d->type) {
	case HZB_T_FLAG:
		return *FIELD(const int, now, d) != d->val || *FIELD(const int, def, d) == d->val;
	case HZB_T_STR:
	case HZB_T_WORDSTR:
		return str_eq(*FIELD(const char *const, now, d), *FIELD(const char *const, def, d));
	case HZB_T_INT:
	case HZB_T_UINT:
	case HZB_T_WORD:
		return *FIELD(const int, now, d) == *FIELD(const int, def, d);
	case HZB_T_ULONG:
		return *FIELD(const unsigned long, now, d) == *FIELD(const unsigned long, def, d);
	case HZB_T_NS:
		return *FIELD(const uint64_t, now, d) == *FIELD(const uint64_t, def, d);
	case HZB_T_US:
		return *FIELD(const unsigned int, now, d) == *FIELD(const unsigned int, def, d);
	case HZB_T_SEC:
		return *FIELD(const double, now, d) == *FIELD(const double, def, d);
	case HZB_T_FUNC:
	case HZB_T_ACTION:
		break;
	}
	return 1;
}

static const char *word_of(const struct hzb_optdef *d, int v)
{
	size_t i;

	for (i = 0; d->words[i]; i++)
		if (word_value(d, i) == v)
			return d->words[i];
	return "";	/* e.g. --target's VM_AUTO: none given */
}

void hzb_optab_format(const struct hzb_optab *t, const struct hzb_optdef *d, char *buf,
		      size_t len)
{
	const void *b = t->base;
	const char *s;

	buf[0] = '\0';
	switch (d->type) {
	case HZB_T_STR:
	case HZB_T_WORDSTR:
		s = *FIELD(const char *const, b, d);
		snprintf(buf, len, "%s", s ? s : "");
		break;
	case HZB_T_INT:
		snprintf(buf, len, "%d", *FIELD(const int, b, d));
		break;
	case HZB_T_UINT:
		snprintf(buf, len, "%u", *FIELD(const unsigned int, b, d));
		break;
	case HZB_T_ULONG:
		snprintf(buf, len, "%lu", *FIELD(const unsigned long, b, d));
		break;
	case HZB_T_NS:
		fmt_time(*FIELD(const uint64_t, b, d), buf, len);
		break;
	case HZB_T_US:
		fmt_time(*FIELD(const unsigned int, b, d) * 1000ULL, buf, len);
		break;
	case HZB_T_SEC:
		fmt_time((uint64_t)llround(*FIELD(const double, b, d) * 1e9), buf, len);
		break;
	case HZB_T_WORD:
		snprintf(buf, len, "%s", word_of(d, *FIELD(const int, b, d)));
		break;
	case HZB_T_FLAG:
		snprintf(buf, len, "%d", *FIELD(const int, b, d) == d->val);
		break;
	case HZB_T_FUNC:
	case HZB_T_ACTION:
		break;
	}
}

/* Lines that own their field: what re-serialization and the dump cover. */
static int owns_field(const struct hzb_optdef *d)
{
	return !(d->flags & (HZB_O_ALIAS | HZB_O_HIDDEN)) && d->type != HZB_T_FUNC &&
	       d->type != HZB_T_ACTION;
}

void hzb_optab_argv(const struct hzb_optab *t, enum hzb_optab_dest dest, struct hzb_argv *a)
{
	unsigned int skip = dest == HZB_TO_GUEST ? HZB_O_HOST | HZB_O_RUNNER : HZB_O_NOPOINT;
	char val[512];
	size_t i;

	for (i = 0; i < t->n; i++) {
		const struct hzb_optdef *d = &t->defs[i];

		if ((d->flags & skip) || !owns_field(d) || hzb_optab_is_default(t, d))
			continue;
		if (d->type == HZB_T_FLAG) {
			hzb_argv_add(a, "--%s", d->name);
			continue;
		}
		hzb_optab_format(t, d, val, sizeof(val));
		hzb_argv_add(a, "--%s=%s", d->name, dest == HZB_TO_GUEST && (d->flags & HZB_O_PATH) ?
			     hzb_base_name(val) : val);
	}
}

static void help_line(const struct hzb_optdef *d, int col, FILE *f)
{
	const char *arg = d->arg, *s, *nl;
	char left[128];
	int n;

	n = snprintf(left, sizeof(left), "  %c%c%c --%s%s%s", d->short_name ? '-' : ' ',
		     d->short_name ? d->short_name : ' ', d->short_name ? ',' : ' ', d->name,
		     arg ? "=" : "", arg ? arg : "");
	fprintf(f, "%s%*s", left, n < col ? col - n : 2, "");
	for (s = d->help; (nl = strchr(s, '\n')); s = nl + 1)
		fprintf(f, "%.*s\n%*s", (int)(nl - s), s, col, "");
	fprintf(f, "%s\n", s);
}

void hzb_optab_help(const struct hzb_optab *t, FILE *f)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (t->defs[i].flags & HZB_O_HIDDEN)
			continue;
		if (t->defs[i].section)
			fprintf(f, "\n%s:\n", t->defs[i].section);
		help_line(&t->defs[i], t->help_col, f);
	}
}

void hzb_optab_dump(const struct hzb_optab *t, FILE *f)
{
	char val[512];
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (!owns_field(&t->defs[i]))
			continue;
		hzb_optab_format(t, &t->defs[i], val, sizeof(val));
		fprintf(f, "%s=%s\n", t->defs[i].name, val);
	}
}

void hzb_optab_list(const struct hzb_optab *t, FILE *f)
{
	static const struct { unsigned int flag; const char *name; } names[] = {
		{ HZB_O_HOST, "host" }, { HZB_O_RUNNER, "runner" }, { HZB_O_NOPOINT, "nopoint" },
		{ HZB_O_ALIAS, "alias" }, { HZB_O_PATH, "path" }, { HZB_O_HIDDEN, "hidden" },
	};
	size_t i, k;

	for (i = 0; i < t->n; i++) {
		const struct hzb_optdef *d = &t->defs[i];

		fprintf(f, "%s\t%s", d->name, d->type == HZB_T_ACTION ? "action" :
			d->type == HZB_T_FLAG ? "flag" : "value");
		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (d->flags & names[k].flag)
				fprintf(f, ",%s", names[k].name);
		fprintf(f, "\t%s\t%s\n", d->sample ? d->sample : "", d->sample_with ? d->sample_with : "");
	}
}
