/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Temporary shim for building dwork inside Xen (-nostdinc): installed as
 * xen/include/stdbool.h until dwork's types.h can select Xen's own type
 * headers (see docs/xen.md).  In the hypervisor (__XEN__), Xen's
 * xen/types.h provides bool, the fixed-width integers, uintptr_t, size_t
 * and NULL, and offsetof comes from xen/compiler.h, which Xen
 * force-includes into every file.  Host tools built with xen/include on
 * their include path (e.g. arch/x86/efi/mkreloc) get the system header.
 */
#ifdef __XEN__
#include <xen/types.h>
#else
#include_next <stdbool.h>
#endif
