#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side, for a deliberately broken build (meson -Dbroken=...): the
# workload that exposes each bug must see a freed object.  Passes when it
# does (and prints the time to detection), fails when it does not within
# TIMEOUT seconds, or when the module was not built broken.
#   pertask_broken.sh [TIMEOUT_SECONDS]
# shellcheck source-path=SCRIPTDIR source=pertask_lib.sh
. "$(dirname "$0")/pertask_lib.sh"
need_setup
ms=$(( ${1:-600} * 1000 ))
broken=$("$tool" info | get broken)
case $broken in
1) what=no_mb	# drop the reader's store-load fence: a store-buffering race
   run() { "$tool" -V track=bitmap run -t 0 -r 3 -u 1 -n 2 -D 1000 -S "$ms"; } ;;
2) what=skip_overflow	# a second updater retires what only overflow entries hold
   run() { "$tool" run -t 10 -r 2 -u 2 -n 12 -s 20 -D 500 -S "$ms"; } ;;
4) what=early_clear	# skips exactly the tasks whose counter is non-zero
   run() { "$tool" run -t 10 -r 2 -u 1 -n 1 -D 500 -S "$ms"; } ;;
*) echo "FAIL pertask_hazptr.ko is not a broken build (INFO broken=$broken)"; exit 1 ;;
esac
out=$(run) || { echo "FAIL $what: the run failed"; exit 1; }
det=$(echo "$out" | get detected)
[ "$det" = 1 ]; check "$what: violation seen after $(echo "$out" | get detect_ms) ms ($(echo "$out" | get rounds) rounds)" $?
finish
