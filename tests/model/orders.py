#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Order-minimality campaign: weaken every memory order in src/ one step.

usage: orders.py [--src DIR] [--wmm BINARY] [--cc CC] [--list] [--keep-going]

Finds every dwork_atomic_{load,store,xchg,cas,fetch_or,fence}() call in
src/*.c by parsing the source (no line numbers: a site is named by its
file, enclosing function, operation and pointer argument, so the campaign
follows the code as it moves).  For each DWORK_* order argument it makes
every one-step weakening:

    SEQ_CST -> ACQ_REL (RMW, fence) | ACQUIRE (load) | RELEASE (store)
    ACQ_REL -> RELEASE, ACQ_REL -> ACQUIRE
    RELEASE -> RELAXED, ACQUIRE -> RELAXED
    a CAS's failure order likewise (SEQ_CST -> ACQUIRE -> RELAXED)

and runs the checkers on the mutant, stopping at the first that reports
a violation:

  1. wmm: tests/model/wmm.c, every litmus test, orders read from the
     mutant (a weak-memory model; see docs/verification.md), stopping at
     the first violation;
  2. build: the mutant core compiles with -Wall -Wextra -Werror against
     the 'none' port (gcc rejects, e.g., a CAS failure order stronger
     than its success order: such a weakening is caught by "build").

The exhaustive explorer (suite 'model') is not run: it is sequentially
consistent, so it cannot tell two memory orders apart.

Prints a table site x weakening -> caught by / SURVIVED, and exits 1 if a
weakening survived: every order in src/ must be exactly as strong as a
check in CI shows it must be (adopt the weaker order, with the argument
for it in the barrier comment, or add the litmus test that catches it).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))

OPS = {  # operation -> indices of its order arguments
    "load": [1],
    "store": [2],
    "xchg": [2],
    "cas": [3, 4],
    "fetch_or": [2],
    "fence": [0],
}
RMW = {"xchg", "cas", "fetch_or", "fence"}


def weaker(order, op, is_fail):
    """One-step weakenings of @order for an access of kind @op."""
    if is_fail:  # a failed CAS is a load
        return {"SEQ_CST": ["ACQUIRE"], "ACQUIRE": ["RELAXED"]}.get(order, [])
    if order == "SEQ_CST":
        if op == "load":
            return ["ACQUIRE"]
        if op == "store":
            return ["RELEASE"]
        return ["ACQ_REL"]
    if order == "ACQ_REL":
        return ["RELEASE", "ACQUIRE"]
    if order in ("RELEASE", "ACQUIRE"):
        return ["RELAXED"]
    return []


def strip_comments(text):
    """Blank out comments and string literals, keeping offsets."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
        elif text[i] in "\"'":
            j = i + 1
            while j < n and text[j] != text[i]:
                j += 2 if text[j] == "\\" else 1
            j += 1
        else:
            i += 1
            continue
        for k in range(i, min(j, n)):
            if out[k] != "\n":
                out[k] = " "
        i = j
    return "".join(out)


def split_args(code, start):
    """@start is just after '('.  Returns [(text, offset)], end offset."""
    args, depth, cur = [], 0, start
    i = start
    while True:
        c = code[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                args.append((code[cur:i], cur))
                return args, i
            depth -= 1
        elif c == "," and depth == 0:
            args.append((code[cur:i], cur))
            cur = i + 1
        i += 1


FUNC_RE = re.compile(r"^[A-Za-z_][\w \t\*]*?\b(\w+)\s*\([^;{]*\)\s*\{",
                     re.M | re.S)
CALL_RE = re.compile(r"\bdwork_atomic_(load|store|xchg|cas|fetch_or|fence)\s*\(")


def find_sites(src_dir):
    sites = []
    for fname in sorted(os.listdir(src_dir)):
        if not fname.endswith(".c"):
            continue
        text = open(os.path.join(src_dir, fname), encoding="utf-8").read()
        code = strip_comments(text)
        funcs = [(m.start(), m.group(1)) for m in FUNC_RE.finditer(code)]
        seen = {}
        for m in CALL_RE.finditer(code):
            op = m.group(1)
            args, _ = split_args(code, m.end())
            func = "?"
            for off, name in funcs:
                if off < m.start():
                    func = name
            ptr = " ".join(args[0][0].split()) if op != "fence" else ""
            base = "%s:%s %s(%s)" % (fname, func, op, ptr)
            seen[base] = seen.get(base, 0) + 1
            name = base if seen[base] == 1 else "%s#%d" % (base, seen[base])
            line = text.count("\n", 0, m.start()) + 1
            orders = []
            for k, ai in enumerate(OPS[op]):
                atext, aoff = args[ai]
                om = re.search(r"\bDWORK_(RELAXED|ACQUIRE|RELEASE|ACQ_REL|SEQ_CST)\b",
                               atext)
                if not om or atext.strip() != om.group(0):
                    sys.exit("orders.py: %s line %d: order argument %r is not "
                             "a DWORK_* constant" % (fname, line, atext.strip()))
                orders.append((om.group(1), aoff + om.start(1),
                               k == 1 and op == "cas"))
            sites.append({"file": fname, "name": name, "op": op, "line": line,
                          "orders": orders})
    return sites


def weakenings(sites):
    for s in sites:
        for order, off, is_fail in s["orders"]:
            for w in weaker(order, s["op"], is_fail):
                yield s, order, off, is_fail, w


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, **kw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", default=os.path.join(ROOT, "src"))
    ap.add_argument("--wmm", help="wmm binary (default: build tests/model/wmm.c)")
    ap.add_argument("--cc", default=os.environ.get("CC", "cc"))
    ap.add_argument("--list", action="store_true", help="list the sites only")
    args = ap.parse_args()

    sites = find_sites(args.src)
    if args.list:
        for s in sites:
            print("%-55s line %4d  %s" % (s["name"], s["line"], " / ".join(
                o[0] for o in s["orders"])))
        return 0

    tmp = tempfile.mkdtemp(prefix="dwork-orders-")
    try:
        wmm = args.wmm
        if not wmm:
            wmm = os.path.join(tmp, "wmm")
            r = run([args.cc, "-O2", "-o", wmm, os.path.join(HERE, "wmm.c")])
            if not r.returncode:
                r = run([wmm, "--selftest"])
            if r.returncode:
                sys.exit("orders.py: wmm does not build or fails its self-test:\n" + r.stdout)
        mdir = os.path.join(tmp, "src")
        t0 = time.time()

        def check(files):
            """files: {name: text}.  Returns (checker, detail) or None."""
            shutil.rmtree(mdir, ignore_errors=True)
            os.makedirs(mdir)
            for f in os.listdir(args.src):
                if f.endswith(".c") or f.endswith(".h"):
                    txt = files.get(f)
                    if txt is None:
                        txt = open(os.path.join(args.src, f), encoding="utf-8").read()
                    open(os.path.join(mdir, f), "w", encoding="utf-8").write(txt)
            r = run([wmm, os.path.join(mdir, "engine.c"),
                     os.path.join(mdir, "item.c"), "--stop"])
            if r.returncode == 2:
                sys.exit("orders.py: wmm could not run:\n" + r.stdout)
            if r.returncode:
                v = [l for l in r.stdout.splitlines() if "VIOLATION" in l]
                lit = v[0].split()[1] if v else "?"
                return "wmm:" + lit, v[0].split("VIOLATION: ")[1] if v else ""
            for f in sorted(os.listdir(mdir)):
                if not f.endswith(".c"):
                    continue
                r = run([args.cc, "-std=c11", "-ffreestanding", "-fno-builtin",
                         "-Wall", "-Wextra", "-Werror", "-c", "-o", os.devnull,
                         "-I" + os.path.join(ROOT, "include"),
                         "-I" + os.path.join(ROOT, "port", "none", "include"),
                         "-I" + mdir, os.path.join(mdir, f)])
                if r.returncode:
                    msg = [l for l in r.stdout.splitlines() if "error" in l]
                    return "build", (msg[0] if msg else r.stdout.strip())[-90:]
            return None

        base = check({})
        if base:
            sys.exit("orders.py: the unmodified source fails %s: %s" % base)

        rows, survived = [], 0
        for s, order, off, is_fail, w in weakenings(sites):
            path = os.path.join(args.src, s["file"])
            text = open(path, encoding="utf-8").read()
            assert text[off:off + len(order)] == order
            mutant = text[:off] + w + text[off + len(order):]
            res = check({s["file"]: mutant})
            what = "%s%s->%s" % ("fail " if is_fail else "", order, w)
            if res is None:
                survived += 1
                rows.append((s["name"], what, "SURVIVED", ""))
            else:
                rows.append((s["name"], what, res[0], res[1]))
            print("orders: %-50s %-22s %s" % (s["name"], what, rows[-1][2]),
                  flush=True)

        nsites = len(sites)
        strong = sum(1 for s in sites if any(o[0] != "RELAXED" for o in s["orders"]))
        print()
        print("| site (file:function op(pointer)) | weakening | caught by | violation |")
        print("| --- | --- | --- | --- |")
        for r in rows:
            print("| `%s` | %s | %s | %s |" % r)
        print()
        print("orders: %d atomic sites in %s (%d relaxed everywhere, nothing to "
              "weaken), %d one-step weakenings: %d caught, %d survived "
              "(%.0f s)" % (nsites, args.src, nsites - strong,
                            len(rows), len(rows) - survived, survived,
                            time.time() - t0))
        return 1 if survived else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
