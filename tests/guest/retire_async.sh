#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side: --retire=async (issue 12) is asynchronous in both designs.
# The engine's reclaim worker synchronizes and frees each batch of 16; an
# updater that waited for its batch would never have more than one batch
# retired and not yet freed, so the backlog peak must exceed the batch.
# Also: every retired object is freed by the end (reclaimed = retired),
# each has a reclaim latency, and no reader saw a freed object (readers
# hold each object 20 us).
set -u
fail=0
check() {
	if [ "$1" = 0 ]; then echo "ok   $2"; else echo "FAIL $2"; fail=1; fi
}
# The first occurrence of "KEY": N in the pretty-printed JSON.
key() {
	sed -n "s/^ *\"$1\": \([0-9]*\),*\$/\1/p" "$2" | head -1
}
b=16
for d in percpu pertask; do
	hzbench --no-vm --design=$d --retire=async --batch=$b --hold=20us --readers=1 \
		--updaters=1 --update-interval=20us --tasks=100 --duration=1 --no-bpf --no-floors -q \
		--json=/tmp/a$d.json > /tmp/a$d.out 2>&1
	rc=$?
	grep -- '-hzbench: RESULT\|Retire async' /tmp/a$d.out
	check $rc "$d: run ok (exit $rc)"
	v=$(sed -n 's/.*violations=\([0-9]*\).*/\1/p' /tmp/a$d.out)
	[ "$v" = 0 ]
	check $? "$d: no reader saw a freed object ($v)"
	peak=$(key backlog_peak_objects /tmp/a$d.json)
	[ -n "$peak" ] && [ "$peak" -gt $b ]
	check $? "$d: backlog peak $peak objects > one batch of $b: the updater went on"
	bytes=$(key backlog_peak_bytes /tmp/a$d.json)
	[ -n "$bytes" ] && [ "$bytes" -ge $((peak * 64)) ]
	check $? "$d: backlog peak $bytes bytes >= 64 per object"
	retired=$(key retired /tmp/a$d.json)
	reclaimed=$(key reclaimed /tmp/a$d.json)
	[ -n "$retired" ] && [ "$retired" -gt 0 ] && [ "$reclaimed" = "$retired" ]
	check $? "$d: the worker freed every retired object ($reclaimed of $retired)"
	lat=$(sed -n '/"reclaim_latency"/,/}/s/^ *"count": \([0-9]*\),*$/\1/p' /tmp/a$d.json | head -1)
	[ -n "$lat" ] && [ "$lat" -gt 0 ]
	check $? "$d: reclaim latencies recorded ($lat)"
done
exit $fail
