#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the KVM environment; see numa-layouts.sh.
# shellcheck source=tests/mech-lib.sh
. "$(dirname "$0")/mech-lib.sh"

"$msb" info --json >"$work/info.json"
nodes=$("$jg" "$work/info.json" topology.numa_nodes)
if [[ $nodes != 1 ]]; then
	echo "SKIP: this machine has $nodes NUMA nodes; the skip test needs one (lab-nodes covers two)"
	exit 77
fi
# ok DESCRIPTION COMMAND...: the command must succeed
ok() {
	local what=$1
	shift
	if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; failures=$((failures + 1)); fi
}
quick=(--guest-mem 16M --variants zap-all --rounds 1 --reps 1 --warmup 0 --quiet)
f=$work/list.json
rc=0
"$msb" run delete --numa default,remote-ioctl,local,interleave "${quick[@]}" --json "$f" \
	>"$work/list.out" 2>"$work/list.err" || rc=$?
cat "$work/list.err"
ok "a list with impossible layouts: exit 0 (got $rc)" test "$rc" = 0
ok "remote-ioctl skipped with one line" grep -qx 'memslot-bench run: skipped: --numa remote-ioctl needs 2 NUMA nodes with CPUs, this machine has 1' "$work/list.err"
ok "interleave skipped with one line" grep -qx 'memslot-bench run: skipped: --numa interleave needs 2 NUMA nodes with memory, this machine has 1' "$work/list.err"
ok "the result records the skipped layouts" test "$("$jg" "$f" numa_skipped.0.layout),$("$jg" "$f" numa_skipped.1.layout)" = remote-ioctl,interleave
ok "two runs, one a layout: default then local" test "$("$jg" "$f" runs.0.placement.requested),$("$jg" "$f" runs.1.placement.requested)" = default,local
ok "no third run" test "$("$jg" "$f" runs.2 2>/dev/null || echo none)" = none
ok "local: placement matches the plan" test "$("$jg" "$f" runs.1.placement.match)" = true
ok "local: the ioctl thread's affinity read back is one CPU" grep -Eqx '[0-9]+' <<<"$("$jg" "$f" runs.1.placement.actual.ioctl_cpu)"
sampled=$("$jg" "$f" runs.1.placement.actual.pages_sampled)
ok "local: every sampled page on node 0 ($sampled sampled)" test "$("$jg" "$f" runs.1.placement.actual.mem_pages_by_node.0)" = "$sampled"
ok "default: placement matches (threads where pinned)" test "$("$jg" "$f" runs.0.placement.match)" = true

rc=0
"$msb" run delete --numa remote,remote-ioctl "${quick[@]}" >"$work/none.out" 2>"$work/none.err" || rc=$?
cat "$work/none.err"
ok "every layout impossible: exit 77 (got $rc)" test "$rc" = 77
ok "every layout impossible: a line each, and why nothing ran" test "$(grep -c 'skipped: --numa remote' "$work/none.err"),$(grep -c 'can make none of --numa remote,remote-ioctl' "$work/none.err")" = 2,1
finish
