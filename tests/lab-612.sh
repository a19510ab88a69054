#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016 # "$1" expands in the guest's sh, on purpose
# Boot Debian 6.12 (after the patch): memslot-bench info sees that kernel, the TCG lab
# and a SLOT_ZAP_ALL quirk it can disable.
# shellcheck source=tests/lab-lib.sh
. "$(dirname "$0")/lab-lib.sh"
start=$(date +%s.%N)
lab --kernel 6.12 --out "$work" -- sh -c 'memslot-bench info > "$1/info.txt"' sh "$work"
echo "6.12 boot + info: $(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $start }") s"
cat "$work/info.txt"
expect "guest kernel is 6.12" grep -Eq '^host: .* Linux 6\.12\.' "$work/info.txt"
expect "info says QEMU TCG lab" grep -Eq '^environment: +lab: QEMU .* TCG lab' "$work/info.txt"
expect "SLOT_ZAP_ALL supported" grep -Eq '^slot_zap_all: +supported' "$work/info.txt"
expect "quirk mask names SLOT_ZAP_ALL" grep -Eq '^quirks: .*SLOT_ZAP_ALL' "$work/info.txt"
expect "shadow MMU (npt=0)" grep -Eq '^kvm mmu: +shadow .*npt=(0|N)' "$work/info.txt"
finish
