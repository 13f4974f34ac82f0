#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# CI step: suite 'model' built with clang (make check already ran
# it with gcc): every scenario of the exhaustive explorer, its mutants
# (each must be caught), the weak-memory litmus tests and their
# weakened-order mutants.  Prints the schedules explored per scenario.
# About two minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
./scripts/ensure-deps.sh clang python3
B=build-ci-model
rm -rf "$B"
CC=clang meson setup "$B" -Dtests=enabled >/dev/null
nice meson compile -C "$B" >/dev/null
rc=0
meson test -C "$B" --suite model --print-errorlogs || rc=$?
echo "--- schedules explored per scenario (see docs/verification.md)"
grep -h "^model: [a-z_]*: [0-9]* schedules explored\|^wmm: [a-z_]* *[0-9]* executions" \
	"$B/meson-logs/testlog.txt" | sort | uniq || true
exit $rc
