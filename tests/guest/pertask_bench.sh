#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side: the pertask targets, as ratios measured in this one VM run
# (timings under TCG are emulated: compare ratios, not nanoseconds).
#   - synchronize at N idle tasks next to the HZB_CAL_TASK_WALK floor,
#     interleaved sample by sample (target: within 1.2x);
#   - acquire+release in a tight loop next to the slot-loop floor, per
#     variant (target: within 1.5x), from the module's debugfs bench;
#   - the emulation's context-switch cost (preempt notifier);
#   - bytes per task.
# Fails only if a measurement cannot be taken.
#   pertask_bench.sh [TASK_COUNTS...]   (default: 1 1000 10000 30000)
# shellcheck source-path=SCRIPTDIR source=pertask_lib.sh
. "$(dirname "$0")/pertask_lib.sh"
need_setup
[ $# -gt 0 ] || set -- 1 1000 10000 30000
echo "synchronize vs task-walk floor (min and median of 41 interleaved pairs)"
for n in "$@"; do
	out=$("$tool" syncbench -t "$n" -N 41) || { check "syncbench -t $n" 1; continue; }
	echo "  tasks=$n walked=$(echo "$out" | get tasks_walked)" \
	     "walk_min_ns=$(echo "$out" | get walk_min_ns) sync_min_ns=$(echo "$out" | get sync_min_ns)" \
	     "ratio_min=$(echo "$out" | get ratio_min)" \
	     "walk_p50_ns=$(echo "$out" | get walk_p50_ns) sync_p50_ns=$(echo "$out" | get sync_p50_ns)" \
	     "ratio_p50=$(echo "$out" | get ratio_p50) scanned_per_sync=$(echo "$out" | get scanned_per_sync)"
done
bench=/sys/kernel/debug/pertask_hazptr/fastpath
echo "acquire+release vs slot-loop floor (best of 31 alternated rounds)"
for v in slots=8,track=count slots=16,track=count slots=8,track=bitmap slots=16,track=bitmap; do
	info=$("$tool" -V "$v" info) || { check "variant $v" 1; continue; }
	if [ -r $bench ]; then
		echo "  $(cat $bench) bytes_per_task=$(echo "$info" | get bytes_per_task)"
	else
		check "debugfs bench at $bench" 1
	fi
done
echo "context switches (two threads on CPU 0, pipe ping-pong)"
"$tool" pingpong -N 20000 | grep -v '^variant=' | sed 's/^/  /'
finish
