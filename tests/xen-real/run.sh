#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# tests/xen-real/run.sh [BUILD_DIR] - dwork in a real Xen, stock beside it.
#
# 1. Gets Debian 12's Xen source (apt-get source xen, through a private
#    apt configuration with a deb-src line for the mirror the host uses;
#    the host's apt setup is not touched) and caches it in BUILD_DIR.
# 2. Builds stock and dwork hypervisors from that source (dwork integrated
#    with port/xen/integrate.sh), release and debug (CONFIG_DEBUG, which
#    turns on CONFIG_DWORK_DEBUG_CHECKS).  Every tree built here, stock
#    too, gets selftest.c (a test-only CPU notifier, see its header) as
#    xen/common/xen_check_selftest.c.
# 3. Builds a dom0 initramfs from Debian packages only: linux-image-amd64,
#    busybox-static, xen-utils-4.17 and the libraries its tools need.
# 4. Boots each hypervisor under qemu-system-x86_64 (TCG), in each mode
#    of XEN_CHECK_MODES; dom0 runs tests/xen-real/init.sh:
#    - pv: a PV dom0: CPU offline/online loops, cpupools, vCPU pinning,
#      debug keys, every result checked;
#    - pvh: a PVH dom0 (an HVM-type domain, so its AHCI and e1000
#      interrupts go through Xen's dpci, and its event channels through
#      the HVM event-channel tasklet): checksummed O_DIRECT disk I/O and
#      pings of qemu's gateway (-netdev user,restrict=on) while the AHCI
#      MSI and dom0's vCPUs move between the two CPUs and CPU 1 goes
#      offline and back; serial input fed to dom0 (VIRQ_CONSOLE);
#      with XEN_CHECK_PVH_DOMU=1 dom0 then also starts a PVH domU with
#      two vCPUs (xl create; tests/xen-real/domu-init.sh is its /init)
#      and moves its vCPUs between the CPUs while it runs work across
#      them, then destroys it.
# 5. Passes when every run printed its pass line, every operation
#    succeeded, no (XEN) line reports BUG, Assertion, WARN, panic or a
#    call trace, and the selftest's last counters line shows every tasklet
#    it queued on a dying CPU run in time and no failed idle-kick probe,
#    no dom0 process died of SIGSEGV, and dom0's memscan (memscan.c)
#    found no word of its memory changed (in a build named in
#    XEN_CHECK_SEGV_OPEN those two are reported, not failed); in the PVH
#    mode also every I/O burst passed, dpci raises and runs were counted
#    on two CPUs or more, dwork (debug key 'k') adopted nodes on CPU-down
#    and debug key 'i' at the end shows no interrupt in flight.
#    Prints the runs side by side with dpci, tasklet and adoption counts.
#
# Environment:
#   XEN_CHECK_OPS=N        hotplug operations per run (default 60)
#   XEN_CHECK_BUILDS="..." which of stock-release dwork-release stock-debug
#                          dwork-debug dwork-dpci-release dwork-dpci-debug
#                          dwork-debugnc (CONFIG_DEBUG without dwork's own
#                          checks: EXPERT, CONFIG_DWORK_DEBUG_CHECKS off)
#                          to build and boot (default: stock-release
#                          stock-debug dwork-dpci-release dwork-dpci-debug).
#                          dwork-dpci-*: integrated with integrate.sh
#                          --dpci; its dpci code runs in the PVH mode
#   XEN_CHECK_MODES="..."  pv, pvh or both (default "pv pvh")
#   XEN_CHECK_PV_BUILDS="..." the builds booted in the pv mode (default:
#                          all of XEN_CHECK_BUILDS)
#   XEN_CHECK_PVH_OPS=N    PVH rounds per run (default 16)
#   XEN_CHECK_PVH_HP=K     CPU 1 offline and back every K-th round (default 2;
#                          0: never, and then no adoption is required)
#   XEN_CHECK_XEN_ARGS=".." more options for Xen's command line, every
#                          boot (default: none; e.g. asid=0)
#   XEN_CHECK_PVH_XEN_ARGS=".." options for Xen's command line in the PVH
#                          mode (default spec-ctrl=eager-fpu: with Xen's
#                          lazy FPU switching dom0's processes read wrong
#                          data under this qemu, stock Xen too; see
#                          docs/xen.md; set it empty for the lazy default)
#   XEN_CHECK_PVH_CPU=C    qemu -cpu of the PVH mode (default
#                          max,-smap,-rdtscp, see docs/xen.md)
#   XEN_CHECK_PVH_DOMU=1   after its rounds, dom0 starts a PVH domU (2 vCPUs,
#                          128 MiB, dom0's kernel, a busybox initramfs whose
#                          /init is domu-init.sh, no disk or network) with
#                          xl create, and while the domU runs its workload
#                          (a pipe between processes pinned to its two
#                          vCPUs, pinned sleeps, a busy loop) moves the
#                          domU's vCPUs between the two CPUs
#                          XEN_CHECK_PVH_DOMU_MOVES times (default 6; every
#                          XEN_CHECK_PVH_HP-th move instead takes CPU 1
#                          offline and back), each move followed by one
#                          more round of the domU's workload; then xl
#                          destroy, and the domU must be gone.  The summary
#                          adds the domU's share of the counters and the
#                          vlapic INIT-SIPI tasklet's (default 0: no domU)
#   XEN_CHECK_PVH_ACCEL=A  qemu -accel of the PVH mode (default
#                          tcg,thread=multi, see docs/xen.md)
#   XEN_CHECK_PVH_LIMIT=S  seconds one PVH boot may take (default 300 + 30
#                          per round)
#   XEN_CHECK_BUILD_ONLY="..." builds of XEN_CHECK_BUILDS to build (and
#                          check) but not boot (default: none)
#   XEN_CHECK_RUNS=N       boot each hypervisor N times (default 1)
#   XEN_CHECK_MUTATION=M   boot only a dwork-dpci debug hypervisor with
#                          mutation M applied to its dwork code (see mutate()
#                          below; XEN_CHECK_MUT_FLAVOUR=release for a release
#                          one), in each mode of XEN_CHECK_MODES; passes
#                          when a run FAILS
#   XEN_CHECK_SEGV=N[,M]   instead of the workload above, dom0 runs the
#                          short-process check of init.sh: CPUs 1..last
#                          offline, N rounds of debug keys r, t, y each
#                          followed by sed, awk and sh -c (exit status and
#                          output checked), then M rounds (default N) with
#                          every CPU online; prints "XC SEGV probes=..."
#   XEN_CHECK_MEMSCAN=MIB:KIB:MS  dom0 runs memscan (memscan.c) beside the
#                          workload: MIB MiB of memory filled with words that
#                          encode their own address, and 16 regions of KIB
#                          KiB remapped in turn, checked every MS ms; a
#                          changed word prints "XC MEMSCAN-FAIL ..." and
#                          fails the run (as the open SIGSEGV defect, see
#                          XEN_CHECK_SEGV_OPEN); 0 turns it off (default
#                          16:256:1000, cheap; 128:1024:2000 with
#                          XEN_CHECK_SEGV)
#   XEN_CHECK_JITTER=MS    host contention on demand: while a boot runs,
#                          stop and continue qemu for random intervals of
#                          5..MS milliseconds (SIGSTOP/SIGCONT; e.g. 80)
#   XEN_CHECK_SEGV_OPEN="..." builds in which a dom0 SIGSEGV is reported
#                          as the open defect of docs/xen.md ("OPEN" on the
#                          verdict line and in the summary) instead of
#                          failing the run (default, when unset: every
#                          build booted, since stock Xen shows it too;
#                          set it empty to fail on it).  Any other
#                          failure still fails.
#   XEN_CHECK_MIRROR=URL   Debian mirror (default: the host's for bookworm)
#   XEN_CHECK_SRC=DIR      build this Xen tree (the top, holding xen/)
#                          instead of Debian's source; its copies get the
#                          same counters, selftest and integrations (an
#                          anchor that is not found fails).  Set by
#                          tests/xen-upstream/run.sh's XEN_UP_MODE=pvh
#   XEN_CHECK_TOOLS=hp     dom0 makes its hypervisor operations through
#                          tests/xen-upstream/hp.c (raw hypercalls) instead
#                          of xen-utils-4.17's xl and xen-hptool, which only
#                          a Xen 4.17 hypervisor understands; PVH mode only
#   XEN_CHECK_XSTATE_WARN=1 Xen 4.19 and later: a debug build's one WARN
#                          at boot in arch/x86/xstate.c (qemu's -cpu max,
#                          stock Xen too; tests/xen-upstream/run.sh) and
#                          one call trace per such WARN are counted, not
#                          failed
#   XEN_CHECK_SCHED=S      Xen scheduler (default credit, see docs/xen.md)
#   XEN_CHECK_SMP=N        CPUs of the virtual machine (default 4)
#   XEN_CHECK_ACCEL=A      qemu -accel (default tcg,thread=single: one host
#                          thread runs every virtual CPU in turn)
#   XEN_CHECK_TIMEOUT=S    seconds one operation may take (default 120)
#   XEN_CHECK_LIMIT=S      seconds one boot may take in all (default
#                          480 + 2 per hotplug operation)
#   XEN_CHECK_JOBS=N       make -j (default: number of CPUs)
#
# Exit status: 0 pass; 1 fail; 77 skipped because the Debian archive
# cannot be reached (says so on stderr).
set -eu

