#!/usr/bin/env bash
# Before/after a kernel change in one command: the default matrix in two kernels through
# the lab, then compare tables and plots.
#   scripts/kernel-ab.sh [BASE NEW] [-- RUN OPTIONS]
# BASE and NEW are what `scripts/lab.sh --kernel` takes (default: 6.1 6.12, Debian's
# kernels before and after the patch; or two bzImages, with MSB_AB_BASE_MODULES /
# MSB_AB_NEW_MODULES naming their modules dirs). RUN OPTIONS go to every
# `memslot-bench run` (e.g. --reps 30). Writes results/ab-<base>-<new>-<date>/.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
usage() { sed -n '2,9s/^# \{0,1\}//p' "$0"; }
base=6.1 new=6.12
if [[ $# -gt 0 && $1 != -- ]]; then
	[[ $1 == -h || $1 == --help ]] && { usage; exit 0; }
	[[ $# -ge 2 && $2 != -- ]] || { echo "kernel-ab.sh: give both BASE and NEW (or neither)" >&2; exit 2; }
	base=$1 new=$2
	shift 2
fi
[[ $# -gt 0 ]] && { [[ $1 == -- ]] || { echo "kernel-ab.sh: unexpected '$1' (run options go after --)" >&2; exit 2; }; shift; }
run_opts=("$@")

# shellcheck source=scripts/deps.sh
. "$src/scripts/deps.sh"
msb_install_deps
msb_build "$src"
export MSB_BIN=${MSB_BUILD_DIR:-$src/build}/bench/memslot-bench
"$MSB_BIN" run --help > /dev/null

tag() { basename "$1" | tr -c 'A-Za-z0-9._+\n-' '_'; }
out=$src/results/ab-$(tag "$base")-$(tag "$new")-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out/base" "$out/new"
echo "kernel-ab: $base vs $new; results in $out" >&2

# Small and large guest, both variants (zap-slot is reported unsupported where the
# kernel lacks the quirk), delete and move of an unrelated slot.
matrix() { # DIR
	local common=(--guest-mem "256M,1G" --host-mem 256M --rounds 5 --reps 4 --warmup 1 --quiet
		"${run_opts[@]}")
	"$MSB_BIN" run delete "${common[@]}" --json "$1/delete.json"
	"$MSB_BIN" run move "${common[@]}" --json "$1/move.json"
}
for side in base new; do
	kernel=${!side}
	modules_var=MSB_AB_${side^^}_MODULES
	mods=()
	[[ -n ${!modules_var:-} ]] && mods=(--modules "${!modules_var}")
	# shellcheck disable=SC2016 # $1 and $@ expand in the guest's bash
	"$src/scripts/lab.sh" --kernel "$kernel" "${mods[@]}" --mem 3G --out "$out/$side" \
		--timeout 3000 -- bash -c "$(declare -f matrix)"'; d=$1; shift; run_opts=("$@"); matrix "$d"' \
		_ "$out/$side" "${run_opts[@]}" \
		| tee "$out/$side/run.txt"
done
"$src/scripts/report.sh" kernels "$out/base" "$out/new" "$out"
echo "kernel-ab: $out"
