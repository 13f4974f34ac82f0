# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=sh
# Shared by run.sh and run-ports.sh (sourced, not run): sets $src (this
# dwork tree) and $work (the working directory: $1 or a fresh temp dir),
# and defines copy_tree DIR.  Needs $name, the prefix of the log line.
src="$(cd "$(dirname "$0")/../.." && pwd)"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
# shellcheck disable=SC2154 # $name is set by the script that sources this
echo "$name: working in $work"

# A clean copy of the tree: tracked files (or everything but build dirs
# when this is not a git checkout).
copy_tree() {
	mkdir -p "$1"
	if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		(cd "$src" && git ls-files -z | tar --null -T - -cf -) |
			tar -C "$1" -xf -
	else
		(cd "$src" && tar --exclude='./build*' --exclude=./.git -cf - .) |
			tar -C "$1" -xf -
	fi
}
