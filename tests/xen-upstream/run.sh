#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# tests/xen-upstream/run.sh XEN_TREE [OUT_DIR] - dwork in any Xen 4.17+ tree
#
# For a Xen tree you supply (e.g. an upstream checkout: CI cannot fetch
# one, so this is run by hand; docs/xen.md lists what it gave):
# 1. Copies the hypervisor part of XEN_TREE (xen/, Config.mk, config/,
#    scripts/, version.sh) to OUT_DIR/tree and integrates dwork with
#    port/xen/integrate.sh.  XEN_TREE itself is not touched.
# 2. Builds the hypervisor out of tree with defconfig, release
#    (CONFIG_DEBUG=n, set explicitly: unstable trees default to y) and
#    debug (CONFIG_DEBUG=y; checks that CONFIG_DWORK_DEBUG_CHECKS=y
#    followed), with Xen's own -Werror.
# 3. Reverts the copy with integrate.sh --revert and checks that it is
#    byte-identical to XEN_TREE's files again (diff -r): the builds wrote
#    nothing into the source tree and the revert restored every file.
# 4. Boots each build under the qemu command line of tests/xen-real/run.sh,
#    with the dom0 kernel and initramfs that `make xen-check` made
#    (XEN_UP_DOM0, default build/xen-real/dom0).  Its xen-utils-4.17 tools
#    only talk to a Xen 4.17 hypervisor, so a new /init (added as a second
#    cpio archive) runs tests/xen-upstream/hp.c instead: CPU offline/online
#    loops and debug keys through /dev/xen/privcmd, with the sysctl
#    interface version probed.
# 5. A boot passes when dom0 printed "HP PASS" and "HP END rc=0" and no
#    (XEN) line reports BUG, Assertion, panic, or a WARN or call trace
#    other than the one below.
#
# Known and not dwork's: debug builds of Xen 4.19 and later (the check
# came in 4.19) WARN once at boot in arch/x86/xstate.c (check_new_xstate:
# the CPU reports a compressed xstate size but no XSAVEC, which is what
# qemu's "-cpu max" does); stock Xen does the same.  That WARN and its one call trace are
# counted and reported, not failed.
#
# XEN_UP_DPCI=1 integrates with `integrate.sh --dpci` (dpci on dwork
# items) instead, and also checks that each build's xen-syms has
# dpci_dwork_assist and no dpci_softirq.
#
# XEN_UP_MODE=pvh instead runs make xen-check's PVH mode on the tree
# (tests/xen-real/run.sh with XEN_CHECK_SRC=XEN_TREE, build directory
# OUT_DIR/pvh): stock and dwork-dpci (integrate.sh --dpci) builds of each
# flavour in XEN_UP_BUILDS (default "debug release"), every tree with
# tests/xen-real/instrument.py's counters and selftest.c, booted with a
# PVH dom0 whose disk and NIC interrupts go through Xen's dpci, under
# init.sh's PVH workload (I/O bursts, MSI and vCPU moves, CPU 1 offline
# and back) with its hypervisor operations made by hp.c
# (XEN_CHECK_TOOLS=hp) and the known xstate.c WARN counted, not failed
# (XEN_CHECK_XSTATE_WARN=1); every other check and the summary are
# make xen-check's (docs/xen.md, "PVH dom0").  The dom0 kernel and
# packages are copied from XEN_UP_DOM0 when it holds them (root/,
# .complete), else downloaded from Debian as make xen-check does.
# XEN_CHECK_PVH_OPS, XEN_CHECK_PVH_HP, XEN_CHECK_RUNS, XEN_CHECK_MUTATION
# and the other XEN_CHECK_* knobs of that mode pass through.  E.g.
#   XEN_UP_MODE=pvh XEN_UP_BUILDS=debug tests/xen-upstream/run.sh XEN_TREE
#
# Environment: XEN_UP_BUILDS (default "release debug"), XEN_UP_LOOPS
# (offline/online loops over every secondary CPU, default 25),
# XEN_UP_DOM0, XEN_UP_JOBS (make -j, default: number of CPUs),
# XEN_UP_LIMIT (seconds per boot, default 900).
# Exit status: 0 every build and boot passed; 1 not.
set -eu

