#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# /init of the dom0 initramfs built by tests/xen-real/run.sh (busybox sh).
# Runs a workload that goes through Xen's tasklets and checks every result:
#   - CPU offline/online loops with xen-hptool (XEN_SYSCTL_cpu_hotplug:
#     continue_hypercall_on_cpu() -> an idle tasklet on CPU 0 ->
#     stop_machine_run() tasklets on every CPU -> CPU_DEAD notifier);
#   - cpupool create / CPU move / destroy (cpupool_unassign_cpu() also
#     continues on another CPU through a tasklet) and vCPU pinning, with xl;
#   - debug keys (xl debug-keys; hp with xctools=hp below).
# Every operation prints "XC op NAME CENTISECONDS"; failures print
# "XC FAIL ..."; success ends with "XC PASS ops=N".  Parameters come from
# the kernel command line (Linux hands unknown name=value to init):
#   xcops=N      hotplug operations (rounded up to whole offline/online loops)
#   xctimeout=S  seconds one operation may take before the run fails
#   xcsigretry=1 an operation whose own process dies of a fatal signal
#                (SIGSEGV, SIGABRT, SIGBUS, SIGILL, SIGFPE) while the kernel
#                logged the fault is reported (XC SIGNAL-RETRY, and the
#                kernel's lines as XC DMESG, which run.sh counts as the
#                open dom0 defect of docs/xen.md) and run once more; run.sh
#                sets it for the builds XEN_CHECK_SEGV_OPEN names
#   xcmemscan=MIB:KIB:MS  run /bin/memscan (memscan.c) beside the workload:
#                MIB MiB fixed, 16 x KIB KiB churned, MS ms between passes;
#                0 turns it off.  Every word it finds changed prints
#                "XC MEMSCAN-FAIL ..." (run.sh counts those lines).
#   xcmode=pvh   dom0 is PVH (an HVM-type domain: its device interrupts go
#                through Xen's dpci, see docs/xen.md): instead of the
#                workload above, pvh_run below (disk and NIC traffic with
#                interrupts moved between CPUs and CPU 1 taken offline
#                under I/O); xcops=N is then its number of rounds and
#                xchp=K takes CPU 1 offline and back every K-th round
#                (0: never)
#   xctools=hp   dom0's hypervisor operations (CPU offline/online, vCPU
#                pinning, debug keys, nr_cpus) go through /bin/hp
#                (tests/xen-upstream/hp.c: raw hypercalls, the interface
#                versions probed) instead of xen-utils-4.17's xen-hptool
#                and xl, which speak only Xen 4.17's interfaces; no
#                xenstored or xen-init-dom0.  PVH mode only (the PV
#                workload's cpupools need xl).  tests/xen-upstream/run.sh's
#                XEN_UP_MODE=pvh sets it to boot upstream Xen releases.
#   xcdomu=N     (with xcmode=pvh) after the rounds, start a PVH domU
#                with two vCPUs (xl create; its kernel and initramfs are
#                in /domu, its /init is domu-init.sh) and move its vCPUs
#                between the CPUs N times (every xchp-th time CPU 1 goes
#                offline and back instead), each move followed by a round
#                of the domU's workload; then destroy it (pvh_domu below)
export PATH=/bin:/sbin:/usr/bin:/usr/lib/xen-4.17/bin
export LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu
XB=/usr/lib/xen-4.17/bin
# The tools every operation below calls (xctools=hp: hp.c, same output).
if [ "${xctools:-xen}" = hp ]; then
	XL=hp HPTOOL=hp
else
	XL=xl HPTOOL=xen-hptool
fi
ops_target=${xcops:-60}
op_timeout=${xctimeout:-120}
nops=0

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /run /var/run /var/lib/xenstored /var/log/xen /tmp
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
echo 1 >/proc/sys/kernel/print-fatal-signals

