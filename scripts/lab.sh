#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lab.sh: run a command as root inside a QEMU guest that has KVM, for machines
# without a usable /dev/kvm. The host's root file system is shared read-only
# into the guest over 9p (like virtme-ng), so host binaries run unchanged;
# --out is shared writable at the same path. See --help.

set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lab-kernel.sh
. "$LAB_DIR/lab-kernel.sh"

# Bump when the initramfs layout changes, to invalidate cached images.
INITRAMFS_FORMAT=1
QEMU=${MSB_LAB_QEMU:-qemu-system-x86_64}
BUSYBOX=/bin/busybox
# Module index of the kernel being staged (build_initramfs).
declare -A MODPATH=() BUILTIN=() SEEN=()

usage() {
	cat <<'EOF'
Usage: scripts/lab.sh [OPTIONS] -- COMMAND [ARGS...]
       scripts/lab.sh --check

Boot a Debian kernel under QEMU with KVM (kvm_amd) loaded in the guest and run
COMMAND there as root, with the host's root file system shared read-only.
COMMAND's stdout/stderr come out on lab.sh's stdout/stderr; its exit status
is lab.sh's exit status.

Options:
  --kernel K     6.1 | 6.12 | linux-image-* PACKAGE | PATH to a bzImage
                 (default 6.12; 6.1/6.12 = newest Debian package of that series)
  --modules DIR  with a bzImage PATH: its lib/modules/VERSION dir, or "none"
                 when KVM and 9p are built in (default none)
  --kvm-modules DIR
                 load DIR's kvm.ko, kvm-amd.ko, kvm-intel.ko instead of the
                 kernel's own (same version: scripts/kernel-build.sh's fast path)
  --mmu M        shadow | tdp: kvm_amd npt=0 | npt=1 (default shadow)
  --cpus N       guest vCPUs (default 2)
  --mem SIZE     guest memory, QEMU syntax: 2048, 2048M, 2G (default 2G)
  --nodes N      emulated NUMA nodes; CPUs and memory split across them
                 (default 1)
  --out DIR      shared writable at the same absolute path (default: cwd)
  --timeout S    kill the guest after S seconds, exit 124 (default 600)
  --keep-log F   copy the guest console log to F
  -v, --verbose  show the guest console on stderr as it runs
  --check        exit 0 if the lab can run here, else say why and exit 3
  -h, --help     this text

Environment:
  MSB_LAB_PATH   directory of the memslot-bench to run (default: this tree's build/bench,
                 else the installed one); it and scripts/ go first on the guest's PATH
  MSB_LAB_TCG_THREAD  single (default) or multi: QEMU -accel tcg,thread=...
                 (multi raced with the guest kernel's code patching and oopsed)
  MSB_LAB_QEMU   QEMU binary (default qemu-system-x86_64)
  MSB_LAB_QEMU_CPU  override the QEMU -cpu model (for testing failure paths)
  MSB_LAB_GRACE  seconds the guest gets to stop after lab.sh is interrupted (default 60)
  MSB_*, ASAN_OPTIONS, UBSAN_OPTIONS, TERM are passed into the guest.
  In the guest: MSB_LAB=1, MSB_LAB_QEMU_VERSION, MSB_LAB_ACCEL,
  MSB_LAB_TCG_THREAD, MSB_LAB_CPU, MSB_LAB_MMU, MSB_LAB_NODES, MSB_LAB_CPUS,
  MSB_LAB_MEM, MSB_LAB_KERNEL, MSB_LAB_KERNEL_PKG. memslot-bench records them in every
  result file (environment.lab: qemu, accel, tcg_thread, cpu, mmu, nodes,
  kernel_package).

Exit status:
  COMMAND's status, or
  2    bad usage / bad option value
  3    the lab cannot run here (qemu, busybox-static, cpio or apt missing;
       QEMU refused to start)
  4    KVM not available in the guest (module failed to load)
  5    kernel package not found (apt knows no such package, series or version)
  6    kernel download refused or failed (mirror unreachable, apt-get download
       or unpacking failed)
  7    the guest kernel panicked
  8    QEMU was killed (a signal) before the guest reported a status
  124  COMMAND did not finish within --timeout
  125  the guest failed otherwise (init error, no exit status)
  130, 143, 129  interrupted (SIGINT, SIGTERM, SIGHUP). Once QEMU runs, the first
       signal is passed into the guest: COMMAND's process group gets it (memslot-bench
       then writes the samples so far, marked "complete": false), and its status
       is lab.sh's; the guest gets MSB_LAB_GRACE seconds. A second signal, or the
       grace running out, kills QEMU. No QEMU outlives lab.sh, even SIGKILLed.
  Every line lab.sh prints for these starts with "lab.sh:" or "lab-kernel.sh:".
