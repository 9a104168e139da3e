# SPDX-License-Identifier: GPL-2.0
# Overflow rate (overflows per acquire) and overflow-lock contention
# (contended / all acquisitions, module counters) vs nesting
# (overflow-stress) and vs reader preemption (preempt-storm).
load datadir . "/overflow_contention.gpi"
eval start(NP, "Overflow and overflow-lock contention (median over reps; bars: " . WHISKERS . ")")
load plotdir . "/lib/panels.gp"
