// SPDX-License-Identifier: GPL-2.0
/*
 * Torture mode of the hzbench engine, after the kernel's rcutorture and
 * Paul McKenney's hazptrtorture: HZB_IOC_TORTURE_READER and
 * HZB_IOC_TORTURE_WRITER (see include/uapi/hzbench.h).
 *
 * Included by engine.c, never compiled on its own: it uses the engine's
 * pool and calls the design's hzb_acquire()/hzb_release() inline, so
 * torture readers run exactly the fast path the benchmark measures.
 *
 * The check is rcutorture's pipeline.  A writer publishes an object from
 * the pool, marks the one it replaced stage 1, synchronizes on it, then
 * moves every object it retired one stage down the pipeline per update;
 * an object leaves the pipeline at HZB_TORTURE_PIPE_LEN, poisoned, back
 * in the pool.  A reader records the highest stage it sees on each object
 * it holds, once after acquire and once before release.  Stage 0 is the
 * current object and stage 1 one being synchronized on; the writer moves
 * an object to stage 2 only after synchronize returned for it, so a reader
 * that sees stage 2 or more held an object that synchronize had declared
 * free: the design let synchronize return early.  Since the object then
 * stays in the pipeline for HZB_TORTURE_PIPE_LEN - 2 more updates before it
 * is poisoned or reused, a reader that is slow to look still catches it.
 *
 * No false positives: the writer's stores to ->stage are ordered after
 * synchronize returned, which a correct design orders after every access
 * of every reader that held the object; a reader only ever loads ->stage
 * of an object it acquired, whose initialization (stage 0, by
 * hzb_pool_get()) the publishing xchg() orders before the object can be
 * acquired.
 *
 * Readers run hazptrtorture's mix: contexts on the stack, a random number
 * of nested hazard pointers (past the design's slot count), random busy
 * holds, sleeps while holding (designs with HZB_FEAT_SLEEP_IN_READER),
 * preemption while holding, rare long delays, releases out of order, and
 * an hrtimer that reads in hard irq on top of whatever runs on the CPU
 * (designs with HZB_FEAT_IRQ_READER).
 */
#include <linux/hrtimer.h>
#include "hzb_compat.h"
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/vmalloc.h>

/*
 * A torture test is one process (hzbench torture and its threads): its
 * runs that asked to stop at the first violation (HZB_TORT_STOP,
 * HZB_TORTW_STOP) stop at the first one any run of the same test saw,
 * including runs that start after it, a late reader thread.  The test is
 * named by its thread group leader's start time, which no later process
 * shares; hzb_torture_fail_test is the test of the latest violation (0:
 * none yet).
 */
static u64 hzb_torture_fail_test;

/*
 * The shared pointers of torture runs: 0 is the engine's hzb_shared, the
 * others are torture-only and NULL while no torture writer runs (see
 * HZB_TORTURE_MAX_POINTERS).  With several, two writers often retire
 * objects of different pointers at once, and a reader's nested hazard
 * pointers protect objects of different pointers, each retired on its
 * own: the next update no longer waits for the reader of the previous
 * one, so a synchronize that returns too early shows.
 */
static void *hzb_torture_extra[HZB_TORTURE_MAX_POINTERS - 1];

static void **hzb_torture_ptr(u32 i)
{
	return i ? &hzb_torture_extra[i - 1] : &hzb_shared;
}

/* A random pointer of the first @n. */
static void **hzb_torture_pick(struct rnd_state *rnd, u32 n)
{
	return hzb_torture_ptr(n > 1 ? prandom_u32_state(rnd) % n : 0);
}

/*
 * The torture writers' update-side lock for the torture-only pointers: it
 * makes a HZB_TORTW_RELEASE writer's load and store of one a single
 * exchange, as a real user's update-side lock around rcu_assign_pointer()
 * does.  Every writer takes it for them, xchg() ones included: with
 * --unpublish=mixed an unlocked xchg() could land between a release
 * writer's load and store, and both would retire the same object (seen:
 * refcount's synchronize dropping its published reference twice).
 */
static DEFINE_SPINLOCK(hzb_torture_wlock);

/*
 * Store A of the hazard-pointer handshake for a torture-only pointer:
 * replace *@p by @obj under the writers' lock, return the object it
 * unpublishes.  With @release (HZB_TORTW_RELEASE) a store-release, not a
 * full barrier: only synchronize's own barrier (in every design: percpu's
 * smp_mb() before the scan, pairing with the reader's smp_mb() between
 * its slot store and its re-load) orders it before the scan's loads;
 * else xchg(), fully ordered.  Pointer 0 (the engine's, which non-torture
 * updaters xchg() unlocked) is not unpublished here.  Out of line: pointer
 * 0's inline xchg() path stays as short as it was, since the code between
 * Store A and the scan is the window a missing reader barrier must be
 * caught in (torture-broken-no_mb, one pointer, missed percpu's in 240 s
 * with this inlined, and caught it in 57 s without).
 */
