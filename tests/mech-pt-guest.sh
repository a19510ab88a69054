#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the KVM environment; see mech-pt.sh.
# shellcheck source=tests/mech-lib.sh
. "$(dirname "$0")/mech-lib.sh"

# delete_run FILE PLACEMENT ARGS...: zap-slot deletes the last data slot, 3 samples.
delete_run() {
	local f=$1 placement=$2
	shift 2
	"$msb" run delete --target populated --variants zap-slot --pt-placement "$placement" \
		--rounds 1 --reps 3 --warmup 1 --quiet --json "$f" "$@" >/dev/null
}

# walked_tables SLOT_MIB 4K|2M: the guest page tables that map only the slot (slots
# aligned to their size here): a page table per 2 MiB with 4K pages, a page directory
# per 1 GiB. Their pages (4K each) fill the slot's start, rounded up to 2 MiB, which the
# guest never touches: the page tables that map only that area are never walked, so
# KVM never shadows them. The expectation comes from the layout, not from the code.
walked_tables() {
	awk -v slot="$1" -v page="$2" 'BEGIN {
		pts = page == "4K" ? slot / 2 : 0; pds = int(slot / 1024)
		area = 2 * int(((pts + pds) * 4 / 1024 + 2 - 1e-9) / 2)
		print pts - (page == "4K" ? area / 2 : 0) + pds }'
}

f=$work/slot0.json
delete_run "$f" slot0 --guest-mem 64M --slots 2
if [[ $("$jg" "$f" runs.0.status) == unsupported ]]; then
	echo "zap-slot unsupported here: $("$jg" "$f" runs.0.reason)"
	assert "$(uname -r | awk -F. '{ print ($1 * 100 + $2 < 612) }') == 1" \
		"zap-slot unsupported only before 6.12"
	finish
	exit 0
fi
[[ $("$jg" "$f" runs.0.params.pt_placement) == slot0 ]] || { echo "FAIL: pt_placement not recorded"; exit 1; }
if [[ $("$jg" "$f" kvm_env.mmu) == tdp* ]]; then
	echo "TDP MMU: no guest page table is shadowed, nothing to check"
	finish
	exit 0
fi
assert "$(val "$f" 0 pt_pages_zapped max) == 0" \
	"slot0: zap-slot of a populated slot zaps no shadow page (the guest's tables are in slot 0)"

# 4K pages: 2 slots of 32M, so the target holds 16 guest page tables (one per 2M).
f=$work/spread.json
want=$(walked_tables 32 4K)
delete_run "$f" spread --guest-mem 64M --slots 2
[[ $("$jg" "$f" runs.0.params.pt_placement) == spread ]] || { echo "FAIL: spread not recorded"; exit 1; }
assert "$(val "$f" 0 pt_pages_zapped min) == $want && $(val "$f" 0 pt_pages_zapped max) == $want" \
	"spread, 4K pages: zap-slot zaps the $want walked guest page tables of the slot ($(val "$f" 0 pt_pages_zapped max))"
drop=$(awk "BEGIN { print $(val "$f" 0 pages_4k_before min) - $(val "$f" 0 pages_4k_after max) }")
assert "$drop >= 32 * 256 - 512 && $drop < 64 * 256" "spread: the slot's own SPTEs go, the rest stay ($drop)"

# 2M pages: 2 slots of 1G, 1G aligned, so the target holds one guest page directory.
f=$work/spread-2m.json
want=$(walked_tables 1024 2M)
delete_run "$f" spread --guest-mem 2G --slots 2 --page-size 2M --backing anon --touch-stride 2M
assert "$(val "$f" 0 pt_pages_zapped min) == $want && $(val "$f" 0 pt_pages_zapped max) == $want" \
	"spread, 2M pages: zap-slot zaps the slot's $want guest page directory ($(val "$f" 0 pt_pages_zapped max))"

# 4K pages, 2 slots of 1G: the target holds 512 page tables and their page directory
# (4M of tables); touching one address per 2M walks every table.
f=$work/spread-1g.json
want=$(walked_tables 1024 4K)
delete_run "$f" spread --guest-mem 2G --slots 2 --backing anon --touch-stride 2M
assert "$(val "$f" 0 pt_pages_zapped min) == $want && $(val "$f" 0 pt_pages_zapped max) == $want" \
	"spread, 1G slot of 4K pages: zap-slot zaps its $want walked page tables and directory ($(val "$f" 0 pt_pages_zapped max))"
finish
