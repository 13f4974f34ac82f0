#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Render dwork's kernel-doc comments as section-3 man pages.

usage: kerneldoc-man.py --list HEADER...
       kerneldoc-man.py --outdir DIR --version V HEADER...

One page per kernel-doc block of a function or function-like macro
("name - summary" followed by its declaration) in the headers given:
NAME, SYNOPSIS (the #include and the declaration as written), ARGUMENTS,
DESCRIPTION, CONTEXT (with the NMI rule), RETURN VALUE and SEE ALSO (the
other pages of the same header).  --list prints the page file names, one
a line (meson's custom_target needs them at configure time).

The headers stay in the Linux kernel-doc format; this is dwork's own
filter (it shares no code with the kernel's GPL scripts/kernel-doc).
"""
import importlib.util
import os
import re
import sys

TITLE = re.compile(r'^(\w+)(?:\(\))?\s+-\s+(.*)$')
PARAM = re.compile(r'^@(\w+|\.\.\.):\s*(.*)$')
SECTION = re.compile(r'^(Context|Return|Returns|NMI):\s*(.*)$')

INCLUDE = {
    'posix.h': '#include <dwork/posix.h>',
    'port.h': '#include <dwork/port.h>   /* the port defines it */',
}


def _load_filter():
    """The API reference's kernel-doc filter, for its comment parsing."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        '..', 'api', 'kerneldoc-filter.py')
    spec = importlib.util.spec_from_file_location('kerneldoc_filter', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# The comment's text lines, decoration stripped (shared with the filter).
comment_lines = _load_filter().body_lines


def declaration(src, i):
    """The declaration right after a comment ending at line i."""
    while i < len(src) and not src[i].strip():
        i += 1
    if i < len(src) and src[i].strip().startswith('#ifndef'):
        i += 1
    if i >= len(src):
        return None
    first = src[i].strip()
    if first.startswith('#define'):
        m = re.match(r'#define\s+(\w+\([^)]*\))', first)
        return '#define ' + m.group(1) if m else None
    decl = []
    while i < len(src):
        decl.append(src[i].strip())
        if src[i].rstrip().endswith((';', '{', ')')) and \
                decl[-1].count('(') <= ''.join(decl).count(')'):
            break
        i += 1
    text = ' '.join(decl)
    text = re.sub(r'\s*\{.*$', ';', text)
    text = re.sub(r'\s*__attribute__\(\(.*?\)\)', '', text)
    text = re.sub(r'\s+DWORK_(ACQUIRES|RELEASES)_IRQ', '', text)
    text = re.sub(r'^static inline\s+', '', text)
    if '(' not in text:
        return None
    return text if text.endswith(';') else text + ';'


def entries(path):
    src = open(path, encoding='utf-8').read().split('\n')
    out = []
    i = 0
    while i < len(src):
        if src[i].strip().startswith('/**') and not \
                src[i].strip().startswith('/***'):
            j = i
            while '*/' not in src[j]:
                j += 1
            body = comment_lines(src[i:j + 1])
            while body and not body[0].strip():
                body.pop(0)
            m = TITLE.match(body[0].strip()) if body else None
            decl = declaration(src, j + 1) if m else None
            if m and decl and m.group(1) in decl:
                out.append(parse(m.group(1), m.group(2), body[1:], decl))
            i = j + 1
            continue
        i += 1
    return out


def parse(name, summary, body, decl):
    params, paras, sections = [], [], {}
    cur = None          # list being appended to
    para = []
    for s in body:
        st = s.strip()
        m = PARAM.match(st)
        sm = SECTION.match(st)
        if m and not paras and not sections:
            params.append([m.group(1), m.group(2)])
            cur = params[-1]
            continue
        if sm:
            key = 'Return' if sm.group(1).startswith('Return') else sm.group(1)
            sections[key] = [sm.group(2)]
            cur = sections[key]
            continue
        if cur is not None and st and not sections and params and \
                cur is params[-1] and s.startswith(' '):
            cur[1] += ' ' + st
            continue
        if cur is not None and st and sections and cur is not params:
            if isinstance(cur, list) and cur and isinstance(cur[0], str) \
                    and cur is not (params[-1] if params else None):
                cur.append(st)
                continue
        if not st:
            if para:
                paras.append(para)
                para = []
            cur = None if not sections else cur
            if sections:
                cur = None
            continue
        cur = None
        para.append(s)
    if para:
        paras.append(para)
    return {'name': name, 'summary': summary, 'params': params,
            'paras': paras, 'sections': sections, 'decl': decl}


def esc(text):
    text = text.replace('\\', '\\e')
    return text


def inline(text):
    text = esc(text)
    text = re.sub(r'(?<![\w@])@(\w+)', r'\\fI\1\\fP', text)
    text = re.sub(r'\b(\w+)\(\)', r'\\fB\1\\fP()', text)
    return text


def line_start(text):
    return '\\&' + text if text[:1] in '.\'' else text


def para_roff(lines):
    # A paragraph with lines indented more than the first: a verbatim block
    # (the synchronization matrices, code).
    if any(l.startswith(('\t', '  ')) for l in lines) and \
            len(set(len(l) - len(l.lstrip()) for l in lines)) > 1 or \
            all(l.startswith(('\t', '    ')) for l in lines):
        return ['.PP', '.RS 4', '.nf'] + [line_start(esc(l.expandtabs(8)))
                                          for l in lines] + ['.fi', '.RE']
    text = ' '.join(l.strip() for l in lines)
    return ['.PP', line_start(inline(text))]


def page(e, header, others, version):
    hdr = os.path.basename(header)
    out = ['.\\" SPDX-License-Identifier: BSD-2-Clause',
           '.\\" Generated from %s by docs/man/kerneldoc-man.py.' % hdr,
           '.TH %s 3 "" "dwork %s" "dwork manual"'
           % (e['name'].upper(), version),
           '.SH NAME',
           '%s \\- %s' % (e['name'], esc(e['summary'])),
           '.SH SYNOPSIS', '.nf',
           '.B %s' % esc(INCLUDE.get(hdr, '#include <dwork/dwork.h>')),
           '.PP',
           line_start(esc(e['decl'])),
           '.fi']
    if e['params']:
        out.append('.SH ARGUMENTS')
        for n, d in e['params']:
            out += ['.TP', '.I %s' % n, line_start(inline(d))]
    if e['paras']:
        out.append('.SH DESCRIPTION')
        for p in e['paras']:
            out += para_roff(p)
    ctx = e['sections'].get('Context')
    nmi = e['sections'].get('NMI')
    if ctx or nmi:
        out.append('.SH CONTEXT')
        if ctx:
            out += ['.PP', line_start(inline(' '.join(ctx)))]
        if nmi:
            out += ['.PP', line_start(inline('NMI: ' + ' '.join(nmi)))]
    ret = e['sections'].get('Return')
    if ret:
        out += ['.SH RETURN VALUE', '.PP', line_start(inline(' '.join(ret)))]
    see = [o for o in others if o != e['name']]
    if see:
        out.append('.SH SEE ALSO')
        out.append(',\n'.join('.BR %s (3)' % o for o in see))
    return '\n'.join(out) + '\n'


def main(argv):
    if argv[:1] == ['--list']:
        for h in argv[1:]:
            for e in entries(h):
                print(e['name'] + '.3')
        return 0
    if len(argv) < 5 or argv[0] != '--outdir' or argv[2] != '--version':
        print(__doc__, file=sys.stderr)
        return 2
    outdir, version, headers = argv[1], argv[3], argv[4:]
    os.makedirs(outdir, exist_ok=True)
    n = 0
    for h in headers:
        es = entries(h)
        names = [e['name'] for e in es]
        for e in es:
            with open(os.path.join(outdir, e['name'] + '.3'), 'w',
                      encoding='utf-8') as f:
                f.write(page(e, h, names, version))
            n += 1
    return 0 if n else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
