#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the KVM environment; see resources.sh.
# shellcheck source=tests/mech-lib.sh
. "$(dirname "$0")/mech-lib.sh"

small=(run delete --guest-mem 64M --rounds 1 --reps 2 --warmup 0 --quiet)
# expect NAME CODE PATTERN [ENV=VALUE...] -- ARGS...: exit CODE, stderr matching PATTERN
# (none: not checked).
expect() {
	local name=$1 code=$2 pattern=$3 rc=0
	shift 3
	local -a envs=()
	while [[ $1 != -- ]]; do envs+=("$1"); shift; done
	shift
	env "${envs[@]}" timeout 120 "$@" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
	assert "$rc == $code" "$name: exit $code (got $rc)"
	if [[ -n $pattern ]] && ! grep -Eq "$pattern" "$work/$name.err"; then
		echo "FAIL: $name: stderr: $(cat "$work/$name.err")"
		failures=$((failures + 1))
	fi
}

# 64 GiB of anonymous guest memory: more than this machine's MemAvailable (checked
# first: the refusal must not depend on a machine with less than 64 GiB free).
avail_kib=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
if ((avail_kib < 60 * 1024 * 1024)); then
	expect real-big 77 '^memslot-bench run: not enough memory: a VM of --guest-mem 64G needs up to 64\.[0-9] GiB \(guest memory .*KVM (shadow pages|TDP page tables) .*\); MemAvailable is .* \(--ignore-memory runs it anyway\)$' \
		-- "$msb" run delete --guest-mem 64G --backing anon --json "$work/big.json"
	[[ ! -e $work/big.json ]] || { echo "FAIL: a refused run wrote a result file"; failures=$((failures + 1)); }
	assert "$(wc -l <"$work/real-big.err") == 1" "refusal: one line"
fi
# A fake MemAvailable of 1000 kB: a 64 MiB guest does not fit; --ignore-memory runs it.
printf 'MemTotal: 8000000 kB\nMemAvailable:    1000 kB\n' >"$work/meminfo"
expect fake-small 77 '^memslot-bench run: not enough memory: a VM of --guest-mem 64M needs up to [0-9.]+ MiB .*; MemAvailable is 1\.0 MiB \(--ignore-memory runs it anyway\)$' \
	MSB_TEST_MEMINFO="$work/meminfo" -- "$msb" "${small[@]}"
expect ignore 0 '^memslot-bench run: --ignore-memory: a VM of --guest-mem 64M needs up to ' \
	MSB_TEST_MEMINFO="$work/meminfo" -- "$msb" "${small[@]}" --ignore-memory
# Without the fake the same run fits (the estimate is not absurd for a small guest).
expect fits 0 '' -- "$msb" "${small[@]}"
grep -q 'not enough memory' "$work/fits.err" && { echo "FAIL: a 64M guest refused"; failures=$((failures + 1)); }

# RLIMIT_NOFILE: hard and soft 20 (too few for 4 vCPUs); soft 20 under a higher hard limit.
expect nofile 77 '^memslot-bench run: RLIMIT_NOFILE is 20 \(hard limit 20\): this run needs about [0-9]+ open files' \
	-- bash -c 'ulimit -n 20 && exec "$@"' _ "$msb" "${small[@]}" --vcpus 4
expect nofile-soft 0 '' -- bash -c 'ulimit -Sn 20 && exec "$@"' _ "$msb" "${small[@]}" --vcpus 4
finish
