/*
 * x86_core_regs: CR0 and CR4 from a core (see x86_core_regs.h).  Bits per the
 * Intel SDM vol. 3 2.5: CR0.WP bit 16; CR4.PSE bit 4, PAE 5, LA57 12, SMEP 20, SMAP 21,
 * PKE 22.
 * The paging mode is the config's (its levels size the TLBs and walk caches), so
 * a CR4.LA57 that disagrees is refused with the preset to use, not followed.
 */
#include "x86_core_regs.h"

#include <inttypes.h>

#define CR0_WP (1ull << 16)
#define CR4_PSE (1ull << 4)
#define CR4_PAE (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)
#define CR4_PKE (1ull << 22)

static int cr0_decode(uint64_t cr0, struct paging_consts *pc, struct cpu_ctl *ctl, struct mm_error *err)
{
	(void)pc;
	(void)err;
	ctl->wp = cr0 & CR0_WP;
	return MM_OK;
}

static int cr4_decode(uint64_t cr4, struct paging_consts *pc, struct cpu_ctl *ctl, struct mm_error *err)
{
	unsigned levels = cr4 & CR4_LA57 ? 5 : 4;

	if (pc->nr_levels != levels)
		return mm_error_set(err, MM_EINVAL,
				    "CR4 0x%" PRIx64 ": LA57 = %u, %u-level paging, but the config walks %u levels (use %s)",
				    cr4, levels == 5, levels, pc->nr_levels, levels == 5 ? "x86_64_la57" : "x86_64");
	ctl->smep = cr4 & CR4_SMEP;
	ctl->smap = cr4 & CR4_SMAP;
	ctl->pke = cr4 & CR4_PKE;
	return MM_OK;
}

/* 32-bit paging (SDM 4.3): CR4.PAE = 0, PSE enabling 4 MiB pages; PAE paging is not modelled. */
static int cr4_32_decode(uint64_t cr4, struct paging_consts *pc, struct cpu_ctl *ctl, struct mm_error *err)
{
	(void)pc;
	if (cr4 & CR4_PAE)
		return mm_error_set(err, MM_EINVAL,
				    "CR4 0x%" PRIx64 ": PAE = 1, PAE paging (8-byte entries, 3 levels), which mmusim "
				    "does not model: x86_32 is 32-bit paging (CR4.PAE = 0)", cr4);
	ctl->pse = cr4 & CR4_PSE;
	ctl->smep = cr4 & CR4_SMEP;
	ctl->smap = cr4 & CR4_SMAP;
	return MM_OK;
}

const struct ctl_reg x86_32_core_regs[] = {
	{ "cr0", NULL, cr0_decode },
	{ "cr4", NULL, cr4_32_decode },
	{ NULL, NULL, NULL },
};

const struct ctl_reg x86_64_core_regs[] = {
	{ "cr0", NULL, cr0_decode },
	{ "cr4", NULL, cr4_decode },
	{ NULL, NULL, NULL },
};