static void hzb_race_unpublish(void);	/* race=sb, below */

static noinline struct hzb_obj *hzb_torture_unpublish(void **p, struct hzb_obj *obj,
						      bool release)
{
	struct hzb_obj *old;

	spin_lock(&hzb_torture_wlock);
	if (release) {
		old = READ_ONCE(*p);
		hzb_race_unpublish();
		/*
		 * Orders @obj's initialization before its publication,
		 * pairing with the address dependency of the readers' load
		 * of *p in the design's acquire; nothing here orders it
		 * before the scan.
		 */
		smp_store_release(p, obj);
	} else {
		old = xchg(p, obj);
	}
	spin_unlock(&hzb_torture_wlock);
	return old;
}

static u64 hzb_torture_test(void)
{
	return current->group_leader->start_time | 1;
}

/* Does a run of @test stop for a violation? */
static bool hzb_torture_stopped(bool stop, u64 test)
{
	return stop && READ_ONCE(hzb_torture_fail_test) == test;
}

static void hzb_torture_seed(struct rnd_state *rnd, u32 seed)
{
	prandom_seed_state(rnd, seed ? seed : get_random_u64());
}

/* A random number in [0, n]; 0 when n is 0. */
static u32 hzb_torture_rand(struct rnd_state *rnd, u32 n)
{
	return n ? prandom_u32_state(rnd) % (n + 1) : 0;
}

/* Where one object held by a reader was seen in the pipeline. */
struct hzb_torture_held {
	struct hzb_obj *obj;
	u64 seq;			/* publication number at acquire */
	u32 stage;			/* highest stage seen */
};

/* Verdicts of one context (the task or its irq reader). */
struct hzb_torture_stats {
	u64 pipe[HZB_TORTURE_PIPE_LEN + 1];
	u64 reused;
	u64 violations;
	u64 first_ns;			/* ktime of the first violation, 0: none */
	u64 test;			/* hzb_torture_test() of the run */
};

/* The object's stage, HZB_TORTURE_PIPE_LEN once it is back in the pool. */
static __always_inline u32 hzb_torture_stage(struct hzb_obj *obj)
{
	u32 stage = READ_ONCE(obj->stage);

	if (READ_ONCE(obj->magic) != HZB_OBJ_LIVE)
		return HZB_TORTURE_PIPE_LEN;
	return min_t(u32, stage, HZB_TORTURE_PIPE_LEN);
}

static __always_inline void hzb_torture_look(struct hzb_torture_held *h)
{
	h->stage = max(h->stage, hzb_torture_stage(h->obj));
}

static void hzb_torture_violation(struct hzb_torture_stats *st,
				  const struct hzb_torture_held *h,
				  bool reused, bool irq)
{
	u64 now = ktime_get_ns();

	st->violations++;
	if (!st->first_ns)
		st->first_ns = now;
	/* Also from hard irq, where current is not the reader: st->test. */
	WRITE_ONCE(hzb_torture_fail_test, st->test);
	hzb_count(HZB_CNT_VIOLATIONS);
	if (reused)
		pr_err_ratelimited(HZB_PR_PREFIX "torture: %s reader held object %llu across its reuse: synchronize returned early\n",
				   irq ? "irq" : "task", h->seq);
	else
		pr_err_ratelimited(HZB_PR_PREFIX "torture: %s reader held object %llu at stage %u: synchronize returned early\n",
				   irq ? "irq" : "task", h->seq, h->stage);
}

/* Last look at a held object before release; counts its verdict. */
static __always_inline void hzb_torture_verdict(struct hzb_torture_stats *st,
						struct hzb_torture_held *h,
						bool irq)
{
	bool reused;

	hzb_torture_look(h);
	reused = READ_ONCE(h->obj->seq) != h->seq;
	st->pipe[h->stage]++;
	if (reused)
		st->reused++;
	if (unlikely(h->stage >= 2 || reused))
		hzb_torture_violation(st, h, reused, irq);
}

static __always_inline bool hzb_torture_acquire(struct hzb_ctx *ctx,
						struct hzb_torture_held *h,
						void **ptr)
{
	h->obj = hzb_acquire(ctx, ptr);
	if (!h->obj)
		return false;
	h->seq = READ_ONCE(h->obj->seq);
	h->stage = 0;
	hzb_torture_look(h);
	return true;
}

