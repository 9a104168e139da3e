#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run a command in the guest with the test tools added:
#   vm-guest.sh BUILDDIR [vm/run options] -- CMD...
# The guest gets /bin/abi_test and the guest-side scripts of tests/vm/.
set -eu
build=$1
shift
src=$(cd "$(dirname "$0")/.." && pwd)
kernel=$(sed -n 's/^#define HZB_VM_KERNEL "\(.*\)"$/\1/p' "$build/user/hzb_config.h")
exec "$src/vm/run" --kernel "$kernel" --initramfs "$build/vm/initramfs.cpio.gz" \
	--file "$build/tests/abi_test:/bin/abi_test" \
	--file "$src/tests/vm:/tests" "$@"
