#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Apply one mutant (tests/tools/mutation/DESIGN/NAME.mut) to a copy of the tree.

A mutant file is a header of "key: value" lines, then hunks:

    # comment lines anywhere
    what: one line saying what the mutant breaks
    fast: yes                  (optional: in the default meson test subset)
    variant: k=v,...           (optional: the design variant to torture)
    args: --writers=3 ...      (optional: extra hzbench torture options)
    equivalent: reason         (optional: argued equivalent, see TORTURE.md)
    @@ kmod/percpu_hazptr/percpu_hazptr.h
     context line (in both)
    -line to remove
    +line to add

(an empty line of context is a single space; empty lines are ignored).
The text of the context and '-' lines of a hunk (in order) must occur
exactly once in the file; it is replaced by the context and '+' lines.
A hunk that matches nowhere or more than once is an error: the mutant no
longer applies and must be fixed, never silently skipped.  Hunks of a
file apply in order to the result of the previous one.

    mutate.py apply MUTANT TREE    edit the files under TREE in place
    mutate.py show MUTANT          print the parsed header as key=value
    mutate.py check MUTANT SRC     check that it applies to SRC (no edit)

Exit status 0, or 1 with a one-line reason on stderr.
"""
import os
import sys


class MutantError(Exception):
    pass


def parse(path):
    """Returns (header dict, [(file, search, replace)])."""
    hdr, hunks = {}, []
    cur = None
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    if lines and lines[-1] == '':
        lines.pop()
    for n, line in enumerate(lines, 1):
        if cur is None:
            if line.startswith('#') or not line.strip():
                continue
            if line.startswith('@@ '):
                cur = [line[3:].strip(), [], []]
                hunks.append(cur)
                continue
            key, sep, val = line.partition(':')
            if not sep or not key.strip().isidentifier():
                raise MutantError(f'{path}:{n}: expected "key: value" or "@@ FILE"')
            hdr[key.strip()] = val.strip()
            continue
        if line.startswith('@@ '):
            cur = [line[3:].strip(), [], []]
            hunks.append(cur)
        elif line.startswith(' '):
            cur[1].append(line[1:])
            cur[2].append(line[1:])
        elif line.startswith('-'):
            cur[1].append(line[1:])
        elif line.startswith('+'):
            cur[2].append(line[1:])
        elif line == '' or line.startswith('#'):
            # separators and comments; an empty context line is " "
            continue
        else:
            raise MutantError(f'{path}:{n}: hunk lines start with " ", "-" or "+"')
    if 'what' not in hdr:
        raise MutantError(f'{path}: no "what:" line')
    if not hunks:
        raise MutantError(f'{path}: no hunk')
    out = []
    for file, search, replace in hunks:
        if not any(search):
            raise MutantError(f'{path}: hunk for {file} has no text to find')
        if search == replace:
            raise MutantError(f'{path}: hunk for {file} changes nothing')
        out.append((file, '\n'.join(search) + '\n', '\n'.join(replace) + '\n'))
    return hdr, out


def mutate(path, root, write):
    _, hunks = parse(path)
    texts = {}
    for file, search, replace in hunks:
        full = os.path.join(root, file)
        if file not in texts:
            try:
                with open(full, encoding='utf-8') as f:
                    texts[file] = f.read()
            except OSError as e:
                raise MutantError(f'{path}: {file}: {e.strerror}') from e
        n = texts[file].count(search)
        if n != 1:
            first = search.strip().split('\n')[0].strip()
            raise MutantError(f'{path}: does not apply: the text starting "{first}" '
                              f'occurs {n} times in {file} (must be once)')
        texts[file] = texts[file].replace(search, replace)
    if write:
        for file, text in texts.items():
            with open(os.path.join(root, file), 'w', encoding='utf-8') as f:
                f.write(text)


def main(argv):
    try:
        if len(argv) == 4 and argv[1] == 'apply':
            mutate(argv[2], argv[3], True)
        elif len(argv) == 4 and argv[1] == 'check':
            mutate(argv[2], argv[3], False)
        elif len(argv) == 3 and argv[1] == 'show':
            hdr, hunks = parse(argv[2])
            for k, v in hdr.items():
                print(f'{k}={v}')
            print('files=' + ' '.join(sorted({h[0] for h in hunks})))
        else:
            print('usage: mutate.py apply MUTANT TREE | check MUTANT SRC | show MUTANT',
                  file=sys.stderr)
            return 2
    except MutantError as e:
        print(f'mutate: {e}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