/* ------------------------------------------------------------------ */
/* Race-window delays (hzb_race() in the designs)                      */
/* ------------------------------------------------------------------ */

/*
 * rcutorture widens its readers' windows with random delays; these widen
 * the designs' own: while race=POINT is selected, one hzb_race(POINT) call
 * in HZB_RACE_ONE_IN spins a random 0..HZB_RACE_MAX_NS.  Spinning, not
 * sleeping: several points run with preemption or interrupts disabled
 * (the publish, migration at sched_out).  The key is only switched by a
 * variant change, with no run active (the text patching never races a
 * reader), so benchmarks and default tortures run the patched-out branch.
 */
DEFINE_STATIC_KEY_FALSE(hzb_race_key);

#define HZB_RACE_MAX_NS		20000
#define HZB_RACE_ONE_IN		4

static const char * const hzb_race_values[] = {
	"off", "load", "publish", "scan", "unchain", "migrate", "all", "sb",
	NULL
};

#define HZB_RACE_ALL		6	/* hzb_race_values[] index of "all" */
#define HZB_RACE_SB		7	/* ... and of "sb" */

static unsigned int hzb_race_sel;	/* index in hzb_race_values[] */
static unsigned long hzb_race_mask;	/* BIT(hzb_race_point) selected */

/*
 * race=sb, store-buffer stuffing.  A missing full barrier between a store
 * and a later load (the reader's Store B / Load A, the writer's Store A /
 * scan) shows only while the store is still in the CPU's store buffer: a
 * few ns when it hits in the cache, too short for the other side to pass
 * (torture-broken-no_mb missed percpu's missing barrier in 240 s).  A
 * spin cannot widen that window, it lets the buffer drain.  What does is
 * an older store that misses: stores leave the buffer in order (x86-TSO),
 * so Store B then waits behind it for a memory access while the loads
 * after it run.  Each stuffing store goes to a random line of a buffer
 * larger than the last-level cache; the barrier, when present, waits for
 * both, so a correct build cannot fail for it.
 */
#define HZB_RACE_SB_BYTES	(64UL << 20)
#define HZB_RACE_SB_WORDS	(HZB_RACE_SB_BYTES / sizeof(unsigned long))
#define HZB_RACE_SB_STRIDE	(L1_CACHE_BYTES / sizeof(unsigned long))

static unsigned long *hzb_race_sb_buf;	/* vmalloc()ed at the first race=sb */
static bool hzb_race_sb;		/* race=sb applied */

static void hzb_race_sb_store(void)
{
	u32 r = get_random_u32();
	size_t i = (size_t)r % (HZB_RACE_SB_WORDS / HZB_RACE_SB_STRIDE);

	WRITE_ONCE(hzb_race_sb_buf[i * HZB_RACE_SB_STRIDE], r);
}

void hzb_race_delay(enum hzb_race_point point)
{
	u32 r;

	if (!(READ_ONCE(hzb_race_mask) & BIT(point)))
		return;
	if (READ_ONCE(hzb_race_sb)) {
		hzb_race_sb_store();
		return;
	}
	r = get_random_u32();
	if (r % HZB_RACE_ONE_IN)
		return;
	hzb_spin_ns((r / HZB_RACE_ONE_IN) % HZB_RACE_MAX_NS);
}

/* The writer's side of race=sb: just before a store-release Store A. */
static void hzb_race_unpublish(void)
{
	if (static_branch_unlikely(&hzb_race_key) && READ_ONCE(hzb_race_sb))
		hzb_race_sb_store();
}

static void hzb_race_knob_reset(void)
{
	hzb_race_sel = 0;
}

static int hzb_race_knob_set(const char *val)
{
	int v;

	for (v = 0; hzb_race_values[v]; v++) {
		if (strcmp(hzb_race_values[v], val))
			continue;
		if (v == HZB_RACE_SB && !hzb_race_sb_buf) {
			/* Kept until module exit: no run can be using it. */
			hzb_race_sb_buf = vzalloc(HZB_RACE_SB_BYTES);
			if (!hzb_race_sb_buf)
				return -ENOMEM;
		}
		hzb_race_sel = v;
		return 0;
	}
	return -EINVAL;
}

static void hzb_race_exit(void)
{
	vfree(hzb_race_sb_buf);
	hzb_race_sb_buf = NULL;
}