# Every dom0 process that died of SIGSEGV (or another core-dumping
# signal) since the last dmesg -c: the kernel's "segfault at" line and
# register dump (print-fatal-signals) are KERN_INFO, below the console
# loglevel, so they are printed as "XC DMESG" lines (at most $1) for run.sh
# to count and show.
dmesg_faults() {	# $1: most lines to print
	dmesg -c | grep -a -A 30 -E 'segfault at|general protection|fatal signal' | head -n "$1" | sed 's/^/XC DMESG /'
}

# memscan (memscan.c) in the background: started by memscan_start, ended
# by memscan_stop.  Changed words are its XC MEMSCAN-FAIL lines, which
# run.sh judges (exit status 1); any other failure of memscan fails here.
ms_pid=
memscan_start() {
	[ -n "${xcmemscan:-}" ] && [ "$xcmemscan" != 0 ] || return 0
	# shellcheck disable=SC2046
	set -- $(echo "$xcmemscan" | tr : ' ')
	memscan "$1" "${2:-0}" "${3:-0}" &
	ms_pid=$!
}
memscan_stop() {
	[ -n "$ms_pid" ] || return 0
	kill -TERM "$ms_pid"
	wait "$ms_pid"
	ms_rc=$?
	ms_pid=
	[ $ms_rc -le 1 ] || fail "memscan: exit status $ms_rc"
}

finish() {	# $1: PASS or FAIL
	[ -z "$ms_pid" ] || { kill -TERM "$ms_pid"; wait "$ms_pid"; }
	dmesg_faults 200
	sync
	echo "XC END $1"
	# Xen reboots the (virtual) machine when dom0 reboots; qemu runs with
	# -no-reboot, so that ends the run.
	reboot -f
	sleep 1000
}

fail() {
	# During pvh_domu: what the domU printed so far.
	[ -z "${domu_on:-}" ] || { domu_on=; domu_show; }
	echo "XC FAIL $*"
	finish FAIL
}

now_cs() {	# uptime in centiseconds
	read -r up _ </proc/uptime
	echo "${up%.*}${up#*.}" | sed 's/^0*//;s/^$/0/'
}

# run NAME EXPECT CMD...: run CMD with a timeout, record its time; it
# must exit 0 and, if EXPECT is not empty, print a line matching EXPECT.
# hang_watch NAME CMD: started beside an operation, killed when it ends.
# If the operation is still running 15 s before its timeout, says so
# ("XC HANG", which also makes run.sh sample the virtual CPUs while the
# hang lasts) and shows what each of the command's processes is doing:
# its state, the kernel function it sleeps in, its system call (number
# and arguments; "running" if in user space) and its kernel stack.  That
# tells a hypercall that never returns (an ioctl on /dev/xen/privcmd)
# from a process that loops or waits in dom0 itself.
hang_watch() {
	i=0 n=$((op_timeout > 30 ? op_timeout - 15 : op_timeout / 2))
	while [ $i -lt $n ]; do sleep 1; i=$((i + 1)); done
	echo "XC HANG $1: still running after ${n}s: what its processes do"
	for d in /proc/[0-9]*; do
		c=$(tr '\0' ' ' <"$d/cmdline" 2>/dev/null) || continue
		case " $c" in *" $2"* | *"/$2"*) ;; *) continue ;; esac
		echo "XC HANG-PROC ${d#/proc/} [$c] $(grep -E '^State' "$d/status" | tr '\t' ' ') wchan $(cat "$d/wchan" 2>/dev/null) syscall $(cat "$d/syscall" 2>/dev/null)"
		sed 's/^/XC HANG-STACK /' "$d/stack" 2>/dev/null
	done
}

