#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run a KVM test program natively where /dev/kvm works, else inside the QEMU lab
# (scripts/lab.sh, Debian 6.12, shadow MMU). Exit 77 (skip) only where neither can run.
#   tests/kvm-run.sh PROGRAM [ARGS...]
# MSB_LAB=1 forces the lab; MSB_LAB_KERNEL / MSB_LAB_MMU pick the lab kernel and MMU.
set -euo pipefail
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}

if [[ ${MSB_LAB:-0} != 1 && -r /dev/kvm && -w /dev/kvm ]]; then
	echo "kvm-run: native /dev/kvm"
	exec "$@"
fi

why=$([[ -e /dev/kvm ]] && echo "/dev/kvm not usable by $(id -un)" || echo "no /dev/kvm")
[[ ${MSB_LAB:-0} == 1 ]] && why="MSB_LAB=1"
if ! check=$("$top_srcdir/scripts/lab.sh" --check 2>&1); then
	echo "SKIP: $why and the QEMU lab cannot run here: $check"
	exit 77
fi
kernel=${MSB_LAB_KERNEL:-6.12}
echo "kvm-run: $why; running in the QEMU lab (kernel $kernel, mmu ${MSB_LAB_MMU:-shadow})"
export MSB_LAB_PATH="$top_builddir/bench${MSB_LAB_PATH:+:$MSB_LAB_PATH}"
# shellcheck source=tests/lab-retry.sh
. "$top_srcdir/tests/lab-retry.sh"
rc=0
# shellcheck disable=SC2086 # MSB_LAB_ARGS holds several options
lab_retry --kernel "$kernel" --mmu "${MSB_LAB_MMU:-shadow}" ${MSB_LAB_ARGS:-} -- \
	env top_srcdir="$top_srcdir" top_builddir="$top_builddir" "$@" || rc=$?
# 3: the lab cannot run here; 5, 6: its kernel package not found or not downloadable
if [[ $rc == 3 || $rc == 5 || $rc == 6 ]]; then
	echo "SKIP: $why and the lab could not start (see above)"
	exit 77
fi
exit "$rc"