T=$(cd "$(dirname "$0")" && pwd)
D=$(cd "$T/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 XEN_TREE [OUT_DIR]" >&2; exit 1; }
S=$(cd "$1" && pwd)
[ -f "$S/xen/Makefile" ] || { echo "$0: $S: no xen/Makefile (give the top of the Xen tree)" >&2; exit 1; }
O=${2:-$D/build/xen-upstream}
mkdir -p "$O"
O=$(cd "$O" && pwd)
BUILDS=${XEN_UP_BUILDS:-release debug}
LOOPS=${XEN_UP_LOOPS:-25}
DOM0=${XEN_UP_DOM0:-$D/build/xen-real/dom0}
JOBS=${XEN_UP_JOBS:-$(nproc)}
LIMIT=${XEN_UP_LIMIT:-900}
case ${XEN_UP_MODE:-pv} in
pv) ;;
pvh)
	P=$O/pvh
	mkdir -p "$P"
	if [ ! -f "$P/dom0/.complete" ] && [ -f "$DOM0/.complete" ] && [ -d "$DOM0/root" ]; then
		rm -rf "$P/dom0"
		mkdir -p "$P/dom0"
		cp -a "$DOM0/root" "$DOM0/.complete" "$P/dom0/"
		[ ! -f "$DOM0/vmlinux" ] || cp -a "$DOM0/vmlinux" "$P/dom0/"
	fi
	b=""
	for f in ${XEN_UP_BUILDS:-debug release}; do
		case $f in release | debug) b="$b stock-$f dwork-dpci-$f" ;;
		*) echo "$0: XEN_UP_BUILDS: unknown build '$f' (release, debug)" >&2; exit 1 ;;
		esac
	done
	export XEN_CHECK_SRC="$S" XEN_CHECK_TOOLS=hp XEN_CHECK_MODES=pvh \
		XEN_CHECK_XSTATE_WARN=1 XEN_CHECK_BUILDS="${b# }" XEN_CHECK_JOBS="$JOBS"
	exec "$D/tests/xen-real/run.sh" "$P"
	;;
*) echo "$0: XEN_UP_MODE must be pv or pvh" >&2; exit 1 ;;
esac
case ${XEN_UP_DPCI:-0} in
1) INTEG=--dpci ;;
0) INTEG= ;;
*) echo "$0: XEN_UP_DPCI must be 0 or 1" >&2; exit 1 ;;
esac
say() { echo "xen-upstream: $*" >&2; }
die() { say "$*"; exit 1; }
fails=0

# 1. the tree
parts=""
for p in xen Config.mk config scripts version.sh; do
	[ -e "$S/$p" ] && parts="$parts $p"
done
rm -rf "$O/tree" "$O/orig"
mkdir -p "$O/tree" "$O/orig"
# shellcheck disable=SC2086
(cd "$S" && cp -a $parts "$O/tree/" && cp -a $parts "$O/orig/")
# shellcheck disable=SC2086
"$D/port/xen/integrate.sh" $INTEG "$O/tree" >&2

# 2. builds
for f in $BUILDS; do
	b=$O/out-$f
	rm -rf "$b"
	mkdir -p "$b"
	make -s -C "$O/tree/xen" O="$b" defconfig >"$b/build.log" 2>&1 || die "$f: defconfig failed ($b/build.log)"
	case $f in
	debug) echo CONFIG_DEBUG=y >>"$b/.config" ;;
	release) echo "# CONFIG_DEBUG is not set" >>"$b/.config" ;;
	*) die "unknown build '$f' (release, debug)" ;;
	esac
	make -s -C "$O/tree/xen" O="$b" olddefconfig >>"$b/build.log" 2>&1 || die "$f: olddefconfig failed"
	if [ "$f" = debug ]; then
		grep -qx CONFIG_DEBUG=y "$b/.config" || die "$f: CONFIG_DEBUG is not set"
		grep -qx CONFIG_DWORK_DEBUG_CHECKS=y "$b/.config" || die "$f: CONFIG_DWORK_DEBUG_CHECKS did not follow CONFIG_DEBUG"
	else
		! grep -q '^CONFIG_DEBUG=y' "$b/.config" || die "$f: CONFIG_DEBUG is set"
		! grep -q '^CONFIG_DWORK_DEBUG_CHECKS=y' "$b/.config" || die "$f: CONFIG_DWORK_DEBUG_CHECKS is set without CONFIG_DEBUG"
	fi
	t0=$(date +%s)
	if nice -n 10 make -C "$O/tree/xen" O="$b" -j"$JOBS" >>"$b/build.log" 2>&1; then
		say "$f: built in $(($(date +%s) - t0)) s ($b)"
		if [ -n "$INTEG" ]; then
			syms=$(nm "$b/xen-syms" 2>/dev/null | awk '{print $3}')
			if echo "$syms" | grep -qx dpci_dwork_assist &&
				! echo "$syms" | grep -qx dpci_softirq; then
				say "$f: xen-syms has dpci_dwork_assist and no dpci_softirq"
			else
				say "$f: FAIL: xen-syms is not the dpci conversion (dpci_dwork_assist missing or dpci_softirq left)"
				fails=$((fails + 1))
			fi
		fi
	else
		tail -n 30 "$b/build.log" >&2
		say "$f: BUILD FAILED ($b/build.log)"
		fails=$((fails + 1))
	fi
