#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) and query the user-mode Linux (ARCH=um) kernel that
# `hzbench --target=uml` boots and that meson builds the modules against.
#
# The kernel comes from Debian's linux-source-6.12 package and is cached
# outside any build directory, under
#     $HZB_UML_CACHE (default /var/cache/hzbench)/uml-<source version>-<config hash>/
# so every clone and CI run on the machine reuses it.  The config hash covers
# this script's config recipe (below), the Kconfig prompt patch and the
# compiler's version line (out-of-tree modules must use the kernel's
# compiler).  A finished build is marked by hzb-uml.env, written last; a
# half-finished one (killed, out of disk) is resumed by make on the next run.
# Concurrent runs for the same key wait for each other (flock).
#
# Query interface (stable: tests, meson and the `kernels` compile test use
# it; all print one line and exit 0, or exit 1 with a reason on stderr when
# the kernel is not built yet -- none of them builds anything):
#     --print-kdir     the kernel build tree (KDIR for out-of-tree modules)
#     --print-kernel   the UML kernel executable (`linux`)
#     --print-release  its kernel release (uname -r inside UML)
#     --print-dir      the cache directory for this key (exists or not)
#     --print-key      uml-<source version>-<config hash>
#     --check          exit 0 when built, 1 when not (prints nothing)
# Without a query the script builds when needed (about 8 min on an idle
# 2-core host; -j = nproc under nice) and prints hzb-uml.env.
set -euo pipefail

