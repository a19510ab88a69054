#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016 # "$1" expands in the guest's sh, on purpose
# Boot Debian 6.1 (before the patch): no SLOT_ZAP_ALL quirk; `run delete` reports
# zap-slot unsupported and still measures zap-all; the result file names the lab.
# shellcheck source=tests/lab-lib.sh
. "$(dirname "$0")/lab-lib.sh"
lab --kernel 6.1 --out "$work" -- sh -c 'memslot-bench info > "$1/info.txt" &&
	memslot-bench run delete --guest-mem 64M --rounds 1 --reps 2 --warmup 0 --quiet \
		--force --json "$1/d.json" > "$1/run.txt"' sh "$work"
cat "$work/info.txt" "$work/run.txt"
f=$work/d.json
expect "guest kernel is 6.1" grep -Eq '^host: .* Linux 6\.1\.' "$work/info.txt"
expect "SLOT_ZAP_ALL not supported" grep -Eq '^slot_zap_all: +not supported' "$work/info.txt"
expect "zap-slot reported unsupported" grep -Eq '^delete +zap-slot .*unsupported' "$work/run.txt"
expect "zap-slot unsupported in the file" test "$("$jg" "$f" runs.1.status)" = unsupported
expect "zap-all measured" test "$("$jg" "$f" runs.0.status)" = measured
expect "zap-all zapped shadow pages" awk "BEGIN { exit !($("$jg" "$f" runs.0.metrics.mmu_shadow_zapped.summary.min) >= 32) }"
expect "file names the lab" test "$("$jg" "$f" environment.kind)" = lab
expect "file names the accel" grep -Eq '^(tcg|kvm)$' <("$jg" "$f" environment.lab.accel)
expect "file names the MMU" test "$("$jg" "$f" environment.lab.mmu)" = shadow
expect "file names the guest kernel" grep -q '^6\.1\.' <("$jg" "$f" host.release)
finish
