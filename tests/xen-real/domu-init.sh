#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# /init of the PVH domU that dom0 starts with xl in the PVH mode of
# tests/xen-real/run.sh (XEN_CHECK_PVH_DOMU=1; busybox sh).  The domU has
# two vCPUs and no disk or network; everything it says goes to its
# console (hvc0), which dom0's xenconsoled logs to a file that dom0's
# init.sh reads.  It checks that both vCPUs came up (Linux starts the
# second with INIT and SIPI through Xen's emulated local APIC), then runs
# rounds of work that cross its two vCPUs until dom0 destroys it:
#   - a pipe from a writer pinned to one vCPU to a reader pinned to the
#     other (the reader's wakeups are reschedule IPIs: event channels
#     between the two vCPUs), checksummed;
#   - on each vCPU a pinned process that sleeps in short steps (timer
#     events: VIRQ_TIMER of that vCPU);
#   - a pinned busy loop.
# Each round prints "XCU round N ok" or "XCU FAIL ..."; every tenth round
# also the vCPUs' timer and IPI interrupt lines ("XCU IRQS ...").  A check
# that failed while the kernel logged a process's fatal fault (the open
# defect of docs/xen.md, seen in dom0 on stock Xen too) prints "XCU SIGNAL
# ..." and the kernel's lines ("XCU DMESG ..."), and the rounds go on;
# dom0's run.sh counts those as it counts dom0's.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo 1 >/proc/sys/kernel/print-fatal-signals

fail() {
	# A process's fatal fault in the kernel's log: the open defect.
	if dmesg | grep -a -q -E 'segfault at|general protection|fatal signal'; then
		echo "XCU SIGNAL $*"
		sig=1
		dmesg -c | grep -a -A 20 -E 'segfault at|general protection|fatal signal' |
			head -n 40 | sed 's/^/XCU DMESG /'
		return
	fi
	echo "XCU FAIL $*"
	# Stay up: dom0 sees the line, reports it and destroys the domain.
	while :; do sleep 1000; done
}

irqs() {	# the vCPUs' timer and IPI event-channel lines
	grep -E 'timer|resched|callfunc|Rescheduling|Function call' /proc/interrupts |
		tr -s ' ' | sed 's/^/XCU IRQS /'
}

echo "XCU START $(uname -r)"
n=$(grep -c '^processor' /proc/cpuinfo)
echo "XCU cpus=$n online=$(cat /sys/devices/system/cpu/online)"
[ "$n" = 2 ] || fail "$n vCPU(s) up, expected 2"
irqs
# md5sum of 1 MiB of zeros.
want=b6d81b360a5672d80c27430f39153e2c
r=0
while :; do
	a=$((r % 2)) sig=0
	b=$((1 - a))
	taskset -c 0 sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 0.05; done' &
	s0=$!
	taskset -c 1 sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 0.05; done' &
	s1=$!
	m=$(taskset -c $a dd if=/dev/zero bs=4k count=256 2>/dev/null | taskset -c $b md5sum)
	[ "${m%% *}" = $want ] || fail "round $r: pipe vCPU $a -> vCPU $b: md5 '$m'"
	# shellcheck disable=SC2016 # expanded by the inner sh
	o=$(taskset -c $b sh -c 'i=0; while [ $i -lt 2000 ]; do i=$((i + 1)); done; echo $i')
	[ "$o" = 2000 ] || fail "round $r: busy loop on vCPU $b printed '$o'"
	wait $s0 || fail "round $r: sleeper on vCPU 0: exit status $?"
	wait $s1 || fail "round $r: sleeper on vCPU 1: exit status $?"
	if [ $sig = 0 ]; then echo "XCU round $r ok"; else echo "XCU round $r signal"; fi
	r=$((r + 1))
	[ $((r % 10)) -ne 0 ] || irqs
done
