# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2154 # top_srcdir: set by the sourcing script
# lab_retry ARGS...: scripts/lab.sh ARGS, once more when the emulated guest kernel itself
# failed (exit 7: a panic, 125: an init error), because then the test never ran. Sourced.
lab_retry() {
	local rc=0
	"$top_srcdir/scripts/lab.sh" "$@" || rc=$?
	if [[ $rc == 7 || $rc == 125 ]]; then
		echo "lab: the lab guest failed before the test finished (exit $rc); retrying once"
		rc=0
		"$top_srcdir/scripts/lab.sh" "$@" || rc=$?
	fi
	return "$rc"
}
