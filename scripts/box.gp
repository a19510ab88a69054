# SPDX-License-Identifier: GPL-2.0
# Plots 2 and 3: per-run distributions of one metric (ms): a box (quartiles, median,
# whiskers to 1.5 IQR) and every raw sample as a jittered point; boxes side by side per
# file (base vs new). Data (msb-plotdata): one index block per box, one value per line.
load msb_gpdir.'/plot-common.gp'
load msb_vars
set style boxplot nooutliers medianlinewidth 2.5
set boxwidth BW absolute
set format y '%g'
set grid noxtics nomxtics
set xtics scale 0
set xlabel offset 0,-0.8
plot for [i=1:nbox] msb_dat index (i-1) using (X[i]):1 with boxplot \
		lc rgb C[i] lw 1.5 fs solid 0.25 border lc rgb C[i] title T[i], \
	for [i=1:nbox] msb_dat index (i-1) using (X[i] + BW*0.6*(rand(0)-0.5)):1 with points \
		pt 7 ps 0.6 lc rgb C[i] notitle
