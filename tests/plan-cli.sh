#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The NUMA planner from the command line, for machines this one is not: info --topology
# and run --plan --topology on a synthetic description and on tests/data/topo's XML
# (with a distance matrix); every bad placement input exits 2 with one line naming the
# option, before any VM. No KVM.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/cli-lib.sh
. "$top_srcdir/tests/cli-lib.sh"
X=$D/topo/2pack-4node.xml

expect 0 "$B" info --topology "$X"
has "4 NUMA node(s)"
has "numa node 3:  cpus 24-31"
has "hwloc NUMA latency matrix"
grep -qE '^ +2 +21 +21 +10 +12$' "$T/out" || bad "info --topology: no distance row of node 2"
expect 0 "$B" info --topology "pack:2 numa:2 core:8 pu:2" --json
has '"numa_nodes":4'
has '"distances_source":"derived from the tree"'
expect 2 "$B" info --topology "pack:two"
one_line_err
err_has "--topology"

expect 0 "$B" run delete --plan --topology "$X" --vcpus 2 \
	--numa default,local,remote,remote-ioctl,spread,interleave,1:3
for l in default local remote remote-ioctl spread interleave 1:3; do has "layout $l:"; done
has "bind to node 2 (distance 21 from node 0, hwloc matrix)"
has "interleave over nodes 0,1,2,3"
grep -A1 '^layout remote-ioctl:' "$T/out" | grep -q 'ioctl thread  CPU 16 (node 2)' ||
	bad "remote-ioctl: the ioctl thread is not on node 2"
grep -A3 '^layout spread:' "$T/out" | grep -q 'vCPU 1        CPU 8 (node 1)' ||
	bad "spread: vCPU 1 is not on node 1"
[ -s "$T/err" ] && bad "--plan wrote to stderr: $(cat "$T/err")"
expect 0 "$B" run delete --plan --topology "pack:1 numa:1 core:2 pu:1" --numa local,remote-ioctl
has "layout remote-ioctl: cannot: --numa remote-ioctl needs 2 NUMA nodes with CPUs, this machine has 1"
expect 0 "$B" run delete --plan --topology "$X" --vcpu-cpus 8-9 --mem-nodes 3 --ioctl-cpu 16
has "layout explicit:"
has "ioctl thread  CPU 16 (node 2)"

# bad input: exit 2, one line naming the option
bad_input() { # WHAT ARGS...
	what=$1
	shift
	expect 2 "$B" run delete "$@"
	one_line_err
	err_has "$what"
}
bad_input "spread, interleave, CPU_NODE:MEM_NODE" --numa nearby
bad_input "--numa 'nearby'" --plan --numa local,nearby
bad_input "--mem-nodes 7" --plan --topology "$X" --vcpu-cpus 0 --mem-nodes 7
bad_input "--vcpu-cpus 0-999" --plan --topology "$X" --vcpu-cpus 0-999 --mem-nodes 0
bad_input "--ioctl-cpu '-1'" --plan --topology "$X" --vcpu-cpus 0 --mem-nodes 0 --ioctl-cpu -1
bad_input "--topology" --plan --topology "pack:two"
bad_input "--topology" --plan --topology /nonexistent/machine.xml
bad_input "not with --numa local" --plan --numa local --vcpu-cpus 0 --mem-nodes 0
bad_input "--topology $X: only with --plan" --topology "$X"
bad_input "node 9 does not exist" --plan --topology "$X" --numa 0:9
[ "$fail" = 0 ] && echo "plan cli: all checks passed"
exit "$fail"
