#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fail when a C function in the given files is longer than --max lines.

A function's length runs from the line of its opening brace to the line
of its closing brace.  Comments and string literals are blanked first, so
their braces do not count.  --allow=NAME:LINES lets function NAME (e.g.
parse_args in hzbench.c, written file:name) be at most LINES long while
it waits for its split; it may not grow.  --list prints every function.
A folder stands for the *.c files in it.
"""
import argparse
import os
import re
import sys

BLANK = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)
HEAD = re.compile(r'(\w+)\s*\([^;{}()]*(?:\([^;{}()]*\)[^;{}()]*)*\)\s*$')


def functions(path):
    """Yield (name, first line, length) of each function defined in @path."""
    with open(path, encoding='utf-8') as f:
        text = BLANK.sub(lambda m: re.sub(r'[^\n]', ' ', m.group(0)), f.read())
    lines = text.split('\n')
    depth, name, start = 0, None, 0
    for i, line in enumerate(lines):
        for col, ch in enumerate(line):
            if ch == '{':
                if depth == 0:
                    head = ' '.join(lines[max(0, i - 8):i] + [line[:col]])
                    m = HEAD.search(head)
                    # "= {" is an initializer, not a body
                    name = m.group(1) if m and not re.search(r'=\s*$', head) else None
                    start = i
                depth += 1
            elif ch == '}':
                depth -= 1
                if depth == 0 and name:
                    yield name, start + 1, i - start + 1
                    name = None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--max', type=int, default=120)
    ap.add_argument('--allow', action='append', default=[], metavar='FILE:NAME:LINES')
    ap.add_argument('--list', action='store_true')
    ap.add_argument('files', nargs='+', help='C files, or folders: their *.c')
    a = ap.parse_args()
    allow = {}
    for spec in a.allow:
        file, name, n = spec.rsplit(':', 2)
        allow[(file, name)] = int(n)
    paths = []
    for path in a.files:
        if os.path.isdir(path):
            paths += sorted(os.path.join(path, f) for f in os.listdir(path) if f.endswith('.c'))
        else:
            paths.append(path)
    bad = 0
    for path in paths:
        base = os.path.basename(path)
        for name, line, n in functions(path):
            if a.list:
                print(f'{n:5d} {path}:{line} {name}')
                continue
            limit = allow.get((base, name), a.max)
            if n > limit:
                why = 'grew past its allowance' if (base, name) in allow else 'too long'
                print(f'{path}:{line}: {name}() is {n} lines, {why} (at most {limit})')
                bad += 1
            elif (base, name) in allow and n <= a.max:
                print(f'note: {base}:{name} is {n} lines now; drop its --allow')
    if bad:
        print(f'{bad} function(s) longer than allowed: split them into named steps')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
