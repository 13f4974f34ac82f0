#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# CI for the unit suite, ready to be called from a .ci/steps script:
#   1. suite 'unit' with gcc + ASan/UBSan (the self-kill-and-free test needs
#      ASan to mean anything) and with clang + ASan/UBSan;
#   2. the mutation campaign (tests/unit/mutate.sh --all): every mutant of
#      the core must still be caught by some unit test.
# Builds with -Dport=none (the unit suite runs on the test port only), in
# build-ci-unit/.  About 3 minutes on 2 cores.  Exits non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -x scripts/ensure-deps.sh ] && ./scripts/ensure-deps.sh
B=build-ci-unit
rm -rf "$B"
mkdir -p "$B"
failed=""

run() {
	local name=$1 dir=$2
	shift 2
	echo "--- unit: $name"
	if ! meson setup "$dir" -Dport=none -Db_lundef=false "$@" \
		>"$dir.setup.log" 2>&1; then
		cat "$dir.setup.log"
		failed="$failed $name"
		return
	fi
	if ! nice ninja -C "$dir" >"$dir.build.log" 2>&1; then
		tail -50 "$dir.build.log"
		failed="$failed $name"
		return
	fi
	if ! meson test -C "$dir" --suite unit --print-errorlogs; then
		failed="$failed $name"
	fi
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
run gcc-asan-ubsan "$B/gcc-asan" -Db_sanitize=address,undefined
CC=clang run clang-asan-ubsan "$B/clang-asan" -Db_sanitize=address,undefined

echo "--- unit: mutation campaign"
if ! MUT_DIR="$PWD/$B/mut" tests/unit/mutate.sh --all; then
	failed="$failed mutations"
fi

if [ -n "$failed" ]; then
	echo "unit CI FAILED:$failed" >&2
	exit 1
fi
echo "unit CI: OK"
