// SPDX-License-Identifier: GPL-2.0
/*
 * Use-case workloads of the hzbench engine: HZB_IOC_USECASE (see
 * include/uapi/hzbench.h for the three modes and what each models).
 *
 * Included by engine.c, never compiled on its own: like the reader loop,
 * it calls the design's hzb_acquire()/hzb_release() inline, so every
 * design runs the same use case through its own fast path.
 *
 * The objects live in hzb_uc_table[], one published pointer per entry
 * (distinct addresses, unlike hzb_shared): the hash-table mode synchronizes
 * on a different address at almost every deletion.  The table is filled
 * from the engine's pool when a run needs more entries than it has, and
 * emptied (every object reclaimed through the design) when the last
 * use-case run ends (no synchronize needed then, see hzb_uc_empty()), so
 * the pool's census of a later torture run is not disturbed.
 */
#include <linux/prandom.h>
#include <linux/random.h>

static void *hzb_uc_table[HZB_UC_MAX_OBJECTS];
static DEFINE_MUTEX(hzb_uc_mutex);
static unsigned int hzb_uc_users;	/* runs in progress, under hzb_uc_mutex */
static unsigned int hzb_uc_filled;	/* entries [0, filled) hold objects */

/*
 * Unpublish every entry and free its object; hzb_uc_mutex held.  No
 * synchronize is needed, and none is made (it would also show up in the
 * design's synchronize counts): no use-case run is left (users is 0), each
 * released everything it held before its hzb_uc_exit(), whose mutex
 * unlock orders those releases before this mutex holder's frees, and
 * nothing but use-case runs reads the table.
 */
static void hzb_uc_empty(void)
{
	struct hzb_obj *old;
	unsigned int i;

	for (i = 0; i < hzb_uc_filled; i++) {
		old = xchg(&hzb_uc_table[i], NULL);
		if (!old)
			continue;
#ifdef HZB_FREE_AT_LAST_PUT
		/* The published reference is the last one. */
		if (refcount_dec_and_test(&old->ref))
			hzb_obj_free(old);
#else
		hzb_pool_put(old);
		hzb_count(HZB_CNT_RECLAIMED);
#endif
	}
	hzb_uc_filled = 0;
}

/* A run starts: make sure entries [0, @objects) hold objects. */
static int hzb_uc_enter(unsigned int objects)
{
	struct hzb_obj *obj;
	int ret = 0;

	mutex_lock(&hzb_uc_mutex);
	while (hzb_uc_filled < objects) {
		obj = hzb_pool_get();
		if (!obj) {
			ret = -ENOMEM;
			break;
		}
		/*
		 * Publication: order the object's initialization (by
		 * hzb_pool_get()) before the pointer; pairs with the
		 * address dependency of the readers' acquire.
		 */
		smp_store_release(&hzb_uc_table[hzb_uc_filled], obj);
		hzb_uc_filled++;
	}
	if (!ret)
		hzb_uc_users++;
	else if (!hzb_uc_users)
		hzb_uc_empty();
	mutex_unlock(&hzb_uc_mutex);
	return ret;
}

static void hzb_uc_exit(void)
{
	mutex_lock(&hzb_uc_mutex);
	if (!--hzb_uc_users)
		hzb_uc_empty();
	mutex_unlock(&hzb_uc_mutex);
}

static bool hzb_uc_bad(const struct hzb_obj *obj)
{
	return obj && unlikely(READ_ONCE(obj->magic) != HZB_OBJ_LIVE);
}

/* A lookup: take a reference to entry @k, use it for hold_ns, drop it. */
static __always_inline void hzb_uc_lookup(struct hzb_usecase *u,
					  struct hzb_ctx *ctx, unsigned int k)
{
	struct hzb_obj *obj;

	obj = hzb_acquire(ctx, &hzb_uc_table[k]);
	if (likely(obj))
		u->acquires++;
	else
		u->null_acquires++;
	if (hzb_uc_bad(obj))
		u->violations++;
	if (u->hold_ns) {
		hzb_spin_ns(u->hold_ns);
		if (hzb_uc_bad(obj))
			u->violations++;
	}
	hzb_release(ctx, obj);
}

/*
 * One context switch of a CPU doing lazy mm tracking: take the next
 * task's mm (entry @k), drop the one kept since the previous switch, then
 * switch (sleep) still holding the new one.  With @across false (readers
 * that may not sleep while holding) the new one is dropped before the
 * switch instead.  Only the acquire and release are timed.
 */
