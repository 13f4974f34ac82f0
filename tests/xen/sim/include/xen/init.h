/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef SIM_XEN_INIT_H
#define SIM_XEN_INIT_H
#endif
