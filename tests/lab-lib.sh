# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # sets variables for the scripts that source it
# Shared by the lab tests (sourced): they boot kernels in the QEMU lab whether or not the
# host has /dev/kvm, and skip (77) only where the lab cannot run at all.
set -euo pipefail
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source=tests/lab-retry.sh
. "$top_srcdir/tests/lab-retry.sh"
lab() { lab_retry "$@"; }
msb=$top_builddir/bench/memslot-bench
jg=$top_builddir/tests/json_get
export MSB_LAB_PATH=$top_builddir/bench
if ! why=$("$top_srcdir/scripts/lab.sh" --check 2>&1); then
	echo "SKIP: the QEMU lab cannot run here: $why"
	exit 77
fi
work=$(mktemp -d "$top_builddir/tests/lab.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0
expect() { # expect DESCRIPTION COMMAND...: the command must succeed
	local what=$1
	shift
	if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; failures=$((failures + 1)); fi
}
finish() { [[ $failures == 0 ]] && echo "all lab checks passed" || exit 1; }
