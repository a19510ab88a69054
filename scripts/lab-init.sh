#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lab-init.sh: /init of the lab initramfs built by lab.sh. Runs under busybox
# ash in the guest (so plain POSIX sh, not bash). It loads virtio/9p and KVM
# modules, mounts the host's root read-only over 9p, then runs the command
# that lab.sh wrote to the per-run share (/ctl here, /run/memslot-bench in the
# command's view) and records its exit status there for lab.sh to pick up.
# Anything going wrong ends in a marker file (when /ctl is up) and poweroff:
# an init that exits would panic the kernel and hide the reason.

usage() {
	cat <<'EOF'
Usage: none: this is the /init of the lab's initramfs; scripts/lab.sh builds
the initramfs, boots it and reads the outcome. Run by hand (not as PID 1) it
only answers --help.

In the guest it loads virtio/9p and KVM (LAB_KVM_MOD with LAB_KVM_OPTS from
lab.conf), mounts the host root read-only, runs /run/memslot-bench/cmd.sh
(in its own session; the signal named in /run/memslot-bench/interrupt, written when
lab.sh is interrupted, goes to its process group) and powers off, leaving in the run
share one of:
  status       the command's exit status
  kvm-failed   why KVM did not come up (lab.sh exits 4)
  init-failed  why the guest could not run the command (lab.sh exits 125)

Exit status (not as PID 1): 0 for --help, 2 otherwise. As /init it never
exits: it powers the guest off.
EOF
}

if [ "$$" != 1 ]; then
	case ${1:-} in
	-h | --help)
		usage
		exit 0
		;;
	esac
	echo "lab-init.sh: not a command: the lab guest's /init (scripts/lab.sh runs it; see --help)" >&2
	exit 2
fi

/bin/busybox --install -s /bin
export PATH=/bin
umask 022

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

CTL_UP=0

halt() {
	sync
	poweroff -f
	sleep 10 # poweroff -f returns only if it failed; do not let init exit
}

# fail MARKER MESSAGE: tell lab.sh (marker in /ctl, line on the console).
fail() {
	echo "lab-init: $2" >/dev/console
	if [ "$CTL_UP" = 1 ]; then
		printf '%s\n' "$2" >"/ctl/$1"
	fi
	halt
}

# Kernel's own words on why KVM is missing (e.g. "kvm_amd: SVM not supported").
kvm_reason() {
	dmesg | sed 's/^\[[ 0-9.]*\] //' | grep -iE 'kvm|svm|vmx|ccp|sev|npt' | uniq | tail -n 2 |
		tr '\n' ';' | sed 's/;$//'
}

# load_list FILE MARKER [MODNAME OPTS]: insmod "name file" lines in order; OPTS
# go to the module called MODNAME (e.g. kvm_amd npt=0); failure -> MARKER.
load_list() {
	[ -f "$1" ] || return 0
	while read -r name file; do
		opts=
		[ "$name" = "${3:-}" ] && opts=${4:-}
		# shellcheck disable=SC2086 # opts is a word list on purpose
		if ! insmod "/lib/modules/$file" $opts 2>/tmp/insmod.err; then
			why="insmod $name $opts: $(cat /tmp/insmod.err)"
			[ "$2" = kvm-failed ] && why="$why; $(kvm_reason)"
			fail "$2" "$why"
		fi
	done <"$1"
}

load_list /mods/base.list init-failed

mkdir -p /ctl /newroot
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 msbrun /ctl ||
	fail init-failed "cannot mount the run share (9p)"
CTL_UP=1
# lab.conf sets LAB_KVM_MOD, LAB_KVM_OPTS, LAB_OUT, LAB_CWD.
# shellcheck disable=SC1091 # written by lab.sh at run time
. /ctl/lab.conf

load_list "/mods/$LAB_KVM_MOD.list" kvm-failed "$LAB_KVM_MOD" "$LAB_KVM_OPTS"
if [ ! -c /dev/kvm ]; then
	reason=$(kvm_reason)
	fail kvm-failed "${reason:-no /dev/kvm after loading $LAB_KVM_MOD}"
