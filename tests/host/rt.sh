#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The PREEMPT_RT guest, as a user reaches it (--kernel=rt):
#  1. one boot of Debian's rt kernel running hzbench torture on every
#     design for SECONDS each (modules built against the rt headers);
#  2. a --quick tasks sweep of the per-task design with --kernel=rt, whose
#     result must record the rt kernel (system.kernel.flavour and
#     .preempt "rt", HZ, the list-debugging options, vm.kernel "rt").
# Skips (77) when the build has no rt guest (no rt image or headers).
#   rt.sh SRCROOT BUILDDIR SECONDS DESIGN...
set -u
src=$1 build=$2 secs=$3
shift 3
hzbench=$build/user/hzbench
conf=$build/user/hzb_config.h
rtk=$(sed -n 's/^#define HZB_VM_KERNEL_RT "\(.*\)"$/\1/p' "$conf")
if [ -z "$rtk" ]; then
	echo "rt: SKIP: $(sed -n 's/^#define HZB_VM_RT_WHY "\(.*\)"$/\1/p' "$conf")"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

echo "rt: === torture of ${*} on $rtk, ${secs} s each"
if ! "$src/tests/host/vm-guest.sh" "$build" --rt --timeout $((${#} * (secs + 60) + 300)) -- \
	sh /tests/torture_run.sh "$secs" "$@"; then
	echo "rt: FAIL torture on the rt kernel"
	fail=1
fi

echo "rt: === quick tasks sweep, pertask, --kernel=rt"
if ! "$hzbench" --workload="$src/workloads/tasks-sweep.ini" --quick --design=pertask \
	--kernel=rt --out="$tmp/sweep" -q; then
	echo "rt: FAIL the sweep"
	fail=1
fi
python3 - "$tmp/sweep" <<'PY' || fail=1
import glob, json, sys
files = sorted(glob.glob(sys.argv[1] + "/*.json"))
bad = 0
if not files:
    print("rt: FAIL the sweep left no result")
    sys.exit(1)
for f in files:
    r = json.load(open(f))
    k = r["system"].get("kernel", {})
    facts = (r["system"]["kernel_release"], k.get("flavour"), k.get("preempt"), k.get("hz"),
             k.get("debug_list"), k.get("list_hardened"), r["system"].get("vm", {}).get("kernel"))
    ok = (r["ok"] and facts[1] == "rt" and facts[2] == "rt" and isinstance(facts[3], int)
          and facts[3] > 0 and facts[4] is not None and facts[5] is not None
          and facts[6] == "rt" and r["readers"]["violations"] == 0)
    print("rt: %s %s: release %s flavour %s preempt %s HZ %s debug_list %s list_hardened %s vm.kernel %s"
          % (("ok  " if ok else "FAIL"), f.split("/")[-1], *facts))
    bad += not ok
sys.exit(1 if bad else 0)
PY
[ "$fail" -eq 0 ] && echo "rt: ok" || echo "rt: FAILED"
exit "$fail"
