#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A stand-in for qemu-system-x86_64 (MSB_LAB_QEMU) for lab.sh's failure and
# interruption tests: no VM, no boot. It records its pid in $FAKE_QEMU_PID, then
#   FAKE_QEMU_MODE=sleep  (default) sleeps, as a guest that never finishes or ignores
#                         an interruption;
#   FAKE_QEMU_MODE=guest  behaves as lab-init.sh's guest would: writes first.txt to the
#                         --out share, and once lab.sh writes the run share's
#                         "interrupt" (INT, TERM) writes partial.txt there and the
#                         status 128 + the signal, and powers off (exits 0);
#   FAKE_QEMU_MODE=panic  writes a kernel panic to the console and exits 0, as QEMU
#                         -no-reboot does after the guest's panic=-1 reboot.
[[ ${1:-} == --version ]] && { echo "QEMU emulator version 9.9.9 (lab-fail stand-in)"; exit 0; }
# Open the console and output FIFOs as QEMU's file chardevs do, so lab.sh's readers run.
console=''
for a in "$@"; do
	[[ $a =~ ^file,id=([a-z]+),path=([^,]*), ]] || continue
	exec {fd}>>"${BASH_REMATCH[2]}"
	[[ ${BASH_REMATCH[1]} == con ]] && console=$fd
done
echo $$ >"${FAKE_QEMU_PID:?}"
if [[ ${FAKE_QEMU_MODE:-sleep} == panic ]]; then
	printf '[    2.345678] Kernel panic - not syncing: sysrq triggered crash\r\n' >&"${console:?}"
	exit 0
fi
[[ ${FAKE_QEMU_MODE:-sleep} == guest ]] || exec sleep 600
share='' out=''
for a in "$@"; do
	[[ $a =~ ^local,id=fs(run|out),path=([^,]*), ]] || continue
	if [[ ${BASH_REMATCH[1]} == run ]]; then share=${BASH_REMATCH[2]}; else out=${BASH_REMATCH[2]}; fi
done
[[ -n $share && -n $out ]] || { echo "lab-fail-qemu: no msbrun/msbout share in $*" >&2; exit 1; }
echo "written before the interruption" >"$out/first.txt"
for ((i = 0; i < 6000; i++)); do
	if [[ -f $share/interrupt ]]; then
		sig=$(cat "$share/interrupt")
		echo "written after SIG$sig" >"$out/partial.txt"
		echo $((128 + $(kill -l "$sig"))) >"$share/status"
		exit 0
	fi
	sleep 0.1
done
exit 1
