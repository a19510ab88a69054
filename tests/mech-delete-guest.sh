#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the KVM environment; see mech-delete.sh.
# shellcheck source=tests/mech-lib.sh
. "$(dirname "$0")/mech-lib.sh"

# 256M guest, 4K pages: 128 guest page tables for the data, so zap-all must zap >= 128
# shadow pages, and the guest then refaults its 65536 pages (>= 65536/8 faults).
# --overhead-check times the bare loop beside it, a sample per repetition.
f=$work/unrelated.json
"$msb" run delete --guest-mem 256M --rounds 1 --reps 3 --warmup 1 --overhead-check --quiet --json "$f" \
	>"$work/unrelated.txt"
[[ $("$jg" "$f" runs.0.variant) == zap-all ]] || { echo "FAIL: run 0 is not zap-all"; exit 1; }
assert "$(val "$f" 0 bare_delete_ns n) == 3 && $(val "$f" 0 delete_ns n) == 3" \
	"overhead check: 3 bare and 3 harness samples"
assert "$("$jg" "$f" runs.0.overhead.bare_median_ns) == $(val "$f" 0 bare_delete_ns median)" \
	"overhead check: the result file's bare median is the bare samples' median"
assert "$(grep -c 'zap-all  guest=256M  harness median .* vs bare ioctl loop median' \
	"$work/unrelated.txt") == 1" "overhead check: one harness vs bare line for zap-all"
assert "$(val "$f" 0 mmu_shadow_zapped min) >= 128" "zap-all zaps >= 128 shadow pages"
# Every sample starts from the same state, so the shadow pages present before do not
# drift (KVM counts a zapped in-use root twice; the count must not follow that).
assert "$(val "$f" 0 shadow_pages_before min) == $(val "$f" 0 shadow_pages_before max)" \
	"zap-all: the same shadow pages before every delete"
# Independent of the shadow-page count (which is that same delta under zap-all): every
# SPTE present before the delete is gone after it (idle vCPUs cannot refault meanwhile).
assert "$(val "$f" 0 sptes_zapped min) == $(val "$f" 0 sptes_before max) &&
	$(val "$f" 0 sptes_before min) > 65536" \
	"zap-all: drops every SPTE present before (sptes_zapped = sptes_before)"
assert "$(val "$f" 0 refault_pf_fixed min) >= 65536 / 8" "zap-all: guest refaults its pages"
assert "$(val "$f" 0 pages_4k_after max) < $(val "$f" 0 pages_4k_before min)" "zap-all drops SPTEs"
if [[ $("$jg" "$f" runs.1.status) == unsupported ]]; then
	echo "zap-slot unsupported here: $("$jg" "$f" runs.1.reason)"
	assert "$(uname -r | awk -F. '{ print ($1 * 100 + $2 < 612) }') == 1" \
		"zap-slot unsupported only before 6.12"
else
	assert "$(val "$f" 1 mmu_shadow_zapped max) == 0" "zap-slot zaps no shadow page"
	assert "$(val "$f" 1 shadow_pages_before min) >= 128" "zap-slot: shadow pages stay (>= 128)"
	before=$("$jg" "$f" runs.1.metrics.pages_4k_before.samples)
	after=$("$jg" "$f" runs.1.metrics.pages_4k_after.samples)
	assert "\"$before\" == \"$after\"" "zap-slot leaves unrelated SPTEs (pages_4k $before)"
	assert "$(val "$f" 1 refault_pf_fixed max) <= 8" "zap-slot: refault needs (almost) no faults"

	# Populated target, 2 slots of 128M: zap-slot drops that slot's 32768 SPTEs only.
	f=$work/populated.json
	"$msb" run delete --guest-mem 256M --rounds 1 --slots 2 --target populated --variants zap-slot \
		--reps 2 --warmup 1 --quiet --json "$f"
	drop=$(awk "BEGIN { print $(val "$f" 0 pages_4k_before min) - $(val "$f" 0 pages_4k_after max) }")
	assert "$drop >= 32768 && $drop < 65536" "zap-slot on a populated 128M slot drops its SPTEs only ($drop)"
fi

# --trace: the kernel's own count (n_used_mmu_pages at kvm_mmu_zap_all_fast) equals the
# shadow pages memslot-bench says were present; zap-slot never calls zap_all_fast; the
# private trace instance is gone after the run, and after a run stopped by SIGTERM.
if [[ $(id -u) == 0 ]]; then
	f=$work/trace.json
	"$msb" run delete --guest-mem 64M --rounds 1 --reps 2 --warmup 1 --trace --quiet --json "$f" >/dev/null
	assert "$(val "$f" 0 trace_used_pages min) == $(val "$f" 0 shadow_pages_before max) &&
		$(val "$f" 0 trace_used_pages max) == $(val "$f" 0 shadow_pages_before min)" \
		"trace: kernel's used_pages = shadow pages before ($(val "$f" 0 trace_used_pages max))"
	assert "$(val "$f" 0 trace_zap_all_fast min) == 1" "trace: one zap_all_fast per zap-all delete"
	if [[ $("$jg" "$f" runs.1.status) != unsupported ]]; then
		assert "$(val "$f" 1 trace_zap_all_fast max) == 0" "trace: zap-slot never zaps all"
	fi
	"$msb" run delete --guest-mem 64M --reps 100000 --trace --quiet >/dev/null &
	pid=$!
	sleep 5
	# The check below means something only if the instance was there to remove.
	here=0
	[[ -d /sys/kernel/tracing/instances/memslot-bench.$pid ||
		-d /sys/kernel/debug/tracing/instances/memslot-bench.$pid ]] && here=1
	assert "$here == 1" "trace: the interrupted run had its instance when it was killed"
	kill -TERM $pid
	wait $pid || true
	# One of the two tracefs paths may not exist (find then fails): count what is there.
	left=$({ find /sys/kernel/tracing/instances /sys/kernel/debug/tracing/instances \
		-maxdepth 1 -name 'memslot-bench.*' 2>/dev/null || true; } | wc -l)
	assert "$left == 0" "trace: no instance left after a normal and an interrupted run"
else
	echo "trace checks skipped: --trace needs root"
fi

# --vcpu-mode active: vCPU 1 keeps touching the slot while it is moved away and back
# (memslot_perf_test's "move active area"); its MMIO exits and its stall are recorded
# per move.
f=$work/active.json
"$msb" run move --guest-mem 64M --rounds 1 --slots 2 --target populated --vcpus 2 --vcpu-mode active \
	--reps 3 --warmup 1 --quiet --json "$f"
assert "$(val "$f" 0 active_mmio_exits n) == 3 && $(val "$f" 0 move_ns n) == 3" \
	"move active: an MMIO exit count beside every move"
assert "$(val "$f" 0 active_mmio_exits max) > 0" \
	"move active: the vCPU's accesses while the slot was away exited as MMIO"
[[ $("$jg" "$f" runs.0.params.vcpu_mode) == active ]] || { echo "FAIL: vcpu_mode not active"; exit 1; }
# The running vCPU's longest gap between two touches (TSC) comes with every sample.
assert "$(val "$f" 0 vcpu_stall_max_ns n) == 3 && $(val "$f" 0 vcpu_stall_max_ns min) > 0" \
	"running vCPU: a stall (longest gap between touches) beside every move"
finish
