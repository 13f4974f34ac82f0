#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# integrate.sh - put dwork into a Xen source tree in place of common/tasklet.c
#
#   port/xen/integrate.sh XEN_TREE            integrate (or refresh) dwork
#   port/xen/integrate.sh --check XEN_TREE    is XEN_TREE integrated?
#   port/xen/integrate.sh --revert XEN_TREE   restore the stock files
#   port/xen/integrate.sh --dpci XEN_TREE     integrate, and move the dpci
#                                             softirq onto dwork items
#                                             (port/xen/integrate-dpci.py)
#
# XEN_TREE is the top of a Xen checkout (the directory holding xen/) or its
# xen/ directory.  What it does (docs/xen.md, "Integration"):
#   - copies dwork's core (src/*.c, src/*.h) and Xen port to
#     xen/common/dwork/, and its headers to xen/include/dwork/ and
#     xen/include/;
#   - replaces xen/include/xen/tasklet.h and removes xen/common/tasklet.c;
#   - in xen/common/Makefile, replaces "obj-y += tasklet.o" with
#     "obj-y += dwork/";
#   - in xen/common/Kconfig, adds 'source "common/dwork/Kconfig"' after
#     'source "common/sched/Kconfig"'.
# The four stock files are kept in xen/.dwork-stock/ for --revert.
#
# Every precondition is checked before the first change.  Changes are
# prepared in xen/.dwork-stage/ and then moved into place; if a move fails
# the tree is put back as it was.  Running it again on an integrated tree
# refreshes dwork's files (e.g. after a dwork update) and changes nothing
# else.
#
# Exit status: 0 done (--check: integrated); 1 --check: stock tree;
# 2 usage error or unrecognised tree (nothing changed).
set -eu

D=$(cd "$(dirname "$0")/../.." && pwd)	# the dwork checkout
me=integrate.sh
MIN_SUB=17	# Xen 4.17 (Debian 12) ...
MAX_SUB=23	# ... to 4.23-unstable (upstream staging, 2026)

die() { echo "$me: $*" >&2; exit 2; }
usage() { echo "usage: $me [--check|--revert|--dpci] XEN_TREE" >&2; exit 2; }
# The dpci conversion (xen/drivers/passthrough/x86/hvm.c) is its own script.
dpci() {
	command -v python3 >/dev/null 2>&1 || die "the dpci conversion needs python3"
	python3 "$D/port/xen/integrate-dpci.py" "$@"
}

mode=integrate dpci=
case "${1:-}" in
--dpci) dpci=1; shift ;;
--check) mode=check; shift ;;
--revert) mode=revert; shift ;;
-h|--help) sed -n '4,32p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
-*) usage ;;
esac
[ $# -eq 1 ] || usage
T=$1
[ -d "$T" ] || die "$T: not a directory"
if [ -f "$T/xen/Makefile" ] && [ -d "$T/xen/common" ]; then
	X=$(cd "$T/xen" && pwd)
elif [ -f "$T/Makefile" ] && [ -d "$T/common" ] && [ -d "$T/include/xen" ]; then
	X=$(cd "$T" && pwd)
else
	die "$T: no Xen hypervisor tree here (looked for $T/xen/Makefile and $T/xen/common/)"
fi

BK=$X/.dwork-stock
STAGE=$X/.dwork-stage
STAMP=$BK/integrated-by-dwork

# The exact stock text this script edits.
MK_OLD='obj-y += tasklet.o'
MK_NEW='obj-y += dwork/'
KC_ANCHOR='source "common/sched/Kconfig"'
KC_NEW='source "common/dwork/Kconfig"'

# dwork files: "source-in-dwork destination-in-xen/" pairs.
files() {
	for f in "$D"/src/*.c "$D"/src/*.h; do
		f=${f##*/}
		echo "src/$f common/dwork/$f"
	done
	for f in dwork_xen.c dwork_xen_dpci.c Makefile Kconfig; do
		echo "port/xen/$f common/dwork/$f"
	done
	for f in "$D"/include/dwork/*.h; do
		f=${f##*/}
		echo "include/dwork/$f include/dwork/$f"
	done
	echo "port/xen/include/dwork_port.h include/dwork_port.h"
	echo "port/xen/include/dwork_xen_dpci.h include/dwork_xen_dpci.h"
	echo "port/xen/xen-include/xen/tasklet.h include/xen/tasklet.h"
}

# Xen version from xen/Makefile: "export XEN_VERSION = 4" and
# "export XEN_SUBVERSION = 17".
mkvar() {
	sed -n "s/^export $1[[:space:]]*?\{0,1\}=[[:space:]]*\([0-9][0-9]*\)[[:space:]]*\$/\1/p" "$X/Makefile" | head -n 1
}
ver=$(mkvar XEN_VERSION)
sub=$(mkvar XEN_SUBVERSION)
[ -n "$ver" ] && [ -n "$sub" ] ||
	die "$X/Makefile: no 'export XEN_VERSION = N' / 'export XEN_SUBVERSION = N' lines: not a Xen tree this script knows"