me=${0##*/}
usage() {
	cat <<EOT
usage: $me [--jobs N] [--source TARBALL] [--force] [--config-only]
       $me --print-kdir|--print-kernel|--print-release|--print-dir|--print-key|--check

Builds the hzbench UML kernel from linux-source-6.12 into
\$HZB_UML_CACHE (default /var/cache/hzbench)/uml-<version>-<config hash>/
and prints its hzb-uml.env (KDIR=, UML_KERNEL=, KERNEL_RELEASE=, ...).
Does nothing but print when that build exists.

  --jobs N         make -j (default: nproc)
  --source TAR     linux-source tarball (default: newest
                   /usr/src/linux-source-6.12*.tar.xz)
  --force          rebuild from a fresh extraction even if built
  --config-only    stop after writing and checking .config
  --print-kdir     print the build tree to use as KDIR (exit 1 if not built)
  --print-kernel   print the UML kernel executable (exit 1 if not built)
  --print-release  print the kernel release (exit 1 if not built)
  --print-dir      print the cache directory of this source + config
  --print-key      print uml-<source version>-<config hash>
  --check          exit 0 if built, 1 if not
  -h, --help       this text

Config: ARCH=um (x86_64) defconfig, then
  MODULES MODULE_UNLOAD (insmod/rmmod of the hzbench modules),
  PREEMPT (full; the designs' preemption paths),
  PREEMPT_NOTIFIERS (per-task design's context-switch hook; a prompt-less
    bool that only KVM selects, so the extracted copy's init/Kconfig gets
    a prompt for it -- the only change to the source),
  FTRACE ENABLE_DEFAULT_TRACERS (-> TRACEPOINTS: the per-task design's
    sched_process_exit probe), DEBUG_FS (fast-path microbenchmark files),
  DEVTMPFS DEVTMPFS_MOUNT TMPFS (/dev/hzbench in a hostfs root),
  HOSTFS, KALLSYMS (readable oopses), DEBUG_INFO_NONE (a faster build;
  UML's HZ is fixed at 100),
  FRAME_WARN 2048: lib/Kconfig.debug's default for 64BIT and the value of
    Debian's amd64 kernels; UML x86_64 has the same 16 KiB kernel stacks
    (KERNEL_STACK_ORDER 2) but its defconfig pins the 32-bit 1024, under
    which the engine's reader frame (sized for x86_64) would warn.
EOT
}
die() { echo "$me: $*" >&2; exit 2; }
notbuilt() { echo "$me: the UML kernel is not built ($dir); run scripts/build-uml.sh" >&2; exit 1; }

jobs=$(nproc)
tarball='' force='' config_only='' query=''
while [ $# -gt 0 ]; do
	case $1 in
	--jobs) [ $# -ge 2 ] || die "--jobs needs a number"; jobs=$2; shift 2 ;;
	--source) [ $# -ge 2 ] || die "--source needs a tarball"; tarball=$2; shift 2 ;;
	--force) force=1; shift ;;
	--config-only) config_only=1; shift ;;
	--print-kdir|--print-kernel|--print-release|--print-dir|--print-key|--check)
		[ -z "$query" ] || die "one query at a time"
		query=${1#--}; shift ;;
	-h|--help) usage; exit 0 ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
done
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "--jobs wants a positive integer, not '$jobs'"
if [ -z "$tarball" ]; then
	tarball=$(find /usr/src -maxdepth 1 -name "linux-source-6.12*.tar.xz" 2>/dev/null | sort -V | tail -n 1)
	if [ -z "$tarball" ]; then
		[ -z "$query" ] || { echo "$me: no /usr/src/linux-source-6.12*.tar.xz" >&2; exit 1; }
		die "no /usr/src/linux-source-6.12*.tar.xz: apt-get install linux-source-6.12"
	fi
fi
[ -r "$tarball" ] || die "cannot read $tarball"

# ---- the recipe: everything here is part of the config hash ----
enable=(
	MODULES MODULE_UNLOAD
	PREEMPT PREEMPT_NOTIFIERS
	FTRACE ENABLE_DEFAULT_TRACERS
	DEBUG_FS DEVTMPFS DEVTMPFS_MOUNT TMPFS HOSTFS
	KALLSYMS DEBUG_INFO_NONE
)
disable=(PREEMPT_NONE PREEMPT_VOLUNTARY DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT MODULE_SIG_FORCE WERROR)
setval=(FRAME_WARN=2048)
# Must be =y after olddefconfig (TRACEPOINTS comes from the tracers).
required=(MODULES MODULE_UNLOAD PREEMPT PREEMPTION PREEMPT_NOTIFIERS TRACEPOINTS
	  DEBUG_FS DEVTMPFS HOSTFS)
# init/Kconfig: "config PREEMPT_NOTIFIERS\n\tbool" -> give the bool a prompt.
kconfig_prompt='PREEMPT_NOTIFIERS prompt: bool "Preempt notifiers (hzbench UML)"'
recipe() {
	echo "enable=${enable[*]}"
	echo "disable=${disable[*]}"
	echo "set=${setval[*]}"
	echo "$kconfig_prompt"
	echo "arch=um subarch=x86_64"
	gcc --version | head -n 1
}
# ----

# Source version: the Debian package's, else the tarball's name + size.
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || true)
[ -n "$srcver" ] || srcver="$(basename "$tarball" .tar.xz)-$(stat -c %s "$tarball")"
srcver=$(printf '%s' "$srcver" | tr -c 'A-Za-z0-9.+_-' '_')
hash=$(recipe | sha256sum | cut -c1-12)
key="uml-$srcver-$hash"
cache=${HZB_UML_CACHE:-/var/cache/hzbench}
dir=$cache/$key
top=$(basename "$tarball" .tar.xz)	# Debian's tarball holds linux-source-6.12/
tree=$dir/$top
env=$dir/hzb-uml.env

envval() { sed -n "s/^$1=//p" "$env"; }
case $query in
print-key) echo "$key"; exit 0 ;;
print-dir) echo "$dir"; exit 0 ;;
check) [ -r "$env" ]; exit $? ;;
print-kdir) [ -r "$env" ] || notbuilt; envval KDIR; exit 0 ;;
print-kernel) [ -r "$env" ] || notbuilt; envval UML_KERNEL; exit 0 ;;
print-release) [ -r "$env" ] || notbuilt; envval KERNEL_RELEASE; exit 0 ;;
esac

