#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# hzbench torture's command line, without a kernel: usage errors exit 2
# with a one-line reason, --help works.
set -u
hzbench=$1
cmd=("$hzbench" torture)
. "$(dirname "$0")/expect.sh"
expect 0 'Usage: hzbench torture' --help
expect 0 'End of test: SUCCESS' --help
expect 2 'design is required' --duration=5
expect 2 "unknown design 'nope'" --design=nope
expect 2 'unrecognized option' --design=rcu --bogus
expect 2 'duration=0' --design=rcu --duration=0
expect 2 'duration=abc' --design=rcu --duration=abc
expect 2 'readers=-1' --design=rcu --readers=-1
expect 2 'nreaders-per-cpu=0' --design=rcu --nreaders-per-cpu=0
expect 2 'nest=33' --design=rcu --nest=33
expect 2 'pointers=9' --design=rcu --pointers=9
expect 2 'pointers=0' --design=rcu --pointers=0
expect 2 'hold=2s' --design=rcu --hold=2s
expect 2 'irq-period=5us' --design=rcu --irq-period=5us
expect 2 'batch=257' --design=rcu --batch=257
expect 2 'unpublish=plain' --design=rcu --unpublish=plain
expect 2 'stall=0' --design=rcu --stall=0
expect 2 'nothing to run' --design=rcu --readers=0 --writers=0
expect 2 'unexpected argument' --design=rcu extra
expect 2 'variant is too long' --design=rcu --variant="$(printf 'x%.0s' $(seq 200))"
exit $fail
