#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of the mutation suite (tests/tools/mutation/mutation.py): for each
# line "DESIGN NAME BUDGET VARIANT|- [TORTURE OPTIONS...]" of LIST, replace
# the design's module by /mutants/DESIGN/NAME.ko and torture it for at
# most BUDGET seconds, stopping at the first failure.  Prints
#   mutation: start DESIGN/NAME
#   mutation: result DESIGN/NAME killed|survived|error SECONDS REASON
# and, when the module cannot be unloaded any more (a thread stuck in it),
#   mutation: reboot DESIGN/NAME REASON
# then stops: the host boots again for the rest.  A kernel panic ends the
# guest at once; the host times it from the "hzb-mutation: start" line of
# the kernel log.
#   mutation.sh [LIST]      (default /mutants/list)
set -u
list=${1:-/mutants/list}
uptime() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(uptime)" 'BEGIN { printf "%.3f", b - a }'; }
while read -r design name budget variant args; do
	case $design in ''|'#'*) continue ;; esac
	case $design in
	percpu) mod=percpu_hazptr ;;
	pertask) mod=pertask_hazptr ;;
	rcu) mod=hzb_rcu ;;
	refcount) mod=hzb_refcount ;;
	*) echo "mutation: result $design/$name error 0 unknown-design"; continue ;;
	esac
	[ "$variant" != - ] || variant=
	if grep -q "^$mod " /proc/modules && ! rmmod "$mod" 2>/dev/null; then
		# A stuck thread of the last run still pins it.
		sleep 2
		if ! rmmod "$mod" 2>/tmp/rmmod.err; then
			echo "mutation: reboot $design/$name cannot unload $mod: $(cat /tmp/rmmod.err)"
			exit 0
		fi
	fi
	if ! insmod "/mutants/$design/$name.ko" 2>/tmp/insmod.err; then
		echo "mutation: result $design/$name error 0 insmod-failed: $(cat /tmp/insmod.err)"
		continue
	fi
	echo "hzb-mutation: start $design/$name" > /dev/kmsg
	echo "mutation: start $design/$name"
	t0=$(uptime)
	# shellcheck disable=SC2086 # args is a list of options
	hzbench torture --design="$design" --duration="$budget" --stop-on-failure \
		--stall=10 ${variant:+--variant="$variant"} $args > /tmp/m.out 2>&1 &
	pid=$!
	# A writer stuck in the kernel (a synchronize that never returns)
	# keeps hzbench from exiting after it reported the stall: time the
	# stall from its report, and give up on the process BUDGET + 60 s in.
	stalled=
	while kill -0 "$pid" 2>/dev/null; do
		[ -n "$stalled" ] || ! grep -q -- '-torture: ??? Writer stall' /tmp/m.out ||
			stalled=$(since "$t0")
		if [ "$(awk -v w="$(since "$t0")" -v b="$budget" \
			'BEGIN { print (w > b + 60) }')" = 1 ]; then
			break
		fi
		sleep 1
	done
	if kill -0 "$pid" 2>/dev/null; then
		wall=$(since "$t0")
		grep -E -- '-torture: (design=|\?\?\?)' /tmp/m.out | sed 's/^/    /'
		if [ -n "$stalled" ]; then
			echo "mutation: result $design/$name killed $stalled writer-stall+hung"
		else
			echo "mutation: result $design/$name killed $wall torture-hung"
		fi
		echo "mutation: reboot $design/$name hzbench stuck in the kernel"
		exit 0
	fi
	wait "$pid"
	rc=$?
	wall=$(since "$t0")
	grep -E -- '-torture: (design=|RESULT|End of test|!!!|\?\?\?)|Pool:' /tmp/m.out | sed 's/^/    /'
	res=$(grep -- '-torture: RESULT' /tmp/m.out)
	viol=$(echo "$res" | sed -n 's/.* violations=\([0-9]*\) .*/\1/p')
	first=$(echo "$res" | sed -n 's/.* first_violation_s=\([-0-9.]*\) .*/\1/p')
	if [ "$rc" -eq 0 ]; then
		echo "mutation: result $design/$name survived $wall torture-success"
	elif [ "$rc" -eq 1 ] && grep -q 'End of test: FAILURE' /tmp/m.out; then
		why=$(sed -n 's/.*End of test: FAILURE: //p' /tmp/m.out | tr ' ,' '-+')
		if [ "${viol:-0}" -gt 0 ]; then
			echo "mutation: result $design/$name killed $first ${why:-violations}"
		else
			grep -q 'Pool:.*LEAK' /tmp/m.out && why=${why:+$why+}leak
			echo "mutation: result $design/$name killed $wall ${why:-failure}"
		fi
	else
		tail -n 5 /tmp/m.out | sed 's/^/    /'
		echo "mutation: result $design/$name error $wall hzbench-exit-$rc"
	fi
done < "$list"
exit 0
