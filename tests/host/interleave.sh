#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Series interleaved rep by rep in one boot (--design=A+B+A:VARIANT): one
# result per series, each with its own design, variant and floors.  The
# design loop is each design's own code (per-CPU's is about 3x per-task's
# under TCG), so equal design-loop floors mean one series' floors were
# written for another (seen: every series got the last one's).
set -u
hzbench=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
spec='percpu+pertask+percpu:slots=4'
"$hzbench" run --design="$spec" --tasks=100 --reps=2 --duration=0.5 --no-bpf \
	--json="$tmp/{series}.json" --csv="$tmp/s.csv" --vm -q > "$tmp/out" 2>&1 ||
	{ cat "$tmp/out"; exit 1; }
python3 - "$tmp" "$spec" <<'PY'
import json, sys
d, spec = sys.argv[1], sys.argv[2]
want = {'percpu': ('percpu', ''), 'pertask': ('pertask', ''),
        'percpu.slots-4': ('percpu', 'slots=4')}
fail = 0
loops = {}
for f, (design, knob) in want.items():
    try:
        j = json.load(open('%s/%s.json' % (d, f)))
    except OSError as e:
        print('FAIL %s.json: %s' % (f, e))
        fail = 1
        continue
    loops[f] = j['floors']['design_loop']['p50_ns']
    bad = []
    if j['design'] != design:
        bad.append('design %s' % j['design'])
    if knob not in j['variant']:
        bad.append('variant %s' % j['variant'])
    if j['config'].get('interleaved') != spec:
        bad.append('config.interleaved %s' % j['config'].get('interleaved'))
    if not j.get('ok'):
        bad.append('not ok')
    print('%s %s.json: %s, design loop %.1f ns%s' % ('FAIL' if bad else 'ok  ', f, j['variant'],
                                                   loops[f], ': ' + ', '.join(bad) if bad else ''))
    fail |= bool(bad)
rows = sum(1 for _ in open('%s/s.csv' % d)) - 1
if rows != 3:
    print('FAIL %d CSV rows, want 3' % rows)
    fail = 1
if len(loops) == 3 and loops['percpu'] == loops['pertask']:
    print('FAIL percpu and pertask have the same design-loop floor: one series\' floors in both')
    fail = 1
sys.exit(fail)
PY
