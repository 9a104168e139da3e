/* SPDX-License-Identifier: GPL-2.0 */
/* A point's results as JSON, a CSV row and the LKML text block. */
#ifndef HZB_REPORT_H
#define HZB_REPORT_H

#include <stdio.h>
#include "hzb_run.h"

#define HZB_SCHEMA	"hzbench-result/1"

int hzb_write_json(const char *path, const struct hzb_point *p);
int hzb_write_csv(const char *path, const struct hzb_point *p);
void hzb_write_text(FILE *f, const struct hzb_point *p);

#endif
