#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn hzbench result JSONs into gnuplot data: prepare.py RESULTS_ROOT DATADIR

For every plot NAME (one plots/NAME.gp each) this writes either
  DATADIR/NAME.gpi   gnuplot variables: panels, series, their files, titles, styles
  DATADIR/NAME.P.I.dat  the data of series I of panel P
or DATADIR/NAME.skip, one line saying why there is no plot (missing data).

Variables in NAME.gpi, read by the helpers in plots/common.gp:
  NP, PTITLE<p>, NS<p>           panels, panel titles, series per panel
  XLABEL<p>, YLABEL<p>           axis labels with units
  XLOG<p>, YLOG<p>               log axes
  XCAT<p>, XTICS<p>              categories on x (0 if numeric) and their tick list
  F<p>_<i>, T<p>_<i>             data file and legend title
  C<p>_<i>, D<p>_<i>, P<p>_<i>   colour, dash type, point type
  NOTE                           a line for the plot's foot (where the data came from)
"""

import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tools'))
import hzb_results as hr  # noqa: E402

CDF_TASKS = 10000
PREEMPT_ORDER = ['none', 'sleep', 'yield', 'overcommit']

# Colours per design (variants take the next shade), grey for floors.
PALETTE = {
    'percpu': ['#1f5fb4', '#5b9bd5', '#0b2e6b', '#17becf', '#7f7fff'],
    'pertask': ['#d62728', '#ff7f0e', '#8c1515', '#e377c2', '#bcbd22'],
    'rcu': ['#2ca02c', '#98df8a'],
    'refcount': ['#9467bd', '#c5b0d5'],
    'srcu': ['#8c564b', '#c49c94'],
    'tasks-trace': ['#7f7f7f', '#bdbdbd'],
}
FLOOR_STYLE = {
    'synchronize_rcu': ('#2ca02c', 2, 4),
    'synchronize_rcu_expedited': ('#98df8a', 2, 8),
    'task_walk': ('#555555', 3, 2),
    'slot_loop': ('#555555', 2, 6),
}
POINT_TYPES = [6, 4, 8, 12, 10, 14, 1, 2, 3]    # open symbols: coinciding points stay visible


class Series:
    def __init__(self, title, style, rows, columns):
        self.title, self.style, self.rows, self.columns = title, style, rows, columns


class Plot:
    """Panels of series; empty panels are dropped, an empty plot gets a reason."""

    def __init__(self, name, note):
        self.name, self.note = name, note
        self.whiskers = 'no interval'      # what the error bars are, from the data
        self.panels = []
        self.axes = []
        self.reason = None

    def panel(self, title, xlabel='', ylabel='', xlog=False, ylog=False, xcat=None):
        """A new panel; returns its list of series.  xcat: the category names
        when x is a category index (0, 1, ...)."""
        self.panels.append((title, []))
        self.axes.append((xlabel, ylabel, int(xlog), int(ylog), [] if xcat is None else xcat))
        return self.panels[-1][1]

    def finish(self, reason):
        # A panel whose every value is zero says one thing: say it in the
        # note instead of drawing an empty frame.
        zero = [i for i, (_, s) in enumerate(self.panels)
                if any(x.rows for x in s) and
                all(not isinstance(r[1], str) and r[1] == 0 for x in s for r in x.rows)]
        if zero:
            self.note += '; all zero, not drawn: ' + ', '.join(self.panels[i][0] for i in zero)
        keep = [i for i, (_, s) in enumerate(self.panels)
                if any(x.rows for x in s) and i not in zero]
        self.panels = [self.panels[i] for i in keep]
        self.axes = [self.axes[i] for i in keep]
        for _, ss in self.panels:
            ss[:] = [s for s in ss if s.rows]
        if not self.panels and not self.reason:
            self.reason = reason
        return self

    def write(self, datadir):
        for f in os.listdir(datadir):
            if f.startswith(self.name + '.'):
                os.remove(os.path.join(datadir, f))
        if self.reason:
            with open(os.path.join(datadir, self.name + '.skip'), 'w') as f:
                f.write(self.reason + '\n')
            return
        v = ['NP = %d' % len(self.panels), 'NOTE = %s' % gp_str(self.note),
             'WHISKERS = %s' % gp_str(self.whiskers)]
        for p, (title, series) in enumerate(self.panels, 1):
            xl, yl, xlog, ylog, xcat = self.axes[p - 1]
            tics = ', '.join('%s %d' % (gp_str(c), i) for i, c in enumerate(xcat))
            if not xcat:    # numeric x: a tick at each x that has data, no others
                xs = sorted({r[0] for s in series for r in s.rows
                             if isinstance(r[0], (int, float)) and not math.isnan(r[0])})
                if len(xs) <= 12:
                    tics = ', '.join('"%s" %s' % (fmt_cell(x), fmt_cell(x)) for x in xs)
            v += ['PTITLE%d = %s' % (p, gp_str(title)), 'NS%d = %d' % (p, len(series)),
                  'XLABEL%d = %s' % (p, gp_str(xl)), 'YLABEL%d = %s' % (p, gp_str(yl)),
                  'XLOG%d = %d' % (p, xlog), 'YLOG%d = %d' % (p, ylog),
                  'XCAT%d = %d' % (p, len(xcat)), 'XTICS%d = %s' % (p, gp_str('(%s)' % tics))]
            for i, s in enumerate(series, 1):
                path = os.path.join(datadir, '%s.%d.%d.dat' % (self.name, p, i))
                with open(path, 'w') as f:
                    f.write('# %s: %s\n# %s\n' % (self.name, s.title, ' '.join(s.columns)))
                    for row in s.rows:
                        f.write(' '.join(fmt_cell(x) for x in row) + '\n')
                colour, dash, pt = s.style
                v += ['F%d_%d = %s' % (p, i, gp_str(path)), 'T%d_%d = %s' % (p, i, gp_str(s.title)),
                      'C%d_%d = "%s"' % (p, i, colour), 'D%d_%d = %d' % (p, i, dash),
                      'P%d_%d = %d' % (p, i, pt)]
        with open(os.path.join(datadir, self.name + '.gpi'), 'w') as f:
            f.write('# generated by plots/prepare.py\n' + '\n'.join(v) + '\n')


def whiskers(points):
    """What a median's error bar over @points' repetitions is: its real coverage."""
    ns = sorted({p.nreps() for p in points})
    if not ns:
        return 'no interval'
    parts = []
    for n in ns:
        if n <= 1:
            parts.append('1 rep: no interval')
        elif n < 6:
            parts.append('%d reps: min-max, a %.0f%% interval' % (n, 100 * hr.coverage(n)))
        else:
            parts.append('%d reps: order-statistic %.1f%% interval' % (n, 100 * hr.coverage(n)))
    return 'interval of the median over reps, ' + '; '.join(parts)


def gp_str(s):
    return '"%s"' % str(s).replace('\\', '\\\\').replace('"', '\\"')


def fmt_cell(x):
    if isinstance(x, str):
        return gp_str(x)
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return 'NaN'
    return '%.6g' % x


class Styler:
    """Colours within one plot: one per series label, in shades of its design's
    colour (the first series of a design, its default variant, gets the base)."""

    def __init__(self):
        self.seen = {}

    def __call__(self, label, design):
        if label not in self.seen:
            n = sum(1 for d in self.seen.values() if d[0] == design)
            pal = PALETTE.get(design, ['#000000'])
            pt = POINT_TYPES[len(self.seen) % len(POINT_TYPES)]
            self.seen[label] = (design, (pal[n % len(pal)], 1, pt))
        return self.seen[label][1]


def floor_style(name):
    return FLOOR_STYLE.get(name, ('#555555', 2, 1))


def us(x):
    return x / 1e3


def preempt_rank(m):
    return PREEMPT_ORDER.index(m) if m in PREEMPT_ORDER else len(PREEMPT_ORDER)


def rate(num, den):
    """A per-rep ratio of counters / reader totals, None when the denominator is 0."""
    def fn(r):
        d = den(r)
        return num(r) / d if d else None
    return fn


def rc(name):
    return lambda r: r['counters'][name]


def sweep_note(res, workload):
    d = res.dir_for(workload)
    return 'data: %s/*.json (qemu TCG guest: emulated time)' % os.path.join(res.shown, d or workload)


def missing(res, workload):
    d = res.dir_for(workload)
    if not d:
        return 'no %s/%s/ directory with result JSONs (run: hzbench --workload=' \
               'workloads/%s.ini --out=%s/%s)' % (res.shown, workload, workload, res.shown,
                                                   workload)
    return '%s/%s has no successful point with the figures this plot needs' % (res.shown, d)


# ---- the plots -----------------------------------------------------------

LAT_Y = 'synchronize latency [µs], qemu TCG guest'
FEAT_MIGRATION = 1 << 2


def sync_vs_param(res, sty, name, workload, xkey, xfn, xlabel, panel_key, panel_fmt):
    """Synchronize p50 (p99 whiskers) vs a sweep parameter, with RCU/walk floors."""
    pts = res.points(workload)
    plot = Plot(name, sweep_note(res, workload))
    panels = sorted({panel_key(p) for p in pts}, key=lambda v: (preempt_rank(v), str(v)))
    for pv in panels:
        ser = plot.panel(panel_fmt(pv), xlabel, LAT_Y, xlog=True, ylog=True)
        ppts = [p for p in pts if panel_key(p) == pv]
        for label, sp in hr.series(ppts).items():
            rows = []
            for p in sorted(sp, key=xfn):
                p50, p99 = p.summary('sync_p50_ns'), p.summary('sync_p99_ns')
                if not math.isnan(p50[0]):
                    rows.append((xfn(p), us(p50[0]), us(p50[0]), us(p99[0])))
            ser.append(Series(label, sty(label, sp[0].design), rows,
                              [xkey, 'p50_us', 'p50_us', 'p99_us']))
        for fl in ['synchronize_rcu', 'synchronize_rcu_expedited'] + \
                (['task_walk'] if xkey == 'tasks' else []):
            rows = []
            for x in sorted({xfn(p) for p in ppts}):
                at = [p for p in ppts if xfn(p) == x and not math.isnan(p.floor(fl))]
                if at:
                    p50 = hr.median_ci([p.floor(fl) for p in at])[0]
                    p99 = hr.median_ci([p.floor(fl, 'p99_ns') for p in at])[0]
                    rows.append((x, us(p50), us(p50), us(p99)))
            ser.append(Series('%s (floor)' % fl, floor_style(fl), rows,
                              [xkey, 'p50_us', 'p50_us', 'p99_us']))
    return plot.finish(missing(res, workload))


def reader_fastpath(res, sty):
    pts = res.points('reader-fastpath')
    plot = Plot('reader_fastpath', sweep_note(res, 'reader-fastpath'))
    plot.whiskers = 'union over the points of the ' + whiskers(pts)
    for nr in sorted({p.cfg('readers') for p in pts}):
        names = []
        ser = plot.panel('%d reader%s' % (nr, '' if nr == 1 else 's'), '',
                         'ns per acquire + release, qemu TCG guest', ylog=True, xcat=names)
        at = [p for p in pts if p.cfg('readers') == nr]
        x = 0
        for label, sp in hr.series(at).items():
            m = hr.median_ci([p.summary('ns_per_acquire')[0] for p in sp])
            lo = min(p.summary('ns_per_acquire')[1] for p in sp)
            hi = max(p.summary('ns_per_acquire')[2] for p in sp)
            if not math.isnan(m[0]):
                ser.append(Series(label, sty(label, sp[0].design), [(x, m[0], lo, hi)],
                                  ['x', 'ns_per_op', 'ci_lo', 'ci_hi']))
                names.append(label)
                x += 1
        fl = [p.floor('slot_loop') for p in at if not math.isnan(p.floor('slot_loop'))]
        if fl and x:
            m = hr.median_ci(fl)
            ser.append(Series('slot_loop floor', ('#888888', 1, 6), [(x, m[0], m[1], m[2])],
                              ['x', 'ns_per_op', 'lo', 'hi']))
            names.append('slot_loop floor')
    return plot.finish(missing(res, 'reader-fastpath'))


class Axis:
    """How a sweep parameter is drawn on x: numeric (maybe log) or categories."""

    def __init__(self, key, label, fn=None, log=False, pts=None, order=str):
        self.key, self.label, self.log = key, label, log
        self.fn = fn or (lambda p: p.cfg(key))
        self.cats = None
        if pts is not None:     # categorical: index in a sorted list, tick label kept
            vals = sorted({self.fn(p) for p in pts}, key=order)
            self.cats = {v: i for i, v in enumerate(vals)}

    def x(self, p):
        return self.cats[self.fn(p)] if self.cats is not None else self.fn(p)

    def names(self):
        return [str(c) for c in sorted(self.cats, key=self.cats.get)] if self.cats else None


def per_point(fn):
    """Mark fn(point) -> (y, bar low, bar high) for rate_panels()."""
    fn.per_point = True
    return fn


def rate_panels(res, sty, plot, workload, axis, metrics, name=None, keep=None):
    """One panel per (title, y label, fn[, log y]): every series vs a sweep parameter.
    fn(rep) is a per-repetition figure, drawn as its median and CI over the
    repetitions; a per_point() fn gives the point's (y, low, high) itself.
    name(p) names a point's series (default: its design/variant label);
    keep(p) filters points."""
    pts = [p for p in res.points(workload) if keep is None or keep(p)]
    plot.whiskers = whiskers(pts)
    for title, ylabel, fn, *ylog in metrics:
        ser = plot.panel(title, axis.label, ylabel, xlog=axis.log, ylog=bool(ylog and ylog[0]),
                         xcat=axis.names())
        for label, sp in hr.series(pts, name).items():
            rows = []
            for p in sorted(sp, key=axis.x):
                m = fn(p) if getattr(fn, 'per_point', False) else p.rep_stat(fn)
                if m is None:
                    continue
                if not math.isnan(m[0]):
                    rows.append((axis.x(p), m[0], m[1], m[2]))
            ser.append(Series(label, sty(label, sp[0].design), rows,
                              [axis.key, 'median', 'ci_lo', 'ci_hi']))


OVF_RATE = rate(rc('overflows'), rc('acquires'))
LOCK_RATE = rate(rc('lock_contended'), rc('lock_acquires'))
PER_ACQ = 'overflows per acquire (fraction)'
PER_LOCK = 'contended / all overflow-lock acquisitions'


def per_second(counter):
    return lambda r: r['counters'][counter] / r['wall_s'] if r['wall_s'] else None


def overflow_contention(res, sty):
    plot = Plot('overflow_contention', 'data: %s/*.json, %s/*.json (qemu TCG guest)' % (
        os.path.join(res.shown, res.dir_for('overflow-stress') or 'overflow-stress'),
        os.path.join(res.shown, res.dir_for('preempt-storm') or 'preempt-storm')))
    nest = Axis('nest', 'hazard pointers held at once (--nest)')
    rate_panels(res, sty, plot, 'overflow-stress', nest,
                [('overflow-stress: overflow rate vs nesting', PER_ACQ, OVF_RATE),
                 ('overflow-stress: lock contention vs nesting', PER_LOCK, LOCK_RATE)])
    pre = Axis('preempt', 'reader preemption (--preempt)', pts=res.points('preempt-storm'),
               order=preempt_rank)
    rate_panels(res, sty, plot, 'preempt-storm', pre,
                [('preempt-storm: overflow rate vs preemption', PER_ACQ, OVF_RATE),
                 ('preempt-storm: lock contention vs preemption', PER_LOCK, LOCK_RATE)])
    return plot.finish(missing(res, 'overflow-stress') + '; ' + missing(res, 'preempt-storm'))


def migration_cost(p):
    h = p.get('bpf', 'probes', 'hold', 'migrations', 'cost_ns') or {}
    return (us(h['p50']), us(h['p50']), us(h['p99'])) if h.get('count') else None


def migration(res, sty):
    plot = Plot('migration', sweep_note(res, 'preempt-storm'))
    pre = Axis('preempt', 'reader preemption (--preempt)', pts=res.points('preempt-storm'),
               order=preempt_rank)
    migrating = lambda p: p.j.get('info', {}).get('features', 0) & FEAT_MIGRATION  # noqa: E731
    rate_panels(res, sty, plot, 'preempt-storm', pre,
                [('migration rate', 'migrations per second (rep wall time)',
                  per_second('migrations')),
                 ('migrations per reader context switch', 'fraction of context switches',
                  rate(rc('migrations'), lambda r: r['readers']['ctx_switches'])),
                 ('cost per migration (BPF fentry/fexit; bar: p50 to p99)',
                  'µs per migration call that moved, qemu TCG guest',
                  per_point(migration_cost), True)],
                keep=migrating)
    rate_panels(res, sty, plot, 'preempt-storm', pre,
                [('reader cost (all designs)', 'ns per acquire + release, qemu TCG guest',
                  lambda r: r['readers']['ns_per_acquire'])])
    return plot.finish(missing(res, 'preempt-storm'))


def latency_cdf(res, sty):
    pts = res.points('tasks-sweep')
    plot = Plot('latency_cdf', sweep_note(res, 'tasks-sweep') + ', BPF fentry/fexit histogram')
    at = [p for p in pts if p.cfg('tasks') == CDF_TASKS]
    if not at:
        have = sorted({p.cfg('tasks') for p in pts})
        plot.reason = 'no tasks-sweep point with tasks=%d (%s)' % (
            CDF_TASKS, 'have tasks=%s' % ','.join(map(str, have)) if have
            else missing(res, 'tasks-sweep'))
        return plot
    for pv in sorted({p.cfg('preempt') for p in at}, key=preempt_rank):
        ser = plot.panel('%d tasks, preempt=%s' % (CDF_TASKS, pv), LAT_Y,
                         'fraction of synchronize calls >= x (log)', xlog=True, ylog=True)
        for label, sp in hr.series([p for p in at if p.cfg('preempt') == pv]).items():
            hist = {}
            for p in sp:
                for lo, hi, n in p.j.get('bpf', {}).get('hist', []):
                    hist[(lo, hi)] = hist.get((lo, hi), 0) + n
            total = sum(hist.values())
            # CCDF: at each bucket's lower bound, the share of calls in it
            # or above, down to the last bucket's 1/total-sized tail.
            rows, left = [], total
            for lo, hi in sorted(hist):
                rows.append((us(lo), left / total))
                left -= hist[(lo, hi)]
            if total:
                rows.append((us(max(hist)[1]), rows[-1][1]))
            ser.append(Series('%s (%d calls)' % (label, total), sty(label, sp[0].design), rows,
                              ['lower_bound_us', 'fraction_at_or_above']))
    return plot.finish('tasks-sweep points at tasks=%d have no BPF histogram (bpf.attached '
                       'false or --no-bpf)' % CDF_TASKS)


def retire_backlog(res, sty):
    plot = Plot('retire_backlog', sweep_note(res, 'mixed'))

    def name(p):    # one series per design/variant and update pacing
        iv = p.cfg('update_interval_ns', 0)
        return p.label + (' (interval %gus)' % (iv / 1e3) if iv else ' (no pause)')

    batch = Axis('batch', 'objects retired per batch (--batch)', log=True)
    rate_panels(res, sty, plot, 'mixed', batch,
                [('left unreclaimed at end of run (0: drained)', 'retired - reclaimed (objects)',
                  lambda r: r['counters']['retired'] - r['counters']['reclaimed']),
                 ('objects per synchronize call', 'retired / synchronize calls',
                  rate(rc('retired'), rc('syncs'))),
                 ('retire batches', 'retire batches per second (rep wall time)',
                  per_second('retire_batches'))], name=name)
    return plot.finish(missing(res, 'mixed'))


USECASES = [('usecase-refcount', 'refcount replacement: delete path'),
            ('usecase-lazy-mm', 'lazy active-mm: teardown'),
            ('usecase-hash', 'hash table: delete path')]


def usecases(res, sty):
    """Delete-path latency per design in each use case (workloads/usecase-*.ini):
    bar at the run's p50, whisker up to its p99 (one run per design: no interval)."""
    plot = Plot('usecases', '; '.join(sweep_note(res, w) for w, _ in USECASES))
    plot.whiskers = 'p50 to p99 of the deletes of one run'
    for w, title in USECASES:
        names = []
        ser = plot.panel(title, '', 'delete latency (us), qemu TCG guest', ylog=True, xcat=names)
        for label, sp in hr.series(res.points(w)).items():
            u = sp[0].j.get('usecase') or {}
            p50, p99 = u.get('delete_p50_ns'), u.get('delete_p99_ns')
            if not u.get('deletes') or not p50:
                continue
            ser.append(Series(label, sty(label, sp[0].design),
                              [(len(names), us(p50), us(p50), us(max(p99 or p50, p50)))],
                              ['x', 'p50_us', 'p50_us', 'p99_us']))
            names.append(label)
    return plot.finish('; '.join(missing(res, w) for w, _ in USECASES))


