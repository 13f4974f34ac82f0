#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# CI step: suites unit, posix and stress under
# AddressSanitizer+UndefinedBehaviorSanitizer and, in a separate build
# directory, under ThreadSanitizer.  Stress runs 5 s per test.  Suites not
# defined in this tree are skipped (checked with `meson test --list`).
# clang for both (gcc 12's TSan works too; clang's is what the posix step
# uses).  A few minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
./scripts/ensure-deps.sh clang
B=build-ci-san
rm -rf "$B"
mkdir -p "$B"
failed=""

# TSan's runtime (LLVM 14) maps its shadow at fixed addresses and fails
# with "unexpected memory mapping" when the kernel randomises mmap with
# more than 28 bits (newer kernels default to 32).  The CI machine has 28
# in /proc/sys/vm/mmap_rnd_bits and needs nothing; elsewhere setarch -R
# turns randomisation off for the test processes only.
WRAP=()
if [ "$(cat /proc/sys/vm/mmap_rnd_bits 2>/dev/null || echo 28)" -gt 28 ]; then
	WRAP=(setarch "$(uname -m)" -R)
fi

run() {
	local name="$1" dir="$2" suites=() s
	shift 2
	echo "--- $name"
	if ! CC=clang meson setup "$dir" -Dport=posix -Dtests=enabled \
		-Db_lundef=false -Dstress_seconds=5 -Ddebug_checks=true "$@" \
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
	for s in unit posix stress; do
		if meson test -C "$dir" --list --suite "$s" 2>/dev/null |
			grep -c ":$s / " >/dev/null; then
			suites+=(--suite "$s")
		else
			echo "($name: suite $s not defined here, skipped)"
		fi
	done
	[ ${#suites[@]} -gt 0 ] || return 0
	if ! "${WRAP[@]}" meson test -C "$dir" "${suites[@]}" \
		--print-errorlogs --timeout-multiplier 3; then
		failed="$failed $name"
	fi
}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
run asan-ubsan "$B/asan" -Db_sanitize=address,undefined
run tsan "$B/tsan" -Db_sanitize=thread

if [ -n "$failed" ]; then
	echo "sanitizers FAILED:$failed" >&2
	exit 1
fi
echo "sanitizers: OK"
