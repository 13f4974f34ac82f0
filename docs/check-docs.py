#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Catch documentation drift that a program can see.

usage: check-docs.py SOURCE_ROOT [--sizeof PROGRAM]

Checks README.md, CHANGELOG.md, docs/**/*.md, the public and port headers,
the examples, the demo, the Doxygen main page and filter, the diagrams'
sources and port/xen/Kconfig for:

  * words that only mean something inside the project's own notes: "the
    contract", "lesson N", "issue N", "the seed", "the core's owner", and
    paths to files that are not in a clone (.notes/, contract.md,
    style.md);
  * file paths that do not exist: repository paths in `code`, in fenced
    blocks and in header comments, and the targets of Markdown links
    (with their #anchors, against the target's headings);
  * a test suite (suite: '...' in a meson.build) without its row in the
    table at the top of docs/testing.md, and unit-test counts in
    testing.md that differ from tests/unit/*.c, a unit mutant missing from
    its table, and a binary of suite
    posix without its row in docs/posix.md, an explorer scenario or model
    mutant without its row in docs/verification.md, a port hook whose
    NMI rule in port.h does not match what src/nmi.c calls;
  * a dwork_* or DWORK_* identifier named in the Markdown or in a
    header's comments that no code of the tree defines or uses (comments
    stripped), a DWORK_E* code that include/dwork/errno.h does not
    define, a `make TARGET` that the Makefile does not have, and a Meson
    option (-Dname=..., "meson option name") that is neither in
    meson_options.txt nor one of Meson's own;
  * with --sizeof PROGRAM (docs/sizeof.c, built with the library's
    configuration): every "N bytes on LP64" (or on x86-64, on 64-bit)
    and "N bytes per CPU" against sizeof(struct dwork_cpu), and "K KiB at
    ... NR_CPUS=N" against N times it.  Skipped unless long is 8 bytes and
    the cache line is 64.

docs/test-check-docs.py shows that each of these checks rejects a
planted mistake.

Exit status 1 and one line per problem otherwise.
"""
import glob
import os
import re
import subprocess
import sys

JARGON = [
    (r'\bthe contract\b', 'the contract'),
    (r"\bcontract's\b", "the contract's"),
    (r'\blessons? \d', 'lesson N'),
    (r'\bissue \d+', 'issue N'),
    (r'\bthe seed\b', 'the seed'),
    (r"\bseed's\b", "the seed's"),
    (r"\bcore's owner\b", "the core's owner"),
    (r'\.notes/', 'a .notes/ path (not in a clone)'),
    (r'\bcontract\.md\b', 'contract.md (not in the repository)'),
    (r'\bstyle\.md\b', 'style.md (not in the repository)'),
]


def files(root):
    pats = ['README.md', 'CHANGELOG.md', 'docs/*.md', 'docs/api/*.dox',
            'docs/api/*.py', 'docs/diagrams/*.dot', 'include/dwork/*.h',
            'port/*/include/**/*.h', 'port/xen/Kconfig', 'config/dwork/*.in',
            'examples/**/*.c', 'examples/**/*.h', 'demo/demo.c']
    out = []
    for p in pats:
        out += sorted(glob.glob(os.path.join(root, p), recursive=True))
    return sorted(set(out))


def slug(heading):
    """GitHub's anchor for a Markdown heading."""
    h = heading.strip().lower()
    h = re.sub(r'[^\w\- ]', '', h)
    return h.replace(' ', '-')


def anchors(path):
    text = open(path, encoding='utf-8').read()
    text = re.sub(r'```.*?```', '', text, flags=re.S)
    return set(slug(m) for m in re.findall(r'^#+\s+(.*)$', text, re.M))


def top_level(root):
    return set(n for n in os.listdir(root)
               if not n.startswith('build') and n not in ('.git',))


def path_exists(root, token):
    if any(ch in token for ch in '<>$%{}'):
        return True  # a template, not a path
    if '*' in token or '?' in token:
        return bool(glob.glob(os.path.join(root, token)))
    return os.path.exists(os.path.join(root, token))


# Paths that look like ours but name another tree (Linux, Xen, XTF) or
# the install layout.
FOREIGN = ('include/linux/', 'include/xen/', 'tests/dwork-hotplug',
           'include/dwork/port/')


def repo_paths(text, tops):
    """Words that look like paths into the repository."""
    for word in text.split():
        word = word.strip('`\'"()[]{},;:')
        word = re.sub(r'\.$', '', word)
        if not re.match(r'^[\w.\-/*]+$', word) or '/' not in word:
            continue
        if word.startswith(FOREIGN):
            continue
        if word.split('/')[0] in tops:
            yield word


def check_file(root, path, tops, bad):
    rel = os.path.relpath(path, root)
    text = open(path, encoding='utf-8').read()
    for i, line in enumerate(text.split('\n'), 1):
        for pat, what in JARGON:
            if re.search(pat, line, re.I):
                bad.append('%s:%d: %s: say what is meant instead'
                           % (rel, i, what))
    # repository paths
    if path.endswith('.md'):
        chunks = re.findall(r'`([^`\n]+)`', text)
        chunks += re.findall(r'```.*?\n(.*?)```', text, re.S)
        chunks += re.findall(r'^    (.*)$', text, re.M)
    else:
        chunks = [text]
    seen = set()
    for chunk in chunks:
        for word in repo_paths(chunk, tops):
            if word in seen:
                continue
            seen.add(word)
            if not path_exists(root, word):
                bad.append('%s: names %s, which does not exist' % (rel, word))
    # Markdown links
    if path.endswith('.md'):
        body = re.sub(r'```.*?```', '', text, flags=re.S)
        for target in re.findall(r'\]\(([^)\s]+)\)', body):
            if re.match(r'^(https?|mailto):', target):
                continue
            file_part, _, frag = target.partition('#')
            dest = os.path.normpath(os.path.join(os.path.dirname(path),
                                                 file_part)) \
                if file_part else path
            if not os.path.exists(dest):
                bad.append('%s: link to %s, which does not exist'
                           % (rel, target))
                continue
            if frag and dest.endswith('.md') and frag not in anchors(dest):
                bad.append('%s: link to %s: no heading with that anchor'
                           % (rel, target))


def check_suites(root, bad):
    suites = set()
    for mb in glob.glob(os.path.join(root, '**', 'meson.build'),
                        recursive=True):
        relmb = os.path.relpath(mb, root)
        if relmb.startswith(('build', 'subprojects')) or \
                '/consume/' in '/' + relmb:
            continue
        suites |= set(re.findall(r"suite\s*:\s*'(\w+)'",
                                 open(mb, encoding='utf-8').read()))
    testing = open(os.path.join(root, 'docs', 'testing.md'),
                   encoding='utf-8').read()
    for s in sorted(suites):
        if not re.search(r'^\| `%s` \|' % re.escape(s), testing, re.M):
            bad.append('docs/testing.md: suite %s has no row in the table '
                       'of suites' % s)


def stats_off_unit_tests(root):
    """The unit binaries built only for a core without counters
    (-Dstats=false): the [name, sources] entries inside the
    "if not get_option('stats')" block of tests/unit/meson.build, as
    test_NAME."""
    mb = os.path.join(root, 'tests', 'unit', 'meson.build')
    if not os.path.exists(mb):
        return set()
    names = set()
    for block in re.findall(
            r"^\s*if\s+not\s+get_option\(\s*'stats'\s*\)(.*?)^\s*endif",
            open(mb, encoding='utf-8').read(), re.M | re.S):
        names |= {'test_' + n for n in re.findall(r"\[\s*'(\w+)'", block)}
    return names


def check_unit_counts(root, bad):
    """testing.md's per-binary test counts and total against the sources."""
    testing = open(os.path.join(root, 'docs', 'testing.md'),
                   encoding='utf-8').read()
    stats_off = stats_off_unit_tests(root)
    total = 0
    for name, n in re.findall(r'^\| `(test_\w+)` \| (\d+) \|', testing, re.M):
        src = os.path.join(root, 'tests', 'unit', name + '.c')
        if not os.path.exists(src):
            bad.append('docs/testing.md: %s has no tests/unit/%s.c'
                       % (name, name))
            continue
        got = len(re.findall(r'^\s*(?:T|cmocka_unit_test\w*)\(\s*test_',
                             open(src, encoding='utf-8').read(), re.M))
        # Built only without counters (-Dstats=false), not in the default
        # suite whose total the text gives.
        if name not in stats_off:
            total += got
        if got != int(n):
            bad.append('docs/testing.md: %s has %d tests, the table says %s'
                       % (name, got, n))
    listed = set(re.findall(r'^\| `(test_\w+)` \|', testing, re.M))
    for src in sorted(glob.glob(os.path.join(root, 'tests', 'unit',
                                             'test_*.c'))):
        name = os.path.basename(src)[:-2]
        if name not in listed:
            bad.append('docs/testing.md: tests/unit/%s.c has no row in the '
                       'table of unit binaries' % name)
            total += len(re.findall(
                r'^\s*(?:T|cmocka_unit_test\w*)\(\s*test_',
                open(src, encoding='utf-8').read(), re.M))
    mutants = os.path.join(root, 'tests', 'unit', 'mutants.sh')
    if os.path.exists(mutants):
        for name in re.findall(r'^mutant(?:_patch)?\s+(M\w+-[\w-]+)',
                               open(mutants, encoding='utf-8').read(), re.M):
            if name not in testing:
                bad.append('docs/testing.md: mutant %s (tests/unit/mutants.sh) '
                           'is not in the table of the mutation campaign'
                           % name)
    m = re.search(r'--suite unit\s+# [^,\n]*, (\d+) tests', testing)
    if m and total and int(m.group(1)) != total:
        bad.append('docs/testing.md: the unit suite has %d tests, the text '
                   'says %s' % (total, m.group(1)))


def check_posix_binaries(root, bad):
    """Every binary of suite posix has its row in docs/posix.md."""
    mb = os.path.join(root, 'tests', 'posix', 'meson.build')
    doc = os.path.join(root, 'docs', 'posix.md')
    if not os.path.exists(mb) or not os.path.exists(doc):
        return
    text = open(doc, encoding='utf-8').read()
    for name in re.findall(r"\['(posix_\w+)'", open(mb, encoding='utf-8').read()):
        if not re.search(r'^\| `%s` \|' % re.escape(name), text, re.M):
            bad.append('docs/posix.md: test binary %s (tests/posix/meson.build) '
                       'has no row in the table of section 6' % name)


def check_model_tables(root, bad):
    """Every explorer scenario and model mutant has its row in
    docs/verification.md."""
    doc = os.path.join(root, 'docs', 'verification.md')
    scen = os.path.join(root, 'tests', 'model', 'scenarios.c')
    mb = os.path.join(root, 'tests', 'model', 'meson.build')
    if not all(os.path.exists(f) for f in (doc, scen, mb)):
        return
    text = open(doc, encoding='utf-8').read()
    names = re.findall(r'\.name = "(\w+)"', open(scen, encoding='utf-8').read())
    meson = open(mb, encoding='utf-8').read()
    for block in re.findall(r'^model(?:_rt)?_mutants = \[(.*?)^\]', meson,
                            re.M | re.S):
        names += re.findall(r"^\s*\['(\w+)'", block, re.M)
    for name in names:
        if not re.search(r'^\| `%s`' % re.escape(name), text, re.M):
            bad.append('docs/verification.md: %s (tests/model) has no row'
                       % name)


def check_nmi_hooks(root, bad):
    """A port hook that src/nmi.c calls says, in port.h, that dwork calls it
    from an NMI; one that no NMI path calls does not."""
    nmi_c = os.path.join(root, 'src', 'nmi.c')
    port_h = os.path.join(root, 'include', 'dwork', 'port.h')
    if not os.path.exists(nmi_c) or not os.path.exists(port_h):
        return
    code = re.sub(r'/\*.*?\*/', '', open(nmi_c, encoding='utf-8').read(),
                  flags=re.S)
    called = set(re.findall(r'\b(dwork_port_\w+)\s*\(', code))
    if re.search(r'\bDWORK_(CHECK|ASSERT)\s*\(', code):
        called.add('DWORK_PORT_ASSERT')
    text = open(port_h, encoding='utf-8').read()
    for m in re.finditer(r'/\*\*\s*\n\s*\* (dwork_port_\w+|DWORK_PORT_\w+) - '
                         r'(.*?)\*/', text, re.S):
        name, block = m.group(1), m.group(2)
        ctx = re.search(r'Context:(.*?)(Return:|$)', block, re.S)
        ctx = ' '.join(ctx.group(1).split()) if ctx else ''
        says_nmi = re.search(r'NMI included|^NMI\b|Context: NMI', ctx) or \
            ctx.startswith('NMI')
        if name in called and not says_nmi:
            bad.append('include/dwork/port.h: %s: src/nmi.c calls it, but its '
                       'Context does not say "NMI included"' % name)
        if name not in called and says_nmi:
            bad.append('include/dwork/port.h: %s: its Context says an NMI '
                       'calls it, but src/nmi.c does not' % name)


def check_sizes(root, program, bad):
    out = subprocess.check_output([program], universal_newlines=True).split()
    vals = dict(zip(out[0::2], (int(v) for v in out[1::2])))
    if vals['long'] != 8 or vals['cacheline'] != 64:
        print('check-docs: sizes skipped (not LP64 with 64-byte lines)')
        return
    size = vals['dwork_cpu']
    for path in files(root):
        rel = os.path.relpath(path, root)
        text = ' '.join(open(path, encoding='utf-8').read().split())
        text = text.replace('`', '')
        for m in re.finditer(r'(\d+)[ -](?:bytes|B) (?:on (?:LP64|x86[-_]64|'
                             r'amd64|64-bit)|per CPU)', text):
            if int(m.group(1)) != size:
                bad.append('%s: says "%s"; sizeof(struct dwork_cpu) is %d '
                           'on LP64' % (rel, m.group(0), size))
        for m in re.finditer(r'(\d+) KiB at [^.;)]*?NR_CPUS ?= ?(\d+)', text):
            want = size * int(m.group(2))
            if int(m.group(1)) * 1024 != want:
                bad.append('%s: says "%s"; %d CPUs x %d bytes is %g KiB'
                           % (rel, m.group(0), int(m.group(2)), size,
                              want / 1024.0))


def tracked(root):
    """The files of the tree: git's list, or a walk without build dirs."""
    try:
        out = subprocess.check_output(['git', '-C', root, 'ls-files', '-z'],
                                      stderr=subprocess.DEVNULL)
        names = [n for n in out.decode().split('\0') if n]
        if names:
            return [n for n in names if os.path.isfile(os.path.join(root, n))]
    except (OSError, subprocess.CalledProcessError):
        pass
    names = []
    for d, dirs, fs in os.walk(root):
        dirs[:] = [x for x in dirs if not x.startswith(('build', '.git'))
                   and x != 'subprojects']
        names += [os.path.relpath(os.path.join(d, f), root) for f in fs]
    return names


def strip_comments(path, text):
    if path.endswith(('.c', '.h', '.cpp', '.in', '.dox')):
        text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
        return re.sub(r'//[^\n]*', ' ', text)
    if path.endswith(('.py', '.sh', 'meson.build', 'meson_options.txt',
                      'Makefile', '.txt')) or '/' not in path:
        return re.sub(r'(?m)(^|\s)#[^\n]*', ' ', text)
    return text


def doc_texts(root):
    """(path, text) of what a reader reads: the Markdown, and the comments
    of the public and port headers."""
    out = []
    for p in ['README.md', 'CHANGELOG.md'] + \
            sorted(glob.glob(os.path.join(root, 'docs', '*.md'))):
        p = os.path.join(root, p) if not os.path.isabs(p) else p
        if os.path.exists(p):
            out.append((os.path.relpath(p, root),
                        open(p, encoding='utf-8').read()))
    for p in sorted(glob.glob(os.path.join(root, 'include', 'dwork', '*.h')) +
                    glob.glob(os.path.join(root, 'port', '*', 'include',
                                           '**', '*.h'), recursive=True)):
        text = open(p, encoding='utf-8').read()
        out.append((os.path.relpath(p, root),
                    ' '.join(re.findall(r'/\*.*?\*/', text, re.S))))
    return out


def code_chunks(path, text):
    """Where a Markdown file shows commands: code spans, fenced and
    indented blocks; a header comment is all command-like."""
    if not path.endswith('.md'):
        return [text]
    chunks = re.findall(r'```.*?\n(.*?)```', text, re.S)
    body = re.sub(r'```.*?```', '', text, flags=re.S)
    chunks += re.findall(r'`([^`\n]+)`', body)
    chunks += re.findall(r'^    (.*)$', body, re.M)
    return chunks


# Meson's own options that the docs may name.
MESON_BUILTIN = {
    'prefix', 'libdir', 'bindir', 'includedir', 'datadir', 'mandir',
    'sysconfdir', 'localstatedir', 'buildtype', 'optimization', 'debug',
    'werror', 'warning_level', 'default_library', 'backend', 'strip',
    'unity', 'layout', 'wrap_mode', 'force_fallback_for', 'auto_features',
    'pkg_config_path', 'cross_file', 'native_file', 'stdsplit', 'errorlogs',
}


def check_names(root, bad):
    """dwork_*/DWORK_* identifiers, DWORK_E* codes, make targets and Meson
    options named in the docs exist."""
    code = set()
    for rel in tracked(root):
        # (test-check-docs.py plants names that must not exist)
        if rel.endswith('.md') or rel.startswith('docs/perf/') or \
                rel == 'docs/test-check-docs.py':
            continue
        try:
            text = open(os.path.join(root, rel), encoding='utf-8').read()
        except (UnicodeDecodeError, OSError):
            continue
        code |= set(re.findall(r'\b(?:dwork|DWORK)_\w+',
                               strip_comments(rel, text)))
    errno_h = os.path.join(root, 'include', 'dwork', 'errno.h')
    codes = set(re.findall(r'^#define (DWORK_E\w+)',
                           open(errno_h, encoding='utf-8').read(), re.M))
    mk = open(os.path.join(root, 'Makefile'), encoding='utf-8').read()
    targets = set(re.findall(r'^([A-Za-z][\w.-]*)\s*:(?!=)', mk, re.M))
    for phony in re.findall(r'^\.PHONY:(.*)$', mk, re.M):
        targets |= set(phony.split())
    opts = set(re.findall(r"option\(\s*'(\w+)'", open(
        os.path.join(root, 'meson_options.txt'), encoding='utf-8').read()))

    def meson_option(name):
        return name in opts or name in MESON_BUILTIN or \
            name.startswith(('b_', 'c_', 'cpp_'))

    for rel, text in doc_texts(root):
        seen = set()
        for m in re.finditer(r'\b(?:dwork|DWORK)_\w+', text):
            w, nxt = m.group(0), text[m.end():m.end() + 2]
            # wildcards (dwork_atomic_*), prefixes (DWORK_TRACE_), files
            if nxt[:1] == '*' or w.endswith('_') or \
                    re.match(r'\.[A-Za-z]', nxt) or w in seen:
                continue
            seen.add(w)
            if re.match(r'DWORK_E[A-Z]+$', w) and w not in codes:
                bad.append('%s: names %s, which include/dwork/errno.h does '
                           'not define' % (rel, w))
            elif w not in code:
                bad.append('%s: names %s, which no code of the tree has'
                           % (rel, w))
        # "meson option `name`" or "(meson option name)"
        for m in re.finditer(r'[Mm]eson option (?:`([a-z]\w*)`|([a-z]\w*)[);,])',
                             text):
            opt = m.group(1) or m.group(2)
            if not meson_option(opt):
                bad.append('%s: names Meson option %s, which '
                           'meson_options.txt does not have' % (rel, opt))
        for chunk in code_chunks(rel, text):
            for m in re.finditer(r'(?:^|[\s;&|(])make((?:\s+[^\s;&|)]+)+)',
                                 chunk):
                words = m.group(1).split()
                if rel.endswith('.h') or words[0].startswith('-'):
                    continue
                for w in words:
                    if '=' in w:
                        continue
                    if not re.match(r'^[A-Za-z][\w.-]*$', w):
                        break
                    if w not in targets:
                        bad.append('%s: names `make %s`, but the Makefile '
                                   'has no target %s' % (rel, w, w))
                    break
            for m in re.finditer(r'(?:^|\s)-D(?:dwork:)?([a-z]\w*)=', chunk):
                if not meson_option(m.group(1)):
                    bad.append('%s: names -D%s=, which is no Meson option '
                               '(meson_options.txt)' % (rel, m.group(1)))


def main(argv):
    root = argv[0]
    bad = []
    tops = top_level(root)
    for f in files(root):
        check_file(root, f, tops, bad)
    check_suites(root, bad)
    check_unit_counts(root, bad)
    check_posix_binaries(root, bad)
    check_model_tables(root, bad)
    check_nmi_hooks(root, bad)
    check_names(root, bad)
    if argv[1:2] == ['--sizeof']:
        check_sizes(root, argv[2], bad)
    for b in bad:
        print(b)
    if bad:
        print('check-docs: %d problem(s)' % len(bad))
        return 1
    print('check-docs: OK (%d files)' % len(files(root)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
