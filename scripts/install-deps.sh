#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install everything hzbench needs to build, test and run in the VM on
# Debian 12 (bookworm).  Idempotent; run as root.
# Kernels (meta packages, so the newest of each): 6.12 cloud (the VM kernel
# and the default build), 6.12 PREEMPT_RT (image + headers: the rt guest,
# --kernel=rt) and linux-headers-cloud-amd64, which on bookworm is the 6.1
# LTS cloud headers (the 'kernels' compile test).
set -eu
export DEBIAN_FRONTEND=noninteractive
pkgs="
	build-essential pkg-config meson ninja-build git python3 flex bison bc
	clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libzstd-dev
	linux-image-6.12-cloud-amd64 linux-headers-6.12-cloud-amd64
	linux-headers-cloud-amd64
	linux-image-6.12-rt-amd64 linux-headers-6.12-rt-amd64
	linux-source-6.12
	qemu-system-x86 busybox-static cpio kmod
	gnuplot-nox libinih-dev libbpf-tools linux-perf
"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	apt-get update -q
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing
fi
