// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host simulation of the Xen API used by port/xen (see sim.h).  Written
 * from Xen's documented behaviour; no Xen code.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim.h"

__thread unsigned int sim_this_cpu;
unsigned int nr_cpu_ids = NR_CPUS;
struct sim_cpu sim_cpus[NR_CPUS];
unsigned int sim_relax_calls;
void (*sim_relax_hook)(void *arg);
void *sim_relax_arg;
jmp_buf *sim_bug_jmp;
unsigned int sim_bugs;

static softirq_handler handlers[NR_SOFTIRQS];
static struct notifier_block *chain;
static bool batching;
static unsigned long batch_mask;

char sim_printk_buf[4096];
size_t sim_printk_len;

void printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	/* Also kept (truncated when full) for tests that check the text. */
	va_start(ap, fmt);
	n = vsnprintf(sim_printk_buf + sim_printk_len,
		      sizeof(sim_printk_buf) - sim_printk_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		sim_printk_len += (size_t)n < sizeof(sim_printk_buf) - sim_printk_len
					  ? (size_t)n
					  : sizeof(sim_printk_buf) - 1 - sim_printk_len;
}

keyhandler_fn_t *sim_keyhandler[256];

void register_keyhandler(unsigned char key, keyhandler_fn_t *fn,
			 const char *desc, bool diagnostic)
{
	(void)desc;
	(void)diagnostic;
	if (sim_keyhandler[key])
		sim_bug("debug key registered twice", __FILE__, __LINE__);
	sim_keyhandler[key] = fn;
}

void sim_bug(const char *what, const char *file, int line)
{
	sim_bugs++;
	if (sim_bug_jmp)
		longjmp(*sim_bug_jmp, 1);
	fprintf(stderr, "Xen BUG: %s at %s:%d\n", what, file, line);
	abort();
}

bool sim_cpu_online(unsigned int cpu)
{
	return cpu < NR_CPUS && sim_cpus[cpu].online;
}

bool sim_in_irq(void)
{
	return sim_cpus[sim_this_cpu].in_irq != 0;
}

/*
 * A spin-wait on one CPU: the other CPUs keep running meanwhile.  By
 * default every other online CPU that is not already inside the simulation
 * (on the host stack) does one idle-loop iteration.
 */
void sim_cpu_relax(void)
{
	unsigned int cpu, self = sim_this_cpu;

	sim_relax_calls++;
	BUG_ON(sim_relax_calls > 1000000);
	if (sim_relax_hook) {
		sim_relax_hook(sim_relax_arg);
		return;
	}
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		if (cpu != self && sim_cpus[cpu].online && !sim_cpus[cpu].active)
			sim_idle(cpu);
}

void (*sim_due_irq)(void *arg);
unsigned int sim_due_irq_skip;

static void deliver_due_irq(void)
{
	void (*fn)(void *) = sim_due_irq;

	if (!fn)
		return;
	if (sim_due_irq_skip) {
		sim_due_irq_skip--;
		return;
	}
	sim_due_irq = NULL;
	sim_irq(sim_this_cpu, fn, NULL);
}

unsigned long sim_irq_save(void)
{
	unsigned long was;

	if (!sim_cpus[sim_this_cpu].irq_off)
		deliver_due_irq();
	was = sim_cpus[sim_this_cpu].irq_off;

	sim_cpus[sim_this_cpu].irq_off = true;
	return was;
}

void sim_irq_restore(unsigned long flags)
{
	sim_cpus[sim_this_cpu].irq_off = flags != 0;
	if (!flags)
		deliver_due_irq();
}

bool sim_irq_enabled(void)
{
	return !sim_cpus[sim_this_cpu].irq_off;
}

void sync_local_execstate(void)
{
	sim_cpus[sim_this_cpu].execstate_syncs++;
}

void get_knownalive_domain(struct domain *d)
{
	BUG_ON(!d || __atomic_fetch_add(&d->refcnt, 1, __ATOMIC_SEQ_CST) <= 0);
}

void (*sim_put_domain_hook)(struct domain *d);

