/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The task population: N idle tasks that exist, blocked, for the whole
 * run, so every for_each_process_thread() walk in the kernel sees them.
 */
#ifndef HZB_TASKS_H
#define HZB_TASKS_H

#include <pthread.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * HZB_TASK_THREAD_BLOCK: idle threads that each first run one one-section
 * read on hzb_tasks_dev_fd, so that each owns the design's per-task block
 * (the per-task design keeps it attached while the task lives: the worst
 * case of its walk, every task a block owner; plain threads are its best
 * case, none).
 */
enum hzb_task_kind { HZB_TASK_THREAD, HZB_TASK_PROCESS, HZB_TASK_THREAD_BLOCK };

/* The design's device, for HZB_TASK_THREAD_BLOCK; -1: none. */
extern int hzb_tasks_dev_fd;

const char *hzb_task_kind_name(enum hzb_task_kind kind);

struct hzb_tasks {
	enum hzb_task_kind kind;
	size_t n;			/* alive */
	int pipe[2];			/* idlers block reading pipe[0] */
	pthread_t *threads;
	pid_t *pids;
	double spawn_s;
};

/* Spawn @n idle tasks; reports progress on stderr for large @n. */
int hzb_tasks_spawn(struct hzb_tasks *t, size_t n, enum hzb_task_kind kind,
		    int progress);
/* Wake them (close the pipe) and reap them. */
void hzb_tasks_stop(struct hzb_tasks *t);

#endif
