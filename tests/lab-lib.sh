# shellcheck shell=bash disable=SC2034 # sets variables for the scripts that source it
# Shared by the lab tests (sourced): they boot kernels in the QEMU lab whether or not the
# host has /dev/kvm, and skip (77) only where the lab cannot run at all.
set -euo pipefail
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
# scripts/lab.sh, retried once when the emulated guest kernel itself fails (exit 125),
# as in kvm-run.sh: then the test never ran.
lab() {
	local rc=0
	"$top_srcdir/scripts/lab.sh" "$@" || rc=$?
	if [[ $rc == 125 ]]; then
		echo "lab-test: the lab guest failed (exit 125); retrying once"
		rc=0
		"$top_srcdir/scripts/lab.sh" "$@" || rc=$?
	fi
	return "$rc"
}
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
