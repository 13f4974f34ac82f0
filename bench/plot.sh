#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Plots from dwork-bench --json output (gnuplot, SVG).
#
# usage: bench/plot.sh results.json outdir [demo.json]
# e.g.:  build/bench/dwork-bench --json > docs/perf/results.json
#        build/demo/dwork-demo --json docs/perf/demo.json
#        bench/plot.sh docs/perf/results.json docs/perf docs/perf/demo.json
# Needs python3 (to read the JSON) and gnuplot (Debian: gnuplot-nox).
set -eu
json=${1:?usage: plot.sh results.json outdir}
out=${2:?usage: plot.sh results.json outdir}
demo=${3:-}
command -v gnuplot >/dev/null 2>&1 || {
	echo "plot.sh: gnuplot not installed (apt-get install gnuplot-nox)" >&2
	exit 1
}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One data file per scenario: "impl" then, per series, value low high
# (low..high: the range over the repetitions, drawn as error bars).
python3 - "$json" "$tmp" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
tmp = sys.argv[2]
rows = {}
for r in d["results"]:
    rows.setdefault(r["scenario"], {}).setdefault(r["impl"], {})[r["cpus"]] = r
order = [i["impl"] for i in d.get("impls", [])]
def series(r, key, scale):
    if r is None or r.get(key) is None:
        return ["NaN"] * 3
    v = r[key] / scale
    lo = hi = v
    if key == "ops_per_s":
        lo = 1e9 / r["max_ns_per_op"] / scale
        hi = 1e9 / r["min_ns_per_op"] / scale
    elif key == "ns_per_op":
        lo, hi = r["min_ns_per_op"] / scale, r["max_ns_per_op"] / scale
    return ["%.3f" % x for x in (v, lo, hi)]
def emit(name, scen, cols):
    impls = [i for i in order if i in rows.get(scen, {})]
    with open(f"{tmp}/{name}.dat", "w") as f:
        for i in impls:
            vals = []
            for cpus, key, scale in cols:
                vals += series(rows[scen][i].get(cpus), key, scale)
            f.write('"%s" %s\n' % (i, " ".join(vals)))
emit("rt", "local_roundtrip", [(1, "ns_per_op", 1)])
emit("tp", "local_throughput", [(1, "ops_per_s", 1e6), (2, "ops_per_s", 1e6)])
emit("feed", "feed_throughput", [(2, "ops_per_s", 1e6)])
emit("lat", "feed_latency", [(2, "ns_per_op", 1), (2, "p99_ns", 1)])
emit("storm", "storm", [(1, "ops_per_s", 1e6), (2, "ops_per_s", 1e6)])
mc = d.get("many_cpus", 2)
impls = [i for i in order if i in rows.get("feed_many", {})]
with open(f"{tmp}/many.dat", "w") as f:
    for i in impls:
        vals = series(rows["feed_many"][i].get(mc), "ops_per_s", 1e6)
        vals += series(rows.get("feed_all", {}).get(i, {}).get(mc),
                       "ops_per_s", 1e6)
        f.write('"%s" %s\n' % (i, " ".join(vals)))
with open(f"{tmp}/many_cpus.txt", "w") as f:
    f.write("%d CPU threads on %s host CPUs" % (mc, d.get("host_cpus", "?")))
with open(f"{tmp}/machine.txt", "w") as f:
    f.write(d.get("machine", "").replace('"', "'"))
    if d.get("sched_fifo"):
        f.write(", --rt")
    f.write("; medians of %s, bars: min..max" % d.get("reps", "?"))
PY
machine=$(cat "$tmp/machine.txt")
many=$(cat "$tmp/many_cpus.txt")

common="set terminal svg size 720,400 dynamic noenhanced font 'sans,11'
set style data histogram
set style histogram errorbars gap 1 lw 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set grid ytics
set yrange [0:*]
set offsets 0,0,graph 0.15,0
set xtics rotate by -25 nomirror
set key top right
set label 1 \"$machine\" at screen 0.01,0.02 font 'sans,8'"

gnuplot <<GP
$common
set output "$out/local_roundtrip.svg"
set title "local_roundtrip: schedule + run on 1 CPU (lower is better)"
set ylabel "ns per round trip (median)"
plot "$tmp/rt.dat" using 2:3:4:xtic(1) title "1 CPU" lc rgb "#4477aa"

set output "$out/local_throughput.svg"
set title "local_throughput: each CPU schedules and runs its own tasklets (higher is better)"
set ylabel "million ops/s (median)"
plot "$tmp/tp.dat" using 2:3:4:xtic(1) title "1 CPU" lc rgb "#4477aa", \
     "" using 5:6:7 title "2 CPUs" lc rgb "#ee6677"

set output "$out/feed_throughput.svg"
set title "feed_throughput: CPU 0 feeds CPU 1, 256 in flight (higher is better)"
set ylabel "million callbacks/s on CPU 1 (median)"
plot "$tmp/feed.dat" using 2:3:4:xtic(1) title "2 CPUs" lc rgb "#228833"

set output "$out/feed_latency.svg"
set title "feed_latency: schedule_on -> callback start (lower is better)"
set ylabel "ns"
plot "$tmp/lat.dat" using 2:3:4:xtic(1) title "median" lc rgb "#4477aa", \
     "" using 5:6:7 title "p99" lc rgb "#ccbb44"

set output "$out/storm.svg"
set title "storm: item raises in IRQ context, 75% coalesced (higher is better)"
set ylabel "million raises/s (median)"
plot "$tmp/storm.dat" using 2:3:4:xtic(1) title "1 CPU" lc rgb "#4477aa", \
     "" using 5:6:7 title "2 CPUs" lc rgb "#ee6677"

set output "$out/feed_many.svg"
set title "feed_many: all CPUs but one feed CPU 0; feed_all: all to all ($many; higher is better)"
set ylabel "million callbacks/s, all CPUs (median)"
plot "$tmp/many.dat" using 2:3:4:xtic(1) title "feed_many" lc rgb "#228833", \
     "" using 5:6:7 title "feed_all" lc rgb "#aa3377"
GP
echo "plot.sh: wrote $out/{local_roundtrip,local_throughput,feed_throughput,feed_latency,storm,feed_many}.svg"

[ -n "$demo" ] || exit 0
python3 - "$demo" "$tmp" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
with open(sys.argv[2] + "/demo.dat", "w") as f:
    for x in d["designs"]:
        f.write('"%s" %.4f %.2f\n' % (x["design"], x["idle_machinery_pct"],
                                     x["ns_per_tick"] / 1e3))
with open(sys.argv[2] + "/demo.txt", "w") as f:
    f.write("%d CPUs (%d storm), %d us timer tick, %.0f s per design" % (
        d["cpus"], d["storm_cpus"], d["tick_us"], d["designs"][0]["seconds"]))
PY
dtitle=$(cat "$tmp/demo.txt")
gnuplot <<GP
set terminal svg size 560,400 dynamic noenhanced font 'sans,11'
set output "$out/demo.svg"
set title "dwork-demo: idle CPU time inside deferred-work machinery"
set style data histogram
set style fill solid 0.8 border -1
set boxwidth 0.6
set logscale y
set yrange [0.01:100]
set grid ytics
set ylabel "% of the idle CPU (log scale)"
set label 1 "$dtitle" at screen 0.01,0.02 font 'sans,8'
plot "$tmp/demo.dat" using 2:xtic(1) notitle lc rgb "#4477aa", \
     "" using 0:(\$2*1.4):(sprintf("%.2f%%  (%.1f us/tick)", \$2, \$3)) with labels notitle
GP
echo "plot.sh: wrote $out/demo.svg"
