#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side: a task that exits while holding hazard pointers leaks
# nothing and is never waited for; EXIT_HOLDING counts only holds that
# survive the task's own files being closed; releases by another task work; a
# synchronize waits for a live holder however long it holds.
# shellcheck source-path=SCRIPTDIR source=pertask_lib.sh
. "$(dirname "$0")/pertask_lib.sh"
need_setup
live0=$(param live_blocks)
for m in thread process; do
	for nest in 4 32; do
		out=$("$tool" exithold -n $nest -m $m) || { check "exithold -m $m runs" 1; continue; }
		acq=$(echo "$out" | get acquired)
		exits=$(echo "$out" | get c_exit_holding)
		before=$(echo "$out" | get live_blocks_before)
		holding=$(echo "$out" | get live_blocks_holding)
		after=$(echo "$out" | get live_blocks_after)
		orph_exit=$(echo "$out" | get orphan_ctxs_after_exit)
		orph_close=$(echo "$out" | get orphan_ctxs_after_close)
		waited=$(echo "$out" | get sync_waited_while_holder_alive)
		t="$m exits holding $nest"
		[ "$acq" = $nest ]; check "$t: acquired $acq" $?
		if [ $m = thread ]; then
			# The file stays open in the process: a real hold at exit.
			[ "$exits" = 1 ]; check "$t: EXIT_HOLDING counted ($exits)" $?
		else
			# Its own file closes at exit, before the exit work runs:
			# released, not held.
			[ "$exits" = 0 ]; check "$t: closing its file at exit released it, EXIT_HOLDING not counted ($exits)" $?
		fi
		[ "$holding" -gt "$before" ]; check "$t: block kept while contexts point to it ($before -> $holding)" $?
		[ "$after" -le "$before" ]; check "$t: no block left ($after, was $before)" $?
		[ "$orph_close" = 0 ]; check "$t: no orphaned context once released ($orph_close)" $?
		if [ $m = thread ]; then
			[ "$waited" = 0 ]; check "$t: synchronize does not wait for a dead task" $?
			[ "$orph_exit" = $nest ]; check "$t: $orph_exit contexts orphaned until the file closes" $?
		else
			[ "$waited" = 1 ]; check "$t: synchronize waited while the holder lived" $?
		fi
	done
done
out=$("$tool" remote -n 20) || check "remote runs" 1
ms=$(echo "$out" | get sync_after_remote_release_ms)
done_=$(echo "$out" | get sync_done)
ovf=$(echo "$out" | get c_overflows)
ovr=$(echo "$out" | get c_overflow_releases)
[ "$done_" = 1 ]; check "release by another task: synchronize completes ($ms ms)" $?
[ "$ovf" = "$ovr" ] && [ "$ovf" -gt 0 ]; check "release by another task: overflow entries released ($ovr of $ovf)" $?
# Synchronize on an object the caller holds itself fails with EDEADLK, in
# every retire mode and batch size: counted, nothing freed under the hold.
for v in retire=sync retire=async retire=off; do
	for b in 1 4; do
		out=$("$tool" -V "$v" selfsync -n 2 -b $b) || { check "selfsync $v runs" 1; continue; }
		t="synchronize on a held object ($v, batch $b)"
		e=$(echo "$out" | get updater_errno)
		[ "$e" = "$(echo "$out" | get edeadlk)" ]; check "$t: fails with EDEADLK ($e)" $?
		[ "$(echo "$out" | get c_sync_self)" = 1 ]; check "$t: counted ($(echo "$out" | get c_sync_self))" $?
		[ "$(echo "$out" | get c_reclaimed)" = 0 ]; check "$t: nothing reclaimed" $?
		[ "$(echo "$out" | get c_violations)" = 0 ]; check "$t: no violation" $?
	done
done
out=$("$tool" longhold -n 12 -D 2000) || check "longhold runs" 1
ms=$(echo "$out" | get sync_ms)
[ "$ms" -ge 1900 ]; check "synchronize waits for a 2 s hold ($ms ms)" $?
wait_live "$live0"
now=$(param live_blocks)
[ "$now" -le "$live0" ]; check "no block left behind (live_blocks $now, was $live0)" $?
[ "$(param orphan_ctxs)" = 0 ]; check "no orphaned context ($(param orphan_ctxs))" $?
finish
