#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side, under the lockdep + KASAN kernel (booted with kmemleak=on):
# a torture run per design, the torture ABI checks and the fuzz,
# lifecycle cycles, then a kmemleak scan that must find nothing of ours.
#   torture_debug.sh [SECONDS]
set -u
secs=${1:-60}
here=$(dirname "$0")
fail=0
sh "$here/torture_run.sh" "$secs" rcu refcount percpu \
	percpu:slots=4,acquire=wildcard,overflow=flip percpu:scheme=v5 pertask \
	pertask:track=bitmap,retire=async || fail=1
# 100000 calls per device, or 120 s: under the RT debug kernel tasks_trace
# manages about 56 calls/s (its synchronize_rcu_tasks_trace() is that
# slow), 30 min for 100000.
sh "$here/torture_fuzz.sh" 100000 120 || fail=1
# KASAN's quarantine holds freed objects in their caches: the slab census
# is reported, kmemleak below is the leak check.
sh "$here/torture_lifecycle.sh" 50 report || fail=1
leaks=/sys/kernel/debug/kmemleak
if [ -w "$leaks" ]; then
	echo scan > "$leaks"
	sleep 5
	echo scan > "$leaks"
	# Only leaks allocated by our modules count; boot-time reports do not.
	if grep -qE 'hzb_|hazptr' "$leaks"; then
		echo "kmemleak: FAIL unreferenced objects allocated by hzbench modules:"
		head -n 200 "$leaks"
		fail=1
	else
		echo "kmemleak: ok   nothing of ours ($(grep -c '^unreferenced object' "$leaks") other reports)"
	fi
else
	echo "kmemleak: not available (boot with kmemleak=on)"
fi
exit $fail
