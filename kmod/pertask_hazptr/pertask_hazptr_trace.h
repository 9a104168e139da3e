/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the per-task hazard pointers, for perf and BPF:
 *   perf record -e 'pertask_hazptr:*' -g -- hzbench --design=pertask ...
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM pertask_hazptr

#if !defined(_PERTASK_HAZPTR_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _PERTASK_HAZPTR_TRACE_H

#include <linux/tracepoint.h>

/* A task got its slot block (first reader ioctl, or a variant change). */
TRACE_EVENT(pertask_hazptr_attach,
	    TP_PROTO(pid_t pid, unsigned int nslots, unsigned int bytes),
	    TP_ARGS(pid, nslots, bytes),
	    TP_STRUCT__entry(__field(pid_t, pid)
			     __field(unsigned int, nslots)
			     __field(unsigned int, bytes)),
	    TP_fast_assign(__entry->pid = pid;
			   __entry->nslots = nslots;
			   __entry->bytes = bytes;),
	    TP_printk("pid=%d nslots=%u bytes=%u", __entry->pid, __entry->nslots,
		      __entry->bytes)
);

/* A block left its task; held > 0: the task exited holding pointers. */
TRACE_EVENT(pertask_hazptr_detach,
	    TP_PROTO(pid_t pid, unsigned int held),
	    TP_ARGS(pid, held),
	    TP_STRUCT__entry(__field(pid_t, pid)
			     __field(unsigned int, held)),
	    TP_fast_assign(__entry->pid = pid;
			   __entry->held = held;),
	    TP_printk("pid=%d held=%u", __entry->pid, __entry->held)
);

/* All fixed slots taken: the caller's context went on the overflow list. */
TRACE_EVENT(pertask_hazptr_overflow,
	    TP_PROTO(pid_t pid, unsigned int depth),
	    TP_ARGS(pid, depth),
	    TP_STRUCT__entry(__field(pid_t, pid)
			     __field(unsigned int, depth)),
	    TP_fast_assign(__entry->pid = pid;
			   __entry->depth = depth;),
	    TP_printk("pid=%d depth=%u", __entry->pid, __entry->depth)
);

/* One walk of every task, for nptrs retired pointers. */
TRACE_EVENT(pertask_hazptr_scan,
	    TP_PROTO(unsigned int nptrs, u64 scanned, u64 skipped,
		     u64 waits, u64 restarts, u64 ns),
	    TP_ARGS(nptrs, scanned, skipped, waits, restarts, ns),
	    TP_STRUCT__entry(__field(unsigned int, nptrs)
			     __field(u64, scanned)
			     __field(u64, skipped)
			     __field(u64, waits)
			     __field(u64, restarts)
			     __field(u64, ns)),
	    TP_fast_assign(__entry->nptrs = nptrs;
			   __entry->scanned = scanned;
			   __entry->skipped = skipped;
			   __entry->waits = waits;
			   __entry->restarts = restarts;
			   __entry->ns = ns;),
	    TP_printk("nptrs=%u scanned=%llu skipped=%llu waits=%llu restarts=%llu ns=%llu",
		      __entry->nptrs, __entry->scanned, __entry->skipped,
		      __entry->waits, __entry->restarts, __entry->ns)
);

/* The scan waited, outside RCU, for one task to drop a retired pointer. */
TRACE_EVENT(pertask_hazptr_wait,
	    TP_PROTO(pid_t pid, u64 ns),
	    TP_ARGS(pid, ns),
	    TP_STRUCT__entry(__field(pid_t, pid)
			     __field(u64, ns)),
	    TP_fast_assign(__entry->pid = pid;
			   __entry->ns = ns;),
	    TP_printk("pid=%d ns=%llu", __entry->pid, __entry->ns)
);

/* The retire worker reclaimed requests with one walk. */
TRACE_EVENT(pertask_hazptr_reclaim,
	    TP_PROTO(unsigned int requests, unsigned long objects,
		     unsigned long backlog, u64 oldest_ns),
	    TP_ARGS(requests, objects, backlog, oldest_ns),
	    TP_STRUCT__entry(__field(unsigned int, requests)
			     __field(unsigned long, objects)
			     __field(unsigned long, backlog)
			     __field(u64, oldest_ns)),
	    TP_fast_assign(__entry->requests = requests;
			   __entry->objects = objects;
			   __entry->backlog = backlog;
			   __entry->oldest_ns = oldest_ns;),
	    TP_printk("requests=%u objects=%lu backlog=%lu oldest_ns=%llu",
		      __entry->requests, __entry->objects, __entry->backlog,
		      __entry->oldest_ns)
);

#endif /* _PERTASK_HAZPTR_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE pertask_hazptr_trace
#include <trace/define_trace.h>
