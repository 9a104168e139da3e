#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side: every pertask variant under readers that overflow their
# fixed slots (nest > slots), sleep or yield while holding, and busy-hold
# many pointers; the engine's poison check must see no freed object, every
# overflow entry must be released, and no block may be left behind.
#   pertask_overflow.sh [SECONDS_PER_RUN]
# shellcheck source-path=SCRIPTDIR source=pertask_lib.sh
. "$(dirname "$0")/pertask_lib.sh"
need_setup
ms=$(( ${1:-1} * 1000 ))
live0=$(param live_blocks)
for slots in 8 16; do
	for track in count bitmap; do
		for retire in off sync async; do
			v="slots=$slots,track=$track,retire=$retire"
			for mode in "-n 1" "-n $((slots + 4)) -s 50" "-n 3 -y" "-n 32 -H 2000"; do
				# shellcheck disable=SC2086 # $mode is a list of options
				out=$("$tool" -V "$v" run -t 100 -r 2 -u 2 -b 4 -D "$ms" $mode) ||
					{ check "$v [$mode] runs" 1; continue; }
				viol=$(echo "$out" | get violations)
				acq=$(echo "$out" | get acquires)
				syncs=$(echo "$out" | get syncs)
				ovf=$(echo "$out" | get c_overflows)
				ovr=$(echo "$out" | get c_overflow_releases)
				[ "$viol" = 0 ] && [ "$acq" -gt 0 ] && [ "$syncs" -gt 0 ]; check "$v [$mode]: violations=$viol acquires=$acq syncs=$syncs overflows=$ovf" $?
				[ "$ovf" = "$ovr" ]; check "$v [$mode]: overflow entries all released ($ovr of $ovf)" $?
				case $mode in
				"-n 1"|"-n 3 -y") [ "$ovf" = 0 ]; check "$v [$mode]: no overflow" $? ;;
				*) [ "$ovf" -gt 0 ]; check "$v [$mode]: overflow forced" $? ;;
				esac
			done
		done
	done
done
wait_live "$live0"
[ "$(param live_blocks)" -le "$live0" ]; check "no block left behind (live_blocks $(param live_blocks), was $live0)" $?
[ "$(param orphan_ctxs)" = 0 ]; check "no orphaned context (orphan_ctxs $(param orphan_ctxs))" $?
finish
