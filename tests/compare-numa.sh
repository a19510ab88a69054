#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# compare and NUMA, no KVM: files whose topologies differ (a node's CPUs or memory, the
# distance matrix) are refused as one host (exit 2, one line, --any-host overrides); a
# multi-layout file (the 2-node lab's run --numa LIST) pairs runs only within a layout,
# and --layouts BASE,NEW compares two of its layouts.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/cli-lib.sh
. "$top_srcdir/tests/cli-lib.sh"
A=$D/result-612-a.json
L=$D/topo/lab-2node-layouts.json

# Another node CPU set, another node size, another distance matrix: not one host.
sed 's/"cpus": "0-1"/"cpus": "0"/' "$A" >"$T/cpus.json"
expect 2 "$B" compare "$A" "$T/cpus.json"
err_has "different NUMA topologies: node 0 has CPUs 0-1 vs 0 (use --any-host"
one_line_err
expect 0 "$B" compare --any-host "$A" "$T/cpus.json"
sed '/"os_index": 0,/{n;s/"memory_bytes": 2069684224/"memory_bytes": 4139368448/}' "$A" >"$T/mem.json"
expect 2 "$B" compare "$A" "$T/mem.json"
err_has "node 0 has 1.93 GiB vs 3.86 GiB of memory"
sed 's/"numa_nodes": 1,/"numa_nodes": 1, "distances": [[10]],/' "$A" >"$T/d10.json"
sed 's/"numa_nodes": 1,/"numa_nodes": 1, "distances": [[11]],/' "$A" >"$T/d11.json"
expect 0 "$B" compare "$T/d10.json" "$A"
expect 2 "$B" compare "$T/d10.json" "$T/d11.json"
err_has "different NUMA topologies: distances [[10]] vs [[11]]"
# The same topology (an older file without a matrix against one with it): one host.
expect 0 "$B" compare "$A" "$A"

# A file of six layouts: --variants pairs zap-all and zap-slot within each layout.
expect 0 "$B" compare --variants zap-all,zap-slot "$L"
for l in local remote remote-ioctl spread interleave; do
	grep -q "^delete .*layout={.*\"numa\":\"$l\"" "$T/out" || bad "no block of layout $l"
done
[ "$(grep -c '^delete ' "$T/out")" = 6 ] || bad "not one block a layout: $(grep '^delete ' "$T/out")"
# --layouts local,remote: remote's runs against local's, variant by variant. The header
# wraps at 72 columns wherever the file's path puts it: a short relative name keeps the
# layout tags on one line.
cp "$L" "$T/l.json"
# shellcheck disable=SC2016 # $1 and $2 are the inner shell's
expect 0 sh -c 'cd "$1" && "$2" compare --layouts local,remote l.json' sh "$T" "$B"
has "[--numa local]"
has "[--numa remote]"
[ "$(grep -c '^delete zap-' "$T/out")" = 2 ] || bad "--layouts: not one block a variant"
grep -A2 '^  delete_ns ' "$T/out" | grep -q '97.1% CI, 4 vs 4 VMs' || bad "--layouts: no interval over 4 vs 4 VMs"
exit $fail
