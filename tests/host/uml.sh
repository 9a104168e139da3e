#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The uml suite: the modules in the user-mode Linux kernel, natively timed.
#   uml.sh SRCDIR BUILDDIR kernel            the cached kernel and its queries
#   uml.sh SRCDIR BUILDDIR abi               ABI conformance of every device
#   uml.sh SRCDIR BUILDDIR smoke DESIGN      an end-to-end run (--target=uml)
#   uml.sh SRCDIR BUILDDIR torture DESIGN S  S seconds of hzbench torture
#   uml.sh SRCDIR BUILDDIR fence             up_fence=lock vs off, TSC vs ktime
set -eu
src=$1 build=$2 what=$3
shift 3
hzb=$build/user/hzbench
if [ "$what" != kernel ] && ! ls "$build"/uml/*.ko >/dev/null 2>&1; then
	echo "FAIL: no modules in $build/uml (uml-kernel builds them)"
	exit 1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

case $what in
kernel)
	# Builds the kernel when it is not cached (once per machine, ~8 min
	# on 2 idle cores), then the modules for it.
	if ! "$src/scripts/build-uml.sh" --check; then
		echo "uml: building the UML kernel (scripts/build-uml.sh)"
		"$src/scripts/build-uml.sh" || { echo "FAIL: the UML kernel build failed"; exit 1; }
	fi
	meson compile -C "$build" uml/kmods-uml >/dev/null || { echo "FAIL: modules for UML"; exit 1; }
	kdir=$("$src/scripts/build-uml.sh" --print-kdir)
	kernel=$("$src/scripts/build-uml.sh" --print-kernel)
	release=$("$src/scripts/build-uml.sh" --print-release)
	dir=$("$src/scripts/build-uml.sh" --print-dir)
	key=$("$src/scripts/build-uml.sh" --print-key)
	bad=0
	check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; bad=1; fi; }
	check "key $key names the cache dir" '[ "${dir##*/}" = "$key" ]'
	check "KDIR $kdir is in it and has a Makefile" '[ "${kdir#"$dir"/}" != "$kdir" ] && [ -f "$kdir/Makefile" ]'
	check "kernel $kernel is executable" '[ -x "$kernel" ]'
	check "release $release is the tree's release" '[ "$release" = "$(cat "$kdir/include/config/kernel.release")" ]'
	for o in MODULES MODULE_UNLOAD PREEMPT PREEMPT_NOTIFIERS TRACEPOINTS HOSTFS; do
		check "CONFIG_$o=y" "grep -q '^CONFIG_$o=y' '$kdir/.config'"
	done
	check "uniprocessor (no CONFIG_SMP)" "! grep -q '^CONFIG_SMP=y' '$kdir/.config'"
	check "the script's build is idempotent (no rebuild)" \
		'[ "$("$src/scripts/build-uml.sh" | grep ^KDIR=)" = "KDIR=$kdir" ]'
	for ko in "$build"/uml/*.ko; do
		check "${ko##*/} built for $release" \
			"modinfo -F vermagic '$ko' | grep -q '^$release '"
	done
	exit $bad
	;;
abi)
	"$src/uml/run" --hzbench "$hzb" --file "$build/tests/abi_test:/bin/abi_test" \
		--file "$src/tests/guest:/tests" --timeout 300 \
		$(for k in "$build"/uml/*.ko; do echo --kmod "$k"; done) -- sh /tests/abi.sh
	;;
smoke)
	design=$1
	"$hzb" --target=uml --design="$design" --tasks=1000 --duration=3 \
		--json="$out/out.json" > "$out/stdout"
	cat "$out/stdout"
	python3 - "$out/out.json" "$out/stdout" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
bad = []
def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        bad.append(what)
s, f = r["system"], r["floors"]
check(r["ok"], "run ok")
check(s["mode"] == "uml", "system.mode uml")
check(s["uml"]["kernel"].endswith("-hzb-uml") and s["uml"]["host_cpu"], "UML kernel and host CPU recorded")
check(s["up_fence"] == "lock" and s["clock"] == "tsc", "real fences and the TSC by default")
# A guest reports the whole host's L3: the eviction buffer stays capped.
check(1024 <= s["evict_kb"] <= 131072, "eviction buffer %d KiB recorded, at most 128 MiB" % s["evict_kb"])
check(f["task_walk"].get("clock") == "tsc" and f["task_walk_ktime_batch"].get("clock") == "ktime",
      "each floor names its clock (task_walk tsc, task_walk_ktime_batch ktime)")
check(r["synchronize"]["count"] > 0, "synchronize count %d > 0" % r["synchronize"]["count"])
check(r["readers"]["acquires"] > 0, "reader acquires %d > 0" % r["readers"]["acquires"])
check(r["readers"]["violations"] == 0, "no violations")
check(r["tasks"]["seen_by_module"] >= 1000, "module saw %d >= 1000 tasks" % r["tasks"]["seen_by_module"])
check(not r["bpf"]["enabled"] and r["bpf"].get("unavailable") == "uml", "BPF unavailable (uml), not failed")
check("unavailable (uml)" in text and "FAIL" not in text, "text says unavailable (uml), no FAIL line")
for k in ("slot_loop", "smp_mb", "task_walk", "task_walk_cold", "task_walk_ktime_batch",
          "percpu_scan", "synchronize_rcu"):
    check(k in f and f[k]["count"] > 0, "floor %s measured" % k)
# The walk timed one at a time by the TSC and 64 at a time by ktime: the
# same floor both ways (medians; loose, the host is shared).
a, b = f["task_walk"]["p50_ns"], f["task_walk_ktime_batch"]["p50_ns"]
check(0.5 < a / b < 2, "TSC walk %.0f ns vs ktime batch %.0f ns/walk within 2x" % (a, b))
sys.exit(1 if bad else 0)
PY
	;;
torture)
	design=$1 secs=$2
	"$hzb" torture --target=uml --design="$design" --duration="$secs" --tasks=100
	;;
fence)
	# Both numbers: smp_mb with the lock-prefixed add vs the UP kernel's
	# compiler barrier.  The real fence costs cycles; a compiler barrier
	# in a loop costs nearly none.  Best of 11 samples of 100000 each.
	for m in lock off; do
		"$hzb" calibrate --target=uml --up-fence=$m > "$out/$m.txt"
		cat "$out/$m.txt"
	done
	python3 - "$out/lock.txt" "$out/off.txt" <<'PY'
import re, sys
def floor(path, name):
    for line in open(path):
        m = re.match(r"calibrate: %s\s+p50\s+([0-9.]+) ns\s+min\s+([0-9.]+)" % name, line)
        if m:
            return float(m.group(2))
    raise SystemExit("FAIL no %s in %s" % (name, path))
lock, off = floor(sys.argv[1], "smp_mb"), floor(sys.argv[2], "smp_mb")
ok = "up_fence=lock" in open(sys.argv[1]).read() and "up_fence=off" in open(sys.argv[2]).read()
print(("ok   " if ok else "FAIL ") + "calibrate reports the fence mode")
big = lock > 3 * off and lock > 1.0
print(("ok   " if big else "FAIL ") + "smp_mb: lock %.2f ns vs off %.2f ns (real fence > 3x)" % (lock, off))
sys.exit(0 if ok and big else 1)
PY
	;;
*)
	echo "uml.sh: unknown test '$what'" >&2
	exit 2
	;;
esac
