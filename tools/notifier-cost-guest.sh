#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of tools/notifier-cost.sh (user-mode Linux, busybox sh, cwd
# /results): NC_ROUNDS rounds, each running every series in every mode
# once, in the same order, so that each series sits next to its baseline
# in time; key=value blocks into raw.txt.  Each round starts with the
# no-hook baseline, run with only the refcount module loaded: the
# hazard-pointer modules switch the kernel's preempt-notifier static key
# on (preempt_notifier_inc()), which costs every context switch a look at
# the task's empty notifier list; refcount-keyon measures that too.
set -eu
exec > raw.txt
n=${NC_SECTIONS:-50000}
echo "uml_kernel=${HZB_UML_KERNEL:-?}"
echo "host_cpu=${HZB_HOST_CPU:-?}"
echo "host_loadavg=${HZB_HOST_LOADAVG:-?}"
params=$(cat /lib/hzbench/params)
one() {	# round series device variant
	for m in solo after holding; do
		echo "series=$2"
		echo "round=$1"
		hzb_pingpong -d "$3" -V "$4" -N "$n" -R 1 $m
	done
}
r=1
while [ $r -le "${NC_ROUNDS:-41}" ]; do
	rmmod percpu_hazptr pertask_hazptr
	[ $r -gt 1 ] || echo "modules=$(cut -d' ' -f1 /proc/modules | tr '\n' ' ')"
	one $r refcount-nohook /dev/hzb_refcount ""
	# shellcheck disable=SC2086 # the parameters are words
	insmod /lib/hzbench/percpu_hazptr.ko $params
	# shellcheck disable=SC2086
	insmod /lib/hzbench/pertask_hazptr.ko $params
	one $r refcount-keyon /dev/hzb_refcount ""
	one $r percpu-v4-nomigrate /dev/hazptr_percpu "scheme=v4,migrate=off"
	one $r percpu-v4 /dev/hazptr_percpu "scheme=v4"
	one $r percpu-v5 /dev/hazptr_percpu "scheme=v5"
	one $r pertask /dev/hazptr_pertask ""
	r=$((r + 1))
done
