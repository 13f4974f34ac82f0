#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The feature ablation of docs/performance.md ("What each feature costs")
# still runs: bench/ablate.sh builds dwork-bench once per feature with
# that feature edited out and counts instructions with callgrind.  Fails
# only if an edit's anchor text is gone from src/ (update bench/ablate.py
# along with the code), if a build fails, or if an edited build stops
# running a scenario it should run.  No count is judged here (the budget
# is .ci/steps/55-icount.sh), and nothing depends on timing.
set -euo pipefail
cd "$(dirname "$0")/../.."

./scripts/ensure-deps.sh valgrind python3 git

out=$(mktemp)
trap 'rm -f "$out"' EXIT
timeout 1800 nice -n 10 bench/ablate.sh --json >"$out"
python3 - "$out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rows = {r["feature"]: r for r in d["features"]}
assert "all" in rows and len(rows) >= 3, sorted(rows)
for s in ("roundtrip", "storm", "feed"):
    assert d["unmodified"]["dwork"][s] > 0, s
for name, r in sorted(rows.items()):
    print("ablate: %-16s %s" % (name, "  ".join(
        "%s %s" % (s, "n/a" if v is None else "%.1f" % v)
        for s, v in r["instructions"].items())))
PY
echo "--- ablate step ok"
