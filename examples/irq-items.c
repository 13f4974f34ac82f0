// SPDX-License-Identifier: BSD-2-Clause
/*
 * A driver that defers its interrupt work with items (the dpci pattern).
 *
 * A simulated network card has one receive queue per CPU.  The "hardware"
 * (host threads) delivers packets by bumping a queue's arrival counter and
 * posting an interrupt to the queue's CPU.  The interrupt handler does the
 * minimum (acknowledge, raise the queue's item) and the item's callback, in
 * softirq context with IRQs enabled, processes everything that arrived.
 * Several interrupts before the softirq runs are absorbed by one pending
 * item ("masked"), which is the point of the pattern.
 *
 * Teardown uses the continuation style Xen uses for dpci (-ERESTART):
 * cancel, then poll dwork_item_busy() and come back later instead of
 * spinning in a context that might be the one running the callback.
 *
 * Checks (exit status): every packet is processed exactly once, every
 * interrupt was either queued or absorbed, and the per-CPU counters agree.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <dwork/dwork.h>
#include <dwork/posix.h>

#define NR_CPUS		4
#define NR_HW_THREADS	2
#define IRQS_PER_THREAD	2000

#define container_of(ptr, type, member)                                    \
	((type *)((char *)(ptr) - offsetof(type, member)))

struct rxq {
	unsigned int cpu;
	struct dwork_item item;		/* embedded: no allocation anywhere */
	atomic_ulong arrived;		/* written by "hardware" */
	unsigned long taken;		/* softirq only */
	atomic_ulong processed;
	atomic_ulong irqs, queued, absorbed;
	atomic_uint wrong_cpu;
	int removed;
};

static struct rxq rxq[NR_CPUS];

/* Softirq context: take everything that arrived since the last run. */
static void rxq_poll(struct dwork_item *it)
{
	struct rxq *q = container_of(it, struct rxq, item);
	unsigned long now = atomic_load_explicit(&q->arrived,
						 memory_order_acquire);

	if ((unsigned int)dwork_posix_this_cpu() != q->cpu)
		atomic_fetch_add(&q->wrong_cpu, 1);
	atomic_fetch_add(&q->processed, now - q->taken);
	q->taken = now;
}

/* Hard IRQ context (a signal handler on the POSIX port): keep it short. */
static void rxq_irq(void *arg)
{
	struct rxq *q = arg;

	atomic_fetch_add(&q->irqs, 1);
	if (dwork_item_raise(&q->item) == DWORK_QUEUED)
		atomic_fetch_add(&q->queued, 1);
	else
		atomic_fetch_add(&q->absorbed, 1);	/* already pending */
}

/* The "hardware": packets arrive, then the interrupt fires. */
static void *hardware(void *arg)
{
	unsigned int seed = (unsigned int)(unsigned long)arg;

	for (int i = 0; i < IRQS_PER_THREAD; i++) {
		struct rxq *q = &rxq[(seed + (unsigned int)i) % NR_CPUS];

		atomic_fetch_add_explicit(&q->arrived, 1 + (unsigned int)i % 3,
					  memory_order_release);
		if (dwork_posix_irq_on(q->cpu, rxq_irq, q) != 0)
			abort();
	}
	return NULL;
}

/*
 * Teardown step, called in task context: returns DWORK_EAGAIN while the
 * item is still pending or running, like a hypercall that returns
 * -ERESTART to be called again.
 */
static int rxq_remove(struct rxq *q)
{
	dwork_item_cancel(&q->item);
	return dwork_item_busy(&q->item);
}

struct remove_req {
	struct rxq *q;
	int ret;
};

static void remove_on_cpu(void *arg)
{
	struct remove_req *r = arg;

	r->ret = rxq_remove(r->q);
}

int main(void)
{
	pthread_t hw[NR_HW_THREADS];
	struct dwork_stats st, sum = { 0 };
	unsigned long packets = 0, processed = 0, irqs = 0, queued = 0,
		      absorbed = 0, restarts = 0;
	unsigned int wrong = 0;
	int bad = 0;

	for (unsigned int c = 0; c < NR_CPUS; c++) {
		dwork_item_init(&rxq[c].item, rxq_poll);
		rxq[c].cpu = c;
	}
	switch (dwork_posix_start(NR_CPUS)) {
	case 0:
		break;
	case DWORK_EINVAL:
		return 77;	/* skip: built with fewer CPUs */
	default:
		return 1;
	}

	for (unsigned long t = 0; t < NR_HW_THREADS; t++)
		pthread_create(&hw[t], NULL, hardware, (void *)t);
	for (int t = 0; t < NR_HW_THREADS; t++)
		pthread_join(hw[t], NULL);
	dwork_posix_quiesce();

	/* Device removal: continuation loop, never a spin inside dwork. */
	for (unsigned int c = 0; c < NR_CPUS; c++) {
		struct remove_req r = { .q = &rxq[c] };

		do {
			dwork_posix_run_on(c, remove_on_cpu, &r);
			if (r.ret == DWORK_EAGAIN)
				restarts++;
		} while (r.ret == DWORK_EAGAIN);
		rxq[c].removed = 1;
	}

	for (unsigned int c = 0; c < NR_CPUS; c++) {
		struct rxq *q = &rxq[c];

		packets += atomic_load(&q->arrived);
		processed += atomic_load(&q->processed);
		irqs += atomic_load(&q->irqs);
		queued += atomic_load(&q->queued);
		absorbed += atomic_load(&q->absorbed);
		wrong += atomic_load(&q->wrong_cpu);
		dwork_cpu_stats(c, &st);
		printf("cpu%u: raised %lu coalesced %lu run %lu fed %lu\n", c,
		       st.raised, st.coalesced, st.run, st.fed);
		sum.raised += st.raised;
		sum.coalesced += st.coalesced;
		sum.run += st.run;
	}
	dwork_posix_stop();

	printf("irq-items: %lu interrupts -> %lu softirq runs (%lu absorbed "
	       "while pending); %lu/%lu packets processed; %lu teardown "
	       "restarts\n", irqs, queued, absorbed, processed, packets,
	       restarts);

	if (processed != packets) {
		printf("FAIL: lost or duplicated packets\n");
		bad = 1;
	}
	if (irqs != (unsigned long)NR_HW_THREADS * IRQS_PER_THREAD ||
	    queued + absorbed != irqs) {
		printf("FAIL: interrupt accounting\n");
		bad = 1;
	}
	if (wrong) {
		printf("FAIL: %u callbacks ran on the wrong CPU\n", wrong);
		bad = 1;
	}
	if (sum.raised != queued || sum.coalesced != absorbed ||
	    sum.run != queued) {
		printf("FAIL: counters disagree (raised %lu coalesced %lu "
		       "run %lu)\n", sum.raised, sum.coalesced, sum.run);
		bad = 1;
	}
	return bad;
}
