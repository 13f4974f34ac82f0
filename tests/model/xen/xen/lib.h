/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Stand-in for Xen's <xen/lib.h>, just enough to compile
 * port/xen/dwork_xen_dpci.c against the explorer's sim port (suite
 * 'model').  Own code; the names are Xen's.  The sim port comes first
 * (through <dwork/dwork.h>), so its dwork_atomic_* overrides win over
 * <dwork/atomic.h>, as they do for src/.
 */
#ifndef MODEL_XEN_LIB_H
#define MODEL_XEN_LIB_H

#include <stddef.h>
#include <dwork/dwork.h>

/* Xen: a control-flow-integrity annotation; nothing here. */
#define cf_check

#define container_of(ptr, type, member)                                   \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/* A path that must never run: a violation of the explored execution. */
#define ASSERT_UNREACHABLE()                                               \
	sim_assert_fail("ASSERT_UNREACHABLE", __FILE__, __LINE__)

#endif /* MODEL_XEN_LIB_H */
