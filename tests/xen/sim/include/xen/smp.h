/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef SIM_XEN_SMP_H
#define SIM_XEN_SMP_H
#include <xen/types.h>

/* The simulated CPU this host thread is playing. */
extern __thread unsigned int sim_this_cpu;
#define smp_processor_id() (sim_this_cpu)
#endif
