// SPDX-License-Identifier: BSD-2-Clause
/*
 * The README's minimal example, compiled and run by the test suite so that
 * it never rots: an interrupt on CPU 0 raises an item, the item's callback
 * runs in softirq context on CPU 0.
 */
#include <stdio.h>

#include <dwork/dwork.h>
#include <dwork/posix.h>

static int runs;

static void handler(struct dwork_item *it)	/* softirq context */
{
	(void)it;
	runs++;
}

static struct dwork_item item = DWORK_ITEM_INIT(handler);

static void irq(void *arg)			/* hard IRQ context */
{
	(void)arg;
	dwork_item_raise(&item);
}

int main(void)
{
	switch (dwork_posix_start(2)) {
	case 0:
		break;
	case DWORK_EINVAL:
		return 77;	/* skip: built with fewer CPUs */
	default:
		return 1;
	}
	dwork_posix_irq_on(0, irq, NULL);
	dwork_posix_quiesce();			/* the handler has run */
	dwork_posix_stop();
	printf("minimal: handler ran %d time(s)\n", runs);
	return runs == 1 ? 0 : 1;
}
