#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lab-kernel.sh: resolve, fetch and unpack Debian kernel packages for the lab.
#
# Sourced by lab.sh (functions lk_*), or run directly:
#   lab-kernel.sh resolve SPEC   print the package name SPEC resolves to
#   lab-kernel.sh path SPEC      fetch+unpack if needed, print two lines:
#                                vmlinuz path, then the lib/modules/VERSION dir
#   lab-kernel.sh fetch SPEC     same as path, on one line: "VMLINUZ MODDIR"
# SPEC: 6.1 | 6.12 | a linux-image-* package name.
# Packages are never installed on the host: `apt-get download` + `dpkg-deb -x`
# into ${XDG_CACHE_HOME:-$HOME/.cache}/memslot-bench/kernels/PACKAGE_VERSION/.
# Exit codes (lab.sh and run.sh pass them on): 0 ok, 2 bad SPEC / apt source missing
#             and not root, 3 no apt here, 5 package not found (apt knows no such
#             package, series or version), 6 download refused or failed (mirror
#             unreachable, apt-get update/download or unpacking failed).

set -euo pipefail

LK_BACKPORTS_FILE=/etc/apt/sources.list.d/memslot-bench-backports.sources

lk_die() { # CODE MESSAGE
	echo "lab-kernel.sh: $2" >&2
	exit "$1"
}

lk_cache_root() {
	echo "${XDG_CACHE_HOME:-$HOME/.cache}/memslot-bench"
}

# Is any bookworm-backports source configured (in any apt format)?
lk_have_backports() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[[ -r $f ]] || continue
		if grep -Eq '^[^#]*bookworm-backports' "$f"; then
			return 0
		fi
	done
	return 1
}

# Print "URI<TAB>SIGNED_BY" of the first configured source that serves the
# plain "bookworm" suite, so the backports source uses the same mirror (never a
# hard-coded host name: CI machines may only reach their own mirror).
lk_bookworm_mirror() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[[ -r $f ]] || continue
		# deb822: stanzas separated by blank lines.
		awk '
            function flush() {
                if (uri != "" && suites ~ /(^|[ \t])bookworm([ \t]|$)/ && types ~ /(^|[ \t])deb([ \t]|$)/) {
                    print uri "\t" sig; found = 1; exit
                }
                uri = ""; suites = ""; sig = ""; types = ""
            }
            /^[ \t]*$/ { flush(); next }
            /^[ \t]*#/ { next }
            tolower($1) == "uris:"      { uri = $2 }
            tolower($1) == "suites:"    { $1 = ""; suites = $0 }
            tolower($1) == "types:"     { $1 = ""; types = $0 }
            tolower($1) == "signed-by:" { sig = $2 }
            END { if (!found) flush() }
        ' "$f" | head -n1 | grep . && return 0
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[[ -r $f ]] || continue
		# One-line format: deb [opts] URI SUITE COMPONENTS...
		awk '
            $1 != "deb" { next }
            { i = 2; opts = "" }
            $2 ~ /^\[/ { while (i <= NF && $i !~ /\]$/) { opts = opts " " $i; i++ } opts = opts " " $i; i++ }
            $(i + 1) == "bookworm" {
                sig = ""
                if (match(opts, /signed-by=[^] ]+/)) sig = substr(opts, RSTART + 10, RLENGTH - 10)
                print $i "\t" sig; exit
            }
        ' "$f" | head -n1 | grep . && return 0
	done
	return 1
}

