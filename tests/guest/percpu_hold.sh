#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side: holds past their ioctl on the per-CPU design, released every
# way the engine allows (percpu_hold, tests/tools/percpu_hold.c: unhold,
# holder exit, heir, foreign close; nest below and above the slot count;
# four variants).  ROUNDS of the foreign close per case (default 20).
#   percpu_hold.sh [ROUNDS]
set -u
if [ ! -c /dev/hazptr_percpu ]; then
	echo "percpu: FAIL /dev/hazptr_percpu missing (percpu_hazptr.ko not loaded)"
	exit 1
fi
exec percpu_hold "${1:-20}"
