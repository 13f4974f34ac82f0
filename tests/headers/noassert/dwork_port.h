/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A port that forgot DWORK_PORT_ASSERT (test port_assert_required):
 * port/none's hooks without its DWORK_PORT_ASSERT.  With
 * DWORK_DEBUG_CHECKS on, <dwork/port.h> must refuse it.
 */
#ifndef NOASSERT_DWORK_PORT_H
#define NOASSERT_DWORK_PORT_H

#include "../../../port/none/include/dwork_port.h"
#undef DWORK_PORT_ASSERT

#endif /* NOASSERT_DWORK_PORT_H */
