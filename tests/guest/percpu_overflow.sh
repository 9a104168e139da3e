#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side: readers nesting deeper than the per-CPU slot count overflow
# onto backup slots; every backup slot chained is unchained again, and
# updaters racing with them never free a held object.
. "$(dirname "$0")/percpu_lib.sh"

for v in slots=8 slots=4 slots=8,overflow=flip slots=4,acquire=wildcard,overflow=flip; do
	slots=${v%%,*}
	slots=${slots#slots=}
	nest=$((slots + 4))
	pc_run "$v" --variant="$v" --nest=$nest --hold=1us --readers=2 \
		--updaters=1 --duration=3 || continue
	pc_check "$v nest=$nest: overflows $(pc_get overflows) > 0" "$(pc_get overflows)" -gt 0
	pc_check "$v: violations $(pc_get violations) == 0" "$(pc_get violations)" -eq 0
	pc_check "$v: synchronize ran ($(pc_get syncs))" "$(pc_get syncs)" -gt 0
	pc_balanced "$v"
	pc_quiescent "$v"
done
pc_done
