# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# What kernel-ab.sh and patch-ab.sh share (sourced; functions only): their lab jobs run
# through GNU parallel in a process group of their own, so that a signal to the script
# ends the jobs and their QEMUs. The caller's `die` (scripts/cli.sh or its own) names it.

# Each long step runs in a process group of its own, in the background: bash runs a
# trap only between commands, so a foreground child would delay it; killing the group
# takes lab.sh (whose own trap and QEMU's --pdeathsig end QEMU) with it.
ab_child_pgid=''
in_group() { # COMMAND...: run it, wait, return its status
	local rc=0
	setsid "$@" &
	ab_child_pgid=$!
	wait "$ab_child_pgid" || rc=$?
	ab_child_pgid=''
	return "$rc"
}

# SIG to the group and to the process group of each child its leader has or had (in
# ab_job_groups): GNU parallel runs every job in a group of its own and passes a
# signal on only once its jobs really run (before that it ignores SIGTERM), so the
# jobs are signalled here too, also after parallel itself has gone.
ab_job_groups=()
# shellcheck disable=SC2317 # called from the signal traps
ab_signal_group() { # SIG
	local p
	for p in $(pgrep -P "$ab_child_pgid"); do ab_job_groups+=("-$p"); done
	kill "-$1" -- "-$ab_child_pgid" "${ab_job_groups[@]}" 2>/dev/null || true
}

# shellcheck disable=SC2317 # called from the signal traps
ab_on_signal() { # EXIT_CODE
	[[ $BASHPID == "$$" ]] || exit "$1" # a child not yet exec'd (see lab.sh's cleanup)
	trap - INT TERM HUP
	if [[ -n $ab_child_pgid ]]; then
		ab_signal_group TERM
		sleep 2 # the jobs end (their QEMU is in their group); then whatever is left
		ab_signal_group KILL
	fi
	echo "$ab_name: interrupted" >&2
	exit "$1"
}

ab_name=''
ab_traps() { # NAME: SIGINT/TERM/HUP end the jobs, say "NAME: interrupted", exit 130/143/129
	ab_name=$1
	trap 'ab_on_signal 130' INT
	trap 'ab_on_signal 143' TERM
	trap 'ab_on_signal 129' HUP
}

# ab_parallel ARRAY JOBS SSHLOGINFILE WORKDIR: ARRAY gets the GNU parallel command that
# runs a job list: JOBS slots here, or the hosts of SSHLOGINFILE (each with this tree
# and WORKDIR at the same paths), the MSB_* environment and XDG_CACHE_HOME passed on.
ab_parallel() {
	local -n _ab_par=$1
	local v
	_ab_par=(parallel --will-cite --colsep ' ' --halt 'soon,fail=1' -j "$2")
	[[ -z $3 ]] && return 0
	_ab_par+=(--sshloginfile "$3" --workdir "$4")
	for v in "${!MSB_@}" XDG_CACHE_HOME; do
		[[ -z ${!v:-} ]] || _ab_par+=(--env "$v")
	done
}

# ab_join MSB OUT FILE...: the job files of one side as one result file OUT (memslot-bench
# merge; a single file is copied); merge's status.
ab_join() {
	local msb=$1 out=$2
	shift 2
	if (($# == 1)); then
		cp "$1" "$out"
	else
		"$msb" merge -o "$out" "$@"
	fi
}

# A job's directory name from its jobs.txt line "SIDE X ROUND": SIDE-X-rROUND.
ab_job_dir() { awk '{ print $1 "-" $2 "-r" $3 }' <<<"$1"; }

# ab_run_jobs NAME SCRIPT OUT JOBS SSHLOGINFILE CODE: every line of OUT/jobs.txt through
# GNU parallel as SCRIPT --run-job OUT SIDE X ROUND (JOBS slots here, or the hosts of
# SSHLOGINFILE), then ab_check_jobs OUT CODE.
ab_run_jobs() {
	local -a par
	ab_parallel par "$4" "$5" "$3"
	echo "$1: $(wc -l <"$3/jobs.txt") lab jobs, $4 at a time" >&2
	in_group "${par[@]}" "$2" --run-job "$3" '{1}' '{2}' '{3}' :::: "$3/jobs.txt" || true
	ab_check_jobs "$3" "$6"
}

# ab_check_jobs OUT CODE: every job of OUT/jobs.txt ran (one GNU parallel never
# started: exit CODE) and succeeded (else the first failed one's status is the exit).
ab_check_jobs() {
	local line dir st
	while read -r line; do
		dir=$1/jobs/$(ab_job_dir "$line")
		[[ -f $dir/status ]] ||
			die "$2" "lab job '$line' did not run (no $dir/status): GNU parallel stopped before it (see above)"
		st=$(cat "$dir/status")
		((st == 0)) || die "$st" "lab job '$line' failed (exit $st): see $dir/run.txt"
	done <"$1/jobs.txt"
}
