#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Before/after a kernel change in one command: the A/B matrix in two kernels through the
# lab, then compare tables and plots. The scenarios come from the program
# (`memslot-bench run --list ab`). See --help.
set -euo pipefail

usage() {
	cat <<'EOF'
Usage: scripts/kernel-ab.sh [--out DIR] [-j N] [--sshloginfile F] [BASE NEW]
                            [-- RUN OPTIONS]

Runs the A/B matrix in the QEMU lab on two kernels, then the report
(scripts/report.sh kernels: report.txt/.md and plots). The matrix: every
scenario of `memslot-bench run --list ab`, both variants (zap-slot is
reported unsupported where the kernel lacks the quirk), as
  memslot-bench run SCENARIO --guest-mem 256M,1G --host-mem 256M --rounds 5
      --reps 4 --warmup 1 --quiet RUN OPTIONS... --json DIR/SCENARIO.json
Each kernel's matrix is one lab job (one boot: its rounds interleave the
variants in one result file per scenario, which the report reads); the two
jobs run through GNU parallel, here or on the hosts of --sshloginfile.
Like run.sh it first installs missing Debian packages (root) and builds
(unless MSB_BIN names a memslot-bench). Interrupted (SIGINT/TERM/HUP), it
ends the lab and its QEMU before it exits (130/143/129).

Arguments:
  BASE NEW       what `scripts/lab.sh --kernel` takes (default: 6.1 6.12,
                 Debian's kernels before and after the patch); for two
                 bzImages, MSB_AB_BASE_MODULES / MSB_AB_NEW_MODULES name
                 their lib/modules/VERSION dirs
Options:
  --out DIR      results directory (default results/ab-BASE-NEW-DATE/):
                 DIR/base/ and DIR/new/ hold the result files and run.txt
  -j, --jobs N   lab jobs at once here (default 1: the kernels one after
                 the other, so that neither's times include the other's load;
                 -j 2 on 4+ CPUs halves the wall time)
  --sshloginfile F
                 run the jobs on the hosts in F (GNU parallel's format); each
                 host needs this tree, MSB_BIN, the lab's kernel cache and DIR
                 at the same paths (e.g. NFS); MSB_* variables go with them
  -h, --help     this text
  -- RUN OPTIONS passed to every memslot-bench run (e.g. -- --reps 30)

Exit status:
  0    done
  1    the build failed, or memslot-bench cannot list the A/B scenarios
  2    bad usage, or packages missing and not root
  other  lab.sh's status (3 lab cannot run here, 4 no KVM in the guest,
       124 timeout, 125 guest failed) or a failed memslot-bench run's
EOF
}

# shellcheck source=scripts/cli.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli.sh"
# shellcheck source=scripts/ab-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/ab-lib.sh"

add_kernel() { kernels+=("$1"); } # WORD: BASE or NEW, into parse_args' kernels

# Sets base, new, out, jobs, sshloginfile and run_opts.
parse_args() {
	local -a kernels=() args=()
	base=6.1 new=6.12 out='' run_opts=() jobs=1 sshloginfile=''
	while (($#)) && [[ $1 != -- ]]; do # -j is --jobs here, --json after --
		case $1 in
		-j) args+=(--jobs) ;;
		--out | --jobs | --sshloginfile) # the value stays as it is; missing: cli_parse says so
			args+=("$1")
			(($# < 2)) || { args+=("$2") && shift; }
			;;
		*) args+=("$1") ;;
		esac
		shift
	done
	cli_parse "--out --jobs --sshloginfile" '' run_opts "; run options go after --" \
		add_kernel "${args[@]}" "$@"
	case ${#kernels[@]} in
	0) ;;
	2) base=${kernels[0]} new=${kernels[1]} ;;
	*) die 2 "give both BASE and NEW (or neither)" ;;
	esac
	[[ $jobs =~ ^[0-9]+$ ]] || die 2 "--jobs '$jobs': not a number"
	((jobs >= 1)) || jobs=1
	[[ -z $sshloginfile || -r $sshloginfile ]] ||
		die 2 "--sshloginfile '$sshloginfile': no such file"
}

tag() { basename "$1" | tr -c 'A-Za-z0-9._+\n-' '_'; }

