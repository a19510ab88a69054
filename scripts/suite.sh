#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The default suite, run where KVM is (natively, or inside the lab by run.sh). The
# entries come from the program (`memslot-bench run --list suite`), so a scenario added
# there is in the suite without a change here. See --help.
set -euo pipefail

usage() {
	cat <<'EOF'
Usage: scripts/suite.sh [--quick] OUTDIR [-- RUN OPTIONS]

Runs the default suite where KVM is usable (natively, or inside the QEMU lab,
as scripts/run.sh does): every entry of `memslot-bench run --list suite`
(lines "LABEL SCENARIO ARGS...") as
  memslot-bench run SCENARIO COMMON... ARGS... --json OUTDIR/LABEL.json
then the NUMA pair: the first entry again with --numa remote, and with
--numa local where remote ran (a one-node machine skips the pair).
Writes OUTDIR/info.{txt,json}, OUTDIR/LABEL.json per entry,
OUTDIR/numa-{remote,local}/LABEL.json and OUTDIR/summary.txt (the runs'
stdout, also shown).

Options:
  --quick        smoke-test sizes, minutes in the lab, not for comparing:
                 --guest-mem 64M --host-mem 64M, 2 rounds of 2 reps
                 (default: --guest-mem 1G --host-mem 256M, 5 rounds of 4 reps)
  -h, --help     this text
  -- RUN OPTIONS added to COMMON, i.e. to every memslot-bench run (an entry's
                 own ARGS come after them)

COMMON: --guest-mem --host-mem --page-size 4K --rounds --reps --warmup 1
--quiet, then RUN OPTIONS.

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
	quick=0 out='' run_opts=()
	cli_parse '' --quick run_opts '' set_outdir "$@"
	[[ -n $out ]] || die 2 "usage: suite.sh [--quick] OUTDIR [-- RUN OPTIONS] (see --help)"
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

run_entry() { # DIR ENTRY [MORE RUN OPTIONS...]: one suite entry into DIR/LABEL.json
	local dir=$1
	local -a w
	read -r -a w <<<"$2"
	shift 2
	"$msb" run "${w[1]}" "${common[@]}" "${w[@]:2}" "$@" --json "$dir/${w[0]}.json"
}

# The first entry with the guest memory on the vCPUs' node and on the farthest one.
# remote first: a one-node machine skips it (exit 77, its reason on stderr), and local
# alone would say nothing.
numa_pair() {
	local rc=0
	run_entry "$out/numa-remote" "${entries[0]}" --numa remote || rc=$?
	case $rc in
	0) run_entry "$out/numa-local" "${entries[0]}" --numa local ;;
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
		rounds=${MSB_SUITE_ROUNDS:-2} reps=${MSB_SUITE_REPS:-2} mem=64M host_mem=64M
	fi
	common=(--guest-mem "$mem" --host-mem "$host_mem" --page-size 4K --rounds "$rounds"
		--reps "$reps" --warmup 1 --quiet "${run_opts[@]}")
	load_suite
	mkdir -p "$out" "$out/numa-local" "$out/numa-remote"
	"$msb" info >"$out/info.txt"
	"$msb" info --json >"$out/info.json"
	{
		for e in "${entries[@]}"; do
			run_entry "$out" "$e"
		done
		numa_pair
	} | tee "$out/summary.txt"
	rmdir "$out/numa-local" "$out/numa-remote" 2>/dev/null || true
}

main "$@"
