#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# checkpatch.pl --strict on every kernel source file, with the script from
# Debian's linux-source-6.12 (extracted once into the build dir).
set -eu
src=$1 build=$2
cp_dir=$build/checkpatch
if [ ! -x "$cp_dir/scripts/checkpatch.pl" ]; then
	tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
	if [ -z "$tarball" ]; then
		echo "checkpatch: install linux-source-6.12 (it ships scripts/checkpatch.pl)" >&2
		exit 1
	fi
	top=$(basename "$tarball" .tar.xz)
	mkdir -p "$cp_dir"
	tar -xJf "$tarball" -C "$cp_dir" --strip-components=1 \
		"$top/scripts/checkpatch.pl" "$top/scripts/spelling.txt" \
		"$top/scripts/const_structs.checkpatch"
fi
cd "$src"
files=$(git ls-files 'kmod/*.c' 'kmod/*.h' 'include/uapi/*.h' 2>/dev/null || true)
[ -n "$files" ] || files=$(find kmod include -name '*.[ch]' | sort)
fail=0
for f in $files; do
	ignore=FILE_PATH_CHANGES,SPDX_LICENSE_TAG
	# The RCU Tasks Trace baseline is a benchmark of that flavour, as
	# rcuscale and rcutorture (core RCU code) are: the "outside BPF or core
	# RCU" rule does not apply to it, and only to it.
	case $f in kmod/baseline/tasks_trace.*) ignore=$ignore,RCU_TASKS_TRACE ;; esac
	# The compat header is where the kernel-version checks live (each
	# names the version its API changed in): the "code is for the version
	# it is merged in" rule cannot apply to it, and LINUX_VERSION_CODE
	# reads as a constant on the left of every such comparison.
	case $f in kmod/common/hzb_compat.h) ignore=$ignore,LINUX_VERSION_CODE,CONSTANT_COMPARISON ;; esac
	# The engine's ping-pong readers (HZB_READ_PASS*) yield() on purpose:
	# handing the CPU to the other runnable reader is what they measure
	# (the context-switch hooks), not a wait for an event.
	case $f in kmod/common/engine.c) ignore=$ignore,YIELD ;; esac
	if out=$("$cp_dir/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
		--ignore "$ignore" -f "$f" 2>&1); then
		echo "ok   $f"
	else
		echo "FAIL $f"
		echo "$out"
		fail=1
	fi
done
exit $fail
