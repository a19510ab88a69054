#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016 # "$1" expands in the guest's sh, on purpose
# --nodes 2: the guest sees two NUMA nodes with a CPU each, and `run --numa` places the
# guest memory where it says (checked by move_pages, and against the other layout). In a
# one-node lab, --numa remote is skipped (77) with its reason.
# shellcheck source=tests/lab-lib.sh
. "$(dirname "$0")/lab-lib.sh"
lab --nodes 2 --cpus 2 --out "$work" -- sh -c '
	memslot-bench info > "$1/info.txt"
	memslot-bench run delete --plan --vcpus 2 --numa local,remote,remote-ioctl,spread,interleave \
		> "$1/plan.txt" || exit
	for n in local remote; do
		memslot-bench run delete --guest-mem 64M --numa $n --variants zap-slot --rounds 1 --reps 1 \
			--warmup 0 --quiet --json "$1/$n.json" > "$1/$n.txt" || exit
	done' sh "$work"
cat "$work/info.txt" "$work/remote.txt"
expect "two NUMA nodes" grep -Eq '^topology: .* 2 NUMA node' "$work/info.txt"
expect "node 1 has a CPU" grep -Eq '^numa node 1: +cpus 1' "$work/info.txt"
# placed LAYOUT CPU_NODE MEM_NODE: the plan in the layout, every sampled page on MEM_NODE
placed() {
	local f=$work/$1.json
	[[ $("$jg" "$f" runs.0.layout.cpu_node):$("$jg" "$f" runs.0.layout.mem_node) == "$2:$3" ]] &&
		(($("$jg" "$f" runs.0.placement_check.pages_checked) > 0)) &&
		[[ $("$jg" "$f" runs.0.placement_check.pages_on_mem_node) == \
			"$("$jg" "$f" runs.0.placement_check.pages_checked)" ]]
}
expect "--numa local: CPUs and memory on node 0" placed local 0 0
expect "--numa remote: CPUs on node 0, memory on node 1" placed remote 0 1
# the planner on the lab's real topology (hwloc, distances from sysfs), no VM
cat "$work/plan.txt"
expect "plan: remote binds memory to node 1" grep -q '^  memory        bind to node 1 (distance' "$work/plan.txt"
in_plan() { grep -A4 -x "layout $1:" "$work/plan.txt" | grep -q "$2"; } # LAYOUT PATTERN
expect "plan: remote-ioctl puts the ioctl thread on node 1" in_plan remote-ioctl 'ioctl thread  CPU 1 (node 1)'
expect "plan: spread puts vCPU 1 on node 1" in_plan spread 'vCPU 1 .* (node 1)'
expect "plan: interleave over nodes 0,1" grep -q 'interleave over nodes 0,1$' "$work/plan.txt"

lab --out "$work" -- sh -c 'memslot-bench run delete --numa remote --reps 1 2> "$1/skip.err"
	echo $? > "$1/skip.rc"' sh "$work" || true
expect "--numa remote on one node: exit 77" grep -qx 77 "$work/skip.rc"
expect "--numa remote on one node: says why" grep -q 'skipped: --numa remote needs a second NUMA node' "$work/skip.err"
finish
