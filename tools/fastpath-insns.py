#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count the instructions of a design's acquire+release fast path, by disassembly.

    tools/fastpath-insns.py KO SCHEME [SCHEME...] [--max-SCHEME=N ...] [--list]

Disassembles the engine's calibration loop, hzb_cal_design_loop() (one
acquire and one release of the design per iteration, as the reader loop
inlines them), resolves every static branch of the loop from the module's
__jump_table for the keys SCHEME enables, and walks one iteration of the
loop along its fast path: the loop's back edge taken, other conditional
jumps not taken (the unlikely blocks are out of line) unless they skip a
single instruction (a counter) or fall into a call (preempt_enable()'s
resched call).  The per-CPU module only: its layout fits these rules (the
per-task loop's slot search does not).  Prints the instructions walked per
iteration, how many of them are static-branch sites or the loop's own
harness (the counter, the poison check), and the out-of-line calls made
(CONFIG_DEBUG_LIST's list checks, for one).  SCHEME is a name below;
--max-SCHEME=N exits 1 when SCHEME's design instructions exceed N.
"""

import re
import subprocess
import sys

# The static keys each scheme enables (all others off).  Keys defined
# true (migrate, the UML fence) are listed where they stay on.
SCHEMES = {
    'v5': ['percpu_hazptr_v5_key', 'percpu_hazptr_migrate_key', 'percpu_hazptr_slots4_key',
           'percpu_hazptr_wildcard_key', 'hzb_up_fence_on'],
    'v4': ['percpu_hazptr_migrate_key', 'hzb_up_fence_on'],
    'v4-wildcard': ['percpu_hazptr_migrate_key', 'percpu_hazptr_wildcard_key',
                    'hzb_up_fence_on'],
    'v4-nomigrate': ['hzb_up_fence_on'],
}
FUNC = 'hzb_cal_design_loop'
POISON_CHECK = '$0x4c495645'  # HZB_OBJ_LIVE, the loop's check of the object


def sh(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def jump_table(ko):
    """{site: (target, key, branch)} of .text, from .rela__jump_table.

    Each entry is three relocations: the site and the target (.text +
    offset), then the key (its symbol; bit 0 of the addend is the
    entry's branch bit: the site jumps when key-enabled XOR branch).
    """
    blob = sh('readelf', '-rW', ko).split("Relocation section '.rela__jump_table'")
    if len(blob) < 2:
        sys.exit('fastpath-insns: %s has no __jump_table' % ko)
    rel = []
    for line in blob[1].split('\n\n')[0].splitlines()[2:]:
        f = line.split()
        if len(f) >= 5:
            rel.append((f[4], int(f[-1], 16) if f[-2] == '+' else 0))
    out = {}
    for i in range(0, len(rel) - 2, 3):
        (csym, code), (tsym, target), (key, kadd) = rel[i:i + 3]
        if csym == '.text' and tsym == '.text':
            out[code] = (target, key, kadd & 1)
    return out


def disasm(ko, func):
    """[(addr, text, reloc)] of @func, with the relocation each call targets."""
    text = sh('objdump', '-dr', '--no-show-raw-insn', '--section=.text',
              '--disassemble=' + func, ko)
    insns = []
    for line in text.splitlines():
        m = re.match(r'\s*([0-9a-f]+):\s+(R_X86_64_\S+)\s+(\S+)', line)
        if m and insns:
            a, t, r = insns[-1]
            if r is None:
                insns[-1] = (a, t, re.sub(r'[-+]0x[0-9a-f]+$', '', m.group(3)))
            continue
        m = re.match(r'\s*([0-9a-f]+):\s+(.*)$', line)
        if m:
            insns.append((int(m.group(1), 16), m.group(2).strip(), None))
    if not insns:
        sys.exit('fastpath-insns: no %s in %s' % (func, ko))
    return insns


def walk(ko, scheme):
    """One iteration of the loop along the fast path: [(addr, text, reloc)]."""
    insns = disasm(ko, FUNC)
    at = {a: i for i, (a, _, _) in enumerate(insns)}
    sites = jump_table(ko)
    on = set(SCHEMES[scheme])
    # The loop's back edge: "while (loops--)", a decrement and a jae.
    back = {a for k, (a, t, _) in enumerate(insns)
            if t.startswith('jae') and insns[k - 1][1].startswith('sub    $0x1,')}
    seen, path, i = {}, [], 0
    while True:
        a, t, r = insns[i]
        if a in seen:
            break
        seen[a] = len(path)
        path.append((a, t, r))
        op = t.split()[0]
        nxt = i + 1
        if a in sites:
            target, key, branch = sites[a]
            if (key in on) ^ bool(branch):
                nxt = at[target]
        elif op == 'jmp' and '<' in t:
            nxt = at[int(t.split()[1], 16)]
        elif op.startswith('j') and '<' in t:
            target = int(t.split()[1], 16)
            if a in back:
                nxt = at[target]
            elif at[target] == i + 2 or insns[i + 1][1].startswith('call'):
                nxt = at[target]
        elif op.startswith('ret') or op == 'jmp':
            sys.exit('fastpath-insns: %s: the walk left the loop at %#x' % (scheme, a))
        i = nxt
    return path[seen[a]:], sites


def harness(loop):
    """The loop's own instructions: the poison check and the iteration counter."""
    out = set()
    for k, (a, t, _) in enumerate(loop):
        if POISON_CHECK in t:
            out.update({loop[k - 1][0], a})
            if k + 1 < len(loop) and loop[k + 1][1].startswith('j'):
                out.add(loop[k + 1][0])
    # The counter: the conditional backward jump that closes the loop and
    # its decrement.
    for k, (a, t, _) in enumerate(loop):
        if t.startswith('jae') or t.startswith('jb '):
            out.update({a, loop[k - 1][0]})
    return out


def main(argv):
    args = [x for x in argv if not x.startswith('--')]
    opts = [x for x in argv if x.startswith('--')]
    if len(args) < 2 or any(s not in SCHEMES for s in args[1:]):
        print('usage: fastpath-insns.py KO SCHEME... (%s) [--max-SCHEME=N] [--list]' %
              '|'.join(SCHEMES), file=sys.stderr)
        return 2
    ko, bad = args[0], 0
    limits = {}
    for o in opts:
        m = re.fullmatch(r'--max-([a-z0-9-]+)=(\d+)', o)
        if m:
            limits[m.group(1)] = int(m.group(2))
        elif o != '--list':
            print('fastpath-insns: unknown option %s' % o, file=sys.stderr)
            return 2
    for s in args[1:]:
        loop, sites = walk(ko, s)
        h = harness(loop)
        nsite = sum(1 for a, _, _ in loop if a in sites)
        calls = [r or t for a, t, r in loop if t.startswith('call')]
        design = len(loop) - len(h)
        print('%s: %d instructions per acquire+release (%d static-branch sites among them), '
              '+ %d of the loop itself; out-of-line calls: %s' % (
                  s, design, nsite, len(h), ', '.join(calls) or 'none'))
        if '--list' in opts:
            for a, t, r in loop:
                tag = 'loop ' if a in h else ('site ' if a in sites else '     ')
                print('  %s%6x  %s%s' % (tag, a, t, '  <%s>' % r if r else ''))
        if s in limits and design > limits[s]:
            print('FAIL %s: %d instructions > %d' % (s, design, limits[s]))
            bad = 1
    return bad


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
