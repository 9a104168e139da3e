#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side: every valid variant combination under concurrent readers
# (nesting past the slot count, sleeping while holding, so overflow,
# migration and acquire retries all happen) and updaters: zero violations
# and nothing left held.  skip=used|idle need migrate=on and must be
# refused without it.
#   percpu_variants.sh [SECONDS]     per combination (default 2)
. "$(dirname "$0")/percpu_lib.sh"
secs=${1:-2}

for slots in 8 4; do
for acq in reload wildcard; do
for ovf in gen flip; do
for mig in on off; do
for skip in none used idle; do
	v=slots=$slots,acquire=$acq,overflow=$ovf,migrate=$mig,skip=$skip
	if [ $mig = off ] && [ $skip != none ]; then
		if hzbench --design=percpu --variant="$v" --readers=1 --updaters=0 \
			--duration=0.1 --no-bpf --no-floors -q > /dev/null 2>&1; then
			pc_check "$v refused" 0 -eq 1
		else
			pc_check "$v refused" 0 -eq 0
		fi
		continue
	fi
	pc_run "$v" --variant="$v" --nest=10 --hold=500ns --preempt=sleep \
		--sleep=20us --readers=2 --updaters=1 --duration="$secs" || continue
	pc_check "$v: violations $(pc_get violations) == 0, syncs $(pc_get syncs) > 0" \
		"$(pc_get violations)" -eq 0 -a "$(pc_get syncs)" -gt 0
	pc_balanced "$v"
	pc_quiescent "$v"
done
done
done
done
done
pc_done
