#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Helpers for the pertask guest tests (sourced).  The tests need
# /dev/hazptr_pertask (pertask_hazptr.ko loaded) and pertask_tool
# (tests/tools/pertask_tool.c, static) in PATH or in $PERTASK_TOOL.
tool=${PERTASK_TOOL:-pertask_tool}
params=/sys/module/pertask_hazptr/parameters
fails=0

need_setup() {
	if [ ! -c /dev/hazptr_pertask ]; then
		echo "FAIL no /dev/hazptr_pertask: pertask_hazptr.ko is not loaded"
		exit 1
	fi
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "FAIL no $tool in the guest (build tests/tools/pertask_tool.c statically)"
		exit 1
	fi
}

# get KEY < key=value lines
get() { sed -n "s/^$1=//p" | head -n 1; }

check() {	# check DESCRIPTION STATUS: $? of the test just run
	if [ "$2" = 0 ]; then
		echo "ok   $1"
	else
		echo "FAIL $1"
		fails=$((fails + 1))
	fi
}

param() { cat "$params/$1"; }

# Wait for RCU-deferred block frees to bring live_blocks down to $1.
wait_live() {
	i=0
	while [ "$(param live_blocks)" -gt "$1" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

finish() {
	if [ "$fails" -ne 0 ]; then
		echo "$fails check(s) failed"
		exit 1
	fi
	exit 0
}
