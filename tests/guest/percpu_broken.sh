#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side, for a deliberately broken build only (meson -Dbroken=NAME):
# run the workload that exposes the compiled-in bug until the engine's
# poison check reports a violation.  Exits 0 when the bug was caught (the
# checks work), 1 when it was not within the budget, 2 on a correct build.
#   percpu_broken.sh [BUDGET_SECONDS]      (default 300)
. "$(dirname "$0")/percpu_lib.sh"
budget=${1:-300}

broken=$(hzbench info --design=percpu | sed -n 's/^broken //p')
case $broken in
1) what=no_mb		# Store B can pass Load A: plain readers, fast updaters
   args="--nest=1 --hold=2us --updaters=2" ;;
2) what=skip_overflow	# backups are never scanned: overflow and hold
   args="--nest=12 --hold=2us --updaters=1" ;;
4) what=early_clear	# a migrating slot is briefly nowhere: sleep while holding
   # One hold per section (any other hold of the object keeps the scanner
   # waiting past the window) and 4 slots (a shorter way from the emptied
   # slot to the list lock), an updater spinning on the slot when the
   # holder is switched out, more updaters than the default.
   args="--variant=slots=4 --nest=1 --hold=2us --preempt=sleep --sleep=20us --updaters=2" ;;
*) echo "percpu_broken: not a single-bug broken build (broken='$broken')"
   exit 2 ;;
esac

start=$(cut -d. -f1 /proc/uptime)
runs=0
while :; do
	runs=$((runs + 1))
	pc_run "$what run $runs" $args --duration=5 || exit 1
	v=$(pc_get violations)
	now=$(cut -d. -f1 /proc/uptime)
	if [ "$v" -gt 0 ]; then
		echo "ok   $what caught: $v violations in run $runs, $((now - start)) s of workload"
		exit 0
	fi
	if [ $((now - start)) -ge "$budget" ]; then
		echo "FAIL $what not caught in $runs runs, $((now - start)) s"
		exit 1
	fi
done
