#!/usr/bin/env bash
# Install missing deps, build, run the default suite (scripts/suite.sh) and write
# results/<host>-<kernel>-<date>/. Where /dev/kvm is missing the suite runs in the QEMU
# lab (Debian 6.12, shadow MMU; MSB_LAB_KERNEL picks another) and says so.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/deps.sh
. "$src/scripts/deps.sh"
msb_install_deps
msb_build "$src"
build=${MSB_BUILD_DIR:-$src/build}
export MSB_BIN=$build/bench/memslot-bench
host=$(hostname -s 2>/dev/null || echo host)

if [[ ${MSB_LAB:-0} != 1 && -r /dev/kvm && -w /dev/kvm ]]; then
	out=$src/results/$host-$(uname -r)-$(date +%Y%m%d-%H%M%S)
	echo "run.sh: native KVM on $(uname -r); results in $out" >&2
	"$src/scripts/suite.sh" "$out"
else
	kernel=${MSB_LAB_KERNEL:-6.12}
	if [[ $kernel == */* ]]; then
		release=$(basename "$kernel") # a bzImage of the user's own
	else
		kp_out=$("$src/scripts/lab-kernel.sh" path "$kernel") || exit $?
		mapfile -t kp <<<"$kp_out"
		release=$(basename "${kp[1]}")
	fi
	out=$src/results/$host-lab-$release-$(date +%Y%m%d-%H%M%S)
	echo "run.sh: no usable /dev/kvm here: the suite runs in the QEMU lab (kernel $release);" \
		"its times are emulated, not hardware latency. Results in $out" >&2
	mkdir -p "$out"
	# 1 GiB of guest memory needs ~1.3 GiB in the lab VM (memfd, page tables, KVM's own).
	"$src/scripts/lab.sh" --kernel "$kernel" --mem 3G --out "$out" --timeout 3000 -- \
		"$src/scripts/suite.sh" "$out"
fi
# The cover-letter tables (zap-all vs zap-slot on this kernel) and the plots.
"$src/scripts/report.sh" variants "$out"
echo "run.sh: results in $out"
