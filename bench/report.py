#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Markdown tables for docs/performance.md from dwork-bench --json output.

usage: bench/report.py docs/perf/results.json
"""
import json
import sys

d = json.load(open(sys.argv[1]))
impls = [i["impl"] for i in d["impls"]]
res = {}
for r in d["results"]:
    res[(r["scenario"], r["cpus"], r["impl"])] = r


def cell(scen, cpus, impl, key, scale, fmt):
    r = res.get((scen, cpus, impl))
    if not r or r.get(key) is None:
        return "-"
    v = fmt % (r[key] / scale)
    return "**%s**" % v if impl == "dwork" else v


rows = [
    ("local_roundtrip, ns", "local_roundtrip", 1, "ns_per_op", 1, "%.1f"),
    ("local_throughput, Mops/s", "local_throughput", 1, "ops_per_s", 1e6, "%.1f"),
    ("local_throughput, Mops/s", "local_throughput", 2, "ops_per_s", 1e6, "%.1f"),
    ("local_throughput, Mops/cpu-s", "local_throughput", 1, "ops_per_cpu_s", 1e6, "%.1f"),
    ("local_throughput, Mops/cpu-s", "local_throughput", 2, "ops_per_cpu_s", 1e6, "%.1f"),
    ("feed_throughput, Mops/s", "feed_throughput", 2, "ops_per_s", 1e6, "%.2f"),
    ("feed_throughput, ns/op", "feed_throughput", 2, "ns_per_op", 1, "%.0f"),
    ("feed_latency median, ns", "feed_latency", 2, "ns_per_op", 1, "%.0f"),
    ("feed_latency p99, ns", "feed_latency", 2, "p99_ns", 1, "%.0f"),
    ("storm, Mraises/s", "storm", 1, "ops_per_s", 1e6, "%.1f"),
    ("storm, Mraises/s", "storm", 2, "ops_per_s", 1e6, "%.1f"),
    ("feed_many, Mcallbacks/s", "feed_many", d.get("many_cpus", 2),
     "ops_per_s", 1e6, "%.2f"),
    ("feed_many, Mcallbacks/cpu-s", "feed_many", d.get("many_cpus", 2),
     "ops_per_cpu_s", 1e6, "%.2f"),
    ("feed_all, Mcallbacks/s", "feed_all", d.get("many_cpus", 2),
     "ops_per_s", 1e6, "%.2f"),
    ("feed_all, Mcallbacks/cpu-s", "feed_all", d.get("many_cpus", 2),
     "ops_per_cpu_s", 1e6, "%.2f"),
]
print("Load average before / after: %s / %s; %d repetitions, medians.\n"
      % (d["loadavg_before"], d["loadavg_after"], d["reps"]))
print("| scenario | cpus | " + " | ".join(
    "**%s**" % i if i == "dwork" else i for i in impls) + " |")
print("| --- | --- |" + " --- |" * len(impls))
for label, scen, cpus, key, scale, fmt in rows:
    print("| %s | %d | %s |" % (label, cpus, " | ".join(
        cell(scen, cpus, i, key, scale, fmt) for i in impls)))
print()
print("| target | got | |")
print("| --- | --- | --- |")
for t in d["targets"]:
    print("| %s, want %s | %.2fx | %s |" % (t["name"].strip(), t["want"],
                                           t["value"],
                                           "met" if t["met"] else "**missed**"))
