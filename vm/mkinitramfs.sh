#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the hzbench VM initramfs (gzip'd newc cpio):
#   /init (vm/init), /bin/busybox + applet links, /bin/hzbench,
#   /lib/hzbench/*.ko (+ load-order), /workloads/, /results, /dev /proc /sys /tmp,
#   with --kernel-modules the kernel's own modules vm/init needs (+ kernel-order)
#   and, with --bin, dynamically linked tools (perf, funclatency) with the
#   shared libraries and program interpreter they need, at their host paths
set -euo pipefail

me=${0##*/}
usage() {
	cat <<EOT
usage: $me OUT.cpio.gz [--hzbench PATH] [--kmod FILE.ko ...] [--workloads DIR]
       [--extra HOSTPATH:GUESTPATH ...] [--bin PATH ...] [--busybox PATH] [--init PATH]
       [--kernel-modules RELEASE]

  --hzbench PATH    static hzbench binary, installed as /bin/hzbench
  --kmod FILE.ko    module to insmod at boot (repeatable, loaded in this order)
  --workloads DIR   copied to /workloads
  --extra H:G       copy host file or directory H to guest path G (absolute)
  --bin PATH        copy the ELF executable PATH to the same path in the guest,
                    with every shared library ldd lists for it and its program
                    interpreter (repeatable; e.g. /usr/bin/perf)
  --busybox PATH    static busybox (default: busybox in PATH)
  --init PATH       init script (default: init beside this script)
  --kernel-modules RELEASE
                    the guest kernel's drivers vm/init needs ($guest_drivers)
                    that RELEASE has as modules (not in its modules.builtin),
                    with their dependencies, from /lib/modules/RELEASE,
                    decompressed; vm/init loads them before anything else
EOT
}
die() { echo "$me: $*" >&2; exit 2; }

# What vm/init needs from the kernel: the PCI transport of the virtio
# devices vm/run gives the guest and the virtio-serial port the results
# come back on.  Debian's cloud and rt kernels build them in.
guest_drivers="virtio virtio_ring virtio_pci virtio_console"

out='' hzbench='' workloads='' busybox='' init='' krel=''
kmods=() extras=() bins=()
while [ $# -gt 0 ]; do
	case $1 in
	--hzbench|--kmod|--workloads|--extra|--bin|--busybox|--init|--kernel-modules)
		[ $# -ge 2 ] || die "$1 needs an argument"
		case $1 in
		--hzbench) hzbench=$2 ;;
		--kmod) kmods+=("$2") ;;
		--workloads) workloads=$2 ;;
		--extra) extras+=("$2") ;;
		--bin) bins+=("$2") ;;
		--busybox) busybox=$2 ;;
		--init) init=$2 ;;
		--kernel-modules) krel=$2 ;;
		esac
		shift 2 ;;
	-h|--help) usage; exit 0 ;;
	-*) die "unknown option $1 (see --help)" ;;
	*) [ -z "$out" ] || die "more than one output given: $out, $1"
	   out=$1; shift ;;
	esac
done
[ -n "$out" ] || die "no output file given (see --help)"
[ -n "$busybox" ] || busybox=$(command -v busybox) || die "busybox not found: apt-get install busybox-static"
[ -n "$init" ] || init=$(dirname "$(readlink -f "$0")")/init

is_static() {	# a binary the guest can run without any library
	! LC_ALL=C readelf -l "$1" 2>/dev/null | grep -q 'program interpreter'
}
[ -f "$init" ] || die "no init script at $init"
[ -x "$busybox" ] || die "busybox $busybox is not executable"
is_static "$busybox" || die "$busybox is dynamically linked: apt-get install busybox-static"
if [ -n "$hzbench" ]; then
	[ -f "$hzbench" ] || die "no hzbench binary at $hzbench"
	is_static "$hzbench" || die "$hzbench is dynamically linked; the initramfs has no libc: link it statically"
fi
[ -z "$workloads" ] || [ -d "$workloads" ] || die "workloads directory $workloads does not exist"

stage=$(mktemp -d "${TMPDIR:-/tmp}/hzb-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage"/{bin,sbin,dev,proc,sys,tmp,results,lib/hzbench,usr/bin,usr/sbin}
chmod 1777 "$stage/tmp"
mknod -m 600 "$stage/dev/console" c 5 1
mknod -m 666 "$stage/dev/null" c 1 3
install -m 755 "$busybox" "$stage/bin/busybox"
for applet in $("$busybox" --list); do
	[ "$applet" = busybox ] || ln -s busybox "$stage/bin/$applet"
done
for applet in sh mount insmod rmmod lsmod tar dmesg sleep poweroff cat grep seq timeout; do
	[ -L "$stage/bin/$applet" ] || die "$busybox has no $applet applet"
done
install -m 755 "$init" "$stage/init"
[ -z "$hzbench" ] || install -m 755 "$hzbench" "$stage/bin/hzbench"

: > "$stage/lib/hzbench/load-order"
for ko in ${kmods[@]+"${kmods[@]}"}; do
	[ -f "$ko" ] || die "no module at $ko"
	base=${ko##*/}
	case $base in *.ko) ;; *) die "$ko: not a .ko file" ;; esac
	[ ! -e "$stage/lib/hzbench/$base" ] || die "two modules named $base"
	install -m 644 "$ko" "$stage/lib/hzbench/$base"
	echo "$base" >> "$stage/lib/hzbench/load-order"
