// SPDX-License-Identifier: GPL-2.0
/* The common engine, compiled against the SRCU baseline's read side. */
#include "srcu.h"
#include "../common/engine.c"
