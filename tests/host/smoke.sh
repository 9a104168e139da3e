#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# End-to-end smoke test of one design through the VM, as a user runs it:
#   smoke.sh BUILDDIR DESIGN [VARIANT]
# Passes when the run succeeds and its JSON shows synchronize calls, reader
# acquires, no violations, probe-free headline figures, a BPF synchronize
# count equal to the module's own in the BPF segments, every BPF
# cross-check holding, and no more readers + updaters than CPUs.
# Two repetitions of 2.5 s (ABBA: off on on off), not one of 5 s: with two
# segments per condition the run measures its segment-to-segment noise,
# which bounds how far the probe-free median (other calls) may sit above
# the BPF one; with one, a drift on a busy host (CI runs two guests at
# once) failed that bound with nothing to show it was drift.
set -eu
build=$1 design=$2 variant=${3:-}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$build/user/hzbench" --vm --design="$design" --variant="$variant" \
	--tasks=1000 --reps=2 --duration=2.5 --json="$out/out.json" --csv="$out/out.csv"
python3 - "$out/out.json" "$out/out.csv" <<'PY'
import csv, json, sys
r = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))
bad = []
def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        bad.append(what)
check(r["schema"] == "hzbench-result/1", "schema version")
check(r["system"]["mode"] == "vm" and r["system"]["vm"]["accel"] == "tcg", "VM facts recorded")
k = r["system"].get("kernel", {})
check(k.get("flavour") == "cloud" and k.get("preempt") == "full" and (k.get("hz") or 0) > 0
      and k.get("debug_list") is not None and k.get("list_hardened") is not None,
      "kernel facts recorded: %s" % k)
check(r["synchronize"]["count"] > 0, "synchronize count %d > 0" % r["synchronize"]["count"])
check(r["readers"]["acquires"] > 0, "reader acquires %d > 0" % r["readers"]["acquires"])
check(r["readers"]["violations"] == 0, "no violations")
check(r["tasks"]["seen_by_module"] >= 1000, "module saw %d >= 1000 tasks" % r["tasks"]["seen_by_module"])
check(r["bpf"]["attached"], "BPF attached")
check(r["synchronize"].get("probes_attached") is False, "headline figures probe-free")
segc = r["bpf"].get("segments", {}).get("counters", {})
check(r["bpf"].get("sync_count") == segc.get("syncs"),
      "BPF sync count %s == module count %s (BPF segments)" % (r["bpf"].get("sync_count"),
                                                              segc.get("syncs")))
check(not [c for c in r["bpf"].get("checks", []) if not c["ok"]],
      "every BPF cross-check holds: %s" % [c["name"] for c in r["bpf"].get("checks", [])
                                          if not c["ok"]])
check(r["config"]["readers"] + r["config"]["updaters"] <= r["system"]["nr_cpus"]
      and r["config"]["oversubscribed"] is False,
      "default run not oversubscribed: %d readers + %d updaters <= %d CPUs" %
      (r["config"]["readers"], r["config"]["updaters"], r["system"]["nr_cpus"]))
check(len(rows) == 1 and int(rows[0]["syncs"]) == r["synchronize"]["count"], "CSV row matches JSON")
check(all(k in r["floors"] for k in ("slot_loop", "task_walk", "synchronize_rcu")), "floors measured")
sys.exit(1 if bad else 0)
PY
