# SPDX-License-Identifier: GPL-2.0
# Sourced by the command-line tests: expect WANT PATTERN ARGS... runs
# "${cmd[@]}" ARGS (cmd set by the caller) and checks its exit status and
# that its output matches PATTERN; a mismatch sets fail=1.
fail=0
expect() {
	local want=$1 pattern=$2
	shift 2
	local out rc
	out=$("${cmd[@]}" "$@" 2>&1)
	rc=$?
	if [ "$rc" != "$want" ] || ! grep -qE -- "$pattern" <<<"$out"; then
		echo "FAIL ${cmd[*]##*/} $*: exit $rc (want $want), output: $out"
		fail=1
	else
		echo "ok   ${cmd[*]##*/} $*"
	fi
}
