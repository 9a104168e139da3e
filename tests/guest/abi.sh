#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side: ABI conformance of every hzbench device that is loaded.
set -u
devs=""
for d in /dev/hzb_* /dev/hazptr_*; do
	[ -c "$d" ] && devs="$devs $d"
done
if [ -z "$devs" ]; then
	echo "abi: FAIL no hzbench device in the guest"
	exit 1
fi
# shellcheck disable=SC2086
exec abi_test $devs
