#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The TSC against ktime at 10000 tasks.  Every UML run times the bare task
# walk twice: one walk per sample by the TSC (floors.task_walk, median of
# 11) and 64 walks per sample by ktime (floors.task_walk_ktime_batch, per
# walk, median of 5).  Run here twice on CPU 1, per-task synchronize with
# no holder:
#   rt      at real-time priority (SCHED_FIFO 10): nothing else runs there;
#   shared  at normal priority beside one busy loop on the same CPU, as a
#           measurement on a loaded host without pinning sees it.
# If the two clocks agree in rt and the 64-walk batch (9-30 ms a sample)
# is slowed in shared while the single walks (0.1-0.5 ms) are not, the
# disagreement was host preemption inside the batch, not the clock.
# Take the CPU 1 lock first:
#
#   flock /tmp/hzb-cpu1.lock uml/clock-check.sh [BUILDDIR] [OUTDIR]
#
# Writes OUTDIR/pertask.sched-{rt,shared}.json and OUTDIR/summary.csv
# (default results/native-clock).  About 2 minutes.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build}
out=${2:-$src/results/native-clock}
hzb=$build/user/hzbench
[ -x "$hzb" ] || { echo "${0##*/}: no $hzb (meson compile -C BUILDDIR)" >&2; exit 2; }
mkdir -p "$out"
args=(run --target=uml --design=pertask --tasks=10000 --readers=0 --updaters=1
      --duration=1 --reps=3 --no-bpf --csv="$out/summary.csv" --quiet)
echo "${0##*/}: rt" >&2
taskset -c 1 chrt -f 10 "$hzb" "${args[@]}" --json="$out/pertask.sched-rt.json"
echo "${0##*/}: shared (one busy loop on CPU 1 beside it)" >&2
taskset -c 1 sh -c 'while :; do :; done' &
hog=$!
trap 'kill $hog 2>/dev/null' EXIT
taskset -c 1 "$hzb" "${args[@]}" --json="$out/pertask.sched-shared.json"
