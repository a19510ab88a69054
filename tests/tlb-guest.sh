#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the KVM environment; see tlb.sh.
# shellcheck source=tests/mech-lib.sh
. "$(dirname "$0")/mech-lib.sh"

# Two vCPUs, rows with 0, 1 and 2 of them running; 2 CPUs make the last row oversubscribed.
f=$work/tlb.json
"$msb" run tlb --guest-mem 32M --vcpus 2 --running 0,1,2 --target unrelated --rounds 1 \
	--reps 3 --warmup 1 --quiet --json "$f" >"$work/tlb.txt"
cat "$work/tlb.txt"
[[ $("$jg" "$f" runs.0.primary) == ioctl_r0_ns ]] || { echo "FAIL: primary"; exit 1; }
for k in 0 1 2; do
	assert "$(val "$f" 0 "ioctl_r${k}_ns" n) == 3 && $(val "$f" 0 "vcpu_exits_r$k" n) == 3" \
		"tlb: row $k timed and counted in every repetition"
	for v in 0 1; do
		"$jg" "$f" "runs.0.tlb_vms.0.per_vcpu_by_running.$k.$v.exits" >/dev/null ||
			{ echo "FAIL: vCPU $v's stats missing in row $k"; failures=$((failures + 1)); }
	done
done
# Outside the guest a vCPU cannot exit; running through the update, it does.
assert "$(val "$f" 0 vcpu_exits_r0 max) == 0" "tlb: no exits with no vCPU running"
assert "$("$jg" "$f" runs.0.tlb_vms.0.per_vcpu_by_running.1.1.exits) == 0" \
	"tlb: row 1: vCPU 1, outside the guest, has no exits"
assert "$(val "$f" 0 vcpu_exits_r1 max) + $(val "$f" 0 vcpu_exits_r2 max) > 0" \
	"tlb: running vCPUs exit around the update"
cpus=$(nproc)
if ((cpus < 3)); then
	grep -q "rows with \[ *2 *\] running vCPUs oversubscribed" "$work/tlb.txt" ||
		{ echo "FAIL: row 2 not marked oversubscribed on $cpus CPUs"; failures=$((failures + 1)); }
fi
grep -q '^fit     zap-all ' "$work/tlb.txt" || { echo "FAIL: no fit line"; exit 1; }
finish
