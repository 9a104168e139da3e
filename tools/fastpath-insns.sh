#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# results/fastpath-insns/percpu.txt: the per-CPU design's acquire+release
# instructions per scheme, counted by disassembly (tools/fastpath-insns.py)
# in BUILDDIR's module for the Debian kernel.  No measurement: no CPU lock.
#   tools/fastpath-insns.sh BUILDDIR [OUTFILE]
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: fastpath-insns.sh BUILDDIR [OUTFILE]}
out=${2:-$src/results/fastpath-insns/percpu.txt}
ko=$build/kmod/percpu_hazptr.ko
mkdir -p "$(dirname "$out")"
{
	echo "# tools/fastpath-insns.py $ko v5 v4-wildcard v4 v4-nomigrate --list"
	echo "# module: percpu_hazptr.ko for $(modinfo -F vermagic "$ko" | cut -d' ' -f1)," \
	     "$(gcc --version | head -n 1), git $(git -C "$src" describe --always --dirty)"
	python3 "$src/tools/fastpath-insns.py" "$ko" v5 v4-wildcard v4 v4-nomigrate --list
} > "$out"
grep -v '^ ' "$out"
