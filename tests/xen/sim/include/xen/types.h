/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef SIM_XEN_TYPES_H
#define SIM_XEN_TYPES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif
