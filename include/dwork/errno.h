/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dwork error codes.
 *
 * Negative named constants, independent of any libc errno.  The values
 * match the Linux/Xen numbers so that a port may pass them through
 * unchanged, but callers must only ever compare against the names.
 */
#ifndef DWORK_ERRNO_H
#define DWORK_ERRNO_H

/* Macros only; the guards keep it so for C++ if that changes. */
#ifdef __cplusplus
extern "C" {
#endif

#define DWORK_EINVAL    (-22) /* bad argument or uninitialised object */
#define DWORK_EAGAIN    (-11) /* still pending or running: try again later */
#define DWORK_EBUSY     (-16) /* resource busy */
#define DWORK_EDEADLK   (-35) /* the operation would wait for itself */
#define DWORK_ENODEV    (-19) /* CPU out of range, offline or not initialised */
#define DWORK_ESHUTDOWN (-108) /* the object was killed */
#define DWORK_EOPNOTSUPP (-95) /* the port does not support this call */

#ifdef __cplusplus
}
#endif

#endif /* DWORK_ERRNO_H */
