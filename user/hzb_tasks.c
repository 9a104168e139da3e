// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include "hzb_tasks.h"
#include "../include/uapi/hzbench.h"

int hzb_tasks_dev_fd = -1;

const char *hzb_task_kind_name(enum hzb_task_kind kind)
{
	switch (kind) {
	case HZB_TASK_THREAD:
		return "thread";
	case HZB_TASK_PROCESS:
		return "process";
	case HZB_TASK_THREAD_BLOCK:
		return "thread-block";
	}
	return "?";
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Blocks until the write end closes, then the task ends. */
static void *idle_task_wait(void *arg)
{
	int fd = (int)(long)arg;
	char c;

	while (read(fd, &c, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

/* One section read: the task gets the design's per-task block. */
static void *idle_block_task(void *arg)
{
	struct hzb_reader r = { .size = sizeof(r), .iterations = 1, .nest = 1 };

	/* Best effort: a failed read only leaves this task without one. */
	if (hzb_tasks_dev_fd >= 0)
		(void)ioctl(hzb_tasks_dev_fd, HZB_IOC_READER, &r);
	return idle_task_wait(arg);
}

/* Best effort: let root spawn tens of thousands of tasks. */
static void raise_limit(const char *path, long want)
{
	FILE *f = fopen(path, "r+");
	long cur;

	if (!f)
		return;
	if (fscanf(f, "%ld", &cur) == 1 && cur < want) {
		rewind(f);
		fprintf(f, "%ld\n", want);
	}
	fclose(f);
}

int hzb_tasks_spawn(struct hzb_tasks *t, size_t n, enum hzb_task_kind kind,
		    int progress)
{
	pthread_attr_t attr;
	double t0 = now_s(), last = t0;
	size_t i;
	int err = 0;

	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->pipe[0] = t->pipe[1] = -1;
	if (!n)
		return 0;
	raise_limit("/proc/sys/kernel/threads-max", (long)(2 * n + 4096));
	raise_limit("/proc/sys/kernel/pid_max", (long)(2 * n + 32768));
	raise_limit("/proc/sys/vm/max_map_count", (long)(4 * n + 65536));
	if (pipe(t->pipe))
		return -errno;
	if (kind != HZB_TASK_PROCESS) {
		t->threads = calloc(n, sizeof(*t->threads));
		if (!t->threads)
			return -ENOMEM;
		pthread_attr_init(&attr);
		/* Idle tasks need almost no stack and no guard mapping. */
		pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN);
		pthread_attr_setguardsize(&attr, 0);
	} else {
		t->pids = calloc(n, sizeof(*t->pids));
		if (!t->pids)
			return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		if (kind != HZB_TASK_PROCESS) {
			err = -pthread_create(&t->threads[i], &attr,
					      kind == HZB_TASK_THREAD ?
					      idle_task_wait : idle_block_task,
					      (void *)(long)t->pipe[0]);
		} else {
			pid_t pid = fork();

			if (pid == 0) {
				close(t->pipe[1]);
				idle_task_wait((void *)(long)t->pipe[0]);
				_exit(0);
			}
			if (pid < 0)
				err = -errno;
			else
				t->pids[i] = pid;
		}
		if (err)
			break;
		t->n++;
		if (progress && now_s() - last > 2) {
			last = now_s();
			fprintf(stderr, "hzbench: spawned %zu/%zu tasks\n", t->n, n);
		}
	}
	if (kind != HZB_TASK_PROCESS)
		pthread_attr_destroy(&attr);
	t->spawn_s = now_s() - t0;
	if (err) {
		fprintf(stderr, "hzbench: could only spawn %zu of %zu tasks: %s\n",
			t->n, n, strerror(-err));
		hzb_tasks_stop(t);
	}
	return err;
}

void hzb_tasks_stop(struct hzb_tasks *t)
{
	size_t i;

	if (t->pipe[1] >= 0)
		close(t->pipe[1]);
	for (i = 0; i < t->n; i++) {
		if (t->kind != HZB_TASK_PROCESS)
			pthread_join(t->threads[i], NULL);
		else
			waitpid(t->pids[i], NULL, 0);
	}
	if (t->pipe[0] >= 0)
		close(t->pipe[0]);
	free(t->threads);
	free(t->pids);
	t->threads = NULL;
	t->pids = NULL;
	t->n = 0;
	t->pipe[0] = t->pipe[1] = -1;
}
