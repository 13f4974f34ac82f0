#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The whole default suite again with clang, -Werror and debug_checks
# (context assertions through the port), stress bounded to 5 s; then a
# build without counters (-Dstats=false) and its unit test.
set -euo pipefail
./scripts/ensure-deps.sh clang
rm -rf build-ci-clang
CC=clang meson setup build-ci-clang -Ddebug_checks=true -Dstress_seconds=5 >/dev/null
meson compile -C build-ci-clang >/dev/null
meson test -C build-ci-clang --print-errorlogs --no-suite model

# The core without counters (-Dstats=false): everything builds, and the
# unit suite is then the test of that configuration.
rm -rf build-ci-nostats
CC=clang meson setup build-ci-nostats -Dstats=false -Ddebug_checks=true >/dev/null
meson compile -C build-ci-nostats >/dev/null
meson test -C build-ci-nostats --print-errorlogs --suite unit
