/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * hzbench ABI: the one interface every hzbench module exposes.
 *
 * Each design (per-CPU hazard pointers, per-task hazard pointers, the RCU
 * and refcount baselines) is a module with a misc device
 * /dev/<design device> that answers the ioctls below.  The workload engine
 * behind them is the same code in every module, compiled against that
 * module's design, so identical requests run identical workloads.
 *
 * Rules every module follows:
 *  - every struct starts with __u32 size, which must equal sizeof() of the
 *    struct for this HZB_ABI_VERSION, else -EINVAL;
 *  - unknown flag bits, out-of-range values, non-zero reserved fields or pad
 *    -> -EINVAL; unreadable or unwritable user memory -> -EFAULT;
 *  - unknown ioctl commands -> -ENOTTY;
 *  - a run interrupted by a signal returns -EINTR with no stats copied out.
 */
#ifndef _UAPI_HZBENCH_H
#define _UAPI_HZBENCH_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define HZB_ABI_VERSION		1

#define HZB_NAME_LEN		32
#define HZB_VARIANT_LEN		128
#define HZB_KNOBS_LEN		256
#define HZB_MAX_NEST		32	/* hazard pointers one reader holds at once */
#define HZB_HOOKS_LEN		512

/* hzb_info.features */
#define HZB_FEAT_SLEEP_IN_READER	(1U << 0) /* reader may block while holding */
#define HZB_FEAT_OVERFLOW		(1U << 1) /* has an overflow path past its slots */
#define HZB_FEAT_MIGRATION		(1U << 2) /* moves slots at context switch */
#define HZB_FEAT_TASK_SCAN		(1U << 3) /* synchronize walks every task */
#define HZB_FEAT_RETIRE			(1U << 4) /* batched retire list */
#define HZB_FEAT_IRQ_READER		(1U << 5) /* may acquire from hard irq */
#define HZB_FEAT_NO_USER_HOLD		(1U << 6) /* no HZB_IOC_HOLD (-EOPNOTSUPP) */
#define HZB_FEAT_BROKEN			(1U << 31) /* built with a deliberate bug */

struct hzb_info {
	__u32 size;
	__u32 abi_version;
	char design[HZB_NAME_LEN];	/* "percpu", "pertask", "rcu", ... */
	char variant[HZB_VARIANT_LEN];	/* current knobs, "k=v,k=v" */
	char knobs[HZB_KNOBS_LEN];	/* accepted knobs, "k=a|b k2=c|d" */
	char sync_func[2 * HZB_NAME_LEN]; /* noinline synchronize, for BPF */
	__u32 features;			/* HZB_FEAT_* */
	/*
	 * The kernel's nr_cpu_ids.  That name is a macro in uniprocessor
	 * kernels (and with CONFIG_FORCE_NR_CPUS), so the kernel spells the
	 * field cpu_id_limit; userspace may use either name.
	 */
#ifdef __KERNEL__
	__u32 cpu_id_limit;
#else
	union {
		__u32 cpu_id_limit;
		__u32 nr_cpu_ids;
	};
#endif
	__u32 nr_online_cpus;
	__u32 slots_per_cpu;		/* 0 when the design has none */
	__u32 slots_per_task;		/* 0 when the design has none */
	__u32 bytes_per_cpu;		/* design memory per possible CPU */
	__u32 bytes_per_task;		/* design memory per task that reads */
	__u32 bytes_per_ctx;		/* caller-provided (on-stack) context */
	__u32 nr_locks;			/* overflow locks, see HZB_IOC_LOCKS */
	__u32 max_nest;
	__u32 pool_objects;		/* objects in the engine's pool */
	__u32 broken;			/* HZB_BROKEN_* compiled in, 0 = none */
	__u64 reserved[8];
	/*
	 * The design's hooks for BPF and perf, "role=name ..." (roles in
	 * kmod/common/hzb_common.h, HZB_HOOKS), starting "module=NAME".
	 */
	char hooks[HZB_HOOKS_LEN];
};

/* hzb_reader.flags */
#define HZB_READ_SLEEP		(1U << 0) /* sleep sleep_us while holding */
#define HZB_READ_YIELD		(1U << 1) /* schedule() while holding */
/*
 * The two below give the CPU to the next runnable task of the reader's
 * class (yield(), as sched_yield() does), so that two such readers on one
 * CPU alternate: a context-switch ping-pong, one switch per section.
 */
