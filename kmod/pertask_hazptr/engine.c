// SPDX-License-Identifier: GPL-2.0
/* The common engine, compiled against the per-task hazard pointers' read side. */
#include "pertask_hazptr.h"
#include "../common/engine.c"
