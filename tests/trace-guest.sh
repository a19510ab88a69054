#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the KVM environment; see trace.sh.
# shellcheck source=tests/mech-lib.sh
. "$(dirname "$0")/mech-lib.sh"
# Job control: a background job of a script would otherwise start with SIGINT ignored.
set -m
pid=
trap '[[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null; rm -rf "$work"' EXIT
if [[ $(id -u) != 0 ]]; then
	echo "SKIP: --trace needs root"
	exit 77
fi
instances() { # memslot-bench instances in either tracefs mount point
	{ find /sys/kernel/tracing/instances /sys/kernel/debug/tracing/instances \
		-maxdepth 1 -name 'memslot-bench.*' 2>/dev/null || true; } | wc -l
}
# 256M guest, 4K pages: zap-all zaps 128 last-level shadow pages and more.
f=$work/trace.json
"$msb" run delete --guest-mem 256M --target unrelated --rounds 1 --reps 3 --warmup 1 --trace \
	--quiet --json "$f" >/dev/null
tdp=0
[[ $("$jg" "$f" kvm_env.mmu) == tdp* ]] && tdp=1
assert "$(val "$f" 0 trace_lost_events max) == 0" "zap-all: no trace event lost"
assert "$(val "$f" 0 trace_zap_all_fast min) == 1 && $(val "$f" 0 trace_zap_all_fast max) == 1" \
	"zap-all: one kvm_mmu_zap_all_fast per delete"
if [[ $tdp == 0 ]]; then
	# The VM stat is the independent count: mmu_shadow_zapped's delta over the ioctl.
	# Tolerance 0: every zap of the ioctl is on the traced (ioctl) thread and the vCPUs
	# are idle; a root still in use is counted once by both (again when its vCPU frees
	# it, in the refault: outside the ioctl).
	for s in 0 1 2; do
		ev=$("$jg" "$f" "runs.0.metrics.trace_zap_pages.samples.$s")
		st=$("$jg" "$f" "runs.0.metrics.pt_pages_zapped.samples.$s")
		assert "$ev == $st && $ev >= 128" "zap-all sample $s: $ev zap events = pt_pages_zapped $st"
	done
	assert "$(val "$f" 0 trace_zap_span_ns min) > 0" "zap-all: a zap span"
else
	n=$("$jg" "$f" runs.0.metrics.trace_zap_pages.summary.n 2>/dev/null || echo 0)
	assert "$n == 0" "TDP MMU: no shadow-page zap metrics (n/a)"
fi
assert "$(val "$f" 0 trace_refault_lost_events max) == 0" "refault: no trace event lost"
# Faults that install a mapping against KVM's own pf_fixed, in the same refault.
assert "$(val "$f" 0 trace_refault_spte_requested min) >= $(val "$f" 0 refault_pf_fixed max) &&
	$(val "$f" 0 refault_pf_fixed min) > 0" \
	"refault: kvm_mmu_spte_requested events >= pf_fixed ($(val "$f" 0 refault_pf_fixed max))"
if [[ $("$jg" "$f" runs.1.status) != unsupported ]]; then
	assert "$(val "$f" 1 trace_zap_all_fast max) == 0" "zap-slot: no kvm_mmu_zap_all_fast"
	[[ $tdp == 1 ]] || assert "$(val "$f" 1 trace_zap_pages max) == 0 &&
		$(val "$f" 1 pt_pages_zapped max) == 0" "zap-slot, unrelated slot: zero zap events"
fi
assert "$(instances) == 0" "no instance left after the run"

# SIGINT: the run stops after the repetition under way and removes its instance.
"$msb" run delete --guest-mem 64M --reps 1000000 --trace --quiet --json "$work/int.json" \
	>/dev/null 2>"$work/int.err" &
pid=$!
here=0
# Up to 120 s: in the lab (TCG) the run's start-up alone takes seconds.
for _ in $(seq 1200); do
	[[ -d /sys/kernel/tracing/instances/memslot-bench.$pid ||
		-d /sys/kernel/debug/tracing/instances/memslot-bench.$pid ]] && { here=1; break; }
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
assert "$here == 1" "SIGINT: the run had its instance before the signal"
[[ $here == 1 ]] || { grep tracefs /proc/mounts; ls /sys/kernel/tracing/instances \
	/sys/kernel/debug/tracing/instances 2>&1; cat "$work/int.err"; } | sed 's/^/  /'
sleep 3
kill -INT "$pid"
# A shell started in the background ignores SIGINT, and so would the run: give up, do
# not hang.
for _ in $(seq 600); do
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then
	echo "FAIL: SIGINT: the run did not stop in 60 s ($(grep SigIgn "/proc/$pid/status"))"
	exit 1
fi
rc=0
wait "$pid" || rc=$?
pid=
assert "$rc == 130" "SIGINT: exit 130 (got $rc)"
assert "$(instances) == 0" "SIGINT: no instance left"
finish
