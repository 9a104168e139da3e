#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side: module lifecycle of every hzbench module in /lib/hzbench.
#   torture_lifecycle.sh [CYCLES [CENSUS]]      (default 100 check)
#  1. rmmod while torture readers and writers run is refused (their open
#     files pin the module), and the run still ends with SUCCESS;
#  2. a torture run killed with SIGKILL mid-run lets the module go;
#  3. CYCLES x (insmod, one call of each kind with hzb_fuzz --exercise,
#     rmmod) leave slab, vmalloc and per-CPU usage where they started:
#     caches are shrunk before each census (at 0, CYCLES/2 and CYCLES;
#     census() says how it avoids per-CPU slab noise), and a cache that
#     grew in both halves by half an object per cycle or more is a leak.
#     CENSUS=report prints the slab growth without judging it: under
#     KASAN the quarantine keeps freed objects in their caches for a
#     while, so the census cannot tell a leak (the debug run's kmemleak
#     scan does).
# Prints "lifecycle: ok|FAIL ..." lines; exits 1 on any failure.
set -u
cycles=${1:-100}
census_mode=${2:-check}
fail=0
ok() { echo "lifecycle: ok   $*"; }
bad() { echo "lifecycle: FAIL $*"; fail=1; }
loaded() { grep -q "^$1 " /proc/modules; }

# rmmod, retrying for up to 5 s: a module may be pinned for a moment after
# its last user is gone (deferred frees); a longer refusal is a failure.
rmmod_wait() {
	n=0
	while ! rmmod "$1" 2> /dev/null; do
		n=$((n + 1))
		if [ $n -ge 100 ]; then
			rmmod "$1"
			return 1
		fi
		sleep 0.05
	done
	retries=$((retries + n))
}

# Caches that grew by half an object per cycle or more (of $1 cycles per
# interval) in both intervals of the three censuses $2 $3 $4, with growth.
steady() {
	awk -v h="$1" 'FILENAME == ARGV[1] { a[$1] = $2; next }
		FILENAME == ARGV[2] { b[$1] = $2; next }
		{ d1 = b[$1] - a[$1]; d2 = $2 - b[$1]
		  if (2 * d1 >= h && 2 * d2 >= h) printf "%s(+%d,+%d) ", $1, d1, d2 }' \
		"$2" "$3" "$4" | sed 's/(+[0-9]*,+[0-9]*)//g'
}

# $1 cycles of insmod, one call of each kind, rmmod (uses ko, dev, mod).
cycle_n() {
	c=0
	while [ $c -lt "$1" ]; do
		c=$((c + 1))
		if ! insmod "$ko"; then
			errs=$((errs + 1))
			continue
		fi
		hzb_fuzz --exercise "/dev/$dev" > /tmp/lc.ex || { errs=$((errs + 1)); cat /tmp/lc.ex; }
		rmmod_wait "$mod" || errs=$((errs + 1))
	done
}

# Settle the allocators: drop caches (whose shrinkers also flush lazy RCU
# callbacks; boot with rcutree.enable_rcu_lazy=0 to avoid them), give the
# RCU-deferred frees (inode security blobs, ...) a moment, drop again.
settle() {
	sync
	echo 3 > /proc/sys/vm/drop_caches 2>/dev/null
	sleep 0.5
	echo 3 > /proc/sys/vm/drop_caches 2>/dev/null
	sleep 0.5
}

