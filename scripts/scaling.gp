# SPDX-License-Identifier: GPL-2.0
# Plot 1: latency against populated shadow pages, log-log, per series the median with
# 25th-75th percentile bars and the per-VM medians as small circles; per fitted series
# (memslot-bench plotdata fits y = a + b*x over the per-VM medians) the line and its 95%
# confidence band, shaded.
# Data (msb-plotdata): one index block per series (IDX), columns x y q1 q3 guest_mem_MiB;
# then one block per series (BIDX), columns x fit lower upper (NaN: not fitted); then one
# per series (VIDX) of the per-VM medians the line is fitted to, columns x y.
load msb_gpdir.'/plot-common.gp'
load msb_vars
set logscale xy
set format x '%g'
set format y '%g'
set xlabel offset 0,0.3
# Entries: sample first, text left-aligned, so the two columns (series, fits) fit the width.
set key Left reverse width -6
set style fill transparent solid 0.15 noborder
plot for [i=1:nser] msb_dat index BIDX[i] using 1:3:4 with filledcurves lc rgb C[i] notitle, \
	for [i=1:nser] msb_dat index VIDX[i] using 1:2 with points lc rgb C[i] pt 6 ps 0.7 \
		notitle, \
	for [i=1:nser] msb_dat index IDX[i] using 1:2:3:4 with yerrorbars \
		lc rgb C[i] pt PT[i] ps 1.6 lw 1.5 title T[i], \
	for [i=1:nser] msb_dat index BIDX[i] using 1:2 with lines lc rgb C[i] dt DT[i] lw 2 \
		title FT[i]