/* Under hzb_config_mutex, no run active. */
static void hzb_race_knob_apply(void)
{
	unsigned long mask = 0;

	if (hzb_race_sel == HZB_RACE_ALL)
		mask = BIT(HZB_RACE_NR) - 1;
	else if (hzb_race_sel == HZB_RACE_SB)
		/* The point just before every design's Store B. */
		mask = BIT(HZB_RACE_LOAD);
	else if (hzb_race_sel)
		mask = BIT(hzb_race_sel - 1);
	WRITE_ONCE(hzb_race_sb, hzb_race_sel == HZB_RACE_SB);
	WRITE_ONCE(hzb_race_mask, mask);
	if (mask)
		static_branch_enable(&hzb_race_key);
	else
		static_branch_disable(&hzb_race_key);
}

/*
 * Append race=POINT to the variant when selected (off: nothing, so the
 * default variant string is unchanged), race=off|... to the knobs; @sep:
 * something precedes.
 */
static void hzb_race_knob_format(char *buf, size_t len, bool selected, bool sep)
{
	size_t n;
	int v;

	if (selected) {
		if (hzb_race_sel)
			scnprintf(buf, len, "%srace=%s", sep ? "," : "",
				  hzb_race_values[hzb_race_sel]);
		return;
	}
	n = scnprintf(buf, len, "%srace=", sep ? " " : "");
	for (v = 0; hzb_race_values[v]; v++)
		n += scnprintf(buf + n, len - n, "%s%s", v ? "|" : "",
			       hzb_race_values[v]);
}

/* ------------------------------------------------------------------ */
/* Readers in hard irq                                                 */
/* ------------------------------------------------------------------ */

#define HZB_TORTURE_IRQ_NEST	2
#define HZB_TORTURE_IRQ_HOLD_NS	4096

struct hzb_torture_irq {
	struct hrtimer timer;
	struct rnd_state rnd;
	u64 period_ns;
	u32 pointers;
	/* Written by the timer only; read once it is cancelled. */
	struct hzb_torture_stats st;
	u64 sections;
	u64 acquires;
	u64 null_acquires;
};

/*
 * One short read section in hard irq, on top of whatever the CPU was
 * running: often a task read section of the same design, half-way through
 * its acquire or release.
 */
static enum hrtimer_restart hzb_torture_irq_fn(struct hrtimer *timer)
{
	struct hzb_torture_irq *ti = container_of(timer, struct hzb_torture_irq,
						  timer);
	struct hzb_torture_held held[HZB_TORTURE_IRQ_NEST];
	struct hzb_ctx ctx[HZB_TORTURE_IRQ_NEST];
	u32 rnd = prandom_u32_state(&ti->rnd);
	unsigned int n = 1 + (rnd & 1), i;

	memset(ctx, 0, sizeof(ctx));
	for (i = 0; i < n; i++) {
		if (hzb_torture_acquire(&ctx[i], &held[i],
					hzb_torture_pick(&ti->rnd, ti->pointers)))
			ti->acquires++;
		else
			ti->null_acquires++;
	}
	hzb_spin_ns((rnd >> 1) % HZB_TORTURE_IRQ_HOLD_NS);
	for (i = n; i-- > 0;) {
		if (held[i].obj)
			hzb_torture_verdict(&ti->st, &held[i], true);
		hzb_release(&ctx[i], held[i].obj);
	}
	ti->sections++;
	hrtimer_forward_now(timer, ns_to_ktime(ti->period_ns / 2 +
					    hzb_torture_rand(&ti->rnd, ti->period_ns)));
	return HRTIMER_RESTART;
}

/* ------------------------------------------------------------------ */
/* Readers in task context                                             */
/* ------------------------------------------------------------------ */

/* Per reader run; allocated, except the contexts, which are on the stack. */
struct hzb_torture_rstate {
	struct hzb_torture_reader *r;
	struct rnd_state rnd;
	struct hzb_torture_stats st;
	struct hzb_torture_held held[HZB_MAX_NEST];
	struct hzb_torture_irq irq;
};

/*
 * HZB_TORT_LINGER: an object that is already at stage 1 right after its
 * acquire was unpublished while this reader was acquiring it, the one
 * window where a broken design (no barrier between Store B and Load A)
 * can have a scan miss the reader.  Keep holding until the writer moves
 * it on (a correct design cannot: synchronize waits for this reader) or
 * linger_us passed, so that a too-short synchronize shows as stage 2
 * while the object is still held, instead of after the reader let go.
 */
