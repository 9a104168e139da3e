#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side (preempt=full): readers that sleep while holding are switched
# out; with migrate=on their per-CPU slots move to backup slots at every
# switch, with migrate=off they never do.  No violations either way.
. "$(dirname "$0")/percpu_lib.sh"

for v in migrate=on migrate=off migrate=on,acquire=wildcard,slots=4; do
	pc_run "$v" --variant="$v" --nest=2 --preempt=sleep --sleep=50us \
		--readers=2 --updaters=1 --duration=3 || continue
	m=$(pc_get migrations)
	case $v in
	migrate=off*) pc_check "$v: migrations $m == 0" "$m" -eq 0 ;;
	*) pc_check "$v: migrations $m > 0" "$m" -gt 0 ;;
	esac
	pc_check "$v: readers were switched out ($(pc_get ctx_switches))" \
		"$(pc_get ctx_switches)" -gt 0
	pc_check "$v: violations $(pc_get violations) == 0" "$(pc_get violations)" -eq 0
	pc_balanced "$v"
	pc_quiescent "$v"
done
pc_done
