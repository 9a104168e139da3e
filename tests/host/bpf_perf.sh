#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# perf in the guest (vm/perf), as the perf-guided session of bpf/README.md
# uses it: perf stat -a on the per-CPU design's tracepoints around perf
# record -g of each synchronize while hzbench runs.  Passes when each
# counted tracepoint equals the module's counter (a third count, besides
# BPF's), every synchronize was recorded, and the report resolves the
# module's functions in the call chains:
#   bpf_perf.sh BUILDDIR
set -eu
build=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$src/vm/perf" -C "$build" --out "$out" --report '--no-children --sort comm,dso,symbol --percent-limit 1' -- \
	stat -a -x, -o stat.csv -e percpu_hazptr:percpu_hazptr_synchronize_done \
	-e percpu_hazptr:percpu_hazptr_overflow -e percpu_hazptr:percpu_hazptr_migrate -- \
	perf record -g -e percpu_hazptr:percpu_hazptr_synchronize_done -- \
	hzbench --design=percpu --nest=10 --duration=2 --no-bpf --no-floors --json=out.json -q
python3 - "$out/perf-report.txt" "$out/stat.csv" "$out/out.json" <<'PY'
import json, re, sys
rep, stat, r = open(sys.argv[1]).read(), open(sys.argv[2]).read(), json.load(open(sys.argv[3]))
bad = []
def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        bad.append(what)
n = {m.group(2): int(m.group(1)) for m in
     re.finditer(r"^(\d+),[^,]*,percpu_hazptr:(\w+),", stat, re.M)}
for ev, key in (('percpu_hazptr_synchronize_done', 'syncs'),
                ('percpu_hazptr_overflow', 'overflows'),
                ('percpu_hazptr_migrate', 'migrations')):
    check(n.get(ev) == r['counters'][key], "perf stat -a %s %s == module %s %d" %
          (ev, n.get(ev), key, r['counters'][key]))
# "# Samples:" is rounded (1426 prints as "1K"); a tracepoint sample has
# period 1, so the event count below it is the exact number of samples.
m = re.search(r"^# Samples: \S+\s+of event 'percpu_hazptr:percpu_hazptr_synchronize_done'\n"
              r"# Event count \(approx\.\): (\d+)$", rep, re.M)
check(m and int(m.group(1)) == r['counters']['syncs'],
      "perf record samples of synchronize_done %s == module syncs %d" %
      (m.group(1) if m else None, r['counters']['syncs']))
check('percpu_hazptr_synchronize' in rep and 'hzb_ioctl_updater' in rep,
      "call chains resolve the module's functions (percpu_hazptr_synchronize <- hzb_ioctl_updater)")
sys.exit(1 if bad else 0)
PY
