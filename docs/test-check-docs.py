#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Test check_docs_rejects_drift (suite docs): check-docs.py accepts a copy
of the tree, and rejects it once one mistake is planted in it, for each of:

  * a function that does not exist, `dwork_item_frobnicate()`;
  * "256 bytes on x86-64" (with --sizeof; sizeof(struct dwork_cpu) is
    another number);
  * a make target and a Meson option that do not exist;
  * DWORK_EPERM in a kernel-doc Return: line (errno.h has no such code);
  * a path that does not exist.

usage: test-check-docs.py SOURCE_ROOT [--sizeof PROGRAM]
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

PLANTS = [
    ('README.md', 'Call `dwork_item_frobnicate()` first.\n',
     'dwork_item_frobnicate'),
    ('README.md', 'A `struct dwork_cpu` is 256 bytes on x86-64.\n',
     '256 bytes on x86-64'),
    ('README.md', '    make frobnicate    # the frobnicator\n',
     'make frobnicate'),
    ('docs/porting.md', 'Configure with `meson setup build -Dfrobnicate=true`.\n',
     '-Dfrobnicate='),
    ('include/dwork/item.h', None, 'DWORK_EPERM'),
    ('docs/testing.md', 'See `tests/unit/frobnicate.c`.\n',
     'tests/unit/frobnicate.c'),
]


def copy_tree(src, dst):
    out = subprocess.run(['git', '-C', src, 'ls-files', '-z'],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    names = [n for n in out.stdout.decode().split('\0') if n] \
        if out.returncode == 0 else []
    if not names:
        shutil.copytree(src, dst, ignore=shutil.ignore_patterns(
            'build*', '.git', 'subprojects'))
        return
    for n in names:
        s = os.path.join(src, n)
        if not os.path.isfile(s):
            continue
        d = os.path.join(dst, n)
        os.makedirs(os.path.dirname(d), exist_ok=True)
        shutil.copy2(s, d)


def run(root, extra):
    p = subprocess.run([sys.executable, os.path.join(HERE, 'check-docs.py'),
                        root] + extra, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True)
    return p.returncode, p.stdout


def plant(root, path, text):
    full = os.path.join(root, path)
    old = open(full, encoding='utf-8').read()
    if text is None:
        # DWORK_EPERM in the Return: line of the first kernel-doc block
        # that has one.
        i = old.index(' * Return: ')
        new = old[:i] + ' * Return: DWORK_EPERM if not allowed; ' + \
            old[i + len(' * Return: '):]
    else:
        new = old + '\n' + text
    open(full, 'w', encoding='utf-8').write(new)
    return old


def main(argv):
    src, extra = argv[0], argv[1:]
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, 'tree')
        copy_tree(src, root)
        rc, out = run(root, extra)
        if rc != 0:
            print('check-docs rejects the unmodified copy:\n' + out)
            return 1
        print('unmodified copy: accepted')
        for path, text, want in PLANTS:
            if want == '256 bytes on x86-64' and '--sizeof' not in extra:
                print('%s: skipped (no --sizeof program)' % want)
                continue
            old = plant(root, path, text)
            rc, out = run(root, extra)
            open(os.path.join(root, path), 'w', encoding='utf-8').write(old)
            if rc == 0 or want not in out:
                print('NOT REJECTED: %s planted in %s\n%s' % (want, path, out))
                bad = 1
            else:
                line = [l for l in out.split('\n') if want in l][0]
                print('rejected: %s' % line)
    return bad


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
