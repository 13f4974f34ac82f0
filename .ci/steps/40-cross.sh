#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# CI step: freestanding and cross-architecture builds.
#  1. libdwork.a with -Dport=none for Cortex-M4 (Thumb-2), Cortex-M0
#     (ARMv6-M: atomics become __atomic_* helper calls) and riscv64 (RV64GC),
#     with and without debug_checks; meson/cross/check-undefined.sh fails
#     unless only documented port hooks and compiler atomic helpers are left
#     undefined (any libc symbol, memset and memcpy included, fails).  The
#     check itself is tested first on an archive that calls memset.
#  2. aarch64-linux-gnu under qemu-user: suites unit and posix.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
need=""
for p in gcc-arm-none-eabi gcc-riscv64-unknown-elf gcc-aarch64-linux-gnu \
	 libc6-dev-arm64-cross qemu-user; do
	dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
if ! dpkg -s libcmocka-dev:arm64 >/dev/null 2>&1; then
	$SUDO dpkg --add-architecture arm64
	need="$need libcmocka-dev:arm64"
fi
if [ -n "$need" ]; then
	echo "installing:$need"
	$SUDO apt-get update -qq >/dev/null
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
fi
./scripts/ensure-deps.sh

B=build-ci-cross
rm -rf "$B"
mkdir -p "$B"
failed=""
CHECK=meson/cross/check-undefined.sh

# The check must catch a libc call.
printf 'void f(char *p);\nvoid f(char *p) { __builtin_memset(p, 0, 1000); }\n' \
	>"$B/bad.c"
arm-none-eabi-gcc -O2 -mthumb -mcpu=cortex-m4 -c "$B/bad.c" -o "$B/bad.o"
arm-none-eabi-ar rc "$B/bad.a" "$B/bad.o"
if "$CHECK" arm-none-eabi-nm "$B/bad.a" >"$B/bad.log" 2>&1; then
	cat "$B/bad.log"
	echo "check-undefined.sh accepted memset" >&2
	failed="$failed check-self-test"
else
	echo "--- check-undefined.sh rejects memset: OK"
fi

for t in arm-none-eabi-cortex-m4:arm-none-eabi-nm \
	 arm-none-eabi-cortex-m0:arm-none-eabi-nm \
	 riscv64-unknown-elf:riscv64-unknown-elf-nm; do
	cross=${t%%:*}
	nm=${t##*:}
	for dbg in false true; do
		d="$B/$cross-debug_$dbg"
		echo "--- $cross (debug_checks=$dbg)"
		if ! meson setup "$d" --cross-file "meson/cross/$cross.txt" \
			-Dport=none -Dtests=disabled -Ddebug_checks=$dbg \
			>"$d.setup.log" 2>&1; then
			cat "$d.setup.log"
			failed="$failed $cross"
			continue
		fi
		# Only the library: hosted extras (bench) do not build here.
		if ! nice meson compile -C "$d" dwork-none >"$d.build.log" 2>&1; then
			tail -30 "$d.build.log"
			failed="$failed $cross"
			continue
		fi
		"$CHECK" "$nm" "$d/libdwork-none.a" || failed="$failed $cross-nm"
	done
done

echo "--- aarch64-linux-gnu under qemu-aarch64: unit, posix"
d="$B/aarch64"
if meson setup "$d" --cross-file meson/cross/aarch64-linux-gnu.txt \
	-Dtests=enabled >"$d.setup.log" 2>&1 &&
	nice meson compile -C "$d" >"$d.build.log" 2>&1; then
	if ! meson test -C "$d" --suite unit --suite posix --print-errorlogs \
		--timeout-multiplier 3; then
		failed="$failed aarch64"
	fi
else
	tail -30 "$d.setup.log" "$d.build.log" 2>/dev/null || true
	failed="$failed aarch64-build"
fi

if [ -n "$failed" ]; then
	echo "cross FAILED:$failed" >&2
	exit 1
fi
echo "cross: OK"
