#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Regenerate the data sections of REPORT.md from the committed result files.

    tools/report.py [--results DIR] [--report FILE] [--check]

Every section between '<!-- BEGIN hzbench:NAME -->' and
'<!-- END hzbench:NAME -->' is rewritten in place from the result JSONs
under DIR (default: results/ beside this script's directory); everything
outside the markers is left alone.  --check writes nothing and exits 1
when REPORT.md differs from what would be generated (and says where).

Ratios are of medians measured in one sweep (one sweep = one workload file
run on one machine and kernel): the VM's nanoseconds are TCG-emulated and
are compared only with each other.  The interval of a ratio combines the
two medians' intervals (see tools/hzb_results.py).
"""

import argparse
import configparser
import difflib
import math
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, 'plots'))
import hzb_results as hr  # noqa: E402
import prepare  # noqa: E402

MARK = re.compile(r'^<!-- (BEGIN|END) hzbench:([a-z0-9-]+) -->$', re.M)
FEAT_OVERFLOW, FEAT_MIGRATION = 1 << 1, 1 << 2
MEM_TASKS = [1, 10000, 30000]


# ---- formatting -----------------------------------------------------------

def num(x):
    """Three significant digits, no exponent."""
    if x is None or math.isnan(x):
        return 'n/a'
    if abs(x) >= 1000:
        return '%.0f' % x
    return '%.3g' % x


def dur(ns):
    """A VM duration with its unit."""
    if ns is None or math.isnan(ns):
        return 'n/a'
    for unit, scale in (('s', 1e9), ('ms', 1e6), ('µs', 1e3)):
        if abs(ns) >= scale:
            return '%s %s' % (num(ns / scale), unit)
    return '%s ns' % num(ns)


def with_ci(t, f=num):
    m, lo, hi = t
    if math.isnan(m):
        return 'n/a'
    if lo == hi == m:
        return f(m)
    return '%s [%s, %s]' % (f(m), f(lo), f(hi))


def ratio_cell(t):
    return 'n/a' if math.isnan(t[0]) else with_ci(t) + ' x'


def hist_cell(h):
    """A BPF histogram summary (JSON keys count, p50, p99) as 'p50 (p99 x)'."""
    if not h or not h.get('count'):
        return '—'
    return '%s (p99 %s)' % (dur(h['p50']), dur(h['p99']))


def num_or_dash(x):
    return '—' if x is None else num(x)


def table(head, rows):
    out = ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
    out += ['| ' + ' | '.join(str(c) for c in r) + ' |' for r in rows]
    return '\n'.join(out)


def fmt_bytes(b):
    for unit, scale in (('MiB', 1 << 20), ('KiB', 1 << 10)):
        if b >= scale:
            return '%.1f %s' % (b / scale, unit)
    return '%d B' % b


class Ctx:
    def __init__(self, res, shown_root):
        self.res, self.root = res, shown_root

    def sweep_dir(self, w):
        return '%s/%s' % (self.root, self.res.dir_for(w) or w)

    def command(self, w):
        """The command that regenerates sweep w's result files."""
        if w in NATIVE_SCRIPTS:
            return NATIVE_SCRIPTS[w]
        pts = self.res.points(w, ok_only=False)
        cmds = {p.j.get('workload', {}).get('sweep_command_line') for p in pts} - {None, ''}
        if len(cmds) == 1:
            return cmds.pop()
        quick = ' --quick' if (self.res.dir_for(w) or '').endswith('-quick') or \
            any(is_quick(p, w) for p in pts) else ''
        target = ' --target=uml' if w in NATIVE else ''
        return 'build/user/hzbench --workload=workloads/%s.ini --design=all%s%s --out=%s' % (
            w, quick, target, self.sweep_dir(w))

    def regen(self, sweeps):
        lines = [self.command(w) for w in sweeps]
        lines += ['tools/report.py --results %s' % self.root,
                  'plots/plot.sh %s plots/out' % self.root]
        return 'Regenerate:\n\n```sh\n' + '\n'.join(lines) + '\n```'


def ini_duration(w, section):
    """The duration (s) that section [@section] of workloads/@w.ini sets, or None."""
    cp = configparser.ConfigParser(comment_prefixes=(';', '#'), inline_comment_prefixes=(';',))
    try:
        cp.read(os.path.join(REPO, 'workloads', w + '.ini'))
        v = cp.get(section, 'duration', fallback=None)
    except configparser.Error:
        return None
    m = re.fullmatch(r'([0-9.]+)\s*(ms|s)?', v.strip()) if v else None
    return float(m.group(1)) / (1000 if m.group(2) == 'ms' else 1) if m else None


def is_quick(p, w):
    """Whether point p ran with the [quick] duration of workloads/w.ini."""
    quick, full = ini_duration(w, 'quick'), ini_duration(w, 'workload')
    return quick is not None and quick != full and p.cfg('duration_s') == quick


# What each workload varies: always shown in a table's point column.
SWEEP_KEYS = {
    'tasks-sweep': ['tasks', 'preempt'], 'vcpu-sweep': ['vcpus', 'tasks'],
    'preempt-storm': ['preempt'], 'overflow-stress': ['nest'],
    'mixed': ['update_interval_ns', 'batch'], 'reader-fastpath': ['readers'],
}


def varying(points, workload=None):
    """The workload's own parameters, then other config keys (and vcpus) whose
    values differ among @points."""
    out = list(SWEEP_KEYS.get(workload, []))
    keys = sorted({k for p in points for k in p.config})
    out += [k for k in keys if len({str(p.config.get(k)) for p in points}) > 1
            and k not in out + ['hogs', 'sleep_us']]
    if 'vcpus' not in out and len({p.vcpus() for p in points}) > 1:
        out.append('vcpus')
    return out


def params(p, keys):
    vals = ['%s=%s' % (k, p.vcpus() if k == 'vcpus' else p.cfg(k)) for k in keys]
    return ' '.join(vals) or '(one point)'


def reps_note(points):
    ns = sorted({p.nreps() for p in points})
    if not ns:
        return ''
    parts = []
    for n in ns:
        if n <= 1:
            parts.append('1 rep: no interval')
        else:
            parts.append('%d reps: each median\'s interval covers %.0f%%' %
                         (n, 100 * hr.coverage(n)))
    return ('Intervals: median of the repetitions with its binomial order-statistic '
            'interval (%s); a ratio\'s interval is [lo_a/hi_b, hi_a/lo_b].' % '; '.join(parts))


def no_data(ctx, what, fix):
    return '_No data: %s._ %s' % (what, fix)


# ---- sections ---------------------------------------------------------------

def sec_provenance(ctx):
    res = ctx.res
    rows = []
    repeats = sorted(d for d in res.sweeps
                     if re.fullmatch(r'repeat(-native|-interleaved|-idle)?-\d+', d))
    for w in hr.WORKLOADS + repeats + NATIVE:
        pts = res.points(w, ok_only=False)
        if not pts:
            rows.append((w, '—', '0', '—', '—', '—', '—'))
            continue
        ok = [p for p in pts if p.ok]
        sysv = sorted({'%s %s, %s vCPU' % (p.system.get('mode', '?'),
                                           (p.system.get('vm') or {}).get('accel', ''),
                                           p.vcpus()) for p in pts})
        rows.append((w, '`%s/`' % ctx.sweep_dir(w), '%d of %d' % (len(ok), len(pts)),
                     ', '.join(sorted({str(p.nreps()) for p in pts})),
                     ', '.join(sorted({p.system.get('kernel_release', '?') for p in pts})),
                     '; '.join(sysv),
                     ', '.join(sorted({p.j.get('tool', {}).get('git_rev', '?') for p in pts}))))
    out = [table(['workload', 'result files', 'points ok', 'reps', 'kernel', 'where',
                  'hzbench rev'], rows)]
    failed = res.failed()
    if failed:
        out.append('Points left out of every table and plot (the run failed):\n\n' +
                   '\n'.join('- `%s/%s`: %s' % (ctx.root, p.path, p.why_failed())
                             for p in failed))
    if res.bad:
        out.append('Unreadable result files, left out: ' +
                   ', '.join('`%s/%s` (%s)' % (ctx.root, p, why) for p, why in res.bad) + '.')
    out.append('Commands that regenerate the result files, then this report and the plots:\n\n'
               '```sh\n' + '\n'.join(ctx.command(w) for w in hr.WORKLOADS + repeats + NATIVE) +
               '\ntools/report.py --results %s\nplots/plot.sh %s plots/out\n```' %
               (ctx.root, ctx.root))
    return '\n\n'.join(out)


def sec_plots(ctx):
    rows = []
    for plot in prepare.build(ctx.res):
        if plot.reason:
            rows.append(('`%s`' % plot.name, 'not drawn: %s' % plot.reason))
        else:
            rows.append(('`%s`' % plot.name, '[png](plots/out/%s.png), [svg](plots/out/%s.svg)'
                         % (plot.name, plot.name)))
    return table(['plot', 'file'], rows) + '\n\n`plots/plot.sh %s plots/out` draws them.' % \
        ctx.root


def defaults(points, design):
    """The points of @design run with its default variant (no --variant)."""
    return [p for p in points if p.design == design and p.default_variant]


def match(p, points, design, variant=None):
    """The point of @design in @points with p's config (and variant knob values)."""
    key = p.cfg_key()
    for q in points:
        if q.design == design and q.cfg_key() == key and \
                (variant is None or all(q.variant.get(k) == v for k, v in variant.items())):
            return q
    return None


def slope(xy):
    """Least-squares slope of y on x (e.g. ns per task) from (x, y) pairs."""
    if len(xy) < 2:
        return math.nan
    mx = sum(x for x, _ in xy) / len(xy)
    my = sum(y for _, y in xy) / len(xy)
    sxx = sum((x - mx) ** 2 for x, _ in xy)
    return sum((x - mx) * (y - my) for x, y in xy) / sxx if sxx else math.nan


def verdict(r):
    """What a pertask/percpu ratio's interval says."""
    return 'slower' if r[1] > 1 else 'faster' if r[2] < 1 else 'indistinguishable'


def crossover(rows):
    """rows: [(tasks, pertask/percpu ratio triple)] sorted by tasks."""
    if not rows:
        return 'no pairs of per-task and per-CPU points'
    per = '; '.join('tasks=%d %s (%s)' % (t, ratio_cell(r), verdict(r)) for t, r in rows)
    first = next((i for i in range(len(rows))
                  if all(verdict(r) == 'slower' for _, r in rows[i:])), None)
    if first is None:
        txt = 'per-task synchronize is not slower than per-CPU (interval above 1) from any ' \
              'measured count on'
    elif first == 0:
        txt = 'per-task synchronize is slower at every measured count (from tasks=%d)' % \
              rows[0][0]
    else:
        (t0, r0), (t1, r1) = rows[first - 1], rows[first]
        txt = 'per-task synchronize is slower from tasks=%d on, %s at tasks=%d' % (
            t1, verdict(r0), t0)
        if 0 < r0[0] < 1 < r1[0] and t0 > 0:
            lt = math.log(t0) + (0 - math.log(r0[0])) * (math.log(t1) - math.log(t0)) / \
                (math.log(r1[0]) - math.log(r0[0]))
            txt += '; log-log interpolation of the medians puts the crossover near %s tasks' % \
                num(math.exp(lt))
    return '%s. pertask ÷ percpu: %s' % (txt, per)


def sec_task_scan(ctx):
    pts = ctx.res.points('tasks-sweep')
    if not pts:
        return no_data(ctx, 'no tasks-sweep results', ctx.regen(['tasks-sweep']))
    rows, notes = [], []
    for pre in sorted({p.cfg('preempt') for p in pts}, key=prepare.preempt_rank):
        at = [p for p in pts if p.cfg('preempt') == pre]
        for t in sorted({p.cfg('tasks') for p in at}):
            for label, sp in hr.series([p for p in at if p.cfg('tasks') == t]).items():
                for p in sp:
                    base = match(p, defaults(at, 'percpu'), 'percpu')
                    walk = hr.fixed(p.floor('task_walk'))
                    rows.append((pre, t, p.j.get('tasks', {}).get('seen_by_module', 'n/a'), label,
                                 with_ci(p.summary('sync_p50_ns'), dur),
                                 ratio_cell(hr.ratio(p.summary('sync_p50_ns'), base.summary(
                                     'sync_p50_ns'))) if base and base is not p else '—',
                                 dur(walk[0]),
                                 ratio_cell(hr.ratio(p.summary('sync_p50_ns'), walk)),
                                 phases_cell(p)))
        for label, sp in hr.series([p for p in at if p.design == 'pertask']).items():
            xy = [(p.cfg('tasks'), p.summary('sync_p50_ns')[0]) for p in sp]
            wxy = [(p.cfg('tasks'), p.floor('task_walk')) for p in sp]
            notes.append('- preempt=%s, %s: synchronize p50 grows by %s per task (least-squares '
                         'slope over tasks=%s); the bare task-walk floor by %s per task.' %
                         (pre, label, dur(slope(xy)),
                          ','.join(str(x) for x, _ in sorted(xy)), dur(slope(wxy))))
        pairs = []
        for p in sorted(defaults(at, 'pertask'), key=lambda p: p.cfg('tasks')):
            base = match(p, defaults(at, 'percpu'), 'percpu')
            if base:
                pairs.append((p.cfg('tasks'), hr.ratio(p.summary('sync_p50_ns'),
                                                        base.summary('sync_p50_ns'))))
        notes.append('- preempt=%s, default variants: %s.' % (pre, crossover(pairs)))
    head = ['preempt', 'tasks', 'tasks walked', 'series', 'sync p50 (VM)',
            '÷ percpu', 'task-walk floor (same run)', '÷ task-walk floor',
            'BPF: scan phases, p50 per scan (share of scan time)']
    if all(r[-1] == '—' for r in rows):
        # No point ran the phase probe: no column of dashes.
        head, rows = head[:-1], [r[:-1] for r in rows]
        notes.append('- BPF scan phases: not measured in this sweep (no point ran '
                     'the phase probe; `--bpf=phase` adds them).')
    out = [table(head, rows),
           '\n'.join(notes), reps_note(pts), ctx.regen(['tasks-sweep'])]
    return '\n\n'.join(x for x in out if x)


def phases_cell(p):
    """The measured BPF scan phases of a point (bpf.probes.phase.phases)."""
    out = []
    for ph in p.get('bpf', 'probes', 'phase', 'phases') or []:
        h = ph.get('per_scan_ns') or {}
        if ph.get('measured') and h.get('count'):
            out.append('%s %s (%s%%)' % (ph.get('name', '?'), dur(h.get('p50')),
                                          num(ph.get('share_pct', math.nan))))
    return '; '.join(out) or '—'


def rep_rate(num_key, den):
    return lambda r: r['counters'][num_key] / den(r) if den(r) else None


METRICS = {
    'sync_p50_ns': ('sync p50 (VM)', lambda p: p.summary('sync_p50_ns'), dur),
    'sync_p99_ns': ('sync p99 (VM)', lambda p: p.summary('sync_p99_ns'), dur),
    'ns_per_acquire': ('reader ns/acquire (VM)', lambda p: p.summary('ns_per_acquire'), num),
    'cpus_skipped': ('CPUs skipped per sync',
                     lambda p: p.rep_stat(rep_rate('cpus_skipped', lambda r: r['counters']['syncs'])),
                     num),
    'scan_restarts': ('scan restarts per sync',
                      lambda p: p.rep_stat(rep_rate('scan_restarts',
                                                    lambda r: r['counters']['syncs'])), num),
}


def knob_table(ctx, design, knob, base, alts, metrics, sweeps, fix):
    """Points of @design differing only in @knob (base vs each alt), per sweep."""
    rows, used = [], []
    for w in sweeps:
        pts = [p for p in ctx.res.points(w) if p.design == design]
        keys = varying(ctx.res.points(w), w)
        for p in sorted(pts, key=lambda p: p.cfg_key()):
            if p.variant.get(knob) != base:
                continue
            for alt in alts:
                want = dict(p.variant, **{knob: alt})
                q = match(p, pts, design, want)
                if not q:
                    continue
                used += [p, q]
                for m in metrics:
                    title, get, f = METRICS[m]
                    a, b = get(q), get(p)
                    if math.isnan(a[0]) and math.isnan(b[0]):
                        continue
                    rows.append((w, params(p, keys), title, with_ci(b, f),
                                 '%s=%s' % (knob, alt), with_ci(a, f),
                                 ratio_cell(hr.ratio(a, b))))
    if not rows:
        return no_data(ctx, 'no sweep has %s points with %s=%s next to %s that differ only in '
                       'that knob' % (design, knob, base, ' or '.join('%s=%s' % (knob, a)
                                                                      for a in alts)), fix)
    head = ['sweep', 'point', 'figure', '%s=%s' % (knob, base), 'variant', 'value',
            'variant ÷ %s=%s' % (knob, base)]
    return '\n\n'.join(x for x in [table(head, rows), reps_note(used),
                                   ctx.regen(sorted({r[0] for r in rows}))] if x)


def variants_fix(design, text, sweeps):
    return ('To measure it, add `%s = default | %s` under [variants] in %s, rerun those sweeps '
            'and tools/report.py.' % (design, text, ', '.join('workloads/%s.ini' % w
                                                            for w in sweeps)))


def sec_acquire(ctx):
    sw = ['reader-fastpath', 'tasks-sweep', 'overflow-stress']
    return knob_table(ctx, 'percpu', 'acquire', 'reload', ['wildcard'],
                      ['ns_per_acquire', 'sync_p50_ns', 'scan_restarts'], sw,
                      variants_fix('percpu', 'acquire=wildcard', sw))


def sec_track(ctx):
    sw = ['reader-fastpath', 'tasks-sweep', 'overflow-stress']
    return knob_table(ctx, 'pertask', 'track', 'count', ['bitmap'],
                      ['ns_per_acquire', 'sync_p50_ns'], sw,
                      variants_fix('pertask', 'track=bitmap', sw))


def sec_skip(ctx):
    sw = ['tasks-sweep', 'vcpu-sweep', 'reader-fastpath']
    return knob_table(ctx, 'percpu', 'skip', 'none', ['used', 'idle'],
                      ['sync_p50_ns', 'ns_per_acquire', 'cpus_skipped'], sw,
                      variants_fix('percpu', 'skip=used | skip=idle', sw))


def sec_migration(ctx):
    pts = [p for p in ctx.res.points('preempt-storm')
           if p.j.get('info', {}).get('features', 0) & FEAT_MIGRATION]
    out = []
    if pts:
        keys = varying(ctx.res.points('preempt-storm'), 'preempt-storm')
        rows = []
        for label, sp in hr.series(pts).items():
            for p in sorted(sp, key=lambda p: prepare.preempt_rank(p.cfg('preempt'))):
                rows.append((params(p, keys), label,
                             with_ci(p.rep_stat(prepare.per_second('migrations'))),
                             with_ci(p.rep_stat(rep_rate('migrations',
                                                         lambda r: r['readers']['ctx_switches']))),
                             with_ci(p.rep_stat(lambda r: r['readers']['ctx_switches'] /
                                                r['wall_s'] if r['wall_s'] else None)),
                             hist_cell(p.get('bpf', 'probes', 'hold', 'migrations', 'cost_ns')),
                             with_ci(p.summary('ns_per_acquire'))))
        out.append(table(['point', 'series', 'migrations/s', 'per reader ctx switch',
                          'reader ctx switches/s', 'BPF: cost per migration (VM)',
                          'reader ns/acquire (VM)'], rows))
        out.append('Cost per migration: fentry/fexit on the design\'s migration function, '
                   'calls that moved a context (bpf.probes.hold.migrations.cost_ns), over all '
                   'repetitions.')
    else:
        out.append(no_data(ctx, 'no preempt-storm point of a design that migrates',
                           ctx.regen(['preempt-storm'])))
    out.append('Cost: the same points with migrate=on against migrate=off.')
    out.append(knob_table(ctx, 'percpu', 'migrate', 'off', ['on'],
                          ['ns_per_acquire', 'sync_p50_ns', 'sync_p99_ns'], ['preempt-storm'],
                          variants_fix('percpu', 'migrate=off', ['preempt-storm'])))
    return '\n\n'.join(out)


def sec_overflow(ctx):
    rows, used = [], []
    for w in ['overflow-stress', 'preempt-storm', 'tasks-sweep', 'mixed']:
        allp = ctx.res.points(w)
        keys = varying(allp, w)
        pts = [p for p in allp if p.j.get('info', {}).get('features', 0) & FEAT_OVERFLOW]
        if w == 'tasks-sweep':
            pts = [p for p in pts if p.cfg('preempt') != 'none']
        for label, sp in hr.series(pts).items():
            for p in sorted(sp, key=lambda p: p.cfg_key()):
                used.append(p)
                cont = p.counter('lock_contended')
                rows.append((w, params(p, keys), label,
                             with_ci(p.rep_stat(prepare.OVF_RATE)),
                             with_ci(p.rep_stat(prepare.per_second('overflows'))),
                             with_ci(p.rep_stat(prepare.LOCK_RATE)),
                             dur(p.counter('lock_wait_ns') / cont) if cont else '—',
                             hist_cell(p.get('bpf', 'probes', 'lock', 'wrapper_ns')),
                             hist_cell(p.get('bpf', 'probes', 'hold', 'overflow', 'chained_ns')),
                             num_or_dash(p.get('bpf', 'probes', 'phase',
                                               'longest_overflow_list_walked', 'max'))))
    if not rows:
        return no_data(ctx, 'no overflow-stress, preempt-storm, tasks-sweep (preempt other '
                       'than none) or mixed results', ctx.regen(['overflow-stress']))
    return '\n\n'.join(x for x in [
        table(['sweep', 'point', 'series', 'overflows per acquire', 'overflows/s',
               'contended / lock acquisitions', 'wait per contended acquisition (VM)',
               'BPF: time in the overflow-lock wrapper (VM)',
               'BPF: time a backup stayed chained (VM)', 'BPF: longest list walked'], rows),
        'Module counters over each repetition; "overflows" counts acquires that took a '
        'backup (per-CPU) or overflow (per-task) slot.  BPF columns: over all repetitions '
        '(bpf.probes.lock.wrapper_ns, bpf.probes.hold.overflow.chained_ns: per-CPU backups '
        'chained by overflow or by migration; bpf.probes.phase.longest_overflow_list_walked).',
        reps_note(used),
        ctx.regen(sorted({r[0] for r in rows}, key=hr.WORKLOADS.index))] if x)


def sec_rcu(ctx):
    out = []
    rows, used, sweeps = [], [], set()
    for w in ['tasks-sweep', 'vcpu-sweep', 'mixed', 'preempt-storm']:
        allp = ctx.res.points(w)
        keys = varying(allp, w)
        for label, sp in hr.series([p for p in allp if p.design in ('percpu', 'pertask')]).items():
            for p in sorted(sp, key=lambda p: p.cfg_key()):
                s = p.summary('sync_p50_ns')
                if math.isnan(s[0]):
                    continue
                used.append(p)
                sweeps.add(w)
                base = []
                for d, v in (('rcu', {'sync': 'normal'}), ('rcu', {'sync': 'expedited'}),
                             ('refcount', None)):
                    q = match(p, allp, d, v)
                    base.append(ratio_cell(hr.ratio(q.summary('sync_p50_ns'), s)) if q else '—')
                rows.append([w, params(p, keys), label, with_ci(s, dur),
                             ratio_cell(hr.ratio(hr.fixed(p.floor('synchronize_rcu')), s)),
                             ratio_cell(hr.ratio(hr.fixed(
                                 p.floor('synchronize_rcu_expedited')), s))] + base)
    if rows:
        out.append('Synchronize p50, as "baseline ÷ this" (above 1: the hazard-pointer '
                   'synchronize is faster); floors measured in the same run, baseline designs '
                   'in the same sweep with the same parameters:')
        out.append(table(['sweep', 'point', 'series', 'sync p50 (VM)',
                          'synchronize_rcu floor ÷ this', 'expedited floor ÷ this',
                          'rcu design ÷ this', 'rcu expedited design ÷ this',
                          'refcount design ÷ this'], rows))
    else:
        out.append(no_data(ctx, 'no synchronize figures of either hazard-pointer design',
                           ctx.regen(['tasks-sweep'])))
    pts = ctx.res.points('reader-fastpath')
    if pts:
        keys = varying(pts, 'reader-fastpath')
        rrows = []
        for label, sp in hr.series(pts).items():
            for p in sorted(sp, key=lambda p: p.cfg_key()):
                a = p.summary('ns_per_acquire')
                cells = [params(p, keys), label, with_ci(a),
                         ratio_cell(hr.ratio(a, hr.fixed(p.floor('slot_loop'))))]
                for d in ('rcu', 'refcount'):
                    q = match(p, pts, d) if p.design != d else None
                    cells.append(ratio_cell(hr.ratio(a, q.summary('ns_per_acquire'))) if q
                                 else '—')
                rrows.append(cells)
                used.append(p)
        sweeps.add('reader-fastpath')
        out.append('Readers (reader-fastpath; acquire + release, VM ns), as "this ÷ '
                   'baseline" (above 1: slower than the baseline):')
        out.append(table(['point', 'series', 'ns/acquire', '÷ slot_loop floor (same run)',
                          '÷ rcu', '÷ refcount'], rrows))
    else:
        out.append(no_data(ctx, 'no reader-fastpath results', ctx.regen(['reader-fastpath'])))
    out.append(reps_note(used))
    out.append(ctx.regen(sorted(sweeps, key=hr.WORKLOADS.index)))
    return '\n\n'.join(x for x in out if x)


# ---- use cases (workloads/usecase-*.ini, HZB_IOC_USECASE) -----------------------

def fixed_or_nan(x):
    return hr.fixed(float('nan') if x is None else float(x))


def usecase_section(w, reader_ops):
    """The section of use case @w: every design side by side, ratios to percpu."""
    def sec(ctx):
        pts = ctx.res.points(w)
        if not pts:
            return no_data(ctx, 'no %s results' % w, ctx.regen([w]))
        lazy = w == 'usecase-lazy-mm'
        base = next((p for p in pts if p.design == 'percpu' and p.default_variant), None)
        b_del = base.summary('sync_p50_ns') if base else hr.fixed(math.nan)
        b_ops = fixed_or_nan(base.get('usecase', 'reader_ops_per_s')) if base else \
            hr.fixed(math.nan)
        b_dps = fixed_or_nan(base.get('usecase', 'deletes_per_s')) if base else \
            hr.fixed(math.nan)
        rows = []
        for label, sp in hr.series(pts).items():
            for p in sp:
                u = p.j.get('usecase') or {}
                d = p.summary('sync_p50_ns')
                ops = fixed_or_nan(u.get('reader_ops_per_s'))
                dps = fixed_or_nan(u.get('deletes_per_s'))
                row = [label, num(ops[0]), num(dps[0]), with_ci(d, dur),
                       dur(u.get('delete_p99_ns')),
                       ratio_cell(hr.ratio(d, b_del)), ratio_cell(hr.ratio(ops, b_ops)),
                       ratio_cell(hr.ratio(dps, b_dps))]
                if lazy:
                    row += [dur(u.get('switch_acquire_release_ns')),
                            'yes' if u.get('held_across_switch') else
                            '**no** (dropped before the switch)']
                row.append('%d deferred to a reader' % p.counter('sync_waits')
                           if p.design == 'refcount' else
                           '%d migrations, %d overflows' % (p.counter('migrations'),
                                                            p.counter('overflows'))
                           if p.design == 'percpu' else
                           '%d tasks scanned' % p.counter('tasks_scanned')
                           if p.design == 'pertask' else '')
                rows.append(row)
        head = ['design', '%s/s (VM)' % reader_ops, 'deletes/s (VM)', 'delete p50 (VM)',
                'delete p99 (VM)', 'delete p50 ÷ percpu', '%s/s ÷ percpu' % reader_ops,
                'deletes/s ÷ percpu']
        if lazy:
            head += ['acquire + release per switch (VM)', 'held across the switch']
        head.append('module counters')
        p0 = pts[0]
        out = ['%s, %d objects, %s readers, %s updaters, %s tasks, %s s x %d rep(s) per '
               'design; each design in its own TCG guest boot of the same sweep (%s vCPUs), '
               'on a host shared with other engineers\' builds and guests: read the ratios, '
               'not the nanoseconds.  Delete path = unpublish + synchronize + free (refcount: '
               'drop the published reference; the last put frees).' %
               (w, (p0.get('usecase', 'objects') or 0), p0.cfg('readers'), p0.cfg('updaters'),
                p0.cfg('tasks'), num(p0.cfg('duration_s') or math.nan), p0.nreps(),
                p0.vcpus()),
               table(head, rows), reps_note(pts), ctx.regen([w])]
        return '\n\n'.join(x for x in out if x)
    return sec


def sec_task_counts(ctx):
    """Where the sweeps' task counts sit, and whether the largest spawned."""
    rows, used = [], []
    for w in hr.WORKLOADS:
        pts = ctx.res.points(w, ok_only=False)
        if not pts:
            continue
        for n in sorted({int(p.cfg('tasks') or 0) for p in pts}):
            at = [p for p in pts if int(p.cfg('tasks') or 0) == n]
            ok = [p for p in at if p.ok]
            spawned = max(int(p.get('tasks', 'spawned') or 0) for p in at)
            seen = max(int(p.get('tasks', 'seen_by_module') or 0) for p in at)
            spawn_s = max(float(p.get('tasks', 'spawn_s') or 0) for p in at)
            mem = sorted({str((p.system.get('vm') or {}).get('mem_mb', '?')) for p in at})
            rows.append((w, n, '%d of %d' % (len(ok), len(at)), spawned, seen,
                         '%.1f s' % spawn_s, '/'.join(mem)))
            used += at
    if not rows:
        return no_data(ctx, 'no result files', ctx.regen(['tasks-sweep', 'tasks-100k']))
    big = ctx.res.points('tasks-100k')
    brows = [(p.label, with_ci(p.summary('sync_p50_ns'), dur),
              dur(p.floor('task_walk')), ratio_cell(hr.ratio(p.summary('sync_p50_ns'),
                                                             hr.fixed(p.floor('task_walk')))))
             for label, sp in hr.series(big).items() for p in sp]
    extra = ['At the top of the scale (tasks-100k: each design in its own 8 GB guest; VM '
             'time, loaded host):',
             table(['design', 'synchronize p50 (VM)', 'task-walk floor p50 (same boot)',
                    'synchronize ÷ walk floor'], brows)] if brows else []
    return '\n\n'.join([
        'Task counts of the committed sweeps (idle threads hzbench spawned; "module saw" '
        'is the module\'s own for_each_process_thread count, kernel threads included; '
        'spawn time under TCG on the shared host):',
        table(['sweep', '--tasks', 'points ok', 'spawned', 'module saw', 'spawn time (max)',
               'guest MB'], rows)] + extra + [ctx.regen(['tasks-100k'])])


# What the in-tree designs would take, by reading their structures (x86-64,
# no lock debugging; see ../shared/research/seed-algorithms.md for the
# sources), next to what the out-of-tree modules measure (INFO).  Per CPU:
# v4 8 slots (one 64 B line) + one overflow list (raw lock, list head, u64
# generation: 32 B); v5 4 {slot, context} items (64 B) + two hlist overflow
# lists (2 x 24 B) + a mutex (32 B) + the add index, about 148 B.  Per task:
# v4's list_head in task_struct (16 B, CONFIG_PREEMPT_HAZPTR; 0 without),
# none for v5; Joel's tree: count, 16 slots and a chunk pointer (144 B).
# Per context: v4 and v5 56 B (slot pointer, backup slot with its list node
# and list, task node); Joel's 8 B (a slot pointer).
def in_tree_bytes(design, variant):
    if design == 'percpu':
        v5 = variant.get('scheme') == 'v5'
        migrate = variant.get('migrate', 'on') == 'on'
        return (148 if v5 else 96, 0 if v5 or not migrate else 16, 56)
    if design == 'pertask':
        return (0, 144, 8)
    return None


def sec_memory(ctx):
    seen = {}
    for p in ctx.res.all_points():
        info = p.j.get('info', {})
        if 'bytes_per_cpu' not in info:
            continue
        key = (hr.design_rank(p.design), p.design, p.variant_str, p.nr_cpu_ids())
        seen.setdefault(key, (info['bytes_per_cpu'], info['bytes_per_task'],
                              info['bytes_per_ctx'], in_tree_bytes(p.design, p.variant)))
    if not seen:
        return no_data(ctx, 'no result file carries INFO sizes', ctx.regen(['reader-fastpath']))
    rows = []
    for (_, d, v, ncpu), (bpc, bpt, bpx, it) in sorted(seen.items()):
        rows.append([d, '`%s`' % (v or 'default'), ncpu,
                     '%d B' % bpc, '%d B' % it[0] if it else '—',
                     '%d B' % bpt, '%d B' % it[1] if it else '—',
                     '%d B' % bpx, '%d B' % it[2] if it else '—'] +
                    [fmt_bytes(ncpu * bpc + t * bpt) for t in MEM_TASKS] +
                    [fmt_bytes(ncpu * it[0] + 10000 * it[1]) if it else '—'])
    return '\n\n'.join([
        table(['design', 'variant', 'CPUs', 'per CPU', 'in-tree', 'per task', 'in-tree',
               'per context (stack)', 'in-tree'] +
              ['total at %d task%s' % (t, '' if t == 1 else 's') for t in MEM_TASKS] +
              ['in-tree at 10000 tasks'], rows),
        'Measured: INFO figures of the result files (sizeof of the modules\' structures); the '
        'CPU count is the guest\'s nr_cpu_ids.  total = CPUs x per CPU + tasks x per task, '
        'plus one context per hazard pointer held, on the holder\'s stack; it assumes every '
        'task reads (the modules allocate per-task state only for tasks that do, while the '
        'in-tree designs put theirs in every task_struct).  In-tree: what the series\' and '
        'Joel\'s structures take, by reading them, not measured (tools/report.py, '
        'in_tree_bytes()).  The difference is the emulation\'s: per CPU, the per-CPU '
        'design\'s second cache line (the running task\'s list pointer, the used count) and '
        'both overflow lists with their mutex whatever the variant; per task, the preempt '
        'notifier, task work, RCU head and bookkeeping around the per-CPU design\'s list '
        'and the per-task design\'s slots; per context, the per-CPU design\'s context is '
        'smaller than the series\' (one list node shared by the task and overflow lists), '
        'the per-task design\'s larger than Joel\'s (it carries its own overflow slot '
        'instead of allocating chunks).',
        ctx.regen(['reader-fastpath'])])


def sec_validity(ctx):
    pts = ctx.res.all_points()
    if not pts:
        return no_data(ctx, 'no results', 'Run the sweeps (see Provenance).')
    vms = sorted({'%s, accel=%s, cpu=%s, %s MiB' % ((p.system.get('vm') or {}).get('qemu', '?'),
                                                  (p.system.get('vm') or {}).get('accel', '?'),
                                                  (p.system.get('vm') or {}).get('cpu_model', '?'),
                                                  (p.system.get('vm') or {}).get('mem_mb', '?'))
                  for p in pts if p.system.get('mode') == 'vm'})
    uml = sum(1 for p in pts if p.system.get('mode') == 'uml')
    native = sum(1 for p in pts if p.system.get('mode') not in ('vm', 'uml'))
    bpf = [p for p in pts if p.j.get('bpf', {}).get('attached')]
    agree = []
    for p in bpf:
        m, b = p.summary('sync_p50_ns')[0], p.summary('bpf_sync_p50_ns')[0]
        if m > 0 and not math.isnan(b):
            agree.append(b / m)
    short = [p for p in pts if p.j.get('tasks', {}).get('spawned', 0) <
             p.j.get('tasks', {}).get('requested', 0)]
    lines = ['- %d of %d points ran in a qemu guest (%s); %d in user-mode Linux (kernel code '
             'native on the host CPU, one CPU); %d natively.' %
             (len(pts) - native - uml, len(pts), '; '.join(vms) or '—', uml, native),
             '- BPF probe attached in %d of %d points; BPF p50 / module p50 of synchronize: '
             'median %s, range %s to %s.' % (
                 len(bpf), len(pts), num(hr.median_ci(agree)[0]),
                 num(min(agree)) if agree else 'n/a', num(max(agree)) if agree else 'n/a'),
             '- Points that spawned fewer idle tasks than requested: %s.' %
             (', '.join('`%s`' % p.path for p in short) or 'none')]
    eff = [p.get('bpf', 'probe_effect') for p in pts]
    eff = [e for e in eff if e and e.get('measured')]
    if eff:
        lines.append('- Probe effect (module-timed synchronize p50 with every BPF probe attached '
                     'vs detached, alternating segments of one run): measured in %d points, '
                     'within the 5%% target in %d; median effect %s%%, median '
                     'segment-to-segment noise %s%%.' % (
                         len(eff), sum(1 for e in eff if e.get('within_target')),
                         num(hr.median_ci([e.get('effect_pct', math.nan) for e in eff])[0]),
                         num(hr.median_ci([e.get('noise_pct', math.nan) for e in eff])[0])))
    else:
        lines.append('- Probe effect: not measured in any point (no bpf.probe_effect).')
    checked = [p for p in pts if p.get('bpf', 'checks') is not None]
    bad = {}
    for p in checked:
        for c in p.get('bpf', 'checks'):
            if not c.get('ok'):
                bad[c.get('name', '?')] = bad.get(c.get('name', '?'), 0) + 1
    lines.append('- BPF vs module cross-checks (bpf.checks): all passed in %d of %d points%s.' % (
        sum(1 for p in checked if p.get('bpf', 'checks_ok')), len(checked),
        '; failed: ' + ', '.join('%s (%d points)' % kv for kv in sorted(bad.items()))
        if bad else ''))
    return '\n'.join(lines)


def repeat_section(prefix, where, cmd, n=3):
    """Do the headline ratios repeat?  Identical sweeps PREFIX-1 .. -N of one workload."""
    def sec(ctx):
        dirs = sorted((d for d in ctx.res.sweeps if re.fullmatch(prefix + r'-\d+', d)),
                      key=lambda d: int(d.rsplit('-', 1)[1]))
        cmds = [cmd % (ctx.root, i) for i in range(1, n + 1)]
        fix = 'Regenerate:\n\n```sh\n' + '\n'.join(cmds) + '\n```'
        if len(dirs) < 2:
            return no_data(ctx, 'fewer than two %s-N sweeps' % prefix, fix)
        return repeat_tables(ctx, dirs, where) + '\n\n' + fix
    return sec


def repeat_tables(ctx, dirs, where):
    by = {d: [p for p in ctx.res.sweeps[d] if p.ok] for d in dirs}
    tasks = sorted({p.cfg('tasks') for d in dirs for p in by[d]})
    rows, worst = [], 0.0
    for t in tasks:
        cells, rs = [], []
        for d in dirs:
            pc = [p for p in defaults(by[d], 'percpu') if p.cfg('tasks') == t]
            pt = [p for p in defaults(by[d], 'pertask') if p.cfg('tasks') == t]
            r = hr.ratio(pt[0].summary('sync_p50_ns'), pc[0].summary('sync_p50_ns')) \
                if pc and pt else (math.nan,) * 3
            cells.append(ratio_cell(r))
            if not math.isnan(r[0]):
                rs.append(r[0])
        if len(rs) >= 2:
            mean = sum(rs) / len(rs)
            spread = (max(rs) - min(rs)) / mean * 100
            worst = max(worst, spread)
            tail = [num(mean) + ' x', '%s%%' % num(spread), 'yes' if spread <= 10 else 'no']
        else:
            tail = ['n/a', 'n/a', 'n/a']
        rows.append([t] + cells + tail)
    head = ['tasks'] + ['pertask ÷ percpu sync p50, %s' % d for d in dirs] + \
        ['mean', 'spread (max-min)/mean', 'within 10%']
    # The figures behind the ratios, per sweep: each design's p50 and the
    # bare task-walk floor of the pertask point's own run; with several
    # boots per point, each boot's p50 too.
    pts = [p for d in dirs for p in by[d]]
    boots = sorted({len(p.j.get('boots') or [None]) for p in pts})
    raw = []
    for t in tasks:
        for d in dirs:
            pc = [p for p in defaults(by[d], 'percpu') if p.cfg('tasks') == t]
            pt = [p for p in defaults(by[d], 'pertask') if p.cfg('tasks') == t]
            row = [t, d, dur(pc[0].summary('sync_p50_ns')[0]) if pc else 'n/a',
                   dur(pt[0].summary('sync_p50_ns')[0]) if pt else 'n/a',
                   dur(pt[0].floor('task_walk')) if pt else 'n/a']
            if boots != [1]:
                row += [boot_p50s(pc[0]) if pc else 'n/a', boot_p50s(pt[0]) if pt else 'n/a']
            raw.append(row)
    revs = sorted({p.j.get('tool', {}).get('git_rev', '?') for p in pts})
    together = all(p.cfg('interleaved') for p in pts)
    reps = sorted({p.nreps() // len(p.j.get('boots') or [None]) for p in pts})
    how = ('%s %s boot%s per point%s, %s rep%s %s' %
           ('one' if boots == [1] else '/'.join(str(b) for b in boots),
            'UML' if where == 'UML' else 'guest', '' if boots == [1] else 's',
            ' for both designs, their repetitions taking turns' if together else ' and design',
            '/'.join(str(r) for r in reps), '' if reps == [1] else 's',
            'per point' if boots == [1] else
            'in each; a figure is the median of the boots\' medians'))
    note = ('%d sweeps of the same workload, %s, at hzbench %s; the largest spread of a '
            'ratio across them is %s%%.' % (len(dirs), how, ', '.join(revs), num(worst)))
    raw_head = ['tasks', 'sweep', 'percpu sync p50 (%s)' % where,
                'pertask sync p50 (%s)' % where, 'task-walk floor, pertask run (%s)' % where]
    if boots != [1]:
        raw_head += ['percpu p50 of each boot, ns', 'pertask p50 of each boot, ns']
    return '\n\n'.join([table(head, rows), note, table(raw_head, raw)])


def boot_p50s(p):
    """Each boot's synchronize p50 (ns), in boot order."""
    return ', '.join(num((b.get('summary', {}).get('sync_p50_ns') or {}).get('median'))
                     for b in p.j.get('boots') or [])


sec_repeat = repeat_section(
    'repeat', 'VM',
    'build/user/hzbench --workload=workloads/repeat.ini --design=all --out=%s/repeat-%d')
sec_repeat_interleaved = repeat_section(
    'repeat-interleaved', 'VM',
    'build/user/hzbench --workload=workloads/repeat-interleaved.ini --design=all '
    '--out=%s/repeat-interleaved-%d')
sec_repeat_interleaved_boots = repeat_section(
    'repeat-interleaved-boots', 'VM',
    'build/user/hzbench --workload=workloads/repeat-interleaved-boots.ini --design=all '
    '--out=%s/repeat-interleaved-boots-%d')
sec_repeat_idle = repeat_section(
    'repeat-idle', 'VM',
    'build/user/hzbench --workload=workloads/repeat.ini --design=all --out=%s/repeat-idle-%d', 2)
sec_repeat_oversubscribed = repeat_section(
    'repeat-oversubscribed', 'VM',
    'build/user/hzbench --workload=workloads/repeat-oversubscribed.ini --design=all '
    '--out=%s/repeat-oversubscribed-%d')
sec_repeat_native_boots = repeat_section(
    'repeat-native-boots', 'UML',
    'flock /tmp/hzb-cpu1.lock taskset -c 1 chrt -f 10 build/user/hzbench '
    '--workload=workloads/repeat-native-boots.ini --design=all --target=uml '
    '--out=%s/repeat-native-boots-%d')
sec_repeat_native_rounds = repeat_section(
    'repeat-native-rounds', 'UML',
    'flock /tmp/hzb-cpu1.lock taskset -c 1 chrt -f 10 build/user/hzbench '
    '--workload=workloads/repeat-native-boots.ini --design=all --target=uml '
    '--out=%s/repeat-native-rounds-%d')
sec_repeat_native = repeat_section(
    'repeat-native', 'UML',
    'flock /tmp/hzb-cpu1.lock taskset -c 1 chrt -f 10 build/user/hzbench '
    '--workload=workloads/repeat-native.ini --design=all --target=uml '
    '--out=%s/repeat-native-%d')



def sec_retire_async(ctx):
    """retire=sync vs async at one batch size: throughput, backlog, reclaim latency."""
    w = 'retire-async'
    pts = [p for p in ctx.res.points(w) if p.default_variant]
    if not pts:
        return no_data(ctx, 'no retire-async sweep', ctx.regen([w]))
    rows = []
    for d in hr.DESIGNS:
        for mode in ('sync', 'async'):
            for p in pts:
                if p.design != d or (p.cfg('retire') or 'sync') != mode:
                    continue
                dur_s = p.cfg('duration_s') or 1
                ups = hr.median_ci(p.rep_values(lambda r: r['updates'] / dur_s))
                ra = p.get('updaters', 'retire_async') or {}
                lat = ra.get('reclaim_latency') or {}
                rows.append([d, mode, p.cfg('batch'), with_ci(ups),
                             with_ci(p.summary('sync_p50_ns'), dur),
                             num_or_dash(ra.get('backlog_peak_objects')),
                             fmt_bytes(ra['backlog_peak_bytes']) if ra else '—',
                             '%s (p99 %s)' % (dur(lat.get('p50_ns')), dur(lat.get('p99_ns')))
                             if lat else '—',
                             num_or_dash(ra.get('updater_waits'))])
    return '\n\n'.join([table(['design', 'retire', 'batch', 'updates/s', 'synchronize p50 (VM)',
                                 'backlog peak (objects)', 'backlog peak (bytes)',
                                 'reclaim latency, retire to free (VM)',
                                 'updater waits for a free object'], rows),
                          'Backlog, reclaim latency and waits: over the whole run '
                          '(updaters.retire_async); updates/s: per repetition.',
                          reps_note(pts), ctx.regen([w])])


# ---- native (user-mode Linux) ---------------------------------------------------

NATIVE = ['native', 'native-fastpath', 'task-blocks', 'native-evict', 'native-clock']
# Checks run by a script, not a workload file (both take the CPU 1 lock).
NATIVE_SCRIPTS = {
    'native-evict': 'flock /tmp/hzb-cpu1.lock uml/evict-check.sh build results/native-evict',
    'native-clock': 'flock /tmp/hzb-cpu1.lock uml/clock-check.sh build results/native-clock',
}
PINNED = ('pinned to CPU 1 at SCHED_FIFO 10 (taskset -c 1 chrt -f 10) while the other '
          'core ran the other engineers\' builds and guests')


def uml_where(pts):
    """'UML <kernel> on <host CPU>, up_fence=..., clock=..., evict buffer; host load a-b'."""
    kern = sorted({(p.system.get('uml') or {}).get('kernel') or '?' for p in pts})
    cpu = sorted({(p.system.get('uml') or {}).get('host_cpu') or '?' for p in pts})
    fence = sorted({p.system.get('up_fence', '?') for p in pts})
    clock = sorted({p.system.get('clock', '?') for p in pts})
    evict = sorted({int(p.system.get('evict_kb') or 0) for p in pts})
    loads = [float(((p.system.get('uml') or {}).get('host_loadavg') or 'nan').split()[0])
             for p in pts]
    loads = [x for x in loads if not math.isnan(x)]
    load = ', host 1-min load average %s-%s at boot (2 cores, shared)' % (
        num(min(loads)), num(max(loads))) if loads else ''
    return 'UML %s on %s, up_fence=%s, clock=%s, eviction buffer %s%s' % (
        ', '.join(kern), ', '.join(cpu), ','.join(fence), ','.join(clock),
        ', '.join(fmt_bytes(k << 10) for k in evict), load)


def per_walk(p, floor, stat='p50_ns'):
    """A walk floor of @p and its cost per task walked, as 'X (Y/task)'."""
    walked = p.j.get('tasks', {}).get('seen_by_module') or 0
    v = p.floor(floor, stat)
    return '%s (%s/task)' % (dur(v), dur(v / walked)) if walked else dur(v)


def target_line(what, r, limit):
    """An issue-17 target: the ratio with its interval, met/NOT met on the median."""
    if math.isnan(r[0]):
        return '- Target (issue 17): %s <= %sx: no data.' % (what, num(limit))
    hold = 'met' if r[0] <= limit else 'NOT met'
    if r[2] <= limit:
        hold += ' (the whole interval)'
    elif r[1] <= limit < r[2]:
        hold += ' (the interval straddles %sx)' % num(limit)
    return '- Target (issue 17): %s <= %sx: %s, %s.' % (what, num(limit), ratio_cell(r), hold)


def sec_native_scan(ctx):
    pts = ctx.res.points('native')
    if not pts:
        return no_data(ctx, 'no native (UML) results', ctx.regen(['native']))
    rows, notes = [], []
    for cache in ('warm', 'cold'):
        at = [p for p in pts if ('cold' if p.cfg('cold') else 'warm') == cache]
        for t in sorted({p.cfg('tasks') for p in at}):
            for p in sorted((p for p in at if p.cfg('tasks') == t),
                            key=lambda p: hr.design_rank(p.design)):
                base = match(p, defaults(at, 'percpu'), 'percpu')
                warm = p.floor('task_walk', 'min_ns')
                cold = p.floor('task_walk_cold')
                sync = p.summary('sync_p50_ns')
                own = hr.fixed(warm if cache == 'warm' else cold)
                rows.append((cache, t, p.j.get('tasks', {}).get('seen_by_module', 'n/a'),
                             p.label, with_ci(sync, dur) if sync[0] > 0 else 'none (frees at last put)',
                             ratio_cell(hr.ratio(sync, base.summary('sync_p50_ns')))
                             if base and base is not p and sync[0] > 0 else '—',
                             per_walk(p, 'task_walk', 'min_ns'),
                             per_walk(p, 'task_walk_ktime_batch'),
                             num(p.floor('task_walk') / p.floor('task_walk_ktime_batch')),
                             per_walk(p, 'task_walk_cold'),
                             ratio_cell(hr.ratio(sync, own)) if sync[0] > 0 else '—'))
        per = [p for p in at if p.design == 'pertask' and p.default_variant]
        if len(per) > 1:
            xy = [(p.cfg('tasks'), p.summary('sync_p50_ns')[0]) for p in per]
            fl = 'task_walk' if cache == 'warm' else 'task_walk_cold'
            st = 'min_ns' if cache == 'warm' else 'p50_ns'
            wxy = [(p.cfg('tasks'), p.floor(fl, st)) for p in per]
            notes.append('- %s caches, pertask: synchronize p50 grows by %s per task '
                         '(least-squares slope over tasks=%s); the %s walk floor by %s per '
                         'task.' % (cache, dur(slope(xy)),
                                    ','.join(str(x) for x, _ in sorted(xy)), cache,
                                    dur(slope(wxy))))
        for p in per:
            if p.cfg('tasks') != 10000:
                continue
            walked = p.j.get('tasks', {}).get('seen_by_module') or 0
            floor = p.floor('task_walk', 'min_ns') if cache == 'warm' else \
                p.floor('task_walk_cold')
            sync = p.summary('sync_p50_ns')
            notes.append(target_line('per-task synchronize with no holder at %d tasks (%s '
                                     'caches) vs the %s walk floor of its run' %
                                     (walked, cache, cache), hr.ratio(sync, hr.fixed(floor)),
                                     1.2))
            # One run's floor is one boot's memory layout: the same floor
            # from every run of the sweep at this task count, as a median.
            same = [q for q in pts if q.cfg('tasks') == 10000]
            fl = hr.median_ci([q.floor('task_walk', 'min_ns') if cache == 'warm' else
                               q.floor('task_walk_cold') for q in same])
            if len(same) > 1:
                notes.append(target_line('the same against the median %s walk floor of all %d '
                                         'runs at this task count, %s (%.0f%% interval; range '
                                         '%s to %s)' % (
                                             cache, len(same), with_ci(fl, dur),
                                             100 * hr.coverage(len(same)),
                                             dur(min(q.floor('task_walk', 'min_ns') if cache ==
                                                     'warm' else q.floor('task_walk_cold')
                                                     for q in same)),
                                             dur(max(q.floor('task_walk', 'min_ns') if cache ==
                                                     'warm' else q.floor('task_walk_cold')
                                                     for q in same))),
                                         hr.ratio(sync, fl), 1.2))
            if walked:
                notes.append('- Joel\'s "~1 ms per 10000 tasks", %s caches: the bare walk '
                             'costs %s per 10000 tasks in this run (%s; median of the sweep\'s '
                             '%d runs at this count %s), per-task synchronize %s per 10000 '
                             'tasks (p50, interval from %d reps).' % (
                                 cache, dur(floor * 1e4 / walked),
                                 'best of 11' if cache == 'warm' else 'p50 of 5 evicted walks',
                                 len(same), dur(fl[0] * 1e4 / walked),
                                 with_ci(tuple(x * 1e4 / walked for x in sync), dur),
                                 p.nreps()))
    out = [uml_where(pts) + '; ' + PINNED + '.',
           table(['caches', 'tasks', 'tasks walked', 'series', 'sync p50 (UML, TSC)',
                  '÷ percpu', 'warm walk, best of 11 (TSC)',
                  'warm walk, p50 of 5x64 (ktime)', 'TSC p50 ÷ ktime p50',
                  'cold walk, p50 of 5 (TSC)', '÷ walk floor (warm: best, cold: p50)'],
                 rows),
           '\n'.join(notes), reps_note(pts), ctx.regen(['native'])]
    return '\n\n'.join(x for x in out if x)


def design_slot(p):
    dl, sl = p.floor('design_loop'), p.floor('slot_loop')
    return dl / sl if sl else math.nan


def sec_native_fastpath(ctx):
    pts = ctx.res.points('native-fastpath')
    if not pts:
        return no_data(ctx, 'no native-fastpath (UML) results', ctx.regen(['native-fastpath']))
    rows, notes = [], []
    for label, sp in hr.series(pts).items():
        for p in sp:
            rows.append((label, p.system.get('up_fence', '?'),
                         with_ci(p.summary('ns_per_acquire')), num(p.floor('design_loop')),
                         num(p.floor('slot_loop')), num(design_slot(p)),
                         num(p.floor('smp_mb')), num(p.floor('percpu_scan'))))
    for d in ('percpu', 'pertask'):
        base = [p for p in pts if p.design == d and p.default_variant]
        for p in (q for q in pts if q.design == d and not q.default_variant and base):
            r = hr.ratio(p.summary('ns_per_acquire'), base[0].summary('ns_per_acquire'))
            notes.append('- %s ÷ %s, reader ns/acquire: %s (%s); design loop %s x (one '
                         'calibration each).' % (p.label, base[0].label, ratio_cell(r),
                                                 verdict(r).replace('slower', 'costs more')
                                                 .replace('faster', 'costs less'),
                                                 num(p.floor('design_loop') /
                                                     base[0].floor('design_loop'))))
    # One calibration per run gives no interval; the native sweep's runs
    # (one UML boot each) measured the same two floors for each design.
    sweep = ctx.res.points('native')
    for d in ('percpu', 'pertask'):
        runs = [p for p in sweep if p.design == d and p.default_variant]
        rs = [design_slot(p) for p in runs]
        r = hr.median_ci(rs)
        if len(rs) > 1:
            notes.append(target_line('%s design loop vs the slot loop with real fences '
                                     '(median of %d runs of the native sweep, %.0f%% '
                                     'interval)' % (d, len(rs), 100 * hr.coverage(len(rs))),
                                     r, 1.5))
        else:
            one = [design_slot(p) for p in pts if p.design == d and p.default_variant]
            if one:
                notes.append(target_line('%s design loop vs the slot loop with real fences '
                                         '(one run)' % d, hr.fixed(one[0]), 1.5))
    out = [uml_where(pts) + '; ' + PINNED + '.',
           table(['series', 'up_fence', 'reader ns/acquire (UML, TSC)', 'design loop ns/op',
                  'slot loop ns/op', 'design ÷ slot', 'smp_mb ns', 'per-CPU scan ns'], rows),
           'Floors: p50 of 11 samples of 100000 loops each, one calibration per run (no '
           'interval); reader ns/acquire: median of the repetitions.',
           '\n'.join(notes), reps_note(pts), ctx.regen(['native-fastpath', 'native'])]
    return '\n\n'.join(x for x in out if x)


def sec_task_blocks(ctx):
    """Issue 13: the per-task walk with idle tasks owning no block or one each."""
    pts = ctx.res.points('task-blocks')
    if not pts:
        return no_data(ctx, 'no task-blocks results', ctx.regen(['task-blocks']))
    rows, notes = [], []
    for d in sorted({p.design for p in pts}, key=hr.design_rank):
        for t in sorted({p.cfg('tasks') for p in pts if p.design == d}):
            at = {p.cfg('task_kind'): p for p in pts if p.design == d and p.cfg('tasks') == t}
            best = at.get('thread')
            for kind in ('thread', 'thread-block'):
                p = at.get(kind)
                if not p:
                    continue
                syncs = p.counter('syncs')
                field = p.floor('task_walk_field', 'min_ns')
                sync = p.summary('sync_p50_ns')
                rows.append((d, t, kind, with_ci(sync, dur),
                             ratio_cell(hr.ratio(sync, best.summary('sync_p50_ns')))
                             if best and best is not p else '—',
                             num(p.counter('blocks_visited') / syncs) if syncs else '—',
                             num(p.counter('notifier_hops') / syncs) if syncs else '—',
                             dur(field), ratio_cell(hr.ratio(sync, hr.fixed(field)))))
    per = {(p.cfg('tasks'), p.cfg('task_kind')): p for p in pts if p.design == 'pertask'}
    for t in sorted({t for t, _ in per}):
        a, b = per.get((t, 'thread')), per.get((t, 'thread-block'))
        if a and b:
            walked = b.j.get('tasks', {}).get('seen_by_module') or t
            extra = b.summary('sync_p50_ns')[0] - a.summary('sync_p50_ns')[0]
            notes.append('- pertask, %d tasks: every idle task owning a block costs the '
                         'synchronize %s more (%s per task walked).' % (t, dur(extra),
                                                                       dur(extra / walked)))
    out = [uml_where(pts) + '.',
           table(['design', 'tasks', 'idle tasks', 'sync p50 (UML)', '÷ no block',
                  'blocks visited / sync', 'notifier hops / sync',
                  'walk floor, t->preempt_notifiers (min)', '÷ walk floor'], rows),
           '\n'.join(notes),
           'thread: idle tasks own no block (the best case); thread-block: each idle task '
           'read once, so it owns a block (the worst case).  The per-CPU design frees a '
           'block when its reader returns to user space: its idle tasks own none either way, '
           'and its synchronize walks no task.  Counters are per run, divided by its '
           'synchronize calls.',
           reps_note(pts), ctx.regen(['task-blocks'])]
    return '\n\n'.join(x for x in out if x)


def notifier_rows(root):
    """summary.csv and run.txt of results/notifier-cost (tools/notifier-cost.sh), or None."""
    import csv
    d = os.path.join(root, 'notifier-cost')
    try:
        with open(os.path.join(d, 'summary.csv')) as f:
            rows = list(csv.DictReader(f))
        with open(os.path.join(d, 'run.txt')) as f:
            run = dict(line.rstrip('\n').split(': ', 1) for line in f
                       if ': ' in line and not line.startswith(' '))
    except OSError:
        return None
    return rows, run


NOTIFIER_SERIES = {
    'refcount-nohook': 'refcount, hazard-pointer modules not loaded (no hook anywhere)',
    'refcount-keyon': 'refcount, hazard-pointer modules loaded (notifier static key on)',
    'percpu-v4-nomigrate': 'percpu scheme=v4,migrate=off (no block, no hook)',
    'percpu-v4': 'percpu scheme=v4 (block + notifier: list walk, migration)',
    'percpu-v5': 'percpu scheme=v5 (block + notifier: scan of the 4 items)',
    'pertask': 'pertask (block + notifier: running-block pointer)',
}


def sec_notifier_cost(ctx):
    got = notifier_rows(ctx.res.root)
    fix = ('Regenerate:\n\n```sh\nflock /tmp/hzb-cpu1.lock taskset -c 1 chrt -f 10 '
           'tools/notifier-cost.sh build\ntools/report.py --results %s\n```' % ctx.root)
    if not got:
        return no_data(ctx, 'no %s/notifier-cost/summary.csv' % ctx.root, fix)
    rows, run = got
    def iv(r, k):
        if not r[k + '_p50']:
            return '—'
        return '%s [%s, %s]' % (num(float(r[k + '_p50'])), num(float(r[k + '_lo'])),
                                num(float(r[k + '_hi'])))
    table_rows = []
    for r in rows:
        if r['mode'] == 'solo':
            continue
        table_rows.append((NOTIFIER_SERIES.get(r['series'], r['series']),
                           'one hazard pointer' if r['mode'] == 'holding' else 'nothing',
                           iv(r, 'ns'), num(float(r['section_ns_p50'])),
                           iv(r, 'hook_ns'), iv(r, 'hook2_ns')))
    load = run.get('host_loadavg', '?').split()
    return '\n\n'.join([
        'UML %s on %s, one CPU (host CPU 1, pinned, SCHED_FIFO), host 1-min load average %s '
        'at boot (2 cores, shared with other work); %s sections per reader and round, %s '
        'rounds: median over the rounds [its %s%% interval].' % (
            run.get('uml_kernel', '?'), run.get('host_cpu', '?'), load[0] if load else '?',
            rows[0]['sections'], rows[0]['rounds'], rows[0]['coverage_pct']),
        table(['series', 'held across the switch', 'ns per switch (UML)',
               'ns per read section alone', 'hook ns per switch vs refcount, no hook',
               'vs percpu migrate=off'], table_rows),
        'Two reader threads on one CPU hand it to each other with yield() inside the '
        'module\'s reader loop (tools/hzb_pingpong.c; HZB_READ_PASS_AFTER: after the '
        'release, HZB_READ_PASS: while holding), one switch per read section, every series '
        'once per round.  Hook ns per switch, per round: the series\' ns per switch minus '
        'the baseline\'s in the same round, minus what the series\' read section costs '
        'alone beyond the baseline\'s; the median of those differences over the rounds.  '
        'Baselines: refcount with the hazard-pointer modules unloaded (no notifier, its '
        'static key off), and the per-CPU module with migrate=off (no block, no notifier). '
        'What is left is the preempt notifiers\' sched_out + sched_in and, holding, the '
        'migration to the backup slot and the release from it.  The in-tree hooks would be '
        'direct calls from the scheduler, not an indirect call per notifier.',
        fix])

def sec_fastpath_insns(ctx):
    """Issue 13: the per-CPU fast path's instructions, counted by disassembly."""
    path = os.path.join(ctx.res.root, 'fastpath-insns', 'percpu.txt')
    fix = ('Regenerate:\n\n```sh\ntools/fastpath-insns.sh build\n'
           'tools/report.py --results %s\n```' % ctx.root)
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError:
        return no_data(ctx, 'no %s/fastpath-insns/percpu.txt' % ctx.root, fix)
    rows, built = [], ''
    for line in lines:
        m = re.match(r'(\S+): (\d+) instructions per acquire\+release \((\d+) static-branch '
                     r'sites among them\), \+ (\d+) of the loop itself; out-of-line calls: (.*)$',
                     line)
        if m:
            rows.append((m.group(1), m.group(2), m.group(3),
                         int(m.group(2)) - int(m.group(3)), m.group(4), m.group(5)))
        elif line.startswith('# module: '):
            built = line[len('# module: '):]
    return '\n\n'.join([
        table(['scheme', 'instructions (acquire + release)', 'static-branch sites',
               'without the sites', 'loop harness', 'out-of-line calls'], rows),
        'Counted in %s: one iteration of hzb_cal_design_loop() (the design\'s acquire and '
        'release as the reader loop inlines them) walked along its fast path with the '
        'scheme\'s static keys resolved from the module\'s __jump_table '
        '(tools/fastpath-insns.py; the listing is in %s/fastpath-insns/percpu.txt).  The '
        'static-branch sites are a nop each when not taken, a jmp when taken: the scheme '
        'dispatch and the knobs of a module that carries every scheme, and the torture '
        'race hooks.' % (built or '?', ctx.root),
        fix])

def sec_native_evict(ctx):
    pts = sorted(ctx.res.points('native-evict'), key=lambda p: p.system.get('evict_kb', 0))
    if not pts:
        return no_data(ctx, 'no eviction-buffer check', ctx.regen(['native-evict']))
    rows = [(fmt_bytes(int(p.system.get('evict_kb', 0)) << 10),
             p.j.get('tasks', {}).get('seen_by_module', 'n/a'),
             per_walk(p, 'task_walk_cold'), per_walk(p, 'task_walk', 'min_ns'),
             with_ci(p.summary('sync_p50_ns'), dur), p.j.get('synchronize', {}).get('count'))
            for p in pts]
    return '\n\n'.join(x for x in [
        uml_where(pts) + '; ' + PINNED + '.',
        table(['eviction buffer', 'tasks walked', 'cold walk, p50 of 5 (TSC)',
               'warm walk, best of 11 (TSC)', 'cold pertask sync p50 (UML, TSC)',
               'synchronize calls timed'], rows),
        reps_note(pts), ctx.regen(['native-evict'])] if x)


def sec_native_clock(ctx):
    pts = sorted(ctx.res.points('native-clock'), key=lambda p: p.path)
    if not pts:
        return no_data(ctx, 'no clock check', ctx.regen(['native-clock']))
    rows = []
    for p in pts:
        sched = re.search(r'sched-([a-z]+)', p.path)
        rows.append((sched.group(1) if sched else p.path,
                     p.j.get('tasks', {}).get('seen_by_module', 'n/a'),
                     per_walk(p, 'task_walk'), per_walk(p, 'task_walk', 'min_ns'),
                     per_walk(p, 'task_walk_ktime_batch'),
                     per_walk(p, 'task_walk_ktime_batch', 'max_ns'),
                     num(p.floor('task_walk') / p.floor('task_walk_ktime_batch')),
                     with_ci(p.summary('sync_p50_ns'), dur)))
    return '\n\n'.join(x for x in [
        uml_where(pts) + '. `rt`: pinned to CPU 1 at SCHED_FIFO 10; `shared`: pinned to '
        'CPU 1 at normal priority beside one busy loop on the same CPU.',
        table(['run', 'tasks walked', 'walk p50, 1 per sample (TSC)',
               'walk best, 1 per sample (TSC)', 'walk p50, 64 per sample (ktime)',
               'walk max, 64 per sample (ktime)', 'TSC p50 ÷ ktime p50',
               'pertask sync p50 (TSC)'], rows),
        reps_note(pts), ctx.regen(['native-clock'])] if x)


SECTIONS = {
    'provenance': sec_provenance,
    'plots': sec_plots,
    'task-scan': sec_task_scan,
    'acquire': sec_acquire,
    'track': sec_track,
    'skip': sec_skip,
    'migration': sec_migration,
    'overflow': sec_overflow,
    'rcu': sec_rcu,
    'memory': sec_memory,
    'validity': sec_validity,
    'repeat': sec_repeat,
    'retire-async': sec_retire_async,
    'repeat-native': sec_repeat_native,
    'repeat-native-boots': sec_repeat_native_boots,
    'repeat-native-rounds': sec_repeat_native_rounds,
    'repeat-interleaved': sec_repeat_interleaved,
    'repeat-interleaved-boots': sec_repeat_interleaved_boots,
    'repeat-idle': sec_repeat_idle,
    'repeat-oversubscribed': sec_repeat_oversubscribed,
    'usecase-refcount': usecase_section('usecase-refcount', 'lookups'),
    'usecase-lazy-mm': usecase_section('usecase-lazy-mm', 'switches'),
    'usecase-hash': usecase_section('usecase-hash', 'lookups'),
    'task-counts': sec_task_counts,
    'native-scan': sec_native_scan,
    'native-fastpath': sec_native_fastpath,
    'task-blocks': sec_task_blocks,
    'notifier-cost': sec_notifier_cost,
    'fastpath-insns': sec_fastpath_insns,
    'native-evict': sec_native_evict,
    'native-clock': sec_native_clock,
}


# ---- REPORT.md in place ------------------------------------------------------

def regenerate(text, ctx):
    """@text with every marked section regenerated; raises ValueError on bad markers."""
    out, pos, seen, open_name = [], 0, [], None
    for m in MARK.finditer(text):
        kind, name = m.groups()
        if kind == 'BEGIN':
            if open_name:
                raise ValueError('BEGIN hzbench:%s inside hzbench:%s' % (name, open_name))
            if name not in SECTIONS:
                raise ValueError('unknown section hzbench:%s (known: %s)' %
                                 (name, ', '.join(SECTIONS)))
            out.append(text[pos:m.end()] + '\n')
            open_name = name
        else:
            if name != open_name:
                raise ValueError('END hzbench:%s without its BEGIN' % name)
            out.append(SECTIONS[name](ctx).rstrip('\n') + '\n')
            pos = m.start()
            seen.append(name)
            open_name = None
    if open_name:
        raise ValueError('hzbench:%s has no END marker' % open_name)
    out.append(text[pos:])
    absent = [n for n in SECTIONS if n not in seen]
    if absent:
        raise ValueError('REPORT.md lacks the sections %s' % ', '.join(absent))
    return ''.join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--results', default=os.path.join(REPO, 'results'),
                    help='results root (default: results/ of the repository)')
    ap.add_argument('--report', default=os.path.join(REPO, 'REPORT.md'))
    ap.add_argument('--check', action='store_true',
                    help='exit 1 if REPORT.md differs from what would be generated')
    a = ap.parse_args()
    shown = os.path.relpath(a.results, REPO)
    if shown.startswith('..'):
        shown = os.path.abspath(a.results)
    res = hr.Results(a.results, shown)  # a missing directory: a results root with no data
    with open(a.report) as f:
        old = f.read()
    try:
        new = regenerate(old, Ctx(res, shown))
    except ValueError as e:
        print('report.py: %s: %s' % (a.report, e), file=sys.stderr)
        return 1
    if a.check:
        if new == old:
            print('report.py: %s matches %s' % (a.report, shown))
            return 0
        sys.stdout.writelines(difflib.unified_diff(
            old.splitlines(True), new.splitlines(True), a.report + ' (committed)',
            a.report + ' (generated from %s)' % shown))
        print('report.py: %s differs from what %s gives: run tools/report.py' %
              (a.report, shown), file=sys.stderr)
        return 1
    if new != old:
        tmp = a.report + '.tmp'
        with open(tmp, 'w') as f:
            f.write(new)
        os.replace(tmp, a.report)
    print('report.py: %s regenerated from %s' % (a.report, shown))
    return 0


if __name__ == '__main__':
    sys.exit(main())