run() {
	name=$1 expect=$2
	shift 2
	t0=$(now_cs)
	hang_watch "$name" "$1" &
	hw=$!
	out=$(timeout "$op_timeout" "$@" 2>&1)
	rc=$?
	kill "$hw" 2>/dev/null
	wait "$hw" 2>/dev/null
	t1=$(now_cs)
	case $rc in
	132|134|135|136|139)
		# Killed by a fatal signal.  With xcsigretry=1, and the kernel's
		# report of it in the log, it is the open dom0 defect (seen on
		# stock Xen too): say so, hand the report to run.sh, retry once.
		if [ "${xcsigretry:-0}" = 1 ] &&
			dmesg | grep -a -q -E 'segfault at|general protection|fatal signal'; then
			echo "$out"
			echo "XC SIGNAL-RETRY $name: exit status $rc: $*"
			dmesg_faults 60
			t0=$(now_cs)
			out=$(timeout "$op_timeout" "$@" 2>&1)
			rc=$?
			t1=$(now_cs)
		fi ;;
	esac
	if [ $rc -eq 143 ] || [ $rc -eq 124 ]; then
		echo "$out"
		# What Xen shows of the hang: run queues, dwork's counters,
		# interrupts, and the CPUs' registers and stacks (each key
		# bounded: the hypercall may hang too).
		echo "XC HANG $name: debug keys r k i d"
		for k in r k i d; do timeout 20 $XL debug-keys $k; done
		fail "$name: no result after ${op_timeout}s (timeout): $*"
	fi
	if [ $rc -ne 0 ]; then
		echo "$out"
		fail "$name: exit status $rc: $*"
	fi
	if [ -n "$expect" ]; then
		echo "$out" | grep -q "$expect"
		g=$?
		# The check's own grep killed by the open dom0 defect: reported
		# as it is for an operation, and the check (not the operation,
		# which did its work) made once more.
		if [ $g -gt 128 ] && [ "${xcsigretry:-0}" = 1 ]; then
			echo "XC SIGNAL-RETRY $name: the check's grep, exit status $g"
			dmesg_faults 60
			echo "$out" | grep -q "$expect"
			g=$?
		fi
		if [ $g -ne 0 ]; then
			echo "$out"
			fail "$name: output lacks '$expect': $*"
		fi
	fi
	nops=$((nops + 1))
	echo "XC op $name $((t1 - t0))"
}

# probe: short busybox processes right after a hypercall; each must exit 0
# and print what it should.  A process killed by a signal exits 128+N
# (SIGSEGV: 139).  Counts into $pfail, says "XC PROBE-FAIL ...".
pfail=0 probes=0
probe() {	# $1: where
	for p in sed awk sh; do
		want=12
		case $p in
		sed) want=12.34
			o=$(echo 0012.34 | sed 's/^0*//;s/^$/0/'); rc=$? ;;
		awk) o=$(echo 3 4 | awk '{ print $1 * $2 }'); rc=$? ;;
		sh) o=$(sh -c 'echo $((3 * 4))'); rc=$? ;;
		esac
		probes=$((probes + 1))
		if [ $rc -ne 0 ] || [ "$o" != "$want" ]; then
			pfail=$((pfail + 1))
			echo "XC PROBE-FAIL $1 $p rc=$rc out='$o'"
			dmesg_faults 60
		fi
	done
}

# segv_loop N WHERE: N rounds of debug keys r, t, y, each followed by probes.
segv_loop() {
	i=0
	while [ $i -lt "$1" ]; do
		for k in r t y; do
			run debug-keys "" $XL debug-keys $k
			probe "$2 round $i after $k"
		done
		i=$((i + 1))
	done
}

segv_run() {	# $1 rounds with CPUs offline, $2 with every CPU online
	last=$((pcpus - 1))
	c=1
	while [ $c -le $last ]; do
		run cpu-offline "CPU $c offlined successfully" $HPTOOL cpu-offline $c
		c=$((c + 1))
	done
	segv_loop "$1" offline
	f_off=$pfail
	c=$last
	while [ $c -ge 1 ]; do
		run cpu-online "CPU $c onlined successfully" $HPTOOL cpu-online $c
		c=$((c - 1))
	done
	segv_loop "$2" online
	echo "XC SEGV probes=$probes failed=$pfail offline-failed=$f_off online-failed=$((pfail - f_off))"
}

