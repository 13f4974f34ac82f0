/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef SIM_XEN_ERRNO_H
#define SIM_XEN_ERRNO_H
#define EINVAL 22
#define ERESTART 85
#endif
