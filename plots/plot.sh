#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# plots/plot.sh RESULTS_ROOT [OUTDIR]: every plot of plots/*.gp as PNG and
# SVG in OUTDIR (default plots/out), from the result JSONs under
# RESULTS_ROOT/<workload>/.  A plot without data is not drawn: its reason
# is printed and any old output of it is removed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: plots/plot.sh RESULTS_ROOT [OUTDIR]" >&2; exit 2; }
root=$1
out=${2:-$here/out}
[ -d "$root" ] || { echo "plots: $root: no such directory" >&2; exit 1; }
command -v gnuplot >/dev/null || { echo "plots: gnuplot not found (apt-get install gnuplot-nox)" >&2; exit 1; }
mkdir -p "$out/data"
python3 "$here/prepare.py" "$root" "$out/data"

drawn=0
failed=0
for gp in "$here"/*.gp; do
	name=$(basename "$gp" .gp)
	rm -f "$out/$name.png" "$out/$name.svg"
	if [ -f "$out/data/$name.skip" ]; then
		echo "plots: $name: not drawn: $(cat "$out/data/$name.skip")"
		continue
	fi
	for fmt in png svg; do
		gnuplot -e "plotdir='$here'; datadir='$out/data'; outbase='$out/$name'; fmt='$fmt'" \
			"$here/lib/common.gp" "$gp" || { echo "plots: $name.$fmt: gnuplot failed" >&2; failed=1; }
	done
	echo "plots: $name: $out/$name.png, $out/$name.svg"
	drawn=$((drawn + 1))
done
echo "plots: $drawn plots in $out"
exit $failed
