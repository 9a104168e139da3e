#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the kernel release a build directory was configured for: the
# UTS_RELEASE modules get in their vermagic (Debian's 6.1 headers have
# include/config/kernel.release = 6.1.N, but uname -r says 6.1.0-N-cloud-amd64).
set -eu
kdir=$1
uts=$kdir/include/generated/utsrelease.h
if [ -f "$uts" ]; then
	sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$uts"
elif [ -f "$kdir/include/config/kernel.release" ]; then
	cat "$kdir/include/config/kernel.release"
else
	make -s -C "$kdir" kernelrelease
fi
