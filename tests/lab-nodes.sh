#!/usr/bin/env bash
# shellcheck disable=SC2016 # "$1" expands in the guest's sh, on purpose
# --nodes 2: the guest sees two NUMA nodes with a CPU each.
# shellcheck source=tests/lab-lib.sh
. "$(dirname "$0")/lab-lib.sh"
lab --nodes 2 --cpus 2 --out "$work" -- sh -c 'memslot-bench info > "$1/info.txt"' sh "$work"
cat "$work/info.txt"
expect "two NUMA nodes" grep -Eq '^topology: .* 2 NUMA node' "$work/info.txt"
expect "node 1 has a CPU" grep -Eq '^numa node 1: +cpus 1' "$work/info.txt"
finish
