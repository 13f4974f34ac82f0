#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# CI step: dwork in a real Xen (tests/xen-real/run.sh, bounded form).
# Builds Debian 12's Xen 4.17 stock and with dwork (dpci on dwork items
# too), release and debug, and boots each under qemu-system-x86_64 (TCG)
# twice: with a PV dom0 that runs CPU hotplug, cpupool, vCPU pinning and
# debug-key operations, and with a PVH dom0 whose disk and NIC
# interrupts go through Xen's dpci while they are moved between CPUs and
# a CPU goes offline under I/O.  Skips (and says so) only when the Debian
# archive cannot be reached.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo

start=$(date +%s)
skip() {
	echo "xen-real: SKIP: the Debian archive cannot be reached ($1);"
	echo "xen-real: SKIP: dwork was NOT tested in a real Xen in this run"
	exit 0
}

# Xen's hypervisor build dependencies, qemu, and what run.sh uses
# (libc6-dev: libc.a, for the static memscan in dom0's initramfs): the
# list make xen-check installs too.
pk=$(scripts/ensure-deps.sh --xen-list)
need=""
for p in $pk; do
	dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
if [ -n "$need" ]; then
	echo "xen-real: installing:$need"
	if ! $SUDO apt-get update -q >/tmp/xen-real-apt.log 2>&1 ||
		grep -qE '^(Err|W: Failed to fetch)' /tmp/xen-real-apt.log; then
		cat /tmp/xen-real-apt.log
		skip "apt-get update failed"
	fi
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
fi

# Bounded form, on four builds: stock and dwork-dpci (dwork with dpci on
# dwork items, integrate.sh --dpci), release and debug (CONFIG_DEBUG:
# Xen's ASSERT()s and dwork's debug checks).  Each is booted with a PV
# dom0 (XEN_CHECK_OPS hotplug operations; the soak form is
# XEN_CHECK_OPS=900 make xen-check) and a PVH dom0 (XEN_CHECK_PVH_OPS
# rounds of disk and NIC I/O, CPU 1 offline and back every second round,
# so dwork must adopt work from the dying CPU; the soak form is
# XEN_CHECK_MODES=pvh XEN_CHECK_PVH_OPS=200).  The PV runs are shortened
# from 60 to 24 hotplug operations to keep the step within its budget
# (about 20-25 minutes on 2 cores; XEN_CHECK_PV_BUILDS="stock-debug
# dwork-dpci-debug" drops two PV boots).  The PVH boots run Xen with
# spec-ctrl=eager-fpu (run.sh's default for that mode): with Xen's lazy
# FPU switching under this qemu, dom0's processes read wrong data (stock
# Xen too; docs/xen.md), which made CI's PVH boots take no CPU down
# before.
export XEN_CHECK_OPS=${XEN_CHECK_OPS:-24}
export XEN_CHECK_PVH_OPS=${XEN_CHECK_PVH_OPS:-12}
export XEN_CHECK_PVH_HP=${XEN_CHECK_PVH_HP:-2}
export XEN_CHECK_BUILDS=${XEN_CHECK_BUILDS:-stock-release stock-debug dwork-dpci-release dwork-dpci-debug}
export XEN_CHECK_MODES=${XEN_CHECK_MODES:-pv pvh}
# The open defect of docs/xen.md ("A dom0 process dying of SIGSEGV"): a
# short-lived dom0 process sometimes dies of SIGSEGV, stock builds too
# (its reproducer has shown it on stock-release, stock-debug and
# dwork-debug; root cause not found).  It is printed as OPEN on the
# verdict line and in the summary (`make xen-check` does the same in
# every build it boots), so that it cannot fail a landing at random; an
# operation whose own process dies of it is retried once.  Every other
# check of a boot still fails the step.
export XEN_CHECK_SEGV_OPEN=${XEN_CHECK_SEGV_OPEN-stock-release stock-debug dwork-dpci-release dwork-dpci-debug}
rc=0
tests/xen-real/run.sh build-ci-xen-real || rc=$?
echo "xen-real: step took $(($(date +%s) - start)) s"
[ $rc -ne 77 ] || skip "see the apt-get update output above"
exit $rc
