/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The explorer includes the dpci helper's real header through this file,
 * so that port/xen/include (which also holds the Xen port's dwork_port.h)
 * never joins its include path.
 */
#include "../../../port/xen/include/dwork_xen_dpci.h"
