#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every option survives the trip into the guest and into a sweep's points,
# with no guest booted, for hzbench (user/hzb_options.c) and hzbench
# torture (the table in user/hzb_torture.c).  For each line of a table
# (--list-options) it gives the line's sample value, which must change what
# hzbench parses (--dump-options), and checks that
#  - guest: the options the guest's hzbench parses from the command line
#    run_in_vm() / torture_in_vm() build (--print-guest-argv, parsed back
#    with HZB_IN_VM=1) equal the host's, on every line not marked host or
#    runner (those stay on the host: runner lines shape the guest itself);
#  - runner: a line marked runner changes the command line of vm/run or
#    uml/run (--print-runner-argv; skipped where this build has no such
#    guest, e.g. no PREEMPT_RT kernel);
#  - point (hzbench): a one-point sweep given the same option hands its
#    point a command line that parses back to the same options, on every
#    line not marked nopoint (reps aside: a sweep's default is 10).
# A line that forgets its flags is forwarded, and so tested; a line
# without a sample fails here.
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

# filter OUT DUMP WHERE: OUT = DUMP's name=value lines but cmd and those
# the skip list WHERE names (in bash: a test of a few hundred runs forks less).
declare -A skip_guest skip_point
filter() {
	local -n out=$1
	local -n skip=skip_$3
	local line
	out=
	while IFS= read -r line; do
		[ "${line%%=*}" = cmd ] || [ -n "${skip[${line%%=*}]:-}" ] || out+=$line$'\n'
	done <<<"$2"
}

# same WHERE HOST_DUMP OTHER_DUMP ARGV...: the dumps agree, else say where $arg was lost.
same() {
	local where=$1 a b
	filter a "$2" "$where"
	filter b "$3" "$where"
	shift 3
	[ "$a" = "$b" ] && return 0
	echo "FAIL ${cmd:-hzbench} $arg is lost on the way into the $where: it runs '$*'"
	diff <(echo "$a") <(echo "$b") | sed 's/^/     /'
	fail=1
	return 1
}

# runner_changed: $arg changes the runner's command line (or this build has none).
runner_changed() {
	local before after
	before=$("$hzbench" $cmd "${base[@]}" $with --print-runner-argv 2>&1) &&
	after=$("$hzbench" $cmd "${args[@]}" --print-runner-argv 2>&1) || {
		echo "ok   ${cmd:-hzbench} $arg: no runner here: ${after:-$before}"
		return 0
	}
	[ "$before" != "$after" ] && return 0
	echo "FAIL ${cmd:-hzbench} $arg does not reach the runner: it runs $(echo $after)"
	fail=1
	return 1
}

# roundtrip CMD: every line of CMD's table ("": hzbench run, or torture).
roundtrip() {
	local cmd=$1 name kind sample with arg host default g p guest point
	"$hzbench" $cmd --list-options > "$tmp/table" || { echo "FAIL $cmd --list-options"; fail=1; return; }
	skip_guest=() skip_point=([reps]=1)
	while IFS=$'\t' read -r name kind _; do
		[[ $kind =~ host|runner|hidden|alias ]] && skip_guest[$name]=1
		[[ $kind =~ nopoint|hidden|alias ]] && skip_point[$name]=1
	done < "$tmp/table"
	default=$("$hzbench" $cmd "${base[@]}" --dump-options)
	while IFS=$'\t' read -r name kind sample with; do
		case $kind in
		action*|*hidden*) continue ;;
		*host*) echo "ok   ${cmd:-hzbench} --$name stays on the host"; continue ;;
		flag*) arg=--$name ;;
		*) [ -n "$sample" ] || {
			echo "FAIL ${cmd:-hzbench} --$name has no .sample in its table"; fail=1; continue; }
		   arg=--$name=$sample ;;
		esac
		args=("${base[@]}" $with "$arg")
		host=$("$hzbench" $cmd "${args[@]}" --dump-options 2>&1) || {
			echo "FAIL hzbench $cmd ${args[*]} does not parse: $host"; fail=1; continue; }
		if [ "$host" = "$default" ]; then
			echo "FAIL ${cmd:-hzbench} $arg changes nothing (its .sample is the default)"
			fail=1; continue
		fi
		mapfile -t g < <("$hzbench" $cmd "${args[@]}" --print-guest-argv)
		guest=$(HZB_IN_VM=1 "$hzbench" "${g[@]:1}" --dump-options 2>&1)
		same guest "$host" "$guest" "${g[@]}" || continue
		if [[ $kind == *runner* ]] && ! runner_changed; then
			continue
		fi
		checked=$((checked + 1))
		if [ -n "$cmd" ] || [[ $kind == *nopoint* ]]; then
			echo "ok   ${cmd:-hzbench} $arg: guest ${g[*]:2}"
			continue
		fi
		read -r -a p < <("$hzbench" --workload="$tmp/w.ini" "${args[@]}" --print-guest-argv)
		point=$("$hzbench" "${p[@]:1}" --dump-options 2>&1)
		same point "$host" "$point" "${p[@]}" || continue
		echo "ok   hzbench $arg: guest ${g[*]:2}; point ${p[*]:2}"
	done < "$tmp/table"
}

roundtrip ""
roundtrip torture
[ "$checked" -ge 70 ] || { echo "FAIL only $checked options checked"; fail=1; }
[ $fail = 0 ] && echo "ok   $checked options survive the guest's and the points' command lines"
exit $fail
