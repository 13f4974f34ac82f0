#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# What each feature of dwork costs: instructions per local round trip,
# storm raise and fed callback (bench/callgrind.sh) of builds that each
# lack one feature, against the unmodified build, all in one run.
# The edits, and what each removes, are in bench/ablate.py (--list).
# The edited builds are for measurement only and are never installed.
#
# usage: bench/ablate.sh [--json | --format markdown] [--iters N]
#                        [--only F1,F2] [--alone] [--with F1,F2]... [--fit]
#        bench/ablate.sh --list | --check | --from FILE.json
#   --alone  also each feature alone (every other feature removed)
#   --fit    also keep features, cheapest alone first, while the round trip
#            stays within the global_lock baseline's; then add each one
#            left out to that set (implies --alone)
#   --check  only check that every edit applies (no build)
# Fails if an edit's anchor text is no longer in the source (update
# bench/ablate.py), if a build fails, or if an edited build no longer runs
# a measured scenario; never on timing (callgrind counts are deterministic).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
for t in python3 meson ninja valgrind; do
	command -v "$t" >/dev/null 2>&1 || {
		echo "ablate.sh: $t not installed" >&2
		exit 1
	}
done
exec python3 "$here/ablate.py" --root "$(dirname "$here")" "$@"
