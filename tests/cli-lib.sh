# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2034 # sets variables for the scripts that source it
# Shared by the command-line tests that need no KVM (sourced after top_srcdir is set):
# a scratch directory $T, and checks that record a failure in $fail and go on.
set -u
top_builddir=${top_builddir:-$top_srcdir}
B=$top_builddir/bench/memslot-bench
D=$top_srcdir/tests/data
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0

bad() { echo "FAIL: $*" >&2; fail=1; }
# expect RC CMD...: run, keep stdout/stderr in $T/out, $T/err
expect() {
	want=$1; shift
	"$@" >"$T/out" 2>"$T/err"; rc=$?
	[ "$rc" = "$want" ] || bad "exit $rc, not $want: $*: $(cat "$T/err")"
}
has() { grep -qF -- "$1" "$T/out" || bad "output lacks '$1'"; }
err_has() { grep -qF -- "$1" "$T/err" || bad "stderr lacks '$1'"; }
one_line_err() { [ "$(wc -l <"$T/err")" = 1 ] || bad "error is not one line: $(cat "$T/err")"; }
