// SPDX-License-Identifier: GPL-2.0
/*
 * native.c - what timing on real hardware needs, part of engine.c.
 *
 * Three module parameters, all writable at run time (hzbench sets them
 * through /sys/module/<module>/parameters/ and records them in results):
 *
 *   up_fence  uniprocessor kernels (user-mode Linux): what smp_mb() in
 *             these modules executes, see hzb_common.h.  "lock" (default),
 *             "mfence" or "off"; reads "smp" on SMP kernels, where it
 *             cannot be changed.
 *   clock     the clock of the module's timings (each synchronize,
 *             each calibration sample): "ktime" (ktime_get_ns) or, in
 *             user-mode Linux on x86-64, "tsc" (default there): UML's
 *             ktime advances in 256-512 ns steps, the host's invariant
 *             TSC in cycles.  The TSC is converted with a rate measured
 *             against ktime over 20 ms at module load.
 *   evict_kb  the buffer streamed through the caches before a cold
 *             task walk and before each synchronize of a cold updater
 *             run (HZB_UPD_COLD): make it larger than the last-level
 *             cache (default 64 MiB; hzbench --target=uml passes twice
 *             the host's, at most 128 MiB: see evict_kb() in hzb_vm.c).
 */
#include <linux/vmalloc.h>

#ifndef CONFIG_SMP
DEFINE_STATIC_KEY_TRUE(hzb_up_fence_on);
DEFINE_STATIC_KEY_FALSE(hzb_up_fence_mfence);
#endif

static int hzb_up_fence_set(const char *val, const struct kernel_param *kp)
{
#ifndef CONFIG_SMP
	if (sysfs_streq(val, "lock")) {
		static_branch_enable(&hzb_up_fence_on);
		static_branch_disable(&hzb_up_fence_mfence);
	} else if (sysfs_streq(val, "mfence")) {
		static_branch_enable(&hzb_up_fence_on);
		static_branch_enable(&hzb_up_fence_mfence);
	} else if (sysfs_streq(val, "off")) {
		static_branch_disable(&hzb_up_fence_on);
		static_branch_disable(&hzb_up_fence_mfence);
	} else {
		return -EINVAL;
	}
	return 0;
#else
	return sysfs_streq(val, "smp") ? 0 : -EINVAL;
#endif
}

static int hzb_up_fence_get(char *buf, const struct kernel_param *kp)
{
#ifndef CONFIG_SMP
	if (!static_branch_likely(&hzb_up_fence_on))
		return sysfs_emit(buf, "off\n");
	if (static_branch_unlikely(&hzb_up_fence_mfence))
		return sysfs_emit(buf, "mfence\n");
	return sysfs_emit(buf, "lock\n");
#else
	return sysfs_emit(buf, "smp\n");
#endif
}

static const struct kernel_param_ops hzb_up_fence_ops = {
	.set = hzb_up_fence_set,
	.get = hzb_up_fence_get,
};
module_param_cb(up_fence, &hzb_up_fence_ops, NULL, 0644);
MODULE_PARM_DESC(up_fence, "UP kernels: smp_mb() is lock (default), mfence or off; \"smp\" on SMP");

/* ------------------------------------------------------------------ */
/* Clock                                                               */
/* ------------------------------------------------------------------ */

#if defined(CONFIG_UML) && defined(CONFIG_X86_64)
#define HZB_HAVE_TSC 1
#else
#define HZB_HAVE_TSC 0
#endif

static bool hzb_clock_tsc = HZB_HAVE_TSC;
/* ns = cycles * hzb_tsc_mult >> 32, measured at load */
static u64 hzb_tsc_mult;
static bool hzb_tsc_broken;	/* the calibration found no usable TSC */

static __always_inline u64 hzb_rdtsc(void)
{
#if HZB_HAVE_TSC
	u32 lo, hi;

	/*
	 * lfence keeps rdtsc from running ahead of earlier instructions
	 * (the start of a timed section); pairs with nothing, it is not a
	 * memory-ordering barrier for other CPUs.
	 */
	asm volatile("lfence; rdtsc" : "=a" (lo), "=d" (hi) :: "memory");
	return ((u64)hi << 32) | lo;
#else
	return 0;
#endif
}

/* The clock of the module's timings, in ns. */
static __always_inline u64 hzb_clock_ns(void)
{
	if (HZB_HAVE_TSC && hzb_clock_tsc)
		return mul_u64_u64_shr(hzb_rdtsc(), hzb_tsc_mult, 32);
	return ktime_get_ns();
}

