#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Instruction-count budget: bench/callgrind.sh counts dwork's instructions
# per local round trip, per storm raise, per local_throughput operation
# and per fed callback under
# valgrind's callgrind (deterministic: no timing, no load dependence) and
# this step fails if one exceeds bench/icount-budget.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."

./scripts/ensure-deps.sh valgrind

B=build-ci-icount
if [ ! -f "$B/build.ninja" ]; then
	meson setup "$B" -Dtests=disabled >/dev/null
fi
meson compile -C "$B" dwork-bench >/dev/null

out="$B/callgrind.txt"
timeout 600 bench/callgrind.sh "$B/bench/dwork-bench" 20000 "" \
	"roundtrip storm lt feed" | tee "$out"

fail=0
while read -r scen impl max; do
	case $scen in ''|'#'*) continue ;; esac
	case $scen in
	roundtrip) what="local round trip" ;;
	storm) what="storm raise" ;;
	lt) what="local_throughput op" ;;
	feed) what="fed callback" ;;
	*) echo "icount: unknown scenario $scen in budget" >&2; exit 1 ;;
	esac
	got=$(awk -v i="$impl" -v w="instructions per $what" \
		'$1 == i && index($0, w) { print $2 }' "$out")
	if [ -z "$got" ]; then
		echo "icount: no count for $impl $scen" >&2
		fail=1
		continue
	fi
	if awk -v g="$got" -v m="$max" 'BEGIN { exit !(g > m) }'; then
		echo "icount: $impl $scen: $got instructions > budget $max" >&2
		fail=1
	else
		echo "icount: $impl $scen: $got <= $max"
	fi
done <bench/icount-budget.txt
[ $fail -eq 0 ] || {
	echo "icount: over budget (bench/icount-budget.txt)" >&2
	exit 1
}
echo "--- icount step ok"