# Flush every cache's per-CPU slabs and free its empty ones.
shrink_all() {
	for f in /sys/kernel/slab/*/shrink; do
		[ -w "$f" ] && echo 1 > "$f" 2>/dev/null
	done
}

# "cache active_objs objsize" for every cache, sorted by name.
# /proc/slabinfo counts every object of a per-CPU slab as active, so an
# allocation after the flush shows as a whole slab (46 inode security
# blobs, 23 mm_structs): that noise once passed for a leak.  Hence no
# allocation between the last flush and the read: the first pass looks
# up (allocates the inodes of) the shrink files, the output file and
# /proc/slabinfo; the second pass allocates nothing new; the copy is
# made by the shell itself (no fork, no pipe).
census() {
	settle
	: > "$1.raw"
	shrink_all
	: < /proc/slabinfo
	shrink_all
	while IFS= read -r line; do
		echo "$line"
	done < /proc/slabinfo > "$1.raw"
	awk 'NR > 2 { print $1, $2, $4 }' "$1.raw" | sort > "$1"
	{
		grep -E '^(Slab|SUnreclaim|VmallocUsed|Percpu):' /proc/meminfo
		echo "vmalloc_areas: $(wc -l < /proc/vmallocinfo)"
	} > "$1.mem"
}

# module device design
set -- \
	hzb_rcu hzb_rcu rcu \
	hzb_refcount hzb_refcount refcount \
	hzb_srcu hzb_srcu srcu \
	hzb_tasks_trace hzb_tasks_trace tasks-trace \
	percpu_hazptr hazptr_percpu percpu \
	pertask_hazptr hazptr_pertask pertask
[ -r /proc/slabinfo ] || bad "no /proc/slabinfo in this kernel"
while [ $# -ge 3 ]; do
	mod=$1 dev=$2 design=$3
	shift 3
	ko=/lib/hzbench/$mod.ko
	[ -e "$ko" ] || continue
	loaded "$mod" || insmod "$ko" || { bad "$mod: insmod failed"; continue; }

	# 1. rmmod while readers and writers run.
	hzbench torture --design="$design" --duration=6 --quiet > /tmp/lc.out 2>&1 &
	pid=$!
	sleep 3
	if rmmod "$mod" 2> /tmp/lc.err; then
		bad "$mod: rmmod succeeded while torture readers and writers ran"
	else
		ok "$mod: rmmod refused while running: $(cat /tmp/lc.err)"
	fi
	wait $pid
	rc=$?
	if [ "$rc" -eq 0 ] && grep -q "End of test: SUCCESS" /tmp/lc.out; then
		ok "$mod: the torture run went on to SUCCESS"
	else
		bad "$mod: torture run after the refused rmmod: exit $rc"
		cat /tmp/lc.out
	fi

	# 2. SIGKILL mid-run, then rmmod.
	hzbench torture --design="$design" --duration=60 --quiet > /dev/null 2>&1 &
	pid=$!
	sleep 3
	kill -9 $pid
	wait $pid 2> /dev/null
	retries=0
	if ! rmmod_wait "$mod"; then
		bad "$mod: rmmod still refused 5 s after the run was killed"
		continue
	fi
	ok "$mod: rmmod after a SIGKILLed run ($retries retries)"

	# 3. insmod/rmmod cycles: warm up, census, cycles/2, census, cycles/2,
	# census.  A leak grows a cache in both halves; one-off growth (caches
	# filling up, lazily freed areas) shows in the first half only.
	for _ in 1 2 3; do
		insmod "$ko" && hzb_fuzz --exercise "/dev/$dev" && rmmod_wait "$mod"
	done
	census /tmp/lc.0
	t0=$(cut -d' ' -f1 /proc/uptime)
	errs=0 retries=0 half=$((cycles / 2))
	cycle_n "$half"
	census /tmp/lc.1
	cycle_n $((cycles - half))
	census /tmp/lc.2
	t1=$(cut -d' ' -f1 /proc/uptime)
	[ "$errs" -eq 0 ] || bad "$mod: $errs failures in $cycles insmod/exercise/rmmod cycles"
	leaks=$(steady "$half" /tmp/lc.0 /tmp/lc.1 /tmp/lc.2)
	if [ -n "$leaks" ]; then
		# Once more: a leak keeps growing, a coincidence does not.
		echo "lifecycle: $mod: suspects: $leaks; $half more cycles"
		cycle_n "$half"
		census /tmp/lc.3
		again=$(steady "$half" /tmp/lc.1 /tmp/lc.2 /tmp/lc.3)
		leaks=
		for c in $again; do
			case " $(steady "$half" /tmp/lc.0 /tmp/lc.1 /tmp/lc.2) " in
			*" $c "*) leaks="$leaks $c" ;;
			esac
		done
	fi
	grow=$(awk 'NR == FNR { a[$1] = $2; next }
		{ d = $2 - a[$1]; if (d > 0) { s += d * $3; if (d > 8) printf "%s +%d, ", $1, d } }
		END { printf "total +%d bytes", s }' /tmp/lc.0 /tmp/lc.2)
	mem=$(paste /tmp/lc.0.mem /tmp/lc.1.mem /tmp/lc.2.mem | awk '
		{ n = split($0, f); u = (f[3] == "kB") ? 3 : 2
		  printf "%s %s -> %s -> %s; ", f[1], f[2], f[2 + u], f[2 + 2 * u] }')
	echo "lifecycle: $mod: $cycles cycles in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s ($retries rmmod retries); slab growth: $grow"
	echo "lifecycle: $mod: $mem"
	if [ -n "$leaks" ] && [ "$census_mode" = report ]; then
		echo "lifecycle: --   $mod: slab caches grew by half an object per cycle or more, three times in a row:$leaks (not judged: KASAN quarantine; see kmemleak)"
	elif [ -n "$leaks" ]; then
		bad "$mod: slab caches grew by half an object per cycle or more, three times in a row:$leaks"
	else
		ok "$mod: $cycles insmod/rmmod cycles, no slab cache grew steadily"
	fi
	va0=$(sed -n 's/^vmalloc_areas: //p' /tmp/lc.1.mem)
	va1=$(sed -n 's/^vmalloc_areas: //p' /tmp/lc.2.mem)
	if [ $((2 * (va1 - va0))) -ge $((cycles - half)) ]; then
		bad "$mod: vmalloc areas $va0 -> $va1 over the second $((cycles - half)) cycles"
	fi
	insmod "$ko" || bad "$mod: final insmod failed"
done
exit $fail
