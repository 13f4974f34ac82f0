# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash
# Sourced by the CI steps that run several sections: section NAME CMD...
# runs one and remembers a failure, so that one run shows them all;
# sections_done STEP prints the verdict and fails if a section did.
failed=""
section() {
	local name="$1"
	shift
	echo "--- $name"
	if ! "$@"; then
		echo "--- FAILED: $name" >&2
		failed="$failed; $name"
	fi
}
sections_done() {
	if [ -n "$failed" ]; then
		echo "$1 step FAILED:${failed#;}" >&2
		exit 1
	fi
	echo "--- $1 step OK"
}
