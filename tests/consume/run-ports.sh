#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Build and run dwork with a kernel's own port (kport/), two ways:
#   customport/  a Meson project; dwork as a subproject with -Dport=custom
#                -Dport_dir=<kport>
#   copy         dwork's include/ and src/ copied into a kernel tree and
#                compiled with -nostdinc -ffreestanding and the kernel's
#                own types header (-DDWORK_TYPES_HEADER='<ktypes.h>'),
#                with gcc and clang; only the hosted main.c sees libc.
# Usage: tests/consume/run-ports.sh [WORKDIR]   (default: a fresh temp dir)
set -eu
name=consume-ports
. "$(dirname "$0")/common.sh"

# 1. Meson subproject with -Dport=custom.
rm -rf "$work/custom"
cp -r "$src/tests/consume/customport" "$work/custom"
cp -r "$src/tests/consume/kport" "$work/custom/kport"
copy_tree "$work/custom/subprojects/dwork"
meson setup "$work/custom/build" "$work/custom" \
	--force-fallback-for=dwork >"$work/custom.log" 2>&1 ||
	{ cat "$work/custom.log"; exit 1; }
meson test -C "$work/custom/build" --print-errorlogs >>"$work/custom.log" 2>&1 ||
	{ cat "$work/custom.log"; exit 1; }
echo "consume-ports: custom port (meson subproject) OK"

# 2. dwork built on its own with -Dport=custom (kport/dwork_port.c joins
#    the library), installed, and used through pkg-config dwork-custom.
rm -rf "$work/cinst" "$work/cdest"
cp -r "$src/tests/consume/kport" "$work/kport"
meson setup "$work/cinst" "$src" --prefix=/opt/dwork -Dport=custom \
	-Dport_dir="$work/kport" -Dnr_cpus=1 -Dtests=disabled \
	>"$work/cinst.log" 2>&1 || { cat "$work/cinst.log"; exit 1; }
meson install -C "$work/cinst" --destdir "$work/cdest" >>"$work/cinst.log" 2>&1 ||
	{ cat "$work/cinst.log"; exit 1; }
pc="$(find "$work/cdest" -name dwork-custom.pc | head -n 1)"
[ -f "$work/cdest/opt/dwork/include/dwork/port/custom/dwork_port.h" ] ||
	{ echo "consume-ports: custom dwork_port.h not installed" >&2; exit 1; }
PKG_CONFIG_PATH="$(dirname "$pc")"
export PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR="$work/cdest"
# shellcheck disable=SC2046
cc -std=gnu11 -Wall -Wextra -Werror $(pkg-config --cflags dwork-custom) \
	-o "$work/cinst/kernel" "$work/kport/kernel.c" "$work/kport/main.c" \
	$(pkg-config --libs dwork-custom)
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
"$work/cinst/kernel"
echo "consume-ports: custom port installed, pkg-config dwork-custom OK"

# 3. Copied into a kernel tree, -nostdinc, the kernel's types header.
k="$work/kernel"
rm -rf "$k"
mkdir -p "$k/dwork" "$k/arch"
(cd "$src" && cp -r include src "$k/dwork/")
cp "$src"/tests/consume/kport/* "$k/arch/"
for cc in gcc clang; do
	command -v "$cc" >/dev/null 2>&1 || { echo "consume-ports: no $cc" >&2; exit 1; }
	o="$k/obj-$cc"
	mkdir -p "$o"
	for f in dwork/src/engine.c dwork/src/item.c dwork/src/tasklet.c \
		 arch/dwork_port.c arch/kernel.c; do
		"$cc" -std=gnu11 -O2 -Wall -Wextra -Werror -nostdinc \
			-ffreestanding -fno-builtin \
			-DDWORK_TYPES_HEADER='<ktypes.h>' \
			-DDWORK_NR_CPUS=1 -DDWORK_DEBUG_CHECKS=1 \
			-I"$k/dwork/include" -I"$k/arch" \
			-c "$k/$f" -o "$o/$(basename "$f" .c).o"
	done
	"$cc" -O2 -c "$k/arch/main.c" -o "$o/main.o"
	"$cc" -o "$o/kernel" "$o"/*.o
	"$o/kernel"
	echo "consume-ports: copied sources, -nostdinc, $cc OK"
done