static void hzb_uc_switch(struct hzb_usecase *u, struct hzb_ctx *ctx,
			  void **held, bool *have, unsigned int *cur,
			  unsigned int k, bool across)
{
	unsigned int next = *cur ^ 1;
	bool bad;
	u64 t0;

	t0 = ktime_get_ns();
	held[next] = hzb_acquire(&ctx[next], &hzb_uc_table[k]);
	have[next] = true;
	bad = hzb_uc_bad(held[next]);
	if (have[*cur]) {
		hzb_release(&ctx[*cur], held[*cur]);
		have[*cur] = false;
	}
	if (!across) {
		hzb_release(&ctx[next], held[next]);
		have[next] = false;
	}
	u->op_ns_total += ktime_get_ns() - t0;
	if (held[next])
		u->acquires++;
	else
		u->null_acquires++;
	if (bad)
		u->violations++;
	*cur = next;
	usleep_range(u->sleep_us, u->sleep_us + u->sleep_us / 8 + 1);
	/* Still the mm this CPU holds after the switch back? */
	if (across && hzb_uc_bad(held[next]))
		u->violations++;
}

static long hzb_uc_reader(struct hzb_usecase *u, struct rnd_state *rnd)
{
	const bool across = HZB_DESIGN_FEATURES & HZB_FEAT_SLEEP_IN_READER;
	struct hzb_ctx ctx[2];
	void *held[2] = { NULL, NULL };
	bool have[2] = { false, false };
	unsigned int cur = 0, check;
	u64 start, deadline, switches;
	int ret;

	memset(ctx, 0, sizeof(ctx));
	ret = hzb_design_reader_enter();
	if (ret)
		return ret;
	if (u->mode == HZB_UC_LAZY_MM && !across)
		u->out_flags |= HZB_UCF_NOT_HELD;
	check = (u->mode == HZB_UC_LAZY_MM || u->hold_ns) ? 0 : 63;
	switches = hzb_task_switches();
	start = ktime_get_ns();
	deadline = u->duration_ns ? start + u->duration_ns : U64_MAX;
	while (!u->iterations || u->ops < u->iterations) {
		unsigned int k = prandom_u32_state(rnd) % u->objects;

		if (u->mode == HZB_UC_LAZY_MM)
			hzb_uc_switch(u, ctx, held, have, &cur, k, across);
		else
			hzb_uc_lookup(u, &ctx[0], k);
		u->ops++;
		if (u->ops & check)
			continue;
		if (hzb_loop_done(deadline, &ret))
			break;
	}
	/* The CPU goes idle: drop the mm it kept. */
	if (have[cur])
		hzb_release(&ctx[cur], held[cur]);
	u->elapsed_ns = ktime_get_ns() - start;
	u->ctx_switches = hzb_task_switches() - switches;
	hzb_design_reader_exit();
	hzb_count_add(HZB_CNT_ACQUIRES, u->acquires + u->null_acquires);
	hzb_count_add(HZB_CNT_RELEASES, u->acquires + u->null_acquires);
	hzb_count_add(HZB_CNT_VIOLATIONS, u->violations);
	if (u->violations)
		pr_err(HZB_PR_PREFIX "use case %u: readers saw %llu freed objects\n",
		       u->mode, u->violations);
	return ret;
}

/*
 * Deletions: unpublish a random entry (a fresh object takes its place),
 * reclaim the old object.  The delete path, timed, is the unpublication
 * plus the design's synchronize plus the free; for a design that frees at
 * the last put, the drop of the published reference (the free then
 * happens here or in the last reader).
 */
