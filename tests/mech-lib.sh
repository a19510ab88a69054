# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # sets variables for the scripts that source it
# Shared by the mechanism tests that run in the KVM environment (sourced).
set -euo pipefail
: "${top_builddir:?set by make check / kvm-run.sh}"
msb=$top_builddir/bench/memslot-bench
jg=$top_builddir/tests/json_get
work=$(mktemp -d "$top_builddir/tests/mech.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0

# assert EXPR DESCRIPTION: awk-evaluated numeric condition.
assert() {
	if awk "BEGIN { exit !($1) }"; then
		echo "ok: $2"
	else
		echo "FAIL: $2 ($1)"
		failures=$((failures + 1))
	fi
}
# val FILE RUN METRIC FIELD: a summary field of a run's metric.
val() { "$jg" "$1" "runs.$2.metrics.$3.summary.$4"; }
finish() { [[ $failures == 0 ]] && echo "all mechanism checks passed" || exit 1; }
