#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# CI step: packaging and build knobs.
#   1. Versions: meson.build's version is X.Y.Z-dev with "## [Unreleased]"
#      the newest CHANGELOG.md section (after release X.Y.Z-1 or so), or a
#      release X.Y.Z with "## [X.Y.Z] - date" the newest; and
#      include/dwork/version.h says the same.
#   2. `meson dist`: the tarball holds exactly the committed files; it
#      builds (nr_cpus=8, debug_checks, -Dtests=disabled), runs suite
#      examples and installs (nothing internal, port headers in their own
#      directory).
#   3. The installed dwork/config.h: a consumer that only adds -I flags
#      gets the library's values; one that defines another NR_CPUS,
#      SOFTIRQ_BATCH or DEBUG_CHECKS fails to compile, and the build of a
#      matching one still works.
#   4. Bare metal by default: the Cortex-M4 cross file configures and
#      builds libdwork-none.a with no -D option.  4b: every fixed-width
#      type src/ and include/ use is listed in <dwork/types.h> (for
#      DWORK_TYPES_HEADER) and defined by the test kernel's ktypes.h.
#   5. A kernel's own port (tests/consume/run-ports.sh): -Dport=custom as
#      a Meson subproject and installed, and src/ copied into a kernel
#      tree built with -nostdinc and its own types header (gcc, clang).
# About a minute on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
./scripts/ensure-deps.sh gcc-arm-none-eabi clang xz-utils
B=build-ci-packaging
rm -rf "$B"
mkdir -p "$B"
B="$(cd "$B" && pwd)"
# shellcheck source=.ci/section.sh
. .ci/section.sh

