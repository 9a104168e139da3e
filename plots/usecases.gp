# SPDX-License-Identifier: GPL-2.0
# Use cases (workloads/usecase-*.ini): delete-path latency of every design
# in each use case, one run per design: the bar is that run's p50 and the
# whisker reaches its p99 (not an interval over repetitions).
load datadir . "/usecases.gpi"
eval start(NP, "Use cases: delete latency (bar: p50, whisker: " . WHISKERS . ")")
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
	     for [i = 1:NSER(p)] F(p, i) using 1:3:3:4 with yerrorbars \
		lc rgb "black" pt 0 notitle, \
	     for [i = 1:NSER(p)] F(p, i) using ($1 + 0.04):2:(sprintf("%.1f", $2)) with labels left \
		offset 0, 0.7 font ",9" notitle
}
unset multiplot