#define HZB_READ_PASS		(1U << 2) /* with YIELD: yield(), not schedule() */
#define HZB_READ_PASS_AFTER	(1U << 3) /* yield() after releasing */
#define HZB_READ_FLAGS		(HZB_READ_SLEEP | HZB_READ_YIELD | HZB_READ_PASS | \
				 HZB_READ_PASS_AFTER)

/*
 * Run read sections in the calling task until duration_ns has elapsed or
 * iterations sections have run, whichever comes first (at least one must
 * be non-zero).  A section acquires nest hazard pointers to the shared
 * object, checks each object is not poisoned, holds for hold_ns (busy-wait
 * on ktime), optionally sleeps or yields, then releases in reverse order.
 */
struct hzb_reader {
	__u32 size;
	__u32 flags;			/* HZB_READ_* */
	__u64 duration_ns;
	__u64 iterations;
	__u32 nest;			/* 1..HZB_MAX_NEST */
	__u32 hold_ns;			/* <= 1 s */
	__u32 sleep_us;			/* with HZB_READ_SLEEP, <= 1 s */
	__u32 pad;
	/* out */
	__u64 sections;			/* read sections completed */
	__u64 acquires;			/* acquires that returned an object */
	__u64 null_acquires;		/* acquires that returned NULL */
	__u64 violations;		/* poisoned (freed) object seen */
	__u64 elapsed_ns;
	__u64 ctx_switches;		/* of this task during the run */
	__u64 reserved[4];
};

/* hzb_updater.flags */
#define HZB_UPD_COLD		(1U << 0) /* evict the caches before each synchronize */
/*
 * Retire each batch to the engine's reclaim worker, which synchronizes
 * and frees it: the updater never waits for a reclaim (only for a free
 * object when the backlog holds the whole pool, counted in async_waits).
 * The synchronize figures are then the worker's.  Not with HZB_UPD_COLD.
 */
#define HZB_UPD_ASYNC		(1U << 1)
#define HZB_UPD_FLAGS		(HZB_UPD_COLD | HZB_UPD_ASYNC)

/*
 * Replace the shared object with a fresh one from the pool, synchronize on
 * the old one, poison it and give it back to the pool; repeat until
 * duration_ns or iterations (at least one non-zero).  interval_ns paces
 * the updates.  With batch > 1 retired objects are collected and reclaimed
 * batch at a time (one scan for all of them where the design can).
 * Each synchronize is timed with the module's clock (ktime_get_ns, or the
 * TSC in user-mode Linux: its clock parameter); the first samples_cap
 * timings are written to the user array at samples.  HZB_UPD_COLD
 * streams a buffer larger than the caches before each synchronize
 * (untimed; the module's evict_kb parameter sizes it).
 */
struct hzb_updater {
	__u32 size;
	__u32 flags;			/* HZB_UPD_* */
	__u64 duration_ns;
	__u64 iterations;
	__u64 interval_ns;		/* <= 1 s */
	__u32 batch;			/* 1..HZB_MAX_BATCH, 0 means 1 */
	__u32 samples_cap;
	__u64 samples;			/* user pointer to __u64[samples_cap] */
	/* out */
	__u64 updates;
	__u64 syncs;			/* synchronize calls */
	__u64 samples_n;		/* samples written */
	__u64 sync_ns_total;
	__u64 sync_ns_min;
	__u64 sync_ns_max;
	__u64 elapsed_ns;
	__u64 reserved[4];
	/*
	 * Appended, HZB_UPD_ASYNC.  The backlog is what was retired and not
	 * yet freed; reclaim latency is retire (unpublication) to free, per
	 * object.  in: reclaim_samples, reclaim_samples_cap; the rest out.
	 */
	__u64 reclaim_samples;		/* user pointer to __u64[reclaim_samples_cap] */
	__u32 reclaim_samples_cap;
	__u32 pad2;
	__u64 reclaim_samples_n;	/* samples written (the first objects freed) */
	__u64 reclaimed;		/* objects the worker freed */
	__u64 reclaim_ns_total;
	__u64 reclaim_ns_max;
	__u64 backlog_peak;		/* objects retired, not yet freed, at most */
	__u64 backlog_peak_bytes;	/* the same in bytes of objects */
	__u64 async_waits;		/* the updater waited for a free object */
};

