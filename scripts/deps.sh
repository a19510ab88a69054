#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install what memslot-bench needs to build and to run its lab, from Debian's packages.
# Sourced by run.sh, test.sh and kernel-ab.sh (msb_install_deps, msb_build). As root it
# runs apt-get; otherwise it prints the exact apt-get line and stops. Run directly it
# only lists what is missing (see --help).
BUILD_PKGS=(gcc make autoconf automake pkg-config libhwloc-dev libjson-c-dev libnuma-dev
	linux-libc-dev libtracefs-dev libtraceevent-dev)
# The lab (scripts/lab.sh) where /dev/kvm is missing: QEMU, busybox for the initramfs,
# cpio to pack it, xz/zstd for compressed kernel modules; valgrind for the leak test.
# gnuplot is optional (plots). GNU parallel runs kernel-ab/patch-ab's lab jobs.
LAB_PKGS=(qemu-system-x86 busybox-static cpio xz-utils zstd valgrind parallel)
OPTIONAL_PKGS=(gnuplot-nox)

msb_die() { # CODE MESSAGE
	echo "$2" >&2
	exit "$1"
}

msb_missing_pkgs() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			printf '%s\n' "$p"
	done
}

msb_install_deps() {
	local missing
	mapfile -t missing < <(msb_missing_pkgs "${BUILD_PKGS[@]}" "${LAB_PKGS[@]}" "${OPTIONAL_PKGS[@]}")
	[[ ${#missing[@]} == 0 ]] && return 0
	if [[ $(id -u) != 0 ]]; then
		echo "memslot-bench: missing packages; run as root:" >&2
		msb_die 2 "  apt-get install -y ${missing[*]}"
	fi
	echo "deps: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 || msb_die 2 "deps: apt-get update failed"
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
		msb_die 2 "deps: apt-get install ${missing[*]} failed"
}

# Configure and build in $MSB_BUILD_DIR (default build/) from the source tree $1.
msb_build() {
	local src=$1 build=${MSB_BUILD_DIR:-$1/build}
	(cd "$src" && autoreconf -fi >/dev/null) || msb_die 1 "autoreconf failed"
	mkdir -p "$build"
	if [[ ! -f $build/Makefile || $src/configure -nt $build/config.status ]]; then
		# shellcheck disable=SC2086 # split into words on purpose
		(cd "$build" && "$src/configure" -q ${MSB_CONFIGURE_FLAGS:-}) ||
			msb_die 1 "configure failed (see $build/config.log)"
	fi
	make -C "$build" -s -j"$(nproc)" || msb_die 1 "build failed"
}

msb_deps_usage() {
	cat <<'EOF'
Usage: scripts/deps.sh [--install]

Lists the Debian packages memslot-bench needs that are not installed: to build
(gcc, autotools, hwloc, json-c, numactl, libtracefs headers), to run the QEMU lab (QEMU,
busybox-static, cpio, xz, zstd, valgrind) and, optionally, gnuplot for plots.
scripts/run.sh, test.sh and kernel-ab.sh source this file and install what
is missing before they build.

Options:
  --install      install the missing packages (apt-get update + install; as
                 root, else prints the apt-get line and exits 2)
  -h, --help     this text

Exit status:
  0    nothing missing (or all installed)
  1    packages missing (listed, one per line, on stdout)
  2    bad usage, not root for --install, or apt-get failed
EOF
}

msb_deps_main() {
	local missing
	case ${1:-} in
	-h | --help)
		msb_deps_usage
		exit 0
		;;
	--install)
		[[ $# == 1 ]] || msb_die 2 "deps.sh: unexpected '$2' (see --help)"
		msb_install_deps
		exit 0
		;;
	'') ;;
	*) msb_die 2 "deps.sh: unknown option '$1' (see --help)" ;;
	esac
	mapfile -t missing < <(msb_missing_pkgs "${BUILD_PKGS[@]}" "${LAB_PKGS[@]}" "${OPTIONAL_PKGS[@]}")
	[[ ${#missing[@]} == 0 ]] && exit 0
	printf '%s\n' "${missing[@]}"
	exit 1
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	set -euo pipefail
	msb_deps_main "$@"
fi
