// SPDX-License-Identifier: BSD-2-Clause
/*
 * Hosted entry point for the freestanding kernel in this directory: the
 * kernel objects are compiled without any libc header; only this file
 * uses one, to report.
 */
#include <stdio.h>

#include "kernel.h"

int main(void)
{
	int r = kernel_selftest();

	printf("consume: kernel self-test %s (%d)\n", r ? "FAILED" : "passed", r);
	return r;
}
