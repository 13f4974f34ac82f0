#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Run every command README.md and docs/porting.md print, exactly as printed
# (tests/consume/doc-blocks.py extracts the blocks marked <!-- run: ... -->
# and fails on an unmarked ```sh block), each file's blocks in order in one
# shell, from the top of a fresh copy of this tree with app.c (a copy of
# examples/minimal.c) and app.cpp (tests/headers/cxx_consumer.cpp) there.
# Then what the commands cannot show themselves:
#   - man opens the installed page of every function the installed
#     headers declare;
#   - the Cortex-M4 image (kernel-m4.elf) has no .got (and the check sees
#     one in an image built with -fPIC);
#   - the Meson subproject line, in a project with subprojects/dwork: with
#     the installed dwork on PKG_CONFIG_PATH it takes that one and does not
#     configure the subproject; without, it builds the subproject; the
#     program runs either way.
# The install prefix the docs print, /opt/dwork, is private to this run:
# as root the script re-runs itself in a mount namespace with a tmpfs on
# /opt (unshare -m); otherwise /opt/dwork must not exist and is removed
# at the end.
# Usage: tests/consume/run-docs.sh [WORKDIR]   (default: a fresh temp dir)
set -euo pipefail
name=consume-docs
. "$(dirname "$0")/common.sh"

if [ -z "${DWORK_DOCS_NS:-}" ] && [ "$(id -u)" -eq 0 ] &&
	unshare -m true 2>/dev/null; then
	DWORK_DOCS_NS=1 exec unshare -m bash "$0" "$work"
fi
if [ -n "${DWORK_DOCS_NS:-}" ]; then
	mount -t tmpfs dwork-docs-opt /opt
else
	[ ! -e /opt/dwork ] || {
		echo "$name: /opt/dwork exists; run as root (a private /opt) or remove it" >&2
		exit 1; }
	trap 'rm -rf /opt/dwork' EXIT
fi

python3 "$src/tests/consume/doc-blocks.py" "$work/blocks" \
	"$src/README.md" "$src/docs/porting.md"

# One fresh tree per document; its sh blocks run in order in one shell.
run_doc() {
	local doc=$1 t="$work/$1" b
	rm -rf "$t" /opt/dwork
	copy_tree "$t"
	cp "$src/examples/minimal.c" "$t/app.c"
	cp "$src/tests/headers/cxx_consumer.cpp" "$t/app.cpp"
	: >"$t.sh"
	for b in "$work"/blocks/*-"$doc"-sh.sh; do
		[ -e "$b" ] || continue
		printf 'echo "+++ %s"\n' "$(basename "$b")" >>"$t.sh"
		cat "$b" >>"$t.sh"
	done
	echo "$name: $doc: $(grep -c '^echo "+++' "$t.sh") block(s)"
	if ! (cd "$t" && env -u PKG_CONFIG_PATH bash -ex "$t.sh") >"$t.log" 2>&1; then
		tail -n 40 "$t.log"
		echo "$name: $doc: a printed command failed (log: $t.log)" >&2
		return 1
	fi
	grep -E '^(minimal|cxx_consumer|consume):' "$t.log" || true
	echo "$name: $doc: every printed command OK"
}

run_doc README

# The man pages README.md's install put in /opt/dwork: man opens one per
# function the installed headers declare.
man_installed() {
	local inc=/opt/dwork/include/dwork f n=0
	while IFS= read -r f; do
		MANWIDTH=80 man -M /opt/dwork/share/man 3 "$f" 2>/dev/null |
			grep -q "^ *$f - " || {
			echo "$name: man 3 $f: no page installed in /opt/dwork" >&2
			return 1; }
		n=$((n + 1))
	done < <(sed -n 's/^[a-z][a-z_ *]*[ *]\(dwork_[a-z0-9_]*\)(.*/\1/p' \
		"$inc"/*.h "$inc"/port/*/dwork/*.h | sort -u)
	[ "$n" -gt 0 ] || { echo "$name: no function in $inc" >&2; return 1; }
	echo "$name: man 3 NAME opens each of the $n installed functions' pages"
}
man_installed

run_doc porting

# The Cortex-M4 image: no .got.  The check itself sees one with -fPIC.
t="$work/porting"
[ -f "$t/kernel-m4.elf" ] || { echo "$name: no kernel-m4.elf" >&2; exit 1; }
if arm-none-eabi-readelf -S "$t/kernel-m4.elf" | grep -q '\.got'; then
	arm-none-eabi-readelf -S "$t/kernel-m4.elf" >&2
	echo "$name: kernel-m4.elf has a .got (position-independent code)" >&2
	exit 1
fi
(cd "$t" && arm-none-eabi-gcc -mthumb -mcpu=cortex-m4 -O2 -ffreestanding \
	-nostdlib -fPIC -I include -I tests/consume/kport -DDWORK_NR_CPUS=1 \
	tests/consume/kport/kernel.c build-m4/libdwork-custom.a \
	-Wl,-e,kernel_selftest -o kernel-m4-pic.elf)
arm-none-eabi-readelf -S "$t/kernel-m4-pic.elf" | grep -q '\.got' || {
	echo "$name: the .got check does not see the .got of a -fPIC image" >&2
	exit 1; }
echo "$name: Cortex-M4 image: no .got (a -fPIC one has one)"

# The subproject line: installed dwork first, else the subproject.  The
# install is the one porting.md's commands left in /opt/dwork.
for m in "$work"/blocks/*.meson; do
	[ -e "$m" ] || continue
	p="$work/subproject"
	rm -rf "$p"
	mkdir -p "$p/subprojects"
	copy_tree "$p/subprojects/dwork"
	cp "$src/examples/minimal.c" "$p/app.c"
	{
		echo "project('doc-subproject', 'c', default_options: ['c_std=gnu11'])"
		cat "$m"
		echo "test('app', executable('app', 'app.c', dependencies: dwork_dep))"
	} >"$p/meson.build"
	PKG_CONFIG_PATH=/opt/dwork/lib/pkgconfig meson setup "$p/installed" "$p" \
		>"$p/installed.log" 2>&1 || { cat "$p/installed.log"; exit 1; }
	grep -q 'Run-time dependency dwork found: YES' "$p/installed.log" &&
		! grep -q 'Executing subproject dwork' "$p/installed.log" || {
		cat "$p/installed.log"
		echo "$name: $(basename "$m"): the installed dwork was not taken first" >&2
		exit 1; }
	meson test -C "$p/installed" --print-errorlogs >>"$p/installed.log" 2>&1 ||
		{ cat "$p/installed.log"; exit 1; }
	env -u PKG_CONFIG_PATH meson setup "$p/fallback" "$p" \
		>"$p/fallback.log" 2>&1 || { cat "$p/fallback.log"; exit 1; }
	grep -q 'Executing subproject dwork' "$p/fallback.log" || {
		cat "$p/fallback.log"
		echo "$name: $(basename "$m"): no installed dwork, and no subproject" >&2
		exit 1; }
	meson test -C "$p/fallback" --print-errorlogs >>"$p/fallback.log" 2>&1 ||
		{ cat "$p/fallback.log"; exit 1; }
	echo "$name: $(basename "$m"): installed dwork taken first; else the subproject; app runs"
done
echo "$name: OK"