static void hzb_tsc_calibrate(void)
{
	u64 t0, t1, c0, c1;

	if (!HZB_HAVE_TSC)
		return;
	t0 = ktime_get_ns();
	c0 = hzb_rdtsc();
	do {
		cpu_relax();
		t1 = ktime_get_ns();
	} while (t1 - t0 < 20 * NSEC_PER_MSEC);
	c1 = hzb_rdtsc();
	if (c1 <= c0) {
		hzb_tsc_broken = true;
		hzb_clock_tsc = false;
		pr_warn(HZB_PR_PREFIX "TSC does not advance: timing with ktime\n");
		return;
	}
	hzb_tsc_mult = div64_u64((t1 - t0) << 32, c1 - c0);
	pr_info(HZB_PR_PREFIX "TSC at %llu kHz, timings in TSC cycles\n",
		div64_u64((c1 - c0) * USEC_PER_SEC, t1 - t0));
}

static int hzb_clock_set(const char *val, const struct kernel_param *kp)
{
	if (sysfs_streq(val, "ktime"))
		hzb_clock_tsc = false;
	else if (sysfs_streq(val, "tsc") && HZB_HAVE_TSC && !hzb_tsc_broken)
		hzb_clock_tsc = true;	/* at insmod: before the calibration */
	else
		return -EINVAL;
	return 0;
}

static int hzb_clock_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", hzb_clock_tsc ? "tsc" : "ktime");
}

static const struct kernel_param_ops hzb_clock_ops = {
	.set = hzb_clock_set,
	.get = hzb_clock_get,
};
module_param_cb(clock, &hzb_clock_ops, NULL, 0644);
MODULE_PARM_DESC(clock, "Clock of the module's timings: ktime, or tsc (UML x86-64, default there)");

/* ------------------------------------------------------------------ */
/* Cache eviction                                                      */
/* ------------------------------------------------------------------ */

static unsigned int evict_kb = 65536;
module_param(evict_kb, uint, 0644);
MODULE_PARM_DESC(evict_kb, "Buffer streamed to evict the caches (KiB, > last-level cache; default 65536)");

static DEFINE_MUTEX(hzb_evict_mutex);
static unsigned long *hzb_evict_buf;
static size_t hzb_evict_bytes;

/* Get the eviction buffer at evict_kb (process context, may sleep). */
static int hzb_evict_prepare(void)
{
	size_t want = (size_t)clamp(evict_kb, 1024U, 4U << 20) << 10;
	int ret = 0;

	mutex_lock(&hzb_evict_mutex);
	if (hzb_evict_bytes != want) {
		vfree(hzb_evict_buf);
		hzb_evict_bytes = 0;
		hzb_evict_buf = vzalloc(want);
		if (hzb_evict_buf)
			hzb_evict_bytes = want;
		else
			ret = -ENOMEM;
	}
	mutex_unlock(&hzb_evict_mutex);
	return ret;
}

/*
 * Stream the buffer: read and write one word per cache line, so every
 * level holds the buffer's lines (dirty) and none of what ran before.
 */
static void hzb_evict(void)
{
	size_t i, n = hzb_evict_bytes / sizeof(unsigned long);
	unsigned long *p = hzb_evict_buf;

	for (i = 0; i < n; i += L1_CACHE_BYTES / sizeof(unsigned long))
		WRITE_ONCE(p[i], READ_ONCE(p[i]) + 1);
}

static void hzb_evict_exit(void)
{
	vfree(hzb_evict_buf);
	hzb_evict_buf = NULL;
	hzb_evict_bytes = 0;
}

/* ------------------------------------------------------------------ */
/* Per-CPU scan floor                                                  */
/* ------------------------------------------------------------------ */

/* A cache line of slots per CPU, as a per-CPU design keeps them. */
struct hzb_cal_line {
	unsigned long slot[L1_CACHE_BYTES / sizeof(unsigned long)];
} ____cacheline_aligned;
static DEFINE_PER_CPU(struct hzb_cal_line, hzb_cal_lines);

/*
 * What a per-CPU synchronize costs at least: read every slot of every
 * possible CPU's line, compare each with the retired pointer.
 */
static noinline void hzb_cal_pcpu_scan(u64 loops, unsigned long *sink)
{
	unsigned long target = (unsigned long)READ_ONCE(hzb_shared);
	unsigned long found = 0;
	unsigned int i;
	int cpu;

	while (loops--) {
		for_each_possible_cpu(cpu) {
			struct hzb_cal_line *l = per_cpu_ptr(&hzb_cal_lines, cpu);

			for (i = 0; i < ARRAY_SIZE(l->slot); i++)
				found += READ_ONCE(l->slot[i]) == target;
		}
	}
	WRITE_ONCE(*sink, found);
}
