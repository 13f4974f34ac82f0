#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Test port_assert_required: a port without DWORK_PORT_ASSERT compiles
# without debug_checks, and is refused (#error naming DWORK_PORT_ASSERT)
# with DWORK_DEBUG_CHECKS=1, so that a port cannot silently lose every
# debug check.
# Usage: port-assert-required.sh SRCDIR OUTDIR CC [CC ARGS...]
set -eu
src=$1
out=$2
shift 2
mkdir -p "$out"
printf '#include <dwork/dwork.h>\nint main(void) { return 0; }\n' >"$out/t.c"
set -- "$@" -std=gnu11 -I"$src/include" -I"$src/tests/headers/noassert" \
	-DDWORK_NR_CPUS=4 -fsyntax-only "$out/t.c"
"$@" -DDWORK_DEBUG_CHECKS=0 ||
	{ echo "FAIL: without debug_checks the port does not compile"; exit 1; }
echo "without debug_checks: compiles"
if "$@" -DDWORK_DEBUG_CHECKS=1 2>"$out/err.log"; then
	echo "FAIL: with DWORK_DEBUG_CHECKS=1 a port without DWORK_PORT_ASSERT compiled"
	exit 1
fi
grep -q 'error:.*DWORK_PORT_ASSERT' "$out/err.log" ||
	{ cat "$out/err.log"; echo "FAIL: not the #error about DWORK_PORT_ASSERT"; exit 1; }
echo "with DWORK_DEBUG_CHECKS=1: refused by #error (DWORK_PORT_ASSERT)"