finish_segv() {
	run debug-keys "" $XL debug-keys y
	memscan_stop
	[ $pfail -eq 0 ] || fail "$pfail of $probes short processes failed"
	echo "XC PASS ops=$nops hotplug=0"
	finish PASS
}


# ---------------------------------------------------------------- PVH ---
# dom0 is PVH: the AHCI disk (MSI) and the e1000 NIC (INTx, GSI) raise
# Xen's dpci for every interrupt.  Each round: re-pin dom0's two vCPUs
# to the two physical CPUs (Xen moves an MSI pirq with its destination
# vCPU), move the AHCI MSI to the other dom0 vCPU (smp_affinity), run a
# burst of checksummed O_DIRECT disk I/O and pings of the emulated gateway
# in the background, and on every xchp-th round take CPU 1 offline and
# back while the burst runs.  Serial input from run.sh's feeder reaches
# dom0 as VIRQ_CONSOLE (from Xen's serial interrupt: the HVM event-channel
# tasklet); dom0 reads it from hvc0.
pvh_irq() {	# $1: pattern in /proc/interrupts -> the Linux IRQ number
	awk -v p="$1" '$0 ~ p { sub(":", "", $1); print $1; exit }' /proc/interrupts
}
pvh_counts() {	# $1: label; the interrupt lines of the two devices
	grep -E 'ahci|eth0' /proc/interrupts | sed "s/^/XC IRQS $1 /"
}
# One burst: 1 MiB of fresh random data written with O_DIRECT to its own
# MiB of the disk, read back with O_DIRECT and compared; 10 pings.
pvh_burst() {	# $1 round; writes its verdict to /tmp/burst.$1
	slot=$(($1 % 48))
	r=ok
	dd if=/dev/urandom of=/tmp/pat."$1" bs=64k count=16 2>/dev/null || r="urandom"
	dd if=/tmp/pat."$1" of=/dev/sda bs=64k count=16 seek=$((slot * 16)) oflag=direct conv=notrunc,fsync 2>/tmp/dd."$1" || r="write failed: $(cat /tmp/dd."$1")"
	dd if=/dev/sda of=/tmp/rd."$1" bs=64k count=16 skip=$((slot * 16)) iflag=direct 2>/tmp/dd."$1" || r="read failed: $(cat /tmp/dd."$1")"
	a=$(md5sum </tmp/pat."$1") b=$(md5sum </tmp/rd."$1")
	[ "$r" != ok ] || [ "$a" = "$b" ] || r="checksum: wrote ${a%% *} read ${b%% *}"
	p=$(ping -c 10 -i 0.2 -W 10 10.0.2.2 2>&1)
	echo "$p" | grep -q '10 packets received' || [ "$r" != ok ] || r="ping: $(echo "$p" | tail -n 2 | tr '\n' ' ')"
	rm -f /tmp/pat."$1" /tmp/rd."$1" /tmp/dd."$1"
	echo "$r" >/tmp/burst."$1"
}
# A PVH domU with two vCPUs (its /init: domu-init.sh), started by xl,
# its console logged by xenconsoled.  Once it runs its workload, dom0
# moves its vCPUs between the two CPUs $1 times (xl vcpu-pin; every
# xchp-th time instead, with every vCPU unpinned, CPU 1 goes offline and
# back) and after each move waits for one more round of the domU's
# workload; then it destroys the domU and checks that it is gone.  Every
# line the domU printed is shown as "XC DOMU ...".
domu_log() {	# the domU's console log (xenconsoled --log=guest)
	cat /var/log/xen/console/guest-xcdomu*.log 2>/dev/null | tr -d '\r'
}
domu_rounds() {	# rounds of the domU's workload that passed
	domu_log | grep -c '^XCU round [0-9]* ok'
}
domu_show() {
	domu_log | grep -a -E '^XCU|BUG|Oops|WARNING|panic|stall|soft lockup' | sed 's/^/XC DOMU /'
}
# domu_wait WHAT CMD...: wait (op_timeout seconds at most) until CMD
# succeeds; the domU must stay alive and print no failure meanwhile.
domu_wait() {
	what=$1
	shift
	t0=$(now_cs)
	i=0
	until "$@"; do
		st=$(xl list xcdomu 2>/dev/null | awk 'NR == 2 { print $5 }')
		# Gone, shut down, crashed or dying ("---s--", "----c-", "-----d").
		if [ -z "$st" ] || echo "$st" | grep -q '[scd]' || domu_log | grep -q '^XCU FAIL'; then
			xl list
			fail "domU: $what: the domU failed or is gone (state '${st:-none}')"
		fi
		if [ $i -ge "$op_timeout" ]; then
			xl list
			xl debug-keys q
			fail "domU: $what: not after ${op_timeout}s"
		fi
		sleep 1
		i=$((i + 1))
	done
	nops=$((nops + 1))
	echo "XC op domu-$what $(($(now_cs) - t0))"
}
domu_more() {	# more than $1 rounds passed
	dr=$(domu_rounds)
	# Empty when the check's own grep died (the open dom0 defect).
	[ -n "$dr" ] && [ "$dr" -gt "$1" ]
}
pvh_domu() {	# $1 vCPU moves
	mkdir -p /var/log/xen/console /var/lock /etc/xen
	: >/etc/xen/xl.conf	# xl's defaults, without its complaint
	# xenconsoled gives each guest console a pty.
	mount -t devpts devpts /dev/pts || fail "mount devpts"
	# A daemon: started outside run(), whose $(...) would wait for it.
	$XB/xenconsoled --log=guest --log-dir=/var/log/xen/console </dev/null >/dev/null 2>&1 ||
		fail "xenconsoled did not start"
	cat >/tmp/domu.cfg <<-EOF
	name = "xcdomu"
	type = "pvh"
	kernel = "/domu/vmlinux"
	ramdisk = "/domu/initrd.cpio.gz"
	cmdline = "console=hvc0 loglevel=4"
	memory = 128
	vcpus = 2
	on_crash = "preserve"
	EOF
	# -e: no xl process stays behind to watch the domain (a crash leaves
	# it shut down, which domu_wait reports).
	# xl create in the background, its libxl log verbose with dom0's
	# uptime (centiseconds) on every line: the steps' times.  While it
	# runs longer than 30 s, what Xen shows is printed.  It may take five
	# operation timeouts: under qemu's TCG it took 216 s (docs/xen.md).
	t0=$(now_cs)
	(xl -vvv create -e /tmp/domu.cfg 2>&1; echo "xl-exit $?") |
		while IFS= read -r l; do echo "$(now_cs) $l"; done >/tmp/xlcreate.log &
	xp=$!
	i=0
	while kill -0 $xp 2>/dev/null && [ $i -lt $((op_timeout * 5)) ]; do
		sleep 1
		i=$((i + 1))
		# Xen's perf counters (hypercalls by number) twice, 15 s apart:
		# which hypercall the stalled create is making.
		if [ $i -eq 30 ] || [ $i -eq 45 ]; then
			echo "XC DOMU-STALL create: running for $i s"
			tail -n 15 /tmp/xlcreate.log | sed 's/^/XC XL /'
			timeout 20 xl debug-keys p
		fi
	done
	if kill -0 $xp 2>/dev/null; then
		sed 's/^/XC XL /' /tmp/xlcreate.log | tail -n 60
		timeout 20 xl debug-keys d
		fail "domu-create: no result after $((op_timeout * 5))s: xl create -e /tmp/domu.cfg"
	fi
	rc=$(sed -n 's/^[0-9]* xl-exit //p' /tmp/xlcreate.log)
	# Every step of libxl and the domain builder with its time.
	grep -E 'libxl: debug|domainbuilder: detail: (xc_dom_[a-z_]*: called|xc_dom_boot_image|vcpu_hvm)|xl-exit' /tmp/xlcreate.log |
		cut -c1-160 | sed 's/^/XC XL /'
	[ "$rc" = 0 ] || { sed 's/^/XC XL /' /tmp/xlcreate.log | tail -n 60; fail "domu-create: exit status ${rc:-none}"; }
	nops=$((nops + 1))
	echo "XC op domu-create $(($(now_cs) - t0))"
	domu_on=1	# fail() shows the domU's lines from here on
	domu_wait boot domu_more 0
	domu_log | grep -q '^XCU cpus=2 ' || fail "domU: not two vCPUs up"
	echo "XC DOMU-ID $(xl domid xcdomu)"
	m=0
	while [ $m -lt "$1" ]; do
		n=$(domu_rounds)
		[ -n "$n" ] || n=$(domu_rounds)	# once more, as domu_more
		c=$((m % 2))
		if [ "${xchp:-2}" -gt 0 ] && [ $((m % ${xchp:-2})) -eq $((${xchp:-2} - 1)) ]; then
			# Every vCPU unpinned first (see pvh_run).
			run vcpu-pin "" xl vcpu-pin 0 all all
			run vcpu-pin "" xl vcpu-pin xcdomu all all
			run cpu-offline "CPU 1 offlined successfully" xen-hptool cpu-offline 1
			nhp=$((nhp + 1))
			run cpu-online "CPU 1 onlined successfully" xen-hptool cpu-online 1
			nhp=$((nhp + 1))
		else
			run vcpu-pin "" xl vcpu-pin xcdomu 0 $c
			run vcpu-pin "" xl vcpu-pin xcdomu 1 $((1 - c))
		fi
		domu_wait round domu_more "$n"
		m=$((m + 1))
	done
	run vcpu-pin "" xl vcpu-pin 0 all all
	run domu-destroy "" xl destroy xcdomu
	sleep 1
	if xl list xcdomu >/dev/null 2>&1; then
		xl list
		fail "domU: still listed after xl destroy"
	fi
	domu_on=
	domu_show
	echo "XC DOMU PASS rounds=$(domu_rounds) moves=$1"
}

