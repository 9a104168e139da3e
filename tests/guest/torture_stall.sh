#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side: the writer-stall detector works.  Another process holds the
# published object for 12 s (hzb_fuzz --hold), so the torture writer's
# synchronize cannot return; hzbench torture --stall=4 must report
# "??? Writer stall" with the writer's state and end with FAILURE, and the
# writer must finish once the hold is gone.  The default 2 writers on 4
# pointers: the writer that unpublishes the held object stalls while the
# other keeps updating the other pointers, so only a per-writer check
# (each writer's own update count, HZB_TORTW_PROGRESS) sees it; the
# global update count it replaced kept moving.  For each design whose readers may
# hold across system calls (HOLD) and whose writer waits for them (not
# refcount: the last put frees, the writer never waits).
set -u
fail=0
for d in percpu pertask; do
	case $d in
	percpu) dev=/dev/hazptr_percpu ;;
	pertask) dev=/dev/hazptr_pertask ;;
	esac
	[ -c "$dev" ] || continue
	hzb_fuzz --hold=12 "$dev" &
	holder=$!
	sleep 1
	hzbench torture --design=$d --duration=8 --stall=4 --readers=1 \
		> /tmp/stall.out 2>&1
	rc=$?
	wait $holder
	grep -E 'Writer stall|state|End of test' /tmp/stall.out
	if [ "$rc" -eq 1 ] && grep -q '??? Writer stall' /tmp/stall.out &&
	   grep -q 'End of test: FAILURE: writer stall' /tmp/stall.out; then
		echo "stall: ok   $d: writer stall reported, run failed"
	else
		echo "stall: FAIL $d: exit $rc"
		cat /tmp/stall.out
		fail=1
	fi
done
exit $fail
