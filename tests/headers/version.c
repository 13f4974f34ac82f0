// SPDX-License-Identifier: BSD-2-Clause
/*
 * Test version_matches_the_project: <dwork/dwork.h> gives DWORK_VERSION_*,
 * and they say meson.build's project version (DWORK_PROJECT_VERSION, a
 * -D flag from tests/headers/meson.build); DWORK_VERSION_CODE packs
 * major << 16 | minor << 8 | patch, so it orders 0.99.0 < 0.100.0 < 1.0.0.
 */
#include <stdio.h>
#include <string.h>

#include <dwork/dwork.h>

_Static_assert(DWORK_VERSION_CODE(0, 99, 0) < DWORK_VERSION_CODE(0, 100, 0),
	       "minor 100 must compare above 99");
_Static_assert(DWORK_VERSION_CODE(0, 255, 255) < DWORK_VERSION_CODE(1, 0, 0),
	       "any 0.x.y below 1.0.0");
_Static_assert(DWORK_VERSION_CODE(1, 2, 3) == 0x010203, "Linux's packing");
_Static_assert(DWORK_VERSION == DWORK_VERSION_CODE(DWORK_VERSION_MAJOR,
		DWORK_VERSION_MINOR, DWORK_VERSION_PATCH), "DWORK_VERSION");

int main(void)
{
	char want[64];

	snprintf(want, sizeof(want), "%d.%d.%d", DWORK_VERSION_MAJOR,
		 DWORK_VERSION_MINOR, DWORK_VERSION_PATCH);
	printf("headers: %s, meson.build: %s\n", DWORK_VERSION_STRING,
	       DWORK_PROJECT_VERSION);
	if (strcmp(DWORK_VERSION_STRING, DWORK_PROJECT_VERSION) != 0)
		return 1;
	/* "X.Y.Z" or "X.Y.Z-dev", X.Y.Z from the numbers. */
	if (strncmp(DWORK_VERSION_STRING, want, strlen(want)) != 0)
		return 1;
	return strcmp(&DWORK_VERSION_STRING[strlen(want)], "") == 0 ||
	       strcmp(&DWORK_VERSION_STRING[strlen(want)], "-dev") == 0 ? 0 : 1;
}