EOF
}

# ---- options -------------------------------------------------------------------------

# shellcheck source=scripts/cli.sh
. "$LAB_DIR/cli.sh"

# shellcheck disable=SC2317 # called by cli_parse
not_an_option() { die 2 "unknown option '$1' (see --help; the command goes after --)"; }

# Sets the option globals and cmd (the words after --).
parse_args() {
	kernel=6.12 modules=none kvm_modules='' mmu=shadow cpus=2 mem=2G nodes=1 out=$PWD timeout=600
	keep_log='' verbose=0 check=0 cmd=()
	cli_parse "--kernel --modules --kvm-modules --mmu --cpus --mem --nodes --out --timeout --keep-log" \
		"-v|--verbose --check" cmd "; the command goes after --" not_an_option "$@"
}

# ---- can the lab run here? -----------------------------------------------------------

# A dynamically linked busybox cannot run in the initramfs (no libc there).
file_is_static() { ! LC_ALL=C readelf -l "$1" 2>/dev/null | grep -q 'Requesting program interpreter'; }

lab_check() {
	command -v "$QEMU" >/dev/null || die 3 "$QEMU not found (apt-get install qemu-system-x86)"
	if [[ ! -x $BUSYBOX ]] || ! file_is_static "$BUSYBOX"; then
		die 3 "static busybox not found at $BUSYBOX (apt-get install busybox-static)"
	fi
	command -v cpio >/dev/null || die 3 "cpio not found (apt-get install cpio)"
	command -v flock >/dev/null || die 3 "flock not found (apt-get install util-linux)"
}

# ---- validate ------------------------------------------------------------------------

is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }

# Sets mem_mib: --mem in MiB (QEMU's default unit).
parse_mem() {
	[[ $mem =~ ^([0-9]+)([MmGgTt]?)(i?[Bb])?$ ]] || die 2 "bad --mem '$mem' (want e.g. 2G or 2048M)"
	mem_mib=${BASH_REMATCH[1]}
	case ${BASH_REMATCH[2]} in
	[Gg]) mem_mib=$((mem_mib * 1024)) ;;
	[Tt]) mem_mib=$((mem_mib * 1024 * 1024)) ;;
	esac
	((mem_mib >= 256)) || die 2 "--mem $mem is too small (want at least 256M)"
	((mem_mib % nodes == 0)) || die 2 "--mem $mem (${mem_mib}M) does not split evenly across $nodes nodes"
}

# Checks the option values; sets mem_mib, tcg_thread, out (absolute) and cwd.
validate() {
	[[ $mmu == shadow || $mmu == tdp ]] || die 2 "bad --mmu '$mmu' (want shadow or tdp)"
	{ is_uint "$cpus" && ((cpus >= 1 && cpus <= 255)); } || die 2 "bad --cpus '$cpus' (want 1..255)"
	{ is_uint "$nodes" && ((nodes >= 1)); } || die 2 "bad --nodes '$nodes' (want a positive integer)"
	((nodes <= cpus)) || die 2 "--nodes $nodes is more than --cpus $cpus (each node needs a CPU)"
	{ is_uint "$timeout" && ((timeout >= 1)); } || die 2 "bad --timeout '$timeout' (want seconds >= 1)"
	parse_mem
	# One TCG thread for all vCPUs: with multi-threaded TCG the guest kernel's int3-based
	# code patching (static keys, flipped as KVM creates and destroys VMs) raced with the
	# other vCPU and oopsed in __schedule twice in ~2 hours of runs. MSB_LAB_TCG_THREAD=multi
	# brings MTTCG back. Result files record the mode (environment.lab.tcg_thread).
	tcg_thread=${MSB_LAB_TCG_THREAD:-single}
	[[ $tcg_thread == single || $tcg_thread == multi ]] ||
		die 2 "MSB_LAB_TCG_THREAD must be single or multi, not '$tcg_thread'"
	[[ -d $out ]] || die 2 "--out '$out' is not a directory"
	out=$(cd "$out" && pwd -P)
	[[ $out != / ]] || die 2 "--out / is not allowed (the host root is shared read-only)"
	cwd=$(pwd -P)
}

