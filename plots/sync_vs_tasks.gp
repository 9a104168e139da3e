# SPDX-License-Identifier: GPL-2.0
# Synchronize latency vs idle tasks (tasks-sweep): both designs, their
# variants, the RCU floors and the bare task walk; p50 with p99 whiskers,
# one panel per reader preemption mode.
load datadir . "/sync_vs_tasks.gpi"
eval start(NP, "Synchronize latency vs task count (point: median of per-rep p50, whisker: up to p99)")
load plotdir . "/lib/panels.gp"
