#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kernel-build.sh: build what scripts/lab.sh boots, from a Debian linux-source
# package or a git tree, with an optional patch series. A patch that touches only
# KVM gets the fast path (kvm*.ko rebuilt against the matching Debian kernel's
# headers, booted in that kernel's own image); anything else the full path
# (defconfig + scripts/kconfig/lab.config, ccache). See --help.
set -euo pipefail

KB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lab-kernel.sh
. "$KB_DIR/lab-kernel.sh"
# Bump when a build's layout or recipe changes: it is part of every cache key.
KB_FORMAT=1
# Where a patch may go for the fast path: KVM's own directories, nothing else.
KB_FAST_DIRS='arch/x86/kvm/ virt/kvm/'

usage() {
	cat <<'EOF'
Usage: scripts/kernel-build.sh [--source SRC] [--patch FILE]... [--full]
                               [--jobs N] [--dry-run]

Builds a kernel, or only KVM, that scripts/lab.sh boots, and prints the
build's directory on stdout. It holds lab-args (the lab.sh options that boot
it, one per line), build.json (source, version, patches with subjects and
hashes, build path, config hash, compiler) and build.log.

Sources (--source, default 6.1):
  6.1 | 6.12       Debian's linux-source-X.Y package (apt-get download from
                   the machine's apt sources; nothing is installed)
  GIT_DIR@REV      a kernel git tree at a commit, tag or branch
Build paths, chosen from what the patches touch (said on stderr):
  fast             every patched file is under arch/x86/kvm/ or virt/kvm/:
                   kvm.ko, kvm-amd.ko and kvm-intel.ko are rebuilt against the
                   Debian linux-headers of exactly the source's version and
                   boot in that version's own linux-image (lab.sh
                   --kvm-modules). No patch: the stock KVM rebuilt the same
                   way, the base to compare a patch against. 1-6 min here.
  full             otherwise, or with --full: x86_64_defconfig merged with
                   scripts/kconfig/lab.config (the kernel's own
                   scripts/kconfig/merge_config.sh), built with ccache: a
                   bzImage and its modules. ~30 min on 2 cores.
Builds are cached under ~/.cache/memslot-bench/kernels/builds/KEY, KEY from
the source and its version (or commit), the patches' contents, the path and
the config: the same request again is instant.

Options:
  --source SRC   6.1 | 6.12 | GIT_DIR@REV (default 6.1)
  --patch FILE   apply FILE (patch -p1: a git format-patch or plain diff);
                 repeatable, applied in order
  --full         the full path even where the fast one would do
  --jobs N       make -j (default: the number of CPUs)
  --dry-run      print the path and cache key, build nothing
  --subject FILE print FILE's patch subject and exit
  -h, --help     this text

Environment:
  XDG_CACHE_HOME  cache root (default ~/.cache)
  MSB_KB_NEED_MB  free MiB the build needs (default 2048 fast, 12288 full)

Exit status:
  0    built (or cached); the build directory on stdout
  1    the build failed: the step is named, its log kept (path on stderr)
  2    bad input: a patch that does not apply (the hunk named), a source
       version without a matching kernel image (the versions listed), a git
       tree without the revision, a missing compiler or tool
  3    cannot fetch or not enough disk space
EOF
}

# ---- small helpers -------------------------------------------------------------------

die() { # CODE MESSAGE
	echo "kernel-build.sh: $2" >&2
	exit "$1"
}

KB_T0=$SECONDS
step() { # MESSAGE: progress on stderr with the elapsed time
	printf 'kernel-build: [%4ss] %s\n' "$((SECONDS - KB_T0))" "$1" >&2
}

sha() { sha256sum "$@" | cut -c1-64; }

kb_cache() { echo "$(lk_cache_root)/kernels"; }

# ---- what a patch touches ------------------------------------------------------------

