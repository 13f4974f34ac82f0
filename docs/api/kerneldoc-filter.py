#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Doxygen INPUT_FILTER: turn dwork's kernel-doc comments into Doxygen.

dwork's headers use the Linux kernel-doc style
(https://docs.kernel.org/doc-guide/kernel-doc.html):

    /**
     * name - summary
     * @arg: description
     *
     * Long description.
     *
     * Context: ...
     * Return: ...
     */

Doxygen does not read that format, so this filter rewrites it on the fly
(the headers themselves stay kernel-doc):

  * "name - summary" / "struct name - summary"  ->  \\brief Summary.
    (capitalised, with a full stop)
  * "@arg: text" before a function               ->  \\param arg text
  * "@field: text" in a struct block              ->  a ///< comment on the
    field
  * "Context: text"                               ->  \\dworkcontext text
  * "Return: text"                                ->  \\return text (or
    \\dworkreturn text for a void function or a macro)
  * "@word" in running text                       ->  \\p word
  * "<" that could open an HTML tag               ->  escaped
  * the file's leading plain comment              ->  \\file block: the first
    paragraph is the summary, indented lines (the synchronization
    matrices) become verbatim blocks, the rest is running text
  * other plain comments right above a declaration, and trailing ones
    after a field, enumerator or macro            ->  Doxygen comments

\\dworkcontext and \\dworkreturn are aliases defined in Doxyfile.in.
Output has exactly one output line per input line, so Doxygen's warnings
point at the right line of the header.
"""
import re
import sys

SECTION = re.compile(r'^(Context|Return|Returns):\s*(.*)$')
PARAM = re.compile(r'^@(\w+|\.\.\.):\s*(.*)$')
TITLE = re.compile(r'^(?:(struct|union|enum)\s+)?(\w+)(?:\(\))?\s+-\s+(.*)$')


def escape(text):
    # Only a "<" that could open an HTML tag needs escaping; a "\\<" or
    # "\\>" inside double quotes would be printed as written.
    text = re.sub(r'<(?=[A-Za-z/!?])', r'\\<', text)
    # "@cpu's": \\p would take the "'s" into the code span
    text = re.sub(r"(?<![\w\\])@(\w+)(?=')", r'<code>\1</code>', text)
    text = re.sub(r'(?<![\w\\])@(\w+)', r'\\p \1', text)
    text = re.sub(r'(?<![\w\\])%(\w+)', r'\\c \1', text)
    return text


def body_lines(block):
    """Strip the comment decoration; return the text lines."""
    out = []
    for i, raw in enumerate(block):
        s = raw.rstrip('\n')
        if i == 0:
            s = re.sub(r'^\s*/\*\*?', '', s)
        s = re.sub(r'\*/\s*$', '', s)
        s = re.sub(r'^\s*\* ?', '', s)
        out.append(s.rstrip())
    return out


def sentence(text):
    """A kernel-doc summary as a Doxygen brief: capitalised, full stop."""
    text = text.strip()
    first = text.split(' ', 1)[0]
    # an identifier ("run_on requests ...") keeps its case
    if text and text[0].islower() and not re.search(r'[_()]', first):
        text = text[0].upper() + text[1:]
    if text and text[-1] not in '.?!':
        text += '.'
    return text


def kerneldoc(block, rest):
    """Rewrite one /** kernel-doc */ block (a list of raw lines).

    Returns exactly len(block) lines and the struct fields it documents.
    """
    text = body_lines(block)
    out = []
    fields = []
    title = None
    last_was_field = False
    decl = next((l.strip() for l in rest if l.strip()), '')
    no_value = decl.startswith('#define') or re.match(
        r'^(static\s+)?(inline\s+)?void\s+\w+\s*\(', decl) is not None
    for s in text:
        was, last_was_field = last_was_field, False
        if title is None and s.strip():
            m = TITLE.match(s.strip())
            if m:
                title = m
                out.append('\\brief ' + escape(sentence(m.group(3))))
                continue
            title = False
        m = PARAM.match(s.strip())
        if m and title and title.group(1):
            last_was_field = True
            fields.append((m.group(1), m.group(2)))
            out.append('')
            continue
        if m:
            out.append('\\param %s %s' % (m.group(1), escape(m.group(2))))
            continue
        m = SECTION.match(s.strip())
        if m:
            if m.group(1) == 'Context':
                out.append('\\dworkcontext ' + escape(m.group(2)))
            elif no_value:
                out.append('\\dworkreturn ' + escape(m.group(2)))
            else:
                out.append('\\return ' + escape(m.group(2)))
            continue
        if s.strip() and s.startswith(' ' * 4) and fields and was:
            # continuation of a struct field description
            name, desc = fields[-1]
            fields[-1] = (name, desc + ' ' + s.strip())
            last_was_field = True
            out.append('')
            continue
        out.append(escape(s))
    lines = ['/** ' + out[0]] + [' * ' + s for s in out[1:]]
    lines[-1] += ' */'
    return [l.rstrip() + '\n' for l in lines], dict(fields)


def file_comment(block):
    """The file's leading plain comment as a \\file block, line for line.

    The first paragraph is the brief; runs of indented lines (tables,
    matrices) become \\verbatim blocks, opened and closed on the blank
    lines around them; everything else is running text.  No "*" gutter is
    emitted, so verbatim blocks come out as written.
    """
    text = body_lines(block)
    n = len(text)
    indented = [bool(s.strip()) and s[:1].isspace() for s in text]
    out = list(text)
    first = next((i for i, s in enumerate(text) if s.strip()), None)
    in_brief = False
    i = 0
    while i < n:
        s = text[i]
        if i == first:
            out[i] = '\\brief ' + escape(s.strip())
            in_brief = True
        elif in_brief and s.strip():
            out[i] = escape(s.strip())
        elif indented[i]:
            j = i
            while j + 1 < n and (indented[j + 1] or (
                    not text[j + 1].strip() and j + 2 < n and
                    indented[j + 2])):
                j += 1
            # Open on the blank line before, close on the blank line after
            # (an extra line only if there is none).
            for k in range(i, j + 1):
                out[k] = text[k]
            if i > 1 and not text[i - 1].strip():
                out[i - 1] = '\\verbatim'
            else:
                out[i] = '\\verbatim\n' + out[i]
            if j + 1 < n - 1 and not text[j + 1].strip():
                out[j + 1] = '\\endverbatim'
                j += 1
            else:
                out[j] = out[j] + '\n\\endverbatim'
            in_brief = False
            i = j + 1
            continue
        else:
            if not s.strip():
                in_brief = False
                out[i] = ''
            else:
                out[i] = escape(s)
        i += 1
    out[0] = '/** \\file'
    out[-1] = (out[-1] + ' */') if out[-1].strip() else '*/'
    return [l.rstrip() + '\n' for l in out]


def plain_to_doc(block, file_header):
    if file_header:
        return file_comment(block)
    text = body_lines(block)
    while text and not text[0].strip():
        text.pop(0)
    while text and not text[-1].strip():
        text.pop()
    lines = ['/** \\brief ' + escape(' '.join(s.strip() for s in text)) +
             ' */']
    return [l + '\n' for l in lines] + ['\n'] * (len(block) - 1)


def main(path):
    with open(path, encoding='utf-8') as f:
        src = f.readlines()
    out = []
    i = 0
    seen_header = False
    fields = {}
    depth = 0
    in_macro = False
    while i < len(src):
        line = src[i]
        st = line.strip()
        if st.startswith('/*') and 'SPDX-License-Identifier' in st:
            out.append(line)
            i += 1
            continue
        if st.startswith('/*') and not st.startswith('/**<'):
            j = i
            while '*/' not in src[j]:
                j += 1
            block = src[i:j + 1]
            i = j + 1
            if st.startswith('/**') and not st.startswith('/***'):
                lines, fields = kerneldoc(block, src[i:])
                out += lines
            elif not seen_header:
                out += plain_to_doc(block, True)
            else:
                nxt = src[i].strip() if i < len(src) else ''
                has_own = re.search(r'/\*.*\*/\s*$', nxt)
                # Only a comment right above a declaration or a #define (or
                # the #ifndef that guards one) documents it; one above
                # #if, #include, ... stays a comment.
                if depth == 0 and nxt and not has_own and (
                        not nxt.startswith(('#', '}', '/*')) or
                        nxt.startswith(('#define', '#ifndef'))):
                    out += plain_to_doc(block, False)
                else:
                    out += block
            seen_header = True
            continue
        # extern "C" { ... } (C++ guards) opens no scope for the comments
        cxx_guard = st == 'extern "C" {' or (
            st == '}' and i > 0 and src[i - 1].strip() == '#ifdef __cplusplus')
        if not in_macro and not st.startswith('#') and not cxx_guard:
            depth += line.count('{') - line.count('}')
        in_macro = line.rstrip().endswith('\\')
        # a field documented in the struct's kernel-doc block
        if fields:
            if st.startswith('};') or st.startswith('}'):
                fields = {}
            m = re.match(r'^.*?\(?\*?(\w+)\)?(\(.*\))?(\[.*\])?'
                         r'(\s+__attribute__.*)?;\s*$', line.rstrip())
            if m and m.group(1) in fields:
                out.append('%s /**< %s */\n' % (line.rstrip(),
                                                 escape(fields[m.group(1)])))
                i += 1
                continue
            # a field whose __attribute__ goes on the next line: the
            # comment after the attribute's ';'
            m = re.match(r'^.*?\*?(\w+)(\[.*\])?\s*$', line.rstrip())
            nxt = src[i + 1].strip() if i + 1 < len(src) else ''
            if m and m.group(1) in fields and \
                    nxt.startswith('__attribute__') and nxt.endswith(';'):
                out.append(line)
                out.append('%s /**< %s */\n' % (src[i + 1].rstrip(),
                                                 escape(fields[m.group(1)])))
                i += 2
                continue
        # a trailing comment that goes on over the next lines: join it
        m = re.match(r'^(.*\S.*?)\s*/\*(?!.*\*/)\s*(.*?)\s*$', line)
        if m and not m.group(1).lstrip().startswith(('/*', '*', '#')) \
                and not m.group(1).rstrip().endswith('\\'):
            j = i
            text = [m.group(2)]
            while j + 1 < len(src) and '*/' not in src[j]:
                j += 1
                text.append(re.sub(r'\*/.*$', '', src[j]).strip())
            line = '%s /* %s */\n' % (m.group(1), ' '.join(
                t for t in text if t))
            pad = j - i
            src[i:j + 1] = [line] + ['\n'] * pad
        # trailing comment after a field, enumerator or macro
        m = re.match(r'^(.*\S.*?)\s*/\*\s*(.*?)\s*\*/\s*$', line)
        if m and not m.group(1).lstrip().startswith(('/*', '*', '#endif')) \
                and not m.group(1).rstrip().endswith('\\'):
            code = m.group(1).rstrip()
            if code.endswith((';', ',', '{', '}')) or \
                    code.lstrip().startswith('#'):
                # a brief, so that the page's summary list shows it
                out.append('%s /**< \\brief %s */\n'
                           % (code, escape(m.group(2))))
            else:
                # the declaration goes on (e.g. __attribute__ on the next
                # line): a ///< here would document the wrong thing
                out.append('%s /** \\brief %s */\n'
                           % (code, escape(m.group(2))))
            i += 1
            continue
        out.append(line)
        i += 1
    sys.stdout.write(''.join(out))


if __name__ == '__main__':
    main(sys.argv[1])
