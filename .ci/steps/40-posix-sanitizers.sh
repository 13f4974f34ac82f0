#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# CI step: suite 'posix' (the POSIX runtime: threads as CPUs, signals as
# IRQs) under AddressSanitizer+UBSan (gcc) and ThreadSanitizer (clang).
# ASan checks, among others, that a tasklet may kill itself and free() its
# memory from its own callback.  About a minute on 2 cores.
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
	if ! nice ninja -C "$dir" >"$dir.build.log" 2>&1; then
		tail -50 "$dir.build.log"
		failed="$failed $name"
		return
	fi
	if ! "${WRAP[@]}" meson test -C "$dir" --suite posix \
		--print-errorlogs --timeout-multiplier 3; then
		failed="$failed $name"
	fi
}

run asan-ubsan "$B/asan" -Db_sanitize=address,undefined
CC=clang run tsan "$B/tsan" -Db_sanitize=thread

if [ -n "$failed" ]; then
	echo "posix sanitizers FAILED:$failed" >&2
	exit 1
fi
echo "posix sanitizers: OK"
