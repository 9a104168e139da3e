#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Proof that the torture test can fail: build the modules with one
# deliberate bug (meson -Dbroken=VARIANT) in their own build dir (kept, so
# later runs only rebuild what changed), boot the main build's guest image
# with those modules in place of its own, and require every design built
# broken to FAIL hzbench torture within BUDGET seconds
# (tests/guest/torture_broken.sh).
#   torture_broken.sh SRCDIR BUILDDIR VARIANT KDIR VM_KERNEL [BUDGET [VCPUS]]
set -eu
src=$1 build=$2 variant=$3 kdir=$4 vmk=$5 budget=${6:-120} vcpus=${7:-2}
dir=$build/torture-broken-$variant
# Whatever meson exported for this test is not for the nested build.
unset MESON_SOURCE_ROOT MESON_BUILD_ROOT MESON_SUBDIR MESONINTROSPECT 2>/dev/null || true
if [ ! -f "$dir/build.ninja" ]; then
	rm -rf "$dir"
	meson setup "$dir" "$src" -Dbroken="$variant" -Dkdir="$kdir" -Dvm_kernel="$vmk" \
		> "$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; exit 1; }
fi
# Only the modules: hzbench, the tools and the image are the main build's.
kos=() files=()
for ko in "$build"/kmod/*.ko; do
	kos+=("kmod/${ko##*/}")
	files+=(--file "$dir/kmod/${ko##*/}:/lib/hzbench/${ko##*/}")
done
t0=$(date +%s)
ninja -C "$dir" "${kos[@]}" > "$dir.build.log" 2>&1 || { tail -n 50 "$dir.build.log"; exit 1; }
echo "torture-broken: $variant modules built in $(($(date +%s) - t0)) s ($dir/kmod)"
set +e
"$src/tests/host/vm-guest.sh" "$build" "${files[@]}" --vcpus "$vcpus" \
	--timeout $((4 * budget + 300)) -- \
	sh /tests/torture_broken.sh "$budget" 2>&1 | tee "$dir.run.log"
rc=${PIPESTATUS[0]}
set -e
ok=$(grep -c '^torture-broken: ok ' "$dir.run.log" || true)
bad=$(grep -c '^torture-broken: FAIL' "$dir.run.log" || true)
# A kernel panic (an Oops, BUG or WARNING: vm/run boots with oops=panic,
# panic_on_warn) ends the guest at once: the design under torture then is
# caught, after the time vm/run reports; the designs after it are not run.
panic=$(sed -n 's/^HZB-VM: kernel panic \([0-9.]*\) s after.*/\1/p' "$dir.run.log" | head -n 1)
if [ -n "$panic" ] && [ "$rc" -eq 3 ]; then
	cur=$(sed -n 's/^torture-broken: === \([a-z]*\) .*/\1/p' "$dir.run.log" | tail -n 1)
	echo "torture-broken: ok   ${cur:-?} $variant caught: kernel panic ${panic} s after the guest command started (designs after it not run)"
	ok=$((ok + 1))
fi
echo "torture-broken: $variant: $ok designs caught, $bad not (guest exit $rc)"
# A broken design may also trip the console scan (exit 3): still caught.
if [ "$ok" -gt 0 ] && [ "$bad" -eq 0 ] && { [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ]; }; then
	exit 0
fi
exit 1
