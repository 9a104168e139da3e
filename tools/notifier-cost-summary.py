#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarize the raw key=value output of tools/notifier-cost-guest.sh.

    tools/notifier-cost-summary.py RAW OUTDIR [ARGS]

Writes OUTDIR/summary.csv (one row per series and mode: the median over
the rounds and its interval) and OUTDIR/run.txt (where it ran, the
command with ARGS, then RAW itself, from which this script can rebuild
summary.csv: RAW may be a run.txt).  hook_ns: per round, the series'
ns per switch minus the no-hook baseline's of the same round, minus what
the series' read section costs alone beyond the baseline's; its median
over the rounds and that median's interval (tools/hzb_results.py).
hook2_ns: the same against the per-CPU module with migrate=off (no block,
no hook), whose own hook_ns is the method's bias.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hzb_results as hr  # noqa: E402

BASE = 'refcount-nohook'
# The second baseline: the same per-CPU module and read section with no
# block and no hook (migrate=off), a control for the first.
BASE2 = 'percpu-v4-nomigrate'


def main(raw, out, args):
    text = open(raw).read()
    if text.startswith('command: '):
        text = text.split('\n\n', 1)[1]     # a run.txt: its raw part
    env, blocks, cur = {}, [], None
    for line in text.splitlines():
        if line.startswith('series='):
            cur = {'series': line.split('=', 1)[1]}
            blocks.append(cur)
        elif '=' in line and cur is not None:
            k, v = line.split('=', 1)
            cur[k] = v
        elif '=' in line:
            k, v = line.split('=', 1)
            env[k] = v
    ns = {(b['series'], b['mode'], b['round']):
          float(b['section_ns_p50' if b['mode'] == 'solo' else 'switch_ns_p50'])
          for b in blocks}
    info = {}
    for b in blocks:
        info.setdefault((b['series'], b['mode']), b)
    rounds = sorted({b['round'] for b in blocks}, key=int)
    cols = ['series', 'design', 'variant', 'mode', 'policy', 'sections', 'rounds',
            'ns_p50', 'ns_lo', 'ns_hi', 'ns_min', 'ns_max', 'section_ns_p50',
            'hook_ns_p50', 'hook_ns_lo', 'hook_ns_hi',
            'hook2_ns_p50', 'hook2_ns_lo', 'hook2_ns_hi', 'coverage_pct']
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'summary.csv'), 'w') as f:
        f.write(','.join(cols) + '\n')
        for (s, m), b in info.items():
            v = [ns[(s, m, r)] for r in rounds if (s, m, r) in ns]
            sec = [ns[(s, 'solo', r)] for r in rounds if (s, 'solo', r) in ns]
            h = []
            for base in (BASE, BASE2):
                hook = []
                if m != 'solo' and s != base:
                    for r in rounds:
                        try:
                            hook.append(ns[(s, m, r)] - ns[(base, m, r)] -
                                        (ns[(s, 'solo', r)] - ns[(base, 'solo', r)]))
                        except KeyError:
                            pass
                h += ['%.2f' % x for x in hr.median_ci(hook)] if hook else ['', '', '']
            f.write(','.join([s, b['design'], '"%s"' % b['variant'], m, b['policy'],
                              b['sections'], str(len(v))] +
                             ['%.2f' % x for x in hr.median_ci(v)] +
                             ['%.2f' % min(v), '%.2f' % max(v),
                              '%.2f' % hr.median_ci(sec)[0]] + h +
                             ['%.0f' % (100 * hr.coverage(len(v)))]) + '\n')
    with open(os.path.join(out, 'run.txt'), 'w') as f:
        f.write('command: flock /tmp/hzb-cpu1.lock taskset -c 1 chrt -f 10 '
                'tools/notifier-cost.sh %s\n' % args)
        for k in ('uml_kernel', 'host_cpu', 'host_loadavg', 'modules'):
            f.write('%s: %s\n' % (k, env.get(k, '?')))
        f.write('\n' + text)
    print('notifier-cost: %d series x modes, %d rounds, into %s' % (len(info), len(rounds), out))


if __name__ == '__main__':
    if len(sys.argv) < 3:
        sys.exit('usage: notifier-cost-summary.py RAW OUTDIR [ARGS]')
    main(sys.argv[1], sys.argv[2], ' '.join(sys.argv[3:]))
