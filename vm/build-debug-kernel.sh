#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the lockdep + KASAN debug kernel for the hzbench VM from Debian's
# linux-source-6.12 package: defconfig + kvm_guest.config, plus what the
# modules, the torture tests and the BPF programs need.  About 52 minutes
# on 2 cores (DESIGN.md); run it once per machine.  tests/host/torture_debug.sh
# (meson test --setup=full --suite debug) uses the result when it exists.
set -euo pipefail

me=${0##*/}
usage() {
	cat <<EOT
usage: $me [--rt] [--out DIR] [--jobs N] [--source TARBALL] [--force] [--config-only]

Builds DIR/linux-source-6.12 (a kernel build tree, usable as meson
-Dkdir=) and DIR/bzImage, and writes DIR/hzb-debug.env (KDIR=, VM_KERNEL=,
BUILD_SECONDS=) for tests/host/torture_debug.sh.

  --rt             the PREEMPT_RT variant: PREEMPT_RT instead of PREEMPT, so
                   lockdep runs RT's checks (sleeping locks in atomic
                   context, raw vs. non-raw nesting: PROVE_RAW_LOCK_NESTING);
                   default DIR /var/tmp/hzbench-debug-kernel-rt.  Run the
                   debug suite on it with HZB_DEBUG_KERNEL_DIR=that DIR
  --out DIR        where (default \$HZB_DEBUG_KERNEL_DIR, else
                   /var/tmp/hzbench-debug-kernel)
  --jobs N         make -j (default: nproc)
  --source TAR     linux-source tarball (default: newest
                   /usr/src/linux-source-6.12*.tar.xz)
  --force          start over even if DIR has a finished build
  --config-only    stop after writing and checking .config (seconds)
  -h, --help       this text

Config: defconfig, kvm_guest.config, then
  KASAN (generic, inline), PROVE_LOCKING (lockdep, PROVE_RCU),
  DEBUG_ATOMIC_SLEEP, DEBUG_LIST, DEBUG_OBJECTS_TIMERS, DETECT_HUNG_TASK,
  SLUB_DEBUG, DEBUG_KMEMLEAK (off unless booted with kmemleak=on),
  PREEMPT (full) with PREEMPT_DYNAMIC, MODULES + MODULE_UNLOAD,
  KVM + KVM_INTEL (the only way to get PREEMPT_NOTIFIERS),
  DEBUG_INFO_DWARF5 + DEBUG_INFO_BTF (+ _MODULES), FTRACE,
  FUNCTION_TRACER, KPROBES, KPROBE_EVENTS, BPF_SYSCALL, BPF_JIT,
  BPF_EVENTS, VIRTIO_CONSOLE, DEVTMPFS, TMPFS, DEBUG_FS.
EOT
}
die() { echo "$me: $*" >&2; exit 2; }

out=${HZB_DEBUG_KERNEL_DIR:-}
jobs=$(nproc)
tarball='' force='' config_only='' rt=''
while [ $# -gt 0 ]; do
	case $1 in
	--rt) rt=1; shift ;;
	--out) [ $# -ge 2 ] || die "--out needs a directory"; out=$2; shift 2 ;;
	--jobs) [ $# -ge 2 ] || die "--jobs needs a number"; jobs=$2; shift 2 ;;
	--source) [ $# -ge 2 ] || die "--source needs a tarball"; tarball=$2; shift 2 ;;
	--force) force=1; shift ;;
	--config-only) config_only=1; shift ;;
	-h|--help) usage; exit 0 ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
done
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "--jobs wants a positive integer, not '$jobs'"
[ -n "$out" ] || out=/var/tmp/hzbench-debug-kernel${rt:+-rt}
if [ -z "$tarball" ]; then
	tarball=$(find /usr/src -maxdepth 1 -name "linux-source-6.12*.tar.xz" | sort -V | tail -n 1)
	[ -n "$tarball" ] || die "no /usr/src/linux-source-6.12*.tar.xz: apt-get install linux-source-6.12"
fi
[ -r "$tarball" ] || die "cannot read $tarball"
for tool in make gcc flex bison bc pahole xz; do
	command -v "$tool" >/dev/null ||
		die "$tool not found: apt-get install build-essential flex bison bc dwarves xz-utils libelf-dev libssl-dev"
done
top=$(basename "$tarball" .tar.xz)	# Debian's tarball holds linux-source-6.12/
tree=$out/$top
env=$out/hzb-debug.env

if [ -n "$force" ]; then
	rm -rf "$tree" "$env" "$out/bzImage"