T=$(cd "$(dirname "$0")" && pwd)
D=$(cd "$T/../.." && pwd)
B=${1:-$D/build/xen-real}
mkdir -p "$B"
B=$(cd "$B" && pwd)

OPS=${XEN_CHECK_OPS:-60}
BUILDS=${XEN_CHECK_BUILDS:-stock-release stock-debug dwork-dpci-release dwork-dpci-debug}
BUILD_ONLY=${XEN_CHECK_BUILD_ONLY:-}
RUNS=${XEN_CHECK_RUNS:-1}
MUT=${XEN_CHECK_MUTATION:-}
SEGV=${XEN_CHECK_SEGV:-}
MODES=${XEN_CHECK_MODES:-pv pvh}
PV_BUILDS=${XEN_CHECK_PV_BUILDS-$BUILDS}
PVH_OPS=${XEN_CHECK_PVH_OPS:-16}
PVH_HP=${XEN_CHECK_PVH_HP:-2}
PVH_DOMU=${XEN_CHECK_PVH_DOMU:-0}
PVH_DOMU_MOVES=${XEN_CHECK_PVH_DOMU_MOVES:-6}
PVH_ACCEL=${XEN_CHECK_PVH_ACCEL:-tcg,thread=multi}
PVH_CPU=${XEN_CHECK_PVH_CPU:-max,-smap,-rdtscp}
XEN_ARGS=${XEN_CHECK_XEN_ARGS:-}
PVH_XEN_ARGS=${XEN_CHECK_PVH_XEN_ARGS-spec-ctrl=eager-fpu}
SEGV_OPEN=${XEN_CHECK_SEGV_OPEN-$BUILDS}
open_segv=
# The selftest's lines that fail a run at once (watch_log() and boot()).
SELFTEST_FAIL_RE='xen-check selftest: (LOST|KICK)'
JITTER=${XEN_CHECK_JITTER:-}
if [ -n "$SEGV" ]; then
	MEMSCAN=${XEN_CHECK_MEMSCAN:-128:1024:2000}
else
	MEMSCAN=${XEN_CHECK_MEMSCAN:-16:256:1000}
fi
SCHED=${XEN_CHECK_SCHED:-credit}
SRC=${XEN_CHECK_SRC:-}
TOOLS=${XEN_CHECK_TOOLS:-xen}
XSTATE_WARN=${XEN_CHECK_XSTATE_WARN:-0}
case $TOOLS in
xen) ;;
hp) case " $MODES " in *" pv "*) echo "xen-check: XEN_CHECK_TOOLS=hp runs only the pvh mode (XEN_CHECK_MODES=pvh)" >&2; exit 1 ;; esac
	[ "$PVH_DOMU" != 1 ] || { echo "xen-check: XEN_CHECK_PVH_DOMU=1 needs xl (XEN_CHECK_TOOLS=xen)" >&2; exit 1; } ;;
*) echo "xen-check: XEN_CHECK_TOOLS must be xen or hp" >&2; exit 1 ;;
esac
SMP=${XEN_CHECK_SMP:-4}
ACCEL=${XEN_CHECK_ACCEL:-tcg,thread=single}
OPTIMEOUT=${XEN_CHECK_TIMEOUT:-120}
JOBS=${XEN_CHECK_JOBS:-$(nproc)}
SUITE=bookworm
XENV=4.17		# xen-utils-$XENV in $SUITE

say() { echo "xen-check: $*" >&2; }
die() { say "$*"; exit 1; }
now() { date +%s; }
t_start=$(now)

# ---------------------------------------------------------------- apt ---
# The mirror the host uses for $SUITE (one-line or deb822 sources).
mirror() {
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk -v s=$SUITE '$1 == "deb" || $1 == "deb-src" {
			i = 2; if ($i ~ /^\[/) while ($i !~ /\]$/) i++; if ($i ~ /^\[/ || $(i) ~ /\]$/) i++
			if ($(i + 1) == s) { print $i; exit } }' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v s=$SUITE 'BEGIN { RS = ""; FS = "\n" } {
			uri = ""; ok = 0
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", $i); split($i, u, " "); uri = u[1] }
				if ($i ~ /^Suites:/) { n = split($i, w, " "); for (j = 2; j <= n; j++) if (w[j] == s) ok = 1 }
			}
			if (ok && uri != "") print uri }' "$f"
	done
}

A=$B/apt
setup_apt() {
	m=${XEN_CHECK_MIRROR:-$(mirror | head -n 1)}
	[ -n "$m" ] || m=http://deb.debian.org/debian
	mkdir -p "$A/lists/partial" "$A/cache/archives/partial"
	: >"$A/status"	# no installed packages: candidates are the archive's
	kr=/usr/share/keyrings/debian-archive-keyring.gpg
	cat >"$A/sources.list.new" <<EOF
deb [signed-by=$kr] $m $SUITE main
deb-src [signed-by=$kr] $m $SUITE main
EOF
	if ! cmp -s "$A/sources.list.new" "$A/sources.list" 2>/dev/null; then
		mv "$A/sources.list.new" "$A/sources.list"
		rm -f "$A/updated"
	fi
	APT="-o Dir::Etc::SourceList=$A/sources.list -o Dir::Etc::SourceParts=/nonexistent
	     -o Dir::State::Lists=$A/lists -o Dir::State::status=$A/status
	     -o Dir::Cache=$A/cache -o APT::Sandbox::User=root
	     -o Debug::NoLocking=1"
	if [ ! -f "$A/updated" ] || [ -n "$(find "$A/updated" -mmin +1440)" ]; then
		say "apt-get update (private lists in $A, mirror $m)"
		# shellcheck disable=SC2086
		if ! apt-get $APT -q update >"$A/update.log" 2>&1 ||
			grep -qE '^(Err|W: Failed)' "$A/update.log"; then
			cat "$A/update.log" >&2
			say "SKIP: the Debian archive ($m) cannot be reached; real-Xen test not run"
			exit 77
		fi
		touch "$A/updated"
	fi
}
aptget() {
	# shellcheck disable=SC2086
	apt-get $APT "$@"
}
aptcache() {
	# shellcheck disable=SC2086
	apt-cache $APT "$@"
}

# ------------------------------------------------------------- source ---
get_source() {
	v=$(aptcache -q showsrc xen 2>/dev/null | sed -n 's/^Version: //p' | head -n 1)
	[ -n "$v" ] || die "apt-cache showsrc xen: no source package in $SUITE"
	S=$B/src/xen-$v
	[ -f "$S/.complete" ] && return
	say "apt-get source xen ($v)"
	rm -rf "$B/src"
	mkdir -p "$B/src/dl"
	(cd "$B/src/dl" && aptget -q --download-only source "xen=$v" >"$B/src/dl/log" 2>&1) ||
		{ cat "$B/src/dl/log" >&2; die "apt-get source xen=$v failed"; }
	dpkg-source -x "$B/src/dl"/xen_*.dsc "$S" >"$B/src/dl/extract.log" 2>&1 ||
		{ cat "$B/src/dl/extract.log" >&2; die "dpkg-source -x failed"; }
	touch "$S/.complete"
}

# -------------------------------------------------------------- trees ---
# Only what the hypervisor build reads, with the test-time counters of
# instrument() (every tree, stock too).
copy_tree() {	# $1 destination
	rm -rf "$1"
	mkdir -p "$1"
	(cd "$S" && cp -a xen Config.mk config scripts version.sh "$1"/)
	instrument "$1"
}
# What .complete holds for a tree copied (and instrumented) from $S.
TREE_STAMP=instrumented-3

