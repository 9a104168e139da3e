# SPDX-License-Identifier: GPL-2.0
# Shared by plots/*.gp.  plots/plot.sh sets on the command line:
#   datadir  where prepare.py wrote NAME.gpi and the .dat files
#   outbase  output path without extension
#   fmt      "png" or "svg"
# Each script loads its NAME.gpi (variables described in prepare.py), then
# uses the accessors below for panel p, series i.

F(p, i) = value(sprintf("F%d_%d", p, i))
T(p, i) = value(sprintf("T%d_%d", p, i))
C(p, i) = value(sprintf("C%d_%d", p, i))
D(p, i) = value(sprintf("D%d_%d", p, i))
PT(p, i) = value(sprintf("P%d_%d", p, i))
NSER(p) = value(sprintf("NS%d", p))
PTITLE(p) = value(sprintf("PTITLE%d", p))

# Panels: one, or two per row.
cols(n) = n == 1 ? 1 : 2
rows(n) = (n + 1) / 2
term(n) = sprintf("set terminal %s size %d,%d font 'Sans,%d' noenhanced", \
                  fmt eq "svg" ? "svg dynamic" : "pngcairo", \
                  cols(n) * 820, rows(n) * 460 + 60, fmt eq "svg" ? 12 : 10)
# The multiplot title's second line says where the data came from (NOTE).
start(n, title) = sprintf("%s; set output '%s.%s'; set multiplot layout %d,%d title '%s\n%s'", \
                          term(n), outbase, fmt, rows(n), cols(n), title, NOTE)

set encoding utf8
set grid xtics ytics mxtics mytics lc rgb "#dddddd" lw 1
set key box opaque samplen 3 spacing 1.1 font ",9"
set key outside right top vertical Left reverse width -2
set bars small
# Log axes: keep the outermost points (and their whiskers) off the frame.
set offsets graph 0.04, graph 0.04, 0, 0