# ---- kernel --------------------------------------------------------------------------

# --kernel BZIMAGE [--modules DIR]: sets vmlinuz, moddir, kver, kernel_pkg.
resolve_kernel_path() {
	[[ -f $kernel ]] || die 2 "--kernel '$kernel': no such file"
	vmlinuz=$(cd "$(dirname "$kernel")" && pwd -P)/$(basename "$kernel")
	if [[ $modules == none ]]; then
		moddir=''
		kver=$(basename "$vmlinuz")
	else
		[[ -d $modules/kernel || -f $modules/modules.builtin ]] ||
			die 2 "--modules '$modules' does not look like lib/modules/VERSION (no kernel/ or modules.builtin)"
		moddir=$(cd "$modules" && pwd -P)
		kver=$(basename "$moddir")
	fi
	kernel_pkg=$vmlinuz
}

# --kernel 6.1|6.12|PACKAGE: fetch the Debian package (cached); same variables.
resolve_kernel_package() {
	local loc pkg pkg_ver fetched
	[[ $modules == none ]] || die 2 "--modules only goes with a bzImage PATH for --kernel"
	# lk_* exit 2/3 with their own message; keep the code.
	loc=$(lk_locate "$kernel") || exit $?
	pkg=${loc%%$'\t'*} pkg_ver=${loc#*$'\t'}
	fetched=$(lk_fetch_pkg "$pkg" "$pkg_ver") || exit $?
	IFS=$'\t' read -r _ moddir vmlinuz <<<"$fetched"
	kver=$(basename "$moddir")
	kernel_pkg="$pkg=$pkg_ver"
}

resolve_kernel() {
	if [[ $kernel == */* || -f $kernel ]]; then
		resolve_kernel_path
	else
		resolve_kernel_package
	fi
	[[ -z $kvm_modules ]] || resolve_kvm_modules
}

# --kvm-modules DIR: KVM rebuilt for this kernel (kernel-build.sh); result files
# name it beside the kernel package.
resolve_kvm_modules() {
	[[ -f $kvm_modules/kvm.ko ]] || die 2 "--kvm-modules '$kvm_modules' has no kvm.ko"
	# They depend on the kernel's other modules (irqbypass, ccp).
	[[ -n $moddir ]] || die 2 "--kvm-modules needs the kernel's modules (a Debian package, or --modules DIR)"
	kvm_modules=$(cd "$kvm_modules" && pwd -P)
	kernel_pkg+=" +kvm-modules $kvm_modules"
	# memslot-bench keeps 511 bytes of it (lib/env.h); its end names the build
	((${#kernel_pkg} <= 511)) ||
		die 2 "--kvm-modules '$kvm_modules': the kernel and module paths are too long to record (${#kernel_pkg} bytes, 511 at most)"
	# kernel-build.sh's build.json beside them (source, patches, path, config hash,
	# compiler) goes into the result files, one line.
	[[ ! -f $kvm_modules/../build.json ]] ||
		kvm_build=$(tr '\n' ' ' <"$kvm_modules/../build.json")
}

# ---- acceleration --------------------------------------------------------------------

nested_ok() {
	local p
	for p in /sys/module/kvm_amd/parameters/nested /sys/module/kvm_intel/parameters/nested; do
		[[ -r $p && $(cat "$p") =~ ^(1|Y)$ ]] && return 0
	done
	return 1
}

# Real KVM only if the host lets its guests use SVM/VMX themselves (nested);
# otherwise TCG emulating an AMD CPU with SVM, which KVM in the guest can use.
# Sets accel, accel_opt, cpu_model, kvm_mod, kvm_opts, qemu_version.
pick_accel() {
	accel=tcg cpu_model=EPYC-Rome,+svm kvm_mod=kvm_amd
	if [[ -c /dev/kvm && -w /dev/kvm ]] && nested_ok && grep -qwE 'svm|vmx' /proc/cpuinfo; then
		accel=kvm cpu_model=host
		grep -qw vmx /proc/cpuinfo && kvm_mod=kvm_intel
	fi
	# For tests of the failure path (e.g. EPYC-Rome,-svm); not a user option.
	cpu_model=${MSB_LAB_QEMU_CPU:-$cpu_model}
	accel_opt=$accel
	[[ $accel == tcg ]] && accel_opt="tcg,thread=$tcg_thread"
	if [[ $kvm_mod == kvm_amd ]]; then
		kvm_opts="npt=$([[ $mmu == tdp ]] && echo 1 || echo 0)"
	else
		kvm_opts="ept=$([[ $mmu == tdp ]] && echo 1 || echo 0)"
	fi
	qemu_version=$("$QEMU" --version | sed -n '1s/^QEMU emulator version \([^ ]*\).*/\1/p')
}

# ---- initramfs (cached per kernel + module set + init script) ------------------------

# One awk pass, not a fork per module: there are thousands.
mod_names() { awk -F/ '{ n = $NF; sub(/\.ko.*$/, "", n); gsub(/-/, "_", n); print n "\t" $0 }'; }

mod_index() {
	local n f
	[[ -n $moddir ]] || return 0
	if [[ -f $moddir/modules.builtin ]]; then
		while IFS=$'\t' read -r n f; do BUILTIN[$n]=1; done < <(mod_names <"$moddir/modules.builtin")
	fi
	while IFS=$'\t' read -r n f; do MODPATH[$n]=$f; done < <(
		find "$moddir" -name '*.ko' -o -name '*.ko.[xgz]z' -o -name '*.ko.zst' | mod_names
	)
	# --kvm-modules: these replace the kernel's own.
	[[ -z $kvm_modules ]] || while IFS=$'\t' read -r n f; do MODPATH[$n]=$f; done < <(
		find "$kvm_modules" -maxdepth 1 -name 'kvm*.ko' | mod_names
	)
}

# stage_mod NAME LIST: append NAME after its dependencies to LIST, putting
# uncompressed copies in $stage/lib/modules (busybox insmod cannot decompress).
stage_mod() {
	local name=$1 list=$2 src dst deps d
	[[ -z ${SEEN[$name]:-} ]] || return 0
	SEEN[$name]=1
	[[ -z ${BUILTIN[$name]:-} ]] || return 0
	src=${MODPATH[$name]:-}
	if [[ -z $src ]]; then
		[[ -z $moddir ]] && return 0 # --modules none: assume built in
		die 3 "kernel module $name not found in $moddir (nor in modules.builtin)"
	fi
	dst=$stage/lib/modules/$name.ko
	if [[ ! -f $dst ]]; then
		case $src in
		*.xz) xz -dc "$src" >"$dst" ;;
		*.zst) zstd -qdc "$src" >"$dst" ;;
		*.gz) gzip -dc "$src" >"$dst" ;;
		*) cp "$src" "$dst" ;;
		esac
	fi
	# Dependencies from the module's own .modinfo (packages ship no modules.dep).
	deps=$(tr '\0' '\n' <"$dst" | sed -n 's/^depends=//p' | head -n1)
	for d in ${deps//,/ }; do stage_mod "$d" "$list"; done
	echo "$name $name.ko" >>"$list"
}

