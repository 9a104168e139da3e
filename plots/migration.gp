# SPDX-License-Identifier: GPL-2.0
# Context-switch migrations (per-CPU design) vs reader preemption
# (preempt-storm): rate, share of the readers' context switches, and the
# readers' cost per acquire for every design (migrate=on vs off: the cost).
load datadir . "/migration.gpi"
eval start(NP, "Migrations and their cost vs preemption (median over reps; bars: " . WHISKERS . ")")
load plotdir . "/lib/panels.gp"