done

# 3. revert
"$D/port/xen/integrate.sh" --revert "$O/tree" >&2
if diff -r "$O/orig" "$O/tree" >"$O/revert.diff" 2>&1; then
	say "reverted tree is byte-identical to $S"
else
	say "FAIL: reverted tree differs from $S ($O/revert.diff)"
	fails=$((fails + 1))
fi
# shellcheck disable=SC2086
"$D/port/xen/integrate.sh" $INTEG "$O/tree" >/dev/null	# integrated again, as built

# 4. boots
if [ ! -f "$DOM0/vmlinux" ] || [ ! -f "$DOM0/initrd.cpio.gz" ]; then
	say "no dom0 in $DOM0 (vmlinux, initrd.cpio.gz): run make xen-check once, or set XEN_UP_DOM0; not booted"
	exit 1
fi
ov=$O/overlay
rm -rf "$ov"
mkdir -p "$ov/bin"
gcc -O2 -Wall -Wextra -Werror -static -o "$ov/bin/hp" "$T/hp.c"
cat >"$ov/init" <<'INIT'
#!/bin/sh
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
m=/lib/modules/$(uname -r)/kernel/drivers/xen
for k in xen-evtchn xen-privcmd xenfs/xenfs; do insmod "$m/$k.ko" || echo "HP FAIL insmod $k"; done
mount -t xenfs xenfs /proc/xen
echo "HP dom0 up: $(grep -c ^processor /proc/cpuinfo) vCPUs, Linux $(uname -r)"
hp "${hploops:-25}"
echo "HP END rc=$?"
sync
reboot -f
sleep 1000
INIT
chmod +x "$ov/init"
(cd "$ov" && find . | cpio -o -H newc --quiet | gzip -1) >"$O/overlay.cpio.gz"
cat "$DOM0/initrd.cpio.gz" "$O/overlay.cpio.gz" >"$O/initrd.cpio.gz"

for f in $BUILDS; do
	b=$O/out-$f
	[ -f "$b/xen" ] || continue
	log=$O/boot-$f.log
	xcmd="console=com1 com1=115200 loglvl=all guest_loglvl=all console_timestamps=boot"
	xcmd="$xcmd dom0_mem=512M dom0_max_vcpus=4 sched=credit"
	kcmd="console=hvc0 earlyprintk=xen loglevel=4 hploops=$LOOPS"
	t0=$(date +%s)
	set +e
	timeout -k 10 "$LIMIT" nice -n 10 qemu-system-x86_64 -machine q35 -accel tcg,thread=single \
		-cpu max,-smap -smp 4 -m 1024 -nographic -no-reboot -monitor none -serial stdio \
		-nodefaults -kernel "$b/xen" -append "$xcmd" \
		-initrd "$DOM0/vmlinux $kcmd,$O/initrd.cpio.gz" </dev/null >"$log" 2>&1
	set -e
	wall=$(($(date +%s) - t0))
	known=$(grep -c '^(XEN).*Xen WARN at .*arch/x86/xstate\.c' "$log" || true)
	traces=$(grep -c '^(XEN).*Xen call trace' "$log" || true)
	other=$(grep -E '^\(XEN\).*(BUG|Assertion|WARN|[Pp]anic|PANIC)' "$log" |
		grep -v DEBUG | grep -v 'Xen WARN at .*arch/x86/xstate\.c' | head -n 1 || true)
	why=""
	grep -q '^HP PASS' "$log" || why="no HP PASS line"
	grep -q '^HP END rc=0' "$log" || why="${why:+$why; }no HP END rc=0"
	[ -z "$other" ] || why="${why:+$why; }$other"
	[ "$traces" -le "$known" ] || why="${why:+$why; }$traces call traces, $known of them the known xstate WARN"
	grep -E '^(\(XEN\).*Xen version|\(XEN\).*Brought up|HP )' "$log" | sed 's/^/  /' >&2
	if [ -z "$why" ]; then
		say "$f: boot PASS in ${wall}s (known xstate WARN: $known) ($log)"
	else
		say "$f: boot FAIL in ${wall}s: $why ($log)"
		fails=$((fails + 1))
	fi
done
[ $fails -eq 0 ] || { say "FAIL ($fails)"; exit 1; }
say "PASS"
