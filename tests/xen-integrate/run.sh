#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# tests/xen-integrate/run.sh XEN_TREE... - port/xen/integrate.sh on real trees
#
# For each XEN_TREE (the top of a Xen source tree, or its xen/ directory;
# it is not modified: the checks run on copies of its xen/ directory in
# WORK/<n>/) checks that integrate.sh:
#   - calls the stock tree stock (--check exits 1), integrates it, then
#     calls it integrated (--check exits 0);
#   - is idempotent: a second run changes no file;
#   - refreshes a dwork file that differs from this checkout, and the
#     stamp naming the dwork version; --check names that file first;
#   - reverts to a tree byte-identical to the original (diff -r), after
#     which --check exits 1 and a second --revert changes nothing;
#   - refuses, with exit status 2 and no file changed, a Xen version it
#     does not know (XEN_SUBVERSION set to 16 and to 24), a common/Makefile
#     without 'obj-y += tasklet.o', a common/Kconfig without the
#     'source "common/sched/Kconfig"' anchor, a tree with a leftover
#     xen/common/dwork/ (a partial integration), and a tree whose
#     xen/include/xen/tasklet.h is not the stock one;
#   - refuses (exit 2) to --check or --revert an integrated tree whose
#     xen/common/dwork/ was removed by hand.
# It builds nothing (docs/xen.md lists the builds tried by hand).
#
# Environment: XEN_INTEGRATE_WORK=DIR (default build/xen-integrate in this
# checkout; emptied first).  Exit status: 0 every check passed, 1 not.
set -eu

T=$(cd "$(dirname "$0")" && pwd)
D=$(cd "$T/../.." && pwd)
I=$D/port/xen/integrate.sh
W=${XEN_INTEGRATE_WORK:-$D/build/xen-integrate}
[ $# -ge 1 ] || { echo "usage: $0 XEN_TREE..." >&2; exit 1; }

pass=0 fails=0
ok() { pass=$((pass + 1)); echo "  ok   $*"; }
bad() { fails=$((fails + 1)); echo "  FAIL $*"; }

# expect RC WHAT CMD...: CMD must exit with RC; its output goes to $out.
expect() {
	want=$1 what=$2
	shift 2
	set +e
	out=$("$@" 2>&1)
	rc=$?
	set -e
	if [ "$rc" = "$want" ]; then ok "$what (exit $rc)"; return 0; fi
	bad "$what: exit $rc, expected $want; output:"
	echo "$out" | sed 's/^/         /'
	return 1
}
has() {	# has TEXT WHAT: the last expect's output contains TEXT
	case $out in *"$1"*) ok "$2" ;; *) bad "$2: no '$1' in: $out" ;; esac
}
same() {	# same DIR1 DIR2 WHAT
	if d=$(diff -r "$1" "$2" 2>&1); then ok "$3"; else
		bad "$3:"
		echo "$d" | head -n 20 | sed 's/^/         /'
	fi
}

# A refusal: copy the original, break it with CMD, integrate must exit 2
# and change nothing.
refuse() {	# refuse WHAT SH-CMD (run in the copy's xen/)
	what=$1
	rm -rf "$R" "$R.before"
	cp -a "$O" "$R"
	(cd "$R/xen" && eval "$2")
	cp -a "$R" "$R.before"
	expect 2 "refuses $what" "$I" "$R" || true
	has "Nothing was changed" "it says nothing was changed"
	same "$R.before" "$R" "it left every file as it was"
}