# The image's cache key: format, module set, busybox and init script.
initramfs_key() {
	{
		echo "$INITRAMFS_FORMAT $moddir"
		[[ -n $moddir ]] && stat -c '%n %s %Y' "$moddir" "$moddir"/modules.* 2>/dev/null
		[[ -n $kvm_modules ]] && stat -c '%n %s %Y' "$kvm_modules"/kvm*.ko
		stat -L -c '%s %Y' "$BUSYBOX"
		cat "$LAB_DIR/lab-init.sh"
	} | sha256sum | cut -c1-16
}

# Fill $stage: busybox, /init, the base modules and one list per KVM module.
stage_initramfs() {
	local m b base
	mkdir -p "$stage"/{bin,dev,proc,sys,tmp,mods,lib/modules}
	cp "$BUSYBOX" "$stage/bin/busybox"
	ln -s busybox "$stage/bin/sh"
	install -m 755 "$LAB_DIR/lab-init.sh" "$stage/init"
	mod_index
	for m in virtio_pci virtio_console 9pnet_virtio 9p; do stage_mod "$m" "$stage/mods/base.list"; done
	touch "$stage/mods/base.list"
	base=("${!SEEN[@]}")
	for m in kvm_amd kvm_intel; do
		SEEN=()
		for b in "${base[@]}"; do SEEN[$b]=1; done
		stage_mod "$m" "$stage/mods/$m.list"
	done
}

