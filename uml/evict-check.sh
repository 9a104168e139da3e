#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# How large must the cold-cache eviction buffer be?  Runs per-task
# synchronize with no holder at 10000 tasks, caches evicted before each
# synchronize, once per buffer size (HZB_EVICT_KB), in user-mode Linux
# pinned to CPU 1 at real-time priority.  When the cold walk and the cold
# synchronize stop growing with the buffer, the buffer evicts what a core
# can hold; hzbench's default (twice the LLC, at most 64 MiB) should sit
# on that plateau.  Take the CPU 1 lock first:
#
#   flock /tmp/hzb-cpu1.lock uml/evict-check.sh [BUILDDIR] [OUTDIR]
#
# Writes OUTDIR/pertask.evict-KB.json (+ .json.txt) and OUTDIR/summary.csv
# (default results/native-evict).  About 3 minutes.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build}
out=${2:-$src/results/native-evict}
hzb=$build/user/hzbench
[ -x "$hzb" ] || { echo "${0##*/}: no $hzb (meson compile -C BUILDDIR)" >&2; exit 2; }
mkdir -p "$out"
for kb in 16384 32768 65536 131072 1048576; do
	echo "${0##*/}: evict_kb=$kb" >&2
	HZB_EVICT_KB=$kb taskset -c 1 chrt -f 10 "$hzb" run --target=uml --design=pertask \
		--tasks=10000 --readers=0 --updaters=1 --cold --duration=1 --reps=3 --no-bpf \
		--json="$out/pertask.evict-$kb.json" --csv="$out/summary.csv" --quiet
done
