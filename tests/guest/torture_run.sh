#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side: hzbench torture runs one after the other, in one boot.
#   torture_run.sh SECONDS DESIGN[:VARIANT[:EXTRA ARGS]]...
# e.g. torture_run.sh 30 rcu rcu:sync=expedited 'percpu:migrate=off:--batch=4'
# Each run must exit 0 and end "<design>-torture: End of test: SUCCESS".
# Prints "torture: ok|FAIL ..." per run; exits 1 when any failed.
set -u
secs=$1
shift
fail=0
for spec in "$@"; do
	design=${spec%%:*}
	rest=${spec#"$design"}
	rest=${rest#:}
	variant=${rest%%:*}
	extra=${rest#"$variant"}
	extra=${extra#:}
	echo "torture: === $design ${variant:-default} $extra (${secs} s)"
	# shellcheck disable=SC2086 # extra is a list of options
	hzbench torture --design="$design" --variant="$variant" --duration="$secs" \
		$extra > /tmp/torture.out 2>&1
	rc=$?
	cat /tmp/torture.out
	if [ "$rc" -eq 0 ] && grep -q "End of test: SUCCESS" /tmp/torture.out; then
		echo "torture: ok   $design ${variant:-default} $extra"
	else
		echo "torture: FAIL $design ${variant:-default} $extra (exit $rc)"
		fail=1
	fi
done
exit $fail
