#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Workload files: every shipped file parses (full and --quick); a bad file
# is refused with exit 2 and an error naming the file and the line.
set -u
hzbench=$1 src=$2
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for f in "$src"/workloads/*.ini; do
	for q in "" --quick; do
		if n=$("$hzbench" --workload="$f" $q --dry-run -q | wc -l) && [ "$n" -gt 0 ]; then
			echo "ok   $(basename "$f") $q: $n points"
		else
			echo "FAIL $(basename "$f") $q does not parse"
			fail=1
		fi
	done
done

bad() {
	local want=$1 body=$2 out rc
	printf '%b' "$body" > "$tmp/bad.ini"
	out=$("$hzbench" --workload="$tmp/bad.ini" --dry-run 2>&1)
	rc=$?
	if [ $rc = 2 ] && grep -qF -- "$want" <<<"$out"; then
		echo "ok   refused: $want"
	else
		echo "FAIL exit $rc, wanted 2 and '$want', got: $out"
		fail=1
	fi
}
ok_head='[workload]\nname = t\ndesigns = rcu\n'
bad "bad.ini:4: tasks: 'x' is not a non-negative integer" "${ok_head}tasks = 1 x\n"
bad "bad.ini:4: unknown key 'frequency'" "${ok_head}frequency = 3\n"
bad "bad.ini:2: designs: unknown design 'hazptr'" '[workload]\ndesigns = hazptr\n'
bad "bad.ini:4: preempt: unknown value 'often'" "${ok_head}preempt = often\n"
bad "bad.ini:4: duration: '3parsecs' is not a time" "${ok_head}duration = 3parsecs\n"
bad "bad.ini:5: unknown section [extra]" "${ok_head}[extra]\nkey = 1\n"
bad "bad.ini:5: syntax error" "${ok_head}\nthis is not a key\n"
bad "bad.ini:5: [variants]: unknown design 'nope'" "${ok_head}[variants]\nnope = default\n"
bad "needs name" '[workload]\ndesigns = rcu\n'
bad "needs designs" '[workload]\nname = t\n'
bad "bad.ini:4: interleave: yes or no, not 'maybe'" "${ok_head}interleave = maybe\n"
# interleave: one point per combination, every series in its --design.
printf '%b' '[workload]\nname = t\ndesigns = percpu pertask\ntasks = 1 10\ninterleave = yes\n[variants]\npercpu = default | slots=4\n' > "$tmp/il.ini"
got=$("$hzbench" --workload="$tmp/il.ini" --print-guest-argv 2>&1 | grep -o -- '--design=[^ ]*\|--json=[^ ]*' | tr '\n' ' ')
want='--design=percpu+percpu:slots=4+pertask --json=results/t/{series}.tasks-1.json --design=percpu+percpu:slots=4+pertask --json=results/t/{series}.tasks-10.json '
if [ "$got" = "$want" ]; then
	echo "ok   interleave: one run per point with every series"
else
	echo "FAIL interleave: got '$got', wanted '$want'"
	fail=1
fi
bad "bad.ini:4: boots: 1 to 64, not '0'" "${ok_head}boots = 0\n"
# boots: each run its own file, in rounds (every point once, then every
# point again); --boots overrides the file.
printf '%b' '[workload]\nname = t\ndesigns = rcu\ntasks = 1 10\nboots = 2\n' > "$tmp/b.ini"
got=$("$hzbench" --workload="$tmp/b.ini" --print-guest-argv 2>&1 | grep -o -- '--json=[^ ]*' | tr '\n' ' ')
want='--json=results/t/rcu.tasks-1.boot-1.json --json=results/t/rcu.tasks-10.boot-1.json --json=results/t/rcu.tasks-1.boot-2.json --json=results/t/rcu.tasks-10.boot-2.json '
got3=$("$hzbench" --workload="$tmp/b.ini" --boots=3 --dry-run 2>&1 | tr '\n' ' ')
want3='rcu.tasks-1.boot-1 rcu.tasks-10.boot-1 rcu.tasks-1.boot-2 rcu.tasks-10.boot-2 rcu.tasks-1.boot-3 rcu.tasks-10.boot-3 '
got1=$("$hzbench" --workload="$tmp/b.ini" --boots=1 --dry-run 2>&1 | tr '\n' ' ')
if [ "$got" = "$want" ] && [ "$got3" = "$want3" ] && [ "$got1" = "rcu.tasks-1 rcu.tasks-10 " ]; then
	echo "ok   boots: a file per run, in rounds, --boots overrides the file's"
else
	echo "FAIL boots: got '$got' / '$got3' / '$got1', wanted '$want' / '$want3' / 'rcu.tasks-1 rcu.tasks-10 '"
	fail=1
fi
if "$hzbench" --workload="$tmp/missing.ini" --dry-run 2>&1 | grep -q 'missing.ini: cannot read'; then
	echo "ok   refused: a missing file"
else
	echo "FAIL a missing workload file is not reported"
	fail=1
fi
exit $fail
