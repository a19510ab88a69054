#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# SIGTERM to scripts/patch-ab.sh or scripts/kernel-ab.sh while a lab job runs leaves no
# QEMU behind, and the script exits 143. The lab is real (scripts/lab.sh builds its
# initramfs and starts "QEMU"), QEMU a stand-in (MSB_LAB_QEMU) that records its pid and
# sleeps, the kernel build a stand-in (MSB_KERNEL_BUILD): no KVM, no VM, no download.
# 77 where the lab's tools (busybox-static, cpio) or GNU parallel are missing.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/cli-lib.sh
. "$top_srcdir/tests/cli-lib.sh"
# shellcheck source=tests/ab-standins.sh
. "$top_srcdir/tests/ab-standins.sh"
export MSB_BIN=$B XDG_CACHE_HOME=$T/cache
# This build's binary for the guest PATH wherever the build is (distcheck: not in the tree)
export MSB_LAB_PATH=$top_builddir/bench

cat >"$T/qemu" <<EOF
#!/bin/sh
[ "\$1" = --version ] && { echo "QEMU emulator version 9.9.9"; exit 0; }
echo \$\$ >"$T/qemu.pid"
exec sleep 600
EOF
chmod +x "$T/qemu"
export MSB_LAB_QEMU=$T/qemu
MSB_LAB_QEMU=$T/qemu "$top_srcdir/scripts/lab.sh" --check >/dev/null 2>&1 || exit 77
command -v parallel >/dev/null || exit 77
ab_standin_build

# start_and_kill NAME COMMAND...: start it, wait for "QEMU", SIGTERM the script.
start_and_kill() {
	local name=$1 pid q i rc
	shift
	rm -f "$T/qemu.pid"
	"$@" >"$T/$name.out" 2>&1 &
	pid=$!
	for ((i = 0; i < 600; i++)); do
		[[ -s $T/qemu.pid ]] && break
		sleep 0.1
	done
	[[ -s $T/qemu.pid ]] || { bad "$name: QEMU never started: $(tail -n3 "$T/$name.out")"; kill "$pid"; return; }
	q=$(cat "$T/qemu.pid")
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	[[ $rc == 143 ]] || bad "$name: exit $rc after SIGTERM, not 143: $(tail -n3 "$T/$name.out")"
	for ((i = 0; i < 50; i++)); do
		kill -0 "$q" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$q" 2>/dev/null; then
		bad "$name: QEMU ($q) still running after the script ended"
		kill -KILL "$q"
	fi
}

MSB_KERNEL_BUILD=$T/kernel-build start_and_kill patch-ab \
	"$top_srcdir/scripts/patch-ab.sh" --patch "$D/patch/kvm-only.patch" --out "$T/pab" -j 1
start_and_kill kernel-ab "$top_srcdir/scripts/kernel-ab.sh" --out "$T/kab" "$T/bzImage" "$T/bzImage"

# GNU parallel runs each job in a process group of its own, and ignores SIGTERM until
# its jobs really start (its own comment: "Dummy until jobs really start"): a signal in
# that window reaches neither it nor the job. A stand-in parallel that ignores SIGTERM
# and runs the first job so: the script must still end the job and its QEMU.
mkdir -p "$T/bin"
cat >"$T/bin/parallel" <<'EOF'
#!/bin/bash
trap : TERM # a handler, as perl's: children get the default back
while [[ $1 == -* ]]; do
	case $1 in --colsep | --halt | -j) shift 2 ;; *) shift ;; esac
done
cmd=()
while [[ $1 != :::: ]]; do cmd+=("$1") && shift; done
read -r -a job <"$2"
for i in "${!cmd[@]}"; do
	case ${cmd[i]} in "{1}") cmd[i]=${job[0]} ;; "{2}") cmd[i]=${job[1]} ;; "{3}") cmd[i]=${job[2]} ;; esac
done
setsid "${cmd[@]}" &
job=$!
while kill -0 "$job" 2>/dev/null; do wait "$job"; done # a signal ends a wait, not this
EOF
chmod +x "$T/bin/parallel"
PATH=$T/bin:$PATH MSB_KERNEL_BUILD=$T/kernel-build start_and_kill patch-ab-deaf \
	"$top_srcdir/scripts/patch-ab.sh" --patch "$D/patch/kvm-only.patch" --out "$T/pab2" -j 1

exit "$fail"