fi

# cache=loose: the host root is read-only for us and not expected to change
# during a run, so caching metadata makes exec and path lookups much cheaper.
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=loose,ro hostroot /newroot ||
	fail init-failed "cannot mount the host root (9p)"

R=/newroot
# Results name the host they ran on: the lab is "<host>-lab".
hostname "${LAB_HOSTNAME:-lab}" 2>/dev/null
mount -t proc proc $R/proc
mount -t sysfs sysfs $R/sys
mount -t devtmpfs devtmpfs $R/dev
mkdir -p $R/dev/pts $R/dev/shm 2>/dev/null
mount -t devpts devpts $R/dev/pts 2>/dev/null
mount -t tmpfs tmpfs $R/dev/shm
mount -t tracefs tracefs $R/sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs $R/sys/kernel/debug 2>/dev/null

# The host's /tmp, writable: build trees and clones often live there (CI), and a
# test may hand the guest any path under it.
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 msbtmp $R/tmp ||
	fail init-failed "cannot mount the host's /tmp (9p)"
# tmpfs over /run hides the host's; if the command's cwd lives there, carry the
# read-only view of it across.
under() {
	case "$1/" in "$2"/*) return 0 ;; esac
	return 1
}
hold=
if under "$LAB_CWD" /run && ! under "$LAB_CWD" "$LAB_OUT"; then
	hold=/hold/run
	mkdir -p "$hold"
	mount -o bind "$R$LAB_CWD" "$hold" || hold=
fi
mount -t tmpfs -o mode=1777 tmpfs "$R/run"
if [ -n "$hold" ]; then
	mkdir -p "$R$LAB_CWD"
	mount -o move "$hold" "$R$LAB_CWD"
fi
mkdir -p $R/run/memslot-bench
mount -o bind /ctl $R/run/memslot-bench

if [ -n "$LAB_OUT" ]; then
	mkdir -p "$R$LAB_OUT" 2>/dev/null
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 msbout "$R$LAB_OUT" ||
		fail init-failed "cannot mount the --out share at $LAB_OUT"
fi

# The command's stdout/stderr: virtio-serial ports named by lab.sh.
outdev="" errdev=""
for p in /sys/class/virtio-ports/*; do
	[ -f "$p/name" ] || continue
	case $(cat "$p/name") in
	msb.stdout) outdev=/dev/${p##*/} ;;
	msb.stderr) errdev=/dev/${p##*/} ;;
	esac
done
{ [ -c "$outdev" ] && [ -c "$errdev" ]; } || fail init-failed "virtio-serial ports msb.stdout/msb.stderr not found"

# A clean environment; cmd.sh (written by lab.sh) exports the lab's variables,
# changes to the host's cwd and execs the command with the host's /bin/sh. In its own
# session (setsid), so that an interruption of lab.sh reaches its process group, and
# with SIGINT and SIGQUIT back to their default (a background job starts with them
# ignored, and a program cannot take an ignored signal back): coreutils env does it.
dflt=
chroot $R /usr/bin/env --default-signal=INT true 2>/dev/null && dflt="/usr/bin/env --default-signal=INT,QUIT"
# shellcheck disable=SC2086 # dflt is a command and its option, or nothing
setsid env -i chroot $R $dflt /bin/sh /run/memslot-bench/cmd.sh </dev/null >"$R$outdev" 2>"$R$errdev" &
cmd_pid=$!
# lab.sh interrupted: it writes the signal's name (INT, TERM, HUP) to /ctl/interrupt.
(
	while sleep 2; do
		[ -f /ctl/interrupt ] || continue
		sig=$(cat /ctl/interrupt)
		echo "lab-init: SIG$sig from lab.sh, passed to the command" >/dev/console
		kill "-$sig" "-$cmd_pid" 2>/dev/null || kill "-$sig" "$cmd_pid"
		exit 0
	done
) &
watch_pid=$!
wait "$cmd_pid"
echo $? >/ctl/status.tmp
kill "$watch_pid" 2>/dev/null
mv /ctl/status.tmp /ctl/status
halt
