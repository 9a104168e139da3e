// SPDX-License-Identifier: GPL-2.0
/*
 * Store-buffering litmus test (SB): can this machine show the outcome
 * that a missing full barrier allows?
 *
 *   thread 0: x = 1; [mb?] r0 = y;      thread 1: y = 1; [mb?] r1 = x;
 *
 * r0 == 0 && r1 == 0 is forbidden with the barriers (mfence) and allowed
 * without them on x86 (TSO: a store may wait in the store buffer while a
 * later load goes ahead).  Counts the forbidden outcome over N rounds, so
 * it tells whether a barrier-removal mutant can fail at all on this host,
 * e.g. in the TCG guest of the mutation suite:
 *
 *   sb_litmus [--mb | --mb-other] [--stuff=K] [--gap=G] [--rounds=N]
 *
 * (default 10000000 rounds, no barrier).  --mb fences both threads;
 * --mb-other only thread 1, so that thread 0's store-to-load window is
 * the one tested, as a writer's Store A and scan are in a mutant without
 * synchronize's barrier.  Thread 0 can widen or narrow that window:
 * --stuff=K stores to K cold lines (one random page of a 64 MB buffer)
 * just before its store, as torture's race=sb does; --gap=G runs G
 * iterations of a dependent loop between its store and its load, standing
 * in for the code between Store A and the scan.  So it tells how long a
 * path a barrier-removal mutant's window survives on this host.
 *
 * Prints "sb_litmus: rounds=N mb=0|1|other stuff=K gap=G reordered=K
 * seconds=S"; exit 0, 2 on usage errors.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct line { _Atomic long v; char pad[64 - sizeof(long)]; } __attribute__((aligned(64)));

static struct line x, y, r[2], go, done;
static long rounds = 10000000;
static int use_mb;		/* 1: both threads fence; 2: thread 1 only */
static int stuff, gap;		/* thread 0's --stuff and --gap */
static unsigned long *stuff_buf;

#define STUFF_WORDS	((64UL << 20) / sizeof(unsigned long))
#define PAGE_WORDS	(4096 / sizeof(unsigned long))
#define LINE_WORDS	(64 / sizeof(unsigned long))
#define PAGE_LINES	(PAGE_WORDS / LINE_WORDS)

/* --stuff: K stores to lines of one random page, in stride-37 order. */
static void stuff_stores(unsigned int *seed, long val)
{
	volatile unsigned long *pg = stuff_buf +
		(unsigned long)rand_r(seed) % (STUFF_WORDS / PAGE_WORDS) * PAGE_WORDS;

	for (int k = 0; k < stuff; k++)
		pg[(unsigned long)k * 37 % PAGE_LINES * LINE_WORDS +
		   (unsigned long)k / PAGE_LINES % LINE_WORDS] = (unsigned long)val;
}

/* --gap: G dependent iterations, each a load and a store of one word. */
static void gap_loop(void)
{
	volatile unsigned long acc = 0;

	for (int g = 0; g < gap; g++)
		acc = acc + 1;
}

/* Spin until @l reads @want; yield now and then (the host may be busy). */
static void wait_for(struct line *l, long want)
{
	for (unsigned int n = 1; atomic_load_explicit(&l->v, memory_order_acquire) != want; n++)
		if (!(n & 1023))
			sched_yield();
}

/* A few random spins, so the two sides meet at varying offsets. */
static void jitter(unsigned int *seed, unsigned int mask)
{
	for (volatile unsigned int n = rand_r(seed) & mask; n; n--)
		;
}

static long side(long me, long i, unsigned int *seed)
{
	struct line *mine = me ? &y : &x, *other = me ? &x : &y;

	jitter(seed, me ? 63 : 511);
	if (!me && stuff)
		stuff_stores(seed, i);
	atomic_store_explicit(&mine->v, 1, memory_order_relaxed);
	if (use_mb == 1 || (use_mb == 2 && me))
		atomic_thread_fence(memory_order_seq_cst);
	else
		atomic_signal_fence(memory_order_seq_cst);	/* compiler only */
	if (!me)
		gap_loop();
	atomic_store_explicit(&r[me].v, atomic_load_explicit(&other->v, memory_order_relaxed),
			      memory_order_relaxed);
	return i;
}

/* Thread 1: waits for each round's go, runs its side, says done. */
static void *follower(void *arg)
{
	unsigned int seed = 2;

	(void)arg;
	for (long i = 1; i <= rounds; i++) {
		wait_for(&go, i);
		atomic_store_explicit(&done.v, side(1, i, &seed), memory_order_release);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	unsigned int seed = 1;
	struct timespec a, b;
	long reordered = 0;
	pthread_t t;

	static const struct option opts[] = {
		{ "mb", no_argument, NULL, 'm' },
		{ "mb-other", no_argument, NULL, 'o' },
		{ "stuff", required_argument, NULL, 's' },
		{ "gap", required_argument, NULL, 'g' },
		{ "rounds", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char *end;
	long val;
	int c;

	while ((c = getopt_long(argc, argv, "mos:g:n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			use_mb = 1;
			break;
		case 'o':
			use_mb = 2;
			break;
		case 's':
		case 'g':
			val = strtol(optarg, &end, 10);
			if (*end || val < 0 || val > 100000) {
				fprintf(stderr, "sb_litmus: --%s wants 0..100000\n",
					c == 's' ? "stuff" : "gap");
				return 2;
			}
			*(c == 's' ? &stuff : &gap) = (int)val;
			break;
		case 'n':
			rounds = strtol(optarg, &end, 10);
			if (*end || rounds <= 0) {
				fprintf(stderr, "sb_litmus: --rounds wants a positive number\n");
				return 2;
			}
			break;
		case 'h':
			printf("usage: sb_litmus [--mb | --mb-other] [--stuff=K] [--gap=G] [--rounds=N]\n");
			return 0;
		default:
			fprintf(stderr, "usage: sb_litmus [--mb | --mb-other] [--stuff=K] [--gap=G] [--rounds=N]\n");
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "sb_litmus: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (stuff) {
		stuff_buf = calloc(STUFF_WORDS, sizeof(*stuff_buf));
		if (!stuff_buf) {
			fprintf(stderr, "sb_litmus: no memory for --stuff's 64 MB\n");
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	pthread_create(&t, NULL, follower, NULL);
	for (long n = 1; n <= rounds; n++) {
		atomic_store(&x.v, 0);
		atomic_store(&y.v, 0);
		atomic_store_explicit(&go.v, n, memory_order_release);
		side(0, n, &seed);
		wait_for(&done, n);
		if (!atomic_load(&r[0].v) && !atomic_load(&r[1].v))
			reordered++;
	}
	pthread_join(t, NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("sb_litmus: rounds=%ld mb=%s stuff=%d gap=%d reordered=%ld seconds=%.1f\n",
	       rounds, use_mb == 2 ? "other" : use_mb ? "1" : "0", stuff, gap, reordered,
	       (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
	return 0;
}
