# SPDX-License-Identifier: GPL-2.0
# Shared by the plot templates (scripts/plot.sh sets msb_term, msb_out, msb_vars, msb_dat).
# Terminal: SVG, or PNG through cairo (plain libgd png where cairo is missing).
if (msb_term eq 'svg') {
	set terminal svg size 1100,700 dynamic font 'DejaVu Sans,13' background '#ffffff' noenhanced
} else {
	if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {
		set terminal pngcairo size 1100,700 font 'DejaVu Sans,11' background '#ffffff' noenhanced
	} else {
		set terminal png size 1100,700 background '#ffffff' noenhanced
	}
}
set output msb_out
set encoding utf8
set grid xtics ytics mxtics mytics lc rgb '#dddddd' lw 1
set border lc rgb '#444444'
set key below center horizontal box lc rgb '#bbbbbb' noenhanced spacing 1.3 samplen 3 height 1
set title font ',13'
