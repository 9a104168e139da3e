// SPDX-License-Identifier: GPL-2.0
/* The common engine, compiled against the RCU baseline's read side. */
#include "rcu.h"
#include "../common/engine.c"
