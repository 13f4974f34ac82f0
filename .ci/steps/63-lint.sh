#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# CI step: lint and static analysis, over whatever files the tree has.
#   1. reuse lint (REUSE 3.0: LICENSES/, .reuse/dep5), and an
#      SPDX-License-Identifier line in the first 5 lines of every tracked
#      file but the licence texts and the measurements under docs/perf/.
#   2. shellcheck on every shell script (*.sh and files with a sh or bash
#      #! line), with .shellcheckrc.
#   3. cppcheck on the core (src/*.c, debug_checks on and off), the POSIX
#      port and the examples: no finding.
#   4. sparse on the core with port/none, whose IRQ save/restore pair
#      carries context annotations (DWORK_ACQUIRES_IRQ/DWORK_RELEASES_IRQ
#      in <dwork/port.h>): no warning, in particular no context imbalance.
#      The check itself must report the imbalance of a copy of the core
#      with one restore removed.
#   5. The Linux kernel's own kernel-doc parser (Debian's linux-kbuild-6.1,
#      run from the package, never copied) reads every public and port
#      header with no warning (struct members documented the kernel-doc
#      way); it must warn about a struct member left undocumented.
# Under 30 s on 2 cores (after the packages are installed).
set -euo pipefail
cd "$(dirname "$0")/../.."
./scripts/ensure-deps.sh reuse shellcheck cppcheck sparse linux-kbuild-6.1
B=build-ci-lint
rm -rf "$B"
mkdir -p "$B"
# shellcheck source=.ci/section.sh
. .ci/section.sh

licences() {
	local f missing=0
	reuse lint >"$B/reuse.log" 2>&1 || { cat "$B/reuse.log"; return 1; }
	tail -n 3 "$B/reuse.log" | grep -v '^$'
	while IFS= read -r f; do
		case $f in
		LICENSE | LICENSES/* | .reuse/dep5 | docs/perf/*) continue ;;
		esac
		[ -f "$f" ] || continue
		head -n 5 "$f" | grep -q 'SPDX-License-Identifier: ' && continue
		echo "$f: no SPDX-License-Identifier line in its first 5 lines" >&2
		missing=1
	done < <(git ls-files)
	[ "$missing" -eq 0 ] && echo "SPDX-License-Identifier: in every tracked file"
}

shell_scripts() {
	local f
	git ls-files | while IFS= read -r f; do
		[ -f "$f" ] || continue
		case $f in
		*.sh) echo "$f" ;;
		*) head -n 1 "$f" | grep -qE '^#!.*\b(ba|da)?sh\b' && echo "$f" ;;
		esac
	done
}

shellcheck_all() {
	local list
	mapfile -t list < <(shell_scripts)
	shellcheck -x "${list[@]}" || return 1
	echo "shellcheck: ${#list[@]} scripts clean"
}

# -D fixes the configuration (cppcheck then checks only it).  Suppressed,
# tree-wide: variableScope (declarations at the top of a block, the
# kernel's style) and missingIncludeSystem (libc headers are not given).
CPPCHECK=(cppcheck -q --std=c11 "--enable=warning,style,performance,portability"
	  --inline-suppr --error-exitcode=1 --suppress=variableScope
	  --suppress=missingIncludeSystem -D__GNUC__ -I include)
cppcheck_all() {
	local dbg
	for dbg in 0 1; do
		"${CPPCHECK[@]}" -I port/none/include -DDWORK_NR_CPUS=64 \
			-DDWORK_SOFTIRQ_BATCH=64 -DDWORK_DEBUG_CHECKS=$dbg src/*.c ||
			return 1
	done
	# The POSIX port and the examples, as meson builds them.
	"${CPPCHECK[@]}" -I port/posix/include -DDWORK_NR_CPUS=64 \
		-DDWORK_SOFTIRQ_BATCH=64 -DDWORK_DEBUG_CHECKS=0 \
		port/posix/*.c examples/*.c || return 1
	"${CPPCHECK[@]}" -I examples/port-baremetal -DBM_HOSTED -DDWORK_NR_CPUS=1 \
		-DDWORK_SOFTIRQ_BATCH=64 -DDWORK_DEBUG_CHECKS=1 \
		examples/port-baremetal/*.c || return 1
	echo "cppcheck: src/ (debug_checks 0 and 1), port/posix, examples: clean"
}

SPARSE=(sparse -Wsparse-all -Wno-declaration-after-statement -std=gnu11
	-I include -I port/none/include -DDWORK_NR_CPUS=64
	-DDWORK_SOFTIRQ_BATCH=64)
sparse_core() {
	local dbg f out
	for dbg in 0 1; do
		for f in src/*.c; do
			out=$("${SPARSE[@]}" -DDWORK_DEBUG_CHECKS=$dbg "$f" 2>&1) ||
				{ echo "$out"; return 1; }
			[ -z "$out" ] || { echo "$out"; return 1; }
		done
	done
	echo "sparse: src/*.c (debug_checks 0 and 1): no warning"
	# Self-test: one restore removed must be a context imbalance.
	f=$(grep -l 'dwork_port_irq_restore(' src/*.c | head -n 1)
	mkdir -p "$B/sparse"
	awk '!done && /^[ \t]*dwork_port_irq_restore\([a-z_]*\);[ \t]*$/ {
		print "\t/* restore removed */"; done = 1; next } { print }' \
		"$f" >"$B/sparse/$(basename "$f")"
	cmp -s "$f" "$B/sparse/$(basename "$f")" &&
		{ echo "sparse self-test: no restore to remove in $f" >&2; return 1; }
	out=$("${SPARSE[@]}" -I src -DDWORK_DEBUG_CHECKS=1 \
		"$B/sparse/$(basename "$f")" 2>&1 || true)
	echo "$out" | grep -q 'context imbalance' || {
		echo "$out"
		echo "sparse does not see a missing dwork_port_irq_restore()" >&2
		return 1; }
	echo "sparse self-test: $(echo "$out" | grep -m1 'context imbalance')"
}

kerneldoc_linux() {
	local kd h out
	kd=$(find /usr/lib -maxdepth 3 -path "/usr/lib/linux-kbuild-*/scripts/kernel-doc" 2>/dev/null | head -n 1)
	[ -n "$kd" ] || { echo "no scripts/kernel-doc (linux-kbuild)" >&2; return 1; }
	mapfile -t h < <(git ls-files 'include/dwork/*.h' 'port/*/include/*.h' \
		'port/*/include/dwork/*.h')
	out=$(perl "$kd" -none "${h[@]}" 2>&1) || { echo "$out"; return 1; }
	[ -z "$out" ] || { echo "$out"; return 1; }
	echo "kernel-doc ($kd): ${#h[@]} headers, no warning"
	printf '/**\n * struct s - a struct\n * @a: documented\n */\nstruct s {\n\tint a;\n\tint b; /* trailing */\n};\n' \
		>"$B/kd.h"
	out=$(perl "$kd" -none "$B/kd.h" 2>&1 || true)
	echo "$out" | grep -q "member 'b' not described" || {
		echo "$out"
		echo "kernel-doc does not warn about an undocumented member" >&2
		return 1; }
	echo "kernel-doc self-test: $out"
}

section "1. licences (reuse lint, SPDX lines)" licences
section "2. shellcheck" shellcheck_all
section "3. cppcheck" cppcheck_all
section "4. sparse, IRQ save/restore context" sparse_core
section "5. Linux's kernel-doc on the headers" kerneldoc_linux

sections_done lint
