#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# usage: meson/cross/check-undefined.sh NM LIBDWORK.a [PORT_H]
#
# Fails unless every symbol that LIBDWORK.a leaves undefined is
#   - a port hook documented in include/dwork/port.h (dwork_port_*), or
#     dwork_port_assert_fail (port/none's DWORK_PORT_ASSERT), or
#   - a compiler atomic helper (__atomic_*, __sync_*), which some ISAs
#     need for the __atomic builtins.
# Anything else (memset, memcpy, abort, printf, division helpers, ...)
# fails the check: the core is freestanding and must not pull in libc.
set -eu
NM=$1
LIB=$2
here=$(cd "$(dirname "$0")" && pwd)
PORT_H=${3:-$here/../../include/dwork/port.h}

[ -f "$LIB" ] || { echo "check-undefined: no $LIB" >&2; exit 2; }
hooks=$(grep -o 'dwork_port_[a-z_]*' "$PORT_H" | sort -u)
hooks="$hooks dwork_port_assert_fail"
defined=$("$NM" --defined-only "$LIB" | awk 'NF >= 3 { print $3 }' | sort -u)
undef=$("$NM" -u "$LIB" | awk 'NF >= 2 && $1 == "U" { print $2 }' | sort -u)

# Both lists as one line, each name between spaces.
defined_w=" $(echo "$defined" | tr '\n' ' ') "
hooks_w=" $(echo "$hooks" | tr '\n' ' ') "
bad=0
for s in $undef; do
	case "$defined_w" in *" $s "*) continue ;; esac
	case $s in
	__atomic_* | __sync_*)
		echo "  ok (compiler atomic helper): $s"
		continue ;;
	esac
	case "$hooks_w" in
	*" $s "*)
		echo "  ok (documented port hook):  $s"
		continue ;;
	esac
	echo "  FORBIDDEN undefined symbol:  $s" >&2
	bad=1
done
if [ "$bad" -ne 0 ]; then
	echo "check-undefined: $LIB needs symbols outside the port contract" >&2
	exit 1
fi
echo "check-undefined: $LIB OK"
