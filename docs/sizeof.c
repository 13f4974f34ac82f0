// SPDX-License-Identifier: BSD-2-Clause
/*
 * Prints the sizes the documentation quotes, for docs/check-docs.py:
 * "long <sizeof(long)> cacheline <DWORK_CACHELINE_BYTES> dwork_cpu <size>".
 */
#include <stdio.h>

#include <dwork/dwork.h>

int main(void)
{
	printf("long %zu cacheline %u dwork_cpu %zu\n", sizeof(long),
	       (unsigned int)DWORK_CACHELINE_BYTES, sizeof(struct dwork_cpu));
	return 0;
}
