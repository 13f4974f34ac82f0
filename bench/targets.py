#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""How robust is each target of dwork-bench?  Run it several times and
count, for every target it prints, in how many runs it was met, with the
median, minimum and maximum of its ratio over the runs; then dwork
against each implementation alone, scenario by scenario.

On a shared, noisy machine a ratio near 1.0 is met in one run and missed
in the next; one run cannot tell a real gap from noise.  This can.

The instruction targets come first: callgrind counts of dwork-bench
(bench/callgrind.sh, the four loops "roundtrip storm lt feed") against
fixed budgets for the default build (INSTR_TARGETS below), and, for a
build with -Dstats=false, against ck's count in the same callgrind run.
Callgrind counts are deterministic, so one count per build suffices: the
"met" column says 1/1 or 0/1.

usage:
  bench/targets.py --runs N [--keep DIR] [--icount] [--lean PATH]
                   -- path/to/dwork-bench [ARGS...]
  bench/targets.py [--icount-json FILE] [--lean-json FILE] [FILE.json...]
                                       (summarise runs already made)

ARGS go to every run (e.g. --rt --reps 7 --ms 200 --scenario ...);
--json is added.  --keep DIR stores each run's JSON as DIR/run-K.json
(and the counts as DIR/icount.json, DIR/icount-lean.json).
--icount counts the instructions of the dwork-bench given after --;
--lean PATH those of a dwork-bench built with -Dstats=false (both with
bench/callgrind.sh, which needs valgrind).  --runs 0 runs no timing at
all.  --icount-json / --lean-json read counts that
"bench/callgrind.sh BENCH 20000 --json 'roundtrip storm lt feed'" wrote.
Exit status 0; the verdicts are printed, not judged.
"""
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CG_ITERS = "20000"
CG_SCENARIOS = ("roundtrip", "storm", "lt", "feed")
CG_KEYS = {
    "roundtrip": ("instructions_per_roundtrip", "local round trip"),
    "storm": ("instructions_per_storm_raise", "storm raise"),
    "lt": ("instructions_per_lt_op", "local_throughput op"),
    "feed": ("instructions_per_fed_callback", "fed callback"),
}
# The instruction targets of the default build (performance issue: every
# feature kept); the -Dstats=false build's target is ck's count.
INSTR_TARGETS = {"roundtrip": 200.0, "storm": 75.0, "lt": 110.0,
                 "feed": 140.0}


def callgrind(bench, keep, name):
    """Counts of @bench by bench/callgrind.sh (JSON), stored in @keep."""
    out = subprocess.run(
        [os.path.join(HERE, "callgrind.sh"), bench, CG_ITERS, "--json",
         " ".join(CG_SCENARIOS)],
        check=True, stdout=subprocess.PIPE, text=True).stdout
    if keep:
        with open(os.path.join(keep, name), "w") as f:
            f.write(out)
    print(f"targets.py: instructions of {bench} counted", file=sys.stderr)
    return json.loads(out)


def counts(cg):
    """{(scenario, impl): instructions per operation} of a callgrind JSON."""
    res = {}
    for e in cg.get("results", []):
        key = CG_KEYS[e["scenario"]][0]
        res[(e["scenario"], e["impl"])] = e[key]
    return res


def instr_targets(cg, lean):
    """Rows (name, want, value, met) of the instruction targets."""
    rows = []
    if cg:
        c = counts(cg)
        for s in CG_SCENARIOS:
            v = c.get((s, "dwork"))
            if v is None:
                continue
            want = INSTR_TARGETS[s]
            rows.append((f"{CG_KEYS[s][1]} instructions (dwork)",
                         f"<= {want:g}", v, v <= want))
    if lean:
        c = counts(lean)
        for s in CG_SCENARIOS:
            v = c.get((s, "dwork"))
            ck = c.get((s, "ck"))
            if v is None or ck is None:
                continue
            rows.append((f"{CG_KEYS[s][1]} instructions "
                         "(dwork -Dstats=false)", f"<= {ck:g} (ck)", v,
                         v <= ck))
    return rows


def take_opt(argv, name, has_arg=True):
    """Remove option @name (and its argument) from @argv; its value."""
    if name not in argv:
        return None
    i = argv.index(name)
    if "--" in argv and argv.index("--") < i:
        return None  # an argument of dwork-bench
    if not has_arg:
        del argv[i]
        return True
    val = argv[i + 1]
    del argv[i:i + 2]
    return val


def load_runs(argv):
    runs = []
    cg = lean = None
    icount = take_opt(argv, "--icount", has_arg=False)
    lean_bench = take_opt(argv, "--lean")
    cg_json = take_opt(argv, "--icount-json")
    lean_json = take_opt(argv, "--lean-json")
    if cg_json:
        with open(cg_json) as f:
            cg = json.load(f)
    if lean_json:
        with open(lean_json) as f:
            lean = json.load(f)
    if argv and argv[0] == "--runs":
        n = int(argv[1])
        rest = argv[2:]
        keep = None
        if rest and rest[0] == "--keep":
            keep = rest[1]
            rest = rest[2:]
            os.makedirs(keep, exist_ok=True)
        if not rest or rest[0] != "--":
            sys.exit(__doc__)
        cmd = rest[1:] + ["--json"]
        if icount:
            cg = callgrind(rest[1], keep, "icount.json")
        if lean_bench:
            lean = callgrind(lean_bench, keep, "icount-lean.json")
        for k in range(n):
            out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE,
                                 text=True).stdout
            if keep:
                with open(os.path.join(keep, f"run-{k + 1}.json"), "w") as f:
                    f.write(out)
            runs.append(json.loads(out))
            print(f"targets.py: run {k + 1} of {n} done", file=sys.stderr)
    else:
        if not argv and not cg and not lean:
            sys.exit(__doc__)
        for path in argv:
            with open(path) as f:
                runs.append(json.load(f))
    return runs, cg, lean


def main():
    runs, cg, lean = load_runs(sys.argv[1:])
    rows = instr_targets(cg, lean)
    if rows:
        print("instruction targets (callgrind, deterministic: one count "
              "per build)")
        print(f"{'target':<56} {'want':>14} {'met':>5} {'count':>7}")
        for name, want, v, met in rows:
            print(f"{name:<56} {want:>14} {int(met):>3}/1 {v:7.1f}")
        if not runs:
            return
        print()
    by_name = {}
    order = []
    for r in runs:
        for t in r.get("targets", []):
            if t.get("value") is None:
                continue  # not measured in this run
            if t["name"] not in by_name:
                by_name[t["name"]] = []
                order.append(t["name"])
            by_name[t["name"]].append(t)
    loads = [r.get("loadavg_before", "?").split()[0] for r in runs]
    print(f"{len(runs)} runs of dwork-bench; 1-minute load before each: "
          + " ".join(loads))
    print(f"{'target':<52} {'want':>8} {'met':>7} {'median':>7} "
          f"{'min..max':>12}")
    for name in order:
        ts = by_name[name]
        vals = [t["value"] for t in ts]
        met = sum(1 for t in ts if t["met"])
        print(f"{name:<52} {ts[0]['want']:>8} {met:>3}/{len(ts):<3} "
              f"{statistics.median(vals):7.2f} "
              f"{min(vals):5.2f}..{max(vals):<5.2f}")
    per_baseline(runs)


def per_baseline(runs):
    """dwork against each implementation, scenario by scenario: the median
    over the runs of that implementation's ns/op divided by dwork's (> 1:
    dwork faster), and in how many runs dwork was faster.  A target
    against "the best per-CPU baseline" compares dwork with the fastest
    of three noisy measurements in every run, which favours the
    baselines: of four equally fast implementations dwork would come out
    ahead of all three in about one run in four."""
    table = {}
    impls = []
    for r in runs:
        ns = {}
        for e in r.get("results", []):
            ns[(e["scenario"], e["cpus"], e["impl"])] = e["ns_per_op"]
            if e["impl"] not in impls:
                impls.append(e["impl"])
        for (scen, cpus, impl), v in ns.items():
            d = ns.get((scen, cpus, "dwork"))
            if impl == "dwork" or not d or not v:
                continue
            table.setdefault((scen, cpus), {}).setdefault(impl, []).append(
                v / d)
    others = [i for i in impls if i != "dwork"]
    print()
    print("per implementation: median over the runs of its ns/op divided "
          "by dwork's (> 1: dwork faster),")
    print("and in how many runs dwork was faster")
    print(f"{'scenario':<20} {'cpus':>4} "
          + " ".join(f"{i:>14}" for i in others))
    for (scen, cpus), row in table.items():
        cells = []
        for i in others:
            v = row.get(i)
            if not v:
                cells.append(f"{'-':>14}")
                continue
            won = sum(1 for x in v if x > 1.0)
            cells.append(f"{statistics.median(v):6.2f} {won:>3}/{len(v):<3}")
        print(f"{scen:<20} {cpus:>4} " + " ".join(cells))


if __name__ == "__main__":
    main()
