#!/usr/bin/env bash
# Install missing deps, build, run the default suite and write
# results/<host>-<kernel>-<date>/. Where /dev/kvm is missing the suite runs in the QEMU
# lab (Debian 6.12, shadow MMU) and says so.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/deps.sh
. "$src/scripts/deps.sh"
msb_install_deps
msb_build "$src"
build=${MSB_BUILD_DIR:-$src/build}
bin=$build/bench/memslot-bench

if [[ ${MSB_LAB:-0} != 1 && -r /dev/kvm && -w /dev/kvm ]]; then
	where=native
	kernel=$(uname -r)
	in_env() { "$@"; }
else
	where=lab
	kernel=${MSB_LAB_KERNEL:-6.12}
	echo "run.sh: no usable /dev/kvm here: running the suite in the QEMU lab (kernel $kernel);" \
		"its times are emulated, not hardware latency" >&2
	in_env() { MSB_LAB_PATH=$build/bench "$src/scripts/lab.sh" --kernel "$kernel" --out "$out" -- "$@"; }
fi
out=$src/results/$(hostname -s)-$where-$kernel-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
in_env memslot-bench info --json > "$out/info.json"
in_env memslot-bench info | tee "$out/info.txt"
echo "run.sh: results in $out"
