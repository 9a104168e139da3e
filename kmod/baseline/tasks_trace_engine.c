// SPDX-License-Identifier: GPL-2.0
/* The common engine, compiled against the RCU Tasks Trace baseline's read side. */
#include "tasks_trace.h"
#include "../common/engine.c"