# Add the bookworm-backports apt source (same mirror as bookworm) and update.
lk_ensure_backports() {
	lk_have_backports && return 0
	local line uri sig
	line=$(lk_bookworm_mirror) ||
		lk_die 3 "no apt source for Debian bookworm found; cannot derive a bookworm-backports mirror"
	uri=${line%%$'\t'*}
	sig=${line#*$'\t'}
	local content
	content="Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: ${sig:-/usr/share/keyrings/debian-archive-keyring.gpg}
"
	if [[ $(id -u) -ne 0 ]]; then
		echo "lab-kernel.sh: the bookworm-backports apt source is missing; as root run:" >&2
		printf "  printf '%%s' '%s' > %s && apt-get update\n" "$content" "$LK_BACKPORTS_FILE" >&2
		exit 2
	fi
	echo "lab-kernel.sh: adding apt source bookworm-backports ($uri) and running apt-get update" >&2
	printf '%s' "$content" >"$LK_BACKPORTS_FILE"
	apt-get -q update >/dev/null 2>&1 || lk_die 6 "download refused: apt-get update failed after adding $LK_BACKPORTS_FILE"
}

# Newest package name whose name matches the anchored regex $1.
lk_newest() {
	apt-cache pkgnames linux-image- 2>/dev/null | grep -E "$1" | sort -V | tail -n1
}

# SPEC -> package name.
lk_resolve() {
	local spec=$1 pkg
	command -v apt-cache >/dev/null || lk_die 3 "apt-cache not found; cannot resolve kernel '$spec'"
	case $spec in
	6.1)
		pkg=$(lk_newest '^linux-image-6\.1\.0-[0-9]+-amd64$')
		[[ -n $pkg ]] || lk_die 5 "kernel package not found: no linux-image-6.1.0-*-amd64 known to apt (try apt-get update)"
		;;
	6.12)
		pkg=$(lk_newest '^linux-image-6\.12\.[0-9]+\+deb12-amd64$')
		if [[ -z $pkg ]]; then
			lk_ensure_backports
			pkg=$(lk_newest '^linux-image-6\.12\.[0-9]+\+deb12-amd64$')
		fi
		[[ -n $pkg ]] || lk_die 5 "kernel package not found: no linux-image-6.12.*+deb12-amd64 in bookworm-backports"
		;;
	linux-image-*)
		pkg=$spec
		;;
	*)
		lk_die 2 "bad kernel '$spec' (want 6.1, 6.12, a linux-image-* package or a bzImage path)"
		;;
	esac
	echo "$pkg"
}

# Candidate version of package $1 (empty if apt does not know it).
lk_version() {
	apt-cache policy "$1" 2>/dev/null | awk '$1 == "Candidate:" && $2 != "(none)" { print $2 }'
}

# SPEC -> "PACKAGE<TAB>VERSION". apt-cache needs ~2 s here, so the answer is
# remembered until apt's lists or sources change.
lk_locate() {
	local spec=$1 memo pkg ver
	memo="$(lk_cache_root)/kernels/.resolved/$spec"
	if [[ -f $memo && $memo -nt /var/lib/apt/lists && $memo -nt /etc/apt/sources.list.d ]]; then
		cat "$memo"
		return 0
	fi
	pkg=$(lk_resolve "$spec") || exit $?
	ver=$(lk_version "$pkg")
	if [[ -z $ver ]]; then
		# A package from a release not yet configured may be in backports.
		[[ $pkg == *+deb12-* ]] && lk_ensure_backports && ver=$(lk_version "$pkg")
		[[ -n $ver ]] || lk_die 5 "kernel package not found: apt knows no package '$pkg'"
	fi
	mkdir -p "${memo%/*}"
	printf '%s\t%s\n' "$pkg" "$ver" >"$memo.tmp" && mv "$memo.tmp" "$memo"
	printf '%s\t%s\n' "$pkg" "$ver"
}

