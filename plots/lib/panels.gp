# SPDX-License-Identifier: GPL-2.0
# Draw every panel of the loaded NAME.gpi: series as lines through the
# medians (column 2) with bars from column 3 to column 4.  Categorical
# panels (XCAT categories, ticks XTICS) spread the series a little so that
# their bars do not hide each other.
do for [p = 1:NP] {
	set title PTITLE(p)
	set xlabel value(sprintf("XLABEL%d", p))
	set ylabel value(sprintf("YLABEL%d", p))
	if (value(sprintf("XLOG%d", p))) { set logscale x; set format x "%g" } else { unset logscale x }
	if (value(sprintf("YLOG%d", p))) {
		set logscale y; set format y "%g"; set yrange [*:*]
	} else {
		unset logscale y; set yrange [0:*]
	}
	ncat = value(sprintf("XCAT%d", p))
	if (ncat) {
		set xrange [-0.5:ncat - 0.5]; set offsets 0, 0, graph 0.05, 0
		eval "set xtics " . value(sprintf("XTICS%d", p))
		dx(i) = 0.08 * (i - (NSER(p) + 1) / 2.0)
		plot for [i = 1:NSER(p)] F(p, i) using ($1 + dx(i)):2:3:4 \
			with yerrorlines lc rgb C(p, i) dt D(p, i) pt PT(p, i) ps 1.4 lw 1.5 title T(p, i)
		set xrange [*:*]; set xtics autofreq
	} else {
		set offsets graph 0.04, graph 0.04, graph 0.05, 0
		# Ticks at the x values that have data (prepare.py), when few.
		if (strlen(value(sprintf("XTICS%d", p))) > 2) {
			eval "set xtics " . value(sprintf("XTICS%d", p))
		}
		plot for [i = 1:NSER(p)] F(p, i) using 1:2:3:4 with yerrorlines \
			lc rgb C(p, i) dt D(p, i) pt PT(p, i) ps 1.4 lw 1.5 title T(p, i)
		set xtics autofreq
	}
}
unset multiplot
