#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install missing deps, build, run `make check` (unit tests + KVM tests, natively where
# /dev/kvm works, in the QEMU lab where it does not). See --help.
set -euo pipefail

usage() {
	cat <<'EOF'
Usage: scripts/test.sh [--kernel K] [--out DIR] [--quick] [-- MAKE ARGS]

Installs missing Debian packages (as root, with apt-get; otherwise prints the
apt-get line and stops), builds (autoreconf, configure, make) and runs
`make check`: unit tests, command-line tests, and the KVM and lab tests,
natively where /dev/kvm works, else in the QEMU lab (about 6 minutes here;
--quick well under one). Ends with the tail of each failing test's log and
one line "N passed, N failed, N skipped".

Options:
  --kernel K     lab kernel for the KVM tests run through tests/kvm-run.sh
                 (sets MSB_LAB_KERNEL; default 6.12; the lab-*.sh tests boot
                 the kernels they are about)
  --out DIR      build tree, where the test logs land (sets MSB_BUILD_DIR;
                 default build/)
  --quick        only the tests that need no KVM and no lab (unit and
                 command-line tests): make check KVM_TEST_LIST=
  -h, --help     this text
  -- MAKE ARGS   passed to make check, e.g. -- TESTS=tests/lab-612.sh

Exit status:
  0    every test passed (or was skipped)
  1    a test failed, or the build failed
  2    bad usage, or packages missing and not root
EOF
}

# shellcheck source=scripts/cli.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli.sh"

# Sets kernel, out, quick and make_args.
parse_args() {
	kernel='' out='' quick=0 make_args=()
	cli_parse "--kernel --out" --quick make_args "; make arguments go after --" '' "$@"
}

# One closing line a CI reader can trust, from automake's own .trs files; the end of
# each failing test's log first.
summarise() { # RC
	local res log pass=0 fail=0 skip=0
	while IFS= read -r res; do
		case $res in
		PASS | XFAIL) pass=$((pass + 1)) ;;
		SKIP) skip=$((skip + 1)) ;;
		*) fail=$((fail + 1)) ;;
		esac
	done < <(find "$build/tests" -name '*.trs' -newer "$build/.check-start" \
		-exec sed -n 's/^:test-result: //p' {} +)
	if [[ $1 != 0 ]]; then
		{ find "$build/tests" -name '*.log' -newer "$build/.check-start" \
			-exec grep -l '^FAIL\|^ERROR' {} + || true; } |
			while read -r log; do
				echo "==== $log"
				tail -n 40 "$log"
			done
	fi
	echo "$pass passed, $fail failed, $skip skipped"
}

main() {
	local rc=0
	parse_args "$@"
	src=$(cd "$(dirname "$0")/.." && pwd)
	if [[ -n $out ]]; then
		mkdir -p "$out"
		MSB_BUILD_DIR=$(cd "$out" && pwd -P)
		export MSB_BUILD_DIR
	fi
	[[ -z $kernel ]] || export MSB_LAB_KERNEL=$kernel
	if ((quick)); then
		make_args=(KVM_TEST_LIST= "${make_args[@]}")
	fi
	# shellcheck source=scripts/deps.sh
	. "$src/scripts/deps.sh"
	msb_install_deps
	msb_build "$src"
	build=${MSB_BUILD_DIR:-$src/build}
	touch "$build/.check-start"
	make -C "$build" check "${make_args[@]}" || rc=$?
	summarise "$rc"
	[[ $rc == 0 ]] || exit 1
}

main "$@"
