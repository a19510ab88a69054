# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Shared by the patch-ab/kernel-ab tests that need no real kernel (sourced after
# tests/cli-lib.sh, which sets $T): a stand-in for scripts/kernel-build.sh
# ($T/kernel-build, for MSB_KERNEL_BUILD) whose build is $T/build, an empty bzImage the
# lab boots through a stand-in QEMU, and that QEMU ($T/qemu, for MSB_LAB_QEMU).
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

# ab_standin_qemu [SHELL LINES]: $T/qemu, a QEMU that boots nothing: it finds the lab's
# run share ($share) and output directory ($out) in its arguments, runs the lines (as
# a guest would act: leave files in $out), and reports the guest's status 0.
ab_standin_qemu() {
	cat >"$T/qemu" <<EOF
#!/bin/bash
[ "\$1" = --version ] && { echo "QEMU emulator version 9.9.9"; exit 0; }
for a in "\$@"; do
	case \$a in
	*id=fsrun,path=*) share=\${a#*path=} share=\${share%%,*} ;;
	*id=fsout,path=*) out=\${a#*path=} out=\${out%%,*} ;;
	file,id=*,path=*) f=\${a#*path=} && : >>"\${f%%,*}" ;; # the console and output files
	esac
done
${1:-}
echo 0 >"\$share/status"
EOF
	chmod +x "$T/qemu"
}
