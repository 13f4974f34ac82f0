/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel's own types header, standing in for <xen/types.h> or
 * <linux/types.h>: what dwork needs from <stdbool.h>, <stddef.h> and
 * <stdint.h>, built from the compiler's predefined macros only, so that the
 * kernel can compile with -nostdinc.  Selected with
 *	-DDWORK_TYPES_HEADER='<ktypes.h>'
 * (tests/consume/run-ports.sh, step 3, and the -nostdinc command of
 * docs/porting.md section 9).
 */
#ifndef KTYPES_H
#define KTYPES_H

#define KTYPES_H_USED 1

typedef _Bool bool;
#define true 1
#define false 0

#define NULL ((void *)0)
#define offsetof(t, m) __builtin_offsetof(t, m)

typedef __SIZE_TYPE__ size_t;
typedef __UINT8_TYPE__ uint8_t;
typedef __UINT16_TYPE__ uint16_t;
typedef __INT32_TYPE__ int32_t;
typedef __UINT32_TYPE__ uint32_t;
typedef __UINTPTR_TYPE__ uintptr_t;

#endif /* KTYPES_H */
