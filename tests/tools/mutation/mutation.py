#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The mutation suite: build each mutant of tests/tools/mutation/DESIGN/*.mut
into its design's module, torture it in the qemu guest, and report it
killed (the torture failed: a violation, a writer stall, a leak, a kernel
crash) or survived, with the time to detection.

    mutation.py run SRC BUILD KDIR [--fast] [--design D]... [--mutant D/N]...
                    [--budget SEC] [--results FILE] [--accel tcg|kvm]
    mutation.py table RESULTS.csv...      the kill table (markdown; a mutant's
                                          row in a later file replaces an
                                          earlier one: a re-run)

Building: one copy of kmod/ and include/ under BUILD/mutation/tree, its
objects built once unmutated and snapshotted (BUILD/mutation/pristine);
each mutant restores the snapshot, edits its file (mutate.py: a unique
anchor, or an error) and rebuilds only its design's module directory,
so only the objects of the edited file are compiled again.  Running: one
guest boot per design runs all its mutants one after the other
(tests/guest/mutation.sh, each replacing the design's module); a mutant
that panics the guest or leaves its module pinned ends that boot and the
rest run in the next one.  The next design's mutants build while a guest
runs.

Exit status 0 when every mutant was killed or survived and is argued
equivalent in tests/TORTURE.md (its DESIGN/NAME in backquotes under
"## Equivalent mutants"), 1 otherwise (a survivor, a mutant that does
not apply or does not build), 2 on usage errors.
"""
import argparse
import csv
import glob
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import mutate  # noqa: E402

MODULE_DIR = {
    'percpu': ('percpu_hazptr', 'percpu_hazptr.ko'),
    'pertask': ('pertask_hazptr', 'pertask_hazptr.ko'),
    'rcu': ('baseline', 'hzb_rcu.ko'),
    'refcount': ('baseline', 'hzb_refcount.ko'),
}
DESIGNS = ['percpu', 'pertask', 'rcu', 'refcount']


def say(msg):
    print(f'mutation: {msg}', flush=True)


class Mutant:
    def __init__(self, design, path):
        self.design = design
        self.name = os.path.basename(path)[:-4]
        self.path = path
        self.id = f'{design}/{self.name}'
        self.hdr, _ = mutate.parse(path)
        self.status = None       # killed | survived | error
        self.secs = None
        self.reason = ''
        self.build_s = None


def load_mutants(designs, only, fast):
    out = []
    for d in designs:
        for p in sorted(glob.glob(os.path.join(HERE, d, '*.mut'))):
            try:
                m = Mutant(d, p)
            except mutate.MutantError as e:
                say(f'ERROR {e}')
                sys.exit(1)
            if only and m.id not in only:
                continue
            if fast and m.hdr.get('fast', 'no') != 'yes':
                continue
            out.append(m)
    return out


def sh(cmd, log=None, **kw):
    if log:
        with open(log, 'w') as f:
            return subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, **kw).returncode
    return subprocess.run(cmd, **kw).returncode


def make(kdir, tree, subdir, log):
    # Mutants may warn (an unused variable): W=1 as the main build, so the
    # objects' command lines match the snapshot's, but warnings allowed.
    return sh(['nice', '-n', '10', 'make', '-j2', '-C', kdir, f'M={tree}/kmod/{subdir}',
               'W=1', 'modules'], log=log)


def restore(work):
    tree = os.path.join(work, 'tree')
    shutil.rmtree(tree, ignore_errors=True)
    sh(['cp', '-a', os.path.join(work, 'pristine'), tree], check=True)


def prepare(src, work, kdir, designs):
    """The unmutated tree, its needed module dirs built, snapshotted."""
    tree = os.path.join(work, 'tree')
    pristine = os.path.join(work, 'pristine')
    os.makedirs(work, exist_ok=True)
    if os.path.isdir(pristine):
        restore(work)
    os.makedirs(tree, exist_ok=True)
    # -u: only what changed in the sources since the snapshot.
    sh(['cp', '-a', '-u', os.path.join(src, 'kmod'), os.path.join(src, 'include'), tree],
       check=True)
    for sub in sorted({MODULE_DIR[d][0] for d in designs}):
        t0 = time.time()
        if make(kdir, tree, sub, os.path.join(work, f'pristine-{sub}.log')):
            say(f'ERROR the unmutated {sub} does not build: {work}/pristine-{sub}.log')
            sys.exit(1)
        say(f'unmutated kmod/{sub} built in {time.time() - t0:.0f} s')
    shutil.rmtree(pristine, ignore_errors=True)
    sh(['cp', '-a', tree, pristine], check=True)


def build(m, src, work, kdir):
    """Build mutant @m; returns its .ko path or None (m.status = error)."""
    tree = os.path.join(work, 'tree')
    sub, ko = MODULE_DIR[m.design]
    t0 = time.time()
    restore(work)
    try:
        mutate.mutate(m.path, tree, True)
    except mutate.MutantError as e:
        m.status, m.secs, m.reason = 'error', 0, 'does-not-apply'
        say(f'ERROR {e}')
        return None
    log = os.path.join(work, 'logs', f'{m.design}-{m.name}.build.log')
    os.makedirs(os.path.dirname(log), exist_ok=True)
    if make(kdir, tree, sub, log):
        m.status, m.secs, m.reason = 'error', 0, 'does-not-build'
        say(f'ERROR {m.id} does not build: {log}')
        return None
    out = os.path.join(work, 'ko', m.design, f'{m.name}.ko')
    os.makedirs(os.path.dirname(out), exist_ok=True)
    shutil.copy2(os.path.join(tree, 'kmod', sub, ko), out)
    m.build_s = time.time() - t0
    say(f'built {m.id} in {m.build_s:.0f} s')
    return out


KTIME = re.compile(r'^\[ *([0-9]+\.[0-9]+)\]')


def console_times(log, pattern):
    """Kernel timestamps of the console lines matching @pattern."""
    out = []
    try:
        with open(log, errors='replace') as f:
            for line in f:
                if re.search(pattern, line):
                    t = KTIME.match(line)
                    if t:
                        out.append((float(t.group(1)), line.rstrip()))
    except OSError:
        pass
    return out


def run_guest(src, build_dir, work, design, todo, kos, budget, accel):
    """Boot guests until every mutant of @todo has a verdict."""
    boot = 0
    while todo:
        boot += 1
        listf = os.path.join(work, f'list-{design}-{boot}')
        files = []
        with open(listf, 'w') as f:
            for m in todo:
                b = m.hdr.get('budget', str(budget))
                f.write(f'{m.design} {m.name} {b} {m.hdr.get("variant") or "-"} '
                        f'{m.hdr.get("args", "")}\n')
                files += ['--file', f'{kos[m.id]}:/mutants/{m.design}/{m.name}.ko']
        files += ['--file', f'{listf}:/mutants/list']
        console = os.path.join(work, 'logs', f'{design}-boot{boot}.console.log')
        out_log = os.path.join(work, 'logs', f'{design}-boot{boot}.out.log')
        total = sum(int(m.hdr.get('budget', budget)) + 60 for m in todo) + 120
        cmd = [os.path.join(src, 'tests', 'host', 'vm-guest.sh'), build_dir] + files + [
            '--vcpus', '2', '--accel', accel, '--timeout', str(total), '--log', console, '--',
            'sh', '/tests/mutation.sh', '/mutants/list']
        say(f'{design}: boot {boot}, {len(todo)} mutants: {" ".join(m.name for m in todo)}')
        with open(out_log, 'w') as lf:
            p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True, errors='replace')
            lines = []
            for line in p.stdout:
                lf.write(line)
                lf.flush()
                lines.append(line.rstrip('\n'))
                if line.startswith('mutation: ') or line.startswith('HZB-VM: kernel panic'):
                    print(f'  {line.rstrip()}', flush=True)
            rc = p.wait()
        by_id = {m.id: m for m in todo}
        started = []
        for line in lines:
            w = line.split()
            if line.startswith('mutation: start '):
                started.append(w[2])
            elif line.startswith('mutation: result ') and w[2] in by_id:
                m = by_id[w[2]]
                m.status, m.secs, m.reason = w[3], float(w[4]), ' '.join(w[5:])
        panic = [ln for ln in lines if ln.startswith('HZB-VM: kernel panic')]
        running = [i for i in started if by_id[i].status is None]
        if running:
            m = by_id[running[-1]]
            starts = [t for t, ln in console_times(console, f'hzb-mutation: start {m.id}$')]
            # The first fatal report after the start (the guest boots with
            # oops=panic, panic_on_warn: a WARN may hang before its panic).
            dead = [d for d in console_times(
                console, r'Kernel panic - not syncing|cut here|refcount_t:|WARNING:|BUG:|Oops|'
                r'general protection')
                if starts and d[0] >= starts[-1]]
            if rc == 3 and starts and dead:
                # Timed from the first report line; named by the first one
                # that says what happened (not the "cut here" banner).
                named = [d for d in dead if 'cut here' not in d[1]] or dead
                why = re.sub(r'^\[ *[0-9.]+\] *', '', named[0][1])
                why = why.split('not syncing:', 1)[-1].strip()
                m.status, m.secs = 'killed', max(dead[0][0] - starts[-1], 0.001)
                m.reason = 'kernel-panic: ' + why
            elif any(f'mutation: reboot {m.id}' in ln for ln in lines):
                pass    # never started its torture: runs again
            else:
                m.status, m.secs = 'error', 0
                m.reason = f'guest ended during its run (vm/run exit {rc}): {console}'
        left = [m for m in todo if m.status is None]
        if len(left) == len(todo):
            for m in left:
                m.status, m.secs = 'error', 0
                m.reason = f'no verdict in boot {boot} (vm/run exit {rc}): {out_log}'
            left = []
        todo = left


def equivalents(src):
    """DESIGN/NAME of the mutants tests/TORTURE.md argues equivalent."""
    try:
        text = open(os.path.join(src, 'tests', 'TORTURE.md'), encoding='utf-8').read()
    except OSError:
        return set()
    sec = re.search(r'^#+ Equivalent mutants\n(.*?)(?=^#+ |\Z)', text, re.M | re.S)
    return set(re.findall(r'`([a-z]+/[a-z0-9_]+)`', sec.group(1))) if sec else set()


def write_results(path, mutants):
    with open(path, 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['mutant', 'status', 'seconds', 'reason', 'what'])
        for m in mutants:
            w.writerow([m.id, m.status, f'{m.secs:.3f}', m.reason, m.hdr['what']])


def table(paths):
    """A mutant's row in a later file replaces its row in an earlier one
    (a re-run), in the place of the first.  Survivors argued equivalent in
    tests/TORTURE.md are marked and left out of the mutation score."""
    by_id = {}
    for p in paths:
        with open(p, newline='') as f:
            for r in csv.DictReader(f):
                by_id[r['mutant']] = r
    rows = list(by_id.values())
    eq = equivalents(os.path.dirname(os.path.dirname(os.path.dirname(HERE))))
    print('| mutant | what it breaks | verdict | seconds | how |')
    print('|---|---|---|---|---|')
    for r in rows:
        verdict = r['status']
        if verdict == 'survived' and r['mutant'] in eq:
            verdict = 'survived (equivalent)'
        print(f'| `{r["mutant"]}` | {r["what"]} | {verdict} | {float(r["seconds"]):.1f} '
              f'| {r["reason"]} |')
    killed = [float(r['seconds']) for r in rows if r['status'] == 'killed']
    excused = [r for r in rows if r['status'] == 'survived' and r['mutant'] in eq]
    scored = len(rows) - len(excused)
    print()
    print(f'{len(killed)} of {len(rows)} killed, {len(excused)} survivors argued equivalent; '
          f'mutation score {len(killed)}/{scored} = '
          f'{100.0 * len(killed) / scored if scored else 0:.0f}%; median time to detection '
          f'{statistics.median(killed) if killed else 0:.1f} s.')


def run_design(a, work, design, todo, kos, mine):
    """One design's guests; with --results-dir, its CSV as soon as it ends."""
    run_guest(a.src, a.build, work, design, todo, kos, a.budget, a.accel)
    if a.results_dir:
        os.makedirs(a.results_dir, exist_ok=True)
        path = os.path.join(a.results_dir, f'results-{design}.csv')
        write_results(path, mine)
        say(f'{design}: results in {path}')


def cmd_run(a):
    if a.accel == 'kvm' and not os.access('/dev/kvm', os.R_OK | os.W_OK):
        say('ERROR --accel kvm: no usable /dev/kvm here')
        return 2
    designs = a.design or DESIGNS
    only = set(a.mutant or [])
    mutants = load_mutants(designs, only, a.fast)
    if not mutants:
        say('ERROR no mutant selected')
        return 1
    a.build, a.src = os.path.abspath(a.build), os.path.abspath(a.src)
    work = os.path.join(a.build, 'mutation')
    designs = [d for d in designs if any(m.design == d for m in mutants)]
    t_start = time.time()
    say(f'{len(mutants)} mutants of {", ".join(designs)}; budget {a.budget} s each')
    # Every mutant must still apply to the sources.
    for m in mutants:
        try:
            mutate.mutate(m.path, a.src, False)
        except mutate.MutantError as e:
            m.status, m.secs, m.reason = 'error', 0, 'does-not-apply'
            say(f'ERROR {e}')
    prepare(a.src, work, a.kdir, designs)
    guest = None
    for d in designs:
        kos = {}
        for m in mutants:
            if m.design == d and m.status is None:
                ko = build(m, a.src, work, a.kdir)
                if ko:
                    kos[m.id] = ko
        if guest:
            guest.join()
        todo = [m for m in mutants if m.id in kos]
        guest = threading.Thread(target=run_design,
                                 args=(a, work, d, todo, kos,
                                       [m for m in mutants if m.design == d]))
        guest.start()
    if guest:
        guest.join()

    eq = equivalents(a.src)
    results = a.results or os.path.join(work, 'results.csv')
    write_results(results, mutants)
    bad = 0
    say('')
    say(f'{"mutant":<34} {"verdict":<9} {"seconds":>8}  how')
    for m in mutants:
        note = ''
        if m.status == 'survived':
            if m.id in eq:
                note = ' (equivalent: argued in tests/TORTURE.md)'
            else:
                bad += 1
                note = ' <-- SURVIVED: kill it or argue it equivalent in tests/TORTURE.md'
        elif m.status != 'killed':
            bad += 1
        say(f'{m.id:<34} {m.status:<9} {m.secs:8.1f}  {m.reason}{note}')
    killed = [m.secs for m in mutants if m.status == 'killed']
    say(f'{len(killed)} of {len(mutants)} killed, median time to detection '
        f'{statistics.median(killed) if killed else 0:.1f} s, '
        f'{bad} failing; {time.time() - t_start:.0f} s in all; results in {results}')
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(prog='mutation.py')
    sub = ap.add_subparsers(dest='cmd', required=True)
    r = sub.add_parser('run')
    r.add_argument('src')
    r.add_argument('build')
    r.add_argument('kdir')
    r.add_argument('--fast', action='store_true', help='only the mutants marked fast: yes')
    r.add_argument('--design', action='append', choices=DESIGNS)
    r.add_argument('--mutant', action='append', help='DESIGN/NAME (repeatable)')
    r.add_argument('--budget', type=int, default=60, help='torture seconds per mutant')
    r.add_argument('--results', help='CSV file (default BUILD/mutation/results.csv)')
    r.add_argument('--results-dir', help='also DIR/results-DESIGN.csv as each design ends')
    r.add_argument('--accel', choices=['tcg', 'kvm'], default='tcg',
                   help='qemu accelerator (kvm: the host CPU, its store buffer and timing; '
                   'needs /dev/kvm)')
    t = sub.add_parser('table')
    t.add_argument('csv', nargs='+')
    a = ap.parse_args()
    if a.cmd == 'table':
        table(a.csv)
        return 0
    for var in ('MESON_SOURCE_ROOT', 'MESON_BUILD_ROOT', 'MESON_SUBDIR', 'MESONINTROSPECT'):
        os.environ.pop(var, None)
    return cmd_run(a)


if __name__ == '__main__':
    sys.exit(main())