pvh_run() {
	kv=$(uname -r)
	km=/lib/modules/$kv/kernel
	for k in drivers/scsi/scsi_common drivers/scsi/scsi_mod drivers/ata/libata \
		drivers/ata/libahci drivers/ata/ahci crypto/crct10dif_common \
		crypto/crct10dif_generic lib/crc-t10dif lib/crc64 \
		crypto/crc64_rocksoft_generic lib/crc64-rocksoft block/t10-pi \
		drivers/scsi/sd_mod drivers/net/ethernet/intel/e1000/e1000; do
		insmod "$km/$k.ko" || fail "insmod $k"
	done
	i=0
	while [ ! -b /dev/sda ] && [ $i -lt 120 ]; do sleep 1; i=$((i + 1)); done
	[ -b /dev/sda ] || fail "no /dev/sda after 120 s (AHCI)"
	ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 || fail "eth0 setup"
	ahci=$(pvh_irq ahci) eth=$(pvh_irq eth0)
	[ -n "$ahci" ] && [ -n "$eth" ] || { cat /proc/interrupts; fail "no ahci or eth0 line in /proc/interrupts"; }
	echo "XC PVH ahci-irq $ahci eth0-irq $eth rounds $ops_target hotplug-every ${xchp:-2}"
	# Console input: no echo (it would land in the log), read and counted.
	stty -F /dev/hvc0 -echo -icanon 2>/dev/null || stty -echo -icanon </dev/hvc0
	cat /dev/hvc0 >/tmp/conin &
	cin_pid=$!
	echo "XC CONIN-START"
	pvh_counts start
	run debug-keys "" $XL debug-keys k
	run debug-keys "" $XL debug-keys y
	nhp=0 r=0
	while [ $r -lt "$ops_target" ]; do
		c=$((r % 2)) av=$(((r / 2) % 2))
		run vcpu-pin "" $XL vcpu-pin 0 0 $c
		run vcpu-pin "" $XL vcpu-pin 0 1 $((1 - c))
		run irq-affinity "" sh -c "echo $((av + 1)) >/proc/irq/$ahci/smp_affinity"
		if [ "$av" = 0 ]; then p=$c; else p=$((1 - c)); fi
		echo "XC PVH round $r ahci-vcpu $av ahci-pcpu $p"
		pvh_burst $r &
		bp=$!
		if [ "${xchp:-2}" -gt 0 ] && [ $((r % ${xchp:-2})) -eq $((${xchp:-2} - 1)) ]; then
			# Unpinned first: with a dom0 vCPU pinned to CPU 1 alone,
			# stock Xen 4.17's debug build can fail "cpu < nr_cpu_ids"
			# in credit's csched_tick() as CPU 1 goes down.  The vCPU
			# (and the MSI with it) stays on CPU 1 until it goes.
			run vcpu-pin "" $XL vcpu-pin 0 all all
			run cpu-offline "CPU 1 offlined successfully" $HPTOOL cpu-offline 1
			nhp=$((nhp + 1))
			run cpu-online "CPU 1 onlined successfully" $HPTOOL cpu-online 1
			nhp=$((nhp + 1))
		fi
		t0=$(now_cs)
		i=0
		while kill -0 $bp 2>/dev/null && [ $i -lt "$op_timeout" ]; do
			sleep 1
			i=$((i + 1))
			# A burst still running after 20 s is stalled (one takes
			# 1-5 s): what Xen and dom0 show at that moment.
			if [ $i -eq 20 ]; then
				echo "XC STALL round $r: burst running for 20 s"
				pvh_counts stall
				$XL debug-keys i
				$XL debug-keys k
			fi
		done
		if kill -0 $bp 2>/dev/null; then
			pvh_counts stalled
			$XL debug-keys i
			fail "io-burst: round $r: no result after ${op_timeout}s"
		fi
		wait $bp
		b=$(cat /tmp/burst.$r 2>/dev/null)
		# A burst command killed by the open dom0 defect (a busybox
		# process's own fault, which the kernel logs): reported with the
		# kernel's lines, as run() does, and the burst run once more.
		if [ "$b" != ok ] && [ "${xcsigretry:-0}" = 1 ] &&
			dmesg | grep -a -q -E 'segfault at|general protection|fatal signal'; then
			echo "XC SIGNAL-RETRY io-burst: round $r: $b"
			dmesg_faults 60
			(pvh_burst "$r")	# a subshell: it sets r, a, b and p
			b=$(cat /tmp/burst."$r" 2>/dev/null)
		fi
		[ "$b" = ok ] || fail "io-burst: round $r: ${b:-no verdict}"
		nops=$((nops + 1))
		echo "XC op io-burst $(($(now_cs) - t0))"
		r=$((r + 1))
	done
	[ "${xcdomu:-0}" -eq 0 ] || pvh_domu "$xcdomu"
	echo "XC CONIN-STOP"
	sleep 1
	kill $cin_pid
	echo "XC CONIN bytes=$(wc -c </tmp/conin)"
	pvh_counts end
	run debug-keys "" $XL debug-keys k
	run debug-keys "" $XL debug-keys y
	sleep 1	# let the last interrupts settle before the in-flight check
	echo "XC KEYI-BEGIN"
	run debug-keys "" $XL debug-keys i
	echo "XC KEYI-END"
	n=$($XL info | sed -n 's/^nr_cpus *: *//p')
	[ "$n" = "$pcpus" ] || fail "after hotplug: nr_cpus $n, expected $pcpus"
	memscan_stop
	echo "XC PASS ops=$nops hotplug=$nhp"
	finish PASS
}

