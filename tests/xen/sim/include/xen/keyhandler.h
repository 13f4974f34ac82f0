/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef SIM_XEN_KEYHANDLER_H
#define SIM_XEN_KEYHANDLER_H
#include <xen/types.h>

/* Xen's debug keys: register_keyhandler() records the handler. */
typedef void keyhandler_fn_t(unsigned char key);
void register_keyhandler(unsigned char key, keyhandler_fn_t *fn,
			 const char *desc, bool diagnostic);
#endif
