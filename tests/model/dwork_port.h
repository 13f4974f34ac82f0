/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dwork "sim" port for the exhaustive explorer (suite 'model').
 *
 * Every virtual CPU is a coroutine of tests/model/sim.c.  Every port hook
 * with an effect another CPU can observe, and every atomic access of the
 * core, first calls sim_point(): the coroutine yields to the explorer,
 * which decides which CPU runs next and whether an interrupt arrives.
 * Between two points a CPU runs alone, so the explorer's executions are
 * sequentially consistent interleavings of the atomic accesses (weak
 * memory is checked separately: tests/model/wmm.c).
 *
 * The dwork_atomic_* overrides below win over <dwork/atomic.h> because
 * src/internal.h includes <dwork/dwork.h> (-> port.h -> this file) first.
 */
#ifndef DWORK_SIM_PORT_H
#define DWORK_SIM_PORT_H

#ifndef DWORK_PORT_H
#error "include <dwork/port.h>, not <dwork_port.h> directly"
#endif

#define SIM_MAX_CPUS 4

enum sim_access {
	SIM_LOAD,
	SIM_STORE,
	SIM_RMW,
	SIM_FENCE,
	SIM_HOOK,
};

void sim_point(enum sim_access a, const volatile void *addr, const char *what);

unsigned int dwork_port_this_cpu(void);
unsigned long dwork_port_irq_save(void);
void dwork_port_irq_restore(unsigned long flags);
bool dwork_port_irqs_disabled(void);
bool dwork_port_in_irq(void);
void dwork_port_raise_softirq(void);
void dwork_port_raise_softirq_on(unsigned int cpu);
void dwork_port_kick_idle(unsigned int cpu);
struct dwork_cpu *dwork_port_cpu(unsigned int cpu);
bool dwork_port_cpu_online(unsigned int cpu);
void dwork_port_cpu_relax(void);
void sim_raise_softirq_nmi(void);
void sim_nmi_point(void);
void sim_state_written(const volatile void *addr);
void sim_assert_fail(const char *expr, const char *file, int line);

#define DWORK_PORT_ASSERT(cond, msg)                                       \
	((cond) ? (void)0 : sim_assert_fail(msg, __FILE__, __LINE__))

/*
 * The NMI-safe softirq raise (src/nmi.c is compiled in), and a point in
 * the middle of a list append or unlink where an NMI may land (a
 * scheduling point only in scenarios that give the CPU an NMI).
 */
#define dwork_port_raise_softirq_nmi() sim_raise_softirq_nmi()
#define dwork_port_list_point() sim_nmi_point()

/*
 * Atomics: yield, then do the access sequentially consistently (only one
 * coroutine runs at a time, so the access is atomic by construction).
 * After every write, sim_state_written() lets the explorer see each change
 * of a node's state word by the CPU that made it (the FIFO oracle's
 * record of which schedule queued a run and when a run was claimed).
 */
#define dwork_atomic_load(p, mo)                                          \
	(sim_point(SIM_LOAD, (p), "load " #p), (void)(mo),                \
	 __atomic_load_n((p), __ATOMIC_SEQ_CST))
#define dwork_atomic_store(p, v, mo)                                      \
	({                                                                 \
		sim_point(SIM_STORE, (p), "store " #p);                    \
		(void)(mo);                                                \
		__atomic_store_n((p), (v), __ATOMIC_SEQ_CST);              \
		sim_state_written(p);                                      \
	})
#define dwork_atomic_xchg(p, v, mo)                                       \
	({                                                                 \
		__typeof__(*(p)) sim_old_;                                 \
		sim_point(SIM_RMW, (p), "xchg " #p);                       \
		(void)(mo);                                                \
		sim_old_ = __atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST); \
		sim_state_written(p);                                      \
		sim_old_;                                                  \
	})
#define dwork_atomic_cas(p, expp, v, mo_ok, mo_fail)                      \
	({                                                                 \
		bool sim_ok_;                                              \
		sim_point(SIM_RMW, (p), "cas " #p);                        \
		(void)(mo_ok);                                             \
		(void)(mo_fail);                                           \
		sim_ok_ = __atomic_compare_exchange_n((p), (expp), (v),    \
			false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);        \
		sim_state_written(p);                                      \
		sim_ok_;                                                   \
	})
#define dwork_atomic_fetch_or(p, v, mo)                                   \
	({                                                                 \
		__typeof__(*(p)) sim_old_;                                 \
		sim_point(SIM_RMW, (p), "fetch_or " #p);                   \
		(void)(mo);                                                \
		sim_old_ = __atomic_fetch_or((p), (v), __ATOMIC_SEQ_CST);  \
		sim_state_written(p);                                      \
		sim_old_;                                                  \
	})
#define dwork_atomic_fence(mo)                                            \
	(sim_point(SIM_FENCE, NULL, "fence"), (void)(mo),                 \
	 __atomic_thread_fence(__ATOMIC_SEQ_CST))
#define dwork_atomic_fence_after_rmw(mo) dwork_atomic_fence(mo)

#endif /* DWORK_SIM_PORT_H */
