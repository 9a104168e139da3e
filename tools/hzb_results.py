# SPDX-License-Identifier: GPL-2.0
"""Read hzbench result files for plots/prepare.py and tools/report.py.

A results root holds one directory per sweep, results/<workload>/, with one
<point>.json per point (schema hzbench-result/1, see README.md), or one
<point>.boot-K.json per boot of a point run in several boots (pooled into
one point here: pool_boots()).  A directory named <workload>-quick (what
--quick writes by default) stands in for <workload> when the full one is
absent.

Statistics follow user/hzb_stats.c: the median of the repetitions and its
distribution-free interval from binomial order statistics.  A ratio of two
medians gets the interval [lo_a / hi_b, hi_a / lo_b] from the two medians'
intervals (conservative: it holds whenever both intervals do).
"""

import glob
import json
import math
import os
import re
import sys

WORKLOADS = ['tasks-sweep', 'vcpu-sweep', 'preempt-storm', 'overflow-stress', 'mixed',
             'reader-fastpath', 'usecase-refcount', 'usecase-lazy-mm', 'usecase-hash',
             'tasks-100k', 'retire-async']
DESIGNS = ['percpu', 'pertask', 'rcu', 'refcount', 'srcu', 'tasks-trace']
# Keys a result must have to be used (README.md, "Result files").
REQUIRED = ['design', 'variant', 'config', 'system', 'info', 'summary', 'reps', 'counters',
            'floors']


# ---- statistics --------------------------------------------------------

def binom_cdf_half(n, k):
    """P(X <= k) for X ~ Binomial(n, 1/2)."""
    return sum(math.comb(n, i) for i in range(k + 1)) / 2.0 ** n