#define HZB_MAX_BATCH		4096

/*
 * Module counters, summed over CPUs on read; HZB_IOC_COUNTERS_RESET zeroes
 * them.  Userspace names them by the lowercase identifier.
 */
enum hzb_counter {
	HZB_CNT_ACQUIRES,
	HZB_CNT_RELEASES,
	HZB_CNT_SYNCS,
	HZB_CNT_SYNC_WAITS,
	HZB_CNT_OVERFLOWS,
	HZB_CNT_OVERFLOW_RELEASES,
	HZB_CNT_MIGRATIONS,
	HZB_CNT_SCAN_RESTARTS,
	HZB_CNT_CPUS_SKIPPED,
	HZB_CNT_TASKS_SCANNED,
	HZB_CNT_TASKS_SKIPPED,
	HZB_CNT_RETIRED,
	HZB_CNT_RECLAIMED,
	HZB_CNT_RETIRE_BATCHES,
	HZB_CNT_EXIT_HOLDING,
	HZB_CNT_VIOLATIONS,
	HZB_CNT_LOCK_ACQUIRES,
	HZB_CNT_LOCK_CONTENDED,
	HZB_CNT_LOCK_WAIT_NS,
	HZB_CNT_POOL_EMPTY,
	HZB_CNT_SYNC_SELF,	/* synchronize refused: the caller holds it */
	HZB_CNT_BLOCKS_VISITED,	/* per-task walk: blocks found */
	HZB_CNT_NOTIFIER_HOPS,	/* per-task walk: other notifiers stepped over */
	/* overflow=flip: walks that restarted past their bound (a bug) */
	HZB_CNT_RESTART_BOUND,
	HZB_NR_COUNTERS
};

#define HZB_COUNTERS_MAX	48

struct hzb_counters {
	__u32 size;
	__u32 nr;			/* out: HZB_NR_COUNTERS */
	__u64 val[HZB_COUNTERS_MAX];
};

/* hzb_calibrate.op: the floors designs are judged against */
enum hzb_cal_op {
	HZB_CAL_TASK_WALK = 1,	/* for_each_process_thread, one word per task */
	HZB_CAL_SLOT_LOOP,	/* store + smp_mb + load + store-release */
	HZB_CAL_SMP_MB,		/* smp_mb() */
	HZB_CAL_SYNC_RCU,	/* synchronize_rcu() */
	HZB_CAL_SYNC_RCU_EXP,	/* synchronize_rcu_expedited() */
	HZB_CAL_DESIGN_LOOP,	/* the design's acquire + release, slot loop's shape */
	HZB_CAL_TASK_WALK_FIELD,	/* task walk reading t->preempt_notifiers */
	HZB_CAL_TASK_WALK_COLD,	/* the task walk after evicting the caches (untimed) */
	HZB_CAL_PCPU_SCAN,	/* read a cache line of slots of every possible CPU */
	HZB_CAL_NR_OPS
};

/*
 * Take samples_cap samples of op; each sample times loops back-to-back
 * executions (loops is 1 for the cold walk and the RCU ops) and is
 * written to the user array at samples, in ns, by the module's clock (its
 * clock parameter: ktime, or the TSC in user-mode Linux).  The cold walk
 * evicts the caches before each sample, outside the timed part.
 * HZB_CAL_DESIGN_LOOP runs as a reader run does (the design's per-task
 * setup around it).
 */
struct hzb_calibrate {
	__u32 size;
	__u32 op;
	__u64 loops;			/* 1..1e9 */
	__u32 samples_cap;		/* 1..1e6 */
	__u32 pad;
	__u64 samples;			/* user pointer to __u64[samples_cap] */
	/* out */
	__u64 tasks;			/* HZB_CAL_TASK_WALK: tasks walked */
	__u64 reserved[4];
};

/* Select a variant: knobs reset to defaults, then "k=v,k=v" applied. */
struct hzb_variant {
	__u32 size;
	__u32 flags;			/* must be 0 */
	char spec[HZB_VARIANT_LEN];	/* NUL-terminated */
};

/* Addresses of the overflow-list locks (needs CAP_SYS_ADMIN). */
struct hzb_locks {
	__u32 size;
	__u32 cap;			/* entries at addrs */
	__u64 addrs;			/* user pointer to __u64[cap] */
	__u32 nr;			/* out: locks the design has */
	__u32 pad;
};