# The files a patch changes, one per line (from diff --git, ---/+++ lines).
kb_touched_paths() { # FILE
	awk '
		/^diff --git / { sub(/^a\//, "", $3); sub(/^b\//, "", $4); print $3; print $4; next }
		/^(---|\+\+\+) / {
			p = $2; sub(/\t.*/, "", p)
			if (p == "/dev/null") next
			sub(/^[ab]\//, "", p); print p
		}
	' "$1" | LC_ALL=C sort -u
}

# fast when every file of every patch lies under KB_FAST_DIRS; prints
# "fast" or "full REASON".
kb_choose_path() { # PATCH...
	local f p d ok
	for f in "$@"; do
		while read -r p; do
			ok=0
			for d in $KB_FAST_DIRS; do [[ $p == "$d"* ]] && ok=1; done
			((ok)) || { echo "full ($f touches $p)"; return 0; }
		done < <(kb_touched_paths "$f")
	done
	echo fast
}

# The first line of a patch's subject (git format-patch's Subject:, or the
# first non-empty line of a plain diff's header).
kb_patch_subject() { # FILE
	awk '
		/^Subject: / { sub(/^Subject: (\[[^]]*\] )?/, ""); print; exit }
		/^(diff --git|--- |Index: )/ { if (first != "") print first; exit }
		first == "" && NF { first = $0 }
	' "$1"
}

# Cache key: everything that changes the output, in a fixed order.
kb_cache_key() { # PATH SOURCE_ID CONFIG_ID PATCH...
	local path=$1 src=$2 cfg=$3 f
	shift 3
	{
		echo "format $KB_FORMAT path $path source $src config $cfg"
		for f in "$@"; do echo "patch $(sha "$f")"; done
	} | sha | cut -c1-16
}

# ---- inputs --------------------------------------------------------------------------

# Sets source, patches, full, jobs, dry_run.
parse_args() {
	source=6.1 patches=() full=0 jobs=$(nproc) dry_run=0
	while (($#)); do
		case $1 in
		-h | --help) usage; exit 0 ;;
		--source | --patch | --jobs)
			[[ $# -ge 2 ]] || die 2 "option $1 needs a value"
			case $1 in
			--source) source=$2 ;;
			--patch) patches+=("$2") ;;
			--jobs) jobs=$2 ;;
			esac
			shift 2
			;;
		--full) full=1; shift ;;
		--dry-run) dry_run=1; shift ;;
		*) die 2 "unexpected '$1' (see --help)" ;;
		esac
	done
	[[ $jobs =~ ^[1-9][0-9]*$ ]] || die 2 "bad --jobs '$jobs' (want a positive integer)"
}

# Absolute, readable patch files that look like patches.
check_patches() {
	local i f
	for i in "${!patches[@]}"; do
		f=${patches[$i]}
		[[ -f $f && -r $f ]] || die 2 "--patch '$f': no such file"
		f=$(cd "$(dirname "$f")" && pwd -P)/$(basename "$f")
		[[ -n $(kb_touched_paths "$f") ]] || die 2 "--patch '$f' changes no file (not a diff?)"
		patches[i]=$f
	done
}

# Enough free space where the cache lives (before anything is written there).
check_disk() { # PATH(fast|full)
	local need d avail
	need=${MSB_KB_NEED_MB:-$([[ $1 == fast ]] && echo 2048 || echo 12288)}
	d=$(kb_cache)
	while [[ ! -d $d ]]; do d=$(dirname "$d"); done
	avail=$(df -Pm "$d" | awk 'NR == 2 { print $4 }')
	((avail >= need)) ||
		die 3 "not enough disk space for the $1 path: ${avail} MiB free under $d, $need MiB needed"
}

