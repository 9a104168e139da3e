#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the kernel build directory to build against: the running kernel's
# when it has one, else the newest Debian cloud headers.  With "rt": the
# newest Debian PREEMPT_RT headers (the rt guest's), or nothing.
set -eu
if [ "${1:-}" = rt ]; then
	ls -d /usr/src/linux-headers-*-rt-amd64 2>/dev/null | sort -V | tail -n 1
	exit 0
fi
run="/lib/modules/$(uname -r)/build"
if [ -f "$run/Makefile" ]; then
	echo "$run"
	exit 0
fi
newest=$(ls -d /usr/src/linux-headers-*-cloud-amd64 2>/dev/null | sort -V | tail -n 1)
if [ -n "$newest" ]; then
	echo "$newest"
	exit 0
fi
echo "find-kdir: no kernel headers: apt-get install linux-headers-6.12-cloud-amd64 (or pass -Dkdir=)" >&2
exit 1
