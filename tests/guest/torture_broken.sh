#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side, for a deliberately broken build (meson -Dbroken=NAME): every
# design that reports a broken build must FAIL hzbench torture, because of
# too-short synchronizes, within BUDGET seconds.
#   torture_broken.sh [BUDGET]   (default 120)
# Prints "torture-broken: ok DESIGN VARIANT caught ... first after S s" per
# design; exits 0 when every broken design was caught, 1 otherwise (or
# when no design is broken: a correct build proves nothing here).
set -u
budget=${1:-120}
found=0
fail=0
for design in rcu refcount srcu tasks-trace percpu pertask; do
	b=$(hzbench info --design=$design 2>/dev/null | sed -n 's/^broken //p')
	case $b in ""|0) continue ;; esac
	found=$((found + 1))
	# The workload that gives each bug its window (see DESIGN.md).
	case $b in
	1) what=no_mb
	   # Store B may pass Load A only while it sits in the store buffer:
	   # race=sb puts a cache-missing store before each publish, so that
	   # Store B waits behind it (without, percpu went 3 x 120 s uncaught
	   # under TCG); one reader on CPU 0 (scanned first), the writer alone
	   # on the last CPU, lingering on the objects found unpublished right
	   # after the acquire.
	   args="--readers=1 --writers=1 --pointers=1 --pin --reader-nice=0 --nest=1 --hold=0"
	   args="$args --sleep=0 --delay=0 --race=sb"
	   args="$args --no-preempt --irq-period=0 --writer-interval=0 --writer-delay=0"
	   args="$args --linger=500us" ;;
	2) what=skip_overflow
	   # Readers past the slots: deep nesting.
	   args="--nest=32 --hold=4us --writer-interval=0" ;;
	4) what=early_clear
	   # The pointer is in no slot between the per-CPU slot's clear and
	   # the backup's chaining: many context switches of deep readers,
	   # several scanners contending for the overflow-list locks.
	   args="--writers=4 --pointers=1 --nest=32 --hold=2us --nreaders-per-cpu=2"
	   args="$args --writer-interval=0 --writer-delay=0" ;;
	*) what="broken=$b"
	   args="" ;;
	esac
	secs=$budget
	# The baseline stand-ins are caught within 0.1 s; 30 s bounds the
	# runs whose readers do not stop at the first violation (seen once:
	# refcount early_clear ran its whole 300 s after a 0.1 s catch).
	case $design in rcu|refcount|srcu|tasks-trace) [ "$secs" -le 30 ] || secs=30 ;; esac
	echo "torture-broken: === $design $what: must fail within $secs s"
	# shellcheck disable=SC2086 # args is a list of options
	hzbench torture --design=$design --duration="$secs" --stop-on-failure \
		$args > /tmp/broken.out 2>&1
	rc=$?
	cat /tmp/broken.out
	res=$(grep -- '-torture: RESULT' /tmp/broken.out)
	viol=$(echo "$res" | sed -n 's/.* violations=\([0-9]*\) .*/\1/p')
	first=$(echo "$res" | sed -n 's/.* first_violation_s=\([-0-9.]*\) .*/\1/p')
	if [ "$rc" -eq 1 ] && grep -q 'End of test: FAILURE' /tmp/broken.out &&
	   [ "${viol:-0}" -gt 0 ]; then
		echo "torture-broken: ok   $design $what caught: $viol violations, first after $first s (budget $secs s)"
	else
		echo "torture-broken: FAIL $design $what not caught within $secs s (exit $rc, violations ${viol:-?})"
		fail=1
	fi
done
if [ "$found" -eq 0 ]; then
	echo "torture-broken: FAIL no design reports a broken build"
	exit 1
fi
exit $fail