version=$(meson introspect --projectinfo meson.build |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')
echo "project version $version"

versions() {
	# The rule (CHANGELOG.md, top): between releases the version is the
	# next release's with "-dev" and the newest CHANGELOG section is
	# "## [Unreleased]"; a release commit says X.Y.Z and "## [X.Y.Z] - date".
	local base newest released
	base=${version%-dev}
	if ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+(-dev)?$ ]]; then
		echo "version $version is neither X.Y.Z nor X.Y.Z-dev" >&2
		return 1
	fi
	newest=$(grep -m1 '^## \[' CHANGELOG.md)
	released=$(grep '^## \[[0-9]' CHANGELOG.md | head -n 1 |
		sed 's/^## \[\([^]]*\)\].*/\1/')
	if [ "$base" != "$version" ]; then
		[ "$newest" = "## [Unreleased]" ] || {
			echo "version $version (between releases), but CHANGELOG.md's newest section is '$newest', not '## [Unreleased]'" >&2
			return 1; }
		[ "$(printf '%s\n%s\n' "$released" "$base" | sort -V | tail -n 1)" = "$base" ] &&
			[ "$released" != "$base" ] || {
			echo "version $version, but CHANGELOG.md already has a release $released >= $base" >&2
			return 1; }
	else
		[[ $newest =~ ^"## [$version] - "[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || {
			echo "release $version, but CHANGELOG.md's newest section is '$newest', not '## [$version] - YYYY-MM-DD'" >&2
			return 1; }
	fi
	IFS=. read -r maj min pat <<<"$base"
	grep -Eq "^#define DWORK_VERSION_MAJOR $maj( |\$)" include/dwork/version.h &&
	grep -Eq "^#define DWORK_VERSION_MINOR $min( |\$)" include/dwork/version.h &&
	grep -Eq "^#define DWORK_VERSION_PATCH $pat( |\$)" include/dwork/version.h &&
	grep -Eq "^#define DWORK_VERSION_STRING \"$version\"( |\$)" \
		include/dwork/version.h ||
		{ echo "include/dwork/version.h does not say $version" >&2; return 1; }
	meson setup "$B/v" -Dtests=disabled >"$B/v.log" 2>&1 ||
		{ cat "$B/v.log"; return 1; }
	echo "meson.build, include/dwork/version.h, CHANGELOG.md ($newest): $version"
}

dist() {
	local tar="$B/v/meson-dist/dwork-$version.tar.xz" d="$B/dist"
	# Needs a clean, committed tree (a fresh clone in CI).
	meson dist -C "$B/v" --no-tests --formats xztar >"$B/dist.log" 2>&1 ||
		{ cat "$B/dist.log"; return 1; }
	[ -f "$tar" ] || { echo "no $tar" >&2; return 1; }
	tar -tJf "$tar" | sed -n "s|^dwork-$version/||p" | grep -v '/$' |
		grep -v '^$' | sort >"$B/dist.files"
	git ls-files | sort >"$B/git.files"
	if ! diff -u "$B/git.files" "$B/dist.files"; then
		echo "the tarball differs from the committed files" >&2
		return 1
	fi
	echo "tarball: $(wc -l <"$B/dist.files") files, exactly the committed ones"
	mkdir -p "$d"
	tar -C "$d" -xJf "$tar"
	meson setup "$d/build" "$d/dwork-$version" --prefix=/opt/dwork \
		-Dtests=disabled -Dnr_cpus=8 -Ddebug_checks=true \
		>"$d/setup.log" 2>&1 || { cat "$d/setup.log"; return 1; }
	nice meson compile -C "$d/build" >"$d/build.log" 2>&1 ||
		{ tail -30 "$d/build.log"; return 1; }
	meson test -C "$d/build" --suite examples --print-errorlogs || return 1
	meson install -C "$d/build" --destdir "$B/dest" >"$d/install.log" 2>&1 ||
		{ cat "$d/install.log"; return 1; }
	(cd "$B/dest/opt/dwork" && find . -type f | sort) >"$B/installed"
	cat >"$B/installed.want" <<'LIST'
./include/dwork/cpu.h
./include/dwork/dwork.h
./include/dwork/errno.h
./include/dwork/item.h
./include/dwork/port.h
./include/dwork/port/posix/dwork/config.h
./include/dwork/port/posix/dwork/posix.h
./include/dwork/port/posix/dwork_port.h
./include/dwork/tasklet.h
./include/dwork/types.h
./include/dwork/version.h
LIST
	grep '^./include/' "$B/installed" >"$B/installed.inc"
	diff -u "$B/installed.want" "$B/installed.inc" ||
		{ echo "installed headers differ from the list" >&2; return 1; }
	grep -q 'lib.*/libdwork-posix\.a$' "$B/installed" &&
		grep -q 'lib.*/pkgconfig/dwork-posix\.pc$' "$B/installed" ||
		{ echo "libdwork-posix.a or dwork-posix.pc missing" >&2; return 1; }
	echo "installed: $(wc -l <"$B/installed") files as listed"
}

config_guard() {
	local inc="$B/dest/opt/dwork/include" c="$B/cfg" lib
	lib=$(find "$B/dest" -name libdwork-posix.a)
	local I=(-I"$inc" -I"$inc/dwork/port/posix")
	mkdir -p "$c"
	cat >"$c/ok.c" <<'C'
#include <dwork/dwork.h>
#include <dwork/version.h>
_Static_assert(DWORK_NR_CPUS == 8, "library's nr_cpus");
_Static_assert(DWORK_SOFTIRQ_BATCH == 64, "library's softirq_batch");
_Static_assert(DWORK_DEBUG_CHECKS == 1, "library's debug_checks");
_Static_assert(DWORK_VERSION >= DWORK_VERSION_CODE(0, 2, 0), "version");
int main(void) { struct dwork_stats st; return dwork_cpu_stats(7, &st); }
C
	# Only -I flags (no pkg-config): the library's values.
	cc -std=gnu11 -Wall -Wextra -Werror "${I[@]}" "$c/ok.c" "$lib" \
		-pthread -o "$c/ok" || return 1
	"$c/ok" || return 1
	# Agreeing -D flags are fine.
	cc -std=gnu11 -Wall -Wextra -Werror "${I[@]}" -DDWORK_NR_CPUS=8 \
		-DDWORK_SOFTIRQ_BATCH=64 -DDWORK_DEBUG_CHECKS "$c/ok.c" "$lib" \
		-pthread -o "$c/ok2" || return 1
	echo "consumer with the library's values (with and without -D): builds, runs"
	local bad
	for bad in DWORK_NR_CPUS=64 DWORK_SOFTIRQ_BATCH=32 DWORK_DEBUG_CHECKS=0; do
		if cc -std=gnu11 "${I[@]}" -D"$bad" -c tests/consume/app.c \
			-o "$c/bad.o" 2>"$c/bad.log"; then
			echo "a consumer with -D$bad compiled" >&2
			return 1
		fi
		grep -q "error: #error \"${bad%%=*} differs" "$c/bad.log" ||
			{ cat "$c/bad.log"; return 1; }
		echo "consumer with -D$bad: refused (#error ${bad%%=*} differs)"
	done
}

# The fixed-width and size types src/ and include/ use are the ones
# <dwork/types.h> lists for DWORK_TYPES_HEADER and the test kernel's
# ktypes.h defines (the -nostdinc build of section 5 needs them all).
types_list() {
	local t used bad=0
	used=$(grep -rhoE '\b(u?int(8|16|32|64|ptr)_t|size_t|ptrdiff_t)\b' \
		src include | sort -u)
	for t in $used; do
		sed -n '/^ \* Standard types/,/^ \*\//p' include/dwork/types.h |
			grep -qw "$t" ||
			{ echo "types.h does not list $t" >&2; bad=1; }
		grep -qw "$t" tests/consume/kport/ktypes.h ||
			{ echo "kport/ktypes.h does not define $t" >&2; bad=1; }
	done
	[ "$bad" -eq 0 ] && echo "types used: ${used//$'\n'/ }"
}

bare_metal_default() {
	meson setup "$B/m4" --cross-file meson/cross/arm-none-eabi-cortex-m4.txt \
		>"$B/m4.log" 2>&1 || { cat "$B/m4.log"; return 1; }
	nice meson compile -C "$B/m4" >>"$B/m4.log" 2>&1 ||
		{ tail -30 "$B/m4.log"; return 1; }
	[ -f "$B/m4/libdwork-none.a" ] ||
		{ echo "no libdwork-none.a in the default bare-metal build" >&2; return 1; }
	echo "Cortex-M4, no options: libdwork-none.a, tests off"
}

section "1. versions" versions
section "2. meson dist" dist
section "3. config.h refuses other values" config_guard
section "4. bare-metal defaults" bare_metal_default
section "4b. the types DWORK_TYPES_HEADER must provide" types_list
section "5. a kernel's own port" tests/consume/run-ports.sh "$B/ports"

sections_done packaging
