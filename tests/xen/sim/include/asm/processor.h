/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef SIM_ASM_PROCESSOR_H
#define SIM_ASM_PROCESSOR_H
void sim_cpu_relax(void);
#define cpu_relax() sim_cpu_relax()
#endif
