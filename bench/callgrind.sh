#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Instructions per local round trip (schedule + softirq run), counted by
# valgrind's callgrind inside bench_rt_loop() only, for each implementation.
# Deterministic: the count does not depend on timing or machine load.
#
# usage: bench/callgrind.sh path/to/dwork-bench [iters] [--json]
set -eu
bench=${1:?usage: callgrind.sh path/to/dwork-bench [iters] [--json]}
iters=${2:-100000}
json=${3:-}
command -v valgrind >/dev/null 2>&1 || {
	echo "callgrind.sh: valgrind not installed (apt-get install valgrind)" >&2
	exit 1
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
impls=$("$bench" --help 2>&1 | sed -n 's/^impls: //p')
# bench_rt_loop runs a warm-up of iters/10+1 round trips, then iters.
total=$((iters + iters / 10 + 1))
[ -n "$json" ] && printf '{"iters": %s, "results": [' "$total"
first=1
for impl in $impls; do
	out="$tmp/cg.$impl"
	valgrind --tool=callgrind --callgrind-out-file="$out" \
		--toggle-collect=bench_rt_loop \
		"$bench" --rt-only "$impl" --iters "$iters" >/dev/null 2>"$tmp/log"
	ir=$(sed -n 's/^summary: *//p' "$out" | awk '{print $1}')
	per=$(awk -v ir="$ir" -v n="$total" 'BEGIN { printf "%.1f", ir / n }')
	if [ -n "$json" ]; then
		[ $first -eq 1 ] || printf ','
		printf '\n  {"impl": "%s", "instructions_per_roundtrip": %s}' \
			"$impl" "$per"
	else
		printf '%-12s %8s instructions per local round trip\n' "$impl" "$per"
	fi
	first=0
done
[ -n "$json" ] && printf '\n]}\n'
exit 0
