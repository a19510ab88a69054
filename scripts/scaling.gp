# SPDX-License-Identifier: GPL-2.0
# Plot 1: latency against populated shadow pages, log-log, per series the median with
# 25th-75th percentile bars and a least-squares line y = a + b*x fitted by gnuplot.
# Data (msb-plotdata): one index block per series, columns x y q1 q3 guest_mem_MiB.
load msb_gpdir.'/plot-common.gp'
load msb_vars
set logscale xy
set format x '%g'
set format y '%g'
set xlabel offset 0,0.5
set samples 400
set fit quiet
set fit logfile '/dev/null'
fitted(i) = sprintf("fit: y = %.3g ms %s %.3g ms/%s * x", A[i], B[i] < 0 ? "-" : "+", abs(B[i]), xunit)
do for [i=1:nser] {
	if (FIT[i]) {
		a = A[i]; b = B[i]
		fit a + b*x msb_dat index IDX[i] using 1:2 via a, b
		A[i] = a; B[i] = b
	}
}
plot for [i=1:nser] msb_dat index IDX[i] using 1:2:3:4 with yerrorbars \
		lc rgb C[i] pt PT[i] ps 1.6 lw 1.5 title T[i], \
	for [i=1:nser] (FIT[i] && x >= X0[i] && x <= X1[i]*1.001 ? A[i] + B[i]*x : NaN) \
		with lines lc rgb C[i] dt DT[i] lw 2 title (FIT[i] ? fitted(i) : '')
