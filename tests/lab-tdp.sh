#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016 # "$1" expands in the guest's sh, on purpose
# The TDP MMU (kvm_amd npt=1, Debian 6.12 in the lab), where every production host runs:
# the shadow-page counters do not exist there, so they must be absent (n/a), never 0;
# the SPTE gauges show the mechanism: zap-all drops (nearly) every SPTE, zap-slot of an
# unrelated slot none.
# shellcheck source=tests/lab-lib.sh
. "$(dirname "$0")/lab-lib.sh"
f=$work/tdp.json
lab --kernel 6.12 --mmu tdp --mem 1G --out "$work" -- sh -c \
	'memslot-bench run delete --guest-mem 64M --reps 2 --warmup 1 --rounds 1 --quiet --json "$1" > "$1.txt"' \
	sh "$f"
cat "$f.txt"
val() { "$jg" "$f" "runs.$1.metrics.$2.summary.$3"; }
expect "summary line says mmu=tdp" grep -q ' mmu=tdp ' "$f.txt"
expect "no shadow-page figure under the TDP MMU (n/a)" grep -q 'mmu_shadow_zapped=n/a' "$f.txt"
expect "no shadow_pages_before metric in the file" \
	test -z "$("$jg" "$f" runs.0.metrics.shadow_pages_before 2>/dev/null)"
expect "the run's scale is the SPTEs present" test "$("$jg" "$f" runs.0.scale)" = sptes_before
expect "zap-all drops >= 90% of the SPTEs" \
	awk "BEGIN { exit !($(val 0 sptes_zapped min) >= 0.9 * $(val 0 sptes_before max) &&
		$(val 0 sptes_before min) >= 16384) }"
expect "zap-slot of an unrelated slot drops none" awk "BEGIN { exit !($(val 1 sptes_zapped max) == 0) }"
expect "zap-all frees TDP page tables (SecPageTables drops), zap-slot none" \
	awk "BEGIN { exit !($(val 0 pt_pages_zapped max) > 0 && $(val 1 pt_pages_zapped max) == 0) }"
echo "TDP page-table pages: before $(val 0 pt_pages_before median), zapped by zap-all $(val 0 pt_pages_zapped median), by zap-slot $(val 1 pt_pages_zapped median)"
finish
