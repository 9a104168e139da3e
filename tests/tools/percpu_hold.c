// SPDX-License-Identifier: GPL-2.0
/*
 * Guest side: hazard pointers held past their ioctl (HZB_IOC_HOLD) on
 * /dev/hazptr_percpu, released every way the engine allows:
 *   - UNHOLD by the holder;
 *   - the holder exiting (its files closed in do_exit);
 *   - another process closing the last reference after the holder exited;
 *   - another process closing it while the holder keeps running;
 * for nest below and above the slot count, with migrate=on and off.  A
 * hold must keep an updater's synchronize waiting until it is released;
 * afterwards no per-CPU slot or backup slot may stay in use.
 *
 *   percpu_hold [ROUNDS]    (default 20 per case)
 * Prints "ok"/"FAIL" lines; exits 1 on any failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "hzb_test.h"

#define DEV "/dev/hazptr_percpu"

static void check(int cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void check(int cond, const char *fmt, ...)
{
	va_list ap;

	printf(cond ? "ok   " : "FAIL ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		hzbt_failures++;
}

static int dev_open(void)
{
	return hzbt_open_or_exit(DEV);
}

/* A child updating once: its synchronize must wait for any hold. */
static pid_t updater_start(void)
{
	pid_t pid = fork();

	if (!pid) {
		struct hzb_updater u = { .size = sizeof(u), .iterations = 1 };
		int fd;

		/* Inherited pipes and holds would keep the test waiting. */
		for (fd = 3; fd < 256; fd++)
			close(fd);
		fd = dev_open();

		_exit(ioctl(fd, HZB_IOC_UPDATER, &u) || u.syncs != 1);
	}
	return pid;
}

