#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A reduced (--quick) run of one workload file, in the VM: every point
# must succeed and leave its JSON and CSV row, one per series when the
# file interleaves (--design=A+B...).
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
echo "ok   $(basename "$file"): $n points"