static long hzb_uc_updater(struct hzb_usecase *u, struct rnd_state *rnd)
{
	u64 __user *samples = u64_to_user_ptr(u->samples);
	struct hzb_obj *obj, *old;
	u64 start, deadline, t0, ns;
	int ret = 0;

	u->del_ns_min = U64_MAX;
	start = ktime_get_ns();
	deadline = u->duration_ns ? start + u->duration_ns : U64_MAX;
	while (!u->iterations || u->ops < u->iterations) {
		unsigned int k = prandom_u32_state(rnd) % u->objects;

		obj = hzb_pool_get();
		if (!obj) {
			/* Readers still hold what refcount has to free. */
			hzb_count(HZB_CNT_POOL_EMPTY);
			ret = -ENOMEM;
			break;
		}
		t0 = ktime_get_ns();
		/*
		 * Store A: unpublish entry @k's object.  xchg() is fully
		 * ordered: the new object's initialization before its
		 * publication (pairs with the readers' acquire), the
		 * unpublication before the design's scan.
		 */
		old = xchg(&hzb_uc_table[k], obj);
		hzb_count(HZB_CNT_RETIRED);
		hzb_synchronize(old);
		hzb_count(HZB_CNT_SYNCS);
#ifndef HZB_FREE_AT_LAST_PUT
		hzb_pool_put(old);
		hzb_count(HZB_CNT_RECLAIMED);
#endif
		ns = ktime_get_ns() - t0;
		u->ops++;
		u->del_ns_total += ns;
		u->del_ns_min = min(u->del_ns_min, ns);
		u->del_ns_max = max(u->del_ns_max, ns);
		if (u->samples_n < u->samples_cap) {
			if (put_user(ns, samples + u->samples_n)) {
				ret = -EFAULT;
				break;
			}
			u->samples_n++;
		}
		hzb_pace(u->interval_ns);
		if (hzb_loop_done(deadline, &ret))
			break;
	}
	if (!u->ops)
		u->del_ns_min = 0;
	u->elapsed_ns = ktime_get_ns() - start;
	return ret;
}

static int hzb_uc_check(const struct hzb_usecase *u)
{
	bool lazy_reader = u->mode == HZB_UC_LAZY_MM && u->role == HZB_UC_READER;

	if (u->mode < HZB_UC_REFCOUNT || u->mode >= HZB_UC_NR_MODES)
		return -EINVAL;
	if (u->role != HZB_UC_READER && u->role != HZB_UC_UPDATER)
		return -EINVAL;
	if (!u->objects || u->objects > HZB_UC_MAX_OBJECTS ||
	    u->objects > pool_objects / 2)
		return -EINVAL;
	if (!u->duration_ns && !u->iterations)
		return -EINVAL;
	if (u->hold_ns > NSEC_PER_SEC || u->interval_ns > NSEC_PER_SEC)
		return -EINVAL;
	if (lazy_reader ? !u->sleep_us || u->sleep_us > USEC_PER_SEC : u->sleep_us)
		return -EINVAL;
	if (u->role == HZB_UC_READER && (u->interval_ns || u->samples_cap))
		return -EINVAL;
	if ((u->role == HZB_UC_UPDATER || lazy_reader) && u->hold_ns)
		return -EINVAL;
	if ((u->samples_cap && !u->samples) || u->pad)
		return -EINVAL;
	if (memchr_inv(u->reserved, 0, sizeof(u->reserved)))
		return -EINVAL;
	return 0;
}

static long hzb_ioctl_usecase(void __user *argp)
{
	struct hzb_usecase in, u = { };
	struct rnd_state rnd;
	long ret;

	ret = hzb_copy_in(&in, argp, sizeof(in));
	if (ret)
		return ret;
	ret = hzb_uc_check(&in);
	if (ret)
		return ret;
	/* Outputs start at zero whatever the caller left in them. */
	u.size = in.size;
	u.mode = in.mode;
	u.role = in.role;
	u.objects = in.objects;
	u.duration_ns = in.duration_ns;
	u.iterations = in.iterations;
	u.hold_ns = in.hold_ns;
	u.sleep_us = in.sleep_us;
	u.interval_ns = in.interval_ns;
	u.seed = in.seed;
	u.samples_cap = in.samples_cap;
	u.samples = in.samples;
	prandom_seed_state(&rnd, u.seed ? u.seed : get_random_u64());
	if (u.role == HZB_UC_READER)
		hzb_run_begin();
	else
		hzb_updater_begin();
	ret = hzb_uc_enter(u.objects);
	if (!ret) {
		if (u.role == HZB_UC_READER)
			ret = hzb_uc_reader(&u, &rnd);
		else
			ret = hzb_uc_updater(&u, &rnd);
		hzb_uc_exit();
	}
	if (u.role == HZB_UC_READER)
		hzb_run_end();
	else
		hzb_updater_end(NULL);
	if (!ret && copy_to_user(argp, &u, sizeof(u)))
		ret = -EFAULT;
	return ret;
}
