/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hzbench torture: rcutorture-style correctness run of one design (see
 * kmod/common/torture.c for what the kernel side checks).
 */
#ifndef HZB_TORTURE_H
#define HZB_TORTURE_H

/*
 * argv[0] is "torture".  Returns the exit status: 0 SUCCESS, 1 FAILURE,
 * 2 usage error; 3 and 4 come from the guest runner (kernel problem on the
 * console, guest did not finish).
 */
int hzb_cmd_torture(int argc, char **argv);

#endif
