/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dwork: deferred work for hypervisors and kernels.
 *
 * Umbrella header: per-CPU tasklets, items (the dpci pattern), the per-CPU
 * engine, error codes and the version.  See docs/design.md.
 */
#ifndef DWORK_DWORK_H
#define DWORK_DWORK_H

#include <dwork/errno.h>
#include <dwork/port.h>
#include <dwork/cpu.h>
#include <dwork/item.h>
#include <dwork/tasklet.h>
#include <dwork/version.h>

/* Declares nothing itself; every header it includes has the guards. */
#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif /* DWORK_DWORK_H */
