// SPDX-License-Identifier: BSD-2-Clause
/*
 * Test cxx_consumer: a C++ program uses dwork through the public headers
 * (extern "C" linkage, the static initialisers): an interrupt on CPU 0
 * raises an item that runs on CPU 1, whose callback schedules a tasklet
 * back on CPU 0.  Without extern "C" in the headers it does not link.
 */
#include <cstdio>

#include <dwork/dwork.h>
#include <dwork/posix.h>

namespace {

int item_cpu = -1, tasklet_cpu = -1;

void back_home(void *)
{
	tasklet_cpu = dwork_posix_this_cpu();
}

struct dwork_tasklet home = DWORK_SOFTIRQ_TASKLET_INIT(back_home, nullptr);

void work(struct dwork_item *)
{
	item_cpu = dwork_posix_this_cpu();
	dwork_tasklet_schedule_on(&home, 0);
}

struct dwork_item item = DWORK_ITEM_INIT(work);

void irq(void *)
{
	dwork_item_raise_on(&item, 1);
}

} // namespace

int main()
{
	if (dwork_posix_start(2) != 0)
		return 77;
	dwork_posix_irq_on(0, irq, nullptr);
	dwork_posix_quiesce();
	dwork_posix_stop();
	std::printf("cxx_consumer: item ran on cpu%d, tasklet on cpu%d (%s)\n",
		    item_cpu, tasklet_cpu, DWORK_VERSION_STRING);
	return item_cpu == 1 && tasklet_cpu == 0 ? 0 : 1;
}
