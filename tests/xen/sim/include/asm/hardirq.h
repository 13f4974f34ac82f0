/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef SIM_ASM_HARDIRQ_H
#define SIM_ASM_HARDIRQ_H
#include <xen/types.h>
bool sim_in_irq(void);
#define in_irq() sim_in_irq()
#endif
