// SPDX-License-Identifier: GPL-2.0
/* The common engine, compiled against the refcount baseline's read side. */
#include "refcount.h"
#include "../common/engine.c"
