#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the KVM environment; see mech-create.sh.
# shellcheck source=tests/mech-lib.sh
. "$(dirname "$0")/mech-lib.sh"

# 64M guest, 4K pages: 16384 pages the guest touches, 32 guest page tables.
f=$work/create.json
"$msb" run create --guest-mem 64M --rounds 1 --reps 3 --warmup 1 --quiet --json "$f" >"$work/create.txt"
[[ $("$jg" "$f" schema) == memslot-bench/2 ]] || { echo "FAIL: not a schema 2 file"; exit 1; }
[[ $("$jg" "$f" runs.0.primary) == create_fresh_ns ]] || { echo "FAIL: primary"; exit 1; }
[[ $("$jg" "$f" runs.0.metrics.create_fresh_ns.kind) == CREATE ]] || { echo "FAIL: kind"; exit 1; }
[[ $("$jg" "$f" runs.0.metrics.vm_round.role) == index ]] || { echo "FAIL: index role"; exit 1; }
assert "$(val "$f" 0 create_fresh_ns n) == 3 && $(val "$f" 0 delete_fresh_ns n) == 3" \
	"create: a CREATE and a DELETE timed per repetition"
assert "$(val "$f" 0 mmu_shadow_zapped max) == 0" "create: the CREATE itself zaps nothing"
# zap-all: the fresh slot's DELETE zaps every shadow page, so the guest refaults them all.
assert "$(val "$f" 0 refault_pf_fixed min) >= 16384 / 8" \
	"create zap-all: the DELETE of the fresh slot makes the guest refault"
if [[ $("$jg" "$f" runs.1.status) == unsupported ]]; then
	echo "zap-slot unsupported here: $("$jg" "$f" runs.1.reason)"
else
	assert "$(val "$f" 1 refault_pf_fixed max) <= 8" \
		"create zap-slot: deleting a slot the guest never mapped leaves its SPTEs"
fi
grep -q '^create  zap-all  guest=64M ' "$work/create.txt" ||
	{ echo "FAIL: no summary line for create zap-all"; exit 1; }

# stdout carries the data alone, everything else goes to stderr (progress included: no
# --quiet here): --raw is one run's primary samples, one per line, as ministat reads
# them; --json - is the result file.
nay() { echo "FAIL: $*"; failures=$((failures + 1)); }
r=(run create --guest-mem 64M --rounds 1 --reps 3 --warmup 1 --variants zap-all)
"$msb" "${r[@]}" --raw >"$work/raw.txt" 2>"$work/raw.err"
[[ $(wc -l <"$work/raw.txt") == 3 ]] || nay "run --raw: not 3 lines on stdout"
if grep -qvE '^[0-9][0-9.e+-]*$' "$work/raw.txt"; then nay "run --raw: a non-sample on stdout"; fi
grep -q '^create  zap-all  guest=64M ' "$work/raw.err" || nay "run --raw: no summary on stderr"
if command -v ministat >/dev/null; then
	ministat <"$work/raw.txt" | grep -q '^x *3 ' || nay "run --raw | ministat"
else
	echo "ministat not installed: run --raw | ministat not checked"
fi
"$msb" "${r[@]}" --json - >"$work/stdout.json" 2>"$work/json.err"
[[ $(head -c1 "$work/stdout.json") == "{" ]] || nay "run --json -: stdout is not JSON alone"
[[ $("$jg" "$work/stdout.json" runs.0.primary) == create_fresh_ns ]] ||
	nay "run --json -: stdout is not the result file"
grep -q '^create  zap-all  guest=64M ' "$work/json.err" || nay "run --json -: no summary on stderr"
echo "ok: run --raw and --json - write their data alone on stdout"
finish
