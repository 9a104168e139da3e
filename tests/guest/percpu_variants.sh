#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side: every valid variant combination under concurrent readers
# (nesting past the slot count, sleeping while holding, so overflow,
# migration and acquire retries all happen) and updaters: zero violations
# and nothing left held.  skip=used|idle need migrate=on and must be
# refused without it.  scheme=v5 runs as itself (its knobs read as v5's)
# and refuses what v5 lacks (migrate=off, skipping).
#   percpu_variants.sh [SECONDS]     per combination (default 2)
. "$(dirname "$0")/percpu_lib.sh"
secs=${1:-2}

pc_refused() {	# pc_refused VARIANT: hzbench must reject it
	if hzbench --design=percpu --variant="$1" --readers=1 --updaters=0 \
		--duration=0.1 --no-bpf --no-floors -q > /dev/null 2>&1; then
		pc_check "$1 refused" 0 -eq 1
	else
		pc_check "$1 refused" 0 -eq 0
	fi
}

for v in scheme=v5 scheme=v5,slots=4,acquire=wildcard,overflow=flip,migrate=on,skip=none; do
	pc_run "$v" --variant="$v" --nest=10 --hold=500ns --preempt=sleep \
		--sleep=20us --readers=2 --updaters=1 --duration="$secs" || continue
	got=$(tr -d '\n ' < "$pc_json" | grep -o '"variant":"[^"]*"' | head -n 1)
	# The shared wait-policy knobs follow; v5's own must read as v5.
	case $got in
	'"variant":"scheme=v5,slots=4,acquire=wildcard,overflow=flip,migrate=on,skip=none'*)
		pc_check "$v: runs as $got" 0 -eq 0 ;;
	*)	pc_check "$v: runs as $got" 0 -eq 1 ;;
	esac
	pc_check "$v: violations $(pc_get violations) == 0, syncs $(pc_get syncs) > 0, overflows $(pc_get overflows) > 0, migrations $(pc_get migrations) > 0" \
		"$(pc_get violations)" -eq 0 -a "$(pc_get syncs)" -gt 0 -a \
		"$(pc_get overflows)" -gt 0 -a "$(pc_get migrations)" -gt 0
	pc_balanced "$v"
	pc_quiescent "$v"
done
for v in scheme=v5,migrate=off scheme=v5,skip=used scheme=v5,skip=idle; do
	pc_refused "$v"
done

for slots in 8 4; do
for acq in reload wildcard; do
for ovf in gen flip; do
for mig in on off; do
for skip in none used idle; do
	v=slots=$slots,acquire=$acq,overflow=$ovf,migrate=$mig,skip=$skip
	if [ $mig = off ] && [ $skip != none ]; then
		pc_refused "$v"
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