static void hzb_torture_linger(struct hzb_torture_rstate *s, unsigned int n)
{
	struct hzb_torture_reader *r = s->r;
	unsigned int i;
	u64 end;

	for (i = 0; i < n; i++) {
		if (!s->held[i].obj || hzb_torture_stage(s->held[i].obj) != 1)
			continue;
		r->lingers++;
		end = ktime_get_ns() + (u64)r->linger_us * NSEC_PER_USEC;
		while (hzb_torture_stage(s->held[i].obj) == 1 &&
		       ktime_get_ns() < end)
			cpu_relax();
		return;
	}
}

/* While holding: what hazptrtorture's readers do to their sections. */
static void hzb_torture_hold(struct hzb_torture_rstate *s, unsigned int n)
{
	struct hzb_torture_reader *r = s->r;
	u32 act = prandom_u32_state(&s->rnd);

	if (r->flags & HZB_TORT_LINGER)
		hzb_torture_linger(s, n);

	if (r->hold_ns)
		hzb_spin_ns(hzb_torture_rand(&s->rnd, r->hold_ns));
	if ((r->flags & HZB_TORT_SLEEP) && act % 64 == 0) {
		u32 us = 1 + hzb_torture_rand(&s->rnd, r->sleep_us - 1);

		usleep_range(us, us + us / 8 + 1);
		r->sleeps++;
	} else if ((r->flags & HZB_TORT_PREEMPT) && act % 32 == 1) {
#ifdef CONFIG_PREEMPTION
		/*
		 * An involuntary context switch while holding, as if the
		 * tick had found another task to run: legal in every read
		 * section, even RCU's, where schedule() would not be.
		 */
		preempt_schedule();
#endif
		r->preempts++;
	} else if ((r->flags & HZB_TORT_DELAY) && act % 1024 == 2) {
		hzb_spin_ns((u64)hzb_torture_rand(&s->rnd, r->delay_us) *
			    NSEC_PER_USEC);
		r->delays++;
	}
}

static void hzb_torture_section(struct hzb_torture_rstate *s,
				struct hzb_ctx *ctx)
{
	struct hzb_torture_reader *r = s->r;
	struct hzb_torture_held *held = s->held;
	u32 rnd = prandom_u32_state(&s->rnd);
	unsigned int n, i, k, first;

	/* Half the sections hold one pointer, the others 1..nest. */
	n = (rnd & 1) ? 1 : 1 + (rnd >> 1) % r->nest;
	for (i = 0; i < n; i++) {
		if (hzb_torture_acquire(&ctx[i], &held[i],
					hzb_torture_pick(&s->rnd, r->pointers)))
			r->acquires++;
		else
			r->null_acquires++;
	}
	hzb_torture_hold(s, n);
	/* Release in a random rotation of the acquire order, not LIFO. */
	first = (rnd >> 16) % n;
	for (i = 0; i < n; i++) {
		k = (first + i) % n;
		if (held[k].obj)
			hzb_torture_verdict(&s->st, &held[k], false);
		hzb_release(&ctx[k], held[k].obj);
	}
}

/* An optional parameter: in [min, max] when its flag is set, else 0. */
static bool hzb_torture_bad_param(bool on, u32 val, u32 min, u32 max)
{
	if (!on)
		return val != 0;
	return val < min || val > max;
}

static int hzb_torture_reader_check(const struct hzb_torture_reader *r)
{
	u32 f = r->flags;

	if (f & ~HZB_TORT_READ_FLAGS)
		return -EINVAL;
	if (!r->duration_ns && !r->iterations)
		return -EINVAL;
	if (!r->nest || r->nest > HZB_MAX_NEST || r->hold_ns > NSEC_PER_SEC)
		return -EINVAL;
	if (hzb_torture_bad_param(f & HZB_TORT_SLEEP, r->sleep_us, 1,
				  USEC_PER_SEC) ||
	    hzb_torture_bad_param(f & HZB_TORT_DELAY, r->delay_us, 1,
				  USEC_PER_SEC) ||
	    hzb_torture_bad_param(f & HZB_TORT_IRQ, r->irq_period_us, 10,
				  USEC_PER_SEC) ||
	    hzb_torture_bad_param(f & HZB_TORT_LINGER, r->linger_us, 1,
				  USEC_PER_SEC) || r->pad || r->pad2)
		return -EINVAL;
	if (r->pointers > HZB_TORTURE_MAX_POINTERS)
		return -EINVAL;
	if (memchr_inv(r->reserved, 0, sizeof(r->reserved)))
		return -EINVAL;
	if ((f & HZB_TORT_SLEEP) &&
	    !(HZB_DESIGN_FEATURES & HZB_FEAT_SLEEP_IN_READER))
		return -EOPNOTSUPP;
	if ((f & HZB_TORT_IRQ) && !(HZB_DESIGN_FEATURES & HZB_FEAT_IRQ_READER))
		return -EOPNOTSUPP;
	return 0;
}

