/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef SIM_XEN_PERCPU_H
#define SIM_XEN_PERCPU_H
#include <xen/smp.h>

#define DECLARE_PER_CPU(type, name) extern __typeof__(type) per_cpu__##name[NR_CPUS]
#define DEFINE_PER_CPU(type, name) __typeof__(type) per_cpu__##name[NR_CPUS]
#define per_cpu(name, cpu) (per_cpu__##name[(cpu)])
#define this_cpu(name) per_cpu(name, smp_processor_id())
#endif
