#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Regenerate everything docs/performance.md shows: one dwork-bench run
# (table and JSON from the same run), instruction counts, plots, demo.
#
# usage: bench/run-all.sh [builddir] [outdir] [extra dwork-bench args]
#   defaults: build docs/perf
set -eu
build=${1:-build}
out=${2:-docs/perf}
shift 2 2>/dev/null || shift $#
mkdir -p "$out"
meson compile -C "$build" dwork-bench dwork-demo dwork-irqoff >/dev/null
# One run, printed both ways: JSON on stdout, the table into a file.
"$build/bench/dwork-bench" --json --table "$out/results.txt" "$@" \
	>"$out/results.json"
bench/callgrind.sh "$build/bench/dwork-bench" 20000 "" "roundtrip storm lt feed" \
	>"$out/callgrind.txt"
"$build/demo/dwork-demo" --json "$out/demo.json" 2>/dev/null >"$out/demo.txt"
rt=
for a in "$@"; do [ "$a" = --rt ] && rt=--rt; done
if [ -n "$rt" ]; then
	# The same with every demo thread SCHED_FIFO: no lock-holder
	# preemption by other processes (docs/performance.md).
	"$build/demo/dwork-demo" --rt --json "$out/demo-rt.json" 2>/dev/null \
		>"$out/demo-rt.txt"
fi
"$build/bench/dwork-irqoff" --reps 50 $rt --json --table "$out/irqoff.txt" \
	>"$out/irqoff.json"
bench/plot.sh "$out/results.json" "$out" "$out/demo.json"
echo "run-all.sh: results in $out"