def build(res):
    """Every plot, in the order REPORT.md lists them."""
    return [
        sync_vs_param(res, Styler(), 'sync_vs_tasks', 'tasks-sweep', 'tasks',
                      lambda p: p.cfg('tasks'), 'idle tasks in the system (--tasks)',
                      lambda p: p.cfg('preempt'), lambda v: 'readers preempt=%s' % v),
        reader_fastpath(res, Styler()),
        overflow_contention(res, Styler()),
        migration(res, Styler()),
        latency_cdf(res, Styler()),
        retire_backlog(res, Styler()),
        sync_vs_param(res, Styler(), 'sync_vs_vcpus', 'vcpu-sweep', 'vcpus',
                      lambda p: p.vcpus(), 'guest vCPUs (--vcpus)',
                      lambda p: p.cfg('tasks'), lambda v: '%d idle tasks' % v),
        usecases(res, Styler()),
    ]


def main(argv):
    if len(argv) != 3:
        print('usage: prepare.py RESULTS_ROOT DATADIR', file=sys.stderr)
        return 2
    if not os.path.isdir(argv[1]):
        print('prepare.py: %s: no such directory' % argv[1], file=sys.stderr)
        return 1
    os.makedirs(argv[2], exist_ok=True)
    res = hr.Results(argv[1])
    for path, why in res.bad:
        hr.warn('prepare.py: skipped %s: %s' % (path, why))
    for plot in build(res):
        plot.write(argv[2])
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
