#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Check that every public function in the given headers has kernel-doc.

For each function prototype (a line at file scope that declares
`type name(...)` and ends in `;`, possibly over several lines), the comment
right above it must be a `/** name - summary` block with a `Context:` and a
`Return:` section and an `@arg:` line for every named argument; every
field of a struct with a kernel-doc block has an `@field:` line or a
comment on its declaration.  Headers
given after `--nmi` must also state each function's NMI rule: the block
names "NMI" (NMI-safe or not, and what to use instead).
Exit status 1 and one line per problem otherwise.
"""
import os
import re
import sys

PROTO = re.compile(r'^(?!static\b|typedef\b|#|\s)[\w\s\*]*?\b(\w+)\s*\(')


def args_of(proto):
    inner = proto[proto.index('(') + 1:proto.rindex(')')]
    names = []
    depth = 0
    cur = ''
    for ch in inner:
        if ch == '(':
            depth += 1
        elif ch == ')':
            depth -= 1
        if ch == ',' and depth == 0:
            names.append(cur)
            cur = ''
        else:
            cur += ch
    names.append(cur)
    out = []
    for a in names:
        a = a.strip()
        if a in ('void', '', '...'):
            continue
        m = re.search(r'\(\s*\*\s*(\w+)\s*\)', a)  # function pointer
        if m:
            out.append(m.group(1))
            continue
        m = re.search(r'(\w+)\s*(\[.*\])?$', a)
        if m:
            out.append(m.group(1))
    return out


def check(path, nmi=False):
    bad = []
    lines = open(path, encoding='utf-8').read().split('\n')
    i = 0
    while i < len(lines):
        m = PROTO.match(lines[i])
        if not m or lines[i].rstrip().endswith(('{', ':')):
            i += 1
            continue
        start = i
        proto = lines[i]
        while ';' not in proto and '{' not in proto and i + 1 < len(lines):
            i += 1
            proto += ' ' + lines[i].strip()
        i += 1
        if '{' in proto:
            continue
        name = m.group(1)
        j = start - 1
        if j < 0 or not lines[j].strip().endswith('*/'):
            bad.append('%s:%d: %s: no kernel-doc block' % (path, start + 1,
                                                           name))
            continue
        while j > 0 and not lines[j].lstrip().startswith('/*'):
            j -= 1
        block = '\n'.join(lines[j:start])
        where = '%s:%d: %s' % (path, start + 1, name)
        if not lines[j].lstrip().startswith('/**'):
            bad.append(where + ': comment is not kernel-doc (/**)')
            continue
        if not re.search(r'^\s*\*\s*%s(\(\))?\s+-\s+\S' % name, block, re.M):
            bad.append(where + ': first line is not "%s - summary"' % name)
        for sec in ('Context:', 'Return:'):
            if not re.search(r'^\s*\*\s*' + sec, block, re.M):
                bad.append(where + ': no ' + sec)
        if nmi and 'NMI' not in block:
            bad.append(where + ': no NMI rule (say whether it is NMI-safe)')
        for a in args_of(proto):
            if not re.search(r'^\s*\*\s*@%s:' % re.escape(a), block, re.M):
                bad.append(where + ': argument @%s undocumented' % a)
    return bad


def check_structs(path):
    """Every field of a struct with a kernel-doc block is documented.

    Each field needs an @field line in the block or a comment on its own
    declaration (the API reference fails on an undocumented field).
    """
    bad = []
    text = open(path, encoding='utf-8').read()
    for m in re.finditer(r'/\*\*\s*\n\s*\* struct (\w+) - .*?\*/\s*\n'
                         r'struct (\w+) \{\n(.*?)\n\}', text, re.S):
        block, name, body = m.group(0), m.group(2), m.group(3)
        documented = set(re.findall(r'^\s*\*\s*@(\w+):', block, re.M))
        decl = ''
        pending_comment = False  # a comment on an earlier line of the field
        for line in body.split('\n'):
            code = re.sub(r'/\*.*', '', line).strip()
            has_comment = '/*' in line
            if not code or code.startswith('*') or line.lstrip().startswith(
                    '/*'):
                continue
            decl += ' ' + code
            if not decl.rstrip().endswith(';'):
                pending_comment = pending_comment or has_comment
                continue
            f = re.search(r'\(?\*?\s*(\w+)\)?\s*(\(.*\))?\s*(\[[^\]]*\])?\s*'
                          r'(__attribute__.*)?;\s*$', decl)
            fp = re.search(r'\(\s*\*\s*(\w+)\s*\)\s*\(', decl)
            field = fp.group(1) if fp else (f.group(1) if f else decl.strip())
            if field not in documented and not has_comment and \
                    not pending_comment:
                line_no = text[:m.start()].count('\n') + 1
                bad.append('%s:%d: struct %s: field %s undocumented (an '
                           '@%s: line or a comment on its declaration)'
                           % (path, line_no, name, field, field))
            decl = ''
            pending_comment = False
    return bad


def main():
    bad = []
    n = 0
    nmi = False
    want = {}  # header -> must state NMI rules (a header may be named twice)
    for p in sys.argv[1:]:
        if p == '--nmi':
            nmi = True
            continue
        key = os.path.realpath(p)
        want[key] = (p, want.get(key, (p, False))[1] or nmi)
    for p, need_nmi in want.values():
        bad += check(p, need_nmi)
        bad += check_structs(p)
        n += 1
    for b in bad:
        print(b)
    if bad:
        print('check-kerneldoc: %d problem(s) in %d header(s)' % (len(bad), n))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
