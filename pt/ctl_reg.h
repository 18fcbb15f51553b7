/*
 * ctl_reg: a control register of a format as one 64-bit value — what the CPU
 * would hold for a config's paging constants and cpu: bits, and back.
 *
 * The per-format list (pt_arch.ctl_regs, ending with a NULL name) is what
 * `mmusim dump --elf` records in its register notes and what `--image` reads
 * back (from those notes, or from the command line: `--tcr`).  A format whose
 * configuration fits in its root register alone (x86, RISC-V) has no list.
 */
#ifndef MMUSIM_PT_CTL_REG_H
#define MMUSIM_PT_CTL_REG_H

#include <stdint.h>

#include "cpu_ctl.h"
#include "mm_error.h"
#include "paging_consts.h"

struct ctl_reg {
	const char *name;    /* as the command line and the ELF note name it: "tcr" */
	/* The value the config describes. */
	uint64_t (*encode)(const struct paging_consts *pc, const struct cpu_ctl *ctl);
	/*
	 * Stores what the value says into pc (configured fields only: the caller
	 * derives and checks them again) and ctl; MM_EINVAL with a message for a
	 * value mmusim does not model, leaving pc and ctl unchanged.
	 */
	int (*decode)(uint64_t value, struct paging_consts *pc, struct cpu_ctl *ctl, struct mm_error *err);
};

/* The register `name` of the list `regs` (NULL, or ends with a NULL name), or NULL. */
const struct ctl_reg *ctl_reg_find(const struct ctl_reg *regs, const char *name);

#endif
