# SPDX-License-Identifier: GPL-2.0
# Synchronize latency vs guest vCPUs (vcpu-sweep), with the RCU floors;
# p50 with p99 whiskers.  More vCPUs than host cores slow the whole guest:
# compare designs at one vCPU count.
load datadir . "/sync_vs_vcpus.gpi"
eval start(NP, "Synchronize latency vs vCPUs (point: median of per-rep p50, whisker: up to p99)")
load plotdir . "/lib/panels.gp"
