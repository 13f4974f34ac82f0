#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# CI smoke run of the benchmark and the demo (about a minute at most):
# dwork-bench --json in quick mode, with the JSON's shape checked, and
# dwork-demo --quick.  Numbers are not judged here: CI machines are noisy.
set -euo pipefail
cd "$(dirname "$0")/../.."

./scripts/ensure-deps.sh liburcu-dev libck-dev python3

B=build-ci-bench
if [ ! -f "$B/build.ninja" ]; then
	meson setup "$B" -Dtests=disabled >/dev/null
fi
meson compile -C "$B" dwork-bench dwork-demo dwork-irqoff >/dev/null

echo "--- dwork-bench --quick --json"
timeout 120 "$B/bench/dwork-bench" --quick --reps 1 --ms 30 --json \
	>"$B/bench.json"
python3 - "$B/bench.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
res = d["results"]
assert isinstance(res, list) and res, "no results"
need_scen = {"local_roundtrip", "local_throughput", "feed_throughput",
             "feed_latency", "storm", "feed_many", "feed_all"}
need_impl = {"floor", "dwork", "global_lock", "feeder_lock", "wfcqueue", "ck"}
seen_scen, seen_impl = set(), set()
for r in res:
    for k, t in (("scenario", str), ("impl", str), ("cpus", int),
                 ("ops_per_s", (int, float)), ("ns_per_op", (int, float))):
        assert isinstance(r.get(k), t), "bad %s in %r" % (k, r)
    assert r["ops_per_s"] > 0 and r["ns_per_op"] > 0, r
    if r["scenario"] == "feed_latency":
        assert isinstance(r.get("p99_ns"), (int, float)), r
        assert r["p99_ns"] >= r["ns_per_op"], r
    seen_scen.add(r["scenario"])
    seen_impl.add(r["impl"])
assert need_scen <= seen_scen, "missing scenarios %s" % (need_scen - seen_scen)
assert need_impl <= seen_impl, "missing impls %s" % (need_impl - seen_impl)
cpus = {(r["scenario"], r["cpus"]) for r in res}
assert ("local_throughput", 1) in cpus and ("local_throughput", 2) in cpus
assert ("feed_many", d["many_cpus"]) in cpus, "feed_many not on --cpus"
assert len(d["targets"]) >= 6, d["targets"]
assert d.get("checks_failed") == 0, "runs did not match schedules"
print("bench JSON ok: %d results, %d impls" % (len(res), len(seen_impl)))
for t in d["targets"]:
    print("  %-50s %7.2f  %s  %s" % (t["name"], t["value"], t["want"],
                                     "met" if t["met"] else "missed"))
PY

echo "--- dwork-irqoff (IRQs-off sections per entry point)"
timeout 60 "$B/bench/dwork-irqoff" --reps 2 --nodes 2000 --json >"$B/irqoff.json"
python3 - "$B/irqoff.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
e = {x["entry"]: x for x in d["entries"]}
assert len(e) >= 10, e.keys()
for k, x in e.items():
    assert x["sections"] > 0 and x["max_ns"] >= x["p99_ns"] >= 0, (k, x)
# dwork_cpu_dead adopts in bounded steps: many sections, not one per call.
dead = [x for k, x in e.items() if k.startswith("cpu_dead")]
assert dead and all(x["sections"] > 2 * d["reps"] for x in dead), dead
print("irqoff JSON ok: %d entry points" % len(e))
PY

echo "--- dwork-demo --quick"
timeout 60 "$B/demo/dwork-demo" --quick --json "$B/demo.json" 2>/dev/null |
	tee "$B/demo.txt"
grep -q "idle CPU time inside deferred-work machinery" "$B/demo.txt"
grep -q "per-CPU summary, dwork" "$B/demo.txt"
grep -q "with the long waits removed" "$B/demo.txt"
grep -q "model of Xen.s tasklet design before dwork" "$B/demo.txt"
python3 - "$B/demo.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
names = [x["design"] for x in d["designs"]]
assert names == ["global_lock", "dwork"], names
for x in d["designs"]:
    assert x["ticks"] > 0 and x["timer_runs"] > 0, x
    assert len(x["per_cpu"]) == d["cpus"], x
print("demo JSON ok")
PY
echo "--- bench step ok"