/*
 * Acquire nest hazard pointers to the shared object and keep them after
 * the ioctl returns, one hold per open file.  HZB_IOC_UNHOLD (by the
 * holder) or closing the file releases them; a holder that exits while
 * holding exercises the design's task-exit path.
 */
struct hzb_hold {
	__u32 size;
	__u32 nest;			/* 1..HZB_MAX_NEST */
	__u64 acquired;			/* out: non-NULL acquires */
	__u64 reserved[2];
};

/*
 * Torture, after the kernel's rcutorture and hazptrtorture.  Torture
 * writers take an object from the pool, publish it, mark the one they
 * replaced stage 1, synchronize on it, then age every object they retired
 * by one stage per update: an object is back in the pool (poisoned) when
 * it reaches HZB_TORTURE_PIPE_LEN.  Torture readers record the highest
 * stage of every object they hold, checked at acquire and before release:
 * 0 (current) and 1 (being synchronized) are legal, 2 and up mean that
 * synchronize returned while the reader still held the object.
 */
#define HZB_TORTURE_PIPE_LEN	10	/* pipe[] index PIPE_LEN: back in the pool */
/*
 * Torture runs may spread over several shared pointers: the engine's
 * published object (pointer 0, always set) and up to MAX_POINTERS - 1
 * torture-only ones, published and unpublished by the writers (each
 * update picks one at random; a writer unpublishes and retires all the
 * extra ones when it ends, so the last one out leaves them NULL).
 * Readers acquire each hazard pointer of a section from a random one.
 */
#define HZB_TORTURE_MAX_POINTERS	8

/* hzb_torture_reader.flags */
#define HZB_TORT_SLEEP		(1U << 0) /* sometimes sleep while holding */
#define HZB_TORT_DELAY		(1U << 1) /* rare long busy delays while holding */
#define HZB_TORT_PREEMPT	(1U << 2) /* sometimes preempt_schedule() while holding */
#define HZB_TORT_IRQ		(1U << 3) /* also read from an hrtimer (hard irq) */
#define HZB_TORT_STOP		(1U << 4) /* end at the first violation of any run */
#define HZB_TORT_LINGER		(1U << 5) /* keep holding what was just unpublished */
#define HZB_TORT_READ_FLAGS	(HZB_TORT_SLEEP | HZB_TORT_DELAY | \
				 HZB_TORT_PREEMPT | HZB_TORT_IRQ | HZB_TORT_STOP | \
				 HZB_TORT_LINGER)

/*
 * Run torture read sections until duration_ns or iterations (at least
 * one non-zero).  Each section holds a random 1..nest hazard pointers
 * (contexts on the stack), busy-holds a random 0..hold_ns, then with
 * HZB_TORT_SLEEP sleeps 1..sleep_us (one section in 64; needs
 * HZB_FEAT_SLEEP_IN_READER, else -EOPNOTSUPP), with HZB_TORT_PREEMPT
 * calls preempt_schedule() (one in 32), with HZB_TORT_DELAY spins up to
 * delay_us (one in 1024), and releases in a random order.  With
 * HZB_TORT_IRQ an hrtimer on the reader's CPU runs short read sections in
 * hard irq every ~irq_period_us (needs HZB_FEAT_IRQ_READER, else
 * -EOPNOTSUPP).  With HZB_TORT_LINGER a section that finds, right after
 * acquiring, an object already unpublished (stage 1: it raced with the
 * writer) keeps holding it until its stage moves on or linger_us passed:
 * if synchronize missed the reader, it returns meanwhile and the reader
 * sees it.  seed 0 picks a random seed.
 */
