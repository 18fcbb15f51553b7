/*
 * x86_pat: cache policy in x86 paging entries, shared by 32-bit and 64-bit
 * paging.  The PAT index is PAT<<2 | PCD<<1 | PWT; mmusim assumes the PAT
 * layout Linux programs: 0 WB, 1 WC, 2 UC-, 3 UC, 4 WB, 5 WP, 6 UC-, 7 WT.
 */
#ifndef MMUSIM_PT_X86_PAT_H
#define MMUSIM_PT_X86_PAT_H

#include "page_prop.h"
#include "x86_64_bits.h"

/* The PWT/PCD/PAT bits that select policy c in a leaf at `level`. */
static inline uint64_t x86_cache_bits(enum cache_policy c, unsigned level)
{
	uint64_t pat = x86_pat_bit(level);

	switch (c) {
	case CACHE_WC: return X86_PWT;
	case CACHE_UC: return X86_PCD | X86_PWT;
	case CACHE_WP: return pat | X86_PWT;
	case CACHE_WT: return pat | X86_PCD | X86_PWT;
	case CACHE_WB: default: return 0;
	}
}

/* The policy a leaf at `level` selects. */
static inline enum cache_policy x86_cache_of(uint64_t pte, unsigned level)
{
	unsigned idx = ((pte & x86_pat_bit(level)) ? 4u : 0u) | ((pte & X86_PCD) ? 2u : 0u) |
		       ((pte & X86_PWT) ? 1u : 0u);
	static const enum cache_policy pat[8] = {
		CACHE_WB, CACHE_WC, CACHE_UC, CACHE_UC, CACHE_WB, CACHE_WP, CACHE_UC, CACHE_WT,
	};
	return pat[idx];
}

#endif
