#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# An interrupted sweep keeps its finished points and --resume runs only
# the rest: start a 3-point sweep, SIGINT it once the first point is done,
# then resume and check every point ran exactly once.
set -u
hzbench=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/w.ini" <<'INI'
[workload]
name = resume-test
designs = refcount
tasks = 1 2 3
duration = 1s
reps = 1
INI
out=$tmp/out
"$hzbench" --workload="$tmp/w.ini" --out="$out" --vm --no-bpf > "$tmp/first.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
	[ -f "$out/refcount.tasks-1.json" ] && break
	sleep 0.2
done
kill -INT $pid
wait $pid
rc=$?
ls "$out"
fail=0
if [ $rc != 130 ]; then echo "FAIL interrupted sweep exited $rc, want 130"; fail=1; fi
if [ ! -f "$out/refcount.tasks-1.json" ]; then echo "FAIL first point lost"; fail=1; fi
if [ -f "$out/refcount.tasks-3.json" ]; then echo "FAIL sweep was not interrupted"; fail=1; fi
before=$(stat -c %Y "$out/refcount.tasks-1.json")
if ! "$hzbench" --workload="$tmp/w.ini" --out="$out" 2>/dev/null; then
	echo "ok   a second run without --resume is refused"
else
	echo "FAIL a second run without --resume was accepted"; fail=1
fi
"$hzbench" --workload="$tmp/w.ini" --out="$out" --resume --vm --no-bpf > "$tmp/resume.log" 2>&1
rc=$?
cat "$tmp/resume.log" | grep -v '^\[' | tail -3
if [ $rc != 0 ]; then echo "FAIL resume exited $rc"; fail=1; fi
for t in 1 2 3; do
	[ -f "$out/refcount.tasks-$t.json" ] || { echo "FAIL point tasks-$t missing"; fail=1; }
done
if [ "$(stat -c %Y "$out/refcount.tasks-1.json")" != "$before" ]; then
	echo "FAIL the finished point was run again"; fail=1
fi
rows=$(($(wc -l < "$out/summary.csv") - 1))
if [ "$rows" != 3 ]; then echo "FAIL summary.csv has $rows rows, want 3"; fail=1; fi
[ $fail = 0 ] && echo "ok   interrupted at 130, resumed the remaining points, 3 rows"
exit $fail