struct hzb_torture_reader {
	__u32 size;
	__u32 flags;			/* HZB_TORT_* */
	__u64 duration_ns;
	__u64 iterations;
	__u32 nest;			/* 1..HZB_MAX_NEST */
	__u32 hold_ns;			/* <= 1 s */
	__u32 sleep_us;			/* with HZB_TORT_SLEEP 1..1e6, else 0 */
	__u32 delay_us;			/* with HZB_TORT_DELAY 1..1e6, else 0 */
	__u32 irq_period_us;		/* with HZB_TORT_IRQ 10..1e6, else 0 */
	__u32 seed;
	__u32 linger_us;		/* with HZB_TORT_LINGER 1..1e6, else 0 */
	__u32 pad;
	/* out */
	__u64 sections;
	__u64 acquires;			/* in task context, non-NULL */
	__u64 null_acquires;
	__u64 irq_sections;
	__u64 irq_acquires;
	__u64 sleeps;
	__u64 preempts;
	__u64 delays;
	__u64 lingers;			/* sections that lingered */
	__u64 pipe[HZB_TORTURE_PIPE_LEN + 1];	/* held objects by stage seen */
	__u64 irq_pipe[HZB_TORTURE_PIPE_LEN + 1];
	__u64 reused;			/* held object recycled (seq changed) */
	__u64 violations;		/* pipe[2..], irq_pipe[2..] and reused */
	__u64 first_violation_ns;	/* since the run began; 0: none */
	__u64 elapsed_ns;
	__u64 ctx_switches;
	__u64 reserved[3];
	/* in (appended): shared pointers to acquire from, 0 = 1 */
	__u32 pointers;			/* <= HZB_TORTURE_MAX_POINTERS */
	__u32 pad2;
};

/* hzb_torture_writer.flags */
#define HZB_TORTW_DELAY		(1U << 0) /* sometimes spin before publishing */
#define HZB_TORTW_STOP		(1U << 1) /* end at the first violation of any run */
/*
 * Unpublish the torture-only pointers (1 and up) as most callers do, with
 * a store-release under the writers' lock instead of xchg(): the design's
 * synchronize must then order Store A before its scan itself.  Pointer 0
 * (the engine's, also xchg()ed by non-torture updaters) keeps xchg().
 */
#define HZB_TORTW_RELEASE	(1U << 2)
/*
 * While it runs, the writer stores its update count into the caller's
 * struct (its updates field) after every update: what a watcher needs to
 * see one writer stall while the others go on.
 */
#define HZB_TORTW_PROGRESS	(1U << 3)
#define HZB_TORTW_FLAGS		(HZB_TORTW_DELAY | HZB_TORTW_STOP | HZB_TORTW_RELEASE | \
				 HZB_TORTW_PROGRESS)

/*
 * Run the torture writer until duration_ns or iterations (at least one
 * non-zero): publish a pool object, synchronize on the replaced one, age
 * the retired ones, sleep a random 0..interval_us.  With batch > 1 the
 * writer retires batch objects per synchronize (the design's batch
 * synchronize where it has one).  With HZB_TORTW_DELAY one update in 16
 * spins 0..delay_us before publishing.  The last updater
 * (torture or not) to finish checks the pool: every object must be free
 * but the published one.
 */
struct hzb_torture_writer {
	__u32 size;
	__u32 flags;			/* HZB_TORTW_* */
	__u64 duration_ns;
	__u64 iterations;
	__u32 interval_us;		/* <= 1e6 */
	__u32 delay_us;			/* with HZB_TORTW_DELAY 1..1e6, else 0 */
	__u32 seed;
	__u32 batch;			/* retired per synchronize, 0 = 1, <= 256 */
	/* out */
	__u64 updates;
	__u64 syncs;
	__u64 sync_ns_total;
	__u64 sync_ns_max;
	__u64 freed;			/* aged objects put back in the pool */
	__u64 elapsed_ns;
	__u32 leak_checked;		/* 1: this run checked the pool */
	__u32 pool_objects;
	__u64 pool_free;		/* objects on the free list */
	__u64 pool_live;		/* objects marked live (1: the current) */
	__u64 reserved[3];
	/* in (appended): shared pointers to update, 0 = 1 */
	__u32 pointers;			/* <= HZB_TORTURE_MAX_POINTERS */
	__u32 pad2;
};

/*
 * Use-case workloads (HZB_IOC_USECASE): every design runs each one on a
 * table of objects published at distinct addresses (the engine's, not
 * hzb_shared), populated on first use and emptied when the last use-case
 * run ends.  A deletion unpublishes a random entry (publishing a fresh
 * object in its place) and reclaims the old object: synchronize on it then
 * free it, or, for a design that frees at the last put (refcount), drop
 * the published reference; its time is the delete path.
 *   HZB_UC_REFCOUNT  refcount replacement: a lookup takes a reference
 *		      (acquire), uses the object for hold_ns, drops it; a few
 *		      hot objects, deletes back to back.
 *   HZB_UC_LAZY_MM   lazy active-mm tracking: each reader stands for a CPU
 *		      that keeps a pointer to the last mm across a context
 *		      switch (sleep_us, a real switch) and drops it at the
 *		      next one, after taking the next mm's; deletions stand
 *		      for mm teardown.  Designs whose readers may not sleep
 *		      while holding drop it before the switch and say so
 *		      (HZB_UCF_NOT_HELD).
 *   HZB_UC_HASH      read-mostly hash table: lookups of random keys among
 *		      many objects, concurrent deletions synchronizing on
 *		      many different addresses.
 */
