/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the per-CPU hazard pointer design, on its slow paths
 * only: `perf list 'percpu_hazptr:*'`.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM percpu_hazptr

#if !defined(_PERCPU_HAZPTR_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _PERCPU_HAZPTR_TRACE_H

#include <linux/tracepoint.h>

/* A backup slot joins or leaves the overflow list <cpu>.<list>. */
DECLARE_EVENT_CLASS(percpu_hazptr_backup_class,
		    TP_PROTO(const void *ctx, const void *addr, int cpu,
			     unsigned int list),
		    TP_ARGS(ctx, addr, cpu, list),
		    TP_STRUCT__entry(__field(const void *, ctx)
				     __field(const void *, addr)
				     __field(int, cpu)
				     __field(unsigned int, list)),
		    TP_fast_assign(__entry->ctx = ctx;
				   __entry->addr = addr;
				   __entry->cpu = cpu;
				   __entry->list = list;),
		    TP_printk("ctx=%p addr=%p list=%d.%u", __entry->ctx,
			      __entry->addr, __entry->cpu, __entry->list)
);

/* An acquire found no free per-CPU slot and chained its backup slot. */
DEFINE_EVENT(percpu_hazptr_backup_class, percpu_hazptr_overflow,
	     TP_PROTO(const void *ctx, const void *addr, int cpu,
		      unsigned int list),
	     TP_ARGS(ctx, addr, cpu, list));

/* A context switch (or a detach) moved a per-CPU slot to its backup. */
DEFINE_EVENT(percpu_hazptr_backup_class, percpu_hazptr_migrate,
	     TP_PROTO(const void *ctx, const void *addr, int cpu,
		      unsigned int list),
	     TP_ARGS(ctx, addr, cpu, list));

/* A backup slot left its overflow list (release, or NULL acquire). */
DEFINE_EVENT(percpu_hazptr_backup_class, percpu_hazptr_unchain,
	     TP_PROTO(const void *ctx, const void *addr, int cpu,
		      unsigned int list),
	     TP_ARGS(ctx, addr, cpu, list));

/* An overflow-list walk restarted: the list changed while unlocked. */
TRACE_EVENT(percpu_hazptr_scan_restart,
	    TP_PROTO(int cpu, unsigned int list, u64 gen),
	    TP_ARGS(cpu, list, gen),
	    TP_STRUCT__entry(__field(u64, gen)
			     __field(int, cpu)
			     __field(unsigned int, list)),
	    TP_fast_assign(__entry->gen = gen;
			   __entry->cpu = cpu;
			   __entry->list = list;),
	    TP_printk("list=%d.%u gen=%llu", __entry->cpu, __entry->list,
		      __entry->gen)
);

/* One synchronize finished. */
TRACE_EVENT(percpu_hazptr_synchronize_done,
	    TP_PROTO(const void *addr, unsigned int waits,
		     unsigned int restarts, unsigned int cpus_skipped),
	    TP_ARGS(addr, waits, restarts, cpus_skipped),
	    TP_STRUCT__entry(__field(const void *, addr)
			     __field(unsigned int, waits)
			     __field(unsigned int, restarts)
			     __field(unsigned int, cpus_skipped)),
	    TP_fast_assign(__entry->addr = addr;
			   __entry->waits = waits;
			   __entry->restarts = restarts;
			   __entry->cpus_skipped = cpus_skipped;),
	    TP_printk("addr=%p waits=%u restarts=%u cpus_skipped=%u",
		      __entry->addr, __entry->waits, __entry->restarts,
		      __entry->cpus_skipped)
);

#endif /* _PERCPU_HAZPTR_TRACE_H */

/* Out of tree: Kbuild adds -I$(src) for the file defining the events. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE percpu_hazptr_trace
#include <trace/define_trace.h>
