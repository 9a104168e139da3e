#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The torture suite under the lockdep + KASAN debug kernel built by
# vm/build-debug-kernel.sh; skipped (77) when it has not been built.
#   torture_debug.sh SRCDIR BUILDDIR [SECONDS [rt]]
# rt: the PREEMPT_RT debug kernel (vm/build-debug-kernel.sh --rt), whose
# lockdep also checks RT's rules (PROVE_RAW_LOCK_NESTING, sleeping locks
# in atomic context).  The kernel's directory: $HZB_DEBUG_KERNEL_DIR, else
# /var/tmp/hzbench-debug-kernel[-rt].  Builds the tree against it in
# BUILDDIR/torture-debug[-rt], boots it with kmemleak on, and runs
# tests/guest/torture_debug.sh there.
set -eu
src=$1 build=$2 secs=${3:-60} flavour=${4:-}
case $flavour in
'') name=torture-debug opt='' ;;
rt) name=torture-debug-rt opt=' --rt' ;;
*) echo "torture_debug.sh: unknown kernel flavour '$flavour' (rt or none)" >&2; exit 2 ;;
esac
kdir_env=${HZB_DEBUG_KERNEL_DIR:-/var/tmp/hzbench-debug-kernel${flavour:+-$flavour}}/hzb-debug.env
if [ ! -r "$kdir_env" ]; then
	echo "$name: no debug kernel ($kdir_env): build it with vm/build-debug-kernel.sh$opt (52-105 min on 2 cores)"
	exit 77
fi
# shellcheck disable=SC1090 # written by vm/build-debug-kernel.sh
. "$kdir_env"
dir=$build/$name
unset MESON_SOURCE_ROOT MESON_BUILD_ROOT MESON_SUBDIR MESONINTROSPECT 2>/dev/null || true
# Set up again when the kernel changed (another HZB_DEBUG_KERNEL_DIR).
if [ ! -f "$dir/build.ninja" ] || [ "$(cat "$dir.kdir" 2>/dev/null)" != "$KDIR $VM_KERNEL" ]; then
	rm -rf "$dir"
	meson setup "$dir" "$src" -Dkdir="$KDIR" -Dvm_kernel="$VM_KERNEL" > "$dir.setup.log" 2>&1 ||
		{ cat "$dir.setup.log"; exit 1; }
	echo "$KDIR $VM_KERNEL" > "$dir.kdir"
fi
ninja -C "$dir" > "$dir.build.log" 2>&1 || { tail -n 50 "$dir.build.log"; exit 1; }
# The debug kernel boots in about 72 s under TCG and runs 5-10x slower.
exec "$src/tests/host/vm-guest.sh" "$dir" --file "$dir/tests/hzb_fuzz:/bin/hzb_fuzz" \
	--append "kmemleak=on" --timeout $((12 * secs + 3600)) -- \
	sh /tests/torture_debug.sh "$secs"
