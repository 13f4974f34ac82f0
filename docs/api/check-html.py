#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Check the generated API reference against the headers it came from.

usage: check-html.py HTML_DIR [--hooks PORT_HEADER] HEADER...

Fails (exit 1, one line per problem) when the HTML has a defect a reader
would trip over:

  * a verbatim block (<pre>, or a code fragment outside the source
    listings) with a line starting with "*": a comment gutter left in;
  * an entry whose text starts with "<": a trailing comment attached to
    the wrong declaration;
  * a Doxygen escape or command printed as text ("\\>", "\\p x");
  * a file page whose summary is not the header's whole first paragraph
    ending in a full stop (a summary cut mid-sentence);
  * a documented function or macro of a header with no entry on its file
    page (e.g. excluded by EXCLUDE_SYMBOLS);
  * an entry whose summary is not the kernel-doc summary as one sentence
    (the summary ran into the body), in the entry or in the page's list;
  * a parameter row whose text is not exactly the @param description (the
    body text was glued into it);
  * a port hook (every function and macro the hooks header, port/none's
    dwork_port.h, declares, and the optional dwork_port_trace()) without
    its own entry on port.h's page.
"""
import html
import os
import re
import sys

TITLE = re.compile(r'^(?:(struct|union|enum)\s+)?(\w+)(?:\(\))?\s+-\s+(.*)$')
PARAM = re.compile(r'^@(\w+|\.\.\.):\s*(.*)$')


def norm(text):
    return ' '.join(text.split())


def html_text(fragment):
    text = re.sub(r'</?(code|a|em|b|strong|span|tt)\b[^>]*>', '', fragment)
    text = re.sub(r'<[^>]+>', ' ', text)
    text = html.unescape(text).replace('\xa0', ' ')
    text = norm(text)
    # the tags we stripped left spaces before punctuation: "cpu 's"
    return re.sub(r' ([.,;:)\'!?])', r'\1', re.sub(r'\( ', '(', text))


def doc_text(text):
    text = re.sub(r'(?<![\w\\])[@%](\w+)', r'\1', text)
    text = norm(text)
    return re.sub(r' ([.,;:)\'!?])', r'\1', re.sub(r'\( ', '(', text))


def sentence(text):
    text = text.strip()
    first = text.split(' ', 1)[0]
    # an identifier ("run_on requests ...") keeps its case
    if text and text[0].islower() and not re.search(r'[_()]', first):
        text = text[0].upper() + text[1:]
    if text and text[-1] not in '.?!':
        text += '.'
    return text


def page_of(header):
    base = os.path.basename(header)
    return base.replace('_', '__').replace('.', '_8') + '.html'


def parse_header(path):
    """Return (first paragraph of the file comment, [kernel-doc entries])."""
    src = open(path, encoding='utf-8').read()
    lines = src.split('\n')
    first_para = None
    entries = []
    i = 0
    while i < len(lines):
        st = lines[i].strip()
        if st.startswith('/*') and 'SPDX-License-Identifier' in st:
            i += 1
            continue
        if st.startswith('/*'):
            j = i
            while '*/' not in lines[j]:
                j += 1
            body = []
            for k in range(i, j + 1):
                s = lines[k]
                if k == i:
                    s = re.sub(r'^\s*/\*\*?', '', s)
                s = re.sub(r'\*/\s*$', '', s)
                s = re.sub(r'^\s*\* ?', '', s)
                body.append(s.rstrip())
            if first_para is None and not st.startswith('/**'):
                para = []
                for s in body:
                    if not s.strip():
                        if para:
                            break
                        continue
                    para.append(s.strip())
                first_para = ' '.join(para)
            elif st.startswith('/**'):
                entries.append(kerneldoc(body))
            if first_para is None:
                first_para = ''
            i = j + 1
            continue
        i += 1
    return first_para, [e for e in entries if e]


def kerneldoc(body):
    title = None
    params = {}
    last = None
    for s in body:
        if title is None:
            if not s.strip():
                continue
            m = TITLE.match(s.strip())
            if not m:
                return None
            title = m
            continue
        m = PARAM.match(s.strip())
        if m:
            last = m.group(1)
            params[last] = m.group(2)
            continue
        if last and s.strip() and s.startswith(' '):
            params[last] += ' ' + s.strip()
            continue
        last = None
    if not title or title.group(1):
        return None  # structs are checked through their fields' pages
    return {'name': title.group(2), 'summary': title.group(3),
            'params': params}


def memitems(page):
    """name -> (memdoc html) for every documented member of a page."""
    out = {}
    parts = re.split(r'<h2 class="memtitle">', page)
    for part in parts[1:]:
        m = re.match(r'.*?</span>\s*([\w]+)(?:\(\))?\s*</h2>', part, re.S)
        if not m:
            continue
        k = part.find('<div class="memdoc">')
        out[m.group(1)] = part[k + len('<div class="memdoc">'):] if k >= 0 \
            else ''
    return out


def check_gutters(html_dir, bad):
    for name in sorted(os.listdir(html_dir)):
        if not name.endswith('.html') or name.endswith('_source.html'):
            continue
        page = open(os.path.join(html_dir, name), encoding='utf-8').read()
        blocks = re.findall(r'<pre[^>]*>(.*?)</pre>', page, re.S)
        blocks += re.findall(r'<div class="fragment">(.*?)</div><!-- fragment -->',
                             page, re.S)
        text = html.unescape(re.sub(r'<[^>]+>', ' ', page))
        for m in re.finditer(r'\\(?:[<>]|[pc] \w|brief|param|return)', text):
            bad.append('%s: a Doxygen escape or command printed as text: %r'
                       % (name, text[max(0, m.start() - 30):m.end() + 10]))
        for m in re.finditer(r'<div class="memdoc">\s*<p[^>]*>\s*&lt;', page):
            bad.append('%s: an entry starts with "<" (a ///< comment '
                       'attached to the wrong declaration)' % name)
        for b in blocks:
            for line in re.split(r'\n|<div class="line">', b):
                t = html.unescape(re.sub(r'<[^>]+>', '', line)).strip()
                if t.startswith('*'):
                    bad.append('%s: verbatim block with a "*" gutter: %r'
                               % (name, t[:60]))
                    break


def check_header(html_dir, header, bad):
    page_name = page_of(header)
    path = os.path.join(html_dir, page_name)
    if not os.path.exists(path):
        bad.append('%s: no page %s' % (header, page_name))
        return {}
    page = open(path, encoding='utf-8').read()
    first_para, entries = parse_header(header)
    # the file's summary, at the top of its page
    m = re.search(r'<div class="contents">\s*<p[^>]*>(.*?)</p>', page, re.S)
    top = html_text(re.sub(r'<a href="#details">More\.\.\.</a>', '',
                           m.group(1))) if m else ''
    want = doc_text(first_para)
    if top != want:
        bad.append('%s: file summary %r, want the first paragraph %r'
                   % (page_name, top, want))
    elif top[-1:] not in '.?!':
        bad.append('%s: file summary does not end in a full stop: %r'
                   % (page_name, top))
    items = memitems(page)
    descs = dict(
        (html_text(n), html_text(d)) for n, d in re.findall(
            r'<td class="memItemRight"[^>]*>.*?<a [^>]*>(\w+)</a>.*?</td></tr>\s*'
            r'<tr class="memdesc:[^"]*"><td class="mdescLeft">&#160;</td>'
            r'<td class="mdescRight">(.*?)<a href="[^"]*">More\.\.\.</a>',
            page, re.S))
    for e in entries:
        name = e['name']
        where = '%s: %s' % (page_name, name)
        if name not in items:
            bad.append(where + ': documented in %s but has no entry'
                       % os.path.basename(header))
            continue
        doc = items[name]
        want = doc_text(sentence(e['summary']))
        m = re.match(r'\s*<p[^>]*>(.*?)</p>', doc, re.S)
        got = html_text(m.group(1)) if m else ''
        if got != want:
            bad.append(where + ': summary %r, want %r' % (got, want))
        if name in descs and descs[name] != want:
            bad.append(where + ': summary in the list %r, want %r'
                       % (descs[name], want))
        rows = re.findall(r'<td class="paramname">(.*?)</td><td>(.*?)</td></tr>',
                          doc, re.S)
        got_params = dict((html_text(n), html_text(d)) for n, d in rows)
        for p, desc in e['params'].items():
            if p not in got_params:
                bad.append(where + ': no row for parameter %s' % p)
            elif got_params[p] != doc_text(desc):
                bad.append(where + ': parameter %s row %r, want %r'
                           % (p, got_params[p], doc_text(desc)))
    return items


def main(argv):
    html_dir = argv[0]
    args = argv[1:]
    hooks_file = None
    if args[:1] == ['--hooks']:
        hooks_file = args[1]
        args = args[2:]
    bad = []
    check_gutters(html_dir, bad)
    port_items = None
    for h in args:
        items = check_header(html_dir, h, bad)
        if os.path.basename(h) == 'port.h':
            port_items = items
    if hooks_file:
        src = open(hooks_file, encoding='utf-8').read()
        hooks = set(re.findall(r'^[\w\s\*]*?\b(dwork_port_\w+)\s*\(', src, re.M))
        hooks |= set(re.findall(r'^#define\s+(DWORK_PORT_\w+)\(', src, re.M))
        hooks = set(h for h in hooks if not h.endswith('_assert_fail'))
        hooks.add('dwork_port_trace')
        if port_items is None:
            bad.append('port.h was not checked')
        else:
            for h in sorted(hooks):
                if h not in port_items:
                    bad.append('port_8h.html: hook %s (declared in %s) has '
                               'no entry' % (h, hooks_file))
    for b in bad:
        print(b)
    if bad:
        print('check-html: %d problem(s) in %s' % (len(bad), html_dir))
        return 1
    print('check-html: %s OK (%d headers)' % (html_dir, len(args)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