enum hzb_usecase_mode {
	HZB_UC_REFCOUNT = 1,
	HZB_UC_LAZY_MM,
	HZB_UC_HASH,
	HZB_UC_NR_MODES
};

#define HZB_UC_READER		1	/* hzb_usecase.role */
#define HZB_UC_UPDATER		2
#define HZB_UC_MAX_OBJECTS	4096

/* hzb_usecase.out_flags */
#define HZB_UCF_NOT_HELD	(1U << 0) /* lazy-mm pointer dropped before each switch */

struct hzb_usecase {
	__u32 size;
	__u32 mode;			/* HZB_UC_* */
	__u32 role;			/* HZB_UC_READER or HZB_UC_UPDATER */
	__u32 objects;			/* table entries in use, 1..HZB_UC_MAX_OBJECTS */
	__u64 duration_ns;
	__u64 iterations;		/* at least one of the two non-zero */
	__u32 hold_ns;			/* reader: busy use per lookup, <= 1 s */
	__u32 sleep_us;			/* lazy-mm reader: the switch, 1..1e6 */
	__u64 interval_ns;		/* updater: pause between deletes, <= 1 s */
	__u32 seed;			/* 0: random */
	__u32 samples_cap;		/* updater: delete-path timings to keep */
	__u64 samples;			/* user pointer to __u64[samples_cap] */
	/* out */
	__u64 ops;			/* lookups, switches or deletes */
	__u64 acquires;			/* non-NULL */
	__u64 null_acquires;
	__u64 violations;		/* freed object seen while held */
	__u64 op_ns_total;		/* reader: time in acquire + release (lazy-mm) */
	__u64 samples_n;
	__u64 del_ns_total;
	__u64 del_ns_min;
	__u64 del_ns_max;
	__u64 elapsed_ns;
	__u64 ctx_switches;
	__u32 out_flags;		/* HZB_UCF_* */
	__u32 pad;
	__u64 reserved[4];
};

#define HZB_IOC_MAGIC		0xB7
#define HZB_IOC_INFO		_IOR(HZB_IOC_MAGIC, 0x00, struct hzb_info)
#define HZB_IOC_READER		_IOWR(HZB_IOC_MAGIC, 0x01, struct hzb_reader)
#define HZB_IOC_UPDATER		_IOWR(HZB_IOC_MAGIC, 0x02, struct hzb_updater)
#define HZB_IOC_COUNTERS	_IOWR(HZB_IOC_MAGIC, 0x03, struct hzb_counters)
#define HZB_IOC_COUNTERS_RESET	_IO(HZB_IOC_MAGIC, 0x04)
#define HZB_IOC_CALIBRATE	_IOWR(HZB_IOC_MAGIC, 0x05, struct hzb_calibrate)
#define HZB_IOC_SET_VARIANT	_IOW(HZB_IOC_MAGIC, 0x06, struct hzb_variant)
#define HZB_IOC_LOCKS		_IOWR(HZB_IOC_MAGIC, 0x07, struct hzb_locks)
#define HZB_IOC_HOLD		_IOWR(HZB_IOC_MAGIC, 0x08, struct hzb_hold)
#define HZB_IOC_UNHOLD		_IO(HZB_IOC_MAGIC, 0x09)
#define HZB_IOC_TORTURE_READER	_IOWR(HZB_IOC_MAGIC, 0x0a, struct hzb_torture_reader)
#define HZB_IOC_TORTURE_WRITER	_IOWR(HZB_IOC_MAGIC, 0x0b, struct hzb_torture_writer)
#define HZB_IOC_USECASE		_IOWR(HZB_IOC_MAGIC, 0x0c, struct hzb_usecase)

#endif /* _UAPI_HZBENCH_H */
