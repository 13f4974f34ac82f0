#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Install what building and testing dwork needs on Debian 12, if missing:
# meson, ninja-build, libcmocka-dev (and pkg-config).  Uses sudo when not
# root.  Extra Debian package names may be given as arguments.
set -e
need=""
command -v meson >/dev/null 2>&1 || need="$need meson"
command -v ninja >/dev/null 2>&1 || need="$need ninja-build"
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
[ -f /usr/include/cmocka.h ] || need="$need libcmocka-dev"
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
