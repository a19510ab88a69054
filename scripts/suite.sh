#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The default suite, run where KVM is (natively, or inside the lab by run.sh). The
# entries come from the program (`memslot-bench run --list suite`), so a scenario added
# there is in the suite without a change here. See --help.
set -euo pipefail

usage() {
	cat <<'EOF'
Usage: scripts/suite.sh [--quick] [--quiet] OUTDIR [-- RUN OPTIONS]

Runs the default suite where KVM is usable (natively, or inside the QEMU lab,
as scripts/run.sh does): every entry of `memslot-bench run --list suite`
(lines "LABEL SCENARIO ARGS...") as
  memslot-bench run SCENARIO COMMON... ARGS... --json OUTDIR/LABEL.json
then the NUMA pair: the first entry again, at the COMMON guest size, with
--numa remote, and with --numa local where remote ran (a one-node machine
skips the pair). An entry may sweep guest sizes (--guest-mem A,B,C: the
default report fits its latency against the shadow pages present).
Writes OUTDIR/info.{txt,json}, OUTDIR/LABEL.json per entry,
OUTDIR/numa-{remote,local}/LABEL.json and OUTDIR/summary.txt (the runs'
stdout, also shown).

Options:
  --quick        smoke-test sizes, minutes in the lab, not for comparing:
                 --guest-mem 64M --host-mem auto (= guest), 2 rounds of 2 reps, and
                 an entry's own --guest-mem sizes divided by 16
                 (default: --guest-mem 1G --host-mem 256M, 5 rounds of 4 reps)
  --quiet        no progress on stderr (by default one line per entry, and
                 memslot-bench run's progress: plain lines where stderr is
                 not a terminal, as in the lab)
  -h, --help     this text
  -- RUN OPTIONS added to COMMON, i.e. to every memslot-bench run (an entry's
                 own ARGS come after them); --quiet there is also --quiet here

COMMON: --guest-mem --host-mem --page-size 4K --rounds --reps --warmup 1
(--quiet with --quiet), then RUN OPTIONS.

Environment:
  MSB_BIN            the memslot-bench to run (default: memslot-bench on PATH)
  MSB_SUITE_ROUNDS   fresh VMs per variant (default 5; 2 with --quick)
  MSB_SUITE_REPS     samples per VM (default 4; 2 with --quick)

Exit status:
  0    every entry ran (NUMA pair skipped on one node)
  1    memslot-bench cannot list its suite, or listed a bad entry
  2    bad usage
  other  the status of the memslot-bench run that failed (the suite stops)
EOF
}

# shellcheck source=scripts/cli.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli.sh"

set_outdir() { # WORD: the one OUTDIR
	[[ -z $out ]] || die 2 "unexpected '$1' (one OUTDIR; run options go after --)"
	out=$1
}

# Sets quick, out and run_opts.
parse_args() {
	quick=0 quiet=0 out='' run_opts=()
	cli_parse '' "--quick --quiet" run_opts '' set_outdir "$@"
	# run.sh passes its own options through: `run.sh -- --quiet` silences the suite too.
	local o
	for o in "${run_opts[@]}"; do
		[[ $o != --quiet && $o != -q ]] || quiet=1
	done
	[[ -n $out ]] || die 2 "usage: suite.sh [--quick] [--quiet] OUTDIR [-- RUN OPTIONS] (see --help)"
}

