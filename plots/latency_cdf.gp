# SPDX-License-Identifier: GPL-2.0
# Synchronize latency CDF at 10000 tasks (tasks-sweep), from the BPF
# log-linear histogram (bucket upper bounds), one panel per preemption mode.
load datadir . "/latency_cdf.gpi"
eval start(NP, "Synchronize latency distribution at 10000 tasks (BPF histogram)")
set logscale x
set format x "%g"
set yrange [0:1.02]
set ytics 0.1
do for [p = 1:NP] {
	set title PTITLE(p)
	set xlabel value(sprintf("XLABEL%d", p))
	set ylabel value(sprintf("YLABEL%d", p))
	plot for [i = 1:NSER(p)] F(p, i) using 1:2 with steps \
		lc rgb C(p, i) dt D(p, i) lw 2 title T(p, i)
}
unset multiplot
