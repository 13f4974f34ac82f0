#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Test man_pages (suite docs): every function the public headers declare
# (and every port hook port.h documents) has its page in DIR, and man(1)
# opens it: it renders with no groff warning, and its NAME line names the
# function.  Skipped (77) when neither man nor groff is installed.
# Usage: check-man.sh DIR HEADER...
set -eu
dir=$1
shift
if command -v man >/dev/null 2>&1; then
	render() { MANWIDTH=80 man --warnings -l "$1"; }
elif command -v groff >/dev/null 2>&1; then
	render() { groff -man -Tutf8 -ww "$1"; }
else
	echo "man_pages: neither man nor groff: skipped"
	exit 77
fi
# The declarations, read from the headers (not from the generator): a
# line that starts a function declaration or a function-like #define.
names=$(sed -n -e 's/^[a-z][a-z_ *]*[ *]\(dwork_[a-z0-9_]*\)(.*/\1/p' \
	-e 's/^#define \(DWORK_PORT_ASSERT\|dwork_port_trace\)(.*/\1/p' "$@" |
	sort -u)
n=0
bad=0
for f in $names; do
	p="$dir/$f.3"
	if [ ! -f "$p" ]; then
		echo "no man page for $f ($p)"
		bad=1
		continue
	fi
	out=$(render "$p" 2>"$dir/$f.err") || { echo "$f: man failed"; bad=1; }
	if [ -s "$dir/$f.err" ]; then
		echo "$f: warnings:"
		cat "$dir/$f.err"
		bad=1
	fi
	rm -f "$dir/$f.err"
	echo "$out" | grep -A1 '^NAME' | grep -q "^ *$f - " ||
		{ echo "$f: the NAME section does not name it"; bad=1; }
	n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "no function found in $*"; exit 1; }
[ "$bad" -eq 0 ] || exit 1
echo "man_pages: $n pages, each opens with man and names its function"
