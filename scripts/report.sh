#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Reports from result files (reads files only; no KVM). See --help.
set -euo pipefail

usage() {
	cat <<'EOF'
Usage: scripts/report.sh variants DIR
       scripts/report.sh kernels BASEDIR NEWDIR OUTDIR

Reports from result files (reads files only; no KVM needed).
  variants DIR   zap-all vs zap-slot inside each result file in DIR; written
                 into DIR
  kernels BASEDIR NEWDIR OUTDIR
                 the same runs on two kernels (each file in BASEDIR against
                 the file of the same name in NEWDIR); written into OUTDIR
Writes report.txt (72 columns, for a commit message or cover letter),
report.md and plots/ (scripts/plot.sh; skipped with a message where gnuplot
is missing). variants also writes kinds.txt and kinds.md (memslot-bench
kinds over all of DIR's result files: the memslot change kinds side by side)
and, where suite.sh measured local against remote memory (the one result
file present in both DIR/numa-local/ and DIR/numa-remote/), numa.txt and
numa.md.

Options:
  -h, --help     this text

Environment:
  MSB_BIN        memslot-bench to use (default: MSB_BUILD_DIR/bench/memslot-bench,
                 MSB_BUILD_DIR defaulting to build/ in the source tree;
                 installed, memslot-bench on PATH)

Exit status:
  0    reports written (a plot failure is reported, not fatal)
  2    bad usage, memslot-bench not built, missing or bad result files
EOF
}

die() {
	echo "report.sh: $*" >&2
	exit 2
}

results() { # result files of a directory (info.json is not one)
	find "$1" -maxdepth 1 -name '*.json' ! -name info.json | sort
}

# Reports name their files relative to OUTDIR, so a committed set reads the same on
# any machine.
rel() { realpath --relative-to="$out" "$1"; }
ext() { [[ $1 == text ]] && echo txt || echo md; } # file extension of a --format

heading() { # FORMAT FILE: a section title naming a result file
	if [[ $1 == text ]]; then
		printf '== %s\n' "$(basename "$2" .json)"
	else
		printf '## %s\n\n' "$(basename "$2" .json)"
	fi
}

names() { results "$1" | sed 's#.*/##' | LC_ALL=C sort; } # file names, for comm

# The NUMA pair of DIR: the one result file name in both numa-local/ and numa-remote/.
numa_pair() { # DIR
	local -a both
	[[ -d $1/numa-local && -d $1/numa-remote ]] || return 0
	mapfile -t both < <(LC_ALL=C comm -12 <(names "$1/numa-local") <(names "$1/numa-remote"))
	case ${#both[@]} in
	0) ;;
	1) echo "${both[0]}" ;;
	*) echo "report.sh: ${#both[@]} result files in both numa-local/ and numa-remote/ (want one): no NUMA report" >&2 ;;
	esac
}

report_numa() { # DIR: numa.txt and numa.md, where DIR has the NUMA pair
	local name fmt
	name=$(numa_pair "$1")
	[[ -n $name ]] || return 0
	for fmt in text markdown; do
		(cd "$out" && "$msb" compare --across-layouts --format "$fmt" \
			"numa-local/$name" "numa-remote/$name") \
			>"$out/numa.$(ext "$fmt")" || die "memslot-bench compare failed on the NUMA pair"
		extra+=" $out/numa.$(ext "$fmt")"
	done
}

report_variants() { # DIR
	local dir fmt f
	local -a files names
	[[ -d $1 ]] || die "$1: not a directory"
	dir=$(realpath "$1")
	out=$dir
	mapfile -t files < <(results "$dir")
	[[ ${#files[@]} -gt 0 ]] || die "no result files in $dir"
	for fmt in text markdown; do
		for f in "${files[@]}"; do
			heading "$fmt" "$f"
			(cd "$out" && "$msb" compare --variants zap-all,zap-slot --format "$fmt" "$(rel "$f")")
			echo
		done >"$out/report.$(ext "$fmt")"
	done
	mapfile -t names < <(for f in "${files[@]}"; do rel "$f"; done)
	for fmt in text markdown; do
		(cd "$out" && "$msb" kinds --format "$fmt" "${names[@]}") >"$out/kinds.$(ext "$fmt")" ||
			die "memslot-bench kinds failed on $dir (see above)"
		extra+=" $out/kinds.$(ext "$fmt")"
	done
	report_numa "$dir"
	plots=("$dir")
}

report_kernels() { # BASEDIR NEWDIR OUTDIR
	local base new fmt f n
	local -a files
	[[ -d $1 ]] || die "$1: not a directory"
	[[ -d $2 ]] || die "$2: not a directory"
	mkdir -p "$3" || die "$3: cannot create"
	base=$(realpath "$1") new=$(realpath "$2") out=$(realpath "$3")
	mapfile -t files < <(results "$base")
	[[ ${#files[@]} -gt 0 ]] || die "no result files in $base"
	for fmt in text markdown; do
		for f in "${files[@]}"; do
			n=$new/$(basename "$f")
			[[ -f $n ]] || die "$n missing: both kernels must run the same matrix"
			heading "$fmt" "$f"
			(cd "$out" && "$msb" compare --format "$fmt" "$(rel "$f")" "$(rel "$n")")
			echo
		done >"$out/report.$(ext "$fmt")"
	done
	plots=("$base" "$new")
}

main() {
	local a short="usage: report.sh variants DIR | kernels BASEDIR NEWDIR OUTDIR (see --help)"
	case ${1:-} in
	-h | --help)
		usage
		exit 0
		;;
	variants) [[ $# == 2 ]] || die "$short" ;;
	kernels) [[ $# == 4 ]] || die "$short" ;;
	'')
		usage | sed -n '1,2p' >&2
		echo "(scripts/report.sh --help says more)" >&2
		exit 2
		;;
	-*) die "unknown option '$1' (see --help)" ;;
	*) die "unknown report '$1' ($short)" ;;
	esac
	for a in "${@:2}"; do
		[[ $a != -* ]] || die "unknown option '$a' (see --help)"
	done
	src=$(cd "$(dirname "$0")/.." && pwd)
	msb=${MSB_BIN:-${MSB_BUILD_DIR:-$src/build}/bench/memslot-bench}
	# Installed (PREFIX/share/memslot-bench/scripts): the installed binary, on PATH.
	[[ -x $msb || -n ${MSB_BIN:-} ]] || msb=$(command -v memslot-bench) ||
		die "$msb not built (scripts/test.sh or make), and no memslot-bench on PATH"
	[[ -x $msb ]] || die "$msb not built (scripts/test.sh or make)"
	extra='' # kinds and numa files written besides the report
	"report_$1" "${@:2}"
	"$src/scripts/plot.sh" "${plots[@]}" -o "$out/plots" || echo "report.sh: plots failed (see above)" >&2
	echo "report.sh: $out/report.txt $out/report.md$extra $out/plots/"
}

main "$@"