void put_domain(struct domain *d)
{
	BUG_ON(!d || __atomic_sub_fetch(&d->refcnt, 1, __ATOMIC_SEQ_CST) < 0);
	if (sim_put_domain_hook)
		sim_put_domain_hook(d);
}

/* ---- softirqs ---------------------------------------------------------- */

void open_softirq(int nr, softirq_handler handler)
{
	BUG_ON(nr < 0 || nr >= NR_SOFTIRQS);
	handlers[nr] = handler;
}

/* Set @nr pending on @cpu; true if the bit was clear (an IPI is owed). */
static bool set_pending(unsigned int cpu, unsigned int nr)
{
	BUG_ON(nr >= NR_SOFTIRQS || cpu >= NR_CPUS);
	if (test_and_set_bit(nr, &sim_cpus[cpu].pending))
		return false;
	__atomic_fetch_add(&sim_cpus[cpu].raised[nr], 1, __ATOMIC_SEQ_CST);
	return true;
}

void raise_softirq(unsigned int nr)
{
	set_pending(sim_this_cpu, nr);
}

void cpu_raise_softirq(unsigned int cpu, unsigned int nr)
{
	if (!set_pending(cpu, nr) || cpu == sim_this_cpu)
		return;
	if (batching)
		batch_mask |= 1UL << cpu;
	else
		__atomic_fetch_add(&sim_cpus[cpu].ipis, 1, __ATOMIC_SEQ_CST);
}

void cpu_raise_softirq_batch_begin(void)
{
	batching = true;
}

void cpu_raise_softirq_batch_finish(void)
{
	unsigned int cpu;

	batching = false;
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		if (batch_mask & (1UL << cpu))
			sim_cpus[cpu].ipis++;
	batch_mask = 0;
}

/* Xen's rule: lowest pending number first, stop if the CPU is offline. */
void do_softirq(void)
{
	struct sim_cpu *c = &sim_cpus[sim_this_cpu];

	BUG_ON(c->irq_off || c->in_irq);
	for (;;) {
		unsigned long p = __atomic_load_n(&c->pending, __ATOMIC_SEQ_CST);
		unsigned int nr;

		if (!p || !c->online)
			break;
		nr = (unsigned int)__builtin_ctzl(p);
		clear_bit(nr, &c->pending);
		if (!handlers[nr])
			sim_bug("softirq raised with no handler", __FILE__, __LINE__);
		handlers[nr]();
	}
}

void process_pending_softirqs(void)
{
	do_softirq();
}

/* ---- scheduler --------------------------------------------------------- */

bool sim_sched_tasklet_check_cpu(unsigned int cpu)
{
	unsigned long *w = &per_cpu(tasklet_work_to_do, cpu);

	/*
	 * The documented handshake: enqueued alone -> mark scheduled, pick
	 * idle; both -> pick idle; scheduled alone -> work is done, clear it;
	 * nothing -> no tasklet work.  Any other value is a bug.
	 */
	switch (*w) {
	case TASKLET_enqueued:
		set_bit(_TASKLET_scheduled, w);
		return true;
	case TASKLET_enqueued | TASKLET_scheduled:
		return true;
	case TASKLET_scheduled:
		clear_bit(_TASKLET_scheduled, w);
		return false;
	case 0:
		return false;
	default:
		BUG();
	}
}

static void sim_schedule(void)
{
	unsigned int cpu = sim_this_cpu;

	sim_cpus[cpu].sched_runs++;
	sim_cpus[cpu].idle_picked = sim_sched_tasklet_check_cpu(cpu);
}

/* ---- notifiers and hotplug --------------------------------------------- */

void register_cpu_notifier(struct notifier_block *nb)
{
	struct notifier_block **pp = &chain;

	while (*pp && (*pp)->priority >= nb->priority)
		pp = &(*pp)->sim_next;
	nb->sim_next = *pp;
	*pp = nb;
}

static void notify(unsigned long action, unsigned int cpu)
{
	struct notifier_block *nbs[32];
	unsigned int n = 0, i;
	struct notifier_block *nb;

	for (nb = chain; nb && n < 32; nb = nb->sim_next)
		nbs[n++] = nb;
	sim_cpus[cpu].notified[action & 0xf]++;
	for (i = 0; i < n; i++) {
		nb = nbs[(action & NOTIFY_REVERSE) ? n - 1 - i : i];
		nb->notifier_call(nb, action, (void *)(unsigned long)cpu);
	}
}

