// SPDX-License-Identifier: GPL-2.0
/*
 * The hzbench workload engine: misc device, ioctl dispatch, reader and
 * updater loops, object pool, counters, calibration floors.
 *
 * This file is not compiled on its own: each design module has a two-line
 * engine.c that includes its design header and then this file, so the
 * reader loop below calls that design's hzb_acquire()/hzb_release() as
 * static inlines (see hzb_common.h).
 *
 * A design may #define HZB_HAVE_SYNC_BATCH and provide
 * hzb_synchronize_batch(void **ptrs, unsigned int n) to reclaim a batch of
 * retired objects with one call of its synchronize function; otherwise
 * batches are synchronized one object at a time.  A design whose
 * synchronize functions return an int (0, or a negative errno when they
 * refuse, e.g. the caller holds the object itself) #defines
 * HZB_SYNC_CAN_FAIL; the objects of a refused call are not freed.
 *
 * A design that #defines HZB_FREE_AT_LAST_PUT (the refcount baseline)
 * frees objects itself: its hzb_synchronize() drops the reference the
 * published pointer held, and whoever drops the last reference, updater
 * or reader, calls hzb_obj_free().  The engine then never puts a retired
 * object back in the pool after synchronize.
 */
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#ifndef HZB_DESIGN_NAME
#error "include the design header before engine.c"
#endif

#define HZB_PR_PREFIX HZB_DESIGN_NAME "-hzbench: "

/* Objects in the pool; retired objects wait in FIFO order before reuse. */
static unsigned int pool_objects = 8192;
module_param(pool_objects, uint, 0444);
MODULE_PARM_DESC(pool_objects, "Objects in the engine's pool (default 8192)");

/* Variant selected at load time, "k=v,k=v"; see the knobs in INFO. */
static char *variant;
module_param(variant, charp, 0444);
MODULE_PARM_DESC(variant, "Initial variant, e.g. \"slots=4,acquire=wildcard\"");

void *hzb_shared;
DEFINE_PER_CPU(u64 [HZB_NR_COUNTERS], hzb_counters_pcpu);

/* Runs in progress; the variant only changes when this is zero. */
static atomic_t hzb_active = ATOMIC_INIT(0);
/* Serializes variant changes against run starts. */
static DEFINE_MUTEX(hzb_config_mutex);

bool hzb_engine_busy(void)
{
	return atomic_read(&hzb_active) != 0;
}

#include "native.c"

/* ------------------------------------------------------------------ */
/* Optional design members (hzb_common.h)                              */
/* ------------------------------------------------------------------ */

#ifndef HZB_HAVE_DESIGN_EXIT
void hzb_design_exit(void)
{
}
#endif

#ifndef HZB_HAVE_DESIGN_APPLY
int hzb_design_apply(void)
{
	return 0;
}
#endif

#ifndef HZB_HAVE_READER_HOOKS
int hzb_design_reader_enter(void)
{
	return 0;
}

void hzb_design_reader_exit(void)
{
}
#endif

#ifndef HZB_HAVE_LOCK_ADDRS
u32 hzb_design_lock_addrs(u64 *addrs, u32 cap)
{
	return 0;
}
#endif

#ifndef HZB_HOOKS
#define HZB_HOOKS	""
#endif

/* ------------------------------------------------------------------ */
/* Object pool                                                         */
/* ------------------------------------------------------------------ */

static struct hzb_obj *pool_mem;
static LIST_HEAD(pool_free);
static DEFINE_RAW_SPINLOCK(pool_lock);
static u64 pool_seq;

/*
 * pool_lock is taken with interrupts off: with HZB_FREE_AT_LAST_PUT a
 * reader in hard irq (torture's hrtimer) may drop an object's last
 * reference and free it.  A raw lock: on PREEMPT_RT a spinlock_t sleeps,
 * which hard irq context must not (the hrtimer is _HARD there too).  Its
 * sections are one list operation, and the end-of-run census walk.
 */
static struct hzb_obj *hzb_pool_get(void)
{
	struct hzb_obj *obj;
	unsigned long flags;

	raw_spin_lock_irqsave(&pool_lock, flags);
	obj = list_first_entry_or_null(&pool_free, struct hzb_obj, pool_node);
	if (obj) {
		list_del(&obj->pool_node);
		obj->seq = ++pool_seq;
	}
	raw_spin_unlock_irqrestore(&pool_lock, flags);
	if (!obj)
		return NULL;
	refcount_set(&obj->ref, 1);
	obj->stage = 0;
	WRITE_ONCE(obj->magic, HZB_OBJ_LIVE);
	return obj;
}

/*
 * Called once synchronize has returned for @obj: nobody may still read it.
 * Poison it so a reader that a broken design let through sees the poison,
 * then queue it at the tail so it stays poisoned as long as possible.
 */
static void hzb_pool_put(struct hzb_obj *obj)
{
	unsigned long flags;

	WRITE_ONCE(obj->magic, HZB_OBJ_POISON);
	raw_spin_lock_irqsave(&pool_lock, flags);
	list_add_tail(&obj->pool_node, &pool_free);
	raw_spin_unlock_irqrestore(&pool_lock, flags);
}

/*
 * HZB_FREE_AT_LAST_PUT designs: the last reference to @obj is gone (the
 * design ordered every earlier holder's accesses before this call).  Mark
 * it past the end of the torture pipeline, so that a torture reader a
 * broken design let keep it sees a violation, and put it back in the pool.
 */
void hzb_obj_free(struct hzb_obj *obj)
{
	WRITE_ONCE(obj->stage, HZB_TORTURE_PIPE_LEN);
	hzb_pool_put(obj);
	hzb_count(HZB_CNT_RECLAIMED);
}

static int hzb_pool_init(void)
{
	unsigned int i;

	if (pool_objects < 16 || pool_objects > (1U << 20))
		return -EINVAL;
	pool_mem = vzalloc(array_size(pool_objects, sizeof(*pool_mem)));
	if (!pool_mem)
		return -ENOMEM;
	for (i = 0; i < pool_objects; i++) {
		pool_mem[i].magic = HZB_OBJ_POISON;
		list_add_tail(&pool_mem[i].pool_node, &pool_free);
	}
	hzb_shared = hzb_pool_get();
	return 0;
}

static void hzb_pool_exit(void)
{
	vfree(pool_mem);
}

/* ------------------------------------------------------------------ */
/* Counters and info                                                   */
/* ------------------------------------------------------------------ */

static void hzb_counters_sum(u64 *val)
{
	int cpu, i;

	memset(val, 0, sizeof(u64) * HZB_NR_COUNTERS);
	for_each_possible_cpu(cpu)
		for (i = 0; i < HZB_NR_COUNTERS; i++)
			val[i] += per_cpu(hzb_counters_pcpu[i], cpu);
}

static void hzb_counters_reset(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(&hzb_counters_pcpu, cpu), 0,
		       sizeof(hzb_counters_pcpu));
}