n=0
for src in "$@"; do
	n=$((n + 1))
	if [ -f "$src/xen/Makefile" ]; then sx=$src/xen
	elif [ -f "$src/Makefile" ] && [ -d "$src/common" ]; then sx=$src
	else echo "$0: $src: no Xen tree (no xen/Makefile)" >&2; exit 1
	fi
	B=$W/$n O=$W/$n/orig X=$W/$n/tree R=$W/$n/broken
	rm -rf "$B"
	mkdir -p "$O" "$X"
	cp -a "$sx" "$O/xen"
	cp -a "$sx" "$X/xen"
	v=$(sed -n 's/^export XEN_VERSION[[:space:]]*?\{0,1\}=[[:space:]]*//p' "$O/xen/Makefile" | head -n 1)
	s=$(sed -n 's/^export XEN_SUBVERSION[[:space:]]*?\{0,1\}=[[:space:]]*//p' "$O/xen/Makefile" | head -n 1)
	echo "xen-integrate: $src (Xen $v.$s)"

	expect 1 "--check on the stock tree" "$I" --check "$X" || true
	has "stock (not integrated)" "--check says stock"
	expect 0 "--revert on the stock tree" "$I" --revert "$X" || true
	same "$O" "$X" "--revert on the stock tree changed nothing"
	expect 0 "integrates" "$I" "$X" || true
	has "integrated dwork into Xen $v.$s" "integrate names the version"
	if [ ! -e "$X/xen/common/tasklet.c" ]; then ok "common/tasklet.c removed"
	else bad "common/tasklet.c still there"; fi
	if cmp -s "$D/port/xen/xen-include/xen/tasklet.h" "$X/xen/include/xen/tasklet.h"
	then ok "include/xen/tasklet.h is dwork's"
	else bad "include/xen/tasklet.h is not dwork's"; fi
	if grep -qxF 'obj-y += dwork/' "$X/xen/common/Makefile" &&
		! grep -qxF 'obj-y += tasklet.o' "$X/xen/common/Makefile"
	then ok "common/Makefile builds dwork/, not tasklet.o"
	else bad "common/Makefile not edited as documented"; fi
	if grep -A1 -xF 'source "common/sched/Kconfig"' "$X/xen/common/Kconfig" |
		grep -qxF 'source "common/dwork/Kconfig"'
	then ok "common/Kconfig sources common/dwork/Kconfig after common/sched/Kconfig"
	else bad "common/Kconfig not edited as documented"; fi
	expect 0 "--check on the integrated tree" "$I" --check "$X" || true
	has "integrated (Xen $v.$s" "--check says integrated"

	rm -rf "$B/snap"
	cp -a "$X" "$B/snap"
	expect 0 "integrates again" "$I" "$X" || true
	has "up to date; nothing to do" "a second run says there is nothing to do"
	same "$B/snap" "$X" "a second run changed no file"

	# As if integrated by an older dwork: one file and the stamp differ.
	echo "/* stale */" >>"$X/xen/common/dwork/engine.c"
	echo "Xen $v.$s, dwork older" >"$X/xen/.dwork-stock/integrated-by-dwork"
	expect 0 "--check with a stale dwork file" "$I" --check "$X" || true
	has "xen/common/dwork/engine.c" "--check names the stale file"
	expect 0 "refreshes" "$I" "$X" || true
	has "refreshed dwork files" "the refresh says so"
	same "$B/snap" "$X" "the refresh restored the file and the stamp and changed nothing else"

	expect 0 "--revert" "$I" --revert "$X" || true
	same "$O" "$X" "--revert gives a tree byte-identical to the original"
	expect 1 "--check after --revert" "$I" --check "$X" || true
	expect 0 "--revert again" "$I" --revert "$X" || true
	has "nothing to revert" "a second --revert says nothing to revert"
	same "$O" "$X" "a second --revert changed nothing"

	refuse "Xen 4.16" 'sed -i "s/^export XEN_SUBVERSION.*/export XEN_SUBVERSION = 16/" Makefile'
	refuse "Xen 4.24" 'sed -i "s/^export XEN_SUBVERSION.*/export XEN_SUBVERSION = 24/" Makefile'
	refuse "a common/Makefile without obj-y += tasklet.o" \
		'sed -i "/^obj-y += tasklet.o\$/d" common/Makefile'
	refuse "a common/Kconfig without the sched anchor" \
		'sed -i "\\|^source \"common/sched/Kconfig\"\$|d" common/Kconfig'
	refuse "a leftover xen/common/dwork/" 'mkdir common/dwork'
	# shellcheck disable=SC2016 # expanded by refuse()'s eval
	refuse "a tasklet.h that is not stock" \
		'cp "$D/port/xen/xen-include/xen/tasklet.h" include/xen/tasklet.h'

	rm -rf "$R"
	cp -a "$O" "$R"
	"$I" "$R" >/dev/null
	rm -rf "$R/xen/common/dwork"
	expect 2 "--check of an integrated tree missing common/dwork/" "$I" --check "$R" || true
	expect 2 "--revert of an integrated tree missing common/dwork/" "$I" --revert "$R" || true
	rm -rf "$R" "$R.before" "$B/snap"
done
echo "xen-integrate: $pass checks passed, $fails failed on $n tree(s)"
[ $fails -eq 0 ]
