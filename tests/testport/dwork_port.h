/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dwork test port: a deterministic, single-threaded port that simulates
 * CPUs by switching "the current CPU" and records every hook call, so unit
 * tests can assert on them (e.g. a raise on an empty list raises the
 * softirq exactly once).
 *
 * Nothing runs by itself: a test calls tp_softirq(cpu) / tp_idle(cpu) to
 * play a CPU's softirq or idle loop.  dwork_port_cpu_relax() calls
 * tp.relax_hook, so a test can make another CPU progress while kill spins.
 */
#ifndef DWORK_TESTPORT_H
#define DWORK_TESTPORT_H

#ifndef DWORK_PORT_H
#error "include <dwork/port.h>, not <dwork_port.h> directly"
#endif

#define TP_MAX_CPUS DWORK_NR_CPUS /* types.h comes before us */

struct tp_cpu_state {
	bool irq_off;
	unsigned int in_irq;
	unsigned int softirq_pending;  /* set by raises, cleared by tp_softirq */
	unsigned int raise_local;      /* dwork_port_raise_softirq() calls */
	unsigned int raise_remote;     /* dwork_port_raise_softirq_on(this) calls */
	unsigned int kick_idle;        /* dwork_port_kick_idle(this) calls */
	unsigned int raise_nmi;        /* dwork_port_raise_softirq_nmi() calls */
	bool online;
};

struct tp_state {
	unsigned int cpu;              /* the current CPU, or DWORK_CPU_NONE */
	struct tp_cpu_state c[TP_MAX_CPUS];
	unsigned int relax_calls;
	void (*relax_hook)(void *arg);
	void *relax_arg;
	unsigned int asserts;          /* failed DWORK_PORT_ASSERTs */
	const char *last_assert;       /* the message of the last one */
	/*
	 * IRQ injection (NULL: none).  Called by dwork_port_irq_save() on a
	 * CPU whose IRQs are enabled, just before it disables them: the one
	 * moment where a real interrupt could still land before an IRQs-off
	 * section.  The hook plays the interrupt (tp_irq_enter() ...
	 * tp_irq_exit()); inside it IRQs are off, so it is not re-entered.
	 */
	void (*irq_hook)(void *arg);
	void *irq_arg;
	/*
	 * NMI injection (NULL: none).  Called at the start of every port
	 * hook and before every atomic access of the core (see
	 * tp_nmi_point() below), whatever the IRQ state: the points where a
	 * real NMI could land in between.  The hook plays the NMI
	 * (tp_nmi_enter() ... tp_nmi_exit()); inside it, it is not called.
	 */
	void (*nmi_hook)(void *arg);
	void *nmi_arg;
	bool in_nmi;
	unsigned int nmi_points;       /* tp_nmi_point() calls outside an NMI */
	/*
	 * Inside an NMI (NULL: none): called at every such point that the
	 * NMI itself reaches, so that a test can let another CPU (a fiber)
	 * run in the middle of an NMI-safe raise.
	 */
	void (*in_nmi_hook)(void *arg);
	void *in_nmi_arg;
	struct dwork_cpu cpus[TP_MAX_CPUS];
};

extern struct tp_state tp;

void tp_assert_fail(const char *msg, const char *file, int line);

/* A point where an NMI may land: call the NMI hook (not inside an NMI). */
static inline void tp_nmi_point(void)
{
	if (tp.in_nmi) {
		if (tp.in_nmi_hook)
			tp.in_nmi_hook(tp.in_nmi_arg);
		return;
	}
	if (tp.cpu >= TP_MAX_CPUS)
		return;
	tp.nmi_points++;
	if (tp.nmi_hook)
		tp.nmi_hook(tp.nmi_arg);
}

/* dwork's atomics, each preceded by an NMI point (see <dwork/atomic.h>). */
#define dwork_atomic_load(p, mo) (tp_nmi_point(), __atomic_load_n((p), (mo)))
#define dwork_atomic_store(p, v, mo)                                       \
	(tp_nmi_point(), __atomic_store_n((p), (v), (mo)))
#define dwork_atomic_xchg(p, v, mo)                                        \
	(tp_nmi_point(), __atomic_exchange_n((p), (v), (mo)))
#define dwork_atomic_cas(p, expp, v, mo_ok, mo_fail)                      \
	(tp_nmi_point(),                                                   \
	 __atomic_compare_exchange_n((p), (expp), (v), false, (mo_ok),     \
				     (mo_fail)))
#define dwork_atomic_fetch_or(p, v, mo)                                    \
	(tp_nmi_point(), __atomic_fetch_or((p), (v), (mo)))

static inline unsigned int dwork_port_this_cpu(void)
{
	tp_nmi_point();
	return tp.cpu;
}

static inline unsigned long dwork_port_irq_save(void)
{
	tp_nmi_point();
	unsigned long f;

	if (tp.cpu >= TP_MAX_CPUS)
		return 0;
	if (tp.irq_hook && !tp.c[tp.cpu].irq_off)
		tp.irq_hook(tp.irq_arg);
	f = tp.c[tp.cpu].irq_off;
	tp.c[tp.cpu].irq_off = true;
	return f;
}

static inline void dwork_port_irq_restore(unsigned long flags)
{
	tp_nmi_point();
	if (tp.cpu < TP_MAX_CPUS)
		tp.c[tp.cpu].irq_off = flags != 0;
}

static inline bool dwork_port_irqs_disabled(void)
{
	tp_nmi_point();
	return tp.cpu < TP_MAX_CPUS && tp.c[tp.cpu].irq_off;
}

static inline bool dwork_port_in_irq(void)
{
	tp_nmi_point();
	return tp.cpu < TP_MAX_CPUS && tp.c[tp.cpu].in_irq;
}

static inline void dwork_port_raise_softirq(void)
{
	tp_nmi_point();
	tp.c[tp.cpu].raise_local++;
	tp.c[tp.cpu].softirq_pending = 1;
}

static inline void dwork_port_raise_softirq_on(unsigned int cpu)
{
	tp_nmi_point();
	tp.c[cpu].raise_remote++;
	tp.c[cpu].softirq_pending = 1;
}

static inline void dwork_port_kick_idle(unsigned int cpu)
{
	tp_nmi_point();
	tp.c[cpu].kick_idle++;
}

static inline struct dwork_cpu *dwork_port_cpu(unsigned int cpu)
{
	tp_nmi_point();
	return &tp.cpus[cpu];
}

static inline bool dwork_port_cpu_online(unsigned int cpu)
{
	tp_nmi_point();
	return cpu < TP_MAX_CPUS && tp.c[cpu].online;
}

static inline void dwork_port_cpu_relax(void)
{
	tp_nmi_point();
	tp.relax_calls++;
	if (tp.relax_hook)
		tp.relax_hook(tp.relax_arg);
}

/* The trace hook: an NMI may land inside it too. */
#define dwork_port_trace(ev, cpu, obj)                                     \
	((void)(ev), (void)(cpu), (void)(obj), tp_nmi_point())

/* Inside list appends and unlinks (src/internal.h). */
#define dwork_port_list_point() tp_nmi_point()

/* NMI-safe raise: counted apart from dwork_port_raise_softirq(). */
#define dwork_port_raise_softirq_nmi()                                     \
	(tp.c[tp.cpu].raise_nmi++, tp.c[tp.cpu].softirq_pending = 1)

#define DWORK_PORT_ASSERT(cond, msg)                                       \
	((cond) ? (void)0 : tp_assert_fail(msg, __FILE__, __LINE__))

#endif /* DWORK_TESTPORT_H */
