#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Plots of memslot-bench result files, SVG and PNG, with gnuplot:
#   scripts/plot.sh RESULT.json|DIR [more RESULT.json|DIR ...] [-o OUTDIR] [-k]
# Several files of the same configuration (two kernels: base vs new) share each plot.
# A DIR stands for the result files in it and in its subdirectories (other JSON files, such
# as `memslot-bench info --json FILE` output, are skipped). OUTDIR defaults to DIR/plots, or to
# plots/ next to the first file. -k keeps the gnuplot data files in OUTDIR/data.
#
# Per scenario and configuration (runs grouped by parameters, guest size aside):
#   NAME-latency-vs-SCALE         latency medians against the run's scale, log-log,
#                                 one series per variant (and file), fitted y = a + b*x
#   NAME-latency-dist             every run's latency samples: box plot and raw points
#   NAME-METRIC-dist              the same for every other headline latency of the run
# The data comes from memslot-bench plotdata (bench/report/), the drawing from the templates
# scripts/*.gp; a new plot is an emit_*() function there and a template here.
#
# Exit: 0 with the files written listed (also when gnuplot is missing: no plots then),
# 2 on bad input (missing file, not a result file) or usage.
set -euo pipefail

me=plot.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")

usage() {
	echo "usage: scripts/plot.sh RESULT.json|DIR [more ...] [-o OUTDIR] [-k]" >&2
	exit 2
}

die() {
	echo "$me: $*" >&2
	exit 2
}

inputs=()
outdir=
keep=0
while (($#)); do
	case $1 in
	-o | --output)
		(($# >= 2)) || usage
		outdir=$2
		shift 2
		;;
	--output=*)
		outdir=${1#--output=}
		shift
		;;
	-k | --keep-data)
		keep=1
		shift
		;;
	-h | --help)
		sed -n '3,20s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
		exit 0
		;;
	--)
		shift
		inputs+=("$@")
		break
		;;
	-*) usage ;;
	*)
		inputs+=("$1")
		shift
		;;
	esac
done
((${#inputs[@]})) || usage

# Expand directories; files named on the command line must be result files, files found
# in a directory may be something else (-m: skipped with a note).
args=()
for in in "${inputs[@]}"; do
	if [[ -d $in ]]; then
		mapfile -t found < <(find "$in" -maxdepth 2 -name '*.json' -type f \
			-not -path '*/plots/*' | LC_ALL=C sort)
		((${#found[@]})) || die "$in: no result files (*.json) in it"
		for f in "${found[@]}"; do
			args+=(-m "$f")
		done
	elif [[ -f $in ]]; then
		args+=("$in")
	else
		die "$in: no such file or directory"
	fi
done

if ! command -v gnuplot >/dev/null 2>&1; then
	echo "$me: gnuplot not found (apt-get install gnuplot-nox): no plots"
	exit 0
fi

# The data extractor (memslot-bench plotdata): built in the tree, or installed.
msb=${MSB_BIN:-}
if [[ -z $msb ]]; then
	for c in "${MSB_BUILD_DIR:-$root/build}/bench/memslot-bench" "$root/bench/memslot-bench"; do
		[[ -x $c ]] && msb=$c && break
	done
fi
if [[ -z $msb ]]; then
	msb=$(command -v memslot-bench) ||
		die "memslot-bench not found: build first (make), or set MSB_BIN"
fi
gpdir=${MSB_GP_DIR:-$here}

if [[ -z $outdir ]]; then
	if [[ -d ${inputs[0]} ]]; then
		outdir=${inputs[0]%/}/plots
	else
		outdir=$(dirname "${inputs[0]}")/plots
	fi
fi
mkdir -p "$outdir" || die "$outdir: cannot create"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/msb-plot.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
data=$tmp/data

# Bad input makes memslot-bench plotdata print a one-line error and exit 2: pass it on as ours.
rc=0
"$msb" plotdata "$data" "${args[@]}" 2>"$tmp/plotdata.err" || rc=$?
sed "s/^memslot-bench plotdata: /$me: /" "$tmp/plotdata.err" >&2
case $rc in
0) ;;
2) exit 2 ;;
*) die "memslot-bench plotdata failed (exit $rc)" ;;
esac

# gnuplot string literal: single quotes, doubled inside.
gpq() {
	printf "'%s'" "${1//\'/\'\'}"
}

written=()
failed=0
while IFS=$'\t' read -r template name; do
	[[ -n $template ]] || continue
	[[ -f $gpdir/$template ]] || {
		echo "$me: $name: template $gpdir/$template missing" >&2
		failed=1
		continue
	}
	for term in svg png; do
		out=$outdir/$name.$term
		if gnuplot -e "msb_term=$(gpq "$term"); msb_out=$(gpq "$out"); \
msb_vars=$(gpq "$data/$name.gp"); msb_dat=$(gpq "$data/$name.dat"); \
msb_gpdir=$(gpq "$gpdir")" "$gpdir/$template" 2>"$tmp/gnuplot.err"; then
			written+=("$out")
		else
			echo "$me: gnuplot failed on $name.$term:" >&2
			sed 's/^/  /' "$tmp/gnuplot.err" >&2
			rm -f "$out"
			failed=1
		fi
	done
done <"$data/manifest"

if ((keep)); then
	mkdir -p "$outdir/data"
	cp "$data"/* "$outdir/data/"
	cp "$gpdir"/*.gp "$outdir/data/"
	written+=("$outdir/data/")
fi

if ((${#written[@]})); then
	echo "plots written:"
	printf '  %s\n' "${written[@]}"
else
	echo "$me: no plots (nothing plottable in the input)"
fi
exit "$failed"
