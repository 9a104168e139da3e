#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The context-switch cost of the designs' hooks (the preempt notifiers
# that stand in for the scheduler hook), natively timed in user-mode Linux:
# a yield ping-pong of two reader threads inside the module's reader loop
# (tools/hzb_pingpong.c), per design and scheme, with the readers holding
# a hazard pointer across the switch or not, next to the same ping-pong
# under the refcount baseline (no hook at all).  One UML boot.
#
#   tools/notifier-cost.sh BUILDDIR [OUTDIR]   (default OUTDIR: results/notifier-cost)
# NC_SECTIONS (50000 per reader) and NC_ROUNDS (41) shorten a trial run.
#
# A measurement: run it alone on CPU 1, as every number in results/:
#   flock /tmp/hzb-cpu1.lock taskset -c 1 chrt -f 10 tools/notifier-cost.sh build
# Writes OUTDIR/summary.csv (one row per series and mode) and
# OUTDIR/run.txt (where and how it ran, the raw key=value output).
# Needs the UML kernel (scripts/build-uml.sh) and BUILDDIR's uml/*.ko.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: notifier-cost.sh BUILDDIR [OUTDIR]}
out=${2:-$src/results/notifier-cost}
for f in user/hzbench tools/hzb_pingpong uml/percpu_hazptr.ko uml/pertask_hazptr.ko \
	 uml/hzb_refcount.ko; do
	[ -e "$build/$f" ] || { echo "notifier-cost: no $build/$f (meson compile -C $build)" >&2; exit 2; }
done
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "notifier-cost: one UML boot, about a minute" >&2
"$src/uml/run" --hzbench "$build/user/hzbench" --out "$tmp" --timeout 900 \
	--kmod "$build/uml/hzb_refcount.ko" --kmod "$build/uml/percpu_hazptr.ko" \
	--kmod "$build/uml/pertask_hazptr.ko" \
	--param up_fence=lock --param clock=tsc \
	--env NC_SECTIONS="${NC_SECTIONS:-50000}" --env NC_ROUNDS="${NC_ROUNDS:-41}" \
	--file "$build/tools/hzb_pingpong:/bin/hzb_pingpong" \
	--file "$src/tools/notifier-cost-guest.sh:/bin/notifier-cost-guest.sh" \
	-- sh /bin/notifier-cost-guest.sh
python3 "$src/tools/notifier-cost-summary.py" "$tmp/raw.txt" "$out" "$*"
cat "$out/summary.csv"
