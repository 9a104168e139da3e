#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# report-check: the data sections of REPORT.md are exactly what
# tools/report.py makes of the committed results/.  Then proves that the
# check can fail: a copy of REPORT.md with one data section edited by hand
# must be rejected.  Skips (77) when results/ holds no result file yet,
# once both checks have passed on the no-data sections.
# Usage: report_check.sh SRCROOT
set -u
src=${1:?usage: report_check.sh SRCROOT}
gen=$src/tools/report.py
results=$src/results

python3 "$gen" --check --results "$results" --report "$src/REPORT.md" || {
	echo "report-check: REPORT.md is stale or hand-edited: run tools/report.py and commit it" >&2
	exit 1
}

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# One extra line right after the first BEGIN marker.
awk '!done && /^<!-- BEGIN hzbench:/ { print; print "| hand-edited | 1.00 x |"; done = 1; next }
     { print }' "$src/REPORT.md" > "$tmp/REPORT.md"
if cmp -s "$src/REPORT.md" "$tmp/REPORT.md"; then
	echo "report-check: REPORT.md has no hzbench data section" >&2
	exit 1
fi
if python3 "$gen" --check --results "$results" --report "$tmp/REPORT.md" >/dev/null 2>&1; then
	echo "report-check: a hand-edited data section passed the check" >&2
	exit 1
fi

if ! ls "$results"/*/*.json >/dev/null 2>&1; then
	echo "SKIP: $results has no result files yet: REPORT.md's data sections are the no-data ones"
	exit 77
fi
echo "report-check: REPORT.md matches $results"
