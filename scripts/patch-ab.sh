#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# patch-ab.sh: what does a kernel patch do to memslot DELETE/MOVE? Builds the
# kernel (or KVM) with and without the patch (scripts/kernel-build.sh), runs the
# comparison in the QEMU lab on both as independent jobs through GNU parallel,
# and writes a cover-letter table. Exit status: compare's gate. See --help.
set -euo pipefail

PAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/ab-lib.sh
. "$PAB_DIR/ab-lib.sh"
# The builder; tests put a stand-in here.
KERNEL_BUILD=${MSB_KERNEL_BUILD:-$PAB_DIR/kernel-build.sh}

usage() {
	cat <<'EOF'
Usage: scripts/patch-ab.sh [--source 6.1|6.12|GIT_DIR@REV] --patch FILE...
                           [OPTIONS] [-- RUN OPTIONS]

Builds base (no patch) and patched the same way (scripts/kernel-build.sh:
the fast path where the patches touch only arch/x86/kvm/ and virt/kvm/, else
both full), then runs memslot-bench in the QEMU lab on both: every job is one
lab boot (side x MMU x round) running each scenario on one fresh VM, as
  memslot-bench run SCENARIO --guest-mem SIZE --variants zap-all --rounds 1
      --reps N --warmup W --quiet RUN OPTIONS... --json JOB/SCENARIO.json
Rounds alternate base/patched (ABBA). The jobs run through GNU parallel;
the per-VM samples of all jobs are then compared side against side with
`memslot-bench compare --samples` (the VM is the unit).

Writes into --out: report.txt (72 columns, for a cover letter), report.md,
compare-*.txt/.md (compare's own tables), plots/ (scripts/plot.sh, where
gnuplot is), base/ and patched/ (build.json: source, patches with subjects
and hashes, build path, config hash, compiler; lab-args), jobs/ (one result
file per scenario per job, with job.json naming the build it ran on),
samples/ (VM VALUE files), merged/ (each side's jobs joined per MMU and
scenario by `memslot-bench merge`) and jobs.txt.

Options:
  --source SRC       6.1 | 6.12 | GIT_DIR@REV (default 6.1)
  --patch FILE       the patch (repeatable: a series, applied in order)
  --full             build both sides the full way
  --rounds N         jobs (= VMs) a side per MMU (default 4; compare tests
                     from 4 a side)
  --reps N           measured repetitions a VM (default 5)
  --warmup N         discarded repetitions a VM (default 1)
  --guest-mem SIZE   guest memory (default 1G)
  --scenarios LIST   comma-separated (default delete,move)
  --mmu LIST         shadow, tdp or shadow,tdp (default shadow)
  --fail-on-regression PCT
                     exit 1 when a row's whole interval lies above +PCT%
                     (compare's gate, one invocation per row: no
                     correction across rows)
  --out DIR          results (default results/patch-ab-SOURCE-SUBJECT-DATE/)
  -j, --jobs N       lab jobs at once here, or on each host of
                     --sshloginfile (default: one per two of this machine's
                     CPUs, on every host)
  --sshloginfile F   spread the jobs over the hosts in F (GNU parallel's
                     format; a host's N/ does not change -j); each host needs
                     this tree, the build cache and --out at the same paths
                     (e.g. NFS)
  --lock FILE        hold FILE (flock) around each lab boot
  --timeout S        per lab boot (default 1800)
  -h, --help         this text
  -- RUN OPTIONS     passed to every memslot-bench run
Also: patch-ab.sh --report-only DIR [PCT] writes DIR's report again from
its files (and gates at PCT).

git bisect: `git bisect run scripts/patch-ab.sh ...` works: 0 = good,
1 = regression proven, 125 = the build failed (skip).

Exit status:
  0    no regression proven (or no gate)
  1    a regression proven (with --fail-on-regression)
  2    bad usage or input (kernel-build.sh's one line)
  3    nothing comparable (or a job that never ran, or jobs of one side
       that cannot be merged), or the lab cannot run here
  125  a build failed (its step and log named on stderr); for git bisect
       run: skip this revision
  other  the first failed lab job's status (scripts/lab.sh --help: 4 no
       KVM in the guest, 124 timeout, ...), or 130/143/129 when interrupted
       (the jobs' process group is killed: no QEMU is left behind)
EOF
}

die() { # CODE MESSAGE
	echo "patch-ab.sh: $2" >&2
	exit "$1"
}

is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }

# Sets the option globals; run_opts gets the words after --.
parse_args() {
	source=6.1 patches=() full=0 rounds=4 reps=5 warmup=1 guest_mem=1G
	scenarios=delete,move mmus=shadow gate='' out='' jobs=$(($(nproc) / 2))
	sshloginfile='' lock='' timeout=1800 run_opts=()
	((jobs >= 1)) || jobs=1
	while (($#)); do
		case $1 in
		-h | --help) usage; exit 0 ;;
		--) shift; run_opts=("$@"); break ;;
		--full) full=1; shift ;;
		--patch) [[ $# -ge 2 ]] || die 2 "option $1 needs a value"; patches+=("$2"); shift 2 ;;
		--source | --rounds | --reps | --warmup | --guest-mem | --scenarios | --mmu | \
			--fail-on-regression | --out | -j | --jobs | --sshloginfile | --lock | --timeout)
			[[ $# -ge 2 ]] || die 2 "option $1 needs a value"
			set_opt "$1" "$2"
			shift 2
			;;
		*) die 2 "unexpected '$1' (see --help; run options go after --)" ;;
		esac
	done
	validate
}

set_opt() { # OPTION VALUE
	case $1 in
	--source) source=$2 ;;
	--rounds) rounds=$2 ;;
	--reps) reps=$2 ;;
	--warmup) warmup=$2 ;;
	--guest-mem) guest_mem=$2 ;;
	--scenarios) scenarios=$2 ;;
	--mmu) mmus=$2 ;;
	--fail-on-regression) gate=$2 ;;
	--out) out=$2 ;;
	-j | --jobs) jobs=$2 ;;
	--sshloginfile) sshloginfile=$2 ;;
	--lock) lock=$2 ;;
	--timeout) timeout=$2 ;;
	esac
}