static void hzb_race_knob_format(char *buf, size_t len, bool selected, bool sep);

static void hzb_format_knobs(char *buf, size_t len, bool selected)
{
	const struct hzb_knob *k;
	size_t n = 0;
	int v;

	buf[0] = '\0';
	for (k = hzb_design_knobs; k->name && n < len; k++) {
		if (selected) {
			n += scnprintf(buf + n, len - n, "%s%s=%s",
				       n ? "," : "", k->name, k->values[*k->cur]);
			continue;
		}
		n += scnprintf(buf + n, len - n, "%s%s=", n ? " " : "",
			       k->name);
		for (v = 0; k->values[v]; v++)
			n += scnprintf(buf + n, len - n, "%s%s", v ? "|" : "",
				       k->values[v]);
	}
	hzb_race_knob_format(buf + n, len - n, selected, n);
}

static void hzb_fill_info(struct hzb_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->abi_version = HZB_ABI_VERSION;
	strscpy(info->design, HZB_DESIGN_NAME, sizeof(info->design));
	strscpy(info->sync_func, HZB_SYNC_FUNC, sizeof(info->sync_func));
	strscpy(info->hooks, "module=" KBUILD_MODNAME " " HZB_HOOKS, sizeof(info->hooks));
	hzb_format_knobs(info->variant, sizeof(info->variant), true);
	hzb_format_knobs(info->knobs, sizeof(info->knobs), false);
	info->features = HZB_DESIGN_FEATURES;
	info->cpu_id_limit = nr_cpu_ids;
	info->nr_online_cpus = num_online_cpus();
	info->bytes_per_ctx = sizeof(struct hzb_ctx);
	info->max_nest = HZB_MAX_NEST;
	info->pool_objects = pool_objects;
	/* The design fills slots, bytes per CPU / task, locks, broken. */
	hzb_design_fill_info(info);
}

/* ------------------------------------------------------------------ */
/* Variants                                                            */
/* ------------------------------------------------------------------ */

/* The engine's own knob, race= (torture.c). */
static void hzb_race_knob_reset(void);
static int hzb_race_knob_set(const char *val);
static void hzb_race_knob_apply(void);
static void hzb_race_exit(void);

static void hzb_knobs_reset(void)
{
	const struct hzb_knob *k;

	for (k = hzb_design_knobs; k->name; k++)
		*k->cur = k->def;
	hzb_race_knob_reset();
}

static int hzb_knob_set(const char *key, const char *val)
{
	const struct hzb_knob *k;
	int v;

	if (!strcmp(key, "race"))
		return hzb_race_knob_set(val);
	for (k = hzb_design_knobs; k->name; k++) {
		if (strcmp(k->name, key))
			continue;
		for (v = 0; k->values[v]; v++) {
			if (!strcmp(k->values[v], val)) {
				*k->cur = v;
				return 0;
			}
		}
		return -EINVAL;
	}
	return -EINVAL;
}