def median_ci(values):
    """(median, lo, hi) of @values as hzb_median_ci() computes it; NaNs if empty."""
    v = sorted(x for x in values if x is not None and not math.isnan(x))
    n = len(v)
    if not n:
        return (math.nan, math.nan, math.nan)
    med = v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2
    lo, hi = v[0], v[-1]
    for k in range(1, n // 2 + 1):
        if binom_cdf_half(n, k - 1) > 0.025:
            break
        lo, hi = v[k - 1], v[n - k]
    return (med, lo, hi)


def coverage(n):
    """Coverage of the interval median_ci() gives for n values (1.0 for n = 1: no interval)."""
    if n <= 1:
        return 1.0
    k = 1
    while k + 1 <= n // 2 and binom_cdf_half(n, k) <= 0.025:
        k += 1
    return 1 - 2 * binom_cdf_half(n, k - 1)


def ratio(a, b):
    """Ratio of two (median, lo, hi) triples: (r, lo, hi), NaNs when undefined."""
    if any(math.isnan(x) for x in a + b) or b[0] <= 0 or b[1] <= 0:
        return (math.nan, math.nan, math.nan)
    return (a[0] / b[0], a[1] / b[2], a[2] / b[1])


def fixed(x):
    """(x, x, x): a figure with no repetitions, e.g. a floor."""
    return (x, x, x)


# ---- result files ------------------------------------------------------

def parse_variant(s):
    """'slots=8,acquire=reload' -> {'slots': '8', 'acquire': 'reload'} (order kept)."""
    out = {}
    for kv in (s or '').split(','):
        if '=' in kv:
            k, v = kv.split('=', 1)
            out[k.strip()] = v.strip()
    return out


class Point:
    """One result JSON.  The raw object is .j; the rest is derived from it."""

    def __init__(self, path, j, root):
        self.path = os.path.relpath(path, root)
        self.j = j
        self.sweep = os.path.basename(os.path.dirname(path))
        self.name = os.path.basename(path)[:-len('.json')]
        self.design = j.get('design', '?')
        self.variant_str = j.get('variant', '')
        self.variant = parse_variant(self.variant_str)
        self.config = j.get('config', {})
        self.system = j.get('system', {})
        self.ok = bool(j.get('ok')) and not j.get('readers', {}).get('violations')
        m = re.search(r'--variant=(\S*)', j.get('command_line', ''))
        self.default_variant = not (m and m.group(1))
        self.label = self.design    # set per sweep by label_points()

    def why_failed(self):
        """Why a point is not ok, as far as the JSON tells."""
        why = []
        if self.j.get('readers', {}).get('violations'):
            why.append('a reader saw a freed object')
        for name, pr in sorted((self.get('bpf', 'probes') or {}).items()):
            if isinstance(pr, dict) and pr.get('state') == 'failed':
                why.append('BPF %s probe failed: %s' % (name, pr.get('error', '?')))
        if self.get('bpf', 'enabled') and not self.get('bpf', 'attached'):
            why.append('BPF synchronize probe not attached: %s' % self.get('bpf', 'error'))
        if self.get('bpf', 'checks_ok') is False:
            why.append('BPF cross-checks failed: %s' % ', '.join(
                c.get('name', '?') for c in self.get('bpf', 'checks') if not c.get('ok')))
        bad = [str(r.get('rep')) for r in self.j.get('reps', []) if r.get('ok') is False]
        if bad:
            why.append('repetitions %s failed' % ','.join(bad))
        return '; '.join(why) or 'ok is false, no reason recorded'

    def cfg(self, key, default=None):
        return self.config.get(key, default)

    def vcpus(self):
        vm = self.system.get('vm') or {}
        return vm.get('vcpus') or self.system.get('nr_cpus') or 0

    def nr_cpu_ids(self):
        return self.system.get('nr_cpu_ids') or self.system.get('nr_cpus') or 0

    def cfg_key(self, drop=()):
        """What makes two points of one sweep comparable: config and vCPUs."""
        items = sorted((k, str(v)) for k, v in self.config.items() if k not in drop)
        return tuple(items) + (('vcpus', str(self.vcpus())),)

    def summary(self, metric):
        """(median, lo, hi) of a per-rep metric from the JSON summary."""
        s = self.j.get('summary', {}).get(metric) or {}
        # lo/hi since the summary says its coverage; ci95_* in older results.
        keys = ('median', 'lo', 'hi') if 'lo' in s else ('median', 'ci95_lo', 'ci95_hi')
        return tuple(float('nan') if s.get(k) is None else float(s[k]) for k in keys)

    def coverage_pct(self, metric='sync_p50_ns'):
        """Exact coverage of summary()'s interval: 1 - 2^(1-n) below 6 reps."""
        s = self.j.get('summary', {}).get(metric) or {}
        if s.get('coverage_pct') is not None:
            return float(s['coverage_pct'])
        return 100 * coverage(self.nreps())

    def nreps(self):
        return len(self.j.get('reps', []))

    def floor(self, name, stat='p50_ns'):
        v = (self.j.get('floors', {}).get(name) or {}).get(stat)
        return math.nan if v is None else float(v)

    def get(self, *keys):
        """The value at a path of keys in the JSON, None when any is missing."""
        o = self.j
        for k in keys:
            if not isinstance(o, dict) or k not in o:
                return None
            o = o[k]
        return o

    def counter(self, name):
        return self.j.get('counters', {}).get(name, 0)

    def rep_values(self, fn):
        """fn(rep_dict) for every repetition that ran; None results dropped."""
        out = []
        for r in self.j.get('reps', []):
            try:
                x = fn(r)
            except (KeyError, ZeroDivisionError, TypeError):
                x = None
            if x is not None:
                out.append(x)
        return out

    def rep_stat(self, fn):
        """(median, lo, hi) over the repetitions of fn(rep)."""
        return median_ci(self.rep_values(fn))


BOOT_NAME = re.compile(r'^(.*)\.boot-(\d+)$')


def pool_boots(boots, root):
    """One Point from the runs of a point in several boots (a sweep's boots = N).

    Its summary is over boots, not repetitions: each metric's median of the
    boots' medians, with the order-statistic interval over the boots (their
    repetitions share a boot's layout, so they are not independent draws of
    what a boot gives).  reps are every boot's, each tagged with its boot;
    floors the median over boots; boots keeps each boot's summary.
    """
    boots = sorted(boots, key=lambda b: int(BOOT_NAME.match(b.name).group(2)))
    j = dict(boots[0].j)
    j['reps'] = [dict(r, boot=k + 1) for k, b in enumerate(boots) for r in b.j.get('reps', [])]
    j['ok'] = all(b.ok for b in boots)
    j['boots'] = [{'boot': k + 1, 'file': os.path.basename(b.path), 'ok': b.ok,
                   'summary': b.j.get('summary', {})} for k, b in enumerate(boots)]
    summary = {'reps': len(j['reps']), 'boots': len(boots),
               'method': 'median over boots of each boot\'s median of repetitions; '
                         '[lo, hi] the order-statistic interval over the boots, covering '
                         'the median with probability coverage_pct'}
    for metric, s in boots[0].j.get('summary', {}).items():
        if not isinstance(s, dict):
            continue
        per_boot = [b.summary(metric)[0] for b in boots]
        med, lo, hi = median_ci(per_boot)
        n = sum(1 for x in per_boot if not math.isnan(x))
        summary[metric] = {'median': None if math.isnan(med) else med,
                           'lo': None if math.isnan(lo) else lo,
                           'hi': None if math.isnan(hi) else hi,
                           'coverage_pct': 100 * coverage(n) if n else None, 'n': n}
    j['summary'] = summary
    floors = {}
    for name, f in boots[0].j.get('floors', {}).items():
        if not isinstance(f, dict):
            floors[name] = f
            continue
        floors[name] = dict(f)
        for stat, v in f.items():
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                med = median_ci([b.floor(name, stat) for b in boots])[0]
                floors[name][stat] = None if math.isnan(med) else med
    j['floors'] = floors
    p = Point(os.path.join(root, boots[0].path), j, root)
    p.name = BOOT_NAME.match(boots[0].name).group(1)
    return p


def label_points(points):
    """Name each point '<design>' plus the knobs that vary among that design's points."""
    by_design = {}
    for p in points:
        by_design.setdefault(p.design, []).append(p)
    for pts in by_design.values():
        keys = [k for k in pts[0].variant
                if len({p.variant.get(k) for p in pts}) > 1]
        for p in pts:
            knobs = ','.join('%s=%s' % (k, p.variant.get(k, '?')) for k in keys)
            p.label = p.design + (' ' + knobs if knobs else '')


class Results:
    """Every readable result JSON under a root, grouped by sweep directory."""

    def __init__(self, root, shown=None):
        self.root = root
        self.shown = shown or root  # how messages name the root (REPORT.md: 'results')
        self.sweeps = {}
        self.bad = []          # (path, reason): unreadable files, reported, never fatal
        for path in sorted(glob.glob(os.path.join(root, '*', '*.json'))):
            try:
                with open(path) as f:
                    j = json.load(f)
                if not str(j.get('schema', '')).startswith('hzbench-result/'):
                    raise ValueError('schema is %r' % j.get('schema'))
                lacks = [k for k in REQUIRED if k not in j]
                if lacks:
                    raise ValueError('no %s' % ', '.join(lacks))
            except (OSError, ValueError) as e:
                self.bad.append((os.path.relpath(path, root), str(e).splitlines()[0]))
                continue
            p = Point(path, j, root)
            self.sweeps.setdefault(p.sweep, []).append(p)
        for d, pts in self.sweeps.items():
            booted = {}
            for p in pts:
                m = BOOT_NAME.match(p.name)
                if m:
                    booted.setdefault(m.group(1), []).append(p)
            self.sweeps[d] = [p for p in pts if not BOOT_NAME.match(p.name)] + \
                [pool_boots(b, root) for _, b in sorted(booted.items())]
        for pts in self.sweeps.values():
            label_points(pts)

    def dir_for(self, workload):
        """The directory holding @workload: the full sweep, else its -quick run."""
        for d in (workload, workload + '-quick'):
            if d in self.sweeps:
                return d
        return None

    def points(self, workload, ok_only=True):
        d = self.dir_for(workload)
        pts = self.sweeps.get(d, []) if d else []
        return [p for p in pts if p.ok or not ok_only]

    def all_points(self, ok_only=True):
        return [p for d in sorted(self.sweeps) for p in self.sweeps[d] if p.ok or not ok_only]

    def failed(self):
        return [p for p in self.all_points(ok_only=False) if not p.ok]


def series(points, name=None):
    """{label: [points]}, label = name(p) or p.label; in design order, a design's
    default variant first, then by label."""
    name = name or (lambda p: p.label)
    out = {}
    for p in sorted(points, key=lambda p: (design_rank(p.design), not p.default_variant,
                                           name(p))):
        out.setdefault(name(p), []).append(p)
    return out


def design_rank(d):
    return DESIGNS.index(d) if d in DESIGNS else len(DESIGNS)


def warn(msg):
    print(msg, file=sys.stderr)
