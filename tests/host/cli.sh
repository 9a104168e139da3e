#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Command-line behaviour that needs no kernel: usage errors exit 2 with a
# one-line reason, --help and --version work.
set -u
hzbench=$1
cmd=("$hzbench")
. "$(dirname "$0")/expect.sh"
expect 0 'Usage: hzbench' --help
expect 0 '^hzbench [0-9]' --version
expect 0 'percpu' list --no-vm
expect 2 'unrecognized option' --bogus
expect 2 'unknown design .nope.: valid designs are percpu, pertask, rcu, refcount' --design=nope
expect 2 'design is required' --tasks=10
expect 2 'tasks=abc: expected an integer' --design=rcu --tasks=abc
expect 2 'tasks=-1' --design=rcu --tasks=-1
expect 2 'duration=0' --design=rcu --duration=0
expect 2 'nest=33' --design=rcu --nest=33
expect 2 'preempt=often' --design=rcu --preempt=often
expect 2 'hold=2s' --design=rcu --hold=2s
expect 2 'unknown command' frobnicate --design=rcu
expect 2 'unexpected argument' --design=rcu extra
expect 2 'nothing to run' --design=rcu --readers=0 --updaters=0
expect 2 'bpf-mode=often: expected segments or always' --design=rcu --bpf-mode=often
expect 2 'bpf-duration=0: expected seconds > 0' --design=rcu --bpf-duration=0
expect 2 'target=vmware: expected qemu, uml or native' --design=rcu --target=vmware
expect 2 'up-fence=full: expected lock, mfence or off' --design=rcu --target=uml --up-fence=full
expect 2 'clock=hpet: expected tsc or ktime' --design=rcu --target=uml --clock=hpet
expect 2 'up-fence and --clock go with --target=uml' --design=rcu --target=qemu --up-fence=off
expect 2 'cache=hot: expected warm or cold' --design=rcu --cache=hot
expect 2 'vm-accel=xen: expected tcg or kvm' --design=rcu --vm-accel=xen
expect 2 'vm-accel goes with --target=qemu' --design=rcu --target=uml --vm-accel=kvm
# vm/run refuses KVM before booting where there is none (here: no guest boots).
if [ ! -e /dev/kvm ] && "$hzbench" --design=rcu --target=qemu --print-runner-argv >/dev/null 2>&1; then
	expect 2 'no usable /dev/kvm here' --design=rcu --target=qemu --vm-accel=kvm --duration=1
fi
# Series: several designs (or variants) in one run, one file each.
expect 2 'put {series} in the --json' --design=percpu+pertask --json=out.json
expect 2 "'info' takes one design" info --design=percpu+pertask
expect 2 'one design takes --variant' --design=percpu:slots=4
expect 2 'percpu given twice' --design=percpu+percpu
expect 2 'unknown design .nope.' --design=percpu+nope
expect 2 'task-kind=thread-block gives the tasks one design' --design=percpu+pertask --task-kind=thread-block
exit $fail
