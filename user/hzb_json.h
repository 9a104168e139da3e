/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer: enough for hzbench's result files, with
 * correct string escaping and comma placement.
 */
#ifndef HZB_JSON_H
#define HZB_JSON_H

#include <stdint.h>
#include <stdio.h>

#define HZB_JSON_DEPTH 16

struct hzb_json {
	FILE *f;
	int depth;
	int count[HZB_JSON_DEPTH];	/* members written at each level */
};

void hzb_json_init(struct hzb_json *j, FILE *f);
void hzb_json_obj_begin(struct hzb_json *j, const char *key);
void hzb_json_obj_end(struct hzb_json *j);
void hzb_json_arr_begin(struct hzb_json *j, const char *key);
void hzb_json_arr_end(struct hzb_json *j);
void hzb_json_str(struct hzb_json *j, const char *key, const char *val);
void hzb_json_u64(struct hzb_json *j, const char *key, uint64_t val);
void hzb_json_i64(struct hzb_json *j, const char *key, int64_t val);
void hzb_json_dbl(struct hzb_json *j, const char *key, double val);
void hzb_json_bool(struct hzb_json *j, const char *key, int val);
void hzb_json_null(struct hzb_json *j, const char *key);

#endif