# Print the path of the (cached) initramfs for this kernel.
build_initramfs() {
	local cache_root img
	cache_root=$(lk_cache_root)
	img=$cache_root/initramfs/$kver-$(initramfs_key).cpio
	if [[ ! -f $img ]]; then
		mkdir -p "$cache_root/initramfs"
		stage=$(mktemp -d "$cache_root/initramfs/.stage.XXXXXX")
		stage_initramfs
		(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >"$stage.cpio"
		mv "$stage.cpio" "$img"
		rm -rf "$stage"
	fi
	echo "$img"
}

# ---- per-run files -------------------------------------------------------------------

# A child forked for `cmd &` runs lab.sh's traps until it execs: the timer killed in
# that window (a QEMU that exits at once) ran this cleanup and removed the live run's
# directory (CI: "line 564: .../console: No such file or directory"). Only lab.sh
# itself cleans up or passes a signal on.
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
	local p
	[[ $BASHPID == "$$" ]] || return 0
	set +e # must not change the exit status being reported
	[[ -n $qemu_pid ]] && kill -KILL "$qemu_pid" 2>/dev/null
	[[ -n $watch_pid ]] && kill "$watch_pid" 2>/dev/null
	for p in "${reader_pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}

# Sets tmp (this run's directory, removed on exit) and share (9p tag msbrun;
# /run/memslot-bench in the guest).
make_run_dir() {
	local d p
	# Sweep run dirs of lab.sh runs that were SIGKILLed (no trap ran). A run holds a
	# lock on its pid file while it and QEMU live, so a free lock means a dead run.
	# kill -0 on the pid alone was wrong twice: a live run in another PID namespace
	# looked dead, and so did one whose pid file was not written yet. It still
	# guards the runs of an older lab.sh, which lock nothing.
	for d in "${TMPDIR:-/tmp}"/msb-lab.*; do
		[[ -d $d && -O $d ]] || continue
		if [[ -f $d/pid ]]; then
			# 9< opens without creating: a run removing its own directory stays gone
			{ flock -n 9 && read -r p <&9 && ! kill -0 "$p"; } 9<"$d/pid" 2>/dev/null || continue
		else
			# killed between mktemp and its pid file
			[[ -n $(find "$d" -maxdepth 0 -mmin +1) ]] || continue
		fi
		rm -rf "$d" 2>/dev/null || true
	done
	qemu_pid='' watch_pid='' reader_pids=() interrupted=''
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/msb-lab.XXXXXX")
	trap cleanup EXIT
	# Locked before it is named pid, so no sweep ever sees it unlocked.
	exec {run_lock_fd}>"$tmp/pid.new"
	flock -n "$run_lock_fd" || die 3 "cannot lock $tmp/pid.new"
	echo $$ >&"$run_lock_fd"
	mv "$tmp/pid.new" "$tmp/pid"
	share=$tmp/share
	mkdir "$share"
	trap 'on_signal 130 INT' INT
	trap 'on_signal 143 TERM' TERM
	trap 'on_signal 129 HUP' HUP
}

# ---- interruption --------------------------------------------------------------------

# A timer that dies with lab.sh even if lab.sh is SIGKILLed.
start_timer() { # SECONDS; sets watch_pid
	local -a pdeath=()
	command -v setpriv >/dev/null && pdeath=(setpriv --pdeathsig KILL)
	"${pdeath[@]}" sleep "$1" {run_lock_fd}>&- &
	watch_pid=$!
}

# SIGINT/SIGTERM/SIGHUP while QEMU runs: the first goes into the guest (lab-init.sh
# signals the command's process group, which keeps what it has), which gets
# MSB_LAB_GRACE seconds; before QEMU runs, or at the second signal: exit now (the EXIT
# trap kills QEMU).
# shellcheck disable=SC2317 # called from the traps
on_signal() { # CODE NAME
	[[ $BASHPID == "$$" && -z $interrupted && -n $qemu_pid ]] || exit "$1"
	interrupted=$1
	echo "$2" >"$share/interrupt"
	echo "lab.sh: SIG$2: passed into the guest, waiting up to ${MSB_LAB_GRACE:-60} s for it" \
		"to stop (again to kill it now)" >&2
	[[ -z $watch_pid ]] || kill "$watch_pid" 2>/dev/null || true
	start_timer "${MSB_LAB_GRACE:-60}"
}

# The timer ran out: --timeout, or the grace after an interruption.
guest_overdue() {
	kill -KILL "$qemu_pid" 2>/dev/null || true
	wait "$qemu_pid" 2>/dev/null || true
	qemu_pid='' watch_pid=''
	[[ -z $interrupted ]] || die "$interrupted" "the guest did not stop within ${MSB_LAB_GRACE:-60} s of the interruption (QEMU killed)"
	die 124 "guest did not finish within $timeout s (killed)"
}

# QEMU ended without the guest's status: killed by a signal (its exit status, or its
# own "terminating on signal" when it caught SIGTERM/SIGINT/SIGHUP)?
qemu_killed_why() {
	local how
	if ((qemu_rc > 128)); then
		echo "by SIG$(kill -l $((qemu_rc - 128)) 2>/dev/null || echo $((qemu_rc - 128)))"
		return 0
	fi
	how=$(grep -m1 -o 'terminating on signal [0-9]*.*' "$tmp/qemu.err" 2>/dev/null) || return 1
	echo "(${how%$'\r'})"
}

# Single-quote for sh.
q() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# lab.conf: what the guest's /init needs (lab-init.sh sources it).
write_lab_conf() {
	{
		echo "LAB_KVM_MOD=$(q "$kvm_mod")"
		echo "LAB_KVM_OPTS=$(q "$kvm_opts")"
		echo "LAB_OUT=$(q "$out")"
		echo "LAB_CWD=$(q "$cwd")"
		echo "LAB_HOSTNAME=$(q "$(hostname -s 2>/dev/null || echo host)-lab")"
	} >"$share/lab.conf"
}

# cmd.sh: the guest's environment (memslot-bench records the MSB_LAB_* facts
# in its result files), then exec COMMAND in the host's cwd.
# This build's memslot-bench first on the guest's PATH: MSB_LAB_PATH if set, else the
# tree's build/bench (or the MSB_BUILD_DIR's), else the installed one beside this script.
guest_bin_path() {
	local d
	for d in "${MSB_LAB_PATH:-}" "${MSB_BUILD_DIR:+$MSB_BUILD_DIR/bench}" \
		"$LAB_DIR/../build/bench" "$LAB_DIR/../../../bin"; do
		[[ -n $d && -x $d/memslot-bench ]] && { (cd "$d" && pwd); return; }
	done
	[[ -n ${MSB_LAB_PATH:-} ]] && echo "$MSB_LAB_PATH"
}

write_guest_cmd() { # COMMAND [ARGS...]
	local v a bin
	bin=$(guest_bin_path)
	echo "umask 022"
	echo "export PATH=$(q "${bin:+$bin:}$LAB_DIR:/usr/sbin:/usr/bin:/sbin:/bin")"
	echo "export HOME=/tmp"
	# Host variables the guest program cares about.
	while IFS= read -r v; do
		[[ $v =~ ^(MSB_[A-Za-z0-9_]*|ASAN_OPTIONS|UBSAN_OPTIONS|TERM)$ ]] || continue
		echo "export $v=$(q "${!v}")"
	done < <(compgen -e)
	echo "export MSB_LAB=1"
	echo "export MSB_LAB_QEMU_VERSION=$(q "$qemu_version")"
	echo "export MSB_LAB_ACCEL=$(q "$accel")"
	echo "export MSB_LAB_TCG_THREAD=$(q "$tcg_thread")"
	echo "export MSB_LAB_CPU=$(q "$cpu_model")"
	echo "export MSB_LAB_MMU=$(q "$mmu")"
	echo "export MSB_LAB_NODES=$(q "$nodes")"
	echo "export MSB_LAB_CPUS=$(q "$cpus")"
	echo "export MSB_LAB_MEM=$(q "$mem")"
	echo "export MSB_LAB_KERNEL=$(q "$kver")"
	echo "export MSB_LAB_KERNEL_PKG=$(q "$kernel_pkg")"
	echo "export MSB_LAB_KVM_BUILD=$(q "${kvm_build:-}")"
	echo "cd $(q "$cwd") || exit 126"
	printf 'exec'
	for a in "$@"; do printf ' %s' "$(q "$a")"; done
	echo
}

# ---- QEMU ----------------------------------------------------------------------------

# QEMU -object/-numa options, one per line, for --nodes > 1.
numa_args() {
	local per c=0 n k
	((nodes > 1)) || return 0
	per=$((mem_mib / nodes))
	for ((n = 0; n < nodes; n++)); do
		# Spread CPUs as evenly as possible, contiguous per node.
		k=$((cpus / nodes + (n < cpus % nodes ? 1 : 0)))
		printf '%s\n' -object "memory-backend-ram,id=m$n,size=${per}M" \
			-numa "node,nodeid=$n,cpus=$c-$((c + k - 1)),memdev=m$n"
		c=$((c + k))
	done
}

share9p() { # ID PATH TAG [ro]
	# QEMU option values escape a comma by doubling it.
	printf '%s\n' -fsdev "local,id=$1,path=${2//,/,,},security_model=none,multidevs=remap${4:+,readonly=on}" \
		-device "virtio-9p-pci,fsdev=$1,mount_tag=$3"
}

# The command's stdout/stderr travel over virtio-serial ports (binary clean, far
# faster than a UART under TCG); they and the console go to FIFOs drained by
# cat/tee here, so lab.sh's own stdout/stderr can be anything (pipe, file,
# socket, tty).
# They do not hold the run's lock (only lab.sh and QEMU do): a reader blocked opening
# a FIFO that QEMU never opened must not keep a dead run's directory from the sweep.
start_readers() {
	mkfifo "$tmp/console" "$tmp/stdout" "$tmp/stderr"
	if [[ $verbose == 1 ]]; then
		tee "$tmp/console.log" <"$tmp/console" >&2 {run_lock_fd}>&- &
	else
		cat <"$tmp/console" >"$tmp/console.log" {run_lock_fd}>&- &
	fi
	reader_pids+=($!)
	cat <"$tmp/stdout" {run_lock_fd}>&- &
	reader_pids+=($!)
	cat <"$tmp/stderr" >&2 {run_lock_fd}>&- &
	reader_pids+=($!)
}

# Start QEMU in the background (sets qemu_pid) and the timer (sets watch_pid).
start_qemu() {
	local -a numa fs_args pdeath=()
	local klog note
	mapfile -t numa < <(numa_args)
	mapfile -t fs_args < <(
		share9p fsroot / hostroot ro
		share9p fsout "$out" msbout
		share9p fsrun "$share" msbrun
		share9p fstmp /tmp msbtmp
	)
	note=$([[ $accel == tcg ]] && echo "emulated $cpu_model, $tcg_thread-threaded" || echo "host CPU, nested")
	echo "lab: kernel $kver, accel $accel ($note), mmu $mmu, $cpus cpus, $mem, $nodes node(s)" >&2
	# Quiet unless -v: every console line costs boot time under TCG.
	klog="quiet loglevel=3"
	[[ $verbose == 0 ]] || klog="loglevel=7"
	# setpriv --pdeathsig: QEMU dies with lab.sh even if lab.sh is SIGKILLed.
	command -v setpriv >/dev/null && pdeath=(setpriv --pdeathsig KILL)
	"${pdeath[@]}" "$QEMU" -nodefaults -no-user-config -display none -vga none -monitor none \
		-no-reboot -machine pc -accel "$accel_opt" -cpu "$cpu_model" -smp "$cpus" -m "${mem_mib}M" \
		"${numa[@]}" \
		-kernel "$vmlinuz" -initrd "$initramfs" \
		-append "console=ttyS0 $klog panic=-1" \
		-chardev "file,id=con,path=${tmp//,/,,}/console,append=on" -serial chardev:con \
		-chardev "file,id=out,path=${tmp//,/,,}/stdout,append=on" \
		-chardev "file,id=err,path=${tmp//,/,,}/stderr,append=on" \
		-device virtio-serial-pci,id=vser \
		-device virtserialport,bus=vser.0,chardev=out,name=msb.stdout \
		-device virtserialport,bus=vser.0,chardev=err,name=msb.stderr \
		"${fs_args[@]}" \
		</dev/null 2>"$tmp/qemu.err" &
	qemu_pid=$!
	# A sleeper as the timer: `wait -n` returns when QEMU or the timer ends, and a
	# signal to lab.sh interrupts it at once (on_signal, then wait again).
	start_timer "$timeout"
}

# Wait for QEMU (sets qemu_rc) or the timer (exit 124), then drain the readers.
wait_guest() {
	local done_pid f p rc
	qemu_rc=0
	while :; do
		done_pid='' rc=0
		wait -n -p done_pid "$qemu_pid" "$watch_pid" || rc=$?
		# none (unset): a signal interrupted the wait, and its trap (on_signal) ran
		[[ -z ${done_pid:-} ]] && continue
		[[ $done_pid == "$qemu_pid" ]] && { qemu_rc=$rc; break; }
		guest_overdue
	done
	kill "$watch_pid" 2>/dev/null || true
	wait "$watch_pid" 2>/dev/null || true
	watch_pid=''
	qemu_pid=''
	# Release readers still blocked opening a FIFO QEMU never opened (it failed
	# early): an O_RDWR open never blocks, and closing it gives them EOF.
	for f in console stdout stderr; do : <>"$tmp/$f"; done
	# Let the readers drain what QEMU wrote before it exited.
	for p in "${reader_pids[@]}"; do wait "$p" 2>/dev/null || true; done
	reader_pids=()
}

# ---- outcome -------------------------------------------------------------------------

fail_tail() { # show the end of the console log, unless it was shown live
	[[ $verbose == 1 ]] && return 0
	echo "lab.sh: last guest console lines:" >&2
	tail -n 15 "$tmp/console.log" | sed 's/^/  /' >&2
}

# Exit with COMMAND's status, or with the code (3, 4, 7, 8, 125) saying why there is none.
map_status() {
	local panic status how
	[[ -z $keep_log ]] || cp "$tmp/console.log" "$keep_log"
	if [[ -f $share/status ]]; then
		status=$(cat "$share/status")
		# interrupted: the command's own code (130...), or ours if it ended 0 anyway
		[[ -n $interrupted && $status == 0 ]] && exit "$interrupted"
		exit "$status"
	fi
	if how=$(qemu_killed_why); then
		die 8 "QEMU was killed $how before the guest reported a status"
	fi
	if ((qemu_rc != 0)); then
		sed 's/^/  /' "$tmp/qemu.err" >&2
		die 3 "$QEMU failed (exit $qemu_rc)"
	fi
	if [[ -f $share/kvm-failed ]]; then
		die 4 "KVM not available in the guest after boot ($kvm_mod failed to load: $(head -c 300 "$share/kvm-failed"))"
	fi
	if [[ -f $share/init-failed ]]; then
		fail_tail
		die 125 "guest init failed: $(head -c 300 "$share/init-failed")"
	fi
	panic=$(grep -a -m1 'Kernel panic' "$tmp/console.log" | tr -d '\r' || true)
	if [[ -n $panic ]]; then
		fail_tail
		die 7 "guest kernel panicked: ${panic#*] }"
	fi
	fail_tail
	die 125 "guest stopped without reporting an exit status"
}

main() {
	parse_args "$@"
	lab_check
	if [[ $check == 1 ]]; then
		echo "lab.sh: lab can run here ($QEMU, $BUSYBOX)"
		exit 0
	fi
	[[ ${#cmd[@]} -gt 0 ]] || die 2 "no command given (usage: lab.sh [OPTIONS] -- COMMAND [ARGS...])"
	validate
	resolve_kernel
	pick_accel
	initramfs=$(build_initramfs)
	make_run_dir
	write_lab_conf
	write_guest_cmd "${cmd[@]}" >"$share/cmd.sh"
	start_readers
	start_qemu
	wait_guest
	map_status
}

main "$@"