/* Time from @start to the earlier of two first violations; 0: none. */
static u64 hzb_torture_first(u64 start, u64 a, u64 b)
{
	u64 t = a && b ? min(a, b) : a | b;

	return t ? max(t - start, 1ULL) : 0;
}

static long hzb_torture_reader_run(struct hzb_torture_reader *r)
{
	struct hzb_ctx ctx[HZB_MAX_NEST];
	struct hzb_torture_rstate *s;
	bool irq = r->flags & HZB_TORT_IRQ;
	u64 start, deadline, switches;
	unsigned int i;
	int ret;

	ret = hzb_torture_reader_check(r);
	if (ret)
		return ret;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->r = r;
	s->st.test = hzb_torture_test();
	s->irq.st.test = s->st.test;
	hzb_torture_seed(&s->rnd, r->seed);
	memset(ctx, 0, sizeof(ctx));
	ret = hzb_design_reader_enter();
	if (ret)
		goto out;

	switches = hzb_task_switches();
	start = ktime_get_ns();
	deadline = r->duration_ns ? start + r->duration_ns : U64_MAX;
	if (irq) {
		hzb_torture_seed(&s->irq.rnd, r->seed ? r->seed + 1 : 0);
		s->irq.period_ns = (u64)r->irq_period_us * NSEC_PER_USEC;
		s->irq.pointers = r->pointers;
		hrtimer_setup(&s->irq.timer, hzb_torture_irq_fn, CLOCK_MONOTONIC,
			      HRTIMER_MODE_REL_PINNED_HARD);
		hrtimer_start(&s->irq.timer, ns_to_ktime(s->irq.period_ns),
			      HRTIMER_MODE_REL_PINNED_HARD);
	}
	while (!r->iterations || r->sections < r->iterations) {
		hzb_torture_section(s, ctx);
		r->sections++;
		if (hzb_torture_stopped(r->flags & HZB_TORT_STOP, s->st.test))
			break;
		if (hzb_loop_done(deadline, &ret))
			break;
	}
	if (irq)
		hrtimer_cancel(&s->irq.timer);
	r->elapsed_ns = ktime_get_ns() - start;
	r->ctx_switches = hzb_task_switches() - switches;
	hzb_design_reader_exit();

	for (i = 0; i <= HZB_TORTURE_PIPE_LEN; i++) {
		r->pipe[i] = s->st.pipe[i];
		r->irq_pipe[i] = s->irq.st.pipe[i];
	}
	r->irq_sections = s->irq.sections;
	r->irq_acquires = s->irq.acquires;
	r->reused = s->st.reused + s->irq.st.reused;
	r->violations = s->st.violations + s->irq.st.violations;
	r->first_violation_ns = hzb_torture_first(start, s->st.first_ns,
						  s->irq.st.first_ns);
	hzb_count_add(HZB_CNT_ACQUIRES, r->acquires + r->null_acquires +
		      s->irq.acquires + s->irq.null_acquires);
	hzb_count_add(HZB_CNT_RELEASES, r->acquires + r->null_acquires +
		      s->irq.acquires + s->irq.null_acquires);
out:
	kfree(s);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Writers                                                             */
/* ------------------------------------------------------------------ */

#define HZB_TORTURE_MAX_BATCH	256

/*
 * Move each object on @aging, whose synchronize has returned, one stage
 * down the pipeline; those at the end (all of them with @flush) go back to
 * the pool.  Returns how many went back.
 */
static u64 hzb_torture_age(struct list_head *aging, bool flush)
{
	struct hzb_obj *obj, *tmp;
	u64 freed = 0;
	u32 stage;

	list_for_each_entry_safe(obj, tmp, aging, pool_node) {
		stage = READ_ONCE(obj->stage) + 1;
		if (stage < HZB_TORTURE_PIPE_LEN && !flush) {
			WRITE_ONCE(obj->stage, stage);
			continue;
		}
		list_del(&obj->pool_node);
		WRITE_ONCE(obj->stage, HZB_TORTURE_PIPE_LEN);
		hzb_pool_put(obj);
		freed++;
	}
	hzb_count_add(HZB_CNT_RECLAIMED, freed);
	return freed;
}

/*
 * Synchronize on the @n objects of @batch, then start them aging.  @t0 is
 * when the timing starts: just before the last unpublication, so that the
 * clock read is not between Store A and the scan.
 */
static void hzb_torture_retire(struct hzb_torture_writer *w,
			       struct hzb_obj **batch, unsigned int n,
			       struct list_head *aging, u64 t0)
{
	unsigned int i;
	u64 ns;

	if (!n)
		return;
#ifdef HZB_HAVE_SYNC_BATCH
	if (n > 1) {
		hzb_synchronize_batch((void **)batch, n);
		hzb_count(HZB_CNT_RETIRE_BATCHES);
	} else {
		hzb_synchronize(batch[0]);
	}
#else
	for (i = 0; i < n; i++)
		hzb_synchronize(batch[i]);
#endif
	ns = ktime_get_ns() - t0;
	w->syncs++;
	w->sync_ns_total += ns;
	w->sync_ns_max = max(w->sync_ns_max, ns);
	hzb_count(HZB_CNT_SYNCS);
#ifndef HZB_FREE_AT_LAST_PUT
	/* Their synchronize returned: from here on, stage 2 and up. */
	for (i = 0; i < n; i++)
		list_add_tail(&batch[i]->pool_node, aging);
	w->freed += hzb_torture_age(aging, false);
#endif
	/*
	 * Else synchronize dropped the published reference: the last holder
	 * frees each object (hzb_obj_free(), stage PIPE_LEN), maybe already.
	 */
}

static int hzb_torture_writer_check(const struct hzb_torture_writer *w)
{
	if (w->flags & ~HZB_TORTW_FLAGS)
		return -EINVAL;
	if (!w->duration_ns && !w->iterations)
		return -EINVAL;
	if (w->interval_us > USEC_PER_SEC || w->batch > HZB_TORTURE_MAX_BATCH)
		return -EINVAL;
	if (hzb_torture_bad_param(w->flags & HZB_TORTW_DELAY, w->delay_us, 1,
				  USEC_PER_SEC))
		return -EINVAL;
	if (memchr_inv(w->reserved, 0, sizeof(w->reserved)) || w->pad2 ||
	    w->pointers > HZB_TORTURE_MAX_POINTERS)
		return -EINVAL;
	return 0;
}

/* @progress: the caller's updates field (HZB_TORTW_PROGRESS), else NULL. */
static long hzb_torture_writer_run(struct hzb_torture_writer *w,
				   u64 __user *progress)
{
	unsigned int batch = w->batch ? w->batch : 1, n = 0;
	bool release = w->flags & HZB_TORTW_RELEASE;
	bool stop = w->flags & HZB_TORTW_STOP;
	struct hzb_obj *obj, *old, **retired;
	u64 start, deadline, t0 = 0, test = hzb_torture_test();
	void **p;
	struct rnd_state rnd;
	LIST_HEAD(aging);
	unsigned int i;
	u32 us;
	int ret;

	ret = hzb_torture_writer_check(w);
	if (ret)
		return ret;
	retired = kmalloc_array(batch, sizeof(*retired), GFP_KERNEL);
	if (!retired)
		return -ENOMEM;
	hzb_torture_seed(&rnd, w->seed);
	start = ktime_get_ns();
	deadline = w->duration_ns ? start + w->duration_ns : U64_MAX;
	while (!w->iterations || w->updates < w->iterations) {
		obj = hzb_pool_get();
		if (!obj) {
			/* Pool empty: drain what is already synchronized. */
			hzb_count(HZB_CNT_POOL_EMPTY);
			hzb_torture_retire(w, retired, n, &aging, ktime_get_ns());
			n = 0;
			w->freed += hzb_torture_age(&aging, true);
			obj = hzb_pool_get();
			if (!obj) {
				ret = -ENOMEM;
				break;
			}
		}
		/* Keep the old object current a little longer, sometimes. */
		if ((w->flags & HZB_TORTW_DELAY) && prandom_u32_state(&rnd) % 16 == 0)
			hzb_spin_ns((u64)hzb_torture_rand(&rnd, w->delay_us) *
				    NSEC_PER_USEC);
		if (n + 1 >= batch)
			t0 = ktime_get_ns();
		/*
		 * Store A of the hazard-pointer handshake: unpublish the old
		 * object.  xchg() is fully ordered: it orders the new
		 * object's initialization (stage 0, live) before its
		 * publication, pairing with the readers' acquire, and the
		 * unpublication before the design's scan.  With
		 * HZB_TORTW_RELEASE a store-release: the first order only,
		 * the second is synchronize's (hzb_torture_unpublish()).
		 * Only the stage store comes between it and the scan: the
		 * smallest window for a missing barrier to hide in.
		 */
		p = hzb_torture_pick(&rnd, w->pointers);
		old = p != &hzb_shared ? hzb_torture_unpublish(p, obj, release) :
			xchg(p, obj);
		if (old) {
			/* Unpublished, not yet synchronized: still legal. */
			WRITE_ONCE(old->stage, 1);
			retired[n++] = old;
		}
		if (n == batch) {
			hzb_torture_retire(w, retired, n, &aging, t0);
			n = 0;
		}
		w->updates++;
		hzb_count(HZB_CNT_RETIRED);
		if (progress && put_user(w->updates, progress)) {
			ret = -EFAULT;
			break;
		}
		us = hzb_torture_rand(&rnd, w->interval_us);
		if (us)
			usleep_range(us, us + us / 8 + 1);
		if (hzb_torture_stopped(stop, test))
			break;
		if (hzb_loop_done(deadline, &ret))
			break;
	}
	/*
	 * Unpublish the torture-only pointers (all of them, whatever this run
	 * used): a writer still running may publish them again, and then
	 * unpublishes them when it ends; the last one out leaves them NULL
	 * for the pool census.  Store A as above.
	 */
	for (i = 1; i < HZB_TORTURE_MAX_POINTERS; i++) {
		p = hzb_torture_ptr(i);
		old = hzb_torture_unpublish(p, NULL, release);
		if (!old)
			continue;
		WRITE_ONCE(old->stage, 1);
		retired[n++] = old;
		if (n == batch) {
			hzb_torture_retire(w, retired, n, &aging, ktime_get_ns());
			n = 0;
		}
	}
	hzb_torture_retire(w, retired, n, &aging, ktime_get_ns());
	w->freed += hzb_torture_age(&aging, true);
	w->elapsed_ns = ktime_get_ns() - start;
	kfree(retired);
	return ret;
}

/* ------------------------------------------------------------------ */
/* ioctls                                                              */
/* ------------------------------------------------------------------ */

/* Outputs start at zero whatever the caller left in them. */
static void hzb_torture_reader_in(struct hzb_torture_reader *r,
				  const struct hzb_torture_reader *in)
{
	memset(r, 0, sizeof(*r));
	r->size = in->size;
	r->flags = in->flags;
	r->duration_ns = in->duration_ns;
	r->iterations = in->iterations;
	r->nest = in->nest;
	r->hold_ns = in->hold_ns;
	r->sleep_us = in->sleep_us;
	r->delay_us = in->delay_us;
	r->irq_period_us = in->irq_period_us;
	r->seed = in->seed;
	r->linger_us = in->linger_us;
	r->pad = in->pad;
	memcpy(r->reserved, in->reserved, sizeof(r->reserved));
	r->pointers = in->pointers;
	r->pad2 = in->pad2;
}

static long hzb_ioctl_torture_reader(void __user *argp)
{
	struct hzb_torture_reader *r;
	long ret;

	/* Two of them: too big for the stack next to the contexts. */
	r = kmalloc_array(2, sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	ret = hzb_copy_in(&r[1], argp, sizeof(*r));
	if (ret)
		goto out;
	hzb_torture_reader_in(r, &r[1]);
	hzb_run_begin();
	ret = hzb_torture_reader_run(r);
	hzb_run_end();
	if (!ret && copy_to_user(argp, r, sizeof(*r)))
		ret = -EFAULT;
out:
	kfree(r);
	return ret;
}

static long hzb_ioctl_torture_writer(void __user *argp)
{
	struct hzb_torture_writer in, w = { };
	struct hzb_pool_census census;
	long ret;

	ret = hzb_copy_in(&in, argp, sizeof(in));
	if (ret)
		return ret;
	/* Outputs start at zero whatever the caller left in them. */
	w.size = in.size;
	w.flags = in.flags;
	w.duration_ns = in.duration_ns;
	w.iterations = in.iterations;
	w.interval_us = in.interval_us;
	w.delay_us = in.delay_us;
	w.seed = in.seed;
	w.batch = in.batch;
	memcpy(w.reserved, in.reserved, sizeof(w.reserved));
	w.pointers = in.pointers;
	w.pad2 = in.pad2;
	hzb_updater_begin();
	ret = hzb_torture_writer_run(&w, (in.flags & HZB_TORTW_PROGRESS) ?
				     argp + offsetof(struct hzb_torture_writer, updates) :
				     NULL);
	if (hzb_updater_end(&census)) {
		w.leak_checked = 1;
		w.pool_free = census.free;
		w.pool_live = census.live;
	}
	w.pool_objects = pool_objects;
	if (!ret && copy_to_user(argp, &w, sizeof(w)))
		ret = -EFAULT;
	return ret;
}
