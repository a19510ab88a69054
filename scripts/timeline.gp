# SPDX-License-Identifier: GPL-2.0
# The stall timeline: each vCPU's touches per interval around one memslot update (time 0:
# the ioctl's start, shaded to its end), one panel per variant, zap-all above zap-slot;
# the control window of the same repetition (no update) in grey. Data (memslot-bench
# plotdata): index 2i is panel i's update window, 2i+1 its control window; column 1 the
# time in ms, then one column per vCPU.
load msb_gpdir.'/plot-common.gp'
load msb_vars
set format y '%g'
set xrange [msb_xmin:msb_xmax]
set yrange [0:*]
set offsets 0, 0, graph 0.3, 0
set ylabel msb_ylabel
set key inside top right box opaque
set multiplot layout msb_panels,1
do for [p=0:msb_panels-1] {
	if (p > 0) { unset title }
	if (p == msb_panels - 1) {
		set xlabel 'time from the ioctl start (ms); shaded: the ioctl'
	} else {
		unset xlabel
	}
	pend = value(sprintf('msb_ioctl_end_%d', p))
	set object 1 rect from 0, graph 0 to pend, graph 1 behind fc rgb '#f4c2c2' fs solid 0.6 noborder
	set label 1 value(sprintf('msb_panel_%d', p)) at graph 0.01, graph 0.92 left front font ',13'
	plot msb_dat index (2*p+1) using 1:2 with steps lc rgb '#aaaaaa' lw 1.5 title 'control window (no update), vCPU 0', \
		for [v=1:msb_vcpus] msb_dat index (2*p) using 1:(column(v+1)) with steps lw 2 \
		lc rgb C_TL[v > 8 ? 8 : v] title sprintf('vCPU %d', v-1)
}
unset multiplot
