#!/usr/bin/env bash
# Install what memslot-bench needs to build and to run its lab, from Debian's packages.
# Sourced by run.sh and test.sh. As root it runs apt-get; otherwise it prints the exact
# apt-get line and stops.
BUILD_PKGS=(gcc make autoconf automake pkg-config libhwloc-dev libjson-c-dev libnuma-dev
	linux-libc-dev)
# The lab (scripts/lab.sh) where /dev/kvm is missing: QEMU, busybox for the initramfs,
# cpio to pack it, xz/zstd for compressed kernel modules; valgrind for the leak test. gnuplot is optional (plots).
LAB_PKGS=(qemu-system-x86 busybox-static cpio xz-utils zstd valgrind)
OPTIONAL_PKGS=(gnuplot-nox)

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
		echo "  apt-get install -y ${missing[*]}" >&2
		exit 2
	fi
	echo "deps: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 || { echo "deps: apt-get update failed" >&2; exit 2; }
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
		{ echo "deps: apt-get install ${missing[*]} failed" >&2; exit 2; }
}

# Configure and build in $MSB_BUILD_DIR (default build/) from the source tree $1.
msb_build() {
	local src=$1 build=${MSB_BUILD_DIR:-$1/build}
	(cd "$src" && autoreconf -fi >/dev/null) || { echo "autoreconf failed" >&2; exit 1; }
	mkdir -p "$build"
	if [[ ! -f $build/Makefile || $src/configure -nt $build/config.status ]]; then
		# shellcheck disable=SC2086 # flags are split on purpose
		(cd "$build" && "$src/configure" -q ${MSB_CONFIGURE_FLAGS:-}) ||
			{ echo "configure failed (see $build/config.log)" >&2; exit 1; }
	fi
	make -C "$build" -s -j"$(nproc)" || { echo "build failed" >&2; exit 1; }
}