# Sets entries: the suite's lines "LABEL SCENARIO ARGS...", checked.
load_suite() {
	local list line
	local -a w
	list=$("$msb" run --list suite) ||
		die 1 "'$msb run --list suite' failed: this memslot-bench cannot list its suite"
	entries=()
	while IFS= read -r line; do
		read -r -a w <<<"$line"
		[[ ${#w[@]} -gt 0 && ${w[0]} != '#'* ]] || continue
		[[ ${#w[@]} -ge 2 && ${w[0]} =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] ||
			die 1 "bad line in '$msb run --list suite': '$line' (want LABEL SCENARIO ARGS...)"
		entries+=("$line")
	done <<<"$list"
	[[ ${#entries[@]} -gt 0 ]] || die 1 "'$msb run --list suite' listed no entries"
}

# SIZE[,SIZE..] with every size divided by 16 (--quick): 256M,1G -> 16M,64M.
quick_sizes() { # LIST
	local s n u out=''
	local -a sizes
	IFS=, read -r -a sizes <<<"$1"
	for s in "${sizes[@]}"; do
		[[ $s =~ ^([0-9]+)([KMG])$ ]] || die 1 "suite entry: cannot scale guest size '$s' for --quick"
		n=${BASH_REMATCH[1]} u=${BASH_REMATCH[2]}
		case $u in G) n=$((n * 1024)) u=M ;; esac
		case $u in M) n=$((n * 1024)) u=K ;; esac
		n=$((n / 16))
		if ((n % 1048576 == 0)); then
			s=$((n / 1048576))G
		elif ((n % 1024 == 0)); then
			s=$((n / 1024))M
		else
			s=${n}K
		fi
		out+=${out:+,}$s
	done
	echo "$out"
}

# One line on stderr (the lab passes it through as it comes), unless --quiet.
say() { ((quiet)) || echo "suite.sh: $*" >&2; }

run_entry() { # DIR ENTRY [MORE RUN OPTIONS...]: one suite entry into DIR/LABEL.json
	local dir=$1 i
	local -a w
	read -r -a w <<<"$2"
	shift 2
	if ((quick)); then
		for ((i = 2; i < ${#w[@]} - 1; i++)); do
			[[ ${w[i]} != --guest-mem ]] || w[i + 1]=$(quick_sizes "${w[i + 1]}")
		done
	fi
	say "[$((++step))/$steps] ${w[0]}${dir#"$out"}: $msb run ${w[*]:1} $*"
	"$msb" run "${w[1]}" "${common[@]}" "${w[@]:2}" "$@" --json "$dir/${w[0]}.json"
}

# The first entry with the guest memory on the vCPUs' node and on the farthest one.
# remote first: a one-node machine skips it (exit 77, its reason on stderr), and local
# alone would say nothing.
numa_pair() {
	local rc=0
	run_entry "$out/numa-remote" "${entries[0]}" --numa remote --guest-mem "$mem" || rc=$?
	case $rc in
	0) run_entry "$out/numa-local" "${entries[0]}" --numa local --guest-mem "$mem" ;;
	77) echo "# numa: skipped, this machine has one NUMA node" ;;
	*) exit "$rc" ;;
	esac
}

main() {
	local rounds reps mem=1G host_mem=256M e
	parse_args "$@"
	msb=${MSB_BIN:-memslot-bench}
	# Five fresh VMs per variant, interleaved, 4 samples each: compare then tests per-VM
	# medians, so VM-to-VM spread cannot pass for a difference.
	rounds=${MSB_SUITE_ROUNDS:-5} reps=${MSB_SUITE_REPS:-4}
	if ((quick)); then
		rounds=${MSB_SUITE_ROUNDS:-2} reps=${MSB_SUITE_REPS:-2} mem=64M host_mem=auto
	fi
	common=(--guest-mem "$mem" --host-mem "$host_mem" --page-size 4K --rounds "$rounds"
		--reps "$reps" --warmup 1)
	if ((quiet)); then
		common+=(--quiet)
	fi
	common+=("${run_opts[@]}")
	load_suite
	# The entries, then the NUMA pair (one or two runs; counted as two).
	step=0 steps=$((${#entries[@]} + 2))
	mkdir -p "$out" "$out/numa-local" "$out/numa-remote"
	"$msb" info --json "$out/info.json" >"$out/info.txt"
	{
		for e in "${entries[@]}"; do
			run_entry "$out" "$e"
		done
		numa_pair
	} | tee "$out/summary.txt"
	rmdir "$out/numa-local" "$out/numa-remote" 2>/dev/null || true
}

main "$@"
