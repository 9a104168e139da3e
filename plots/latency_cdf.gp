# SPDX-License-Identifier: GPL-2.0
# Synchronize latency CCDF at 10000 tasks (tasks-sweep), from the BPF
# log-linear histogram (share of calls at or above each bucket's lower
# bound), log-log so that the tail shows, one panel per preemption mode.
load datadir . "/latency_cdf.gpi"
eval start(NP, "Synchronize latency tail at 10000 tasks: fraction of calls >= x (BPF histogram)")
set logscale xy
set format x "%g"
set format y "%g"
set yrange [*:1.5]
do for [p = 1:NP] {
	set title PTITLE(p)
	set xlabel value(sprintf("XLABEL%d", p))
	set ylabel value(sprintf("YLABEL%d", p))
	plot for [i = 1:NSER(p)] F(p, i) using 1:2 with steps \
		lc rgb C(p, i) dt D(p, i) lw 2 title T(p, i)
}
unset multiplot
