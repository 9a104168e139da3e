// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <inttypes.h>
#include <string.h>
#include "hzb_json.h"

void hzb_json_init(struct hzb_json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->count[0] = 0;
}

static void put_string(FILE *f, const char *s)
{
	/* Escaped as backslash + the same index of @as: '"', '\\', newline, tab. */
	static const char esc[] = "\"\\\n\t", as[] = "\"\\nt";

	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		const char *e = strchr(esc, c);

		if (e)
			fprintf(f, "\\%c", as[e - esc]);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* Comma, newline, indentation and "key": for the next member. */
static void member(struct hzb_json *j, const char *key)
{
	if (j->count[j->depth]++)
		fputc(',', j->f);
	if (j->depth) {
		fputc('\n', j->f);
		fprintf(j->f, "%*s", 2 * j->depth, "");
	}
	if (key) {
		put_string(j->f, key);
		fputs(": ", j->f);
	}
}

static void open_level(struct hzb_json *j, const char *key, char c)
{
	member(j, key);
	fputc(c, j->f);
	if (j->depth + 1 < HZB_JSON_DEPTH)
		j->count[++j->depth] = 0;
}

static void close_level(struct hzb_json *j, char c)
{
	int had = j->count[j->depth];

	if (j->depth)
		j->depth--;
	if (had)
		fprintf(j->f, "\n%*s", 2 * j->depth, "");
	fputc(c, j->f);
	if (!j->depth)
		fputc('\n', j->f);
}

void hzb_json_obj_begin(struct hzb_json *j, const char *key)
{
	open_level(j, key, '{');
}

void hzb_json_obj_end(struct hzb_json *j)
{
	close_level(j, '}');
}

void hzb_json_arr_begin(struct hzb_json *j, const char *key)
{
	open_level(j, key, '[');
}

void hzb_json_arr_end(struct hzb_json *j)
{
	close_level(j, ']');
}

void hzb_json_str(struct hzb_json *j, const char *key, const char *val)
{
	member(j, key);
	if (val)
		put_string(j->f, val);
	else
		fputs("null", j->f);
}

void hzb_json_u64(struct hzb_json *j, const char *key, uint64_t val)
{
	member(j, key);
	fprintf(j->f, "%" PRIu64, val);
}

void hzb_json_i64(struct hzb_json *j, const char *key, int64_t val)
{
	member(j, key);
	fprintf(j->f, "%" PRId64, val);
}

void hzb_json_dbl(struct hzb_json *j, const char *key, double val)
{
	member(j, key);
	if (isfinite(val))
		fprintf(j->f, "%.15g", val);
	else
		fputs("null", j->f);
}

void hzb_json_bool(struct hzb_json *j, const char *key, int val)
{
	member(j, key);
	fputs(val ? "true" : "false", j->f);
}

void hzb_json_null(struct hzb_json *j, const char *key)
{
	member(j, key);
	fputs("null", j->f);
}
