/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef SIM_XEN_CPUMASK_H
#define SIM_XEN_CPUMASK_H
#include <xen/types.h>

extern unsigned int nr_cpu_ids;
bool sim_cpu_online(unsigned int cpu);
#define cpu_online(cpu) sim_cpu_online(cpu)
#define cpu_is_offline(cpu) (!cpu_online(cpu))
#endif
