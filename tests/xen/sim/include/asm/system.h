/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef SIM_ASM_SYSTEM_H
#define SIM_ASM_SYSTEM_H
#include <xen/types.h>

unsigned long sim_irq_save(void);
void sim_irq_restore(unsigned long flags);
bool sim_irq_enabled(void);

#define local_irq_save(x) ((x) = sim_irq_save())
#define local_irq_restore(x) sim_irq_restore(x)
#define local_irq_disable() ((void)sim_irq_save())
#define local_irq_enable() sim_irq_restore(0)
#define local_irq_is_enabled() sim_irq_enabled()
#endif
