/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host simulation of the Xen hypervisor API for tests/xen (force-included,
 * as Xen force-includes its xen/config.h).  Written for dwork's tests from
 * Xen's documented interfaces; names and values match Xen where dwork's
 * port and compat layer depend on them.
 */
#ifndef SIM_XEN_CONFIG_H
#define SIM_XEN_CONFIG_H

#define __XEN__ 1
#define NR_CPUS 8
#define CONFIG_PERF_COUNTERS 1 /* dwork's counters (debug key 'k') */
#define cf_check
#define __init
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#endif
