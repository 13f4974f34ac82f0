/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef SIM_XEN_INIT_H
#define SIM_XEN_INIT_H
/* Xen runs initcalls at boot; the simulation runs them at program start. */
#define __initcall(fn)                                                    \
	static void __attribute__((constructor)) sim_initcall_##fn(void)   \
	{                                                                  \
		(void)fn();                                                \
	}
#endif
