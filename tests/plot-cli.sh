#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The scaling plot's rules (memslot-bench plotdata), on committed lab result files:
# a sweep of 4 guest sizes (tests/data/sweep-612-delete.json) gets a fitted line with its
# 95% band per variant, zap-all's slope above 0 and zap-slot's flat; 2 sizes
# (ab-61-delete.json) get points and "no fitted line", never a 2-point fit; one size
# (suite-612-move-unrelated.json) gets no scaling plot at all. Axis labels say ms in
# words, not "delete_ns ... (ms)". With gnuplot, scripts/plot.sh renders all of them.
# No KVM.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/cli-lib.sh
. "$top_srcdir/tests/cli-lib.sh"

plotdata() { # DIR FILE: plotdata of FILE into $T/DIR
	expect 0 "$B" plotdata "$T/$1" "$D/$2"
}
gp_of() { # DIR: the scaling plot's variables file
	sed -n 's/^scaling.gp\t//p' "$T/$1/manifest" | head -n1 | sed "s#^#$T/$1/#; s#\$#.gp#"
}

# 4 sizes: a line and a band per variant.
plotdata sweep sweep-612-delete.json
grep -q '^scaling.gp' "$T/sweep/manifest" || bad "sweep: no scaling plot"
G=$(gp_of sweep)
[ -f "$G" ] || bad "sweep: $G missing"
za=$(grep -A8 '^T\[[0-9]*\] = "zap-all"' "$G" | sed -n 's/^FT\[[0-9]*\] = //p')
zs=$(grep -A8 '^T\[[0-9]*\] = "zap-slot"' "$G" | sed -n 's/^FT\[[0-9]*\] = //p')
case $za in '"fit '*) ;; *) bad "sweep: zap-all has no fitted line: $za" ;; esac
case $zs in '"fit '*) ;; *) bad "sweep: zap-slot has no fitted line: $zs" ;; esac
case $za in *flat*) bad "sweep: zap-all's slope called flat: $za" ;; esac
case $zs in *flat*) ;; *) bad "sweep: zap-slot's slope not flat: $zs" ;; esac
# The lower end of zap-all's slope interval is above 0: "slope [0.03, 0.032]".
lo=$(echo "$za" | sed -n 's/.*slope \[\([^,]*\),.*/\1/p')
awk -v lo="$lo" 'BEGIN { exit !(lo > 0) }' || bad "sweep: zap-all's slope interval starts at '$lo'"
nb=$(grep -c '^# band of series' "${G%.gp}.dat")
[ "$nb" = 2 ] || bad "sweep: $nb bands, not 2"
# The points the lines are fitted to, drawn: one per VM (the file has one VM a size).
nv=$(awk '/^# per-VM medians of series 0/ { on = 1; next } on && NF == 2 { n++ } on && NF == 0 { exit } END { print n + 0 }' "${G%.gp}.dat")
[ "$nv" = 4 ] || bad "sweep: $nv per-VM points in series 0, not 4"
grep -q "set xlabel.*least squares over the per-VM medians" "$G" || bad "sweep: x label does not say what the fit is"

# 2 sizes: points, no line.
plotdata two ab-61-delete.json
G=$(gp_of two)
[ -f "$G" ] || bad "2 sizes: no scaling plot"
grep -q '^FT\[[0-9]*\] = "fit' "$G" && bad "2 sizes: a fitted line through 2 sizes"
grep -q 'fewer than 3 guest sizes per series: no fitted line' "$G" || bad "2 sizes: no note"
grep -q '^# band of series' "${G%.gp}.dat" && bad "2 sizes: a band"

# 1 size: no scaling plot, and a line saying why.
plotdata one suite-612-move-unrelated.json
grep -q '^scaling.gp' "$T/one/manifest" && bad "1 size: a scaling plot"
has "no scaling plot"
grep -q '^box.gp' "$T/one/manifest" || bad "1 size: no distribution plot"

# Units: ms in words, no metric name ending in _ns next to "(ms)".
for d in sweep two one; do
	grep -h '^set ylabel' "$T/$d"/*.gp >"$T/ylabels"
	[ -s "$T/ylabels" ] || bad "$d: no y labels"
	grep -q '_ns.*(ms)' "$T/ylabels" && bad "$d: a label reads '_ns ... (ms)': $(grep '_ns' "$T/ylabels" | head -n1)"
done

# Rendered, where gnuplot is.
if command -v gnuplot >/dev/null 2>&1; then
	for f in sweep-612-delete.json ab-61-delete.json; do
		MSB_BIN=$B "$top_srcdir/scripts/plot.sh" "$D/$f" -o "$T/png-$f" >"$T/out" 2>"$T/err" ||
			bad "plot.sh $f failed: $(cat "$T/err")"
		ls "$T/png-$f"/*-latency-vs-*.png >/dev/null 2>&1 || bad "plot.sh $f: no scaling PNG"
	done
else
	echo "gnuplot not installed: rendering skipped"
fi

[ "$fail" = 0 ] && echo "plots: all checks passed"
exit "$fail"
