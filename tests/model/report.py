#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Summarise a meson testlog.txt of suite 'model' as Markdown tables.

usage: tests/model/report.py build/meson-logs/testlog.txt
Prints schedules explored per scenario, then each mutant with the number
of schedules (or executions) after which its violation was found.
"""
import re
import sys

text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
blocks = re.split(r"\n(?==+ \d+/\d+ =+\n)", text)
scen, muts, lit, wmut = [], [], [], []
for b in blocks:
    m = re.search(r"test:\s+dwork:model / (\S+)", b)
    if not m:
        continue
    name = m.group(1)
    res = re.search(r"result:\s+(.*)", b)
    res = res.group(1).strip() if res else "?"
    ok = res == "exit status 0"
    if name.startswith("wmm_"):
        if name == "wmm_litmus":
            for l in re.finditer(r"wmm: (\S+)\s+(\d+) executions, (.*)", b):
                lit.append((l.group(1), l.group(2), l.group(3)))
        else:
            v = re.search(r"wmm: (\S+)\s+(\d+) executions, VIOLATION: (.*)", b)
            mm = re.match(r"wmm_(\w+?)_mutant_(\w+)", name)
            wmut.append((mm.group(2) if mm else name,
                         v.group(1) if v else "?",
                         v.group(2) if v else "-",
                         v.group(3) if v else res, ok))
        continue
    if "_mutant_" in name:
        s, mu = name[len("model_"):].split("_mutant_")
        v = re.search(r"VIOLATION after (\d+) schedules: (.*)", b)
        muts.append((mu, s, v.group(1) if v else "-",
                     v.group(2) if v else res, ok))
    else:
        v = re.search(r"model: \S+: (\d+) schedules explored \(exhaustive "
                      r"within bound (\d+)\)", b)
        t = re.search(r"duration:\s+(\S+)", b)
        scen.append((name[len("model_"):], v.group(1) if v else "-",
                     v.group(2) if v else "-", t.group(1) if t else "?", ok))

print("| scenario | bound | schedules explored | time | result |")
print("| --- | --- | --- | --- | --- |")
for s in scen:
    print("| `%s` | %s | %s | %s | %s |" % (s[0], s[2], s[1], s[3],
                                          "pass" if s[4] else "FAIL"))
print()
print("| mutant | scenario | found after | violation reported |")
print("| --- | --- | --- | --- |")
for m in muts:
    print("| `%s` | `%s` | %s schedules | %s%s |" % (
        m[0], m[1], m[2], m[3], "" if m[4] else " (NOT CAUGHT)"))
print()
print("| litmus | executions | outcome |")
print("| --- | --- | --- |")
for l in lit:
    print("| `%s` | %s | %s |" % l)
print()
print("| mutant | litmus | found after | violation |")
print("| --- | --- | --- | --- |")
for m in wmut:
    print("| `%s` | `%s` | %s executions | %s%s |" % (
        m[0], m[1], m[2], m[3], "" if m[4] else " (NOT CAUGHT)"))
