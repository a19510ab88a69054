#!/usr/bin/env bash
# Install missing deps, build, run `make check` (unit tests + KVM tests, natively where
# /dev/kvm works, in the QEMU lab where it does not). Extra arguments go to make.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/deps.sh
. "$src/scripts/deps.sh"
msb_install_deps
msb_build "$src"
build=${MSB_BUILD_DIR:-$src/build}
rc=0
touch "$build/.check-start"
make -C "$build" check "$@" || rc=$?
# One closing line a CI reader can trust, from automake's own .trs files.
pass=0 fail=0 skip=0
while IFS= read -r res; do
	case $res in
	PASS|XFAIL) pass=$((pass + 1)) ;;
	SKIP) skip=$((skip + 1)) ;;
	*) fail=$((fail + 1)) ;;
	esac
done < <(find "$build/tests" -name '*.trs' -newer "$build/.check-start" \
	-exec sed -n 's/^:test-result: //p' {} +)
if [[ $rc != 0 ]]; then
	{ find "$build/tests" -name '*.log' -newer "$build/.check-start" \
		-exec grep -l '^FAIL\|^ERROR' {} + || true; } |
		while read -r log; do echo "==== $log"; tail -n 40 "$log"; done
fi
echo "$pass passed, $fail failed, $skip skipped"
exit "$rc"