/* Reset to defaults, apply @spec ("k=v,k=v", may be empty), validate. */
static int hzb_variant_set(const char *spec)
{
	char *buf, *cur, *pair, *eq;
	int ret = 0;

	buf = kstrdup(spec ? spec : "", GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	hzb_knobs_reset();
	cur = buf;
	while ((pair = strsep(&cur, ",")) != NULL) {
		if (!*pair)
			continue;
		eq = strchr(pair, '=');
		if (!eq) {
			ret = -EINVAL;
			break;
		}
		*eq = '\0';
		ret = hzb_knob_set(pair, eq + 1);
		if (ret)
			break;
	}
	kfree(buf);
	if (!ret)
		ret = hzb_design_apply();
	if (ret) {
		/* Never leave a half-applied variant behind. */
		hzb_knobs_reset();
		hzb_design_apply();
	}
	hzb_race_knob_apply();
	return ret;
}

/* ------------------------------------------------------------------ */
/* Runs                                                                */
/* ------------------------------------------------------------------ */

static int hzb_run_begin(void)
{
	mutex_lock(&hzb_config_mutex);
	atomic_inc(&hzb_active);
	mutex_unlock(&hzb_config_mutex);
	return 0;
}

static void hzb_run_end(void)
{
	atomic_dec(&hzb_active);
}

/* Updater runs (plain and torture) in progress. */
static atomic_t hzb_updaters = ATOMIC_INIT(0);

static void hzb_updater_begin(void)
{
	mutex_lock(&hzb_config_mutex);
	atomic_inc(&hzb_active);
	atomic_inc(&hzb_updaters);
	mutex_unlock(&hzb_config_mutex);
}

/*
 * The pool's leak check: with no updater running, every object is on the
 * free list except the published one, and only that one is marked live.
 */
struct hzb_pool_census {
	u64 free;
	u64 live;
};

static void hzb_pool_census(struct hzb_pool_census *c)
{
	struct hzb_obj *obj;
	unsigned int i;

	unsigned long flags;

	c->free = 0;
	c->live = 0;
	raw_spin_lock_irqsave(&pool_lock, flags);
	list_for_each_entry(obj, &pool_free, pool_node)
		c->free++;
	for (i = 0; i < pool_objects; i++)
		if (READ_ONCE(pool_mem[i].magic) == HZB_OBJ_LIVE)
			c->live++;
	raw_spin_unlock_irqrestore(&pool_lock, flags);
}

/*
 * The census of a design that frees at the last put: a reader may still
 * hold a retired object when the last updater ends (nothing waited for
 * it), and frees it when its section ends.  Give the readers' sections up
 * to 2 s to end before counting what is neither free nor current.
 */
static void hzb_pool_census_settled(struct hzb_pool_census *c)
{
#ifdef HZB_FREE_AT_LAST_PUT
	u64 end = ktime_get_ns() + 2 * NSEC_PER_SEC;

	for (;;) {
		hzb_pool_census(c);
		if (c->free + 1 >= pool_objects || ktime_get_ns() >= end)
			return;
		usleep_range(10000, 20000);
	}
#else
	hzb_pool_census(c);
#endif
}

/*
 * End an updater run.  The last one out takes the pool census into @c
 * (when given) and returns true; updaters start under the same mutex, so
 * none runs while it counts.
 */
static bool hzb_updater_end(struct hzb_pool_census *c)
{
	bool census;

	mutex_lock(&hzb_config_mutex);
	census = atomic_dec_and_test(&hzb_updaters) && c;
	if (census)
		hzb_pool_census_settled(c);
	mutex_unlock(&hzb_config_mutex);
	hzb_run_end();
	return census;
}

/* Busy-wait on ktime: udelay() disagrees with ktime under TCG. */
static void hzb_spin_ns(u64 ns)
{
	u64 end = ktime_get_ns() + ns;

	while (ktime_get_ns() < end)
		cpu_relax();
}

static u64 hzb_task_switches(void)
{
	return current->nvcsw + current->nivcsw;
}

/*
 * The end of one turn of every timed loop (readers, updaters, use cases,
 * torture): true when the loop should stop, at @deadline or on a signal
 * (then *ret = -EINTR); otherwise yield, since these loops run for seconds
 * in ioctl context.
 */
static bool hzb_loop_done(u64 deadline, int *ret)
{
	if (ktime_get_ns() >= deadline)
		return true;
	if (signal_pending(current)) {
		*ret = -EINTR;
		return true;
	}
	cond_resched();
	return false;
}

/* An updater's pacing between updates (--interval), 10 us of slack. */
static void hzb_pace(u64 interval_ns)
{
	if (interval_ns)
		usleep_range(interval_ns / NSEC_PER_USEC, interval_ns / NSEC_PER_USEC + 10);
}

/*
 * One read section: acquire nest hazard pointers to the shared object,
 * check them, hold, release in reverse order.  The contexts live on this
 * stack frame, as a real user's would.
 */
static __always_inline void hzb_read_section(struct hzb_reader *r,
					     struct hzb_ctx *ctx, void **held)
{
	struct hzb_obj *obj;
	unsigned int i;

	for (i = 0; i < r->nest; i++) {
		held[i] = hzb_acquire(&ctx[i], &hzb_shared);
		obj = held[i];
		if (unlikely(!obj)) {
			r->null_acquires++;
			continue;
		}
		r->acquires++;
		if (unlikely(READ_ONCE(obj->magic) != HZB_OBJ_LIVE))
			r->violations++;
	}
	if (r->hold_ns)
		hzb_spin_ns(r->hold_ns);
	if (r->flags & HZB_READ_SLEEP)
		usleep_range(r->sleep_us, r->sleep_us + r->sleep_us / 8 + 1);
	/*
	 * PASS and PASS_AFTER hand the CPU to the next runnable task: two
	 * such readers on one CPU switch once per section, a ping-pong that
	 * measures the context-switch hooks (tools/hzb_pingpong.c).
	 */
	if (r->flags & HZB_READ_PASS)
		yield();
	else if (r->flags & HZB_READ_YIELD)
		schedule();
	/* A slow or preempted reader must still see a live object. */
	for (i = 0; i < r->nest; i++) {
		obj = held[i];
		if (obj && unlikely(READ_ONCE(obj->magic) != HZB_OBJ_LIVE))
			r->violations++;
	}
	for (i = r->nest; i-- > 0;)
		hzb_release(&ctx[i], held[i]);
	if (r->flags & HZB_READ_PASS_AFTER)
		yield();
}

static int hzb_reader_check(const struct hzb_reader *r)
{
	if (r->flags & ~HZB_READ_FLAGS)
		return -EINVAL;
	if (!r->duration_ns && !r->iterations)
		return -EINVAL;
	if (!r->nest || r->nest > HZB_MAX_NEST)
		return -EINVAL;
	if (r->hold_ns > NSEC_PER_SEC || r->sleep_us > USEC_PER_SEC || r->pad)
		return -EINVAL;
	if (!(r->flags & HZB_READ_SLEEP) && r->sleep_us)
		return -EINVAL;
	/* PASS is a way of yielding while holding: it needs YIELD. */
	if ((r->flags & HZB_READ_PASS) && !(r->flags & HZB_READ_YIELD))
		return -EINVAL;
	if ((r->flags & (HZB_READ_SLEEP | HZB_READ_YIELD)) &&
	    !(HZB_DESIGN_FEATURES & HZB_FEAT_SLEEP_IN_READER))
		return -EOPNOTSUPP;
	if (memchr_inv(r->reserved, 0, sizeof(r->reserved)))
		return -EINVAL;
	return 0;
}

static long hzb_reader_run(struct hzb_reader *r)
{
	struct hzb_ctx ctx[HZB_MAX_NEST];
	void *held[HZB_MAX_NEST];
	u64 start, deadline, switches;
	unsigned int check;
	int ret;

	ret = hzb_reader_check(r);
	if (ret)
		return ret;
	memset(ctx, 0, sizeof(ctx));
	ret = hzb_design_reader_enter();
	if (ret)
		return ret;

	/*
	 * Sections between clock reads: keep ktime off the fast path.  A
	 * power-of-two mask, not a modulo: a 64-bit div per section showed
	 * up in the reader's ns/op.
	 */
	check = (r->hold_ns || r->flags) ? 0 : 63;
	switches = hzb_task_switches();
	start = ktime_get_ns();
	deadline = r->duration_ns ? start + r->duration_ns : U64_MAX;
	while (!r->iterations || r->sections < r->iterations) {
		hzb_read_section(r, ctx, held);
		r->sections++;
		if (r->sections & check)
			continue;
		if (hzb_loop_done(deadline, &ret))
			break;
	}
	r->elapsed_ns = ktime_get_ns() - start;
	r->ctx_switches = hzb_task_switches() - switches;
	hzb_design_reader_exit();
	hzb_count_add(HZB_CNT_ACQUIRES, r->acquires + r->null_acquires);
	hzb_count_add(HZB_CNT_RELEASES, r->acquires + r->null_acquires);
	hzb_count_add(HZB_CNT_VIOLATIONS, r->violations);
	if (r->violations)
		pr_err(HZB_PR_PREFIX "reader saw %llu freed objects: synchronize returned early\n",
		       r->violations);
	return ret;
}

struct hzb_sync_timer {
	struct hzb_updater *u;
	u64 __user *samples;
	u64 *ksamples;		/* set: samples kept here (the async worker) */
	int err;
	bool cold;		/* HZB_UPD_COLD: evict before each synchronize */
};

static void hzb_sync_record(struct hzb_sync_timer *t, u64 ns)
{
	struct hzb_updater *u = t->u;

	u->syncs++;
	u->sync_ns_total += ns;
	u->sync_ns_min = min(u->sync_ns_min, ns);
	u->sync_ns_max = max(u->sync_ns_max, ns);
	if (u->samples_n < u->samples_cap && !t->err) {
		if (t->ksamples)
			t->ksamples[u->samples_n++] = ns;
		else if (put_user(ns, t->samples + u->samples_n))
			t->err = -EFAULT;
		else
			u->samples_n++;
	}
}

#ifdef HZB_SYNC_CAN_FAIL
#define hzb_sync_call(call)	(call)
#else
#define hzb_sync_call(call)	({ call; 0; })
#endif

/*
 * Reclaim the retired objects in @batch, then free them.  A design with a
 * batch synchronize reclaims them all with one call (one scan, one timing
 * sample); otherwise each object gets its own synchronize.  Either way one
 * timing sample and one HZB_CNT_SYNCS per call of the design's function.
 * If the design refuses (HZB_SYNC_CAN_FAIL), the batch is not freed: its
 * objects stay live and out of the pool for the module's lifetime, since
 * someone may still read them, and the error is returned.
 */
static int hzb_reclaim(struct hzb_sync_timer *t, void **batch,
		       unsigned int n)
{
	unsigned int i;
	int err = 0;
	u64 t0;

	if (!n)
		return 0;
#ifdef HZB_HAVE_SYNC_BATCH
	if (t->cold)
		hzb_evict();
	t0 = hzb_clock_ns();
	err = hzb_sync_call(hzb_synchronize_batch(batch, n));
	if (err)
		return err;
	hzb_sync_record(t, hzb_clock_ns() - t0);
	hzb_count(HZB_CNT_SYNCS);
#else
	for (i = 0; i < n; i++) {
		if (t->cold)
			hzb_evict();
		t0 = hzb_clock_ns();
		err = hzb_sync_call(hzb_synchronize(batch[i]));
		if (err)
			return err;
		hzb_sync_record(t, hzb_clock_ns() - t0);
		hzb_count(HZB_CNT_SYNCS);
	}
#endif
#ifndef HZB_FREE_AT_LAST_PUT
	/* Else the last reference's holder freed them, or will. */
	for (i = 0; i < n; i++)
		hzb_pool_put(batch[i]);
	hzb_count_add(HZB_CNT_RECLAIMED, n);
#endif
	if (n > 1)
		hzb_count(HZB_CNT_RETIRE_BATCHES);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Asynchronous reclaim (HZB_UPD_ASYNC)                                */
/* ------------------------------------------------------------------ */

/* Samples an async run keeps in the kernel until its end (8 MB). */
#define HZB_ASYNC_SAMPLES_MAX	BIT(20)

/*
 * The updater puts each retired object, with its retire time, in a ring
 * and hands whole batches to a reclaim worker (one kthread per updater
 * run), then goes on without waiting.  The worker takes the batches in
 * order and reclaims each with hzb_reclaim(), the call and the batch size
 * of the synchronous path, so both designs batch alike, and frees them.
 * An entry is the updater's from tail until the worker takes it (head):
 * the objects between head and tail are out of the pool and not the
 * published one, fewer than pool_objects, so a ring of pool_objects
 * entries never overflows.  When the whole pool is backlog the updater
 * waits for the worker to free some (async_waits).
 *
 * lock orders the ring's entries, indexes and hurry between the two threads:
 * the updater fills an entry before it moves tail and ready under the
 * lock, the worker copies entries out after reading ready under the lock
 * and only then moves head, which frees them for reuse.
 */
struct hzb_async {
	spinlock_t lock;		/* the ring's indexes; see above */
	wait_queue_head_t work_wq;	/* the worker waits for batches */
	wait_queue_head_t free_wq;	/* the updater waits for frees */
	struct task_struct *worker;
	struct hzb_sync_timer *t;	/* the worker's synchronize timing */
	struct hzb_updater *u;		/* reclaim figures (the worker writes) */
	void **ring;
	u64 *when;			/* retire time of each entry */
	void **batch;			/* the worker's batch */
	u64 *batch_when;
	u64 *lat;			/* reclaim latency samples */
	u32 lat_cap;
	unsigned int cap, size;		/* ring entries; batch size */
	bool hurry;			/* failed run: drain in HZB_MAX_BATCH */
	u64 tail;			/* retired: the updater's */
	u64 ready;			/* handed to the worker */
	u64 head;			/* taken by the worker */
	u64 freed;			/* reclaimed and freed by the worker */
	int err;			/* the first reclaim error */
};

static bool hzb_async_pending(struct hzb_async *a)
{
	bool pending;

	spin_lock(&a->lock);
	pending = a->head != a->ready;
	spin_unlock(&a->lock);
	return pending;
}

/* Reclaim the ready batches in order; the objects of a refused one leak. */
static void hzb_async_drain(struct hzb_async *a)
{
	struct hzb_updater *u = a->u;
	u64 head, ready, now, ns;
	unsigned int n, i;
	int err;

	for (;;) {
		spin_lock(&a->lock);
		head = a->head;
		ready = a->ready;
		n = a->hurry ? HZB_MAX_BATCH : a->size;
		spin_unlock(&a->lock);
		if (head == ready)
			return;
		n = min_t(u64, ready - head, n);
		for (i = 0; i < n; i++) {
			a->batch[i] = a->ring[(head + i) % a->cap];
			a->batch_when[i] = a->when[(head + i) % a->cap];
		}
		spin_lock(&a->lock);
		a->head = head + n;
		spin_unlock(&a->lock);
		err = hzb_reclaim(a->t, a->batch, n);
		now = ktime_get_ns();
		if (err && !a->err)
			WRITE_ONCE(a->err, err);
		for (i = 0; i < n && !err; i++) {
			ns = now - a->batch_when[i];
			u->reclaimed++;
			u->reclaim_ns_total += ns;
			u->reclaim_ns_max = max(u->reclaim_ns_max, ns);
			if (u->reclaim_samples_n < a->lat_cap)
				a->lat[u->reclaim_samples_n++] = ns;
		}
		spin_lock(&a->lock);
		a->freed += n;
		spin_unlock(&a->lock);
		wake_up(&a->free_wq);
	}
}

static int hzb_async_worker(void *arg)
{
	struct hzb_async *a = arg;

	while (!kthread_should_stop()) {
		/* Idle sleep: a long backlog-free stretch is not a hung task. */
		wait_event_idle(a->work_wq,
				hzb_async_pending(a) || kthread_should_stop());
		hzb_async_drain(a);
	}
	/* The updater handed over its last batch before stopping us. */
	hzb_async_drain(a);
	return 0;
}

static void hzb_async_free(struct hzb_async *a)
{
	kvfree(a->ring);
	kvfree(a->when);
	kvfree(a->batch);
	kvfree(a->batch_when);
	kvfree(a->lat);
	kfree(a);
}

static struct hzb_async *hzb_async_start(struct hzb_updater *u,
					 struct hzb_sync_timer *t,
					 unsigned int batch)
{
	struct hzb_async *a = kzalloc(sizeof(*a), GFP_KERNEL);

	if (!a)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&a->lock);
	init_waitqueue_head(&a->work_wq);
	init_waitqueue_head(&a->free_wq);
	a->t = t;
	a->u = u;
	a->cap = pool_objects;
	a->size = batch;
	a->lat_cap = min_t(u32, u->reclaim_samples_cap, HZB_ASYNC_SAMPLES_MAX);
	a->ring = kvmalloc_array(a->cap, sizeof(*a->ring), GFP_KERNEL);
	a->when = kvmalloc_array(a->cap, sizeof(*a->when), GFP_KERNEL);
	/* Room for a hurried drain's batches (hzb_async_stop()). */
	a->batch = kvmalloc_array(HZB_MAX_BATCH, sizeof(*a->batch), GFP_KERNEL);
	a->batch_when = kvmalloc_array(HZB_MAX_BATCH, sizeof(*a->batch_when), GFP_KERNEL);
	if (a->lat_cap)
		a->lat = kvmalloc_array(a->lat_cap, sizeof(*a->lat), GFP_KERNEL);
	/* The worker records synchronize timings; the updater copies them. */
	u->samples_cap = min_t(u32, u->samples_cap, HZB_ASYNC_SAMPLES_MAX);
	if (u->samples_cap)
		t->ksamples = kvmalloc_array(u->samples_cap, sizeof(u64), GFP_KERNEL);
	if (!a->ring || !a->when || !a->batch || !a->batch_when || (a->lat_cap && !a->lat) ||
	    (u->samples_cap && !t->ksamples)) {
		kvfree(t->ksamples);
		t->ksamples = NULL;
		hzb_async_free(a);
		return ERR_PTR(-ENOMEM);
	}
	a->worker = kthread_run(hzb_async_worker, a, "hzb_reclaim");
	if (IS_ERR(a->worker)) {
		int err = PTR_ERR(a->worker);

		kvfree(t->ksamples);
		t->ksamples = NULL;
		hzb_async_free(a);
		return ERR_PTR(err);
	}
	return a;
}

/* Queue @obj, retired now; hand the batch over once it is whole. */
static void hzb_async_retire(struct hzb_async *a, void *obj)
{
	struct hzb_updater *u = a->u;
	bool wake = false;
	u64 backlog;

	/* The entry at tail is free: see struct hzb_async. */
	a->ring[a->tail % a->cap] = obj;
	a->when[a->tail % a->cap] = ktime_get_ns();
	spin_lock(&a->lock);
	a->tail++;
	if (a->tail - a->ready >= a->size) {
		a->ready = a->tail;
		wake = true;
	}
	backlog = a->tail - a->freed;
	spin_unlock(&a->lock);
	if (backlog > u->backlog_peak) {
		u->backlog_peak = backlog;
		u->backlog_peak_bytes = backlog * sizeof(struct hzb_obj);
	}
	if (wake)
		wake_up(&a->work_wq);
}

/*
 * The pool is empty: the objects are backlog (or, for a design that frees
 * at the last put, still held).  Hand over the partial batch too and wait
 * for the worker to free some; NULL when nothing is left to wait for.
 */
static struct hzb_obj *hzb_async_get(struct hzb_async *a)
{
	struct hzb_obj *obj;
	u64 freed;

	a->u->async_waits++;
	hzb_count(HZB_CNT_POOL_EMPTY);
	while (!(obj = hzb_pool_get())) {
		spin_lock(&a->lock);
		a->ready = a->tail;
		freed = a->freed;
		spin_unlock(&a->lock);
		if (freed == a->tail || READ_ONCE(a->err))
			return NULL;
		wake_up(&a->work_wq);
		wait_event_idle(a->free_wq, READ_ONCE(a->freed) != freed);
	}
	return obj;
}

/*
 * End of the run: hand over what is left, let the worker reclaim it, stop
 * it, and copy the worker's samples out.  Returns the first error.
 *
 * The backlog may be the whole pool (a signal ends a run that retired
 * thousands of objects in a few ms without waiting), and the worker's
 * batches of the run's size would then take one grace period each:
 * minutes under TCG, uninterruptible in kthread_stop().  A run that
 * failed (@failed: the caller's error, a signal or an empty pool) reports
 * no figures, so its rest is reclaimed in batches of HZB_MAX_BATCH
 * instead: still waited for, in a few grace periods.
 */
static int hzb_async_stop(struct hzb_async *a, bool failed)
{
	struct hzb_sync_timer *t = a->t;
	struct hzb_updater *u = a->u;
	int err;

	spin_lock(&a->lock);
	a->ready = a->tail;
	a->hurry = failed;
	spin_unlock(&a->lock);
	/*
	 * kthread_stop() wakes the worker, which drains before it exits, but
	 * only if it got to run at all: a worker that had not started when
	 * the stop came never calls hzb_async_worker(), and a short run (a
	 * few updates, or one cut short by a signal) often stops it that
	 * early.  Its batches would stay out of the pool for good, so drain
	 * whatever it left here, now that it is gone; kthread_stop() waited
	 * for its exit, which orders the worker's ring updates before ours.
	 */
	kthread_stop(a->worker);
	hzb_async_drain(a);
	err = a->err;
	if (u->samples_n && copy_to_user(t->samples, t->ksamples,
					 u->samples_n * sizeof(u64)))
		err = err ? err : -EFAULT;
	if (u->reclaim_samples_n &&
	    copy_to_user(u64_to_user_ptr(u->reclaim_samples), a->lat,
			 u->reclaim_samples_n * sizeof(u64)))
		err = err ? err : -EFAULT;
	kvfree(t->ksamples);
	t->ksamples = NULL;
	hzb_async_free(a);
	return err;
}

static int hzb_updater_check(const struct hzb_updater *u)
{
	if ((u->flags & ~HZB_UPD_FLAGS) || (!u->duration_ns && !u->iterations))
		return -EINVAL;
	if (u->interval_ns > NSEC_PER_SEC || u->batch > HZB_MAX_BATCH)
		return -EINVAL;
	if (u->samples_cap && !u->samples)
		return -EINVAL;
	if ((u->flags & HZB_UPD_COLD) && (u->flags & HZB_UPD_ASYNC))
		return -EINVAL;
	if (u->reclaim_samples_cap && !u->reclaim_samples)
		return -EINVAL;
	if ((u->reclaim_samples_cap || u->reclaim_samples) && !(u->flags & HZB_UPD_ASYNC))
		return -EINVAL;
	if (u->pad2 || memchr_inv(u->reserved, 0, sizeof(u->reserved)))
		return -EINVAL;
	return 0;
}

static long hzb_updater_run(struct hzb_updater *u)
{
	struct hzb_sync_timer t = { .u = u };
	unsigned int batch = u->batch ? u->batch : 1;
	struct hzb_async *async = NULL;
	struct hzb_obj *obj, *old;
	unsigned int n = 0;
	u64 start, deadline;
	void **retired;
	int ret, err;

	ret = hzb_updater_check(u);
	if (ret)
		return ret;
	t.cold = u->flags & HZB_UPD_COLD;
	if (t.cold) {
		ret = hzb_evict_prepare();
		if (ret)
			return ret;
	}
	t.samples = u64_to_user_ptr(u->samples);
	retired = kvmalloc_array(batch, sizeof(*retired), GFP_KERNEL);
	if (!retired)
		return -ENOMEM;
	u->sync_ns_min = U64_MAX;
	if (u->flags & HZB_UPD_ASYNC) {
		async = hzb_async_start(u, &t, batch);
		if (IS_ERR(async)) {
			kvfree(retired);
			return PTR_ERR(async);
		}
	}

	start = ktime_get_ns();
	deadline = u->duration_ns ? start + u->duration_ns : U64_MAX;
	while (!u->iterations || u->updates < u->iterations) {
		obj = hzb_pool_get();
		if (!obj && async) {
			obj = hzb_async_get(async);
			if (!obj) {
				ret = -ENOMEM;
				break;
			}
		} else if (!obj) {
			/* Everything is retired: reclaim before going on. */
			hzb_count(HZB_CNT_POOL_EMPTY);
			ret = hzb_reclaim(&t, retired, n);
			n = 0;
			if (ret)
				break;
			obj = hzb_pool_get();
			if (!obj) {
				ret = -ENOMEM;
				break;
			}
		}
		/*
		 * Store A of the hazard-pointer handshake: unpublish the old
		 * object.  xchg() is fully ordered: it orders the new
		 * object's initialization before its publication (pairs
		 * with the readers' acquire), and the unpublication before
		 * the design's scan (on top of synchronize's own smp_mb).
		 */
		old = xchg(&hzb_shared, obj);
		u->updates++;
		hzb_count(HZB_CNT_RETIRED);
		if (async) {
			/* The worker synchronizes (its own smp_mb) later. */
			hzb_async_retire(async, old);
		} else {
			retired[n++] = old;
			if (n == batch) {
				ret = hzb_reclaim(&t, retired, n);
				n = 0;
				if (ret)
					break;
			}
		}
		hzb_pace(u->interval_ns);
		if (hzb_loop_done(deadline, &ret))
			break;
	}
	err = async ? hzb_async_stop(async, ret != 0) : hzb_reclaim(&t, retired, n);
	if (!ret)
		ret = err;
	u->elapsed_ns = ktime_get_ns() - start;
	if (!u->syncs)
		u->sync_ns_min = 0;
	kvfree(retired);
	return ret ? ret : t.err;
}

/* ------------------------------------------------------------------ */
/* Calibration floors                                                  */
/* ------------------------------------------------------------------ */

static unsigned long hzb_cal_slot;
static unsigned long hzb_cal_sink;

/* The bare hazard-pointer handshake with no design around it. */
static noinline void hzb_cal_slot_loop(u64 loops)
{
	struct hzb_obj *obj;

	while (loops--) {
		obj = READ_ONCE(hzb_shared);
		WRITE_ONCE(hzb_cal_slot, (unsigned long)obj);
		/* Store B before Load A; a floor, nothing pairs with it. */
		smp_mb();
		obj = READ_ONCE(hzb_shared);
		if (obj && READ_ONCE(obj->magic) != HZB_OBJ_LIVE)
			hzb_count(HZB_CNT_VIOLATIONS);
		/* The release a design's hzb_release() pays; unpaired here. */
		smp_store_release(&hzb_cal_slot, 0UL);
	}
}

/*
 * The design's acquire and release in the slot loop's shape: what the
 * design adds to the bare handshake, without the reader loop's counting.
 */
static noinline void hzb_cal_design_loop(u64 loops)
{
	struct hzb_ctx ctx;
	struct hzb_obj *obj;

	memset(&ctx, 0, sizeof(ctx));
	while (loops--) {
		obj = hzb_acquire(&ctx, &hzb_shared);
		if (obj && READ_ONCE(obj->magic) != HZB_OBJ_LIVE)
			hzb_count(HZB_CNT_VIOLATIONS);
		hzb_release(&ctx, obj);
	}
}

static noinline void hzb_cal_smp_mb(u64 loops)
{
	while (loops--) {
		/* Cost of the barrier alone; it pairs with nothing. */
		smp_mb();
	}
}

/* What a per-task scan costs at least: visit every task, read a word. */
static noinline u64 hzb_cal_task_walk(void)
{
	struct task_struct *g, *t;
	unsigned long sum = 0;
	u64 tasks = 0;

	rcu_read_lock();
	for_each_process_thread(g, t) {
		sum += READ_ONCE(t->flags);
		tasks++;
	}
	rcu_read_unlock();
	/* Keep the loads from being optimized away. */
	WRITE_ONCE(hzb_cal_sink, sum);
	return tasks;
}

/*
 * The same walk reading, instead of t->flags, the task_struct field the
 * per-task design's walk reads first: t->preempt_notifiers, where its
 * block hangs.  That is where an in-tree design's field would be read, so
 * this floor is what the walk would cost with the block's state in
 * task_struct itself (t->flags sits on another cache line).
 */
static noinline u64 hzb_cal_task_walk_field(void)
{
	struct task_struct *g, *t;
	unsigned long sum = 0;
	u64 tasks = 0;

	rcu_read_lock();
	for_each_process_thread(g, t) {
#ifdef CONFIG_PREEMPT_NOTIFIERS
		sum += (unsigned long)READ_ONCE(t->preempt_notifiers.first);
#else
		sum += READ_ONCE(t->flags);
#endif
		tasks++;
	}
	rcu_read_unlock();
	/* Keep the loads from being optimized away. */
	WRITE_ONCE(hzb_cal_sink, sum);
	return tasks;
}

/*
 * Loops between two looks for a signal in a calibration sample: a sample
 * may ask for up to 1e9 loops, minutes under TCG (a task walk per loop:
 * hours), and must still end at once on a signal.  Between stretches, not
 * in the measured loops themselves: one noinline call and one flag test
 * per stretch, nothing against 2^16 loops or a walk of every task.
 */
#define HZB_CAL_STRETCH		65536

/* One sample of @c's op; false when a signal cut it short. */
static bool hzb_cal_sample(struct hzb_calibrate *c)
{
	u64 left = c->loops, n;

	for (;;) {
		switch (c->op) {
		case HZB_CAL_TASK_WALK:
			n = 1;
			c->tasks = hzb_cal_task_walk();
			break;
		case HZB_CAL_PCPU_SCAN:
			n = min_t(u64, left, HZB_CAL_STRETCH / 64);
			hzb_cal_pcpu_scan(n, &hzb_cal_sink);
			break;
		case HZB_CAL_SLOT_LOOP:
			n = min_t(u64, left, HZB_CAL_STRETCH);
			hzb_cal_slot_loop(n);
			break;
		case HZB_CAL_SMP_MB:
			n = min_t(u64, left, HZB_CAL_STRETCH);
			hzb_cal_smp_mb(n);
			break;
		case HZB_CAL_DESIGN_LOOP:
			n = min_t(u64, left, HZB_CAL_STRETCH);
			hzb_cal_design_loop(n);
			break;
		default:
			/* One loop, checked by the caller: no stretches. */
			return true;
		}
		left -= n;
		if (!left)
			return true;
		if (signal_pending(current))
			return false;
	}
}

static long hzb_calibrate(struct hzb_calibrate *c)
{
	u64 __user *samples = u64_to_user_ptr(c->samples);
	long ret = 0;
	u64 t0, ns;
	u32 i;

	if (c->op < HZB_CAL_TASK_WALK || c->op >= HZB_CAL_NR_OPS)
		return -EINVAL;
	if (!c->loops || c->loops > 1000000000ULL || !c->samples_cap ||
	    c->samples_cap > 1000000 || !c->samples || c->pad)
		return -EINVAL;
	if (memchr_inv(c->reserved, 0, sizeof(c->reserved)))
		return -EINVAL;
	if (c->op != HZB_CAL_SLOT_LOOP && c->op != HZB_CAL_SMP_MB &&
	    c->op != HZB_CAL_DESIGN_LOOP && c->op != HZB_CAL_TASK_WALK &&
	    c->op != HZB_CAL_PCPU_SCAN && c->loops != 1)
		return -EINVAL;
	if (c->op == HZB_CAL_TASK_WALK_COLD) {
		ret = hzb_evict_prepare();
		if (ret)
			return ret;
	}
	/* The design loop is timed like the others, set up like a reader run. */
	if (c->op == HZB_CAL_DESIGN_LOOP) {
		hzb_run_begin();
		ret = hzb_design_reader_enter();
		if (ret) {
			hzb_run_end();
			return ret;
		}
	}

	for (i = 0; i < c->samples_cap; i++) {
		if (c->op == HZB_CAL_TASK_WALK_COLD)
			hzb_evict();
		t0 = hzb_clock_ns();
		switch (c->op) {
		case HZB_CAL_TASK_WALK_COLD:
			c->tasks = hzb_cal_task_walk();
			break;
		case HZB_CAL_TASK_WALK_FIELD:
			c->tasks = hzb_cal_task_walk_field();
			break;
		case HZB_CAL_SYNC_RCU:
			synchronize_rcu();
			break;
		case HZB_CAL_SYNC_RCU_EXP:
			synchronize_rcu_expedited();
			break;
		default:
			if (!hzb_cal_sample(c)) {
				ret = -EINTR;
				goto out;
			}
			break;
		}
		ns = hzb_clock_ns() - t0;
		if (put_user(ns, samples + i)) {
			ret = -EFAULT;
			break;
		}
		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
	}
out:
	if (c->op == HZB_CAL_DESIGN_LOOP) {
		hzb_design_reader_exit();
		hzb_run_end();
	}
	return ret;
}

/* ------------------------------------------------------------------ */
/* ioctl dispatch                                                      */
/* ------------------------------------------------------------------ */

/*
 * Copy in a struct whose first member is its size and check the size.
 * The ioctl number encodes sizeof() too; the explicit field catches a
 * caller that builds the number from one header and the struct from
 * another.
 */
static int hzb_copy_in(void *dst, const void __user *src, u32 size)
{
	u32 user_size;

	if (get_user(user_size, (const u32 __user *)src))
		return -EFAULT;
	if (user_size != size)
		return -EINVAL;
	if (copy_from_user(dst, src, size))
		return -EFAULT;
	return 0;
}

static long hzb_ioctl_info(void __user *argp)
{
	struct hzb_info *info;
	long ret;

	info = kmalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	ret = hzb_copy_in(info, argp, sizeof(*info));
	if (!ret) {
		mutex_lock(&hzb_config_mutex);
		hzb_fill_info(info);
		mutex_unlock(&hzb_config_mutex);
		if (copy_to_user(argp, info, sizeof(*info)))
			ret = -EFAULT;
	}
	kfree(info);
	return ret;
}

static long hzb_ioctl_reader(void __user *argp)
{
	struct hzb_reader r;
	long ret;

	ret = hzb_copy_in(&r, argp, sizeof(r));
	if (ret)
		return ret;
	/* Outputs start at zero whatever the caller left in them. */
	r.sections = 0;
	r.acquires = 0;
	r.null_acquires = 0;
	r.violations = 0;
	r.elapsed_ns = 0;
	r.ctx_switches = 0;
	hzb_run_begin();
	ret = hzb_reader_run(&r);
	hzb_run_end();
	if (!ret && copy_to_user(argp, &r, sizeof(r)))
		ret = -EFAULT;
	return ret;
}

static long hzb_ioctl_updater(void __user *argp)
{
	struct hzb_updater u;
	long ret;

	ret = hzb_copy_in(&u, argp, sizeof(u));
	if (ret)
		return ret;
	u.updates = 0;
	u.syncs = 0;
	u.samples_n = 0;
	u.sync_ns_total = 0;
	u.sync_ns_min = 0;
	u.sync_ns_max = 0;
	u.elapsed_ns = 0;
	u.reclaim_samples_n = 0;
	u.reclaimed = 0;
	u.reclaim_ns_total = 0;
	u.reclaim_ns_max = 0;
	u.backlog_peak = 0;
	u.backlog_peak_bytes = 0;
	u.async_waits = 0;
	hzb_updater_begin();
	ret = hzb_updater_run(&u);
	hzb_updater_end(NULL);
	if (!ret && copy_to_user(argp, &u, sizeof(u)))
		ret = -EFAULT;
	return ret;
}

static long hzb_ioctl_counters(void __user *argp)
{
	struct hzb_counters c;
	long ret;

	ret = hzb_copy_in(&c, argp, sizeof(c));
	if (ret)
		return ret;
	memset(c.val, 0, sizeof(c.val));
	c.nr = HZB_NR_COUNTERS;
	hzb_counters_sum(c.val);
	if (copy_to_user(argp, &c, sizeof(c)))
		return -EFAULT;
	return 0;
}

static long hzb_ioctl_calibrate(void __user *argp)
{
	struct hzb_calibrate c;
	long ret;

	ret = hzb_copy_in(&c, argp, sizeof(c));
	if (ret)
		return ret;
	c.tasks = 0;
	ret = hzb_calibrate(&c);
	if (!ret && copy_to_user(argp, &c, sizeof(c)))
		ret = -EFAULT;
	return ret;
}

static long hzb_ioctl_set_variant(void __user *argp)
{
	struct hzb_variant v;
	long ret;

	ret = hzb_copy_in(&v, argp, sizeof(v));
	if (ret)
		return ret;
	if (v.flags || !memchr(v.spec, '\0', sizeof(v.spec)))
		return -EINVAL;
	mutex_lock(&hzb_config_mutex);
	if (hzb_engine_busy())
		ret = -EBUSY;
	else
		ret = hzb_variant_set(v.spec);
	mutex_unlock(&hzb_config_mutex);
	return ret;
}

static long hzb_ioctl_locks(void __user *argp)
{
	struct hzb_locks l;
	u64 *addrs = NULL;
	long ret;

	ret = hzb_copy_in(&l, argp, sizeof(l));
	if (ret)
		return ret;
	if (l.pad || (l.cap && !l.addrs) || l.cap > 65536)
		return -EINVAL;
	/* Kernel addresses: for the administrator only (kptr_restrict). */
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (l.cap) {
		addrs = kvcalloc(l.cap, sizeof(*addrs), GFP_KERNEL);
		if (!addrs)
			return -ENOMEM;
	}
	l.nr = hzb_design_lock_addrs(addrs, l.cap);
	if (l.cap && copy_to_user(u64_to_user_ptr(l.addrs), addrs,
				  sizeof(*addrs) * min(l.cap, l.nr)))
		ret = -EFAULT;
	kvfree(addrs);
	if (!ret && copy_to_user(argp, &l, sizeof(l)))
		ret = -EFAULT;
	return ret;
}

/*
 * Holds that outlive an ioctl (HZB_IOC_HOLD), one per open file.  The
 * contexts must not move while held, so they live here, not on a stack.
 */
struct hzb_file {
	struct mutex lock;		/* serializes HOLD, UNHOLD and release */
	struct hzb_ctx ctx[HZB_MAX_NEST];
	void *held[HZB_MAX_NEST];
	unsigned int nest;		/* 0: nothing held */
	struct task_struct *holder;	/* identity only, never dereferenced */
};

static long hzb_ioctl_hold(struct hzb_file *f, void __user *argp)
{
	struct hzb_hold h;
	unsigned int i;
	long ret;

	ret = hzb_copy_in(&h, argp, sizeof(h));
	if (ret)
		return ret;
	if (!h.nest || h.nest > HZB_MAX_NEST ||
	    memchr_inv(h.reserved, 0, sizeof(h.reserved)))
		return -EINVAL;
	/* A hold returns to user space and may end in another task. */
	if (!(HZB_DESIGN_FEATURES & HZB_FEAT_SLEEP_IN_READER) ||
	    (HZB_DESIGN_FEATURES & HZB_FEAT_NO_USER_HOLD))
		return -EOPNOTSUPP;
	mutex_lock(&f->lock);
	if (f->nest) {
		ret = -EBUSY;
		goto out;
	}
	ret = hzb_design_reader_enter();
	if (ret)
		goto out;
	hzb_run_begin();
	memset(f->ctx, 0, sizeof(f->ctx));
	h.acquired = 0;
	for (i = 0; i < h.nest; i++) {
		f->held[i] = hzb_acquire(&f->ctx[i], &hzb_shared);
		if (f->held[i])
			h.acquired++;
	}
	hzb_count_add(HZB_CNT_ACQUIRES, h.nest);
	/*
	 * Stop being a reader before returning to user space still holding:
	 * a design that keeps per-CPU state for running readers moves the
	 * held pointers out of it, so that any task may release them.
	 */
	hzb_design_reader_exit();
	f->nest = h.nest;
	f->holder = current;
	if (copy_to_user(argp, &h, sizeof(h)))
		ret = -EFAULT;	/* still held: UNHOLD or close releases */
out:
	mutex_unlock(&f->lock);
	return ret;
}

/* Release a file's hold; f->lock held. */
static void hzb_unhold(struct hzb_file *f)
{
	unsigned int i;

	for (i = f->nest; i-- > 0;)
		hzb_release(&f->ctx[i], f->held[i]);
	hzb_count_add(HZB_CNT_RELEASES, f->nest);
	f->nest = 0;
	f->holder = NULL;
	hzb_run_end();
}

static long hzb_ioctl_unhold(struct hzb_file *f)
{
	long ret = 0;

	mutex_lock(&f->lock);
	if (!f->nest)
		ret = -EINVAL;
	else if (f->holder != current)
		ret = -EPERM;
	else
		hzb_unhold(f);
	mutex_unlock(&f->lock);
	return ret;
}

static int hzb_open(struct inode *inode, struct file *file)
{
	struct hzb_file *f;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	mutex_init(&f->lock);
	file->private_data = f;
	return 0;
}

static int hzb_release_file(struct inode *inode, struct file *file)
{
	struct hzb_file *f = file->private_data;

	mutex_lock(&f->lock);
	if (f->nest)
		hzb_unhold(f);
	mutex_unlock(&f->lock);
	mutex_destroy(&f->lock);
	kfree(f);
	return 0;
}

/* HZB_IOC_TORTURE_READER and _WRITER. */
#include "torture.c"
/* HZB_IOC_USECASE. */
#include "usecase.c"

static long hzb_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case HZB_IOC_HOLD:
		return hzb_ioctl_hold(file->private_data, argp);
	case HZB_IOC_UNHOLD:
		if (arg)
			return -EINVAL;
		return hzb_ioctl_unhold(file->private_data);
	case HZB_IOC_INFO:
		return hzb_ioctl_info(argp);
	case HZB_IOC_READER:
		return hzb_ioctl_reader(argp);
	case HZB_IOC_UPDATER:
		return hzb_ioctl_updater(argp);
	case HZB_IOC_COUNTERS:
		return hzb_ioctl_counters(argp);
	case HZB_IOC_COUNTERS_RESET:
		if (arg)
			return -EINVAL;
		hzb_counters_reset();
		return 0;
	case HZB_IOC_CALIBRATE:
		return hzb_ioctl_calibrate(argp);
	case HZB_IOC_SET_VARIANT:
		return hzb_ioctl_set_variant(argp);
	case HZB_IOC_LOCKS:
		return hzb_ioctl_locks(argp);
	case HZB_IOC_TORTURE_READER:
		return hzb_ioctl_torture_reader(argp);
	case HZB_IOC_TORTURE_WRITER:
		return hzb_ioctl_torture_writer(argp);
	case HZB_IOC_USECASE:
		return hzb_ioctl_usecase(argp);
	}
	return -ENOTTY;
}

