#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every option survives the trip into the guest and into a sweep's points,
# with no guest booted.  For each line of the option table (hzbench
# --list-options, user/hzb_options.c) it gives its sample value (which must
# change what hzbench parses) and checks that
#  - guest: the options the guest's hzbench parses from the command line
#    run_in_vm() builds (--print-guest-argv, parsed back with HZB_IN_VM=1)
#    equal the host's (--dump-options), on every line not marked host or
#    runner (those stay on the host: they shape the guest itself);
#  - point: a one-point sweep given the same option hands its point a
#    command line that parses back to the same options, on every line not
#    marked nopoint (reps aside: a sweep's default is 10).
# A line that forgets its flags is forwarded and so tested; a forwarding
# line without a sample fails here.
set -u
hzbench=$1
fail=0 checked=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
base=(--design=rcu)
cat > "$tmp/w.ini" <<'INI'
[workload]
name = roundtrip
designs = rcu
INI

# name=value lines of a dump, for the lines whose flags match none of $2.
pick() {
	awk -F= 'NR == FNR { skip[$1]; next } $1 != "cmd" && !($1 in skip)' "$tmp/skip.$2" - <<<"$1"
}

"$hzbench" --list-options > "$tmp/table" || { echo "FAIL --list-options"; exit 1; }
awk -F'\t' '$2 ~ /host|runner|hidden|alias/ {print $1}' "$tmp/table" > "$tmp/skip.guest"
awk -F'\t' '$2 ~ /nopoint|hidden|alias/ || $1 == "reps" {print $1}' "$tmp/table" > "$tmp/skip.point"
default=$("$hzbench" --dump-options "${base[@]}")

while IFS=$'\t' read -r name kind sample with; do
	case $kind in action*|*hidden*) continue ;; esac
	case $kind in
	*host*) echo "ok   --$name stays on the host"; continue ;;
	flag*) arg=--$name ;;
	*) if [ -z "$sample" ]; then
		echo "FAIL --$name has no .sample in the option table"; fail=1; continue
	   fi
	   arg=--$name=$sample ;;
	esac
	args=("${base[@]}" $with "$arg")
	host=$("$hzbench" --dump-options "${args[@]}" 2>&1) || {
		echo "FAIL hzbench ${args[*]} does not parse: $host"; fail=1; continue; }
	if [ "$host" = "$default" ]; then
		echo "FAIL $arg changes nothing (its .sample is the default)"; fail=1; continue
	fi
	mapfile -t g < <("$hzbench" --print-guest-argv "${args[@]}")
	guest=$(HZB_IN_VM=1 "$hzbench" "${g[@]:1}" --dump-options 2>&1)
	if [ "$(pick "$host" guest)" != "$(pick "$guest" guest)" ]; then
		echo "FAIL $arg is lost on the way into the guest: it runs '${g[*]}'"
		diff <(pick "$host" guest) <(pick "$guest" guest) | sed 's/^/     /'
		fail=1; continue
	fi
	case $kind in *nopoint*) checked=$((checked + 1)); echo "ok   $arg: guest ${g[*]:2}"; continue ;; esac
	read -r -a p < <("$hzbench" --workload="$tmp/w.ini" --print-guest-argv "${args[@]}")
	point=$("$hzbench" "${p[@]:1}" --dump-options 2>&1)
	if [ "$(pick "$host" point)" != "$(pick "$point" point)" ]; then
		echo "FAIL $arg is lost on the way into a sweep's point: it runs '${p[*]}'"
		diff <(pick "$host" point) <(pick "$point" point) | sed 's/^/     /'
		fail=1; continue
	fi
	checked=$((checked + 1))
	echo "ok   $arg: guest ${g[*]:2}; point ${p[*]:2}"
done < "$tmp/table"
[ "$checked" -ge 40 ] || { echo "FAIL only $checked options checked"; fail=1; }
[ $fail = 0 ] && echo "ok   $checked options survive the guest's and the points' command lines"
exit $fail