echo "XC START xcops=$ops_target xctimeout=$op_timeout"
m=/lib/modules/$(uname -r)/kernel/drivers/xen
for k in xen-evtchn xen-privcmd xenfs/xenfs xen-gntdev xen-gntalloc; do
	insmod "$m/$k.ko" || fail "insmod $k"
done
mount -t xenfs xenfs /proc/xen || fail "mount xenfs"

ncpu=$(grep -c '^processor' /proc/cpuinfo)	# dom0 vCPUs

# xenstored for xl (cpupools have names in xenstore); hp needs none.
if [ "$XL" = xl ]; then
	$XB/xenstored --pid-file /run/xenstored.pid || fail "xenstored did not start"
	run xen-init-dom0 "" $XB/xen-init-dom0
else
	[ "${xcmode:-pv}" = pvh ] || fail "xctools=hp: only the PVH workload (xcmode=pvh) runs without xl"
fi
pcpus=$($XL info | sed -n 's/^nr_cpus *: *//p')
[ -n "$pcpus" ] && [ "$pcpus" -ge 2 ] || fail "$XL info: nr_cpus '$pcpus' (need >= 2 CPUs)"
last=$((pcpus - 1))
echo "XC pcpus=$pcpus dom0-vcpus=$ncpu"

# xcsegv=N: only the short-process check (segv_run below), N rounds with
# CPUs 1..last offline, then xcsegvon=M (default N) with every CPU online.
memscan_start
[ "${xcmode:-pv}" != pvh ] || pvh_run
if [ -n "${xcsegv:-}" ]; then
	segv_run "$xcsegv" "${xcsegvon:-$xcsegv}"
	finish_segv
