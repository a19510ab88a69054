#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install missing deps, build, run the default suite (scripts/suite.sh) and the report.
# Where /dev/kvm is missing the suite runs in the QEMU lab and says so. See --help.
set -euo pipefail

usage() {
	cat <<'EOF'
Usage: scripts/run.sh [--kernel K] [--out DIR] [--quick] [-- RUN OPTIONS]

The default benchmark: installs missing Debian packages (as root, with
apt-get; otherwise prints the apt-get line and stops), builds in build/, runs
the default suite (scripts/suite.sh) natively where /dev/kvm is usable, else
in the QEMU lab (scripts/lab.sh, Debian kernel, shadow MMU, 3G VM; the first
lab run downloads the kernel package into ~/.cache/memslot-bench and, as
root, may add the bookworm-backports apt source), then writes the report
(scripts/report.sh variants). The full suite takes about 20 minutes in the
lab; --quick a few.

Options:
  --kernel K     run in the QEMU lab on kernel K (what lab.sh --kernel takes:
                 6.1, 6.12, a linux-image-* package, a bzImage path), also
                 where /dev/kvm works (default: native KVM where usable, else
                 the lab on $MSB_LAB_KERNEL, or 6.12)
  --out DIR      results directory, new or empty (default:
                 results/HOST-KERNEL-DATE/, results/HOST-lab-KERNEL-DATE/ in
                 the lab; "-quick" appended with --quick)
  --quick        smoke-test sizes (suite.sh --quick); not for comparing
  -h, --help     this text
  -- RUN OPTIONS passed to every memslot-bench run of the suite
                 (scripts/suite.sh -- RUN OPTIONS), e.g. -- --reps 10

Environment:
  MSB_BUILD_DIR  build tree (default build/)
  MSB_LAB_KERNEL lab kernel when --kernel is not given (default 6.12)
  MSB_SUITE_ROUNDS, MSB_SUITE_REPS  see scripts/suite.sh --help
  MSB_CONFIGURE_FLAGS  extra configure options
  MSB_NO_BUILD=1 neither install packages nor build: use MSB_BUILD_DIR's binary

Exit status:
  0    suite and report done; the last line names the results directory
  1    the build failed
  2    bad usage, or packages missing and not root
  other  lab.sh's status (3 lab cannot run here, 4 no KVM in the guest,
       5 kernel package not found, 6 kernel download refused, 7 guest kernel
       panic, 8 QEMU killed, 124 timeout, 125 guest failed) or the failed
       memslot-bench run's
  130, 143, 129  interrupted (SIGINT, SIGTERM, SIGHUP): the signal goes to the
       suite (natively: its memslot-bench run, which writes the samples so far
       marked "complete": false) or to lab.sh (which passes it into the guest);
       the results that came back stay in the results directory, no QEMU is left
EOF
}

# shellcheck source=scripts/cli.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli.sh"

# Sets kernel (empty: native where possible), out, quick and run_opts.
parse_args() {
	kernel='' out='' quick=0 run_opts=()
	cli_parse "--kernel --out" --quick run_opts "; run options go after --" '' "$@"
}

# The default results directory: $1 names the kernel.
default_out() {
	local host
	host=$(hostname -s 2>/dev/null || echo host)
	echo "$src/results/$host-$1-$(date +%Y%m%d-%H%M%S)$( ((quick)) && echo -quick)"
}

# Sets out: --out, or default_out NAME; created, absolute.
make_out() { # NAME
	[[ -n $out ]] || out=$(default_out "$1")
	mkdir -p "$out"
	out=$(cd "$out" && pwd -P)
}

run_native() {
	make_out "$(uname -r)"
	echo "run.sh: native KVM on $(uname -r); results in $out" >&2
	run_child --group "$src/scripts/suite.sh" "${suite_opts[@]}" "$out" -- "${run_opts[@]}"
}

run_lab() { # WHY
	local release kp_out
	local -a kp
	if [[ $kernel == */* ]]; then
		release=$(basename "$kernel") # a bzImage of the user's own
	else
		kp_out=$("$src/scripts/lab-kernel.sh" path "$kernel") || exit $?
		mapfile -t kp <<<"$kp_out"
		release=$(basename "${kp[1]}")
	fi
	make_out "lab-$release"
	echo "run.sh: $1: the suite runs in the QEMU lab (kernel $release);" \
		"its times are emulated, not hardware latency. Results in $out" >&2
	# 1 GiB of guest memory needs ~1.3 GiB in the lab VM (memfd, page tables, KVM's own).
	# The suite with its sweep took ~57 min in the lab on a loaded 2-CPU host: 90 min is
	# a limit for a hung guest, not the expected time.
	run_child "$src/scripts/lab.sh" --kernel "$kernel" --mem 3G --out "$out" --timeout 5400 -- \
		"$src/scripts/suite.sh" "${suite_opts[@]}" "$out" -- "${run_opts[@]}"
}

# ---- interruption --------------------------------------------------------------------

# run_child [--group] COMMAND...: run it in the background and wait, so that a signal
# to run.sh is passed on at once (bash runs a trap only after a foreground child ends).
# --group: the child's whole process group gets it (natively: suite.sh and the
# memslot-bench run under way); else the child alone (lab.sh passes it into the guest).
child='' child_group=0 interrupted=''
run_child() {
	local rc=0
	child_group=0
	[[ $1 == --group ]] && { child_group=1; shift; }
	set -m # the child in its own process group
	"$@" &
	child=$!
	set +m
	while :; do
		rc=0
		wait "$child" || rc=$?
		# >128 with the child alive: a signal interrupted wait; its trap ran
		kill -0 "$child" 2>/dev/null || break
	done
	child=''
	[[ -z $interrupted ]] || exit "$interrupted"
	return "$rc"
}

# shellcheck disable=SC2317 # called from the traps
on_signal() { # CODE NAME
	[[ -z $interrupted && -n $child ]] || exit "$1"
	interrupted=$1
	echo "run.sh: SIG$2: passed to the $( ((child_group)) && echo suite || echo lab); results so far stay in $out" >&2
	if ((child_group)); then
		kill "-$2" -- "-$child" 2>/dev/null || true
	else
		kill "-$2" "$child" 2>/dev/null || true
	fi
}

main() {
	trap 'on_signal 130 INT' INT
	trap 'on_signal 143 TERM' TERM
	trap 'on_signal 129 HUP' HUP
	parse_args "$@"
	src=$(cd "$(dirname "$0")/.." && pwd)
	suite_opts=()
	if ((quick)); then
		suite_opts=(--quick)
	fi
	# shellcheck source=scripts/deps.sh
	. "$src/scripts/deps.sh"
	if [[ ${MSB_NO_BUILD:-0} != 1 ]]; then
		msb_install_deps
		msb_build "$src"
	fi
	export MSB_BIN=${MSB_BUILD_DIR:-$src/build}/bench/memslot-bench
	if [[ -n $kernel ]]; then
		run_lab "--kernel $kernel"
	elif [[ ${MSB_LAB:-0} != 1 && -r /dev/kvm && -w /dev/kvm ]]; then
		run_native
	else
		kernel=${MSB_LAB_KERNEL:-6.12}
		run_lab "$([[ ${MSB_LAB:-0} == 1 ]] && echo MSB_LAB=1 || echo "no usable /dev/kvm here")"
	fi
	# The cover-letter tables (zap-all vs zap-slot on this kernel) and the plots.
	"$src/scripts/report.sh" variants "$out"
	echo "run.sh: results in $out"
}

main "$@"