XV=$ver.$sub

count() { grep -cxF -- "$1" "$2" || true; }

is_integrated() { [ -f "$STAMP" ]; }

# Half-integrated or unknown states are reported, never "fixed" by guessing.
check_stock() {
	bad=""
	[ "$ver" = 4 ] && [ "$sub" -ge $MIN_SUB ] && [ "$sub" -le $MAX_SUB ] ||
		bad="$bad\n  Xen $XV (xen/Makefile XEN_VERSION/XEN_SUBVERSION): known are 4.$MIN_SUB to 4.$MAX_SUB"
	[ "$(count "$MK_OLD" "$X/common/Makefile")" = 1 ] ||
		bad="$bad\n  xen/common/Makefile: the line '$MK_OLD' exactly once"
	[ "$(count "$KC_ANCHOR" "$X/common/Kconfig")" = 1 ] ||
		bad="$bad\n  xen/common/Kconfig: the line '$KC_ANCHOR' exactly once"
	[ "$(count "$KC_NEW" "$X/common/Kconfig")" = 0 ] ||
		bad="$bad\n  xen/common/Kconfig: no line '$KC_NEW' yet"
	[ -f "$X/common/tasklet.c" ] ||
		bad="$bad\n  xen/common/tasklet.c (the stock implementation)"
	# dwork's own tasklet.h declares the same function: a tree where it
	# was left behind is not stock, and backing it up would make
	# --revert "restore" dwork's header.
	{ grep -q '^void tasklet_schedule_on_cpu(struct tasklet \*t, unsigned int cpu);' \
		"$X/include/xen/tasklet.h" &&
		! grep -q dwork "$X/include/xen/tasklet.h"; } 2>/dev/null ||
		bad="$bad\n  xen/include/xen/tasklet.h declaring 'void tasklet_schedule_on_cpu(struct tasklet *t, unsigned int cpu);' and not mentioning dwork (the stock header)"
	for p in common/dwork include/dwork include/dwork_port.h include/dwork_xen_dpci.h .dwork-stock .dwork-dpci-stock; do
		[ ! -e "$X/$p" ] || bad="$bad\n  no xen/$p yet (a partial integration?)"
	done
	if [ -n "$bad" ]; then
		printf "%s: %s is not a stock Xen tree this script can integrate; it looked for:%b\nNothing was changed.\n" \
			"$me" "$X" "$bad" >&2
		exit 2
	fi
}

check_integrated() {
	bad=""
	for p in common/tasklet.c Makefile.common Kconfig.common tasklet.h; do
		case $p in
		common/tasklet.c) f=$BK/tasklet.c ;;
		*) f=$BK/$p ;;
		esac
		[ -f "$f" ] || bad="$bad\n  backup $f"
	done
	[ ! -e "$X/common/tasklet.c" ] || bad="$bad\n  xen/common/tasklet.c removed"
	[ "$(count "$MK_NEW" "$X/common/Makefile")" = 1 ] ||
		bad="$bad\n  xen/common/Makefile: '$MK_NEW' once"
	[ "$(count "$MK_OLD" "$X/common/Makefile")" = 0 ] ||
		bad="$bad\n  xen/common/Makefile: no '$MK_OLD'"
	[ "$(count "$KC_NEW" "$X/common/Kconfig")" = 1 ] ||
		bad="$bad\n  xen/common/Kconfig: '$KC_NEW' once"
	[ -d "$X/common/dwork" ] || bad="$bad\n  xen/common/dwork/"
	if [ -n "$bad" ]; then
		printf "%s: %s has dwork's stamp but is not as integrate.sh left it; expected:%b\nRun '%s --revert' only after restoring these by hand.\n" \
			"$me" "$X" "$bad" "$me" >&2
		exit 2
	fi
}

# Files differing from this dwork checkout (for --check and refresh).
stale() {
	files | while read -r s d; do
		cmp -s "$D/$s" "$X/$d" || echo "xen/$d"
	done
}

copy_files() {	# $1: destination root
	files | while read -r s d; do
		mkdir -p "$1/$(dirname "$d")"
		cp "$D/$s" "$1/$d"
	done
}

rollback() {
	set +e	# put back as much as possible, whatever fails
	echo "$me: a step failed; putting $X back as it was" >&2
	[ -f "$BK/tasklet.c" ] && [ ! -e "$X/common/tasklet.c" ] && cp "$BK/tasklet.c" "$X/common/tasklet.c"
	restore "$BK/tasklet.h" "$X/include/xen/tasklet.h"
	restore "$BK/Makefile.common" "$X/common/Makefile"
	restore "$BK/Kconfig.common" "$X/common/Kconfig"
	rm -rf "$X/common/dwork" "$X/include/dwork" "$X/include/dwork_port.h" \
		"$X/include/dwork_xen_dpci.h" "$BK" "$STAGE"
	echo "$me: $X is stock again; nothing was integrated" >&2
	exit 2
}
restore() {	# $1 backup, $2 file: put the backup back if it differs
	[ -f "$1" ] || return 0
	cmp -s "$1" "$2" || cp "$1" "$2"
}

