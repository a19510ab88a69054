#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the KVM environment; see stall.sh.
# shellcheck source=tests/mech-lib.sh
. "$(dirname "$0")/mech-lib.sh"

# 64M guest, one vCPU: 16384 pages its loop touches; an unrelated 2 MiB slot deleted.
f=$work/stall.json
# Four repetitions: the stall check below takes their median, so that one repetition
# hit by the host's steal time (11-17% on the 2-CPU development machine) does not
# decide it alone.
"$msb" run stall --guest-mem 64M --vcpus 1 --target unrelated --rounds 1 --reps 4 --warmup 0 \
	--interval 1ms --window 1s --quiet --json "$f" >"$work/stall.txt"
cat "$work/stall.txt"
[[ $("$jg" "$f" runs.0.primary) == recovery_ns ]] || { echo "FAIL: primary"; exit 1; }
assert "$(val "$f" 0 recovery_ns n) == 4 && $(val "$f" 0 stall_max_ns n) == 4" \
	"stall: one recovery and one stall per repetition"

# The timelines add up: what each interval counted is what the guest counted in all,
# less the lead before the first interval (5 ms against a window of 1 s).
"$msb" timeline --all-reps "$f" >"$work/tl.csv"
for run in 0 1; do
	[[ $("$jg" "$f" "runs.$run.status" 2>/dev/null || echo measured) == unsupported ]] && continue
	variant=$("$jg" "$f" "runs.$run.variant")
	for w in 0 1 2 3; do
		kind=$("$jg" "$f" "runs.$run.stall_vms.0.windows.$w.window")
		rep=$("$jg" "$f" "runs.$run.stall_vms.0.windows.$w.rep")
		all=$("$jg" "$f" "runs.$run.stall_vms.0.windows.$w.vcpus.0.touches_all")
		sum=$(awk -F, -v v="$variant" -v k="$kind" -v r="$rep" \
			'$1 == v && $3 == r && $4 == k { s += $7 } END { print s + 0 }' "$work/tl.csv")
		assert "$sum <= $all && $sum >= 0.5 * $all" \
			"$variant rep $rep $kind window: intervals sum to $sum of $all touches"
	done
done

# Rows ordered in time, from before the update's start to past its end.
awk -F, 'NR > 1 && $4 == "update" {
	key = $1 "," $2 "," $3 "," $5
	if (key in last && $6 <= last[key]) { print "FAIL: unordered " $0; bad = 1 }
	if (!(key in first)) first[key] = $6
	last[key] = $6; end[key] = $8
}
END {
	for (k in first) if (!(first[k] < 0 && last[k] > end[k])) {
		print "FAIL: " k " does not cover the ioctl (" first[k] " .. " last[k] ")"; bad = 1 }
	exit bad
}' "$work/tl.csv" && echo "ok: timeline rows ordered and covering the ioctl window" ||
	failures=$((failures + 1))

# The control windows have no update: no ioctl in them, and zap-all's update makes the
# vCPU fault its whole working set again while the control window faults next to nothing.
[[ $("$jg" "$f" runs.0.stall_vms.0.windows.0.window) == control ]] || { echo "FAIL: window order"; exit 1; }
if "$jg" "$f" runs.0.stall_vms.0.windows.0.ioctl_ns >/dev/null 2>&1; then
	echo "FAIL: a control window has an ioctl"; failures=$((failures + 1))
fi
assert "$(val "$f" 0 recovery_pf_fixed min) >= 16384 / 8" \
	"stall zap-all: the vCPU refaults its working set in the update window"
assert "$(val "$f" 0 control_pf_fixed max) < $(val "$f" 0 recovery_pf_fixed min) / 4" \
	"stall zap-all: the control window faults far less than the update window"
if [[ $("$jg" "$f" runs.1.status 2>/dev/null || echo measured) == unsupported ]]; then
	echo "zap-slot unsupported here: $("$jg" "$f" runs.1.reason)"
else
	assert "$(val "$f" 0 recovery_ns median) > $(val "$f" 1 recovery_ns median)" \
		"stall: zap-all recovers later than zap-slot on the same state"
	assert "$(val "$f" 1 recovery_pf_fixed max) < $(val "$f" 0 recovery_pf_fixed min) / 4" \
		"stall zap-slot: an unrelated slot's delete makes the vCPU refault next to nothing"
	# The stall check bounded by a control window measured the same way: an unrelated
	# slot's delete under zap-slot stalls the vCPU no worse than a few of the scheduling
	# gaps it has anyway (the 10 ms covers a host with no gap to speak of).
	assert "$(val "$f" 1 stall_max_ns median) <= 4 * $(val "$f" 1 control_stall_max_ns max) + 10e6" \
		"stall zap-slot: the update's stall within a few control windows' longest gaps"
fi
grep -q '^stall   zap-all  guest=64M ' "$work/stall.txt" || { echo "FAIL: no summary line"; exit 1; }
finish
