#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the KVM environment; see kvm-valgrind.sh.
set -euo pipefail
: "${top_builddir:?set by make check / kvm-run.sh}" "${top_srcdir:?}"
msb=$top_builddir/bench/memslot-bench
command -v valgrind >/dev/null || { echo "FAIL: valgrind not installed (scripts/deps.sh installs it)"; exit 1; }
# --vgdb=no: the lab's /tmp is 9p, where vgdb's shared-memory file cannot be mapped.
vg=(valgrind -q --vgdb=no --leak-check=full "--errors-for-leak-kinds=definite,indirect"
	--error-exitcode=1)
work=$(mktemp -d "$top_builddir/tests/vg.XXXXXX")
trap 'rm -rf "$work"' EXIT
"${vg[@]}" "$msb" info > /dev/null
"${vg[@]}" "$msb" run delete --guest-mem 16M --rounds 2 --reps 2 --warmup 0 --overhead-check \
	--quiet --json "$work/d.json" > /dev/null
"${vg[@]}" "$msb" compare --variants zap-all,zap-slot "$work/d.json" > /dev/null
"${vg[@]}" "$msb" compare "$top_srcdir/tests/data/result-612-a.json" \
	"$top_srcdir/tests/data/result-612-b.json" > /dev/null
echo "valgrind: info, run delete (2 VMs per variant, bare loop), compare: no errors, no leaks"
