#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the KVM environment; see tlb.sh.
# shellcheck source=tests/mech-lib.sh
. "$(dirname "$0")/mech-lib.sh"

# Two vCPUs, rows with 0, 1 and 2 of them running and 1 halted in the guest (hlt, the
# in-kernel LAPIC); 2 CPUs make the row with 2 running oversubscribed.
f=$work/tlb.json
"$msb" run tlb --guest-mem 32M --vcpus 2 --running 0,1,2 --halted 1 --target unrelated --rounds 1 \
	--reps 3 --warmup 1 --quiet --json "$f" >"$work/tlb.txt"
cat "$work/tlb.txt"
[[ $("$jg" "$f" runs.0.primary) == ioctl_r0_ns ]] || { echo "FAIL: primary"; exit 1; }
for k in 0 1 2; do
	assert "$(val "$f" 0 "ioctl_r${k}_ns" n) == 3 && $(val "$f" 0 "vcpu_exits_r$k" n) == 3" \
		"tlb: row $k timed and counted in every repetition"
	for v in 0 1; do
		"$jg" "$f" "runs.0.tlb_vms.0.per_vcpu_by_row.r$k.$v.exits" >/dev/null ||
			{ echo "FAIL: vCPU $v's stats missing in row $k"; failures=$((failures + 1)); }
	done
done
# Outside the guest a vCPU cannot exit; running through the update, it does.
assert "$(val "$f" 0 vcpu_exits_r0 max) == 0" "tlb: no exits with no vCPU running"
assert "$("$jg" "$f" runs.0.tlb_vms.0.per_vcpu_by_row.r1.1.exits) == 0" \
	"tlb: row 1: vCPU 1, outside the guest, has no exits"
# Halted: vCPU 0 blocked in KVM (tlb waits for its "blocking" stat) is woken by every
# zap-all update (KVM's request to all vCPUs), never enters the guest for it; vCPU 1,
# outside, is not woken.
assert "$(val "$f" 0 ioctl_h1_ns n) == 3" "tlb: the halted row timed in every repetition"
assert "$(val "$f" 0 vcpu_halt_wakeup_h1 min) >= 1" "tlb: zap-all wakes the halted vCPU"
[[ $("$jg" "$f" runs.0.tlb_vms.0.per_vcpu_by_row.h1.0.state) == halted ]] ||
	{ echo "FAIL: vCPU 0 not halted in row h1"; failures=$((failures + 1)); }
assert "$("$jg" "$f" runs.0.tlb_vms.0.per_vcpu_by_row.h1.1.halt_wakeup) == 0" \
	"tlb: row h1: vCPU 1, outside the guest, is not woken"
assert "$(val "$f" 0 vcpu_halt_wakeup_r1 max) == 0" "tlb: no wakeups with nothing halted"
assert "$(val "$f" 0 vcpu_exits_r1 max) + $(val "$f" 0 vcpu_exits_r2 max) > 0" \
	"tlb: running vCPUs exit around the update"
cpus=$(nproc)
if ((cpus < 3)); then
	grep -q "rows with \[ *2 *\] running vCPUs oversubscribed" "$work/tlb.txt" ||
		{ echo "FAIL: row 2 not marked oversubscribed on $cpus CPUs"; failures=$((failures + 1)); }
fi
grep -q '^fit     zap-all ' "$work/tlb.txt" || { echo "FAIL: no fit line"; exit 1; }
finish
