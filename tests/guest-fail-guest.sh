#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the KVM environment; see guest-fail.sh.
# shellcheck source=tests/mech-lib.sh
. "$(dirname "$0")/mech-lib.sh"

# KIND VAR=VALUE PATTERN: the test hook VAR=VALUE makes the run fail that way (after
# some samples: set-up and 7 repetitions take about 8 commands per VM, and each
# repetition two memslot ioctls after set-up's).
fail_run() {
	local kind=$1 hook=$2 pattern=$3 f=$work/$1.json rc=0
	env "$hook" timeout 120 "$msb" run delete --guest-mem 64M --rounds 2 \
		--reps 6 --warmup 1 --quiet --json "$f" >"$work/$kind.out" 2>"$work/$kind.err" || rc=$?
	assert "$rc == 1" "$kind: exit 1 (got $rc)"
	if ! grep -Eq "^memslot-bench run: guest failure: $pattern.* at VM [0-9]+ .*after [0-9]+ of 7 repetitions; " \
		"$work/$kind.err"; then
		echo "FAIL: $kind: stderr: $(cat "$work/$kind.err")"
		failures=$((failures + 1))
	fi
	assert "$(wc -l <"$work/$kind.err") == 1" "$kind: one line on stderr"
	[[ $("$jg" "$f" complete) == false ]] || { echo "FAIL: $kind: not complete: false"; exit 1; }
	local why
	why=$("$jg" "$f" incomplete.reason)
	[[ $why == "guest failure: "*"guest RIP 0x"* ]] || { echo "FAIL: $kind: reason '$why'"; exit 1; }
	echo "ok: $kind: reason: $why"
	# the samples of the repetitions that completed, every metric as many as the VMs' index
	local n ix
	n=$(val "$f" 0 delete_ns n)
	ix=$(val "$f" 0 vm_round n)
	assert "$n >= 6 && $n == $ix" "$kind: completed repetitions kept ($n samples, index $ix)"
	"$msb" export --format csv "$f" >/dev/null 2>&1 || { echo "FAIL: $kind: export cannot read it"; exit 1; }
	rc=0; "$msb" compare "$f" "$f" >/dev/null 2>"$work/cmp.err" || rc=$?
	assert "$rc == 2" "$kind: compare refuses the incomplete file"
	grep -q 'incomplete result (guest failure' "$work/cmp.err" || { echo "FAIL: compare: $(cat "$work/cmp.err")"; failures=$((failures + 1)); }
	assert "$(find "$work" -name '*.tmp.*' -o -name '*.probe.*' | wc -l) == 0" "$kind: no temporary file"
}

fail_run exception MSB_TEST_GUEST_FAULT=exception:12 'guest exception on vCPU 0 \(VM [0-9]+\): exit IO port 0x11, vector 14 #PF, error code 0x[0-9a-f]+, guest RIP 0x7f0000000000, CR2 0x7f0000000000'
fail_run shutdown MSB_TEST_GUEST_FAULT=shutdown:12 'vCPU 0 \(VM [0-9]+\): unexpected exit SHUTDOWN \(8\): triple fault, guest RIP 0x7f0000000000'
fail_run io MSB_TEST_GUEST_FAULT=io:12 'vCPU 0 \(VM [0-9]+\): unexpected exit IO \(2\) on port 0x99, guest RIP 0x[0-9a-f]+'
# A dead VM: the measured DELETE answers EIO (the 25th memslot ioctl: the second VM's third delete).
fail_run eio MSB_TEST_MEMSLOT_EIO=25 'VM [0-9]+: KVM_SET_USER_MEMORY_REGION \(delete of slot [0-9]+\) failed: Input/output error \(KVM marked the VM dead\), vCPU 0.s guest RIP 0x[0-9a-f]+'
# The scenarios with vCPU threads of their own: a dead VM's EIO mid-run, with vCPU 0
# halted (tlb's h1 row) or running the stall loop, ends the run the same way, without a
# wait for vCPUs that no longer run; the failed repetition leaves no sample.
own_threads_eio() { # NAME HOOK-N PATTERN METRIC RUN-ARGS...
	local name=$1 n=$2 pattern=$3 metric=$4 f=$work/$1.json rc=0
	shift 4
	MSB_TEST_MEMSLOT_EIO=$n timeout 120 "$msb" run "$@" --guest-mem 32M --rounds 2 --reps 3 \
		--warmup 1 --quiet --json "$f" >/dev/null 2>"$work/$name.err" || rc=$?
	assert "$rc == 1" "$name: exit 1 (got $rc): $(cat "$work/$name.err")"
	grep -Eq "^memslot-bench run: guest failure: VM [0-9]+: KVM_SET_USER_MEMORY_REGION $pattern" \
		"$work/$name.err" || { echo "FAIL: $name: $(cat "$work/$name.err")"; failures=$((failures + 1)); }
	[[ $("$jg" "$f" complete) == false ]] || { echo "FAIL: $name: not complete: false"; exit 1; }
	assert "$(val "$f" 0 "$metric" n) == $(val "$f" 0 vm_round n)" \
		"$name: completed repetitions only ($metric and vm_round)"
}
own_threads_eio tlb-eio 21 '\(ioctl_h1 of slot [0-9]+\) failed: .*guest RIP not read \(vCPU in KVM_RUN\)' \
	ioctl_h1_ns tlb --vcpus 2 --running 0,1 --halted 1
own_threads_eio stall-eio 9 '\(delete of slot [0-9]+\) failed: ' stall_max_ns stall --vcpus 1 --window 200ms

# With running vCPUs: their threads are stopped and joined, the run still ends cleanly.
MSB_TEST_GUEST_FAULT=exception:12 timeout 120 "$msb" run delete --guest-mem 64M --rounds 2 \
	--reps 6 --warmup 1 --vcpus 2 --vcpu-mode running --quiet --json "$work/running.json" \
	>/dev/null 2>"$work/running.err" && rc=0 || rc=$?
assert "$rc == 1" "running vCPUs: exit 1 (got $rc): $(cat "$work/running.err")"
[[ $("$jg" "$work/running.json" complete) == false ]] || { echo "FAIL: running: not complete: false"; exit 1; }
finish
