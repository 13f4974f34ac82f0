#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Mutation testing for the unit suite: build the unit tests against a
# mutated copy of the core and report which tests catch the mutant.
#
#   tests/unit/mutate.sh [-f src/engine.c] NAME 'sed-expression'
#   tests/unit/mutate.sh -p file.patch NAME
#   tests/unit/mutate.sh --all [tests/unit/mutants.sh]   (the campaign)
#
# The copy lives in $MUT_DIR (default /tmp/dwork-mut-$USER): the repository's
# HEAD (git archive) with the working tree's tests/unit and tests/testport
# on top, built with -Dport=none -Dwerror=false.  The work tree is never
# modified.  Set MUT_SANITIZE=address,undefined to build the mutants with
# sanitizers (separate build directory).
#
# MUT_ONLY=REGEX runs only the mutants whose name matches.
#
# Exit status: 0 if the mutant was killed (some test failed), 1 if it
# survived, 2 if it did not apply or did not compile.
set -u -o pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
MUT_DIR=${MUT_DIR:-/tmp/dwork-mut-${USER:-$(id -un)}}
SAN=${MUT_SANITIZE:-}
TREE=$MUT_DIR/tree
BUILD=$MUT_DIR/build${SAN:+-${SAN//,/-}}
TIMEOUT=${MUT_TIMEOUT:-20}

die() { echo "mutate.sh: $*" >&2; exit 2; }

# Make directory $2 a copy of $1, rewriting only files whose content
# differs (so they get a new mtime and ninja rebuilds exactly those).
sync_dir() {
	local from=$1 to=$2 f
	mkdir -p "$to"
	(cd "$from" && find . -type f) | while read -r f; do
		if ! cmp -s "$from/$f" "$to/$f"; then
			mkdir -p "$(dirname "$to/$f")"
			cp "$from/$f" "$to/$f"
		fi
	done
	(cd "$to" && find . -type f) | while read -r f; do
		[ -e "$from/$f" ] || rm -f "$to/$f"
	done
}

prepare_tree() {
	mkdir -p "$MUT_DIR"
	rm -rf "$TREE.new"
	mkdir -p "$TREE.new"
	git -C "$REPO" archive HEAD | tar -x -C "$TREE.new" || die "git archive"
	rm -rf "$TREE.new/tests/unit" "$TREE.new/tests/testport"
	cp -r "$REPO/tests/unit" "$REPO/tests/testport" "$TREE.new/tests/"
	# Keep the build directory's tree path stable: sync into $TREE.
	sync_dir "$TREE.new" "$TREE"
	rm -rf "$TREE.new"
	cp -r "$TREE/src" "$MUT_DIR/src.orig.new"
	rm -rf "$MUT_DIR/src.orig"
	mv "$MUT_DIR/src.orig.new" "$MUT_DIR/src.orig"
}

unit_targets() {
	local f
	for f in "$TREE"/tests/unit/test_*.c; do
		f=${f##*/}
		echo "tests/unit/${f%.c}"
	done
}

setup_build() {
	if [ ! -f "$BUILD/build.ninja" ]; then
		local extra=()
		[ -n "$SAN" ] && extra+=("-Db_sanitize=$SAN" -Db_lundef=false)
		meson setup "$BUILD" "$TREE" -Dport=none -Dwerror=false \
			"${extra[@]}" >"$MUT_DIR/setup.log" 2>&1 ||
			die "meson setup failed, see $MUT_DIR/setup.log"
	fi
}

restore_src() {
	sync_dir "$MUT_DIR/src.orig" "$TREE/src"
}

# Build and run every unit binary; print the names of failing tests.
run_suite() {
	local t out rc name killed=()
	if ! nice ninja -C "$BUILD" $(unit_targets) >"$MUT_DIR/build.log" 2>&1; then
		echo "DOES-NOT-COMPILE"
		return 2
	fi
	for t in $(unit_targets); do
		out=$(CMOCKA_MESSAGE_OUTPUT=stdout timeout "$TIMEOUT" \
			"$BUILD/$t" 2>&1)
		rc=$?
		while read -r name; do
			killed+=("$name")
		done < <(printf '%s\n' "$out" | awk -v rc="$rc" -v bin="${t##*/}" '
			/^\[ RUN      \] / { cur = $4; next }
			/^\[       OK \] / { cur = ""; next }
			/^\[  FAILED  \] test_/ { if (NF == 4) print $4; cur = ""; next }
			END {
				# A test that started and never finished: it
				# crashed, aborted (sanitizer) or timed out.
				why = rc == 124 ? "timeout" : "crash:" rc
				if (cur != "") print cur "(" why ")"
				else if (rc >= 124 && !seen) print bin "(" why ")"
			}' | sort -u)
	done
	# Tests that already fail on the unmutated tree prove nothing.
	local k kept=()
	for k in "${killed[@]}"; do
		[[ " $BASELINE_FAIL " == *" ${k%%(*} "* ]] || kept+=("$k")
	done
	if [ ${#kept[@]} -eq 0 ]; then
		echo "SURVIVED"
		return 1
	fi
	printf '%s\n' "${kept[@]}" | sort -u | paste -sd' '
	return 0
}

# mutant NAME FILE SED-EXPR [DESCRIPTION]
mutant() {
	local name=$1 file=$2 expr=$3 desc=${4:-} res rc
	if [ -n "${MUT_ONLY:-}" ] && ! [[ $name =~ $MUT_ONLY ]]; then
		return 0
	fi
	restore_src
	sed -i -e "$expr" "$TREE/$file" || die "$name: bad sed expression"
	if cmp -s "$MUT_DIR/src.orig/${file#src/}" "$TREE/$file"; then
		echo "| $name | $desc | NOT-APPLIED (sed matched nothing) |"
		restore_src
		survivors=$((survivors + 1))
		return 2
	fi
	diff -u "$MUT_DIR/src.orig/${file#src/}" "$TREE/$file" \
		>"$MUT_DIR/$name.diff"
	res=$(run_suite)
	rc=$?
	restore_src
	echo "| $name | $desc | $res |"
	[ $rc -eq 1 ] && survivors=$((survivors + 1))
	return $rc
}

mutant_patch() {
	local name=$1 patch=$2 desc=${3:-} res rc
	restore_src
	patch -s -d "$TREE" -p1 <"$patch" || die "$name: patch failed"
	res=$(run_suite)
	rc=$?
	restore_src
	echo "| $name | $desc | $res |"
	return $rc
}

# Tests failing on the unmutated tree (known bugs, see .notes/) are
# reported once and then ignored for every mutant.
baseline() {
	local base
	restore_src
	base=$(run_suite)
	[ "$base" = DOES-NOT-COMPILE ] && die "baseline does not compile"
	if [ "$base" != SURVIVED ]; then
		echo "baseline (unmutated) failures, ignored below: $base" >&2
		BASELINE_FAIL=$base
	fi
}

[ $# -ge 1 ] || die "usage: $0 [-f FILE] NAME SED | -p PATCH NAME | --all [LIST]"
survivors=0
BASELINE_FAIL=
prepare_tree
setup_build

case $1 in
--all)
	list=${2:-$REPO/tests/unit/mutants.sh}
	[ -f "$list" ] || die "no mutant list $list"
	baseline
	echo "| mutant | mutation | killed by |"
	echo "| --- | --- | --- |"
	# shellcheck source=/dev/null
	. "$list"
	exit $((survivors > 0))
	;;
-p)
	[ $# -eq 3 ] || die "usage: $0 -p PATCH NAME"
	baseline
	mutant_patch "$3" "$2"
	;;
-f)
	[ $# -eq 4 ] || die "usage: $0 -f FILE NAME SED"
	baseline
	mutant "$3" "$2" "$4"
	;;
*)
	[ $# -eq 2 ] || die "usage: $0 NAME SED"
	baseline
	mutant "$1" src/engine.c "$2"
	;;
esac
