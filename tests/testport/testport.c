// SPDX-License-Identifier: BSD-2-Clause
/* The test port's state and helpers. */
#include <string.h>
#include <stdio.h>
#include <stdlib.h>

#include "testport.h"

struct tp_state tp;

void tp_assert_fail(const char *msg, const char *file, int line)
{
	tp.asserts++;
	tp.last_assert = msg;
	fprintf(stderr, "debug check failed: %s (%s:%d)\n", msg, file,
		line);
}

void tp_reset(unsigned int nr)
{
	unsigned int i;

	memset(&tp, 0, sizeof(tp));
	for (i = 0; i < nr && i < TP_MAX_CPUS; i++) {
		tp.c[i].online = true;
		dwork_cpu_init(i);
	}
	tp.cpu = 0;
}

unsigned int tp_switch(unsigned int cpu)
{
	unsigned int old = tp.cpu;

	tp.cpu = cpu;
	return old;
}

void tp_softirq_once(unsigned int cpu)
{
	unsigned int old = tp_switch(cpu);

	tp.c[cpu].softirq_pending = 0;
	dwork_softirq();
	tp_switch(old);
}

unsigned int tp_softirq(unsigned int cpu)
{
	unsigned int passes = 0;

	while (tp.c[cpu].softirq_pending) {
		tp_softirq_once(cpu);
		if (++passes > 100000) {
			fprintf(stderr, "softirq livelock on cpu %u\n", cpu);
			abort();
		}
	}
	return passes;
}

bool tp_idle(unsigned int cpu)
{
	unsigned int old = tp_switch(cpu);
	bool ran = false;

	if (dwork_idle_pending()) {
		dwork_idle_run();
		ran = true;
	}
	tp_switch(old);
	return ran;
}

void tp_irq_enter(void)
{
	tp.c[tp.cpu].in_irq++;
	tp.c[tp.cpu].irq_off = true;
}

void tp_irq_exit(void)
{
	if (--tp.c[tp.cpu].in_irq == 0)
		tp.c[tp.cpu].irq_off = false;
}

void tp_nmi_enter(void)
{
	tp.in_nmi = true;
}

void tp_nmi_exit(void)
{
	tp.in_nmi = false;
}

void tp_cpu_dead(unsigned int cpu, unsigned int on)
{
	unsigned int old = tp_switch(on);

	tp.c[cpu].online = false;
	dwork_cpu_dead(cpu);
	tp_switch(old);
}