# The stamp: which Xen, and which dwork the files came from.
stamp_text() {
	echo "Xen $XV, dwork $(git -C "$D" describe --always --dirty 2>/dev/null || echo unknown)"
}

do_integrate() {
	check_stock
	rm -rf "$STAGE"
	mkdir -p "$STAGE/new" "$STAGE/stock"
	# 1. Prepare everything in the stage directory.
	copy_files "$STAGE/new"
	awk -v old="$MK_OLD" -v new="$MK_NEW" '$0 == old { print new; next } { print }' \
		"$X/common/Makefile" >"$STAGE/new/Makefile.common"
	awk -v a="$KC_ANCHOR" -v new="$KC_NEW" '{ print } $0 == a { print new }' \
		"$X/common/Kconfig" >"$STAGE/new/Kconfig.common"
	cp "$X/common/tasklet.c" "$STAGE/stock/tasklet.c"
	cp "$X/include/xen/tasklet.h" "$STAGE/stock/tasklet.h"
	cp "$X/common/Makefile" "$STAGE/stock/Makefile.common"
	cp "$X/common/Kconfig" "$STAGE/stock/Kconfig.common"
	stamp_text >"$STAGE/stock/integrated-by-dwork.tmp"
	# 2. Move into place; any failure rolls back.
	trap rollback EXIT INT TERM HUP
	mv "$STAGE/stock" "$BK"
	mv "$STAGE/new/common/dwork" "$X/common/dwork"
	mv "$STAGE/new/include/dwork" "$X/include/dwork"
	mv "$STAGE/new/include/dwork_port.h" "$STAGE/new/include/dwork_xen_dpci.h" "$X/include/"
	mv "$STAGE/new/include/xen/tasklet.h" "$X/include/xen/tasklet.h"
	mv "$STAGE/new/Makefile.common" "$X/common/Makefile"
	mv "$STAGE/new/Kconfig.common" "$X/common/Kconfig"
	rm "$X/common/tasklet.c"
	mv "$BK/integrated-by-dwork.tmp" "$STAMP"	# the tree counts as integrated from here
	rm -rf "$STAGE"
	trap - EXIT INT TERM HUP
	echo "$me: integrated dwork into Xen $XV at $X"
}

do_refresh() {
	check_integrated
	s=$(stale)
	if [ -z "$s" ]; then
		echo "$me: $X (Xen $XV) is integrated and up to date; nothing to do"
		return
	fi
	rm -rf "$STAGE"
	mkdir -p "$STAGE"
	copy_files "$STAGE"
	files | while read -r _ d; do
		cmp -s "$STAGE/$d" "$X/$d" || cp "$STAGE/$d" "$X/$d"
	done
	rm -rf "$STAGE"
	stamp_text >"$STAMP"	# --check names the dwork the files now come from
	echo "$me: refreshed dwork files in Xen $XV at $X:"
	echo "$s" | sed 's/^/  /'
}

do_revert() {
	if ! is_integrated; then
		echo "$me: $X (Xen $XV) is not integrated; nothing to revert"
		return
	fi
	check_integrated
	cp "$BK/Makefile.common" "$X/common/Makefile"
	cp "$BK/Kconfig.common" "$X/common/Kconfig"
	cp "$BK/tasklet.h" "$X/include/xen/tasklet.h"
	cp "$BK/tasklet.c" "$X/common/tasklet.c"
	rm -rf "$X/common/dwork" "$X/include/dwork" "$X/include/dwork_port.h" \
		"$X/include/dwork_xen_dpci.h" "$BK"
	echo "$me: reverted $X to stock Xen $XV"
}

case $mode in
check)
	if is_integrated; then
		check_integrated
		s=$(stale)
		echo "$me: $X: Xen $XV, integrated ($(cat "$STAMP"))"
		[ -z "$s" ] || { echo "  differs from this dwork checkout (run $me to refresh):"; echo "$s" | sed 's/^/    /'; }
		[ ! -d "$X/.dwork-dpci-stock" ] || dpci --check "$X" || true
		exit 0
	fi
	[ ! -e "$X/common/dwork" ] || die "$X: xen/common/dwork exists but no $STAMP: a partial integration not made by this script"
	echo "$me: $X: Xen $XV, stock (not integrated)"
	exit 1
	;;
revert)
	# dpci first: its hvm.c calls dwork.
	[ ! -d "$X/.dwork-dpci-stock" ] || dpci --revert "$X" || exit 2
	do_revert
	;;
integrate)
	if is_integrated; then do_refresh; else do_integrate; fi
	[ -z "$dpci" ] || dpci "$X" ||
		die "dwork is integrated in $X; the dpci step changed nothing (see above)"
	;;
esac
