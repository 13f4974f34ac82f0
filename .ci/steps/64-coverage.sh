#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# CI step: line and branch coverage of the core (src/) by suite unit (the
# deterministic one, so the numbers do not move from run to run), with
# gcovr.  Builds only what suite unit runs.  Prints gcovr's table and
# summary, writes build-ci-coverage/coverage-{lines,branches}.txt, and fails if line
# coverage drops below LINE_FLOOR or branch coverage below BRANCH_FLOOR
# (a few points under what docs/testing.md states).
# 15 s on 2 cores (about a minute on a loaded machine).
set -euo pipefail
cd "$(dirname "$0")/../.."
./scripts/ensure-deps.sh gcovr python3
LINE_FLOOR=${LINE_FLOOR:-92}
BRANCH_FLOOR=${BRANCH_FLOOR:-75}
B=build-ci-coverage
rm -rf "$B"
mkdir -p "$B"
meson setup "$B" -Db_coverage=true -Dtests=enabled -Dbuildtype=debug \
	>"$B/setup.log" 2>&1 || { cat "$B/setup.log"; exit 1; }
# The executables of suite unit, as ninja targets.
mapfile -t targets < <(meson introspect "$B" --tests | python3 -c '
import json, os, sys
b = os.path.abspath(sys.argv[1])
for t in json.load(sys.stdin):
    if any(s.split(":")[-1] == "unit" for s in t["suite"]):
        print(os.path.relpath(t["cmd"][0], b))' "$B")
[ "${#targets[@]}" -gt 0 ] || { echo "no unit test found" >&2; exit 1; }
nice ninja -C "$B" -j2 "${targets[@]}" >"$B/build.log" 2>&1 ||
	{ tail -30 "$B/build.log"; exit 1; }
meson test -C "$B" --no-rebuild --suite unit --print-errorlogs >"$B/test.log" 2>&1 ||
	{ tail -30 "$B/test.log"; exit 1; }
grep -E '^(Ok|Fail):' "$B/test.log"
GCOVR=(gcovr -r . --object-directory "$B" --filter 'src/'
       --exclude-unreachable-branches)
"${GCOVR[@]}" --txt "$B/coverage-lines.txt" -s >"$B/summary.txt" 2>&1 ||
	{ cat "$B/summary.txt"; exit 1; }
"${GCOVR[@]}" -b --txt "$B/coverage-branches.txt" ||
	exit 1
cat "$B/coverage-lines.txt" "$B/coverage-branches.txt"
cat "$B/summary.txt"
line=$(sed -n 's/^lines: \([0-9.]*\)%.*/\1/p' "$B/summary.txt")
branch=$(sed -n 's/^branches: \([0-9.]*\)%.*/\1/p' "$B/summary.txt")
[ -n "$line" ] && [ -n "$branch" ] ||
	{ echo "no summary from gcovr" >&2; exit 1; }
echo "coverage of src/ by suite unit: lines $line%, branches $branch%"
awk -v l="$line" -v b="$branch" -v lf="$LINE_FLOOR" -v bf="$BRANCH_FLOOR" \
	'BEGIN { exit !(l >= lf && b >= bf) }' || {
	echo "coverage below the floor (lines $LINE_FLOOR%, branches $BRANCH_FLOOR%)" >&2
	exit 1; }
