#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016 # "$1" expands in the guest's sh, on purpose
# --nodes 2: the guest sees two NUMA nodes with a CPU each, and one `run --numa LIST`
# places every layout as planned: the affinity of each thread read back and the node of
# sampled guest pages (move_pages), from the result file's placement block. Placements,
# not times. In a one-node lab, --numa remote is skipped (77) with its reason.
# shellcheck source=tests/lab-lib.sh
. "$(dirname "$0")/lab-lib.sh"
lab --nodes 2 --cpus 2 --out "$work" -- sh -c '
	memslot-bench info > "$1/info.txt"
	memslot-bench run delete --plan --vcpus 2 --numa local,remote,remote-ioctl,spread,interleave \
		> "$1/plan.txt" || exit
	memslot-bench run delete --guest-mem 32M --vcpus 2 --vcpu-mode running \
		--numa local,remote,remote-ioctl,spread,interleave --variants zap-slot --rounds 1 \
		--reps 2 --warmup 1 --quiet --json "$1/list.json" > "$1/list.txt" 2> "$1/list.err"' sh "$work"
cat "$work/info.txt" "$work/list.txt" "$work/list.err"
expect "two NUMA nodes" grep -Eq '^topology: .* 2 NUMA node' "$work/info.txt"
expect "node 1 has a CPU" grep -Eq '^numa node 1: +cpus 1' "$work/info.txt"
f=$work/list.json
# at RUN FIELD: a field of run RUN's placement block (runs in --numa order, one variant)
at() { "$jg" "$f" "runs.$1.placement.$2"; }
expect "five runs, in --numa order" test "$(at 0 requested),$(at 1 requested),$(at 2 requested),$(at 3 requested),$(at 4 requested)" = local,remote,remote-ioctl,spread,interleave
# all_on RUN NODE: every sampled page that is present lies on NODE
all_on() {
	local n
	n=$(at "$1" actual.mem_pages_by_node."$2") || return 1
	((n > 0 && n == $(at "$1" actual.pages_sampled) - $(at "$1" actual.pages_absent)))
}
# threads RUN IOCTL VCPU1: the affinity read back of the ioctl thread (vCPU 0) and vCPU 1
threads() { [[ $(at "$1" actual.ioctl_cpu),$(at "$1" actual.vcpu_cpus.0),$(at "$1" actual.vcpu_cpus.1) == "$2,$2,$3" ]]; }
for i in 0 1 2 3 4; do
	expect "$(at $i requested): placement.match is true" test "$(at $i match)" = true
done
expect "local: threads on node 0's CPU, every sampled page on node 0" eval 'threads 0 0 0 && all_on 0 0'
expect "remote: threads on node 0's CPU, every sampled page on node 1" eval 'threads 1 0 0 && all_on 1 1'
expect "remote: the layout object of older files (cpu_node 0, mem_node 1)" test "$("$jg" "$f" runs.1.layout.cpu_node):$("$jg" "$f" runs.1.layout.mem_node)" = 0:1
expect "remote-ioctl: ioctl thread (vCPU 0) on CPU 1, vCPU 1 on CPU 0, memory on node 0" eval 'threads 2 1 0 && all_on 2 0'
# spread: vCPU 0's set (the data slots, 1024 pages sampled) on node 0, vCPU 1's running set on node 1
expect "spread: vCPU 0 on CPU 0, vCPU 1 on CPU 1" threads 3 0 1
expect "spread: vCPU 0's working set on node 0" test "$(at 3 actual.mem_pages_by_node.0)" = 1024
expect "spread: vCPU 1's working set on node 1" test "$(at 3 actual.mem_pages_by_node.1)" -gt 0
# interleave: at least 30% of the sampled pages on each node
share() { awk -v n="$(at 4 actual.mem_pages_by_node."$1")" -v t="$(at 4 actual.pages_sampled)" 'BEGIN { exit !(n >= 0.3 * t) }'; }
expect "interleave: at least 30% of sampled pages on node 0" share 0
expect "interleave: at least 30% of sampled pages on node 1" share 1
expect "no placement warning" eval '! grep -q "does not match the plan" "$work/list.err"'
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
