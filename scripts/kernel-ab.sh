#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Before/after a kernel change in one command: the A/B matrix in two kernels through the
# lab, then compare tables and plots. The scenarios come from the program
# (`memslot-bench run --list ab`). See --help.
set -euo pipefail

usage() {
	cat <<'EOF'
Usage: scripts/kernel-ab.sh [--out DIR] [--rounds N] [-j N] [--sshloginfile F]
                            [BASE NEW] [-- RUN OPTIONS]
       scripts/kernel-ab.sh --report-only DIR

Runs the A/B matrix in the QEMU lab on two kernels, then the report
(scripts/report.sh kernels: report.txt/.md and plots). The matrix: every
scenario of `memslot-bench run --list ab`, both variants (zap-slot is
reported unsupported where the kernel lacks the quirk). The work is a list
of independent lab jobs, kernel x variant x round (DIR/jobs.txt, ABBA order
so that drift does not fall on one kernel), each one lab boot running
  memslot-bench run SCENARIO --guest-mem 256M,1G --host-mem 256M
      --variants VARIANT --rounds 1 --reps 4 --warmup 1 --quiet
      RUN OPTIONS... --json DIR/jobs/SIDE-VARIANT-rROUND/SCENARIO.json
for every scenario. GNU parallel runs the jobs, here or on the hosts of
--sshloginfile; `memslot-bench merge` then joins each kernel's jobs into
DIR/base/SCENARIO.json and DIR/new/SCENARIO.json (each job's VMs numbered
after the others: the VM stays the unit). Like run.sh it first installs
missing Debian packages (root) and builds (unless MSB_BIN names a
memslot-bench). Interrupted (SIGINT/TERM/HUP), it ends the lab and its
QEMU before it exits (130/143/129).

Arguments:
  BASE NEW       what `scripts/lab.sh --kernel` takes (default: 6.1 6.12,
                 Debian's kernels before and after the patch); for two
                 bzImages, MSB_AB_BASE_MODULES / MSB_AB_NEW_MODULES name
                 their lib/modules/VERSION dirs
Options:
  --out DIR      results directory (default results/ab-BASE-NEW-DATE/):
                 DIR/jobs/ one directory per job (result files, run.txt,
                 status), DIR/base/ and DIR/new/ the merged result files
  --rounds N     VMs a variant and size per kernel = jobs a variant per
                 kernel (default 5; compare tests from 4 a side)
  -j, --jobs N   lab jobs at once here, or on each host of --sshloginfile
                 (default 1: one after the other, so that no job's times
                 include another's load; -j 2 on 4+ CPUs halves the wall
                 time)
  --sshloginfile F
                 run the jobs on the hosts in F (GNU parallel's format; a
                 host's N/ does not change -j); each host needs this tree,
                 MSB_BIN, the lab's kernel cache and DIR at the same paths
                 (e.g. NFS); MSB_* variables go with them
  --report-only DIR
                 merge DIR's jobs and write the report again (no lab)
  -h, --help     this text
  -- RUN OPTIONS passed to every memslot-bench run (e.g. -- --reps 30)

Exit status:
  0    done
  1    the build failed, memslot-bench cannot list the A/B scenarios, a
       job did not run or left no result file, or the jobs' result files
       cannot be merged
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

# Sets base, new, out, rounds, jobs, sshloginfile and run_opts.
parse_args() {
	local -a kernels=() args=()
	base=6.1 new=6.12 out='' run_opts=() jobs=1 sshloginfile='' rounds=5
	while (($#)) && [[ $1 != -- ]]; do # -j is --jobs here, --json after --
		case $1 in
		-j) args+=(--jobs) ;;
		--out | --jobs | --sshloginfile | --rounds) # the value stays as it is; missing: cli_parse says so
			args+=("$1")
			(($# < 2)) || { args+=("$2") && shift; }
			;;
		*) args+=("$1") ;;
		esac
		shift
	done
	cli_parse "--out --jobs --sshloginfile --rounds" '' run_opts "; run options go after --" \
		add_kernel "${args[@]}" "$@"
	case ${#kernels[@]} in
	0) ;;
	2) base=${kernels[0]} new=${kernels[1]} ;;
	*) die 2 "give both BASE and NEW (or neither)" ;;
	esac
	[[ $jobs =~ ^[0-9]+$ ]] || die 2 "--jobs '$jobs': not a number"
	((jobs >= 1)) || jobs=1
	[[ $rounds =~ ^[0-9]+$ ]] || die 2 "--rounds '$rounds': not a number from 1 to 1000"
	rounds=$((10#$rounds))
	((rounds >= 1 && rounds <= 1000)) || die 2 "--rounds '$rounds': not a number from 1 to 1000"
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
# small and large guest, every scenario, one VM a size; all run, the first failure is
# the status.
matrix() { # DIR VARIANT
	local s r rc=0 common=(--guest-mem "256M,1G" --host-mem 256M --variants "$2" --rounds 1
		--reps 4 --warmup 1 --quiet "${run_opts[@]}")
	for s in "${scenarios[@]}"; do
		r=0
		"$MSB_BIN" run "$s" "${common[@]}" --json "$1/$s.json" || r=$?
		[[ $rc != 0 ]] || rc=$r
	done
	return "$rc"
}

# jobs.txt: SIDE VARIANT ROUND per line; for each variant the kernel that goes first
# alternates from round to round (ABBA), so that drift over the run does not fall on
# one kernel, and in a round the two variants start with different kernels.
write_jobs() {
	local r v i
	for ((r = 1; r <= rounds; r++)); do
		i=0
		for v in zap-all zap-slot; do
			if (((r + i++) % 2)); then
				printf '%s %s %d\n' base "$v" "$r" new "$v" "$r"
			else
				printf '%s %s %d\n' new "$v" "$r" base "$v" "$r"
			fi
		done
	done >"$out/jobs.txt"
}

# --run-job OUT SIDE VARIANT ROUND: one lab boot (GNU parallel runs it, maybe on
# another host) into OUT/jobs/SIDE-VARIANT-rROUND; its status goes to status there.
run_job() {
	local side=$2 variant=$3 round=$4 kernel dir modules_var rc=0
	local -a mods=()
	out=$1
	src=$(cd "$(dirname "$0")/.." && pwd)
	# shellcheck source=/dev/null
	. "$out/job.conf"
	[[ $side == base ]] && kernel=$base || kernel=$new
	modules_var=MSB_AB_${side^^}_MODULES
	[[ -n ${!modules_var:-} ]] && mods=(--modules "${!modules_var}")
	dir=$out/jobs/$side-$variant-r$round
	rm -rf "$dir"
	mkdir -p "$dir"
	# shellcheck disable=SC2016 # $1, $2 expand in the guest's bash
	"$src/scripts/lab.sh" --kernel "$kernel" "${mods[@]}" --mem 3G --out "$dir" --timeout 3000 \
		-- bash -c "$(declare -p scenarios run_opts); $(declare -f matrix)"'; matrix "$1" "$2"' \
		_ "$dir" "$variant" >"$dir/run.txt" 2>&1 || rc=$?
	echo "$rc" >"$dir/status"
	echo "kernel-ab: job $side $variant round $round: exit $rc" >&2
	return "$rc"
}

# The jobs through GNU parallel; the first failed one's status is ours.
run_jobs() {
	declare -p scenarios run_opts base new >"$out/job.conf"
	rm -rf "${out:?}/jobs" # no job of an earlier run may pass for one of this run
	write_jobs
	ab_run_jobs kernel-ab "$src/scripts/kernel-ab.sh" "$out" "$jobs" "$sshloginfile" 1
}

# Each side's jobs, in jobs.txt order, joined per scenario into OUT/SIDE/SCENARIO.json.
merge_sides() {
	local side s line f
	local -a files
	for side in base new; do
		rm -rf "${out:?}/$side"
		mkdir -p "$out/$side"
		for s in "${scenarios[@]}"; do
			files=()
			while read -r line; do
				[[ $line == "$side "* ]] || continue
				f=$out/jobs/$(ab_job_dir "$line")/$s.json
				[[ -f $f ]] || die 1 "no $s results from lab job '$line' ($f): every job must have run every scenario"
				files+=("$f")
			done <"$out/jobs.txt"
			ab_join "$MSB_BIN" "$out/$side/$s.json" "${files[@]}" ||
				die 1 "the $side kernel's $s results cannot be merged (see above)"
		done
	done
}

report() {
	merge_sides
	"$src/scripts/report.sh" kernels "$out/base" "$out/new" "$out"
	echo "kernel-ab: $out"
}

# --report-only DIR: merge and report again from DIR's jobs and job.conf.
report_only() {
	out=$1
	[[ -f $out/job.conf && -f $out/jobs.txt ]] ||
		die 2 "--report-only '$out': no job.conf and jobs.txt there (not a kernel-ab directory)"
	# shellcheck source=/dev/null
	. "$out/job.conf"
	ab_check_jobs "$out" 1
	report
}

main() {
	src=$(cd "$(dirname "$0")/.." && pwd)
	if [[ ${1:-} == --run-job ]]; then
		run_job "$2" "$3" "$4" "$5"
		return
	fi
	if [[ ${1:-} == --report-only ]]; then
		[[ $# == 2 ]] || die 2 "usage: kernel-ab.sh --report-only DIR"
		: "${MSB_BIN:=${MSB_BUILD_DIR:-$src/build}/bench/memslot-bench}"
		report_only "$2"
		return
	fi
	parse_args "$@"
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
	report
}

main "$@"
