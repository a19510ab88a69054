#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A guest #PF ends the run with one line naming the exit, the vector and the guest RIP.
set -u
out=$("$(dirname "$0")/kvm-run.sh" "${top_builddir:-.}/tests/kvm_fault" 2>&1)
rc=$?
echo "$out"
[[ $rc == 77 ]] && exit 77
grep -Eq 'guest exception on vCPU 0 .*exit IO port 0x11, vector 14 #PF, error code 0x[0-9a-f]+, guest RIP 0x[0-9a-f]+, CR2 0x0$' <<<"$out" ||
	{ echo "FAIL: no exception line with vector 14 #PF, RIP and CR2 0 (exit $rc)"; exit 1; }
[[ $rc == 1 ]] || { echo "FAIL: exit status $rc, not 1"; exit 1; }
echo "ok: #PF reported with vector, error code, RIP and CR2"
