#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the KVM environment; see precision-cli.sh. Small guests, few repetitions:
# these check when rounds are added and why they stop, not the figures.
# shellcheck source=tests/mech-lib.sh
. "$(dirname "$0")/mech-lib.sh"
j() { "$jg" "$@"; }

# Two variants, a sweep: per size, 4 rounds (the least for a 95% interval, 4 vs 4) and
# one more, then --max-rounds (a +-0.001% interval is out of reach).
f=$work/sweep.json
"$msb" run delete --guest-mem 16M,32M --reps 2 --warmup 0 --rounds 1 --precision 0.001 \
	--max-rounds 5 --quiet --json "$f" >"$work/sweep.txt"
for r in 0 1 2 3; do
	assert "$(j "$f" runs.$r.precision.rounds) == 5 && $(j "$f" runs.$r.rounds) == 5" \
		"sweep run $r: 5 rounds"
	[[ $(j "$f" runs.$r.precision.stopped) == max-rounds ]] || { echo "FAIL: run $r: not stopped by max-rounds"; exit 1; }
	[[ $(j "$f" runs.$r.precision.of) == "ratio zap-slot/zap-all" ]] || { echo "FAIL: run $r: not the ratio"; exit 1; }
	assert "$(j "$f" runs.$r.precision.achieved_pct) > 0.001 && $(j "$f" runs.$r.precision.target_pct) == 0.001" \
		"sweep run $r: achieved and target recorded"
	assert "$(j "$f" runs.$r.precision.lo) <= $(j "$f" runs.$r.precision.hi) && $(j "$f" runs.$r.precision.level) >= 0.95" \
		"sweep run $r: an interval of at least 95%"
	assert "$(val "$f" $r delete_ns n) == 10 && $(val "$f" $r vm_round max) == 4" \
		"sweep run $r: 5 VMs x 2 samples"
done
assert "$(grep -c '^# precision delete guest=.*ratio zap-slot/zap-all .*target +-0.001%: max-rounds after 5 rounds' \
	"$work/sweep.txt") == 2" "sweep: a # precision line per size"
assert "$(j "$f" schedule.vms.19.round) == 4" "sweep: 20 VMs, rounds numbered 0..4"

# One variant: the median's interval needs 6 VMs (96.9%), so 6 rounds start even though
# --max-time has passed by then.
f=$work/time.json
"$msb" run delete --guest-mem 16M --variants zap-all --reps 2 --warmup 0 --precision 0.001 \
	--max-time 0.01s --quiet --json "$f" >"$work/time.txt"
[[ $(j "$f" runs.0.precision.stopped) == max-time ]] || { echo "FAIL: not stopped by max-time"; exit 1; }
[[ $(j "$f" runs.0.precision.of) == "median zap-all" ]] || { echo "FAIL: not the median"; exit 1; }
assert "$(j "$f" runs.0.precision.rounds) == 6 && $(j "$f" runs.0.precision.level) == 0.96875" \
	"one variant: 6 rounds, the median's interval at 96.875%"
grep -q '^# precision delete guest=16M: median zap-all .* at 96.9% (6 VMs): within +-.*max-time after 6 rounds' \
	"$work/time.txt" || { echo "FAIL: no # precision line for max-time"; cat "$work/time.txt"; exit 1; }

# Reached: +-99.99% holds as soon as there is an interval whose top is below twice the
# median of the 6 per-VM medians: zap-slot's delete (no zap, no wait for the guest's
# pages) is steady enough for that; zap-all's varies 3x from VM to VM on a busy host.
f=$work/reached.json
"$msb" run delete --guest-mem 16M --variants zap-slot --reps 3 --warmup 1 --precision 99.99 \
	--quiet --json "$f" >"$work/reached.txt"
if [[ $(j "$f" runs.0.status) == unsupported ]]; then
	echo "zap-slot unsupported here: 'reached' not checked"
else
	[[ $(j "$f" runs.0.precision.stopped) == reached ]] ||
		{ echo "FAIL: +-99.99% not reached"; cat "$work/reached.txt"; exit 1; }
	assert "$(j "$f" runs.0.precision.rounds) >= 6 && $(j "$f" runs.0.precision.achieved_pct) <= 99.99" \
		"reached after $(j "$f" runs.0.precision.rounds) rounds (at least 6)"
fi
finish
