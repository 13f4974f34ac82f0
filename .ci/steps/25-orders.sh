#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# CI step: the order-minimality campaign (tests/model/orders.py).  Every
# memory order of every dwork_atomic_*() call in src/ is weakened one step
# at a time; each weakening must be caught (by the build or by a litmus
# test of tests/model/wmm.c).  A survivor fails the step: adopt the weaker
# order with its argument in the barrier comment, or add the litmus test
# that shows why it must stay.  About 90 s of CPU for 27
# weakenings of 70 sites (9 min wall on this 2-core machine at load 22).
set -euo pipefail
cd "$(dirname "$0")/../.."
./scripts/ensure-deps.sh gcc python3
exec nice python3 tests/model/orders.py --cc gcc