need_tools() { # TOOL...: one line naming every missing one
	local t missing=()
	for t in "$@"; do command -v "$t" >/dev/null || missing+=("$t"); done
	((${#missing[@]} == 0)) || die 2 "missing build tools: ${missing[*]} (apt-get install them)"
}

need_full_tools() {
	need_tools make gcc flex bison bc perl ccache patch tar xz
	[[ -f /usr/include/libelf.h || -f /usr/include/gelf.h ]] ||
		die 2 "missing compiler packages: libelf-dev (apt-get install libelf-dev)"
	[[ -f /usr/include/openssl/opensslv.h ]] ||
		die 2 "missing compiler packages: libssl-dev (apt-get install libssl-dev)"
}

# ---- the source ----------------------------------------------------------------------

# Sets src_kind (debian|git), series (6.1, 6.12: Debian only), git_dir, git_rev,
# commit, src_id (the cache key's source part).
resolve_source() {
	case $source in
	6.1 | 6.12)
		src_kind=debian series=$source
		src_pkg=linux-source-$series
		src_ver=$(memo "$src_pkg" lk_version "$src_pkg")
		if [[ -z $src_ver && $series == 6.12 ]]; then
			lk_ensure_backports
			src_ver=$(memo "$src_pkg" lk_version "$src_pkg")
		fi
		[[ -n $src_ver ]] || die 3 "apt knows no package $src_pkg (apt-get update?)"
		src_id="$src_pkg=$src_ver"
		;;
	*@*) resolve_git "${source%@*}" "${source##*@}" ;;
	*)
		[[ -d $source ]] && die 2 "--source '$source': a git tree needs a revision: $source@REV"
		die 2 "bad --source '$source' (want 6.1, 6.12 or GIT_DIR@REV)"
		;;
	esac
}

