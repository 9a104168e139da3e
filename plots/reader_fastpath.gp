# SPDX-License-Identifier: GPL-2.0
# Reader fast path (reader-fastpath): ns per acquire+release for each design
# and variant, next to the slot_loop floor measured in the same runs.
load datadir . "/reader_fastpath.gpi"
eval start(NP, "Reader fast path: acquire + release (bar: median over reps; whisker: " . WHISKERS . ")")
set logscale y
set format y "%g"
set xtics rotate by -25 left nomirror
set style fill solid 0.7 border -1
set boxwidth 0.6
set key off
do for [p = 1:NP] {
	set title PTITLE(p)
	set xrange [-0.6:value(sprintf("XCAT%d", p)) - 0.4]
	eval "set xtics " . value(sprintf("XTICS%d", p))
	set ylabel value(sprintf("YLABEL%d", p))
	plot for [i = 1:NSER(p)] F(p, i) using 1:2 \
		with boxes lc rgb C(p, i) notitle, \
	     for [i = 1:NSER(p)] F(p, i) using 1:2:3:4 with yerrorbars \
		lc rgb "black" pt 0 notitle, \
	     for [i = 1:NSER(p)] F(p, i) using ($1 + 0.04):2:(sprintf("%.1f", $2)) with labels left \
		offset 0, 0.7 font ",9" notitle
}
unset multiplot
