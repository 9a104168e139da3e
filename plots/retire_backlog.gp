# SPDX-License-Identifier: GPL-2.0
# Retire list vs batch size (mixed): objects left unreclaimed at the end of
# the run, objects per synchronize call, retire batches per second.
load datadir . "/retire_backlog.gpi"
eval start(NP, "Retire list vs batch size (median over reps; bars: " . WHISKERS . ")")
load plotdir . "/lib/panels.gp"
