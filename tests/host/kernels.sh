#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Compile the modules against every kernel hzbench claims to build for,
# W=1 and warning-free (kmod/build.sh), and check each module's vermagic
# names that kernel:
#   6.1-cloud   Debian's 6.1 LTS cloud headers (linux-headers-cloud-amd64)
#   6.12-cloud  Debian's 6.12 cloud headers (the default build's)
#   6.12-rt     Debian's 6.12 PREEMPT_RT headers (the rt guest's)
#   uml         the user-mode Linux kernel of scripts/build-uml.sh
# An entry whose kernel is not installed here is skipped with its reason.
#   kernels.sh SRCROOT BUILDROOT MODULE.ko...   (paths as in kmod/meson.build)
set -uo pipefail
src=$1 build=$2
shift 2
kos=("$@")
out=$build/kernels
mkdir -p "$out"

# shellcheck disable=SC2012,SC2086 # $1 is a glob
newest() { ls -d $1 2>/dev/null | sort -V | tail -n 1; }

pass=0 fail=0 skip=0
# One entry: NAME KDIR [VAR=VALUE...] (the build's environment, e.g.
# ARCH=um); KDIR empty: skipped, $why says why.
check() {
	local name=$1 kdir=$2 t0 rel vm ko bad=
	shift 2
	if [ -z "$kdir" ]; then
		echo "kernels: SKIP $name: $why"
		skip=$((skip + 1))
		return
	fi
	rel=$("$src/scripts/kernel-release.sh" "$kdir" 2>/dev/null)
	t0=$(date +%s)
	rm -rf "${out:?}/$name"
	mkdir -p "$out/$name"
	if ! env "$@" "$src/kmod/build.sh" "$kdir" "$src" "$out/$name/tree" "$out/$name" none \
		"${kos[@]}" > "$out/$name.log" 2>&1; then
		echo "kernels: FAIL $name ($kdir): the build failed:"
		tail -n 40 "$out/$name.log" | sed 's/^/    /'
		fail=$((fail + 1))
		return
	fi
	for ko in "${kos[@]}"; do
		vm=$(modinfo -F vermagic "$out/$name/${ko##*/}" 2>/dev/null)
		[ "${vm%% *}" = "$rel" ] || bad="$bad ${ko##*/}(vermagic '${vm%% *}')"
	done
	if [ -n "$bad" ]; then
		echo "kernels: FAIL $name: modules not built for $rel:$bad"
		fail=$((fail + 1))
		return
	fi
	echo "kernels: PASS $name ($rel): ${#kos[@]} modules, W=1 clean, $(($(date +%s) - t0)) s"
	pass=$((pass + 1))
}

why="no /usr/src/linux-headers-6.1.*-cloud-amd64: apt-get install linux-headers-cloud-amd64 (bookworm's 6.1 cloud headers)"
check 6.1-cloud "$(newest '/usr/src/linux-headers-6.1.*-cloud-amd64')"
why="no /usr/src/linux-headers-6.12.*-cloud-amd64: apt-get install linux-headers-6.12-cloud-amd64"
check 6.12-cloud "$(newest '/usr/src/linux-headers-6.12.*-cloud-amd64')"
why="no /usr/src/linux-headers-6.12.*-rt-amd64: apt-get install linux-headers-6.12-rt-amd64"
check 6.12-rt "$(newest '/usr/src/linux-headers-6.12.*-rt-amd64')"

uml_kdir=
if [ ! -x "$src/scripts/build-uml.sh" ]; then
	why="no scripts/build-uml.sh in this tree (the UML kernel of issue 17)"
elif ! uml_kdir=$("$src/scripts/build-uml.sh" --print-kdir 2>"$out/uml.why"); then
	why="the UML kernel is not built: $(head -n 1 "$out/uml.why") (scripts/build-uml.sh builds it)"
	uml_kdir=
fi
# UML has no TASKS_TRACE_RCU: kmod/baseline/Kbuild builds no tasks-trace there.
uml_kos=()
for ko in "${kos[@]}"; do
	case $ko in *tasks_trace*) ;; *) uml_kos+=("$ko") ;; esac
done
kos=("${uml_kos[@]}")
check uml "$uml_kdir" ARCH=um SUBARCH=x86_64

echo "kernels: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] || exit 1
[ "$pass" -gt 0 ] || exit 77
exit 0