resolve_git() { # DIR REV
	src_kind=git git_dir=$1 git_rev=$2
	[[ -n $git_rev ]] || die 2 "--source '$source': empty revision after @"
	git -C "$git_dir" rev-parse --git-dir >/dev/null 2>&1 || die 2 "--source: '$git_dir' is not a git tree"
	commit=$(git -C "$git_dir" rev-parse --verify -q "$git_rev^{commit}") ||
		die 2 "--source: git tree '$git_dir' has no revision '$git_rev'"
	git_dir=$(cd "$git_dir" && pwd -P)
	src_id="git:$commit"
	src_ver=$(git -C "$git_dir" show "$commit:Makefile" |
		awk -F' *= *' '$1 ~ /^(VERSION|PATCHLEVEL|SUBLEVEL)$/ { v[$1] = $2 }
			END { print v["VERSION"] "." v["PATCHLEVEL"] "." v["SUBLEVEL"] }')
	series=${src_ver%.*}
}

# The linux-image packages of the series apt knows, as NAME=VERSION lines.
image_versions() {
	local re p
	case $series in
	6.1) re='^linux-image-6\.1\.0-[0-9]+-amd64$' ;;
	6.12) re='^linux-image-6\.12\.[0-9]+\+deb12-amd64$' ;;
	*) re="^linux-image-${series//./\\.}[.-].*-amd64$" ;;
	esac
	# One apt-cache call for all of them: each costs seconds.
	mapfile -t p < <(apt-cache pkgnames linux-image- 2>/dev/null | grep -E "$re" | sort -V)
	((${#p[@]})) || return 0
	apt-cache policy "${p[@]}" 2>/dev/null |
		awk '/^[^ ].*:$/ { sub(/:$/, ""); n = $0 } $1 == "Candidate:" && $2 != "(none)" { print n "=" $2 }'
}

# memo NAME COMMAND...: COMMAND's output, remembered until apt's lists or sources
# change (apt-cache takes seconds; a cached build must come back at once).
memo() {
	local f
	f="$(kb_cache)/.resolved/kb-$1"
	shift
	if [[ -f $f && $f -nt /var/lib/apt/lists && $f -nt /etc/apt/sources.list.d ]]; then
		cat "$f"
		return 0
	fi
	mkdir -p "${f%/*}"
	"$@" >"$f.tmp.$$" && mv "$f.tmp.$$" "$f"
	cat "$f"
}

# Fast path: the image whose version is exactly the source's (Debian: the whole
# version; git: the upstream part, the newest Debian build of it). Sets img_pkg, img_ver.
match_image() {
	local all line want
	all=$(memo "images-$series" image_versions)
	while read -r line; do
		[[ -n $line ]] || continue
		want=${line#*=}
		[[ $src_kind == git ]] && want=${want%%-*}
		[[ $want == "$src_ver" ]] && img_pkg=${line%%=*} img_ver=${line#*=}
	done <<<"$all"
	if [[ -n $img_pkg ]]; then
		[[ $src_kind == debian ]] || echo "kernel-build: $src_ver from git against Debian's $img_pkg=$img_ver" \
			"headers and image (Debian's own patches are in those)" >&2
		return 0
	fi
	die 2 "no Debian linux-image of version $src_ver for the fast path (apt has: $(tr '\n' ' ' <<<"${all:-none}" | sed 's/ $//')); --full builds the whole kernel"
}

# ---- downloads (cached under kernels/, beside lab.sh's images) -----------------------

# apt-get download PKG=VER... into a new temporary dir under the cache; prints it.
download_debs() {
	local tmp
	mkdir -p "$(kb_cache)"
	tmp=$(mktemp -d "$(kb_cache)/.fetch.XXXXXX")
	chmod 755 "$tmp" # apt's _apt sandbox user writes there
	if ! (cd "$tmp" && apt-get -q download "$@" >apt.log 2>&1); then
		sed 's/^/  /' "$tmp/apt.log" >&2
		rm -rf "$tmp"
		die 3 "apt-get download $* failed"
	fi
	echo "$tmp"
}

# Headers of img_pkg=img_ver plus the -common and kbuild trees they name,
# unpacked (not installed). Sets hdr (the amd64 headers dir), cc_text, kver.
fetch_headers() {
	local dir tmp hpkg deps d
	hpkg=${img_pkg/linux-image-/linux-headers-}
	dir=$(kb_cache)/headers/${hpkg}_${img_ver//:/%}
	if [[ ! -e $dir/.complete ]]; then
		step "downloading $hpkg=$img_ver and the trees it includes"
		tmp=$(download_debs "$hpkg=$img_ver")
		deps=$(dpkg-deb -f "$tmp"/*.deb Depends | tr ',' '\n' |
			sed -n 's/^ *\(linux-\(headers\|kbuild\)-[^ ]*\) .*/\1/p')
		for d in $deps; do (cd "$tmp" && apt-get -q download "$d=$img_ver" >>apt.log 2>&1) ||
			{ rm -rf "$tmp"; die 3 "apt-get download $d=$img_ver failed"; }; done
		mkdir "$tmp/root"
		for d in "$tmp"/*.deb; do dpkg-deb -x "$d" "$tmp/root"; done
		rm -f "$tmp"/*.deb
		# The amd64 Makefile includes the -common tree by its installed path.
		sed -i "s|^include /usr/src/|include $dir/root/usr/src/|" "$tmp/root/usr/src/$hpkg/Makefile"
		touch "$tmp/.complete"
		mkdir -p "$(dirname "$dir")"
		rm -rf "$dir"
		mv "$tmp" "$dir"
	fi
	hdr=$dir/root/usr/src/$hpkg
	[[ -f $hdr/.config ]] || die 3 "cache dir $dir is incomplete; remove it"
	cc_text=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\(.*\)"$/\1/p' "$hdr/.config")
	kver=${hpkg#linux-headers-}
}

# The Debian source tarball; sets src_tar.
fetch_debian_source() {
	local dir tmp
	dir=$(kb_cache)/src/${src_pkg}_${src_ver//:/%}
	if [[ ! -e $dir/.complete ]]; then
		step "downloading $src_pkg=$src_ver"
		tmp=$(download_debs "$src_pkg=$src_ver")
		dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp" --wildcards './usr/src/*.tar.xz'
		mv "$tmp"/usr/src/*.tar.xz "$tmp/"
		rm -rf "$tmp"/*.deb "${tmp:?}/usr"
		touch "$tmp/.complete"
		mkdir -p "$(dirname "$dir")"
		rm -rf "$dir"
		mv "$tmp" "$dir"
	fi
	src_tar=$(compgen -G "$dir/*.tar.xz" | head -n1)
	[[ -n $src_tar ]] || die 3 "cache dir $dir is incomplete; remove it"
}

# Unpack the tree (only KVM's directories with ARG sub) into DIR.
unpack_source() { # DIR sub|all
	local top dirs=()
	[[ $2 == sub ]] && dirs=(arch/x86/kvm virt/kvm)
	mkdir -p "$1"
	if [[ $src_kind == git ]]; then
		git -C "$git_dir" archive "$commit" "${dirs[@]}" | tar -x -C "$1"
		return
	fi
	top=$(basename "$src_tar" .tar.xz)
	if [[ $2 == all ]]; then
		tar -xf "$src_tar" -C "$1" --strip-components=1
		return
	fi
	# KVM's directories, unpacked once (xz over the whole tarball takes a while).
	if [[ ! -d ${src_tar%/*}/kvm ]]; then
		mkdir -p "${src_tar%/*}/kvm.tmp"
		tar -xf "$src_tar" -C "${src_tar%/*}/kvm.tmp" --strip-components=1 "${dirs[@]/#/$top/}"
		mv "${src_tar%/*}/kvm.tmp" "${src_tar%/*}/kvm"
	fi
	cp -a "${src_tar%/*}/kvm/." "$1"
}

# ---- patches -------------------------------------------------------------------------

# Apply the patches in order in TREE; a failure names the patch, file and hunk.
apply_patches() { # TREE
	local f out where
	for f in "${patches[@]}"; do
		step "applying $(basename "$f"): $(kb_patch_subject "$f")"
		if ! out=$(cd "$1" && patch -p1 -N --batch --no-backup-if-mismatch -r - <"$f" 2>&1); then
			where=$(awk '
				/^patching file / { file = $3 }
				/^Hunk #[0-9]+ FAILED at / { print file " hunk " $2 " (at line " $5 + 0 ")"; exit }
				/^can.t find file to patch/ { print "a file it patches is missing"; exit }
				/^Reversed .* patch detected/ { print file ": already applied"; exit }
			' <<<"$out")
			rm -rf "$work"
			die 2 "--patch $f does not apply to $src_id: ${where:-$(tail -n1 <<<"$out")}"
		fi
	done
}

# ---- builds --------------------------------------------------------------------------

# run_step NAME LOG COMMAND...: a failure names the step and keeps its log.
run_step() {
	local name=$1 log=$2 kept
	shift 2
	step "$name"
	echo "== $name: $*" >>"$log"
	"$@" >>"$log" 2>&1 && return 0
	kept=${TMPDIR:-/tmp}/kernel-build-$key-failed.log
	cp "$log" "$kept"
	tail -n 15 "$log" | sed 's/^/  /' >&2
	rm -rf "$work"
	die 1 "step '$name' failed; log: $kept"
}

# KVM's Makefile names $(srctree)/arch/x86/kvm and $(srctree)/virt/kvm, which out of
# tree are the headers' (no KVM sources there): a Kbuild beside it with $(src), plus
# an include path under which trace.h's TRACE_INCLUDE_PATH (../../arch/x86/kvm) resolves.
# shellcheck disable=SC2016 # $(src) is make's, not the shell's
write_kvm_kbuild() { # TREE
	mkdir -p "$1/include/trace"
	sed -e 's|\$(srctree)/arch/x86/kvm|$(src)|' \
		-e 's|\$(srctree)/virt/kvm/|$(src)/../../../virt/kvm/|' \
		"$1/arch/x86/kvm/Makefile" >"$1/arch/x86/kvm/Kbuild"
	echo 'ccflags-y += -I$(src)/../../../include/trace' >>"$1/arch/x86/kvm/Kbuild"
}

# The compiler the Debian image was built with (CONFIG_CC_VERSION_TEXT), exactly.
check_compiler() {
	local cc=${cc_text%% *} have
	command -v "$cc" >/dev/null ||
		die 2 "missing compiler packages: $cc (the image was built with '$cc_text'; apt-get install $cc)"
	have=$("$cc" --version | head -n1)
	[[ $have == "$cc_text" ]] ||
		echo "kernel-build: warning: $cc is '$have', the image was built with '$cc_text'" >&2
	need_tools make patch
}

build_fast() {
	local tree=$work/src log=$work/out/build.log m
	unpack_source "$tree" sub
	apply_patches "$tree"
	write_kvm_kbuild "$tree"
	run_step "make kvm modules against $hdr" "$log" \
		make -C "$hdr" M="$tree/arch/x86/kvm" CC="${cc_text%% *}" -j"$jobs" modules
	mkdir -p "$work/out/modules"
	for m in kvm kvm-amd kvm-intel; do
		cp "$tree/arch/x86/kvm/$m.ko" "$work/out/modules/"
	done
	config_hash=$(sha "$hdr/.config")
	compiler=$cc_text
	printf '%s\n' --kernel "$img_pkg" --kvm-modules "$final/modules" >"$work/out/lab-args"
}

build_full() {
	local tree=$work/src log=$work/out/build.log rel
	step "unpacking the whole source tree"
	unpack_source "$tree" all
	apply_patches "$tree"
	run_step "make x86_64_defconfig" "$log" make -C "$tree" x86_64_defconfig
	run_step "merge scripts/kconfig/lab.config" "$log" \
		env -C "$tree" scripts/kconfig/merge_config.sh -m .config "$KB_DIR/kconfig/lab.config"
	run_step "make olddefconfig" "$log" make -C "$tree" olddefconfig
	run_step "make bzImage modules (ccache, -j$jobs)" "$log" \
		make -C "$tree" CC="ccache gcc" -j"$jobs" bzImage modules
	run_step "make modules_install" "$log" \
		make -C "$tree" INSTALL_MOD_PATH="$work/out" INSTALL_MOD_STRIP=1 modules_install
	cp "$tree/arch/x86/boot/bzImage" "$work/out/bzImage"
	rel=$(make -s -C "$tree" kernelrelease)
	rm -f "$work/out/lib/modules/$rel/build" "$work/out/lib/modules/$rel/source"
	config_hash=$(sha "$tree/.config")
	compiler=$(gcc --version | head -n1)
	kver=$rel
	printf '%s\n' --kernel "$final/bzImage" --modules "$final/lib/modules/$rel" >"$work/out/lab-args"
}

# ---- output --------------------------------------------------------------------------

json_str() { # STRING: a JSON string literal
	local s=$1
	s=${s//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\t'/\\t}
	s=${s//$'\n'/\\n}
	printf '"%s"' "$(tr -d '\000-\037' <<<"$s")"
}

patches_json() {
	local f sep=''
	printf '['
	for f in "${patches[@]}"; do
		printf '%s\n    {"file": %s, "subject": %s, "sha256": "%s"}' "$sep" \
			"$(json_str "$(basename "$f")")" "$(json_str "$(kb_patch_subject "$f")")" "$(sha "$f")"
		sep=,
	done
	printf '\n  ]'
}

# build.json: what result files need to say which kernel they ran on.
write_build_json() { # FILE
	cat >"$1" <<JSON
{
  "schema": "memslot-bench-kernel-build/1",
  "key": "$key",
  "path": "$path",
  "path_reason": $(json_str "$path_reason"),
  "source": {"kind": "$src_kind", "id": $(json_str "$src_id"), "version": $(json_str "$src_ver")},
  "image": $(json_str "${img_pkg:+$img_pkg=$img_ver}"),
  "kernel_release": $(json_str "$kver"),
  "config_hash": "$config_hash",
  "compiler": $(json_str "$compiler"),
  "patches": $(patches_json),
  "build_seconds": $((SECONDS - KB_T0)),
  "built_at": "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
}
JSON
}

# ---- main ----------------------------------------------------------------------------

# Sets path and path_reason.
choose_path() {
	local choice
	if ((full)); then
		path=full path_reason='--full'
		return
	fi
	choice=$(kb_choose_path "${patches[@]}")
	path=${choice%% *}
	if [[ $path == fast ]]; then
		path_reason=$([[ ${#patches[@]} == 0 ]] && echo 'no patch: the stock KVM, rebuilt' ||
			echo 'every patched file is under arch/x86/kvm/ or virt/kvm/')
	else
		path_reason=${choice#full (}
		path_reason=${path_reason%)}
	fi
}

# Sets key and final (the build's cache directory).
plan_build() {
	local cfg_id
	img_pkg='' img_ver=''
	if [[ $path == fast ]]; then
		match_image
		cfg_id="$img_pkg=$img_ver"
	else
		[[ -f $KB_DIR/kconfig/lab.config ]] || die 2 "missing $KB_DIR/kconfig/lab.config"
		cfg_id="x86_64_defconfig+lab.config:$(sha "$KB_DIR/kconfig/lab.config")"
	fi
	key=$(kb_cache_key "$path" "$src_id" "$cfg_id" "${patches[@]}")
	final=$(kb_cache)/builds/$key
}

# shellcheck disable=SC2317 # called from the EXIT trap
# Not in a child forked for `cmd &` that a signal reaches before it execs (it runs our
# traps until then): the build goes on in this process.
cleanup_work() { [[ -z ${work:-} || $BASHPID != "$$" ]] || rm -rf "$work"; }

do_build() {
	local what
	what=$([[ $src_kind == git ]] && echo "$git_dir@${commit:0:12}" || echo "$src_id")
	if [[ $path == fast ]]; then
		fetch_headers
		check_compiler
	else
		need_full_tools
	fi
	[[ $src_kind == debian ]] && fetch_debian_source
	mkdir -p "$(kb_cache)/builds"
	work=$(mktemp -d "$(kb_cache)/builds/.tmp-$key.XXXXXX")
	trap cleanup_work EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	mkdir "$work/out"
	step "$path path: $what, ${#patches[@]} patch(es)"
	"build_$path"
	write_build_json "$work/out/build.json"
	touch "$work/out/.complete"
	# Another run may have finished the same build meanwhile: keep theirs.
	[[ -e $final/.complete ]] || { rm -rf "$final" && mv "$work/out" "$final"; }
	step "done: $final"
}

main() {
	if [[ ${1:-} == --subject ]]; then # for patch-ab.sh's report
		[[ -f ${2:-} ]] || die 2 "--subject needs a patch file"
		kb_patch_subject "$2"
		exit 0
	fi
	parse_args "$@"
	check_patches
	[[ $source == 6.1 || $source == 6.12 ]] || resolve_source # git: local checks only
	choose_path
	echo "kernel-build: $path path ($path_reason)" >&2
	check_disk "$path"
	[[ $source != 6.1 && $source != 6.12 ]] || resolve_source
	plan_build
	if ((dry_run)); then
		printf 'path %s\nkey %s\ndir %s\n' "$path" "$key" "$final"
		exit 0
	fi
	if [[ -e $final/.complete ]]; then
		step "cached: $final"
	else
		do_build
	fi
	echo "$final"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	main "$@"
fi
