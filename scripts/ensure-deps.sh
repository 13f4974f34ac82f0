#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Install what building and testing dwork needs on Debian 12, if missing:
# meson, ninja-build, libcmocka-dev (and pkg-config).  Uses sudo when not
# root.  Extra Debian package names may be given as arguments.
#   --xen        instead: what make xen-check (tests/xen-real/run.sh) needs
#                (qemu, Xen's hypervisor build dependencies, dom0 tools)
#   --xen-list   print that package list and exit
set -e
XEN_PKGS="qemu-system-x86 gcc libc6-dev make binutils python3 bison flex
	dpkg-dev cpio gzip xz-utils debian-archive-keyring ca-certificates"
need=""
case ${1:-} in
--xen-list)
	echo "$XEN_PKGS"
	exit 0 ;;
--xen)
	shift
	# shellcheck disable=SC2086
	set -- $XEN_PKGS "$@" ;;
*)
	command -v meson >/dev/null 2>&1 || need="$need meson"
	command -v ninja >/dev/null 2>&1 || need="$need ninja-build"
	command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
	[ -f /usr/include/cmocka.h ] || need="$need libcmocka-dev" ;;
esac
for p in "$@"; do
	dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
[ -z "$need" ] && exit 0
echo "dwork: installing$need" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
