#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side: both hazard-pointer designs wait by the one policy of
# kmod/common/hzb_wait.h: the same knobs (wait=, spin=), the same default,
# and a run records the policy it used in its variant.
set -u
fail=0
check() {
	if [ "$1" = 0 ]; then echo "ok   $2"; else echo "FAIL $2"; fail=1; fi
}
want_knobs='wait=spin-sleep|spin spin=0|5|20|100|1000'
for d in percpu pertask; do
	info=$(hzbench info --no-vm --design=$d)
	knobs=$(echo "$info" | sed -n 's/^knobs //p')
	variant=$(echo "$info" | sed -n 's/^variant //p')
	case " $knobs " in *" $want_knobs "*) r=0 ;; *) r=1 ;; esac
	check $r "$d knobs have '$want_knobs' ($knobs)"
	case ",$variant," in *",wait=spin-sleep,spin=20,"*) r=0 ;; *) r=1 ;; esac
	check $r "$d default variant waits spin-sleep, spin 20 us ($variant)"
	hzbench --no-vm --design=$d --variant=wait=spin,spin=0 --duration=1 --no-bpf \
		--no-floors -q --json=/tmp/$d.json > /dev/null
	check $? "$d runs with wait=spin,spin=0"
	grep -q '"variant": "[^"]*wait=spin,spin=0' /tmp/$d.json
	check $? "$d result records wait=spin,spin=0: $(grep -o '"variant": "[^"]*"' /tmp/$d.json)"
	hzbench info --no-vm --design=$d --variant=wait=sometimes > /dev/null 2>&1
	[ $? = 2 ]
	check $? "$d rejects wait=sometimes"
done
exit $fail
