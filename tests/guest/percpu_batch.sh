#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side: the per-CPU design's batch synchronize (one scan for a batch
# of addresses) is safe and is one call per batch.  Readers hold each
# object 20 us, so a scan that missed any address of its batch frees an
# object a reader holds: a violation.  Batches of 8 take the linear search,
# 64 the sorted one.
set -u
fail=0
check() {
	if [ "$1" = 0 ]; then echo "ok   $2"; else echo "FAIL $2"; fail=1; fi
}
for b in 8 64; do
	hzbench --no-vm --design=percpu --batch=$b --hold=20us --readers=1 --updaters=1 \
		--duration=2 --no-bpf --no-floors -q --json=/tmp/b$b.json > /tmp/b$b.out 2>&1
	rc=$?
	grep -- '-hzbench: RESULT' /tmp/b$b.out
	check $rc "batch=$b: run ok (exit $rc)"
	v=$(sed -n 's/.*violations=\([0-9]*\).*/\1/p' /tmp/b$b.out)
	[ "$v" = 0 ]
	check $? "batch=$b: no reader saw a freed object ($v)"
	# The first "syncs" is updaters.syncs (calls), the first "retired" the
	# run's counter (--no-bpf: no segment counters).
	retired=$(sed -n 's/^ *"retired": \([0-9]*\),*$/\1/p' /tmp/b$b.json | head -1)
	syncs=$(sed -n 's/^ *"syncs": \([0-9]*\),*$/\1/p' /tmp/b$b.json | head -1)
	# Every call but the last partial one reclaims a whole batch.
	[ -n "$syncs" ] && [ "$syncs" -gt 0 ] && [ $(( (retired + b - 1) / b )) -le "$syncs" ] &&
		[ $((syncs * b)) -le $((retired + b)) ]
	check $? "batch=$b: one synchronize call per batch ($syncs calls, $retired retired)"
done
exit $fail
