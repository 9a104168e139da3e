#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the kernel release a build directory was configured for.
set -eu
kdir=$1
if [ -f "$kdir/include/config/kernel.release" ]; then
	cat "$kdir/include/config/kernel.release"
else
	make -s -C "$kdir" kernelrelease
fi