for tool in make gcc flex bison bc xz flock; do
	command -v "$tool" >/dev/null ||
		die "$tool not found: apt-get install build-essential flex bison bc xz-utils util-linux"
done
mkdir -p "$cache"
exec 9>"$cache/.$key.lock"
if ! flock -n 9; then
	echo "$me: another build of $key is running; waiting for it" >&2
	flock 9
fi

if [ -n "$force" ]; then
	rm -rf "$dir"
fi
if [ -r "$env" ] && [ -z "$config_only" ]; then
	cat "$env"
	exit 0
fi
mkdir -p "$dir"
t0=$(date +%s)
if [ ! -f "$tree/.hzb-extracted" ]; then
	echo "$me: extracting $tarball into $dir" >&2
	rm -rf "$tree"
	tar -xJf "$tarball" -C "$dir"
	# The only source change: a prompt for PREEMPT_NOTIFIERS, so that
	# the config below can turn it on without KVM (which UML lacks).
	sed -i '/^config PREEMPT_NOTIFIERS$/{n;s/^\tbool$/\tbool "Preempt notifiers (hzbench UML)"/}' \
		"$tree/init/Kconfig"
	grep -q 'bool "Preempt notifiers (hzbench UML)"' "$tree/init/Kconfig" ||
		die "could not give PREEMPT_NOTIFIERS a prompt in $tree/init/Kconfig"
	touch "$tree/.hzb-extracted"
fi
cd "$tree"
mk() { make ARCH=um SUBARCH=x86_64 "$@"; }

if [ ! -f .hzb-configured ]; then
	echo "$me: configuring" >&2
	mk -s defconfig
	args=()
	for o in "${enable[@]}"; do args+=(-e "$o"); done
	for o in "${disable[@]}"; do args+=(-d "$o"); done
	for o in "${setval[@]}"; do args+=(--set-val "${o%%=*}" "${o#*=}"); done
	scripts/config "${args[@]}" --set-str LOCALVERSION "-hzb-uml" -d LOCALVERSION_AUTO
	mk -s olddefconfig
	missing=()
	for o in "${required[@]}"; do
		grep -q "^CONFIG_$o=y" .config || missing+=("$o")
	done
	[ ${#missing[@]} -eq 0 ] || die "olddefconfig dropped: ${missing[*]}"
	grep -q '^CONFIG_SMP=y' .config && die "unexpected: CONFIG_SMP=y in a UML kernel"
	recipe > .hzb-recipe
	touch .hzb-configured
fi
echo "$me: .config ok ($(grep -c '=y' .config) options built in)" >&2
[ -z "$config_only" ] || exit 0

echo "$me: building with -j$jobs (about 8 minutes on an idle 2-core host); log in $tree/hzb-build.log" >&2
# vmlinux is the executable `linux`; modules_prepare leaves Module.symvers
# and the scripts an out-of-tree module build needs.
if ! nice -n 5 make ARCH=um SUBARCH=x86_64 -j"$jobs" linux modules modules_prepare \
	> hzb-build.log 2>&1; then
	tail -n 40 hzb-build.log >&2
	die "kernel build failed; see $tree/hzb-build.log"
fi
t1=$(date +%s)
{
	echo "KDIR=$tree"
	echo "UML_KERNEL=$tree/linux"
	echo "KERNEL_RELEASE=$(mk -s kernelrelease)"
	echo "SOURCE_VERSION=$srcver"
	echo "CONFIG_HASH=$hash"
	echo "BUILD_SECONDS=$((t1 - t0))"
	echo "BUILD_JOBS=$jobs"
	echo "BUILD_HOST_CPUS=$(nproc)"
} > "$env.tmp"
mv "$env.tmp" "$env"
echo "$me: done in $(((t1 - t0) / 60)) min $(((t1 - t0) % 60)) s" >&2
cat "$env"
