// SPDX-License-Identifier: GPL-2.0
/*
 * hzb_pingpong - the context-switch cost of a design's hook: two reader
 * threads on one CPU hand it to each other with yield() inside the
 * module's reader loop (HZB_READ_PASS, HZB_READ_PASS_AFTER), one switch
 * per read section, the threads never leaving the kernel.  Run in the
 * user-mode Linux guest by tools/notifier-cost.sh; prints key=value lines.
 *
 *   hzb_pingpong -d DEV [-V VARIANT] [-N SECTIONS] [-R ROUNDS] MODE
 *     MODE  solo     one reader, no yield: ns per read section
 *           after    two readers, yield() after each release (a reader
 *                    that holds nothing: its block, if the design gives it
 *                    one, is attached; the hook runs with no slot held)
 *           holding  two readers, yield() while holding one hazard pointer
 *
 * Both threads run SCHED_FIFO at one priority on CPU 0, so yield() always
 * hands over to the other (sched_yield semantics: to the tail of the run
 * queue); the RT throttle is lifted (sched_rt_runtime_us = -1) so that it
 * never pauses the pair.  ns per switch = the longer reader's elapsed time
 * over the switches of both.  Exit status 1 when a round fails (an ioctl
 * error, a violation, too few switches).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "../include/uapi/hzbench.h"

#define MAX_ROUNDS	101

struct pp_thread {
	pthread_t tid;
	pthread_barrier_t *start;
	int fd;
	int fifo;
	struct hzb_reader r;
	int err;
};

static void usage_error(const char *why)
{
	fprintf(stderr, "hzb_pingpong: %s\n"
		"usage: hzb_pingpong -d DEV [-V VARIANT] [-N SECTIONS] [-R ROUNDS] solo|after|holding\n",
		why);
	exit(2);
}

static int on_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static void *pp_fn(void *arg)
{
	struct pp_thread *t = arg;
	struct sched_param sp = { .sched_priority = 50 };

	if (on_cpu0())
		t->err = errno;
	if (t->fifo && sched_setscheduler(0, SCHED_FIFO, &sp))
		t->err = errno;
	pthread_barrier_wait(t->start);
	if (!t->err && ioctl(t->fd, HZB_IOC_READER, &t->r))
		t->err = errno;
	return NULL;
}

/* One round of @nthreads readers; 0 and the figures, or -1. */
static int round_once(int fd, int nthreads, uint32_t flags, uint64_t sections,
		      int fifo, double *ns, double *per_section)
{
	struct pp_thread t[2];
	pthread_barrier_t start;
	uint64_t switches = 0, elapsed = 0, done = 0;
	int i;

	pthread_barrier_init(&start, NULL, nthreads);
	for (i = 0; i < nthreads; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].start = &start;
		t[i].fd = fd;
		t[i].fifo = fifo;
		t[i].r.size = sizeof(t[i].r);
		t[i].r.flags = flags;
		t[i].r.iterations = sections;
		t[i].r.nest = 1;
		if (pthread_create(&t[i].tid, NULL, pp_fn, &t[i])) {
			fprintf(stderr, "hzb_pingpong: pthread_create failed\n");
			exit(1);
		}
	}
	for (i = 0; i < nthreads; i++)
		pthread_join(t[i].tid, NULL);
	pthread_barrier_destroy(&start);
	for (i = 0; i < nthreads; i++) {
		if (t[i].err) {
			fprintf(stderr, "hzb_pingpong: reader: %s\n", strerror(t[i].err));
			return -1;
		}
		if (t[i].r.violations) {
			fprintf(stderr, "hzb_pingpong: %llu violations\n",
				(unsigned long long)t[i].r.violations);
			return -1;
		}
		switches += t[i].r.ctx_switches;
		done += t[i].r.sections;
		if (t[i].r.elapsed_ns > elapsed)
			elapsed = t[i].r.elapsed_ns;
	}
	*per_section = (double)elapsed / (double)t[0].r.sections;
	if (nthreads == 1) {
		*ns = *per_section;
		return 0;
	}
	/* A ping-pong switches once per section (the last ones excepted). */
	if (switches < done * 9 / 10) {
		fprintf(stderr, "hzb_pingpong: %llu switches for %llu sections: no ping-pong\n",
			(unsigned long long)switches, (unsigned long long)done);
		return -1;
	}
	*ns = (double)elapsed / (double)switches;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	const char *dev = NULL, *variant = "", *mode;
	long sections = 50000, rounds = 9;
	double ns, per_section, sorted[MAX_ROUNDS];
	struct hzb_variant v = { .size = sizeof(v) };
	struct hzb_info info = { .size = sizeof(info) };
	uint32_t flags;
	int fd, nthreads, fifo = 1, opt, i;
	FILE *f;

	while ((opt = getopt(argc, argv, "d:V:N:R:")) != -1) {
		switch (opt) {
		case 'd': dev = optarg; break;
		case 'V': variant = optarg; break;
		case 'N': sections = atol(optarg); break;
		case 'R': rounds = atol(optarg); break;
		default: usage_error("unknown option");
		}
	}
	if (!dev)
		usage_error("-d DEV is required");
	if (optind != argc - 1)
		usage_error("one MODE expected");
	if (sections < 100 || rounds < 1 || rounds > MAX_ROUNDS)
		usage_error("-N wants >= 100, -R 1..101");
	mode = argv[optind];
	if (!strcmp(mode, "solo")) {
		nthreads = 1;
		flags = 0;
	} else if (!strcmp(mode, "after")) {
		nthreads = 2;
		flags = HZB_READ_PASS_AFTER;
	} else if (!strcmp(mode, "holding")) {
		nthreads = 2;
		flags = HZB_READ_YIELD | HZB_READ_PASS;
	} else {
		usage_error("MODE is solo, after or holding");
	}
	fd = open(dev, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "hzb_pingpong: %s: %s\n", dev, strerror(errno));
		return 1;
	}
	snprintf(v.spec, sizeof(v.spec), "%s", variant);
	if (ioctl(fd, HZB_IOC_SET_VARIANT, &v)) {
		fprintf(stderr, "hzb_pingpong: variant '%s': %s\n", variant, strerror(errno));
		return 1;
	}
	if (ioctl(fd, HZB_IOC_INFO, &info)) {
		fprintf(stderr, "hzb_pingpong: INFO: %s\n", strerror(errno));
		return 1;
	}
	/* No RT throttling: it would pause the pair mid-round. */
	f = fopen("/proc/sys/kernel/sched_rt_runtime_us", "w");
	if (!f || fprintf(f, "-1\n") < 0 || fclose(f)) {
		fprintf(stderr, "hzb_pingpong: cannot lift the RT throttle: SCHED_OTHER\n");
		fifo = 0;
	}
	if (on_cpu0())
		fprintf(stderr, "hzb_pingpong: cannot pin to CPU 0: %s\n", strerror(errno));
	for (i = 0; i < rounds; i++) {
		if (round_once(fd, nthreads, flags, sections, fifo, &ns, &per_section))
			return 1;
		sorted[i] = ns;
	}
	qsort(sorted, rounds, sizeof(sorted[0]), cmp_double);
	printf("design=%s\nvariant=%s\nmode=%s\npolicy=%s\nsections=%ld\nrounds=%ld\n",
	       info.design, info.variant, mode, fifo ? "fifo" : "other", sections, rounds);
	printf("%s_ns_min=%.2f\n%s_ns_p50=%.2f\n%s_ns_max=%.2f\n",
	       nthreads == 1 ? "section" : "switch", sorted[0],
	       nthreads == 1 ? "section" : "switch", sorted[rounds / 2],
	       nthreads == 1 ? "section" : "switch", sorted[rounds - 1]);
	close(fd);
	return 0;
}