# Write the uncompressed ELF vmlinux found inside bzImage $1 to $2. QEMU boots
# it directly (PVH entry), skipping decompression, which is slow under TCG.
lk_extract_vmlinux() {
	local magic tool off
	for magic in '\x28\xb5\x2f\xfd:zstd' '\xfd7zXZ\x00:xz' '\x1f\x8b\x08:gzip'; do
		tool=${magic##*:}
		command -v "$tool" >/dev/null || continue
		while read -r off; do
			tail -c +$((off + 1)) "$1" | "$tool" -qdc >"$2.tmp.$$" 2>/dev/null || true
			if [[ $(head -c 4 "$2.tmp.$$" | od -An -tx1 | tr -d ' ') == 7f454c46 ]]; then
				mv "$2.tmp.$$" "$2"
				return 0
			fi
		done < <(LC_ALL=C grep -obUaP "${magic%:*}" "$1" | cut -d: -f1)
	done
	rm -f "$2.tmp.$$"
	return 1
}

# Fetch+unpack package $1 version $2 if not cached; print
# "VMLINUZ<TAB>MODDIR<TAB>BOOTIMAGE" (BOOTIMAGE: vmlinux if extracted).
lk_fetch_pkg() {
	local pkg=$1 ver=$2 dir why
	dir="$(lk_cache_root)/kernels/${pkg}_${ver//:/%}"
	if [[ ! -e $dir/.complete ]]; then
		mkdir -p "$(lk_cache_root)/kernels"
		local tmp
		tmp=$(mktemp -d "$(lk_cache_root)/kernels/.fetch.XXXXXX")
		# The _apt sandbox user must be able to write the download dir.
		chmod 755 "$tmp"
		echo "lab-kernel.sh: downloading $pkg=$ver" >&2
		if ! (cd "$tmp" && apt-get -q download "$pkg=$ver" >"$tmp/apt.log" 2>&1); then
			# apt's own words, on one line: why (e.g. "Could not connect to ...")
			why=$(awk '/^Err:/ { getline; sub(/^ +/, ""); print; exit }
				/^E: / { sub(/^E: /, ""); print; exit }' "$tmp/apt.log")
			rm -rf "$tmp"
			lk_die 6 "download refused: apt-get download $pkg=$ver failed: ${why:-see apt-get}"
		fi
		mkdir "$tmp/root"
		dpkg-deb -x "$tmp"/*.deb "$tmp/root" || {
			rm -rf "$tmp"
			lk_die 6 "download unusable: dpkg-deb -x failed for $pkg"
		}
		rm -f "$tmp"/*.deb "$tmp/apt.log"
		if ! compgen -G "$tmp/root/boot/vmlinuz-*" >/dev/null; then
			rm -rf "$tmp"
			lk_die 2 "package $pkg has no /boot/vmlinuz-* (an -unsigned or -dbg variant?)"
		fi
		touch "$tmp/root/.complete"
		# Another run may have finished the same fetch meanwhile: keep theirs.
		if [[ -e $dir/.complete ]]; then
			rm -rf "$tmp"
		else
			rm -rf "$dir"
			mv "$tmp/root" "$dir"
			rmdir "$tmp"
		fi
	fi
	local vmlinuz moddir vmlinux
	vmlinuz=$(compgen -G "$dir/boot/vmlinuz-*" | head -n1)
	moddir=$(compgen -G "$dir/lib/modules/*" | head -n1)
	[[ -n $vmlinuz && -d $moddir ]] || lk_die 3 "cache dir $dir is incomplete; remove it"
	vmlinux=$dir/boot/vmlinux-${vmlinuz##*/vmlinuz-}
	if [[ ! -f $vmlinux && ! -f $dir/.no-vmlinux ]]; then
		lk_extract_vmlinux "$vmlinuz" "$vmlinux" || touch "$dir/.no-vmlinux"
	fi
	[[ -f $vmlinux ]] || vmlinux=$vmlinuz
	printf '%s\t%s\t%s\n' "$vmlinuz" "$moddir" "$vmlinux"
}

lk_usage() {
	cat <<'EOF'
Usage: scripts/lab-kernel.sh resolve|path|fetch SPEC

Resolve, fetch and unpack the Debian kernel packages the lab boots (lab.sh
sources this file for its lk_* functions).
  resolve SPEC   print the package name SPEC resolves to
  path SPEC      fetch+unpack if needed, print two lines: the vmlinuz path,
                 then the lib/modules/VERSION dir
  fetch SPEC     same as path, on one line: "VMLINUZ MODDIR"
SPEC: 6.1 | 6.12 (the newest Debian package of that series) | a
linux-image-* package name. Nothing is installed on the host: the package is
downloaded (apt-get download) and unpacked into
${XDG_CACHE_HOME:-$HOME/.cache}/memslot-bench/kernels/PACKAGE_VERSION/.
6.12 comes from bookworm-backports: as root, a missing backports apt source
is added (same mirror as bookworm) and apt-get update runs.

Options:
  -h, --help     this text

Exit status:
  0    done
  2    bad usage or SPEC, or the backports apt source is missing and this
       is not root (the command to add it is printed)
  3    cannot fetch (no apt, no network, package gone)
EOF
}

lk_main() {
	case ${1:-} in
	-h | --help)
		lk_usage
		exit 0
		;;
	resolve | path | fetch) ;;
	-*) lk_die 2 "unknown option '$1' (see --help)" ;;
	'') ;;
	*) lk_die 2 "unknown command '$1' (want resolve, path or fetch)" ;;
	esac
	[[ $# -eq 2 ]] || lk_die 2 "usage: lab-kernel.sh resolve|path|fetch 6.1|6.12|PACKAGE"
	local loc out vmlinuz rest moddir
	loc=$(lk_locate "$2") || exit $?
	case $1 in
	resolve) echo "${loc%%$'\t'*}" ;;
	path | fetch)
		# shellcheck disable=SC2046 # PACKAGE and VERSION hold no blanks
		out=$(lk_fetch_pkg $(printf '%s' "$loc")) || exit $?
		vmlinuz=${out%%$'\t'*}
		rest=${out#*$'\t'}
		moddir=${rest%%$'\t'*}
		if [[ $1 == path ]]; then
			printf '%s\n%s\n' "$vmlinuz" "$moddir"
		else
			printf '%s %s\n' "$vmlinuz" "$moddir"
		fi
		;;
	esac
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	lk_main "$@"
fi
