# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Shared by the patch-ab/kernel-ab tests that need no real kernel (sourced after
# tests/cli-lib.sh, which sets $T): a stand-in for scripts/kernel-build.sh
# ($T/kernel-build, for MSB_KERNEL_BUILD) whose build is $T/build, an empty bzImage the
# lab boots through a stand-in QEMU.
ab_standin_build() {
	cat >"$T/kernel-build" <<EOF
#!/bin/sh
case " \$* " in *" --dry-run "*) echo "path fast"; exit 0 ;; esac
[ "\$1" = --subject ] && { echo "KVM: a stand-in patch"; exit 0; }
echo "$T/build"
EOF
	chmod +x "$T/kernel-build"
	mkdir -p "$T/build"
	: >"$T/bzImage"
	printf '%s\n' --kernel "$T/bzImage" >"$T/build/lab-args"
	echo '{"path": "fast"}' >"$T/build/build.json"
}
