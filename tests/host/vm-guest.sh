#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run a command in the guest with the test tools added:
#   vm-guest.sh BUILDDIR [--rt] [vm/run options] -- CMD...
# The guest gets /bin/abi_test and the guest-side scripts of tests/guest/.
# --rt: the PREEMPT_RT guest (its kernel, and the modules built for it).
set -eu
build=$1
shift
src=$(cd "$(dirname "$0")/../.." && pwd)
kernel=$(sed -n 's/^#define HZB_VM_KERNEL "\(.*\)"$/\1/p' "$build/user/hzb_config.h")
initramfs=$build/vm/initramfs.cpio.gz
if [ "${1:-}" = --rt ]; then
	shift
	kernel=$(sed -n 's/^#define HZB_VM_KERNEL_RT "\(.*\)"$/\1/p' "$build/user/hzb_config.h")
	initramfs=$build/vm/rt/initramfs.cpio.gz
	[ -n "$kernel" ] || { echo "vm-guest.sh: this build has no rt guest" >&2; exit 77; }
fi
exec "$src/vm/run" --kernel "$kernel" --initramfs "$initramfs" \
	--file "$build/tests/abi_test:/bin/abi_test" \
	--file "$src/tests/guest:/tests" "$@"
