#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side: module lifecycle of every hzbench module in /lib/hzbench.
#   torture_lifecycle.sh [CYCLES]      (default 100)
#  1. rmmod while torture readers and writers run is refused (their open
#     files pin the module), and the run still ends with SUCCESS;
#  2. a torture run killed with SIGKILL mid-run lets the module go;
#  3. CYCLES x (insmod, one call of each kind with hzb_fuzz --exercise,
#     rmmod) leave slab, vmalloc and per-CPU usage where they started:
#     caches are shrunk before each census, and a cache that grew by
#     CYCLES objects or more (one per cycle) is a leak.
# Prints "lifecycle: ok|FAIL ..." lines; exits 1 on any failure.
set -u
cycles=${1:-100}
fail=0
ok() { echo "lifecycle: ok   $*"; }
bad() { echo "lifecycle: FAIL $*"; fail=1; }
loaded() { grep -q "^$1 " /proc/modules; }

# Settle the allocators: drop caches, flush per-CPU slabs.
settle() {
	sync
	echo 3 > /proc/sys/vm/drop_caches 2>/dev/null
	for f in /sys/kernel/slab/*/shrink; do
		[ -w "$f" ] && echo 1 > "$f" 2>/dev/null
	done
}

# "cache active_objs objsize" for every cache, sorted by name.
census() {
	settle
	awk 'NR > 2 { print $1, $2, $4 }' /proc/slabinfo | sort > "$1"
	{
		grep -E '^(Slab|SUnreclaim|VmallocUsed|Percpu):' /proc/meminfo
		echo "vmalloc_areas: $(wc -l < /proc/vmallocinfo)"
	} > "$1.mem"
}

# module device design
set -- \
	hzb_rcu hzb_rcu rcu \
	hzb_refcount hzb_refcount refcount \
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
	i=0
	while ! rmmod "$mod" 2> /dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || break
		sleep 0.1
	done
	if loaded "$mod"; then
		bad "$mod: rmmod still refused 10 s after the run was killed"
		continue
	fi
	ok "$mod: rmmod after a SIGKILLed run ($i retries)"

	# 3. insmod/rmmod cycles: warm up, census, cycle, census.
	for i in 1 2 3; do
		insmod "$ko" && hzb_fuzz --exercise "/dev/$dev" && rmmod "$mod"
	done
	census /tmp/lc.before
	t0=$(cut -d' ' -f1 /proc/uptime)
	i=0 errs=0
	while [ $i -lt "$cycles" ]; do
		i=$((i + 1))
		if ! insmod "$ko"; then
			errs=$((errs + 1))
			continue
		fi
		hzb_fuzz --exercise "/dev/$dev" > /tmp/lc.ex || { errs=$((errs + 1)); cat /tmp/lc.ex; }
		rmmod "$mod" || errs=$((errs + 1))
	done
	t1=$(cut -d' ' -f1 /proc/uptime)
	census /tmp/lc.after
	[ "$errs" -eq 0 ] || bad "$mod: $errs failures in $cycles insmod/exercise/rmmod cycles"
	# Caches that grew, and by how much.
	leaks=$(awk -v n="$cycles" 'NR == FNR { a[$1] = $2; next }
		{ d = $2 - a[$1]; if (d >= n) printf "%s +%d objects (%d bytes each); ", $1, d, $3 }' \
		/tmp/lc.before /tmp/lc.after)
	grow=$(awk 'NR == FNR { a[$1] = $2; next }
		{ d = $2 - a[$1]; if (d > 0) { s += d * $3; if (d > 8) printf "%s +%d, ", $1, d } }
		END { printf "total +%d bytes", s }' /tmp/lc.before /tmp/lc.after)
	mem=$(paste /tmp/lc.before.mem /tmp/lc.after.mem | awk '
		{ printf "%s %s -> %s; ", $1, $2, $(NF - ($NF == "kB")) }')
	echo "lifecycle: $mod: $cycles cycles in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s; slab growth: $grow"
	echo "lifecycle: $mod: $mem"
	if [ -n "$leaks" ]; then
		bad "$mod: slab caches grew by one object per cycle or more: $leaks"
	else
		ok "$mod: $cycles insmod/rmmod cycles, no slab cache grew by $cycles objects"
	fi
	va0=$(sed -n 's/^vmalloc_areas: //p' /tmp/lc.before.mem)
	va1=$(sed -n 's/^vmalloc_areas: //p' /tmp/lc.after.mem)
	if [ $((va1 - va0)) -ge "$cycles" ]; then
		bad "$mod: vmalloc areas $va0 -> $va1 over $cycles cycles"
	fi
	insmod "$ko" || bad "$mod: final insmod failed"
done
exit $fail
