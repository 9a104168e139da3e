#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of tests/host/bpf_funclatency.sh: time the design's synchronize
# function with libbpf-tools' funclatency while hzbench runs, both on the
# same calls (no warm-up, --bpf-mode=always: the hzbench probe is
# attached for exactly the repetitions), and leave funclatency.txt and
# out.json in /results.
#   funclatency.sh DESIGN UNIT [HZBENCH OPTIONS...]
# UNIT ns, us or ms: funclatency's histogram ends at 2^24 units (its last
# slot takes everything above), so slow functions need us or ms.
design=$1 unit=$2
shift 2
case $unit in ns) uopt= ;; us) uopt=-u ;; ms) uopt=-m ;; *) echo "funclatency.sh: unit ns, us or ms"; exit 2 ;; esac
func=$(hzbench info --no-vm --design="$design" | sed -n 's/^sync_func //p')
[ -n "$func" ] || { echo "funclatency.sh: no sync_func for $design"; exit 1; }
command -v funclatency >/dev/null || { echo "funclatency.sh: no funclatency in this image (use initramfs-perf)"; exit 1; }
# The bare function name: funclatency looks it up in vmlinux and module BTF.
funclatency $uopt "$func" > /results/funclatency.txt 2>&1 &
fl=$!
# Its banner sits in a stdio buffer until exit: wait for its BPF links.
i=0
while ! grep -qs '^link_type' /proc/$fl/fdinfo/*; do
	i=$((i + 1))
	if [ $i -gt 150 ] || ! kill -0 $fl 2>/dev/null; then
		echo "funclatency.sh: funclatency did not attach:"
		cat /results/funclatency.txt
		exit 1
	fi
	sleep 0.2
done
hzbench --no-vm --design="$design" --warmup=0 --bpf-mode=always --no-floors \
	--json=/results/out.json "$@"
rc=$?
kill -INT $fl
wait $fl
echo "funclatency.sh: hzbench exit $rc, funclatency exit $?"
exit $rc
