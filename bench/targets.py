#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""How robust is each target of dwork-bench?  Run it several times and
count, for every target it prints, in how many runs it was met, with the
median, minimum and maximum of its ratio over the runs; then dwork
against each implementation alone, scenario by scenario.

On a shared, noisy machine a ratio near 1.0 is met in one run and missed
in the next; one run cannot tell a real gap from noise.  This can.

usage:
  bench/targets.py --runs N [--keep DIR] -- path/to/dwork-bench [ARGS...]
  bench/targets.py FILE.json...        (summarise runs already made)

ARGS go to every run (e.g. --rt --reps 7 --ms 200 --scenario ...);
--json is added.  --keep DIR stores each run's JSON as DIR/run-K.json.
Exit status 0; the verdicts are printed, not judged.
"""
import json
import os
import statistics
import subprocess
import sys


def load_runs(argv):
    runs = []
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
        for k in range(n):
            out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE,
                                 text=True).stdout
            if keep:
                with open(os.path.join(keep, f"run-{k + 1}.json"), "w") as f:
                    f.write(out)
            runs.append(json.loads(out))
            print(f"targets.py: run {k + 1} of {n} done", file=sys.stderr)
    else:
        if not argv:
            sys.exit(__doc__)
        for path in argv:
            with open(path) as f:
                runs.append(json.load(f))
    return runs


def main():
    runs = load_runs(sys.argv[1:])
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
