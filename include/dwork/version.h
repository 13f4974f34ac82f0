/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dwork version: the version of these headers and of the library built
 * from the same tree.  <dwork/dwork.h> includes it.
 *
 * Between two releases the numbers are those of the next release and
 * DWORK_VERSION_STRING ends in "-dev" (a tree after 0.3.0 and before 0.4.0
 * says 0, 4, 0 and "0.4.0-dev"), so DWORK_VERSION already compares as that
 * release.  meson.build's project version and the newest section of
 * CHANGELOG.md say the same; a test checks it.
 */
#ifndef DWORK_VERSION_H
#define DWORK_VERSION_H

/* Macros only; the guards keep it so for C++ if that changes. */
#ifdef __cplusplus
extern "C" {
#endif

#define DWORK_VERSION_MAJOR 0          /* major version */
#define DWORK_VERSION_MINOR 4          /* minor version, 0 to 255 */
#define DWORK_VERSION_PATCH 0          /* patch version, 0 to 255 */
#define DWORK_VERSION_STRING "0.4.0-dev" /* "X.Y.Z", or "X.Y.Z-dev" before X.Y.Z */

/*
 * One number to compare, packed as Linux's KERNEL_VERSION():
 * maj << 16 | min << 8 | pat, each part 0 to 255.  For example
 * DWORK_VERSION >= DWORK_VERSION_CODE(0, 4, 0) in a preprocessor test.
 */
#define DWORK_VERSION_CODE(maj, min, pat)                                  \
	(((maj) << 16) + ((min) << 8) + (pat))
/* The version of these headers as one number (DWORK_VERSION_CODE()). */
#define DWORK_VERSION                                                      \
	DWORK_VERSION_CODE(DWORK_VERSION_MAJOR, DWORK_VERSION_MINOR,      \
			   DWORK_VERSION_PATCH)

#if DWORK_VERSION_MINOR > 255 || DWORK_VERSION_PATCH > 255
#error "DWORK_VERSION_CODE packs minor and patch into 8 bits each"
#endif

#ifdef __cplusplus
}
#endif

#endif /* DWORK_VERSION_H */
