#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Independent check of hzbench's synchronize histogram: libbpf-tools'
# funclatency times the same function on the same calls in the same guest,
# and both histograms are compared in funclatency's power-of-two buckets.
#   bpf_funclatency.sh BUILDDIR DESIGN [HZBENCH OPTIONS...]
# e.g. tests/host/bpf_funclatency.sh build pertask --tasks=1000 --duration=3
# FUNCLATENCY_UNIT=ns|us|ms picks funclatency's unit (default ns, us for
# rcu): its histogram stops at 2^24 units, the last slot takes the rest.
# Needs BUILDDIR/vm/initramfs-perf.cpio.gz (ninja -C BUILDDIR
# vm/initramfs-perf.cpio.gz).  Passes when
#   - both saw every call: funclatency's count equals hzbench's timed count
#     (within the calls either program had to skip, and 1%),
#   - hzbench's p10, p25, p50, p75 and p90 each lie in funclatency's slot
#     for that quantile, give or take 10% (a boundary between two slots is
#     where a small offset moves many samples).
# The two programs nest on one trampoline, so each window holds part of
# the other's cost (about a microsecond per call under TCG): pick a
# workload whose synchronize takes well above that.  The share of samples
# in a different slot is printed for information.
set -eu
build=$1 design=$2
shift 2
src=$(cd "$(dirname "$0")/../.." && pwd)
img=$build/vm/initramfs-perf.cpio.gz
[ -r "$img" ] || { echo "no $img: ninja -C $build vm/initramfs-perf.cpio.gz" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
unit=${FUNCLATENCY_UNIT:-}
[ -n "$unit" ] || case $design in rcu) unit=us ;; *) unit=ns ;; esac
"$src/tests/host/vm-guest.sh" "$build" --initramfs "$img" --out "$out" -- \
	sh /tests/funclatency.sh "$design" "$unit" "$@"
python3 - "$out/funclatency.txt" "$out/out.json" "$unit" <<'PY'
import json, math, re, sys

fl_txt, js, unit = sys.argv[1], sys.argv[2], sys.argv[3]
div = {'ns': 1, 'us': 1000, 'ms': 1000000}[unit]
LAST = 1 << 24          # funclatency's last slot (MAX_SLOTS 25): takes the rest
text = open(fl_txt).read()
fl = {}
for m in re.finditer(r'^\s*(\d+)\s*->\s*(\d+)\s*:\s*(\d+)', text, re.M):
    lo, hi, n = map(int, m.groups())
    fl[lo if lo else 1] = fl.get(lo if lo else 1, 0) + n
head = re.search(r'^\s*(nsec|usec|msec)s?\s*:', text, re.M)
if not fl or not head or head.group(1)[0] != unit[0]:
    print("FAIL cannot parse funclatency's output (unit %s):\n%s" % (unit, text))
    sys.exit(1)
r = json.load(open(js))
b = r['bpf']
if not b.get('attached'):
    print("FAIL hzbench's probe did not attach: %s" % b.get('error'))
    sys.exit(1)

def p2(ns):
    """funclatency's slot of a value in ns: ns / div, log2, last slot takes the rest."""
    return min(1 << (max(int(ns) // div, 1).bit_length() - 1), LAST)

# In ns every hzbench bucket lies inside one power of two; in us or ms one
# may straddle a slot boundary: it goes by its midpoint (the table is for
# information, the quantiles below are compared with a tolerance).
hz = {}
for lo, hi, n in b['hist']:
    k = p2((lo + hi) // 2)
    hz[k] = hz.get(k, 0) + n
    if div == 1 and p2(lo) != p2(hi):
        print("FAIL hzbench bucket [%d, %d] ns spans two of funclatency's slots" % (lo, hi))
        sys.exit(1)

def median_bucket(h):
    n = sum(h.values()); seen = 0
    for k in sorted(h):
        seen += h[k]
        if 2 * seen >= n:
            return k
    return None

n_fl, n_hz = sum(fl.values()), sum(hz.values())
skipped = b.get('enter_misses', 0) + b.get('exit_misses', 0) + b.get('lost_exits', 0)
bad = []
def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        bad.append(what)

print("%-14s %10s %10s" % ("bucket (%s)" % unit, "funclat", "hzbench"))
for k in sorted(set(fl) | set(hz)):
    if fl.get(k, 0) or hz.get(k, 0):
        print("%-14d %10d %10d" % (k, fl.get(k, 0), hz.get(k, 0)))
check(n_hz > 0 and n_hz == b['timed'], "hzbench histogram holds its %d timed calls" % b['timed'])
check(abs(n_fl - n_hz) <= skipped + max(1, n_hz // 100),
      "counts: funclatency %d, hzbench %d (hzbench skipped %d)" % (n_fl, n_hz, skipped))
check(b['sync_count'] == r['counters']['syncs'],
      "hzbench BPF count %d == module count %d" % (b['sync_count'], r['counters']['syncs']))
def slot_at(h, q):
    n = sum(h.values()); seen = 0
    for k in sorted(h):
        seen += h[k]
        if seen >= max(1, round(q * n)):
            return k
    return max(h)

def hz_quantile(q):
    """hzbench's quantile q in funclatency's unit, from its log-linear buckets."""
    n = sum(x[2] for x in b['hist']); seen = 0
    for lo, hi, c in b['hist']:
        seen += c
        if seen >= max(1, round(q * n)):
            return (lo + hi) / 2 / div
    return b['hist'][-1][1] / div

for q in (0.10, 0.25, 0.50, 0.75, 0.90):
    s, v = slot_at(fl, q), hz_quantile(q)
    hi = float('inf') if s == LAST else 2 * s
    check(0.9 * s <= v < 1.1 * hi,
          "p%02d: hzbench %.1f %s in funclatency's slot [%d, %s) +-10%%" %
          (100 * q, v, unit, s, 'inf' if s == LAST else '%d' % hi))
moved = sum(abs(fl.get(k, 0) - hz.get(k, 0)) for k in set(fl) | set(hz)) / 2
print("info %.1f%% of the samples in a different slot" % (100 * moved / max(n_hz, 1)))
sys.exit(1 if bad else 0)
PY
