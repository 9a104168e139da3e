#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side: the torture ioctls' documented errors, then CALLS (default
# 100000) random ioctls on every loaded hzbench device, or as many as fit
# in SECONDS per device (default 0: no time budget).
#   torture_fuzz.sh [CALLS [SECONDS]]
set -u
calls=${1:-100000}
secs=${2:-0}
devs=""
for d in /dev/hzb_* /dev/hazptr_*; do
	[ -c "$d" ] && devs="$devs $d"
done
if [ -z "$devs" ]; then
	echo "fuzz: FAIL no hzbench device in the guest"
	exit 1
fi
fail=0
# shellcheck disable=SC2086 # a list of devices
hzb_fuzz --abi $devs || fail=1
# shellcheck disable=SC2086
hzb_fuzz --calls="$calls" --seconds="$secs" $devs || fail=1
exit $fail
