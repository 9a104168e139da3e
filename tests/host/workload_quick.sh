#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A reduced (--quick) run of one workload file, in the VM: every point
# must succeed and leave its JSON and CSV row, one per series when the
# file interleaves (--design=A+B...), one per boot with boots = N (and
# tools/hzb_results.py must read a point's N files as one point).
set -u
hzbench=$1 file=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=$("$hzbench" --workload="$file" --quick --print-guest-argv -q |
	sed -n 's/.* --design=\([^ ]*\) .*/\1/p' | awk -F+ '{ s += NF } END { print s + 0 }')
"$hzbench" --workload="$file" --quick --out="$tmp/out" --vm || exit 1
got=$(ls "$tmp/out"/*.json | wc -l)
rows=$(($(wc -l < "$tmp/out/summary.csv") - 1))
if [ "$got" != "$n" ] || [ "$rows" != "$n" ]; then
	echo "FAIL $file: $n points, $got JSON files, $rows CSV rows"
	exit 1
fi
# With boots: runs = points x boots; the pooled points = series / boots.
ids=$("$hzbench" --workload="$file" --quick --dry-run -q)
points=$(grep -c '\.boot-1$' <<<"$ids")
runs=$(wc -l <<<"$ids")
if [ "$points" -gt 0 ]; then
	python3 - "$(dirname "$0")/../../tools" "$tmp" "$((n * points / runs))" <<'PY' || exit 1
import sys
sys.path.insert(0, sys.argv[1])
import hzb_results as hr
pts = hr.Results(sys.argv[2]).sweeps.get('out', [])
want = int(sys.argv[3])
nb = {len(p.j.get('boots') or []) for p in pts}
if len(pts) != want or len(nb) != 1 or min(nb) < 2 or not all(p.ok for p in pts):
    sys.exit('FAIL the boot files read as %d points (boots %s), wanted %d pooled'
             % (len(pts), sorted(nb), want))
print('ok   %d points of %d boots each' % (len(pts), min(nb)))
PY
fi
echo "ok   $(basename "$file"): $n points"
