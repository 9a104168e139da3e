#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side: synchronize walks every task of the system, skips the idle
# ones, and examines the readers.
#   pertask_scan.sh [TASKS]
# shellcheck source-path=SCRIPTDIR source=pertask_lib.sh
. "$(dirname "$0")/pertask_lib.sh"
need_setup
n=${1:-1000}
out=$("$tool" syncbench -t "$n" -N 11) || { echo "FAIL syncbench"; exit 1; }
per=$(echo "$out" | get scanned_per_sync)
walked=$(echo "$out" | get tasks_walked)
scanned=$(echo "$out" | get c_tasks_scanned)
skipped=$(echo "$out" | get c_tasks_skipped)
[ "$per" -ge "$n" ]; check "each synchronize visits >= $n tasks ($per; the floor walk saw $walked)" $?
[ "$skipped" = "$scanned" ]; check "with no reader every task is skipped ($skipped of $scanned)" $?
echo "     synchronize/walk-floor ratio at $walked tasks: p50 $(echo "$out" | get ratio_p50), min $(echo "$out" | get ratio_min)"
for v in track=count track=bitmap; do
	out=$("$tool" -V "$v,retire=sync" run -t "$n" -r 2 -u 1 -b 1 -n 2 -s 50 -D 1500) || { echo "FAIL run"; exit 1; }
	syncs=$(echo "$out" | get c_syncs)
	scanned=$(echo "$out" | get c_tasks_scanned)
	skipped=$(echo "$out" | get c_tasks_skipped)
	[ "$syncs" -gt 0 ] && [ "$scanned" -ge $((syncs * n)) ]; check "$v: $syncs syncs visited $scanned tasks (>= $n each)" $?
	[ "$skipped" -lt "$scanned" ]; check "$v: readers holding are examined, not skipped ($skipped < $scanned)" $?
	[ "$(echo "$out" | get violations)" = 0 ]; check "$v: no violation" $?
done
finish
