#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Build and run the two consumer projects against this dwork tree:
#   subproject/  dwork as a Meson subproject (subprojects/dwork = a copy)
#   pkgconfig/   dwork installed with `meson install --destdir`, found by
#                pkg-config from a plain Makefile
# Usage: tests/consume/run.sh [WORKDIR]   (default: a fresh temp dir)
set -eu
name=consume
. "$(dirname "$0")/common.sh"

# 1. Subproject.
rm -rf "$work/sub"
mkdir -p "$work/sub"
cp -r "$src/tests/consume/subproject" "$work/sub/proj"
cp "$src/tests/consume/app.c" "$work/sub/app.c"
copy_tree "$work/sub/proj/subprojects/dwork"
meson setup "$work/sub/build" "$work/sub/proj" \
	--force-fallback-for=dwork >"$work/sub.log" 2>&1 ||
	{ cat "$work/sub.log"; exit 1; }
meson test -C "$work/sub/build" --print-errorlogs >>"$work/sub.log" 2>&1 ||
	{ cat "$work/sub.log"; exit 1; }
echo "consume: subproject OK"

# 2. Install with --destdir, consume through pkg-config.
rm -rf "$work/inst" "$work/dest" "$work/pc"
meson setup "$work/inst" "$src" --prefix=/opt/dwork -Dtests=disabled \
	>"$work/inst.log" 2>&1 || { cat "$work/inst.log"; exit 1; }
meson install -C "$work/inst" --destdir "$work/dest" >>"$work/inst.log" 2>&1 ||
	{ cat "$work/inst.log"; exit 1; }
pc="$(find "$work/dest" -name dwork-posix.pc | head -n 1)"
[ -n "$pc" ] || { echo "consume: dwork-posix.pc was not installed" >&2; exit 1; }
for f in include/dwork/dwork.h include/dwork/version.h \
	include/dwork/port/posix/dwork/posix.h \
	include/dwork/port/posix/dwork/config.h \
	include/dwork/port/posix/dwork_port.h; do
	[ -f "$work/dest/opt/dwork/$f" ] ||
		{ echo "consume: $f was not installed" >&2; exit 1; }
done
find "$work/dest" -name libdwork-posix.a | grep -q . ||
	{ echo "consume: libdwork-posix.a was not installed" >&2; exit 1; }
# Nothing internal, nothing at the top of includedir.
for f in include/dwork/atomic.h include/dwork_port.h include/dwork/posix.h; do
	[ ! -e "$work/dest/opt/dwork/$f" ] ||
		{ echo "consume: $f must not be installed" >&2; exit 1; }
done
cp -r "$src/tests/consume/pkgconfig" "$work/pc"
cp "$src/tests/consume/app.c" "$work/app.c"
PKG_CONFIG_PATH="$(dirname "$pc")" PKG_CONFIG_SYSROOT_DIR="$work/dest" \
	make -C "$work/pc" check
echo "consume: pkg-config OK"