done

# The kernel's own modules, dependencies first (modules.dep lists a
# module's dependencies, each before what needs it when read backwards).
: > "$stage/lib/hzbench/kernel-order"
if [ -n "$krel" ]; then
	kmd=/lib/modules/$krel
	[ -r "$kmd/modules.dep" ] || die "--kernel-modules $krel: no $kmd/modules.dep (apt-get install linux-image-$krel)"
	declare -A kdone=()
	add_kmod() {	# PATH relative to $kmd
		local rel=$1 dep
		[ -z "${kdone[$rel]:-}" ] || return 0
		kdone[$rel]=1
		for dep in $(awk -v m="$rel:" '$1 == m { for (i = 2; i <= NF; i++) print $i }' "$kmd/modules.dep"); do
			add_kmod "$dep"
		done
		local base=${rel##*/} dst
		base=${base%.xz}; base=${base%.zst}; base=${base%.gz}
		dst=$stage/lib/modules/$krel/$base
		mkdir -p "${dst%/*}"
		case $rel in
		*.xz) xz -dc "$kmd/$rel" > "$dst" ;;
		*.zst) zstd -qdc "$kmd/$rel" > "$dst" ;;
		*.gz) gzip -dc "$kmd/$rel" > "$dst" ;;
		*) cp "$kmd/$rel" "$dst" ;;
		esac || die "--kernel-modules: cannot unpack $kmd/$rel"
		echo "/lib/modules/$krel/$base" >> "$stage/lib/hzbench/kernel-order"
	}
	for drv in $guest_drivers; do
		if grep -E -q "/${drv}[.]ko\$" "$kmd/modules.builtin"; then
			echo "$me: $krel: $drv is built in" >&2
			continue
		fi
		rel=$(awk -F: -v m="$drv" '{ n = $1; sub(/.*\//, "", n); sub(/[.]ko([.].*)?$/, "", n)
			if (n == m) { print $1; exit } }' "$kmd/modules.dep")
		[ -n "$rel" ] || die "--kernel-modules $krel: $drv is neither built in nor a module"
		add_kmod "$rel"
		echo "$me: $krel: $drv is a module: added with its dependencies" >&2
	done
fi

mkdir -p "$stage/workloads"
[ -z "$workloads" ] || cp -R "$workloads/." "$stage/workloads/"

for e in ${extras[@]+"${extras[@]}"}; do
	host=${e%:*} guest=${e##*:}
	[ "$host" != "$e" ] || die "--extra $e: expected HOSTPATH:GUESTPATH"
	case $guest in /?*) ;; *) die "--extra $e: guest path must be absolute" ;; esac
	[ -e "$host" ] || die "--extra $e: $host does not exist"
	mkdir -p "$stage$(dirname "$guest")"
	cp -R "$host" "$stage$guest"
done

# A dynamically linked tool: the binary, its libraries and its interpreter,
# each at its host path (symlinks resolved: /lib64 and merged-/usr links
# do not exist in the guest), so that the guest's loader finds them.
copy_elf() {	# HOSTPATH
	[ -e "$stage$1" ] && return 0
	mkdir -p "$stage$(dirname "$1")"
	cp -L "$1" "$stage$1"
}
for b in ${bins[@]+"${bins[@]}"}; do
	case $b in /?*) ;; *) die "--bin $b: give an absolute path" ;; esac
	[ -x "$b" ] || die "--bin $b: not an executable file"
	LC_ALL=C readelf -h "$b" >/dev/null 2>&1 || die "--bin $b: not an ELF file"
	copy_elf "$b"
	is_static "$b" && continue
	libs=$(ldd "$b") || die "--bin $b: ldd failed"
	! grep -q 'not found' <<<"$libs" || die "--bin $b: missing libraries: $(grep 'not found' <<<"$libs" | tr -s ' \t' ' ')"
	for lib in $(awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$libs"); do
		copy_elf "$lib"
	done
done

# Deterministic-ish: sorted names, fixed mtimes and owners, no gzip timestamp.
epoch=${SOURCE_DATE_EPOCH:-0}
find "$stage" -exec touch -h -d "@$epoch" {} +
mkdir -p "$(dirname "$out")"
(cd "$stage" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -n -6 > "$out.tmp"
mv -f "$out.tmp" "$out"