/* A fresh CPU's per-CPU area is zeroed, as Xen allocates a new one. */
static int cf_check percpu_cb(struct notifier_block *nfb, unsigned long action,
			      void *hcpu)
{
	unsigned int cpu = (unsigned long)hcpu;

	(void)nfb;
	if (action == CPU_UP_PREPARE) {
		per_cpu(tasklet_work_to_do, cpu) = 0;
		sim_cpus[cpu].pending = 0;
	}
	return NOTIFY_DONE;
}

static struct notifier_block percpu_nfb = {
	.notifier_call = percpu_cb,
	.priority = 100,
};

void sim_power_on(void)
{
	memset(sim_cpus, 0, sizeof(sim_cpus));
	sim_this_cpu = 0;
	sim_cpus[0].online = true;
	open_softirq(SCHEDULE_SOFTIRQ, sim_schedule);
	register_cpu_notifier(&percpu_nfb);
}

unsigned int sim_on(unsigned int cpu)
{
	unsigned int old = sim_this_cpu;

	sim_this_cpu = cpu;
	return old;
}

int sim_cpu_up(unsigned int cpu)
{
	unsigned int old;

	if (cpu >= nr_cpu_ids || sim_cpus[cpu].online)
		return -EINVAL;
	notify(CPU_UP_PREPARE, cpu);
	old = sim_on(cpu);
	notify(CPU_STARTING, cpu);
	sim_cpus[cpu].online = true;
	sim_on(old);
	notify(CPU_ONLINE, cpu);
	return 0;
}

void sim_cpu_up_cancel(unsigned int cpu)
{
	notify(CPU_UP_PREPARE, cpu);
	notify(CPU_UP_CANCELED, cpu);
}

int sim_cpu_down(unsigned int cpu)
{
	unsigned int old;

	if (cpu == sim_this_cpu || !sim_cpus[cpu].online)
		return -EINVAL;
	notify(CPU_DOWN_PREPARE, cpu);
	old = sim_on(cpu);
	sim_cpus[cpu].online = false;
	notify(CPU_DYING, cpu);
	sim_on(old);
	notify(CPU_DEAD, cpu);
	return 0;
}

void sim_smp_boot(unsigned int n)
{
	unsigned int cpu;

	for (cpu = 1; cpu < n; cpu++)
		sim_cpu_up(cpu);
}

/* ---- running CPUs ------------------------------------------------------ */

void sim_softirq(unsigned int cpu)
{
	unsigned int old = sim_on(cpu);

	sim_cpus[cpu].active++;
	do_softirq();
	sim_cpus[cpu].active--;
	sim_on(old);
}

bool sim_idle(unsigned int cpu)
{
	unsigned int old = sim_on(cpu);
	bool did = false;

	sim_cpus[cpu].active++;
	if (sim_cpus[cpu].online) {
		if (tasklet_work_to_do(cpu)) {
			do_tasklet();
			did = true;
		}
		/* Relaxed: a hint; do_softirq() takes the bits atomically. */
		if (__atomic_load_n(&sim_cpus[cpu].pending, __ATOMIC_RELAXED)) {
			do_softirq();
			did = true;
		}
	}
	sim_cpus[cpu].active--;
	sim_on(old);
	return did;
}

void sim_settle(void)
{
	unsigned int rounds = 0;
	bool did;

	do {
		unsigned int cpu;

		did = false;
		for (cpu = 0; cpu < NR_CPUS; cpu++)
			did |= sim_idle(cpu);
		BUG_ON(++rounds > 100000);
	} while (did);
}

void sim_irq(unsigned int cpu, void (*fn)(void *), void *arg)
{
	unsigned int old = sim_on(cpu);
	unsigned long flags = sim_irq_save();

	sim_cpus[cpu].in_irq++;
	sim_cpus[cpu].active++;
	fn(arg);
	sim_cpus[cpu].active--;
	sim_cpus[cpu].in_irq--;
	sim_irq_restore(flags);
	sim_on(old);
}