# Sets scenarios: `memslot-bench run --list ab`, one name per line.
load_matrix() {
	local list s
	list=$("$MSB_BIN" run --list ab) ||
		die 1 "'$MSB_BIN run --list ab' failed: this memslot-bench cannot list its A/B scenarios"
	scenarios=()
	while read -r s; do
		[[ -n $s ]] || continue
		[[ $s =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] ||
			die 1 "bad scenario name '$s' from '$MSB_BIN run --list ab'"
		scenarios+=("$s")
	done <<<"$list"
	[[ ${#scenarios[@]} -gt 0 ]] || die 1 "'$MSB_BIN run --list ab' listed no scenarios"
}

# Runs in the guest (declare -f), with scenarios and run_opts declared there too:
# small and large guest, every scenario; all run, the first failure is the status.
matrix() { # DIR
	local s r rc=0 common=(--guest-mem "256M,1G" --host-mem 256M --rounds 5 --reps 4 --warmup 1
		--quiet "${run_opts[@]}")
	for s in "${scenarios[@]}"; do
		r=0
		"$MSB_BIN" run "$s" "${common[@]}" --json "$1/$s.json" || r=$?
		[[ $rc != 0 ]] || rc=$r
	done
	return "$rc"
}

run_side() { # SIDE KERNEL: the matrix in the lab on KERNEL into $out/SIDE
	local side=$1 kernel=$2 modules_var
	local -a mods=()
	modules_var=MSB_AB_${side^^}_MODULES
	[[ -n ${!modules_var:-} ]] && mods=(--modules "${!modules_var}")
	mkdir -p "$out/$side"
	# shellcheck disable=SC2016 # $1 expands in the guest's bash
	bash -c 'set -o pipefail; f=$1; shift; "$@" | tee "$f"' _ "$out/$side/run.txt" \
		"$src/scripts/lab.sh" --kernel "$kernel" "${mods[@]}" --mem 3G --out "$out/$side" \
		--timeout 3000 -- bash -c "$(declare -p scenarios run_opts); $(declare -f matrix)"'; matrix "$1"' \
		_ "$out/$side"
}

# --run-job OUT SIDE: one kernel's lab job (GNU parallel runs it, maybe on another
# host); its status goes to OUT/SIDE/status.
run_job() {
	local rc=0
	out=$1
	src=$(cd "$(dirname "$0")/.." && pwd)
	# shellcheck source=/dev/null
	. "$out/job.conf"
	if [[ $2 == base ]]; then
		run_side base "$base" || rc=$?
	else
		run_side new "$new" || rc=$?
	fi
	echo "$rc" >"$out/$2/status"
	return "$rc"
}

# The two jobs through GNU parallel; the first failed one's status is ours.
run_jobs() {
	local -a par
	local side st
	declare -p scenarios run_opts base new >"$out/job.conf"
	printf '%s\n' base new >"$out/jobs.txt"
	rm -f "$out/base/status" "$out/new/status"
	ab_parallel par "$jobs" "$sshloginfile" "$out"
	in_group "${par[@]}" "$src/scripts/kernel-ab.sh" --run-job "$out" '{1}' :::: "$out/jobs.txt" ||
		true
	for side in base new; do
		st=$(cat "$out/$side/status" 2>/dev/null || echo 3)
		((st == 0)) || die "$st" "the $side kernel's lab job failed (exit $st): see $out/$side/run.txt"
	done
}

main() {
	if [[ ${1:-} == --run-job ]]; then
		run_job "$2" "$3"
		return
	fi
	parse_args "$@"
	src=$(cd "$(dirname "$0")/.." && pwd)
	command -v parallel >/dev/null || die 3 "GNU parallel not found (apt-get install parallel)"
	ab_traps kernel-ab
	if [[ -z ${MSB_BIN:-} ]]; then
		# shellcheck source=scripts/deps.sh
		. "$src/scripts/deps.sh"
		msb_install_deps
		msb_build "$src"
		export MSB_BIN=${MSB_BUILD_DIR:-$src/build}/bench/memslot-bench
	fi
	load_matrix
	[[ -n $out ]] || out=$src/results/ab-$(tag "$base")-$(tag "$new")-$(date +%Y%m%d-%H%M%S)
	mkdir -p "$out"
	out=$(cd "$out" && pwd -P)
	echo "kernel-ab: $base vs $new (${scenarios[*]}); results in $out; $jobs lab job(s) at once" >&2
	run_jobs
	"$src/scripts/report.sh" kernels "$out/base" "$out/new" "$out"
	echo "kernel-ab: $out"
}

main "$@"