validate() {
	local m s
	((${#patches[@]})) || die 2 "no --patch given (what is to be compared?)"
	{ is_uint "$rounds" && ((rounds >= 1)); } || die 2 "bad --rounds '$rounds' (want >= 1)"
	{ is_uint "$reps" && ((reps >= 1)); } || die 2 "bad --reps '$reps' (want >= 1)"
	is_uint "$warmup" || die 2 "bad --warmup '$warmup' (want >= 0)"
	{ is_uint "$jobs" && ((jobs >= 1)); } || die 2 "bad --jobs '$jobs' (want >= 1)"
	{ is_uint "$timeout" && ((timeout >= 1)); } || die 2 "bad --timeout '$timeout' (want seconds)"
	[[ -z $gate || $gate =~ ^[0-9]+(\.[0-9]+)?$ ]] || die 2 "bad --fail-on-regression '$gate' (want a percentage)"
	for m in ${mmus//,/ }; do
		[[ $m == shadow || $m == tdp ]] || die 2 "bad --mmu '$m' (want shadow, tdp or both, comma-separated)"
	done
	for s in ${scenarios//,/ }; do
		[[ $s =~ ^[a-z]+$ ]] || die 2 "bad scenario '$s' in --scenarios"
	done
	[[ -z $sshloginfile || -r $sshloginfile ]] || die 2 "--sshloginfile '$sshloginfile': no such file"
	((rounds >= 4)) || echo "patch-ab: warning: --rounds $rounds: compare tests from 4 VMs a side" >&2
}

# ---- builds --------------------------------------------------------------------------

kb_args() { # extra kernel-build.sh args; the patches go last
	local p
	printf '%s\n' --source "$source"
	((full)) && echo --full
	for p in "$@"; do printf '%s\n' --patch "$p"; done
}

# Both sides the same way: the patched side's path decides (a full patch makes the
# base full too, so the compiler and config are not a difference).
pick_path() {
	local -a a
	mapfile -t a < <(kb_args "${patches[@]}")
	build_path=$("$KERNEL_BUILD" "${a[@]}" --dry-run | sed -n 's/^path //p') || exit $?
	[[ $build_path == full ]] && full=1
	return 0
}

build_side() { # SIDE PATCH...: build (or take from the cache) into $out/SIDE
	local side=$1 rc=0 dir
	shift
	local -a a
	mapfile -t a < <(kb_args "$@")
	echo "patch-ab: building $side" >&2
	in_group "$KERNEL_BUILD" "${a[@]}" >"$out/$side.dir" || rc=$?
	case $rc in
	0) ;;
	1) die 125 "the $side build failed (kernel-build.sh said which step, and where its log is)" ;;
	*) exit "$rc" ;;
	esac
	dir=$(tail -n1 "$out/$side.dir")
	rm -f "$out/$side.dir"
	mkdir -p "$out/$side"
	cp "$dir/build.json" "$dir/lab-args" "$out/$side/"
}

# ---- jobs ----------------------------------------------------------------------------

# jobs.txt: SIDE MMU ROUND per line; ABBA across rounds so that drift over the run
# does not fall on one side.
write_jobs() {
	local r m
	for ((r = 1; r <= rounds; r++)); do
		for m in ${mmus//,/ }; do
			if ((r % 2)); then
				printf '%s %s %d\n' base "$m" "$r" patched "$m" "$r"
			else
				printf '%s %s %d\n' patched "$m" "$r" base "$m" "$r"
			fi
		done
	done >"$out/jobs.txt"
}

# What a job needs besides its line (sourced by --run-job, here or on a remote host).
write_job_conf() {
	declare -p scenarios reps warmup guest_mem timeout lock run_opts rounds mmus >"$out/job.conf"
}

# The guest's side of a job: each scenario on one fresh VM.
# shellcheck disable=SC2317 # runs in the guest (declare -f)
guest_job() { # DIR
	local s rc=0 r
	for s in ${scenarios//,/ }; do
		r=0
		memslot-bench run "$s" --guest-mem "$guest_mem" --variants zap-all --rounds 1 \
			--reps "$reps" --warmup "$warmup" --quiet "${run_opts[@]}" --json "$1/$s.json" || r=$?
		((rc)) || rc=$r
	done
	return "$rc"
}

# --run-job OUT SIDE MMU ROUND: one lab boot; its status goes to JOB/status.
run_job() {
	local out=$1 side=$2 mmu=$3 round=$4 dir rc=0
	local -a largs cmd
	# shellcheck source=/dev/null
	. "$out/job.conf"
	mapfile -t largs <"$out/$side/lab-args"
	dir=$out/jobs/$side-$mmu-r$round
	rm -rf "$dir"
	mkdir -p "$dir"
	printf '{"side": "%s", "mmu": "%s", "round": %d, "host": "%s", "build": %s}\n' \
		"$side" "$mmu" "$round" "$(hostname -s)" "$(cat "$out/$side/build.json")" >"$dir/job.json"
	# shellcheck disable=SC2016 # $1 expands in the guest's bash
	cmd=("$PAB_DIR/lab.sh" "${largs[@]}" --mmu "$mmu" --mem 3G --out "$dir" --timeout "$timeout"
		-- bash -c "$(declare -p scenarios reps warmup guest_mem run_opts); $(declare -f guest_job)"'; guest_job "$1"' _ "$dir")
	[[ -z $lock ]] || cmd=(flock "$lock" "${cmd[@]}")
	"${cmd[@]}" >"$dir/run.txt" 2>&1 || rc=$?
	echo "$rc" >"$dir/status"
	echo "patch-ab: job $side $mmu round $round: exit $rc" >&2
	return "$rc"
}

# 3 for a job that never ran: 1 would tell git bisect the patch is bad.
run_jobs() { ab_run_jobs patch-ab "$PAB_DIR/patch-ab.sh" "$out" "$jobs" "$sshloginfile" 3; }

# ---- samples, comparison, report -----------------------------------------------------

# merged/SIDE-MMU-SCENARIO.json: each side's jobs joined by `memslot-bench merge` (every
# VM kept apart; a job of another build or host is refused: exit 3), for compare,
# kinds and export on the whole side. Jobs that did not run (a stopped run) are left out.
merge_results() {
	local side mmu s f
	local -a files
	rm -rf "$out/merged"
	mkdir -p "$out/merged"
	for side in base patched; do
		for mmu in ${mmus//,/ }; do
			for s in ${scenarios//,/ }; do
				mapfile -t files < <(printf '%s\n' "$out/jobs/$side-$mmu-r"*/"$s.json" | sort -V)
				[[ -f ${files[0]} ]] || files=() # no such job: the pattern came back
				f=$out/merged/$side-$mmu-$s.json
				((${#files[@]})) || continue
				ab_join "$msb" "$f" "${files[@]}" ||
					die 3 "the $side side's $mmu $s jobs cannot be merged (see above)"
			done
		done
	done
}

# samples/MMU-SCENARIO-VARIANT-METRIC.SIDE.txt: "VM VALUE" over all jobs (VM = round
# x 1000 + the VM's index in its file, unique across jobs).
merge_samples() {
	local dir f side mmu round base
	rm -rf "$out/samples"
	mkdir -p "$out/samples"
	for dir in "$out"/jobs/*-r*; do
		base=$(basename "$dir")
		side=${base%%-*} round=${base##*-r}
		mmu=${base#*-}
		mmu=${mmu%-r*}
		for f in "$dir"/*.json; do
			[[ $(basename "$f") != job.json ]] || continue
			"$msb" export -F csv "$f" | awk -F, -v s="$out/samples" -v side="$side" \
				-v mmu="$mmu" -v r="$round" '
				NR > 1 {
					gsub(/"/, "")
					print r * 1000 + $5, $7 >> (s "/" mmu "-" $2 "-" $3 "-" $6 "." side ".txt")
				}'
		done
	done
}

# compare-KEY.{csv,txt,md} per row with both sides; sets gate_rc (1 when any row
# proves a regression, 3 when none was testable under the gate).
compare_rows() {
	local b key p rc tested=0 any=0
	local -a g=()
	[[ -z $gate ]] || g=(--fail-on-regression "$gate")
	gate_rc=0
	for b in "$out"/samples/*.base.txt; do
		[[ -f $b ]] || continue
		key=$(basename "$b" .base.txt)
		p=$out/samples/$key.patched.txt
		[[ -f $p ]] || continue
		any=1
		(cd "$out" && "$msb" compare --samples -F text "samples/$key.base.txt" "samples/$key.patched.txt" \
			>"compare-$key.txt")
		(cd "$out" && "$msb" compare --samples -F markdown "samples/$key.base.txt" "samples/$key.patched.txt" \
			>"compare-$key.md")
		rc=0
		(cd "$out" && "$msb" compare --samples -F csv "${g[@]}" "samples/$key.base.txt" \
			"samples/$key.patched.txt" >"compare-$key.csv") || rc=$?
		case $rc in
		0) tested=1 ;;
		1) tested=1 gate_rc=1 ;;
		3) ;;
		*) die 3 "memslot-bench compare failed on $key (exit $rc)" ;;
		esac
	done
	((any)) || die 3 "no scenario has results on both sides: see $out/jobs/*/run.txt"
	((tested || gate_rc)) || gate_rc=3
	return 0
}

json_field() { # FILE FIELD: a top-level string field of build.json
	sed -n "s/^  \"$1\": \"\\(.*\\)\",\$/\\1/p" "$2"
}

# One row per compare-*.csv: ROW BASE_MS NEW_MS CHANGE LO HI VERDICT VMs LEVEL, ROW
# as MMU_SCENARIO_SIZE (shadow_delete_1G; a variant other than zap-all appended); LO,
# HI and LEVEL are "-" for a row that was not tested (no interval).
rows() {
	local c
	for c in "$out"/compare-*.csv; do
		[[ -f $c ]] || continue
		awk -F, -v key="$(basename "$c" .csv)" -v size="$guest_mem" 'NR == 2 {
			gsub(/"/, "")
			sub(/^compare-/, "", key); sub(/-[a-z_]*_ns$/, "", key); sub(/-zap-all$/, "", key)
			gsub(/-/, "_", key)
			v = $23; gsub(/ /, "-", v)
			t = $21 != "" && $22 != ""
			printf "%s_%s %.2f %.2f %+.1f %s %s %s %dv%d %s\n", key, size, $11 / 1e6,
				$14 / 1e6, $20, t ? sprintf("%+.1f", $21) : "-", t ? sprintf("%+.1f", $22) : "-",
				v, $27, $28, t ? sprintf("%.1f", $19 * 100) : "-"
		}' "$c"
	done
}

# The first patch's FIELD (file, subject, sha256) from patched/build.json.
patch_field() { # FIELD
	sed -n "s/.*{\"file\": \"\(.*\)\", \"subject\": \"\(.*\)\", \"sha256\": \"\([0-9a-f]*\)\"}.*/\1\t\2\t\3/p" \
		"$out/patched/build.json" | head -n1 |
		awk -F'\t' -v f="$1" '{ print (f == "file" ? $1 : f == "subject" ? $2 : substr($3, 1, 12)) }'
}

# report.txt (72 columns) and report.md, from what $out holds (job.conf, the two
# build.json, samples/ and compare-*.csv).
write_report() {
	local subject hash f n ch
	f=$(patch_field file)
	subject=$(patch_field subject)
	hash=$(patch_field sha256)
	n=$(grep -c '"sha256": ' "$out/patched/build.json" || true)
	{
		echo "patch-ab: $subject" | fold -s -w 72 | sed 's/ *$//'
		printf '%-10s%s (sha256 %s)%s\n' patch "$f" "$hash" \
			"$( ((n > 1)) && echo " + $((n - 1)) more")"
		report_facts
		echo
		printf '%-16s %9s %9s  %-23s %s\n' row "base ms" "patch ms" "change [interval]" verdict
		rows | while read -r key b n c lo hi v _; do
			ch="$c% [$lo..$hi]"
			[[ $lo == - ]] && ch="$c% (no interval)"
			printf '%-16s %9s %9s  %-23s %s\n' "${key//_/ }" "$b" "$n" "$ch" "${v//-/ }"
		done
		report_footer
	} >"$out/report.txt"
	report_md "$subject" "$f" "$hash" "$n" >"$out/report.md"
}

report_facts() {
	local bj=$out/base/build.json pj=$out/patched/build.json
	printf '%-10s%s, %s path\n' source "$(sed -n 's/.*"id": "\([^"]*\)".*/\1/p' "$pj")" \
		"$(json_field path "$pj")"
	printf '%-10s%s\n' "" "($(json_field path_reason "$pj"))" | cut -c1-72
	printf '%-10sbase %s, patched %s\n' kernels "$(json_field kernel_release "$bj")" \
		"$(json_field kernel_release "$pj")"
	printf '%-10s%s\n' compiler "$(json_field compiler "$pj")"
	local vms
	vms=$(rows | awk '{ print $8; exit }')
	printf '%-10s%s VMs x %s reps (of %s rounds planned), guest %s, QEMU lab\n' runs \
		"${vms/v/ vs }" "$reps" "$rounds" "$guest_mem"
}

report_footer() {
	local w vms lvl
	w=$(rows | awk '$5 != "-" { h = ($6 - $5) / 2; if (h > m) m = h; n++ }
		END { if (n) printf "%.1f", m }')
	read -r vms lvl < <(rows | awk '$9 != "-" { print $8, $9; exit }') || true
	echo
	if [[ -z $w ]]; then
		echo "change: patched/base, medians of per-VM medians (ms). No row was"
		echo "tested: fewer than 4 VMs a side (memslot-bench compare --samples)."
		return 0
	fi
	echo "change: patched/base, medians of per-VM medians (ms); interval:"
	echo "Hodges-Lehmann / Mann-Whitney on per-VM medians, ${vms/v/ vs } VMs,"
	echo "$lvl% (memslot-bench compare --samples). Smallest change this run"
	echo "could detect: about +-$w% (half the widest interval)."
}

report_md() { # SUBJECT FILE HASH COUNT
	local key b n c lo hi v vms lvl ch lv
	printf '# patch-ab: %s\n\n' "$1"
	printf -- '- **patch**: %s (sha256 %s), %d patch(es)\n' "$2" "$3" "$4"
	report_facts | sed -n '1p;3,$p' | sed 's/^\([a-z]*\) */- **\1**: /'
	printf '\n| row | base ms | patched ms | change [interval] | verdict | VMs, level |\n'
	printf '|---|--:|--:|---|---|---|\n'
	rows | while read -r key b n c lo hi v vms lvl; do
		ch="$c% [$lo .. $hi]" lv="$vms at $lvl%"
		[[ $lo == - ]] && ch="$c% (no interval)" lv=$vms
		printf '| %s | %s | %s | %s | %s | %s |\n' "${key//_/ }" "$b" "$n" "$ch" "${v//-/ }" "${lv/v/ vs }"
	done
	printf '\n'
	report_footer | sed '1d'
}

# ---- main ----------------------------------------------------------------------------

tag() { tr -c 'A-Za-z0-9._+\n-' '_' <<<"$1" | cut -c1-40; }

setup_out() {
	local src subject
	src=$(cd "$PAB_DIR/.." && pwd)
	if [[ -z $out ]]; then
		subject=$("$KERNEL_BUILD" --subject "${patches[0]}" | sed 's/^[^:]*: *//;s/^[^:]*: *//')
		out=$src/results/patch-ab-$(tag "${source##*/}")-$(tag "${subject// /-}")-$(date +%Y%m%d-%H%M%S)
	fi
	mkdir -p "$out"
	out=$(cd "$out" && pwd -P)
	msb=${MSB_BIN:-${MSB_BUILD_DIR:-$src/build}/bench/memslot-bench}
	[[ -x $msb ]] || die 2 "memslot-bench not built at $msb (make -C build, or set MSB_BIN)"
}

report_only() { # DIR [GATE]
	[[ -f ${1:-}/job.conf ]] || die 2 "--report-only: '${1:-}' is not a patch-ab results directory"
	out=$(cd "$1" && pwd -P) gate=${2:-}
	# shellcheck source=/dev/null
	. "$out/job.conf"
	msb=${MSB_BIN:-${MSB_BUILD_DIR:-$PAB_DIR/../build}/bench/memslot-bench}
	merge_results
	merge_samples
	compare_rows
	write_report
	cat "$out/report.txt"
	exit "$gate_rc"
}

main() {
	local t0=$SECONDS p
	case ${1:-} in
	--run-job)
		shift
		run_job "$@"
		exit
		;;
	--report-only) # DIR [PCT]: the report again from a finished run's files
		report_only "${@:2}"
		;;
	esac
	parse_args "$@"
	for p in "${!patches[@]}"; do
		[[ -f ${patches[$p]} ]] || die 2 "--patch '${patches[$p]}': no such file"
		patches[p]=$(cd "$(dirname "${patches[$p]}")" && pwd -P)/$(basename "${patches[$p]}")
	done
	command -v parallel >/dev/null || die 3 "GNU parallel not found (apt-get install parallel)"
	setup_out
	ab_traps patch-ab
	pick_path
	echo "patch-ab: $build_path path for both sides; results in $out" >&2
	build_side base
	build_side patched "${patches[@]}"
	write_jobs
	write_job_conf
	run_jobs
	merge_results
	merge_samples
	compare_rows
	write_report
	echo "patch-ab: wall time $((SECONDS - t0)) s" >>"$out/report.txt"
	cat "$out/report.txt"
	exit "$gate_rc"
}

main "$@"