fi

# Debug keys go through printk and the console; 'q' and 'h' print a lot.
run debug-keys "" $XL debug-keys h
run debug-keys "" $XL debug-keys q
run debug-keys "" $XL debug-keys k	# dwork's counters (nothing on stock)
# The selftest's idle-kick probe (selftest.c) before the first hotplug
# operation, which needs every CPU's idle tasklet handshake to work.
run debug-keys "" $XL debug-keys y

# vCPU pinning: every dom0 vCPU to every pCPU in turn, then back to all.
v=0
while [ $v -lt "$ncpu" ]; do
	c=0
	while [ $c -le $last ]; do
		run vcpu-pin "" $XL vcpu-pin 0 $v $c
		c=$((c + 1))
	done
	run vcpu-pin "" $XL vcpu-pin 0 $v all
	v=$((v + 1))
done

# cpupools: move the last CPU into a new credit pool and back, twice.
for i in 1 2; do
	run cpupool-remove "" xl cpupool-cpu-remove Pool-0 $last
	run cpupool-create "" xl cpupool-create name=\"xc\" sched=\"credit\"
	run cpupool-add "" xl cpupool-cpu-add xc $last
	xl cpupool-list -c | grep -q "^xc  *$last\$" || { xl cpupool-list -c; fail "cpupool xc does not hold CPU $last"; }
	run cpupool-remove "" xl cpupool-cpu-remove xc $last
	run cpupool-destroy "" xl cpupool-destroy xc
	run cpupool-add "" xl cpupool-cpu-add Pool-0 $last
done

# CPU hotplug: offline 1..last, online last..1, until ops_target.
h=0 loop=0
while [ $h -lt "$ops_target" ]; do
	c=1
	while [ $c -le $last ]; do
		run cpu-offline "CPU $c offlined successfully" $HPTOOL cpu-offline $c
		c=$((c + 1)) h=$((h + 1))
	done
	if [ $((loop % 5)) -eq 0 ]; then
		run debug-keys "" $XL debug-keys r
		run debug-keys "" $XL debug-keys t
		run debug-keys "" $XL debug-keys y
	fi
	c=$last
	while [ $c -ge 1 ]; do
		run cpu-online "CPU $c onlined successfully" $HPTOOL cpu-online $c
		c=$((c - 1)) h=$((h + 1))
	done
	loop=$((loop + 1))
done
# The counters of run.sh's test-only notifier (selftest.c), which run.sh
# checks in the console log, and dwork's.
run debug-keys "" $XL debug-keys k
run debug-keys "" $XL debug-keys y
n=$($XL info | sed -n 's/^nr_cpus *: *//p')
[ "$n" = "$pcpus" ] || fail "after hotplug: nr_cpus $n, expected $pcpus"
memscan_stop
echo "XC PASS ops=$nops hotplug=$h"
finish PASS
