#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Instructions per operation, counted by valgrind's callgrind inside one
# measured loop of dwork-bench only, for each implementation:
#   roundtrip  per local round trip (schedule + softirq run), bench_rt_loop()
#   storm      per raise in a storm burst (hard IRQ, 8 items raised 32
#              times, then the softirq: 3 of 4 raises coalesce),
#              bench_storm_loop()
#   lt         per local_throughput operation (32 tasklets scheduled,
#              then the softirq runs them), bench_lt_loop()
#   feed       per callback fed from CPU 0 to CPU 1 (schedule_on, drain,
#              run; one thread plays both CPUs, batches of 16),
#              bench_feed_loop()
# Deterministic: the count does not depend on timing or machine load.
#
# usage: bench/callgrind.sh path/to/dwork-bench [iters] [--json] [scenarios]
#   scenarios: space-separated subset of "roundtrip storm lt feed"
#   (default: roundtrip only, the historical output).
# CALLGRIND_IMPLS (environment): space-separated implementations to count
#   (default: every implementation dwork-bench lists).
set -eu
bench=${1:?usage: callgrind.sh path/to/dwork-bench [iters] [--json] [scenarios]}
iters=${2:-100000}
json=${3:-}
scens=${4:-roundtrip}
command -v valgrind >/dev/null 2>&1 || {
	echo "callgrind.sh: valgrind not installed (apt-get install valgrind)" >&2
	exit 1
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
impls=${CALLGRIND_IMPLS:-$("$bench" --help 2>&1 | sed -n 's/^impls: //p')}
# Each loop runs a warm-up of iters/10+1 units, then iters units.
units=$((iters + iters / 10 + 1))
[ "$json" = "--json" ] && printf '{"iters": %s, "results": [' "$units"
first=1
for scen in $scens; do
	case $scen in
	roundtrip) fn=bench_rt_loop; arg=; per=1; what="local round trip"
		key=instructions_per_roundtrip ;;
	storm) fn=bench_storm_loop; arg="--cg storm"; per=32
		what="storm raise"; key=instructions_per_storm_raise ;;
	lt) fn=bench_lt_loop; arg="--cg lt"; per=32
		what="local_throughput op"; key=instructions_per_lt_op ;;
	feed) fn=bench_feed_loop; arg="--cg feed"; per=16
		what="fed callback"; key=instructions_per_fed_callback ;;
	*) echo "callgrind.sh: unknown scenario $scen" >&2; exit 2 ;;
	esac
	for impl in $impls; do
		out="$tmp/cg.$scen.$impl"
		rc=0
		# shellcheck disable=SC2086
		valgrind --tool=callgrind --callgrind-out-file="$out" \
			--toggle-collect=$fn \
			"$bench" --rt-only "$impl" --iters "$iters" $arg \
			>/dev/null 2>"$tmp/log" || rc=$?
		[ $rc -eq 3 ] && continue # no cross-CPU transport (floor)
		if [ $rc -ne 0 ]; then
			echo "callgrind.sh: $impl $scen failed (exit $rc)" >&2
			cat "$tmp/log" >&2
			exit 1
		fi
		ir=$(sed -n 's/^summary: *//p' "$out" | awk '{print $1}')
		n=$(awk -v ir="$ir" -v u="$units" -v p="$per" \
			'BEGIN { printf "%.1f", ir / (u * p) }')
		if [ "$json" = "--json" ]; then
			[ $first -eq 1 ] || printf ','
			printf '\n  {"impl": "%s", "scenario": "%s", "%s": %s}' \
				"$impl" "$scen" "$key" "$n"
		else
			printf '%-12s %8s instructions per %s\n' "$impl" "$n" \
				"$what"
		fi
		first=0
	done
done
[ "$json" = "--json" ] && printf '\n]}\n'
exit 0