# Test-time counters in Xen's own files (instrument.py; every tree,
# stock too), done on the fresh copy, before integrate.sh --dpci, whose
# anchors these edits leave alone.
instrument() {	# $1 tree
	python3 "$T/instrument.py" "$1/xen" || die "instrument: Xen's files changed (see instrument.py)"
}

# A mutation breaks port/xen in the integrated tree on purpose.
mutate() {	# $1 tree, $2 mutation name
	f=$1/xen/common/dwork/dwork_xen.c
	p=$1/xen/include/dwork_port.h
	case $2 in
	no-idle-kick)	# the idle kick sets TASKLET_enqueued but raises no SCHEDULE_SOFTIRQ
		sed_must "$p" 's/cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);/(void)0;/' ;;
	no-cpu-dead)	# CPU_DEAD no longer adopts the dead CPU's work
		sed_must "$f" '/case CPU_DEAD:/,/break;/s/dwork_cpu_dead(cpu);/\/* mutated *\//' ;;
	no-cpu-init)	# CPU_UP_PREPARE no longer opens the CPU to work
		sed_must "$f" '/case CPU_UP_PREPARE:/,/break;/s/dwork_cpu_init(cpu);/\/* mutated *\//' ;;
	no-done-clear)	# do_tasklet never clears TASKLET_enqueued
		sed_must "$f" 's/clear_bit(_TASKLET_enqueued, work_to_do)/(void)work_to_do/' ;;
	no-dpci-raise)	# a dpci raise takes the run (owner) but queues no item
		sed_must "$1/xen/common/dwork/dwork_xen_dpci.c" \
			's/if (dwork_item_raise(&p->item) < 0) {/if (((void)p, 0)) {/' ;;
	no-item-adopt)	# CPU_DEAD's adoption skips items (tasklets still move)
		sed_must "$1/xen/common/dwork/engine.c" \
			'/^static bool adopt_step_irqoff/,/^}/s/arrive_irqoff(me, self, n);/if (n->kind != DWORK_KIND_ITEM) arrive_irqoff(me, self, n);/' ;;
	*) die "unknown mutation '$2' (no-idle-kick no-cpu-dead no-cpu-init no-done-clear no-dpci-raise no-item-adopt)" ;;
	esac
}
sed_must() {	# $1 file, $2 sed script: must change the file
	cp "$1" "$1.orig"
	sed -i "$2" "$1"
	! cmp -s "$1" "$1.orig" || die "mutation did not apply to $1 (port/xen changed?)"
	rm "$1.orig"
}

# The test-only CPU notifier of selftest.c, in a tree built for testing:
# copied only when it changed, so that builds stay incremental.
add_selftest() {	# $1 tree
	f=$1/xen/common/xen_check_selftest.c
	cmp -s "$T/selftest.c" "$f" || cp "$T/selftest.c" "$f"
	grep -qx 'obj-y += xen_check_selftest.o' "$1/xen/common/Makefile" ||
		echo 'obj-y += xen_check_selftest.o' >>"$1/xen/common/Makefile"
}

# A fresh, instrumented copy of $S at $B/trees/$1, unless there is one.
fresh_tree() {	# $1 name
	if [ ! -f "$B/trees/$1/.complete" ] ||
		[ "$(cat "$B/trees/$1/.complete")" != "$S $TREE_STAMP" ]; then
		copy_tree "$B/trees/$1"
		echo "$S $TREE_STAMP" >"$B/trees/$1/.complete"
	fi
}

prepare_trees() {
	TS=$B/trees/stock TD=$B/trees/dwork TP=$B/trees/dwork-dpci
	fresh_tree stock
	add_selftest "$TS"
	case " $BUILDS " in *" dwork-release "* | *" dwork-debug "* | *" dwork-debugnc "*)
		fresh_tree dwork
		"$D/port/xen/integrate.sh" "$TD" >&2
		add_selftest "$TD" ;;
	esac
	need_dpci=$MUT	# the mutant tree is a copy of the dwork-dpci one
	case " $BUILDS " in *" dwork-dpci-"*) need_dpci=1 ;; esac
	if [ -n "$need_dpci" ]; then	# dpci on dwork items too
		fresh_tree dwork-dpci
		"$D/port/xen/integrate.sh" --dpci "$TP" >&2
		add_selftest "$TP"
	fi
	if [ -n "$MUT" ]; then
		# One mutant tree (a copy of the dwork-dpci tree), synced file by
		# file so that its out-of-tree build stays incremental: only what
		# differs gets a new mtime.
		TM=$B/trees/mut
		if [ ! -d "$TM" ]; then
			cp -a "$TP" "$TM"
		else
			(cd "$TP" && find . -type f) | while read -r f; do
				cmp -s "$TP/$f" "$TM/$f" || { mkdir -p "$(dirname "$TM/$f")"; cp "$TP/$f" "$TM/$f"; }
			done
			(cd "$TM" && find . -type f) | while read -r f; do
				[ -e "$TP/$f" ] || rm -f "$TM/$f"
			done
		fi
		mutate "$TM" "$MUT"
	fi
}

# -------------------------------------------------------------- build ---
build() {	# $1 name (stock|dwork|mut-*)-(release|debug)
	n=$1 kind=${1%-*} flav=${1##*-}
	tree=$B/trees/$kind
	o=$B/out/$n
	if [ "$kind" = mut ] && [ ! -d "$o" ] && [ -f "$B/out/dwork-dpci-$flav/xen" ]; then
		# Start from the dwork-dpci build of the same flavour (the mutant
		# tree is a copy of that tree with the same mtimes): only what
		# the mutation touches is rebuilt.
		cp -a "$B/out/dwork-dpci-$flav" "$o"
		grep -rlI -- "$B/trees/dwork-dpci" "$o" | while read -r f; do
			sed -i "s|$B/trees/dwork-dpci|$B/trees/mut|g" "$f"
		done
		rm -f "$o/source"
	fi
	mkdir -p "$o"
	if [ ! -f "$o/.config" ]; then
		make -s -C "$tree/xen" O="$o" defconfig >"$o/build.log" 2>&1
		# Xen's perf counters (they need EXPERT in a release build):
		# dwork's counters of debug key 'k' exist only with them.
		echo CONFIG_EXPERT=y >>"$o/.config"
		echo CONFIG_PERF_COUNTERS=y >>"$o/.config"
		case $flav in debug | debugnc)
			echo CONFIG_DEBUG=y >>"$o/.config"
			if [ "$flav" = debugnc ]; then	# dwork's checks need EXPERT to be off
				echo '# CONFIG_DWORK_DEBUG_CHECKS is not set' >>"$o/.config"
			fi ;;
		esac
		make -s -C "$tree/xen" O="$o" olddefconfig >>"$o/build.log" 2>&1
	fi
	case $flav in debug | debugnc)
		grep -qx CONFIG_DEBUG=y "$o/.config" || die "$n: CONFIG_DEBUG is not set" ;;
	esac
	grep -qx CONFIG_PERF_COUNTERS=y "$o/.config" || die "$n: CONFIG_PERF_COUNTERS is not set"
	case $kind-$flav in stock-*) ;;
	*-debug)
		grep -qx CONFIG_DWORK_DEBUG_CHECKS=y "$o/.config" ||
			die "$n: CONFIG_DWORK_DEBUG_CHECKS is not set" ;;
	*-debugnc)
		! grep -q '^CONFIG_DWORK_DEBUG_CHECKS=y' "$o/.config" ||
			die "$n: CONFIG_DWORK_DEBUG_CHECKS is set" ;;
	esac
	t0=$(now)
	if ! nice -n 10 make -C "$tree/xen" O="$o" -j"$JOBS" >>"$o/build.log" 2>&1; then
		tail -n 40 "$o/build.log" >&2
		die "$n: build failed (log: $o/build.log)"
	fi
	case $kind in dwork-dpci | mut)	# the dpci conversion is in the binary
		syms=$(nm "$o/xen-syms" | awk '{ print $3 }')
		echo "$syms" | grep -qx dpci_dwork_assist && ! echo "$syms" | grep -qx dpci_softirq ||
			die "$n: xen-syms lacks dpci_dwork_assist or still has dpci_softirq (integrate.sh --dpci)" ;;
	esac
	gzip -dc "$o/xen.gz" >"$o/xen.elf" 2>/dev/null || cp "$o/xen" "$o/xen.elf"
	# xen.gz is what gets installed; -kernel needs the multiboot ELF "xen".
	[ -f "$o/xen" ] && cp "$o/xen" "$o/xen.elf"
	say "$n: built in $(($(now) - t0)) s"
}

