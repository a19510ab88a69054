#!/usr/bin/env bash
# Reports from result files (reads files only; no KVM):
#   scripts/report.sh variants DIR          zap-all vs zap-slot inside each result in DIR
#   scripts/report.sh kernels BASEDIR NEWDIR OUTDIR   the same runs on two kernels
# Writes report.txt (72 columns, for a commit message or cover letter), report.md and
# the plots (scripts/plot.sh; skipped with a message where gnuplot is missing); variants
# also kinds.txt and kinds.md: CREATE, DELETE, MOVE and FLAGS_ONLY side by side
# (memslot-bench kinds over all of DIR's result files), and numa.txt and numa.md where
# suite.sh measured local against remote memory.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
msb=${MSB_BIN:-${MSB_BUILD_DIR:-$src/build}/bench/memslot-bench}
die() { echo "report.sh: $*" >&2; exit 2; }
[[ -x $msb ]] || die "$msb not built (scripts/test.sh or make)"

results() { # result files of a directory (info.json is not one)
	find "$1" -maxdepth 1 -name '*.json' ! -name info.json | sort
}

# Reports name their files relative to OUTDIR, so a committed set reads the same on
# any machine.
rel() { realpath --relative-to="$out" "$1"; }
ext() { [[ $1 == text ]] && echo txt || echo md; } # file extension of a --format

mode=${1:-}
extra= # kinds and numa files written besides the report
case $mode in
variants)
	dir=$(realpath "${2:?usage: report.sh variants DIR}")
	out=$dir
	mapfile -t files < <(results "$dir")
	[[ ${#files[@]} -gt 0 ]] || die "no result files in $dir"
	for fmt in text markdown; do
		for f in "${files[@]}"; do
			[[ $fmt == text ]] && printf '== %s\n' "$(basename "$f" .json)" ||
				printf '## %s\n\n' "$(basename "$f" .json)"
			(cd "$out" && "$msb" compare --variants zap-all,zap-slot --format "$fmt" "$(rel "$f")")
			echo
		done > "$out/report.$(ext "$fmt")"
	done
	mapfile -t names < <(for f in "${files[@]}"; do rel "$f"; done)
	for fmt in text markdown; do
		(cd "$out" && "$msb" kinds --format "$fmt" "${names[@]}") > "$out/kinds.$(ext "$fmt")" ||
			die "memslot-bench kinds failed on $dir (see above)"
		extra+=" $out/kinds.$(ext "$fmt")"
	done
	# suite.sh's NUMA pair, where the machine had two nodes: the same runs, local vs remote
	if [[ -f $dir/numa-local/delete-unrelated.json && -f $dir/numa-remote/delete-unrelated.json ]]; then
		for fmt in text markdown; do
			(cd "$out" && "$msb" compare --across-layouts --format "$fmt" \
				numa-local/delete-unrelated.json numa-remote/delete-unrelated.json) \
				>"$out/numa.$(ext "$fmt")" || die "memslot-bench compare failed on the NUMA pair"
			extra+=" $out/numa.$(ext "$fmt")"
		done
	fi
	plots=("$dir")
	;;
kernels)
	base=$(realpath "${2:?usage: report.sh kernels BASEDIR NEWDIR OUTDIR}")
	new=$(realpath "${3:?}") out=$(realpath "${4:?}")
	mapfile -t files < <(results "$base")
	[[ ${#files[@]} -gt 0 ]] || die "no result files in $base"
	for fmt in text markdown; do
		for f in "${files[@]}"; do
			n=$new/$(basename "$f")
			[[ -f $n ]] || die "$n missing: both kernels must run the same matrix"
			[[ $fmt == text ]] && printf '== %s\n' "$(basename "$f" .json)" ||
				printf '## %s\n\n' "$(basename "$f" .json)"
			(cd "$out" && "$msb" compare --format "$fmt" "$(rel "$f")" "$(rel "$n")")
			echo
		done > "$out/report.$(ext "$fmt")"
	done
	plots=("$base" "$new")
	;;
*)
	die "usage: report.sh variants DIR | kernels BASEDIR NEWDIR OUTDIR"
	;;
esac
"$src/scripts/plot.sh" "${plots[@]}" -o "$out/plots" || echo "report.sh: plots failed (see above)" >&2
echo "report.sh: $out/report.txt $out/report.md$extra $out/plots/"
