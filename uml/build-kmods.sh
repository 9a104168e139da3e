#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build the hzbench modules for the user-mode Linux kernel: the same
# Kbuild, W=1 and warning check as kmod/build.sh, with ARCH=um against the
# cached UML kernel tree, which scripts/build-uml.sh builds first if it is
# not there yet (about 8 minutes, once per machine).
#   build-kmods.sh SRCROOT TREE OUTDIR BROKEN MODULE.ko...
set -eu
src=$1
"$src/scripts/build-uml.sh" >/dev/null
kdir=$("$src/scripts/build-uml.sh" --print-kdir)
ARCH=um SUBARCH=x86_64 exec "$src/kmod/build.sh" "$kdir" "$@"
