// SPDX-License-Identifier: GPL-2.0
/* The common engine, compiled against the per-CPU hazard pointer fast path. */
#include "percpu_hazptr.h"
#include "../common/engine.c"
