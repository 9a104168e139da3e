#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side: helpers for the percpu_*.sh tests (busybox sh), sourced.
#
#   pc_run NAME HZBENCH-ARGS...   run hzbench --design=percpu, JSON in $pc_json
#   pc_get KEY                    a number from the run's "counters" or
#                                 "readers" object (first match)
#   pc_check NAME COND...         print ok/FAIL, count failures in $pc_failed
#   pc_quiescent NAME             nothing left held: no busy per-CPU slot
#                                 and no chained backup slot
#   pc_done                       exit 1 if anything failed
pc_failed=0
pc_json=/tmp/percpu_test.json
pc_param=/sys/module/percpu_hazptr/parameters

if [ ! -c /dev/hazptr_percpu ]; then
	echo "percpu: FAIL /dev/hazptr_percpu missing (percpu_hazptr.ko not loaded)"
	exit 1
fi

pc_check() {
	name=$1
	shift
	if [ "$@" ]; then
		echo "ok   $name"
	else
		echo "FAIL $name"
		pc_failed=$((pc_failed + 1))
	fi
}

pc_run() {
	name=$1
	shift
	rm -f "$pc_json"
	# hzbench fails a run with violations; the JSON is still written
	# and the caller checks the violation count itself.
	hzbench --design=percpu --no-bpf --no-floors -q --json="$pc_json" "$@" \
		> /tmp/percpu_test.out 2>&1
	if [ ! -s "$pc_json" ]; then
		echo "FAIL $name: hzbench $*"
		cat /tmp/percpu_test.out
		pc_failed=$((pc_failed + 1))
		return 1
	fi
	return 0
}

# The JSON on one line; KEY's value inside the object OBJ.
pc_obj() {
	tr -d '\n ' < "$pc_json" | grep -o "\"$1\":{[^}]*}" | head -n 1
}

pc_get() {
	v=$(pc_obj counters | grep -o "\"$1\":[0-9]*" | head -n 1 | cut -d: -f2)
	[ -n "$v" ] || v=$(pc_obj readers | grep -o "\"$1\":[0-9]*" | head -n 1 | cut -d: -f2)
	echo "${v:--1}"
}

pc_quiescent() {
	busy=$(cat "$pc_param/busy")
	chained=$(cat "$pc_param/chained")
	pc_check "$1: nothing held afterwards (busy=$busy chained=$chained)" \
		"$busy" -eq 0 -a "$chained" -eq 0
}

# Every backup slot chained (overflow or migration) was unchained.
pc_balanced() {
	o=$(pc_get overflows) m=$(pc_get migrations) r=$(pc_get overflow_releases)
	pc_check "$1: chained $o + migrated $m == unchained $r" "$((o + m))" -eq "$r"
}

pc_done() {
	if [ "$pc_failed" -ne 0 ]; then
		echo "percpu: $pc_failed check(s) failed"
		exit 1
	fi
	exit 0
}
