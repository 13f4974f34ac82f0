#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# CI step: port/xen/integrate.sh on Debian 12's Xen source
# (tests/xen-integrate/run.sh): integrate, --check, idempotence, refresh,
# --revert to a byte-identical tree, and refusal of trees it must not
# touch.  Uses the source step 70 (tests/xen-real/run.sh) downloaded into
# build-ci-xen-real/; CI cannot fetch upstream Xen, so the upstream
# versions in docs/xen.md were tried by hand.
set -euo pipefail
cd "$(dirname "$0")/../.."
B=build-ci-xen-real
src=""
for d in "$B"/src/xen-*/; do
	[ -f "$d/.complete" ] && src=${d%/}
done
if [ -z "$src" ]; then
	if [ ! -f "$B/apt/updated" ]; then
		echo "xen-integrate: SKIP: step 70 could not reach the Debian archive, so there is no Xen source;"
		echo "xen-integrate: SKIP: integrate.sh was NOT checked on a real Xen tree in this run"
		exit 0
	fi
	echo "xen-integrate: no Debian Xen source in $B/src although the archive was reachable"
	exit 1
fi
XEN_INTEGRATE_WORK=build-ci-xen-integrate tests/xen-integrate/run.sh "$src"