static const struct file_operations hzb_fops = {
	.owner		= THIS_MODULE,
	.open		= hzb_open,
	.release	= hzb_release_file,
	.unlocked_ioctl	= hzb_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice hzb_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= HZB_DEVICE_NAME,
	.fops	= &hzb_fops,
	.mode	= 0600,
};

static int __init hzb_engine_init(void)
{
	int ret;

	hzb_tsc_calibrate();
	ret = hzb_design_init();
	if (ret)
		return ret;
	ret = hzb_variant_set(variant);
	if (ret) {
		pr_err(HZB_PR_PREFIX "bad variant \"%s\"\n", variant);
		goto err_design;
	}
	ret = hzb_pool_init();
	if (ret)
		goto err_design;
	ret = misc_register(&hzb_misc);
	if (ret)
		goto err_pool;
	pr_info(HZB_PR_PREFIX "/dev/%s ready, %u objects\n", HZB_DEVICE_NAME,
		pool_objects);
	return 0;

err_pool:
	hzb_pool_exit();
err_design:
	hzb_design_exit();
	return ret;
}

static void __exit hzb_engine_exit(void)
{
	/*
	 * Open files pin the module, so no reader or updater runs here;
	 * the design's exit waits for whatever it deferred.
	 */
	misc_deregister(&hzb_misc);
	hzb_design_exit();
	hzb_pool_exit();
	hzb_evict_exit();
	hzb_race_exit();
}

module_init(hzb_engine_init);
module_exit(hzb_engine_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hzbench workload engine for the " HZB_DESIGN_NAME " design");
