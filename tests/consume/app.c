// SPDX-License-Identifier: BSD-2-Clause
/*
 * A program that uses dwork from outside its tree (tests/consume): an
 * interrupt on CPU 0 raises an item that runs on CPU 1, and a tasklet
 * scheduled from CPU 1 runs on CPU 0.  Built once against dwork as a Meson
 * subproject and once through pkg-config after `meson install --destdir`.
 */
#include <stdio.h>

#include <dwork/dwork.h>
#include <dwork/posix.h>

static volatile int item_cpu = -1, tasklet_cpu = -1;

static void back_home(void *arg)
{
	(void)arg;
	tasklet_cpu = dwork_posix_this_cpu();
}

static struct dwork_tasklet home = DWORK_SOFTIRQ_TASKLET_INIT(back_home, NULL);

static void work(struct dwork_item *it)
{
	(void)it;
	item_cpu = dwork_posix_this_cpu();
	dwork_tasklet_schedule_on(&home, 0);
}

static struct dwork_item item = DWORK_ITEM_INIT(work);

static void irq(void *arg)
{
	(void)arg;
	dwork_item_raise_on(&item, 1);
}

int main(void)
{
	struct dwork_stats st;

	if (dwork_posix_start(2) != 0)
		return 1;
	dwork_posix_irq_on(0, irq, NULL);
	dwork_posix_quiesce();
	dwork_cpu_stats(0, &st);
	dwork_posix_stop();
	printf("consume: item ran on cpu%d, tasklet on cpu%d, cpu0 fed %lu\n",
	       item_cpu, tasklet_cpu, st.fed);
	return item_cpu == 1 && tasklet_cpu == 0 && st.fed == 1 ? 0 : 1;
}
