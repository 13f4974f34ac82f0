/* SPDX-License-Identifier: BSD-2-Clause */
/* Stand-in for Xen's <xen/errno.h> in the explorer (Xen's value). */
#ifndef MODEL_XEN_ERRNO_H
#define MODEL_XEN_ERRNO_H
#define ERESTART 85
#endif
