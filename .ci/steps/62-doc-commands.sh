#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# CI step: what a new user types.
#   1. Every command README.md and docs/porting.md print, exactly as
#      printed, in a fresh copy of the tree (tests/consume/run-docs.sh):
#      install + pkg-config, a C++ consumer, the Meson subproject line
#      (an installed dwork first, else the subproject), the custom port
#      with default options, the -nostdinc kernel build, the x86-64
#      bare-metal link, and the Cortex-M4 image (no .got); and man opens
#      the installed page of every public function.
#   2. `make demo` with its output in a log: plain lines, no carriage
#      return.
# About 1 minute on 2 cores (1.5 min with a load of 12).
set -euo pipefail
cd "$(dirname "$0")/../.."
./scripts/ensure-deps.sh g++ gcc-arm-none-eabi python3 man-db
B=build-ci-doc-commands
rm -rf "$B"
mkdir -p "$B"
B="$(cd "$B" && pwd)"
# shellcheck source=.ci/section.sh
. .ci/section.sh

demo_log() {
	make demo DEMO_ARGS=--quick >"$B/demo.log" 2>&1 ||
		{ tail -20 "$B/demo.log"; return 1; }
	if grep -q $'\r' "$B/demo.log"; then
		echo "make demo wrote a carriage return into its log" >&2
		return 1
	fi
	grep -c 'storm .*k irq/s' "$B/demo.log" |
		sed 's/^/demo log: plain progress lines: /'
}

section "1. the documented commands, verbatim" tests/consume/run-docs.sh "$B/docs"
section "2. make demo into a log" demo_log

sections_done doc-commands
