#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""integrate-dpci.py - move Xen's dpci softirq onto dwork items

  port/xen/integrate-dpci.py XEN_DIR            convert (or refresh)
  port/xen/integrate-dpci.py --check XEN_DIR    is XEN_DIR converted?
  port/xen/integrate-dpci.py --revert XEN_DIR   restore the stock files

Normally run by `integrate.sh --dpci XEN_TREE` (and by `integrate.sh
--revert`, `--check`).  XEN_DIR is the xen/ directory of a Xen tree into
which integrate.sh has already put dwork.  See docs/xen.md, "Moving dpci
onto dwork items".

It edits two files of the user's tree, anchored on function names and
exact lines (never on line numbers or patch context):

  xen/drivers/passthrough/x86/hvm.c
    - the per-CPU dpci_list becomes a forward declaration of
      hvm_dirq_assist() and dpci_dwork_assist(), the dwork_dpci callback
      that calls it;
    - the STATE_SCHED/STATE_RUN enum and its comment go;
    - raise_softirq_for(), pt_pirq_softirq_active() and
      pt_pirq_softirq_reset() (with their comments) are replaced by
      functions of the same names calling dwork_dpci_raise(),
      dwork_dpci_active() and dwork_dpci_reset();
    - pt_pirq_init() also calls dwork_dpci_init();
    - dpci_softirq(), the CPU notifier (cpu_callback, cpu_nfb) and
      setup_dpci_softirq() with its __initcall go: dwork's TASKLET_SOFTIRQ
      pass runs the items and its CPU_DEAD handling moves them.
  xen/arch/x86/include/asm/hvm/irq.h
    - includes <dwork_xen_dpci.h>;
    - in struct hvm_pirq_dpci, `unsigned int state;` becomes
      `struct dwork_dpci dw;` and `struct list_head softirq_list;` goes.

Every anchor is checked before anything changes; a miss lists every
expectation that failed and changes nothing (exit 2).  The new files are
prepared in xen/.dwork-dpci-stage/ and moved into place; the stock files
are kept in xen/.dwork-dpci-stock/ and --revert puts them back byte for
byte (with a new modification time, so that make rebuilds).

Exit status: 0 done (--check: converted); 1 --check: not converted;
2 refused (nothing changed).
"""
import hashlib
import os
import shutil
import sys

ME = "integrate-dpci.py"
HVM_C = "drivers/passthrough/x86/hvm.c"
IRQ_H = "arch/x86/include/asm/hvm/irq.h"
FILES = (HVM_C, IRQ_H)
BK = ".dwork-dpci-stock"
STAGE = ".dwork-dpci-stage"
STAMP = "converted-by-dwork"
DWORK_STAMP = ".dwork-stock/integrated-by-dwork"

# ------------------------------------------------------------------------
# The code this script puts into hvm.c and irq.h.  It is dwork's own
# (BSD-2-Clause), written in Xen's coding style.

ADAPTER = """\
/*
 * dwork (integrate.sh --dpci): the hvm_dirq_assist() run a pirq owes is a
 * dwork item, struct dwork_dpci in struct hvm_pirq_dpci.  dwork's
 * TASKLET_SOFTIRQ pass runs it, a raise while it runs queues one more run
 * after it (never two at once, nobody spins), and dwork's CPU_DEAD
 * handling moves it off a CPU that goes down.  Nothing here keeps a list,
 * a softirq or a CPU notifier of its own.
 */
static void hvm_dirq_assist(struct domain *d, struct hvm_pirq_dpci *pirq_dpci);

static void cf_check dpci_dwork_assist(struct domain *d, struct dwork_dpci *p)
{
    hvm_dirq_assist(d, container_of(p, struct hvm_pirq_dpci, dw));
}
"""

RAISE = """\
/*
 * dwork: owe one hvm_dirq_assist() run, holding one reference on ->dom.
 * Raises while a run is owed are absorbed; that run sees what they wrote.
 */
static void raise_softirq_for(struct hvm_pirq_dpci *pirq_dpci)
{
    dwork_dpci_raise(&pirq_dpci->dw, pirq_dpci->dom);
}
"""

ACTIVE = """\
/*
 * dwork: true while a run is owed, queued or inside hvm_dirq_assist().
 * Once it is false the softirq side is done with pirq_dpci, until the
 * next raise.
 */
bool pt_pirq_softirq_active(struct hvm_pirq_dpci *pirq_dpci)
{
    return dwork_dpci_active(&pirq_dpci->dw);
}
"""

RESET = """\
/*
 * dwork: with the interrupt unbound and the event lock held, drop an owed
 * run and the domain reference it holds (a run already inside
 * hvm_dirq_assist() keeps its own and finishes), and forget the domain.
 * Clearing ->masked keeps a run that is still on its way from doing
 * anything.
 */
