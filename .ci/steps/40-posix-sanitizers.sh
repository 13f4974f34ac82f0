#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# CI step: suite 'posix' (the POSIX runtime: threads as CPUs, signals as
# IRQs) under AddressSanitizer+UBSan and ThreadSanitizer, built with gcc
# and without debug_checks.  Step 30 runs the same suite (with unit and
# stress) under clang's sanitizers with debug_checks; this one adds the
# other compiler's instrumentation on the optimised, production-like build.
# ASan checks, among others, that a tasklet may kill itself and free() its
# memory from its own callback.  Two to three minutes on 2 cores, mostly
# building.
set -euo pipefail
cd "$(dirname "$0")/../.."
./scripts/ensure-deps.sh
B=build-ci-posix
rm -rf "$B"
mkdir -p "$B"
failed=""

# Old TSan runtimes need at most 28 bits of mmap randomisation.
WRAP=()
if [ "$(cat /proc/sys/vm/mmap_rnd_bits 2>/dev/null || echo 28)" -gt 28 ]; then
	WRAP=(setarch "$(uname -m)" -R)
fi

run() {
	local name="$1" dir="$2"
	shift 2
	echo "--- $name"
	if ! meson setup "$dir" -Dport=posix -Db_lundef=false "$@" \
		>"$dir.setup.log" 2>&1; then
		cat "$dir.setup.log"
		failed="$failed $name"
		return
	fi
	# Only the suite's binaries: other suites' code is step 30's job
	# (and gcc's -Wtsan rejects atomic_thread_fence there).
	targets=$(meson introspect --targets "$dir" | python3 -c '
import json, sys
print(" ".join(t["name"] for t in json.load(sys.stdin)
               if t["defined_in"].endswith("tests/posix/meson.build")))')
	# shellcheck disable=SC2086
	if [ -z "$targets" ] || ! nice meson compile -C "$dir" $targets \
		>"$dir.build.log" 2>&1; then
		tail -50 "$dir.build.log"
		failed="$failed $name"
		return
	fi
	if ! "${WRAP[@]}" meson test -C "$dir" --suite posix --no-rebuild \
		--print-errorlogs --timeout-multiplier 3; then
		failed="$failed $name"
	fi
}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TSAN_OPTIONS=halt_on_error=1
CC=gcc run asan-ubsan "$B/asan" -Db_sanitize=address,undefined
CC=gcc run tsan "$B/tsan" -Db_sanitize=thread

if [ -n "$failed" ]; then
	echo "posix sanitizers FAILED:$failed" >&2
	exit 1
fi
echo "posix sanitizers: OK"
