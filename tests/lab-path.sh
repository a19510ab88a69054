#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016 # "$1" expands in the guest's sh, on purpose
# A developer's own build: boot by path (--kernel BZIMAGE --modules DIR), here on the
# vmlinuz and modules of the extracted 6.12 package.
# shellcheck source=tests/lab-lib.sh
. "$(dirname "$0")/lab-lib.sh"
mapfile -t kp < <("$top_srcdir/scripts/lab-kernel.sh" path 6.12)
[[ ${#kp[@]} == 2 && -f ${kp[0]} && -d ${kp[1]} ]] || { echo "FAIL: lab-kernel.sh path 6.12 gave: ${kp[*]}"; exit 1; }
lab --kernel "${kp[0]}" --modules "${kp[1]}" --out "$work" -- \
	sh -c 'uname -r > "$1/release"; test -c /dev/kvm && memslot-bench info > "$1/info.txt"' sh "$work"
expect "kernel release matches the modules dir" test "$(cat "$work/release")" = "$(basename "${kp[1]}")"
expect "KVM works in the path-booted kernel" grep -Eq '^kvm api: +12' "$work/info.txt"
finish
