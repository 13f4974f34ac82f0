#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# CI step: documentation and adoption.
#   1. Suite docs: every public function and port hook has kernel-doc with
#      Context: and Return: (test 'kerneldoc'); the docs match the tree
#      (test 'docs_match_the_tree': jargon, paths, suites, sizes).  The API
#      reference: Doxygen over the public headers, 0 warnings
#      (WARN_AS_ERROR), then docs/api/check-html.py on the HTML.
#   2. The committed diagrams match their Graphviz sources.
#   3. The consumer projects: dwork as a Meson subproject, and through
#      pkg-config after `meson install --destdir`.
#   4. The worked bare-metal port links with -nostdlib for x86-64 (gcc,
#      clang) and AArch64 (clang + lld): no libc, no undefined symbol.
#   5. The examples run clean under ThreadSanitizer (they caught the
#      release-only schedule CAS race, fixed in c9ad312).
# Takes well under a minute on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
./scripts/ensure-deps.sh doxygen graphviz lld python3
B=build-ci-docs
# shellcheck source=.ci/section.sh
. .ci/section.sh
rm -rf "$B"
mkdir -p "$B"

api_reference() {
	meson setup "$B/meson" -Dport=posix -Dtests=disabled \
		>"$B/setup.log" 2>&1 || { cat "$B/setup.log"; return 1; }
	meson test -C "$B/meson" --suite docs --print-errorlogs || return 1
	meson compile -C "$B/meson" api-docs || return 1
	test -f "$B/meson/docs/api/html/index.html" || return 1
	echo "API reference: $B/meson/docs/api/html/index.html (0 warnings)"
}

baremetal() {
	local elf
	FS=(-std=gnu11 -O2 -Wall -Wextra -Werror -ffreestanding -fno-builtin
	    -nostdlib -static -mgeneral-regs-only -DDWORK_NR_CPUS=1
	    -DDWORK_DEBUG_CHECKS=1 -Iinclude -Iexamples/port-baremetal)
	SRC=(src/engine.c src/item.c src/tasklet.c
	     examples/port-baremetal/kernel.c examples/port-baremetal/start.c)
	gcc "${FS[@]}" -fno-pie -no-pie -Wl,-e,bm_kernel_main "${SRC[@]}" \
		-o "$B/bm-x86_64-gcc.elf" || return 1
	clang "${FS[@]}" -fno-pie -Wl,-e,bm_kernel_main "${SRC[@]}" \
		-o "$B/bm-x86_64-clang.elf" || return 1
	clang --target=aarch64-none-elf -fuse-ld=lld "${FS[@]}" \
		-Wl,-e,bm_kernel_main "${SRC[@]}" -o "$B/bm-aarch64-clang.elf" ||
		return 1
	for elf in "$B"/bm-*.elf; do
		if nm "$elf" | grep -q ' U '; then
			echo "$elf has undefined symbols:" >&2
			nm "$elf" | grep ' U ' >&2
			return 1
		fi
		echo "linked $(basename "$elf") ($(stat -c %s "$elf") bytes, no undefined symbols)"
	done
}

examples_tsan() {
	meson setup "$B/tsan" -Dport=posix -Dtests=disabled \
		-Db_sanitize=thread >"$B/tsan.log" 2>&1 ||
		{ cat "$B/tsan.log"; return 1; }
	meson test -C "$B/tsan" --suite examples --print-errorlogs
}

section "1. API reference" api_reference
section "2. diagrams up to date" docs/diagrams/render.sh --check
section "3. consumer projects" tests/consume/run.sh "$B/consume"
section "4. bare-metal port, freestanding link" baremetal
section "5. examples under ThreadSanitizer" examples_tsan

sections_done docs