# -------------------------------------------------------------- dom0 ----
get_dom0() {
	R=$B/dom0
	if [ -f "$R/.complete" ]; then
		# A cache from before libgcc-s1 was in the list below.
		[ -f "$R/root/lib/x86_64-linux-gnu/libgcc_s.so.1" ] && return
		[ -n "${APT:-}" ] || setup_apt
		mkdir -p "$R/debs"	# a copied cache may have root/ only
		(cd "$R/debs" && aptget -q download libgcc-s1 >>"$R/download.log" 2>&1) ||
			{ cat "$R/download.log" >&2; die "apt-get download libgcc-s1 failed"; }
		dpkg-deb -x "$R"/debs/libgcc-s1_*.deb "$R/root"
		return
	fi
	[ -n "${APT:-}" ] || setup_apt
	rm -rf "$R"
	mkdir -p "$R/debs" "$R/root"
	k=$(aptcache -q depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
	[ -n "$k" ] || die "linux-image-amd64: no kernel package found"
	pk="$k busybox-static xen-utils-$XENV libxencall1 libxenevtchn1
	    libxenforeignmemory1 libxengnttab1 libxenmisc$XENV libxenstore4
	    libxentoollog1 libxentoolcore1 libxendevicemodel1 libxenhypfs1
	    libyajl2 libc6 libuuid1 liblzma5 libzstd1 zlib1g libtinfo6
	    libncurses6 libext2fs2 libcom-err2 libgcc-s1"
	say "dom0: downloading $k busybox-static xen-utils-$XENV and libraries"
	# shellcheck disable=SC2086
	(cd "$R/debs" && aptget -q download $pk >"$R/download.log" 2>&1) ||
		{ cat "$R/download.log" >&2; die "apt-get download failed"; }
	for d in "$R"/debs/*.deb; do dpkg-deb -x "$d" "$R/root"; done
	touch "$R/.complete"
}

# vmlinux out of the bzImage: Xen then loads an ELF and need not unpack it.
extract_vmlinux() {	# $1 bzImage $2 out
	python3 - "$1" "$2" <<'EOF'
import lzma, gzip, sys, zlib
d = open(sys.argv[1], 'rb').read()
for magic, dec in ((b'\xfd7zXZ\x00', lambda b: lzma.LZMADecompressor().decompress(b)),
                   (b'\x1f\x8b\x08', lambda b: zlib.decompressobj(31).decompress(b))):
    i = d.find(magic)
    while i >= 0:
        try:
            out = dec(d[i:])
            if out[:4] == b'\x7fELF':
                open(sys.argv[2], 'wb').write(out)
                sys.exit(0)
        except Exception:
            pass
        i = d.find(magic, i + 1)
sys.exit("no xz/gzip ELF payload in " + sys.argv[1])
EOF
}

# Shared libraries a binary needs, resolved inside the unpacked packages.
libs_of() {	# $1 root, binaries...
	r=$1
	shift
	todo="$*" seen=""
	while [ -n "$todo" ]; do
		# shellcheck disable=SC2086 # a list of words
		set -- $todo
		f=$1
		shift
		todo="$*"
		for n in $(readelf -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			case " $seen " in *" $n "*) continue ;; esac
			seen="$seen $n"
			p=""
			for dir in lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu usr/lib/xen-$XENV/lib/x86_64-linux-gnu; do
				[ -e "$r/$dir/$n" ] && { p=$r/$dir/$n; break; }
			done
			[ -n "$p" ] || die "dom0: library $n (needed by $f) is in none of the downloaded packages"
			echo "$p"
			todo="$todo $p"
		done
	done
}

busybox_bin() {	# $1 initramfs root: busybox and its applets in /bin
	mkdir -p "$1/bin"
	cp "$R/root/bin/busybox" "$1/bin/"
	for a in $("$1/bin/busybox" --list); do
		[ "$a" = busybox ] || ln -s busybox "$1/bin/$a"
	done
}

make_initrd() {
	R=$B/dom0
	I=$R/initrd
	# -nt: not POSIX, but dash and bash both have it.
	# shellcheck disable=SC3013
	[ -f "$R/initrd.cpio.gz" ] && [ "$R/initrd.cpio.gz" -nt "$T/init.sh" ] &&
		[ "$R/initrd.cpio.gz" -nt "$T/memscan.c" ] && [ "$R/initrd.cpio.gz" -nt "$0" ] &&
		[ "$R/initrd.cpio.gz" -nt "$D/tests/xen-upstream/hp.c" ] && return
	rm -rf "$I"
	mkdir -p "$I/bin" "$I/proc" "$I/sys" "$I/dev" "$I/run" "$I/tmp" "$I/var/lib/xen" \
		"$I/var/lib/xenstored" "$I/var/log/xen" "$I/var/run/xen" "$I/etc/xen"
	busybox_bin "$I"
	kv=$(ls "$R/root/lib/modules")
	km=lib/modules/$kv/kernel/drivers/xen
	mkdir -p "$I/$km/xenfs"
	for m in xen-evtchn xen-privcmd xenfs/xenfs xen-gntdev xen-gntalloc; do
		cp "$R/root/$km/$m.ko" "$I/$km/$m.ko"
	done
	# The PVH mode's disk (AHCI) and NIC (e1000) drivers and what they
	# need (init.sh's pvh_run loads them in this order).
	for m in drivers/scsi/scsi_common drivers/scsi/scsi_mod drivers/ata/libata \
		drivers/ata/libahci drivers/ata/ahci crypto/crct10dif_common \
		crypto/crct10dif_generic lib/crc-t10dif lib/crc64 \
		crypto/crc64_rocksoft_generic lib/crc64-rocksoft block/t10-pi \
		drivers/scsi/sd_mod drivers/net/ethernet/intel/e1000/e1000; do
		mkdir -p "$I/lib/modules/$kv/kernel/$(dirname "$m")"
		cp "$R/root/lib/modules/$kv/kernel/$m.ko" "$I/lib/modules/$kv/kernel/$m.ko"
	done
	xb=usr/lib/xen-$XENV/bin
	mkdir -p "$I/$xb"
	bins=""
	for b in xl xen-hptool xenstored xen-init-dom0 xenconsoled; do
		cp "$R/root/$xb/$b" "$I/$xb/"
		bins="$bins $R/root/$xb/$b"
	done
	# shellcheck disable=SC2086
	# libgcc_s.so.1: glibc dlopen()s it when a thread exits (xl create).
	for l in $(libs_of "$R/root" $bins) $R/root/lib64/ld-linux-x86-64.so.2 \
		$R/root/lib/x86_64-linux-gnu/libgcc_s.so.1; do
		rel=${l#"$R/root/"}
		mkdir -p "$I/$(dirname "$rel")"
		cp -L "$l" "$I/$rel"
	done
	# memscan: our own code, static, so that it needs no library.
	gcc -static -O2 -Wall -Wextra -Werror -o "$I/bin/memscan" "$T/memscan.c" ||
		die "dom0: cannot build memscan.c statically (libc6-dev's libc.a?)"
	# hp: the hypervisor operations by raw hypercalls (XEN_CHECK_TOOLS=hp).
	gcc -static -O2 -Wall -Wextra -Werror -o "$I/bin/hp" "$D/tests/xen-upstream/hp.c" ||
		die "dom0: cannot build tests/xen-upstream/hp.c statically"
	cp "$T/init.sh" "$I/init"
	chmod +x "$I/init"
	(cd "$I" && find . | cpio -o -H newc --quiet | gzip -1) >"$R/initrd.cpio.gz.new"
	[ -f "$R/vmlinux" ] || { extract_vmlinux "$R/root/boot/vmlinuz-$kv" "$R/vmlinux.new" && mv "$R/vmlinux.new" "$R/vmlinux"; }
	mv "$R/initrd.cpio.gz.new" "$R/initrd.cpio.gz"
}

# XEN_CHECK_PVH_DOMU: dom0's initramfs with the domU's kernel (dom0's own
# vmlinux, which has the PVH entry point) and its busybox initramfs
# (/init: domu-init.sh) appended in /domu, as a second gzipped cpio
# archive (Linux unpacks concatenated archives in turn).
make_domu_initrd() {
	R=$B/dom0
	U=$R/domu
	# shellcheck disable=SC3013 # -nt, as in make_initrd
	[ -f "$R/initrd-domu.cpio.gz" ] && [ "$R/initrd-domu.cpio.gz" -nt "$R/initrd.cpio.gz" ] &&
		[ "$R/initrd-domu.cpio.gz" -nt "$T/domu-init.sh" ] && return
	rm -rf "$U"
	mkdir -p "$U/root/proc" "$U/root/sys" "$U/root/dev" "$U/dom0/domu"
	busybox_bin "$U/root"
	cp "$T/domu-init.sh" "$U/root/init"
	chmod +x "$U/root/init"
	(cd "$U/root" && find . | cpio -o -H newc --quiet | gzip -1) >"$U/dom0/domu/initrd.cpio.gz"
	cp "$R/vmlinux" "$U/dom0/domu/vmlinux"
	(cd "$U/dom0" && find . | cpio -o -H newc --quiet | gzip -1) >"$U/domu.cpio.gz"
	cat "$R/initrd.cpio.gz" "$U/domu.cpio.gz" >"$R/initrd-domu.cpio.gz.new"
	rm -rf "$U"
	mv "$R/initrd-domu.cpio.gz.new" "$R/initrd-domu.cpio.gz"
}

# --------------------------------------------------------------- boot ---
# Ends a boot (timeout $2 forwards the TERM to qemu) once the selftest
# reported a lost tasklet or a failed idle kick: the run has failed, and
# waiting for dom0's operation timeout or the boot limit would only add
# minutes.  Five seconds first, for Xen's WARN and stack trace.
watch_log() {	# $1 log, $2 timeout's pid, $3 qemu monitor socket (or empty), $4 xen-syms
	while kill -0 "$2" 2>/dev/null; do
		if grep -s -a -q -E "$SELFTEST_FAIL_RE" "$1"; then	# -s: not there yet
			sleep 5
			kill -TERM "$2" 2>/dev/null
			return 0
		fi
		if [ -n "$3" ] && grep -s -a -q '^XC HANG ' "$1"; then
			vcpu_dump "$3" "$4" >"$1.regs" 2>&1
			return 0
		fi
		sleep 2
	done
}

# An operation hung in dom0 (XC HANG): where every virtual CPU is, from
# qemu's monitor, which answers even when Xen itself cannot (a CPU
# spinning with interrupts off takes no debug key).  Five samples 1 s
# apart; each RIP is named with its Xen function (nm of xen-syms), so a
# loop shows as the same few functions in every sample.
vcpu_dump() {	# $1 monitor socket, $2 xen-syms
	python3 - "$1" "$2" <<'EOF'
import bisect, re, socket, subprocess, sys, time
sock, syms = sys.argv[1], sys.argv[2]
tab = []
for l in subprocess.run(["nm", "-n", syms], capture_output=True, text=True).stdout.splitlines():
    f = l.split()
    if len(f) == 3 and f[1] in "tTwW":
        tab.append((int(f[0], 16), f[2]))
addrs = [a for a, _ in tab]
def name(rip):
    i = bisect.bisect_right(addrs, rip) - 1
    return "%s+0x%x" % (tab[i][1], rip - tab[i][0]) if i >= 0 and rip - tab[i][0] < 0x10000 else "?"
def ask(s, cmd):
    s.sendall(cmd.encode() + b"\n")
    out, t = b"", time.time()
    while time.time() - t < 5:
        s.settimeout(0.5)
        try:
            d = s.recv(65536)
        except socket.timeout:
            if out.rstrip().endswith(b"(qemu)"):
                break
            continue
        if not d:
            break
        out += d
    return out.decode(errors="replace")
s = socket.socket(socket.AF_UNIX)
s.connect(sock)
ask(s, "")
for k in range(5):
    out = ask(s, "info registers -a")
    print("XC VCPU-DUMP sample %d" % k)
    cpu, rsp = None, {}
    for l in out.splitlines():
        m = re.match(r"CPU#(\d+)", l)
        if m:
            cpu = m.group(1)
        m = re.search(r"RIP=([0-9a-f]+)", l)
        if m:
            rip = int(m.group(1), 16)
            fl = re.search(r"RFL=([0-9a-f]+)", l)
            irq = "IF=1" if fl and int(fl.group(1), 16) & 0x200 else "IF=0"
            print("XC VCPU %s RIP %x %s %s" % (cpu, rip, irq, name(rip)))
        m = re.search(r"RSP=([0-9a-f]+)", l)
        if m and cpu is not None:
            rsp[cpu] = int(m.group(1), 16)
    # The words on each stack that point into Xen's text: its callers.
    for c, sp in sorted(rsp.items()):
        ask(s, "cpu %s" % c)
        words = re.findall(r"0x([0-9a-f]{16})", ask(s, "x /96gx 0x%x" % sp).split("\n", 1)[-1])
        hits = [name(int(w, 16)) for w in words if name(int(w, 16)) != "?"]
        print("XC VCPU %s STACK %s" % (c, " ".join(hits)))
    if k == 0:
        print(out)
    time.sleep(1)
EOF
}

# Host contention on demand: stop and continue qemu (the child of timeout
# $1) for random 5..$2 ms intervals until it exits.  Idle while stopped,
# so it loads the host no more than qemu itself.
jitter() {	# $1 timeout's pid, $2 milliseconds
	python3 - "$1" "$2" <<'EOF'
import os, random, signal, sys, time
tpid, ms = int(sys.argv[1]), int(sys.argv[2]) / 1000.0
q = None
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
try:
    while q is None:
        kids = open('/proc/%d/task/%d/children' % (tpid, tpid)).read().split()
        q = int(kids[0]) if kids else None
        time.sleep(0.1)
    while True:
        os.kill(q, signal.SIGSTOP)
        time.sleep(random.uniform(0.005, ms))
        os.kill(q, signal.SIGCONT)
        time.sleep(random.uniform(0.005, ms))
except (OSError, ValueError):
    pass
finally:
    try:
        if q:
            os.kill(q, signal.SIGCONT)
    except OSError:
        pass
EOF
}

# One boot; writes $B/runs/NAME.log and returns 0 on pass.
# The PVH mode's serial input: once dom0 says XC CONIN-START, one byte
# every 50 ms into qemu's serial port (fifo $1, opened read-write so that
# neither side blocks) until XC CONIN-STOP or qemu (child of timeout $3)
# ends.  Xen hands it to dom0 from its serial interrupt (VIRQ_CONSOLE).
feeder() {	# $1 fifo, $2 log, $3 timeout's pid
	python3 - "$1" "$2" "$3" <<'EOF'
import os, sys, time
fifo, log, tpid = sys.argv[1], sys.argv[2], int(sys.argv[3])
fd = os.open(fifo, os.O_RDWR)
seen, on, sent = b"", False, 0
while not os.path.exists(log) and os.path.exists("/proc/%d" % tpid):
    time.sleep(0.1)
with open(log, "rb") as f:
    while os.path.exists("/proc/%d" % tpid):
        seen = (seen + f.read())[-4096:]
        if not on and b"XC CONIN-START" in seen:
            on = True
        if b"XC CONIN-STOP" in seen:
            break
        if on:
            os.write(fd, b".")
            sent += 1
        time.sleep(0.05)
print(sent)
EOF
}

boot() {	# $1 build name, $2 run label, $3 mode (pv or pvh)
	n=$1 lab=$2 mode=${3:-pv}
	log=$B/runs/$lab.log
	mkdir -p "$B/runs"
	R=$B/dom0
	xcmd="console=com1 com1=115200 loglvl=all guest_loglvl=all console_timestamps=boot${XEN_ARGS:+ $XEN_ARGS}"
	kcmd="console=hvc0 earlyprintk=xen loglevel=4 xctimeout=$OPTIMEOUT xctools=$TOOLS"
	if [ "$mode" = pvh ]; then
		xcmd="$xcmd dom0=pvh dom0_mem=512M dom0_max_vcpus=2 iommu=debug,verbose sched=$SCHED${PVH_XEN_ARGS:+ $PVH_XEN_ARGS}"
		kcmd="$kcmd xcmode=pvh xcops=$PVH_OPS xchp=$PVH_HP xcmemscan=0"
		limit=${XEN_CHECK_PVH_LIMIT:-$((300 + PVH_OPS * 30))}
		initrd=$R/initrd.cpio.gz
		if [ "$PVH_DOMU" = 1 ]; then
			kcmd="$kcmd xcdomu=$PVH_DOMU_MOVES"
			initrd=$R/initrd-domu.cpio.gz
			[ -n "${XEN_CHECK_PVH_LIMIT:-}" ] || limit=$((limit + 5 * OPTIMEOUT + 300 + PVH_DOMU_MOVES * 60))
		fi
		rm -f "$B/runs/$lab.disk" "$B/runs/$lab.in"
		truncate -s 64M "$B/runs/$lab.disk"
		mkfifo "$B/runs/$lab.in"
		qargs="-machine q35 -device amd-iommu -accel $PVH_ACCEL -cpu $PVH_CPU -smp 2
		       -drive file=$B/runs/$lab.disk,format=raw,if=none,id=d0 -device ide-hd,drive=d0,bus=ide.0
		       -netdev user,id=n0,restrict=on -device e1000,netdev=n0"
		qnice=0 qin=$B/runs/$lab.in
		# qemu's monitor, for vcpu_dump (a Unix socket path has at most
		# 107 bytes: none if it would be longer).
		mon=$B/runs/$lab.mon qmon=none
		rm -f "$mon"
		if [ ${#mon} -le 100 ]; then qmon="unix:$mon,server=on,wait=off"; else mon=""; fi
	else
		xcmd="$xcmd dom0_mem=512M dom0_max_vcpus=$SMP sched=$SCHED"
		kcmd="$kcmd xcops=$OPS xcmemscan=$MEMSCAN"
		[ -z "$SEGV" ] || kcmd="$kcmd xcsegv=${SEGV%,*} xcsegvon=${SEGV#*,}"
		# Whole-run bound: boot plus every operation at its timeout would be far
		# too long; an operation timing out ends the run from inside dom0.
		limit=${XEN_CHECK_LIMIT:-$((480 + OPS * 2))}
		qargs="-machine q35 -accel $ACCEL -cpu max,-smap -smp $SMP"
		qnice=10 qin=/dev/null initrd=$R/initrd.cpio.gz
		mon="" qmon=none
	fi
	# An operation that dies of the open defect is retried once there.
	case " $SEGV_OPEN " in *" $n "*) kcmd="$kcmd xcsigretry=1" ;; esac
	t0=$(now)
	set +e
	# shellcheck disable=SC2086
	timeout -k 10 "$limit" nice -n "$qnice" qemu-system-x86_64 $qargs \
		-m 1024 -nographic -no-reboot -monitor "$qmon" -serial stdio \
		-nodefaults -kernel "$B/out/$n/xen.elf" -append "$xcmd" \
		-initrd "$R/vmlinux $kcmd,$initrd" <"$qin" >"$log" 2>&1 &
	tpid=$!
	fpid=""
	if [ "$mode" = pvh ]; then
		feeder "$qin" "$log" "$tpid" >"$log.fed" &
		fpid=$!
	fi
	jpid=""
	if [ -n "$JITTER" ]; then
		jitter "$tpid" "$JITTER" &
		jpid=$!
	fi
	watch_log "$log" "$tpid" "$mon" "$B/out/$n/xen-syms" &
	wpid=$!
	wait "$tpid"
	qrc=$?
	[ -z "$jpid" ] || { kill "$jpid" 2>/dev/null; wait "$jpid" 2>/dev/null; }
	[ -z "$fpid" ] || wait "$fpid" 2>/dev/null
	[ "$mode" != pvh ] || rm -f "$B/runs/$lab.disk" "$B/runs/$lab.in"
	kill "$wpid" 2>/dev/null
	wait "$wpid" 2>/dev/null
	set -e
	wall=$(($(now) - t0))
	echo "$wall" >"$log.wall"
	verdict=PASS why=""
	grep -q '^XC PASS' "$log" || { verdict=FAIL why="no pass line"; }
	if [ $qrc -eq 124 ] || [ $qrc -eq 137 ]; then verdict=FAIL why="qemu killed after ${limit}s"; fi
	f=$(grep -m 1 '^XC FAIL' "$log" || true)
	[ -z "$f" ] || { verdict=FAIL why="$f"; }
	# Xen's BUG(), ASSERT(), WARN(), panic() and stack dumps; dom0's
	# oopses and soft lockups (the sign of a stalled hypercall).
	# (Xen 4.17 WARNs, without a trace, that PVH dom0 is experimental.)
	# XEN_CHECK_XSTATE_WARN=1: the known xstate.c WARN of Xen 4.19 and
	# later, with as many call traces as there are such WARNs, is not one.
	known='WARNING: PVH is an experimental mode'
	if [ "$XSTATE_WARN" = 1 ]; then
		nw=$(grep -a -c '^(XEN).*Xen WARN at .*arch/x86/xstate\.c' "$log" || true)
		nt=$(grep -a -c '^(XEN).*[Cc]all [Tt]race' "$log" || true)
		known="$known|Xen WARN at .*arch/x86/xstate\.c"
		[ "$nt" -gt "$nw" ] || known="$known|[Cc]all [Tt]race"
	fi
	x=$(grep -E '^\(XEN\).*(BUG|Assertion|WARN|[Pp]anic|PANIC|[Cc]all [Tt]race)' "$log" |
		grep -v -e DEBUG | grep -v -E "$known" | head -n 1 || true)
	# XEN_CHECK_PVH_DOMU: dom0's watchdog sees xl in the kernel for 20 s
	# and more while xl create builds the domU (stock Xen too, see
	# docs/xen.md): reported as open in the builds XEN_CHECK_SEGV_OPEN
	# names, like a dom0 process's fault; any other soft lockup fails.
	xlre='^\[ *[0-9.]+\] watchdog: BUG: soft lockup - CPU#[0-9]+ stuck for [0-9]+s! \[xl:[0-9]+\]'
	xlopen=
	if [ "$mode" = pvh ] && [ "$PVH_DOMU" = 1 ]; then
		case " $SEGV_OPEN " in *" $n "*) xlopen=1 ;; esac
	fi
	[ -n "$x" ] || x=$(grep -E '(BUG:|Oops|soft lockup|Kernel panic)' "$log" |
		grep -v '^(XEN)' | { if [ -n "$xlopen" ]; then grep -a -v -E "$xlre"; else cat; fi; } |
		head -n 1 || true)
	[ -z "$x" ] || { verdict=FAIL why="$x"; }
	xl_lockups=
	[ -z "$xlopen" ] || xl_lockups=$(tr -d '\r' <"$log" | grep -a -c -E "$xlre" || true)
	# selftest.c: the tasklets it queued on every dying CPU ran elsewhere,
	# two per CPU offline operation, checked before the next operation.
	if grep -q '^XC PASS' "$log"; then
		nd=$(grep -c '^XC op cpu-offline ' "$log" || true)
		st=$(grep -a 'xen-check selftest: scheduled ' "$log" | tail -n 1 | tr -d '\r' | sed 's/.*xen-check selftest: //')
		want="scheduled $((2 * nd)) ran $((2 * nd)) lost 0 late 0 pending 0 checks $((2 * nd)) kick-probes N kick-failed 0"
		# With dwork the selftest also raises an item on every dying CPU.
		case $n in stock-*) ;; *) want="$want items $nd items-ran $nd" ;; esac
		[ "$(echo "$st" | sed 's/kick-probes [0-9]* /kick-probes N /')" = "$want" ] ||
			{ verdict=FAIL why="selftest counters '${st:-none printed}', expected '$want'"; }
	fi
	# The PVH mode: dpci ran on two CPUs at least, dwork adopted work from
	# the CPU taken offline, and debug key 'i' at the end shows no
	# interrupt in flight.
	if [ "$mode" = pvh ] && grep -q '^XC PASS' "$log"; then
		for c in dpci-raise dpci-run; do
			k=$(count_cpus "$log" $c)
			[ "${k:-0}" -ge 2 ] || { verdict=FAIL why="${why:+$why; }$c on ${k:-0} CPU(s), not two or more: $(last_count "$log" $c)"; }
		done
		# XEN_CHECK_PVH_HP=0 takes no CPU down: nothing to adopt.
		case $n in stock-*) ;; *) [ "$PVH_HP" -eq 0 ] ||
		{
			a=$(adopted "$log")
			[ "${a#* }" -gt "${a% *}" ] ||
				{ verdict=FAIL why="${why:+$why; }no node adopted on CPU-down during the run (debug key 'k': adopted ${a% *} at the start, ${a#* } at the end)"; }
		} ;;
		esac
		# XEN_CHECK_PVH_DOMU: dom0's domU phase ended with its pass line.
		[ "$PVH_DOMU" != 1 ] || grep -a -q '^XC DOMU PASS' "$log" ||
			{ verdict=FAIL why="${why:+$why; }no 'XC DOMU PASS' line (XEN_CHECK_PVH_DOMU=1)"; }
		fl=$(key_i "$log" | grep -a -m 1 'in-flight=[1-9]' || true)
		[ -n "$(key_i "$log")" ] || { verdict=FAIL why="${why:+$why; }no output of debug key 'i' at the end"; }
		[ -z "$fl" ] || { verdict=FAIL why="${why:+$why; }debug key 'i' at the end: an interrupt in flight: $fl"; }
	fi
	# memscan ran to its end (init.sh's memscan_stop) in a passing run.
	if [ "$mode" = pv ] && grep -q '^XC PASS' "$log" && [ "$MEMSCAN" != 0 ] && ! grep -a -q '^XC MEMSCAN passes=' "$log"; then
		verdict=FAIL why="memscan printed no final line (XEN_CHECK_MEMSCAN=$MEMSCAN)"
	fi
	st=$(grep -a -m 1 -E "$SELFTEST_FAIL_RE" "$log" | tr -d '\r' || true)
	[ -z "$st" ] || { verdict=FAIL why="$st"; }
	# A dom0 process that died of SIGSEGV: busybox sh says "Segmentation
	# fault" on the console, init.sh's finish() prints the kernel's
	# "potentially unexpected fatal signal" lines (print-fatal-signals)
	# from dmesg.  A failure unless the build is named in
	# XEN_CHECK_SEGV_OPEN (docs/xen.md: seen in stock-release,
	# stock-debug and dwork-debug boots, not explained yet).  memscan's changed words (XC
	# MEMSCAN-FAIL) are counted with them.
	sv=$(grep -a -c '^Segmentation fault' "$log" || true)
	sk=$(grep -a -c '^XC DMESG .*potentially unexpected fatal signal' "$log" || true)
	[ "${sk:-0}" -le "${sv:-0}" ] || sv=$sk
	segv=
	[ "${sv:-0}" -eq 0 ] ||
		segv="a dom0 process died of SIGSEGV (or another fatal signal) $sv time(s): $(grep -a -m 1 -E '^XC DMESG .*(segfault at|general protection|RIP: 0033)' "$log" | sed 's/^XC DMESG //' | tr -d '\r')"
	# The domU's processes (XEN_CHECK_PVH_DOMU, domu-init.sh): the same.
	su=$(grep -a -c '^XC DOMU XCU SIGNAL' "$log" || true)
	[ "${su:-0}" -eq 0 ] ||
		segv="${segv:+$segv; }a domU process died of a fatal signal $su time(s): $(grep -a -m 1 -E '^XC DOMU XCU DMESG .*(segfault at|general protection)' "$log" | sed 's/^XC DOMU XCU DMESG //' | tr -d '\r')"
	ms=$(grep -a -c '^XC MEMSCAN-FAIL' "$log" || true)
	[ "${ms:-0}" -eq 0 ] ||
		segv="${segv:+$segv; }memscan found $ms changed word(s) in dom0 memory: $(grep -a -m 1 '^XC MEMSCAN-FAIL' "$log" | tr -d '\r')"
	[ "${xl_lockups:-0}" -eq 0 ] ||
		segv="${segv:+$segv; }dom0's soft lockup watchdog fired $xl_lockups time(s) on xl (xl create of the domU): $(tr -d '\r' <"$log" | grep -a -E "$xlre" | tail -n 1)"
	if [ -n "$segv" ]; then
		case " $SEGV_OPEN " in
		*" $n "*)
			# Named in XEN_CHECK_SEGV_OPEN: reported, not failed.
			open_segv="$open_segv $lab"
			why="${why:+$why; }OPEN (docs/xen.md, not counted as a failure here): $segv" ;;
		*)
			verdict=FAIL
			why="${why:+$why; }$segv" ;;
		esac
	fi
	# PVH: dom0 ended by a triple fault and nothing else wrong: the
	# emulated platform's fault that stock Xen shows too (docs/xen.md).
	# In the builds XEN_CHECK_SEGV_OPEN names the boot is OPEN, neither
	# passed nor failed (nothing after the fault was checked); any other
	# failure in the same boot still fails it.
	if [ "$mode" = pvh ] && [ "$verdict" = FAIL ] && [ -z "$f" ] && [ -z "$x" ] &&
		[ -z "$st" ] && [ $qrc -ne 124 ] && [ $qrc -ne 137 ] &&
		grep -a -q 'd0v[0-9]* Triple fault' "$log"; then
		case " $SEGV_OPEN " in *" $n "*)
			verdict=OPEN
			open_segv="$open_segv $lab"
			why="OPEN (docs/xen.md, not counted as a failure here): dom0 triple fault, the boot ended there: $(grep -a -m 1 'Triple fault' "$log" | tr -d '\r')" ;;
		esac
	fi
	echo "$verdict" >"$log.verdict"
	say "$lab: $verdict in ${wall}s${why:+: $why}"
	if [ $verdict = FAIL ] && [ -z "$MUT" ]; then
		say "last lines of $log:"
		tail -n 40 "$log" >&2
	fi
	[ $verdict != FAIL ]
}

# The last per-CPU line of one of selftest.c's counters: " 0:N 1:N ...".
last_count() {	# $1 log, $2 counter name
	grep -a "xen-check count $2:" "$1" | tail -n 1 | tr -d '\r' | sed 's/.*xen-check count [^:]*://'
}
count_cpus() {	# $1 log, $2 counter name: CPUs with a non-zero count
	last_count "$1" "$2" | tr ' ' '\n' | grep -c ':[1-9]' || true
}
count_sum() {	# $1 log, $2 counter name
	last_count "$1" "$2" | tr ' ' '\n' | awk -F: '{ s += $2 } END { print s + 0 }'
}
# dwork's nodes adopted on CPU-down (debug key 'k'), summed over CPUs:
# "FIRST LAST" dumps of the run.
adopted() {	# $1 log
	tr -d '\r' <"$1" | awk '
		/dwork counters/ { n++; a[n] = 0 }
		/dwork CPU[0-9]/ { for (i = 1; i < NF; i++) if ($i == "adopted") a[n] += $(i + 1) }
		END { print (n ? a[1] : 0) " " (n ? a[n] : 0) }'
}
# dwork's per-CPU "raised/run" of the last 'k' dump: "0:R/N 1:R/N".
dwork_runs() {	# $1 log
	tr -d '\r' <"$1" | awk '
		/dwork counters/ { l = "" }
		/dwork CPU[0-9]/ { for (i = 1; i < NF; i++) { if ($i ~ /^CPU[0-9]/) c = substr($i, 4); if ($i == "raised") r = $(i + 1); if ($i == "run") u = $(i + 1) }
			sub(/:$/, "", c); l = l " " c ":" r "/" u }
		END { print l }'
}
# What debug key 'i' printed at the end of a PVH run.
key_i() {	# $1 log
	tr -d '\r' <"$1" | awk '/^XC KEYI-BEGIN/ { k = ""; on = 1; next } /^XC KEYI-END/ { on = 0 } on { k = k $0 "\n" } END { printf "%s", k }'
}

# PVH summary: name result rounds hotplug wall dpci raises/runs per CPU,
# event-channel tasklet schedules/runs, dwork adopted, console bytes,
# dom0's AHCI interrupts per vCPU, median I/O burst.
summary_pvh() {	# $1 label, $2 build
	log=$B/runs/$1.log
	a=$(adopted "$log")
	case $2 in stock-*) a="-" dw="-" ;; *) a=$((${a#* } - ${a% *})) dw=$(dwork_runs "$log") ;; esac
	ahci=$(tr -d '\r' <"$log" | grep -a '^XC IRQS end .*ahci' | tail -n 1 | awk '{ s = ""; for (i = 5; i <= NF && $i ~ /^[0-9]+$/; i++) s = s (s ? "/" : "") $i; print s }')
	med=$(awk '/^XC op io-burst / { t[++n] = $4 * 10 } END { if (!n) { print 0; exit } for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (t[j] < t[i]) { x = t[i]; t[i] = t[j]; t[j] = x } print t[int((n + 1) / 2)] }' "$log")
	printf "%-24s %-4s %3s %3s %5ss  dpci raise%s  run%s  evtchn-tasklet %s/%s  adopted %s  conin %s  ahci-irqs %s  burst-median %sms  stalls %s\n" \
		"$1" "$(cat "$log.verdict")" "$(grep -a -c '^XC PVH round ' "$log")" \
		"$(grep -a -c '^XC op cpu-' "$log")" "$(cat "$log.wall")" \
		"$(last_count "$log" dpci-raise)" "$(last_count "$log" dpci-run)" \
		"$(count_sum "$log" evtchn-tasklet-schedule)" "$(count_sum "$log" evtchn-tasklet-run)" \
		"$a" "$(tr -d '\r' <"$log" | sed -n 's/^XC CONIN bytes=//p' | tail -n 1)" "${ahci:--}" "$med" \
		"$(grep -a -c '^XC STALL' "$log")"
	[ "$dw" = "-" ] || echo "    dwork raised/run per CPU (key 'k', end):$dw"
	u=$(tr -d '\r' <"$log" | sed -n 's/^XC DOMU PASS //p' | tail -n 1)
	[ "$PVH_DOMU" != 1 ] || printf "    domU %s: %s; domU (dom0 = all - domU): evtchn-tasklet %s/%s (all %s/%s), vlapic-sipi-tasklet %s/%s (all %s/%s), dpci raise %s run %s\n" \
		"$(tr -d '\r' <"$log" | sed -n 's/^XC DOMU-ID //p' | tail -n 1)" "${u:-no pass line}" \
		"$(count_sum "$log" domU-evtchn-tasklet-schedule)" "$(count_sum "$log" domU-evtchn-tasklet-run)" \
		"$(count_sum "$log" evtchn-tasklet-schedule)" "$(count_sum "$log" evtchn-tasklet-run)" \
		"$(count_sum "$log" domU-vlapic-sipi-tasklet-schedule)" "$(count_sum "$log" domU-vlapic-sipi-tasklet-run)" \
		"$(count_sum "$log" vlapic-sipi-tasklet-schedule)" "$(count_sum "$log" vlapic-sipi-tasklet-run)" \
		"$(count_sum "$log" domU-dpci-raise)" "$(count_sum "$log" domU-dpci-run)"
}

# Per-run summary line: name ops wall hotplug-median hotplug-max all-max
summary() {	# $1 label
	log=$B/runs/$1.log
	awk -v lab="$1" -v wall="$(cat "$log.wall")" -v v="$(cat "$log.verdict")" '
		/^XC op / { n++; t = $4 * 10; if (t > allmax) allmax = t
			if ($3 ~ /^cpu-/) h[++nh] = t }
		END {
			for (i = 1; i <= nh; i++) for (j = i + 1; j <= nh; j++) if (h[j] < h[i]) { x = h[i]; h[i] = h[j]; h[j] = x }
			med = nh ? (nh % 2 ? h[(nh + 1) / 2] : (h[nh / 2] + h[nh / 2 + 1]) / 2) : 0
			printf "%-22s %-4s %5d %7d %6ds %9d %9d %9d\n", lab, v, n, nh, wall, med, nh ? h[nh] : 0, allmax
		}' "$log"
}

# --------------------------------------------------------------- main ---
for tool in qemu-system-x86_64 dpkg-source make gcc flex bison python3 cpio readelf; do
	command -v $tool >/dev/null 2>&1 || die "$tool is missing (see .ci/steps/70-xen-real.sh for the packages)"
done
if [ -n "$SRC" ]; then
	S=$(cd "$SRC" && pwd)
	[ -f "$S/xen/Makefile" ] || die "XEN_CHECK_SRC=$SRC: no xen/Makefile (give the top of the Xen tree)"
else
	setup_apt
	get_source
fi
say "Xen source: $S"
prepare_trees
if [ -n "$MUT" ]; then
	BUILDS=mut-${XEN_CHECK_MUT_FLAVOUR:-debug}
fi
get_dom0
make_initrd
case " $MODES " in *" pvh "*) [ "$PVH_DOMU" != 1 ] || make_domu_initrd ;; esac
for n in $BUILDS; do build "$n"; done
t_built=$(now)

case $BUILDS in *[![:space:]]*) ;; *) false ;; esac || { say "XEN_CHECK_BUILDS is empty: nothing booted"; exit 1; }
fails=0
labels="" pvh_labels=""
i=1
while [ $i -le "$RUNS" ]; do
	for n in $BUILDS; do
		case " $BUILD_ONLY " in *" $n "*) continue ;; esac
		for m in $MODES; do
			[ "$m" = pv ] || [ "$m" = pvh ] || die "XEN_CHECK_MODES: unknown mode '$m' (pv pvh)"
			if [ "$m" = pv ] && [ -z "$MUT" ]; then
				case " $PV_BUILDS " in *" $n "*) ;; *) continue ;; esac
			fi
			lab=$n
			[ "$m" = pv ] || lab=$n.pvh
			[ "$RUNS" -eq 1 ] || lab=$lab.$i
			boot "$n" "$lab" "$m" || fails=$((fails + 1))
			if [ "$m" = pv ]; then labels="$labels $lab"; else pvh_labels="$pvh_labels $n:$lab"; fi
		done
	done
	i=$((i + 1))
done

echo
if [ -n "$labels" ]; then
	echo "PV dom0: Xen $(basename "$S"), sched=$SCHED, qemu -accel $ACCEL -smp $SMP, $OPS hotplug ops per run"
	printf "%-22s %-4s %5s %7s %7s %9s %9s %9s\n" run result ops hotplug wall "median ms" "max ms" "any max"
	for l in $labels; do
		summary "$l"
		case $l in stock-*) continue ;; esac
		a=$(adopted "$B/runs/$l.log")
		echo "    dwork raised/run per CPU (key 'k', end):$(dwork_runs "$B/runs/$l.log")  adopted $((${a#* } - ${a% *}))"
	done
	echo "(ops: every checked operation; hotplug: xen-hptool cpu-offline/online; times from dom0's clock, 10 ms resolution)"
fi
if [ -n "$pvh_labels" ]; then
	echo
	echo "PVH dom0: Xen $(basename "$S"), sched=$SCHED, qemu -accel $PVH_ACCEL -cpu $PVH_CPU -smp 2 -device amd-iommu, Xen ${PVH_XEN_ARGS:-(lazy FPU)}, $PVH_OPS rounds, CPU 1 offline/online every ${PVH_HP}th round (0: never)"
	echo "(dpci raise/run: CPU:count, Xen's hvm_do_IRQ_dpci() and hvm_dirq_assist(); evtchn-tasklet: HVM event-channel tasklet schedules/runs;"
	echo " adopted: dwork nodes adopted on CPU-down; conin: serial bytes dom0 read; ahci-irqs: dom0's AHCI interrupts per vCPU)"
	for l in $pvh_labels; do summary_pvh "${l#*:}" "${l%%:*}"; done
fi
if [ "$RUNS" -gt 1 ]; then
	echo
	echo "boots per build and mode (a PASS may carry an OPEN report of a dom0 process's fault, see below):"
	for n in $BUILDS; do
		for m in $MODES; do
			sfx=; [ "$m" = pv ] || sfx=.pvh
			np=0 nf=0 no=0
			for f in "$B/runs/$n$sfx".[0-9]*.log.verdict; do
				# Only this run's boots: an earlier run's logs may lie there too.
				case " $labels $pvh_labels " in *" $(basename "$f" .log.verdict) "* | *":$(basename "$f" .log.verdict) "*) ;; *) continue ;; esac
				case $(cat "$f") in PASS) np=$((np + 1)) ;; OPEN) no=$((no + 1)) ;; *) nf=$((nf + 1)) ;; esac
			done
			[ $((np + nf + no)) -gt 0 ] || continue
			printf "  %-20s %-3s %3d pass %3d fail %3d OPEN (ended by the dom0 triple fault)\n" "$n" "$m" $np $nf $no
		done
	done
fi
[ -z "$BUILD_ONLY" ] || echo "built, not booted:$(for n in $BUILDS; do case " $BUILD_ONLY " in *" $n "*) printf ' %s' "$n" ;; esac; done)"
echo "build $((t_built - t_start)) s, total $(($(now) - t_start)) s"
[ -z "$open_segv" ] || echo "OPEN: a dom0 process died of SIGSEGV (or, PVH, dom0 triple-faulted; with XEN_CHECK_PVH_DOMU a domU process died of a fatal signal or dom0's watchdog fired on xl) in:$open_segv (the open defects of docs/xen.md; XEN_CHECK_SEGV_OPEN names these builds, so it is reported, not failed)"
if [ -n "$MUT" ]; then
	if [ $fails -gt 0 ]; then
		echo "xen-check: mutation $MUT: FAILED as it should (killed)"
		exit 0
	fi
	echo "xen-check: mutation $MUT: PASSED (survived: the test did not see it)"
	exit 1
fi
[ $fails -eq 0 ] || { echo "xen-check: FAIL ($fails of the runs)"; exit 1; }
echo "xen-check: PASS"
