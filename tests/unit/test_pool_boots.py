#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""tools/hzb_results.py pools a point run in several boots (boots = N).

Three boot files of one point whose synchronize p50 was 80, 130 and 80 ns
(two reps each), and a plain point beside them: the sweep must read as two
points; the pooled one's summary is the median of the boots' medians
(80.5) with the interval over the boots and its coverage (3 boots: 75%,
where the six pooled reps would claim 96.9%), every rep tagged with its
boot, and the floors' median over boots.
"""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'tools'))
import hzb_results as hr  # noqa: E402


def result(design, p50s, walk):
    reps = [{'rep': i, 'ok': True, 'synchronize': {'p50_ns': v}} for i, v in enumerate(p50s)]
    med, lo, hi = hr.median_ci(p50s)
    return {'schema': 'hzbench-result/1', 'design': design, 'variant': '', 'ok': True,
            'config': {'tasks': 1}, 'system': {}, 'info': {}, 'counters': {},
            'reps': reps, 'floors': {'task_walk': {'p50_ns': walk, 'unit': 'ns'}},
            'summary': {'reps': len(p50s),
                        'sync_p50_ns': {'median': med, 'lo': lo, 'hi': hi, 'n': len(p50s)}}}


def main():
    fails = []
    with tempfile.TemporaryDirectory() as root:
        d = os.path.join(root, 'sweep')
        os.mkdir(d)
        for k, (p50s, walk) in enumerate([([80, 81], 1000), ([130, 131], 3000),
                                          ([80, 80], 2000)], 1):
            with open(os.path.join(d, 'percpu.tasks-1.boot-%d.json' % k), 'w') as f:
                json.dump(result('percpu', p50s, walk), f)
        with open(os.path.join(d, 'pertask.tasks-1.json'), 'w') as f:
            json.dump(result('pertask', [150, 160, 170], 500), f)
        res = hr.Results(root)
        pts = {p.name: p for p in res.sweeps.get('sweep', [])}
        if sorted(pts) != ['percpu.tasks-1', 'pertask.tasks-1']:
            fails.append('points %s, wanted percpu.tasks-1 and pertask.tasks-1' % sorted(pts))
        p = pts.get('percpu.tasks-1')
        if p:
            got = p.summary('sync_p50_ns')
            if got != (80.5, 80.0, 130.5):
                fails.append('pooled sync_p50_ns %s, wanted (80.5, 80.0, 130.5)' % (got,))
            if abs(p.coverage_pct() - 75.0) > 1e-9:
                fails.append('coverage %s%%, wanted 75%% (3 boots)' % p.coverage_pct())
            if [r.get('boot') for r in p.j['reps']] != [1, 1, 2, 2, 3, 3]:
                fails.append('reps tagged %s' % [r.get('boot') for r in p.j['reps']])
            if p.floor('task_walk') != 2000:
                fails.append('task_walk floor %s, wanted the median 2000' % p.floor('task_walk'))
            if len(p.j.get('boots', [])) != 3 or not p.ok:
                fails.append('boots %s, ok %s' % (p.j.get('boots'), p.ok))
        q = pts.get('pertask.tasks-1')
        if q and q.summary('sync_p50_ns') != (160.0, 150.0, 170.0):
            fails.append('plain point changed: %s' % (q.summary('sync_p50_ns'),))
    for f in fails:
        print('FAIL ' + f)
    if not fails:
        print('ok   three boot files pool into one point, median over boots')
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
