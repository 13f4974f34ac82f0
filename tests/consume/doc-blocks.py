#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Extract the commands README.md and docs/porting.md print, verbatim.

usage: doc-blocks.py OUTDIR FILE...

A fenced block preceded by the line <!-- run: sh --> (or <!-- run:
meson-subproject -->) is written to OUTDIR as NN-FILE-KIND.{sh,meson},
in document order, exactly as printed (the indentation of a block in a
list item removed).  Every ```sh block of FILE must be marked, so that no
printed command escapes the runner (tests/consume/run-docs.sh); a marker
not followed by a fenced block fails too.
"""
import os
import re
import sys


def blocks(path):
    lines = open(path, encoding='utf-8').read().split('\n')
    out, bad = [], []
    i = 0
    marker = None
    while i < len(lines):
        line = lines[i]
        m = re.match(r'^\s*<!-- run: ([\w-]+) -->\s*$', line)
        if m:
            marker = (m.group(1), i + 1)
            i += 1
            continue
        f = re.match(r'^(\s*)```(\w*)\s*$', line)
        if f:
            indent, lang = f.group(1), f.group(2)
            body = []
            i += 1
            while i < len(lines) and not re.match(r'^\s*```\s*$', lines[i]):
                body.append(lines[i][len(indent):]
                            if lines[i].startswith(indent) else lines[i])
                i += 1
            if marker:
                out.append((marker[0], '\n'.join(body) + '\n'))
            elif lang == 'sh':
                bad.append('%s:%d: a ```sh block without <!-- run: ... -->'
                           % (path, i))
            marker = None
        elif marker and line.strip():
            bad.append('%s:%d: <!-- run: %s --> is not followed by a fenced '
                       'block' % (path, marker[1], marker[0]))
            marker = None
        i += 1
    return out, bad


def main(argv):
    outdir, paths = argv[0], argv[1:]
    os.makedirs(outdir, exist_ok=True)
    n, bad = 0, []
    for path in paths:
        got, b = blocks(path)
        bad += b
        stem = os.path.basename(path).replace('.md', '')
        for kind, text in got:
            n += 1
            ext = 'sh' if kind == 'sh' else 'meson'
            name = '%02d-%s-%s.%s' % (n, stem, kind, ext)
            with open(os.path.join(outdir, name), 'w') as f:
                f.write(text)
    for b in bad:
        print(b, file=sys.stderr)
    if not n:
        print('doc-blocks: no marked block found', file=sys.stderr)
        return 1
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
