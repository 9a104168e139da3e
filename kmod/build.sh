#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build the hzbench modules out of tree with Kbuild, in a copy of the
# sources under the Meson build dir (6.12 Kbuild writes objects next to the
# sources), W=1, failing on any compiler warning.
#   build.sh KDIR SRCROOT TREE OUTDIR BROKEN MODULE.ko...
set -eu
kdir=$1 src=$2 tree=$3 out=$4 broken=$5
shift 5
mkdir -p "$tree"
# -u: copy only what changed, so Kbuild rebuilds only that.
cp -a -u "$src/kmod" "$src/include" "$tree/"
extra=""
if [ "$broken" != none ]; then
	# Both spellings: #ifdef HZB_BROKEN_X, and IS_ENABLED(CONFIG_HZB_BROKEN_X)
	# (checkpatch wants IS_ENABLED() on CONFIG_ names; not a Kconfig symbol).
	b=$(echo "$broken" | tr a-z A-Z)
	extra="-DHZB_BROKEN_$b -DCONFIG_HZB_BROKEN_$b"
fi
log="$tree/build.log"
if ! make -C "$kdir" M="$tree/kmod" W=1 KCFLAGS="$extra" modules >"$log" 2>&1; then
	cat "$log" >&2
	exit 1
fi
if grep -E 'warning:|error:' "$log" >&2; then
	echo "kmod: the module build is not warning-free (W=1); see $log" >&2
	exit 1
fi
for ko in "$@"; do
	cp -p "$tree/kmod/$ko" "$out/$(basename "$ko")"
done