static void pt_pirq_softirq_reset(struct hvm_pirq_dpci *pirq_dpci)
{
    struct domain *d = pirq_dpci->dom;

    ASSERT(rw_is_write_locked(&d->event_lock));

    dwork_dpci_reset(&pirq_dpci->dw);
    pirq_dpci->dom = NULL;
    pirq_dpci->masked = false;
}
"""

INIT_LINE = "    dwork_dpci_init(&dpci->dw, dpci_dwork_assist);\n"
INCLUDE_LINE = "#include <dwork_xen_dpci.h>\n"
FIELD_LINE = "    struct dwork_dpci dw;   /* the owed hvm_dirq_assist() run (dwork) */\n"

# ------------------------------------------------------------------------
# The stock text it looks for (exact lines, leading spaces included).

A_LIST = "static DEFINE_PER_CPU(struct list_head, dpci_list);"
A_ENUM = ["enum {", "    STATE_SCHED,", "    STATE_RUN", "};"]
A_RAISE = "static void raise_softirq_for(struct hvm_pirq_dpci *pirq_dpci)"
A_ACTIVE = "bool pt_pirq_softirq_active(struct hvm_pirq_dpci *pirq_dpci)"
A_RESET = "static void pt_pirq_softirq_reset(struct hvm_pirq_dpci *pirq_dpci)"
A_RESET_ASSERT = "    ASSERT(rw_is_write_locked(&d->event_lock));"
A_RESET_D = "    struct domain *d = pirq_dpci->dom;"
A_INIT = "void pt_pirq_init(struct domain *d, struct hvm_pirq_dpci *dpci)"
A_ASSIST = "static void hvm_dirq_assist(struct domain *d, struct hvm_pirq_dpci *pirq_dpci)"
# The softirq and its CPU notifier, in this order, one block at the end.
A_SOFTIRQ = "static void cf_check dpci_softirq(void)"
A_SOFTIRQ_BLOCK = [
    A_SOFTIRQ,
    "static int cf_check cpu_callback(",
    "static struct notifier_block cpu_nfb = {",
    "static int __init cf_check setup_dpci_softirq(void)",
    "__initcall(setup_dpci_softirq);",
]
A_STRUCT = "struct hvm_pirq_dpci {"
A_STATE = "    unsigned int state;"
A_SLIST = "    struct list_head softirq_list;"
A_DOM = "    struct domain *dom;"

# Names that must not be left in hvm.c once converted, and that no other
# file may use (this script converts only these two files).
GONE_HVM = ["dpci_list", "HVM_DPCI_SOFTIRQ", "softirq_list", "STATE_SCHED",
            "STATE_RUN", "->state", "dpci_softirq", "cpu_nfb", "cpu_callback"]
ELSEWHERE = {"softirq_list": (HVM_C, IRQ_H),
             "HVM_DPCI_SOFTIRQ": (HVM_C, "arch/x86/include/asm/softirq.h"),
             "pt_pirq_softirq_reset": (HVM_C,)}


class Refused(Exception):
    pass


def die(msg, code=2):
    sys.stderr.write("%s: %s\n" % (ME, msg))
    sys.exit(code)


def read(path):
    # latin-1 maps every byte to one character and back: byte-exact.
    with open(path, "rb") as f:
        return f.read().decode("latin-1")


def write(path, text):
    with open(path, "wb") as f:
        f.write(text.encode("latin-1"))


def sha(text):
    return hashlib.sha256(text.encode("latin-1")).hexdigest()


def lines_of(text):
    return text.splitlines(True)


def bare(line):
    return line.rstrip("\n").rstrip("\r")


class Editor:
    """Collects anchor misses and non-overlapping edits on one file."""

    def __init__(self, rel, text, misses):
        self.rel = rel
        self.lines = lines_of(text)
        self.misses = misses
        self.edits = []  # (start, end, new text)

    def miss(self, what):
        self.misses.append("xen/%s: %s" % (self.rel, what))

    def find(self, exact, lo=0, hi=None):
        hi = len(self.lines) if hi is None else hi
        return [i for i in range(lo, hi) if bare(self.lines[i]) == exact]

    def once(self, exact, lo=0, hi=None, what=None):
        found = self.find(exact, lo, hi)
        if len(found) != 1:
            self.miss("the line '%s' exactly once%s (found %d)" %
                      (exact, " " + what if what else "", len(found)))
            return None
        return found[0]

    def comment_above(self, i, gap=False):
        """Start of the /* ... */ block ending right above line i (or one
        blank line above it, with gap), or i if there is none."""
        j = i - 1
        if gap and j >= 0 and not bare(self.lines[j]).strip():
            j -= 1
        if j < 0 or bare(self.lines[j]) != " */":
            return i
        while j >= 0:
            s = bare(self.lines[j])
            if s.startswith("/*"):
                return j
            if not s.startswith(" *"):
                return i
            j -= 1
        return i

    def body_end(self, i, close="}"):
        """Index after the first line equal to close, from line i on."""
        for j in range(i + 1, len(self.lines)):
            if bare(self.lines[j]) == close:
                return j + 1
        self.miss("a line '%s' closing '%s'" % (close, bare(self.lines[i])))
        return None

    def replace(self, start, end, text):
        self.edits.append((start, end, text))

    def result(self):
        self.edits.sort()
        for (a, b, _), (c, _, _) in zip(self.edits, self.edits[1:]):
            if c < b:
                raise Refused("xen/%s: two edits overlap (lines %d-%d and %d)"
                              % (self.rel, a + 1, b, c + 1))
        out = list(self.lines)
        for a, b, t in reversed(self.edits):
            out[a:b] = [t] if t else []
        return "".join(out)


def drop_blank_after(ed, start, end):
    """Extend a deletion over one blank line so no double blank is left."""
    if (end < len(ed.lines) and not bare(ed.lines[end]).strip() and
            start > 0 and not bare(ed.lines[start - 1]).strip()):
        return end + 1
    return end


def convert_hvm(text, misses):
    ed = Editor(HVM_C, text, misses)

    i = ed.once(A_LIST)
    if i is not None:
        ed.replace(i, i + 1, ADAPTER)

    starts = [k for k in range(len(ed.lines) - 3)
              if [bare(x) for x in ed.lines[k:k + 4]] == A_ENUM]
    if len(starts) != 1:
        ed.miss("the enum {STATE_SCHED, STATE_RUN} exactly once (found %d)"
                % len(starts))
    else:
        k = starts[0]
        a = ed.comment_above(k, gap=True)
        ed.replace(a, drop_blank_after(ed, a, k + 4), "")

    for anchor, new in ((A_RAISE, RAISE), (A_ACTIVE, ACTIVE), (A_RESET, RESET)):
        i = ed.once(anchor, what="(the definition)")
        if i is None:
            continue
        if i + 1 >= len(ed.lines) or bare(ed.lines[i + 1]) != "{":
            ed.miss("'{' on the line after '%s'" % anchor)
            continue
        e = ed.body_end(i)
        if e is None:
            continue
        if anchor == A_RESET:
            # The replacement keeps the stock lock assertion: the event
            # lock must be the rwlock it names (Xen 4.17 on).
            for need in (A_RESET_D, A_RESET_ASSERT):
                if ed.once(need, i, e, "in pt_pirq_softirq_reset()") is None:
                    break
        ed.replace(ed.comment_above(i), e, new)

    i = ed.once(A_INIT, what="(the definition)")
    if i is not None:
        if i + 1 < len(ed.lines) and bare(ed.lines[i + 1]) == "{":
            ed.replace(i + 2, i + 2, INIT_LINE)
        else:
            ed.miss("'{' on the line after '%s'" % A_INIT)

    a_assist = ed.once(A_ASSIST, what="(the definition)")
    a_list = ed.find(A_LIST)
    if a_assist is not None and a_list and a_assist < a_list[0]:
        ed.miss("hvm_dirq_assist() defined after the dpci_list line")

    # The softirq, its CPU notifier and its initcall: one block, in order,
    # with nothing else defined in between.
    pos = [ed.once(x, what="(softirq / CPU notifier block)")
           for x in A_SOFTIRQ_BLOCK]
    if None not in pos:
        if pos != sorted(pos):
            ed.miss("dpci_softirq, cpu_callback, cpu_nfb, setup_dpci_softirq"
                    " and its __initcall in this order")
        else:
            a, e = ed.comment_above(pos[0]), pos[-1] + 1
            allowed = set(pos)
            for k in range(pos[0], e):
                s = bare(ed.lines[k])
                if (k not in allowed and s and s[0] not in " \t{}#/*" and
                        not s.startswith("    ")):
                    ed.miss("nothing but the softirq, cpu_callback, cpu_nfb "
                            "and setup_dpci_softirq between lines %d and %d "
                            "(found '%s' at line %d)" % (pos[0] + 1, e, s, k + 1))
                    break
            if e == len(ed.lines) and a > 0 and not bare(ed.lines[a - 1]).strip():
                a -= 1  # at the end of the file: no trailing blank line
            ed.replace(a, drop_blank_after(ed, a, e), "")

    return ed


def convert_irq(text, misses):
    ed = Editor(IRQ_H, text, misses)
    s = ed.once(A_STRUCT, what="(the definition)")
    if s is None:
        return ed
    e = ed.body_end(s, "};")
    if e is None:
        return ed
    incs = [k for k in range(s) if bare(ed.lines[k]).startswith("#include ")]
    if not incs:
        ed.miss("an #include line before '%s'" % A_STRUCT)
    else:
        ed.replace(incs[-1] + 1, incs[-1] + 1, INCLUDE_LINE)
    i = ed.once(A_STATE, s, e, "in struct hvm_pirq_dpci")
    if i is not None:
        ed.replace(i, i + 1, FIELD_LINE)
    i = ed.once(A_SLIST, s, e, "in struct hvm_pirq_dpci")
    if i is not None:
        ed.replace(i, i + 1, "")
    ed.once(A_DOM, s, e, "in struct hvm_pirq_dpci")
    return ed


def other_users(xdir):
    """Uses of the converted names outside the files converted."""
    found = []
    for top in ("arch", "common", "drivers", "include"):
        for root, dirs, files in os.walk(os.path.join(xdir, top)):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for f in sorted(files):
                if not f.endswith((".c", ".h")):
                    continue
                p = os.path.join(root, f)
                rel = os.path.relpath(p, xdir)
                if rel.startswith(("common/dwork/", "include/dwork")):
                    continue  # dwork's own files (their comments name them)
                t = read(p)
                for name, allowed in ELSEWHERE.items():
                    if rel not in allowed and name in t:
                        found.append("xen/%s uses %s" % (rel, name))
    return found


def generate(xdir, texts):
    """The converted texts of FILES from their stock texts, or Refused."""
    misses = []
    eds = [convert_hvm(texts[0], misses), convert_irq(texts[1], misses)]
    for u in other_users(xdir):
        misses.append("no other user of the converted names: " + u)
    if misses:
        raise Refused("not a tree whose dpci code this script can convert; "
                      "it looked for:\n  " + "\n  ".join(misses))
    out = [ed.result() for ed in eds]
    left = [n for n in GONE_HVM if n in out[0]]
    if left:
        raise Refused("xen/%s would still use %s after the conversion"
                      % (HVM_C, ", ".join(left)))
    return out


def stamp_text(xv, out):
    return "".join("%s %s\n" % (sha(t), f) for f, t in zip(FILES, out)) + \
        "Xen %s, dpci on dwork items\n" % xv


def stamp_hashes(path):
    h = {}
    for line in read(path).splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1] in FILES:
            h[parts[1]] = parts[0]
    return h


def xen_version(xdir):
    v = {}
    for line in read(os.path.join(xdir, "Makefile")).splitlines():
        for k in ("XEN_VERSION", "XEN_SUBVERSION"):
            p = line.split()
            if len(p) >= 4 and p[0] == "export" and p[1] == k and p[2] in ("=", "?="):
                v.setdefault(k, p[3])
    return "%s.%s" % (v.get("XEN_VERSION", "?"), v.get("XEN_SUBVERSION", "?"))


def changed_since(xdir):
    """Converted files that differ from what this script wrote."""
    h = stamp_hashes(os.path.join(xdir, BK, STAMP))
    return [f for f in FILES
            if sha(read(os.path.join(xdir, f))) != h.get(f)]


def convert(xdir):
    bk, stage = os.path.join(xdir, BK), os.path.join(xdir, STAGE)
    xv = xen_version(xdir)
    if not os.path.isfile(os.path.join(xdir, DWORK_STAMP)):
        raise Refused("dwork is not integrated (no xen/%s): run "
                      "integrate.sh first" % DWORK_STAMP)
    if os.path.isdir(bk):
        # Converted before: refresh from the kept stock files.
        ch = changed_since(xdir)
        if ch:
            raise Refused("converted, but changed since: %s; restore them "
                          "first (xen/%s/%s has the SHA-256 of what was "
                          "written)" % (", ".join("xen/" + f for f in ch), BK, STAMP))
        out = generate(xdir, [read(os.path.join(bk, os.path.basename(f)))
                              for f in FILES])
        cur = [read(os.path.join(xdir, f)) for f in FILES]
        if out == cur:
            print("%s: %s (Xen %s): dpci already on dwork items; nothing to do"
                  % (ME, xdir, xv))
            return
        for f, t, c in zip(FILES, out, cur):
            if t != c:
                write(os.path.join(xdir, f) + ".dwork-new", t)
                shutil.copymode(os.path.join(xdir, f), os.path.join(xdir, f) + ".dwork-new")
                os.replace(os.path.join(xdir, f) + ".dwork-new", os.path.join(xdir, f))
        write(os.path.join(bk, STAMP), stamp_text(xv, out))
        print("%s: refreshed the dpci conversion in Xen %s at %s" % (ME, xv, xdir))
        return
    for p in (stage,):
        if os.path.exists(p):
            shutil.rmtree(p)
    stock = [read(os.path.join(xdir, f)) for f in FILES]
    out = generate(xdir, stock)
    # 1. Everything into the stage directory.
    os.makedirs(os.path.join(stage, "stock"))
    for f, t in zip(FILES, out):
        n = os.path.join(stage, os.path.basename(f))
        write(n, t)
        shutil.copymode(os.path.join(xdir, f), n)
        shutil.copy2(os.path.join(xdir, f), os.path.join(stage, "stock", os.path.basename(f)))
    write(os.path.join(stage, "stock", STAMP + ".tmp"), stamp_text(xv, out))
    # 2. Move into place; any failure puts the stock files back.
    try:
        os.rename(os.path.join(stage, "stock"), bk)
        for f in FILES:
            os.replace(os.path.join(stage, os.path.basename(f)), os.path.join(xdir, f))
        os.replace(os.path.join(bk, STAMP + ".tmp"), os.path.join(bk, STAMP))
    except BaseException as ex:
        sys.stderr.write("%s: a step failed (%s); putting %s back as it was\n"
                         % (ME, ex, xdir))
        for f, t in zip(FILES, stock):
            p = os.path.join(xdir, f)
            if not os.path.isfile(p) or read(p) != t:
                write(p, t)
        shutil.rmtree(bk, ignore_errors=True)
        shutil.rmtree(stage, ignore_errors=True)
        die("%s: hvm.c and irq.h are stock again; dpci was not converted" % xdir)
    shutil.rmtree(stage, ignore_errors=True)
    print("%s: moved dpci onto dwork items in Xen %s at %s" % (ME, xv, xdir))


def revert(xdir):
    bk = os.path.join(xdir, BK)
    xv = xen_version(xdir)
    if not os.path.isdir(bk):
        print("%s: %s (Xen %s): dpci not converted; nothing to revert" % (ME, xdir, xv))
        return
    missing = [f for f in FILES + (STAMP,)
               if not os.path.isfile(os.path.join(bk, os.path.basename(f)))]
    if missing:
        raise Refused("xen/%s is incomplete (missing %s)" % (BK, ", ".join(missing)))
    ch = changed_since(xdir)
    if ch:
        raise Refused("%s changed since the conversion; --revert would lose "
                      "those changes.  Restore them (or remove xen/%s after "
                      "restoring the stock files by hand)"
                      % (", ".join("xen/" + f for f in ch), BK))
    for f in FILES:
        # Content back byte for byte; a new mtime so that make rebuilds.
        p = os.path.join(xdir, f)
        write(p + ".dwork-new", read(os.path.join(bk, os.path.basename(f))))
        shutil.copymode(p, p + ".dwork-new")
        os.replace(p + ".dwork-new", p)
    shutil.rmtree(bk)
    print("%s: reverted dpci to stock in Xen %s at %s" % (ME, xv, xdir))


def check(xdir):
    bk = os.path.join(xdir, BK)
    if not os.path.isdir(bk):
        print("  dpci: stock (integrate.sh --dpci moves it onto dwork items)")
        return 1
    ch = changed_since(xdir)
    print("  dpci: on dwork items%s" %
          ("" if not ch else "; changed since: " + ", ".join("xen/" + f for f in ch)))
    return 0


def main(argv):
    mode = "convert"
    if argv and argv[0] in ("--check", "--revert"):
        mode = argv.pop(0)[2:]
    elif argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    if len(argv) != 1 or argv[0].startswith("-"):
        die("usage: %s [--check|--revert] XEN_DIR" % ME)
    xdir = argv[0]
    if os.path.isfile(os.path.join(xdir, "xen", "Makefile")):
        xdir = os.path.join(xdir, "xen")
    xdir = os.path.abspath(xdir)
    if not all(os.path.isfile(os.path.join(xdir, f)) for f in FILES + ("Makefile",)):
        die("%s: no Xen hypervisor tree with %s here" % (xdir, " and ".join(FILES)))
    try:
        if mode == "check":
            return check(xdir)
        if mode == "revert":
            revert(xdir)
        else:
            convert(xdir)
    except Refused as r:
        die("%s: %s\nNothing was changed." % (xdir, r))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