fi
if [ -r "$env" ] && [ -z "$config_only" ]; then
	echo "$me: already built ($env); --force to rebuild"
	cat "$env"
	exit 0
fi
mkdir -p "$out"
t0=$(date +%s)
if [ ! -f "$tree/Makefile" ]; then
	echo "$me: extracting $tarball into $out"
	tar -xJf "$tarball" -C "$out"
fi
cd "$tree"

echo "$me: configuring"
make -s defconfig
make -s kvm_guest.config
enable=(
	KASAN KASAN_GENERIC KASAN_INLINE
	PROVE_LOCKING DEBUG_ATOMIC_SLEEP DEBUG_LIST DEBUG_OBJECTS DEBUG_OBJECTS_TIMERS
	DETECT_HUNG_TASK SLUB_DEBUG DEBUG_KMEMLEAK DEBUG_KMEMLEAK_DEFAULT_OFF
	PREEMPT PREEMPT_DYNAMIC
	MODULES MODULE_UNLOAD
	VIRTUALIZATION KVM KVM_INTEL
	DEBUG_INFO DEBUG_INFO_DWARF5 DEBUG_INFO_BTF DEBUG_INFO_BTF_MODULES
	FTRACE FUNCTION_TRACER DYNAMIC_FTRACE KPROBES KPROBE_EVENTS
	BPF BPF_SYSCALL BPF_JIT BPF_EVENTS
	VIRTIO_CONSOLE DEVTMPFS DEVTMPFS_MOUNT TMPFS DEBUG_FS BLK_DEV_INITRD RD_GZIP
)
disable=(KASAN_OUTLINE DEBUG_INFO_NONE DEBUG_INFO_REDUCED DEBUG_INFO_SPLIT
	 PREEMPT_NONE PREEMPT_VOLUNTARY MODULE_SIG_FORCE KVM_WERROR WERROR)
want=(PREEMPT)
if [ -n "$rt" ]; then
	# PREEMPT_RT replaces PREEMPT (full); lockdep then checks RT's rules.
	for i in "${!enable[@]}"; do
		[ "${enable[i]}" != PREEMPT ] || enable[i]=PREEMPT_RT
	done
	enable+=(EXPERT PROVE_RAW_LOCK_NESTING)
	disable+=(PREEMPT PREEMPT_LAZY)
	want=(PREEMPT_RT PROVE_RAW_LOCK_NESTING)
fi
args=()
for o in "${enable[@]}"; do args+=(-e "$o"); done
for o in "${disable[@]}"; do args+=(-d "$o"); done
scripts/config "${args[@]}" --set-str LOCALVERSION "-hzb-debug${rt:+-rt}" -d LOCALVERSION_AUTO
make -s olddefconfig
# What the tests rely on must have survived olddefconfig's dependencies.
missing=()
for o in KASAN KASAN_INLINE PROVE_LOCKING PROVE_RCU DEBUG_INFO_BTF DEBUG_INFO_BTF_MODULES \
	 MODULES MODULE_UNLOAD KVM_INTEL PREEMPT_NOTIFIERS "${want[@]}" FTRACE \
	 FUNCTION_TRACER KPROBES BPF_SYSCALL BPF_JIT VIRTIO_CONSOLE DEVTMPFS SLUB_DEBUG; do
	grep -q "^CONFIG_$o=y" .config || missing+=("$o")
done
[ ${#missing[@]} -eq 0 ] || die "olddefconfig dropped: ${missing[*]}"
echo "$me: .config ok ($(grep -c '=y' .config) options built in)"
[ -z "$config_only" ] || exit 0

echo "$me: building with -j$jobs (about 52 minutes on 2 cores); log in $tree/hzb-build.log"
if ! make -j"$jobs" bzImage modules > hzb-build.log 2>&1; then
	tail -n 40 hzb-build.log >&2
	die "kernel build failed; see $tree/hzb-build.log"
fi
cp arch/x86/boot/bzImage "$out/bzImage"
t1=$(date +%s)
{
	echo "KDIR=$tree"
	echo "VM_KERNEL=$out/bzImage"
	echo "KERNEL_RELEASE=$(make -s kernelrelease)"
	echo "BUILD_SECONDS=$((t1 - t0))"
	echo "BUILD_JOBS=$jobs"
	echo "BUILD_HOST_CPUS=$(nproc)"
} > "$env.tmp"
mv "$env.tmp" "$env"
echo "$me: done in $(((t1 - t0) / 60)) min $(((t1 - t0) % 60)) s"
cat "$env"
