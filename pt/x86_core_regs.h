/*
 * x86_core_regs: CR0 and CR4 as a core records them (QEMU's x86 CPU-state
 * note), read into the config so that a walk over the core is the one its CPU
 * made (pt_arch.core_regs).
 */
#ifndef MMUSIM_PT_X86_CORE_REGS_H
#define MMUSIM_PT_X86_CORE_REGS_H

#include "ctl_reg.h"

/* cr0 (WP) and cr4 (LA57 checked against the config's levels; SMEP, SMAP, PKE). */
extern const struct ctl_reg x86_64_core_regs[];
/* cr0 (WP) and cr4 of 32-bit paging (PAE = 1 refused; PSE, SMEP, SMAP). */
extern const struct ctl_reg x86_32_core_regs[];

#endif
