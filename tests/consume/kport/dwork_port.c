// SPDX-License-Identifier: BSD-2-Clause
/* The port's storage and its assertion handler (see dwork_port.h). */
#include <dwork/port.h>

struct dwork_cpu kport_cpu;
unsigned long kport_irq_off;
unsigned int kport_softirq_pending;
unsigned int kport_in_irq;
unsigned int kport_assert_failed;

void kport_assert_fail(const char *expr, const char *file, int line)
{
	(void)expr;
	(void)file;
	(void)line;
	kport_assert_failed++;
}
