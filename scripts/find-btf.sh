#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print a file with kernel BTF to dump vmlinux.h from, for the modules'
# build directory KDIR.  The BPF programs are CO-RE (field offsets are
# relocated against the running kernel's BTF at load time), so any recent
# kernel's BTF compiles them; the nearest one is preferred.  In order:
#   1. KDIR/vmlinux (Debian's 6.12 headers ship one: the exact kernel)
#   2. the newest /usr/src/linux-headers-*/vmlinux (an installed package:
#      the same on every machine that ran scripts/install-deps.sh)
#   3. /sys/kernel/btf/vmlinux (the running kernel's: differs per host)
# Debian's 6.1 headers have no vmlinux, so they take (2).  The choice and
# its reason go to stderr.
#   find-btf.sh KDIR
set -eu
kdir=$1
if [ -f "$kdir/vmlinux" ]; then
	echo "$kdir/vmlinux"
	exit 0
fi
other=$(ls /usr/src/linux-headers-*/vmlinux 2>/dev/null | sort -V | tail -n 1)
if [ -n "$other" ]; then
	echo "find-btf: $kdir has no vmlinux; vmlinux.h from $other (CO-RE: any BTF compiles)" >&2
	echo "$other"
	exit 0
fi
if [ -r /sys/kernel/btf/vmlinux ]; then
	echo "find-btf: $kdir has no vmlinux and no installed headers have one; vmlinux.h from the running kernel's /sys/kernel/btf/vmlinux" >&2
	echo /sys/kernel/btf/vmlinux
	exit 0
fi
echo "find-btf: no BTF: $kdir/vmlinux, /usr/src/linux-headers-*/vmlinux and /sys/kernel/btf/vmlinux are all missing (apt-get install linux-headers-6.12-cloud-amd64)" >&2
exit 1
