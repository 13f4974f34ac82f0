#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Suite unit under ASan+UBSan (gcc and clang), then the mutation campaign:
# fails if any of the mutants of src/ survives the unit suite.
set -euo pipefail
exec "$(dirname "$0")/../../tests/unit/ci.sh"