static int updater_done(pid_t pid, int wait)
{
	int status;

	if (waitpid(pid, &status, wait ? 0 : WNOHANG) != pid)
		return 0;
	return WIFEXITED(status) ? 1 + WEXITSTATUS(status) : 3;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The hold keeps a synchronize waiting; returns the updater's pid. */
static pid_t blocked_updater(const char *what)
{
	pid_t up = updater_start();

	sleep_ms(100);
	check(!updater_done(up, 0), "%s: synchronize waits while held", what);
	return up;
}

static void updater_finishes(pid_t up, const char *what)
{
	check(updater_done(up, 1) == 1, "%s: synchronize returned after release", what);
}

static void quiescent(const char *what)
{
	long busy = hzbt_param("percpu_hazptr", "busy");
	long chained = hzbt_param("percpu_hazptr", "chained");

	check(busy == 0 && chained == 0, "%s: nothing held after (busy=%ld chained=%ld)",
	      what, busy, chained);
}

static void wait_child(pid_t pid, const char *what)
{
	int status;

	check(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      !WEXITSTATUS(status), "%s: child ok", what);
}

static void case_unhold(unsigned int nest, const char *what)
{
	int fd = dev_open();
	pid_t up;

	check(hzbt_hold(fd, nest) == (int)nest, "%s: held %u", what, nest);
	up = blocked_updater(what);
	check(ioctl(fd, HZB_IOC_UNHOLD, 0) == 0, "%s: unhold", what);
	updater_finishes(up, what);
	close(fd);
	quiescent(what);
}

/*
 * The holder exits holding; do_exit() closes its file.  It exits when
 * told to, after the updater was seen waiting: a holder that exited on a
 * timer of its own could beat a parent slowed down by a loaded host, and
 * the updater would finish before it was checked (seen once).
 */
static void case_exit(unsigned int nest, const char *what)
{
	int held[2], go[2];
	pid_t holder, up;
	char c;

	if (pipe(held) || pipe(go))
		exit(1);
	holder = fork();
	if (!holder) {
		int fd = dev_open();

		close(held[0]);
		close(go[1]);
		c = hzbt_hold(fd, nest) == (int)nest;
		if (write(held[1], &c, 1) != 1)
			_exit(1);
		_exit(read(go[0], &c, 1) < 0);	/* EOF: main says go */
	}
	close(held[1]);
	close(go[0]);
	check(read(held[0], &c, 1) == 1 && c, "%s: held %u in child", what, nest);
	close(held[0]);
	up = blocked_updater(what);
	close(go[1]);
	wait_child(holder, what);
	updater_finishes(up, what);
	quiescent(what);
}

/*
 * The holder forks, the child (the heir) keeps the file; the holder exits
 * (which must not release: the file is still open), then the heir closes
 * it: release by another task after the holder exited.
 */
static void case_orphan(unsigned int nest, const char *what)
{
	int go[2], held[2], done[2];
	pid_t holder, up;
	char c = 0;

	if (pipe(go) || pipe(held) || pipe(done))
		exit(1);
	holder = fork();
	if (!holder) {
		int fd = dev_open();

		c = hzbt_hold(fd, nest) == (int)nest;
		if (!fork()) {		/* the heir */
			close(go[1]);
			if (read(go[0], &c, 1) < 0)	/* EOF: main says go */
				_exit(1);
			close(fd);
			c = 1;
			_exit(write(done[1], &c, 1) != 1);
		}
		_exit(write(held[1], &c, 1) != 1);
	}
	close(go[0]);
	close(held[1]);
	close(done[1]);
	check(read(held[0], &c, 1) == 1 && c, "%s: held %u in child", what, nest);
	up = blocked_updater(what);
	wait_child(holder, what);
	sleep_ms(50);
	check(!updater_done(up, 0), "%s: holder gone, heir has the file: still waits", what);
	close(go[1]);
	check(read(done[0], &c, 1) == 1, "%s: heir closed the file", what);
	updater_finishes(up, what);
	close(held[0]);
	close(done[0]);
	quiescent(what);
}

static volatile int spin_stop;

static void *spinner(void *arg)
{
	(void)arg;
	while (!spin_stop)
		;
	return NULL;
}

/*
 * Another process closes the last reference while the holder's threads
 * keep running in user space: release by a foreign task, racing the
 * holder's context switches.
 */
static void case_foreign(unsigned int nest, const char *what)
{
	int fd = dev_open(), i;
	pthread_t t;
	pid_t heir;

	check(hzbt_hold(fd, nest) == (int)nest, "%s: held %u", what, nest);
	spin_stop = 0;
	pthread_create(&t, NULL, spinner, NULL);
	heir = fork();
	if (!heir) {
		sleep_ms(20);
		close(fd);
		_exit(0);
	}
	close(fd);		/* the heir now has the last reference */
	for (i = 0; i < 20000000; i++)
		__asm__ volatile("" ::: "memory");
	wait_child(heir, what);
	spin_stop = 1;
	pthread_join(t, NULL);
	quiescent(what);
}

int main(int argc, char **argv)
{
	static const char * const variants[] = {
		"", "migrate=off", "slots=4,acquire=wildcard,overflow=flip",
		"slots=4,migrate=off,overflow=flip",
	};
	int rounds = argc > 1 ? atoi(argv[1]) : 20;
	static const unsigned int nests[] = { 1, 12 };
	unsigned int v, n;
	char what[160];
	int r, fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
		check(hzbt_set_variant_path(DEV, variants[v]) == 0, "variant '%s'", variants[v]);
		for (n = 0; n < 2; n++) {
			snprintf(what, sizeof(what), "[%s] nest=%u", variants[v], nests[n]);
			case_unhold(nests[n], what);
			case_exit(nests[n], what);
			case_orphan(nests[n], what);
			for (r = 0; r < rounds; r++)
				case_foreign(nests[n], what);
		}
	}
	/* A variant change is refused while something is held. */
	fd = dev_open();
	check(hzbt_hold(fd, 12) == 12, "held 12 for the variant check");
	check(hzbt_set_variant_path(DEV, "slots=4") == EBUSY, "variant change refused while held");
	close(fd);
	check(hzbt_set_variant_path(DEV, "") == 0, "default variant back");
	quiescent("end");
	printf("percpu_hold: %d failure(s)\n", hzbt_failures);
	return hzbt_failures ? 1 : 0;
}
