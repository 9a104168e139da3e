// SPDX-License-Identifier: GPL-2.0
/* Unit test of hzbench's summary statistics and JSON writer. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hzb_json.h"
#include "hzb_stats.h"

static int failures;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);	\
		failures++;						\
	}								\
} while (0)

static int near(double a, double b)
{
	return fabs(a - b) < 1e-9 * (fabs(b) + 1);
}

int main(void)
{
	uint64_t v[100], w[1000];
	double d[20], med, lo, hi;
	struct hzb_summary s;
	char buf[512];
	struct hzb_json j;
	FILE *f;
	int i;

	/* 1..100 shuffled: nearest-rank percentiles are exact. */
	for (i = 0; i < 100; i++)
		v[i] = (uint64_t)((i * 37) % 100 + 1);
	hzb_summarize(v, 100, &s);
	CHECK(s.n == 100);
	CHECK(near(s.min, 1) && near(s.max, 100));
	CHECK(near(s.p50, 50) && near(s.p90, 90) && near(s.p99, 99));
	CHECK(near(s.avg, 50.5));
	hzb_summarize(v, 0, &s);
	CHECK(s.n == 0 && s.p50 == 0);

	/* Median CI of 20 values: order statistics 6 and 15 (1-based). */
	for (i = 0; i < 20; i++)
		d[i] = 20 - i;
	hzb_median_ci(d, 20, &med, &lo, &hi);
	CHECK(near(med, 10.5));
	CHECK(near(lo, 6) && near(hi, 15));
	/* Three values: not enough for 95%, the range is reported. */
	d[0] = 3, d[1] = 1, d[2] = 2;
	hzb_median_ci(d, 3, &med, &lo, &hi);
	CHECK(near(med, 2) && near(lo, 1) && near(hi, 3));
	/* Their real coverage: the range of 3 misses the median 1 time in 4. */
	CHECK(fabs(hzb_median_ci_coverage(3) - 0.75) < 1e-9);
	CHECK(fabs(hzb_median_ci_coverage(5) - 0.9375) < 1e-9);
	/* 20 values, [v(6), v(15)]: 1 - 2 P(X <= 5), X ~ B(20, 1/2) = 0.9586. */
	CHECK(fabs(hzb_median_ci_coverage(20) - 0.958610535) < 1e-6);
	CHECK(hzb_median_ci_coverage(10) >= 0.95);
	CHECK(isnan(hzb_median_ci_coverage(0)));
	/* p99.9 by nearest rank: 1..1000 gives 999. */
	for (i = 0; i < 1000; i++)
		w[i] = (uint64_t)(1000 - i);
	hzb_summarize(w, 1000, &s);
	CHECK(near(s.p999, 999) && near(s.max, 1000));

	f = fmemopen(buf, sizeof(buf), "w");
	hzb_json_init(&j, f);
	hzb_json_obj_begin(&j, NULL);
	hzb_json_str(&j, "s", "a\"b\\c\n");
	hzb_json_u64(&j, "n", 18446744073709551615ULL);
	hzb_json_dbl(&j, "nan", NAN);
	hzb_json_arr_begin(&j, "a");
	hzb_json_u64(&j, NULL, 1);
	hzb_json_u64(&j, NULL, 2);
	hzb_json_arr_end(&j);
	hzb_json_obj_begin(&j, "empty");
	hzb_json_obj_end(&j);
	hzb_json_obj_end(&j);
	fclose(f);
	CHECK(strstr(buf, "\"s\": \"a\\\"b\\\\c\\n\"") != NULL);
	CHECK(strstr(buf, "\"n\": 18446744073709551615,") != NULL);
	CHECK(strstr(buf, "\"nan\": null,") != NULL);
	CHECK(strstr(buf, "\"a\": [\n    1,\n    2\n  ]") != NULL);
	CHECK(strstr(buf, "\"empty\": {}") != NULL);

	/* The one histogram writer: suffixed keys, non-empty buckets only. */
	{
		static struct hzb_hist h;
		char hb[1024];

		h.hist[hzb_hist_index(10)] = 3;	/* exact buckets below 64 */
		h.hist[hzb_hist_index(50)] = 1;
		h.count = 4;
		h.total = 80;
		h.min = 10;
		h.max = 50;
		f = fmemopen(hb, sizeof(hb), "w");
		hzb_json_init(&j, f);
		hzb_json_obj_begin(&j, NULL);
		hzb_json_hist(&j, &h, "_ns", 1);
		hzb_json_obj_end(&j);
		fclose(f);
		CHECK(strstr(hb, "\"avg_ns\": 20,") != NULL);
		CHECK(strstr(hb, "\"min_ns\": 10,") != NULL);
		CHECK(strstr(hb, "\"p50_ns\": 10,") != NULL);
		CHECK(strstr(hb, "\"p99_ns\": 50,") != NULL);
		CHECK(strstr(hb, "\"max_ns\": 50,") != NULL);
		CHECK(strstr(hb, "\"hist\": [\n    [\n      10,\n      10,\n      3\n    ],") != NULL);
	}

	printf("test_stats: %s\n", failures ? "FAIL" : "PASS");
	return failures ? 1 : 0;
}
