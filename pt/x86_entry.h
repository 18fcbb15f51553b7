/*
 * x86_entry: what the low bits of an x86 paging entry mean, the same in
 * 32-bit and 64-bit paging (SDM vol. 3 tables 4-4..4-10 and 4-15..4-20):
 * R/W, U/S, A, D, G, the AVL bits and the cache policy.  The formats differ
 * only in the address fields, XD and the reserved bits, which stay in their
 * own files.
 *
 * Cache policy: the PAT index is PAT<<2 | PCD<<1 | PWT; mmusim assumes the
 * PAT layout Linux programs: 0 WB, 1 WC, 2 UC-, 3 UC, 4 WB, 5 WP, 6 UC-, 7 WT.
 */
#ifndef MMUSIM_PT_X86_ENTRY_H
#define MMUSIM_PT_X86_ENTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "page_prop.h"
#include "x86_64_bits.h"

/* The PROP_* flags whose bits both formats share, and those bits (readability and XD are the format's). */
static const struct { uint32_t prop; uint64_t bit; } x86_entry_flag_bits[] = {
	{ PROP_W, X86_RW }, { PROP_U, X86_US }, { PROP_G, X86_G }, { PROP_A, X86_A },
	{ PROP_D, X86_D }, { PROP_AVAIL1, X86_AVL9 }, { PROP_AVAIL2, X86_AVL10 },
};
#define X86_NR_ENTRY_FLAGS (sizeof(x86_entry_flag_bits) / sizeof(x86_entry_flag_bits[0]))

/* The table above, read from PTE bits to PROP_* flags or the other way. */
static inline uint64_t x86_entry_flag_map(uint64_t in, bool to_bits)
{
	uint64_t out = 0;

	for (size_t i = 0; i < X86_NR_ENTRY_FLAGS; i++)
		if (in & (to_bits ? x86_entry_flag_bits[i].prop : x86_entry_flag_bits[i].bit))
			out |= to_bits ? x86_entry_flag_bits[i].bit : x86_entry_flag_bits[i].prop;
	return out;
}

/* PROP_* of the shared flag bits of a leaf. */
static inline uint32_t x86_entry_flags(uint64_t pte)
{
	return (uint32_t)x86_entry_flag_map(pte, false);
}

/* The shared flag bits of a leaf with the PROP_* flags `f`. */
static inline uint64_t x86_entry_bits(uint32_t f)
{
	return x86_entry_flag_map(f, true);
}

/*
 * What an entry's R/W and U/S leave of `upper` (rights combine over every
 * level); G is ignored in paging-structure entries, only the leaf's counts.
 */
static inline unsigned x86_entry_rights(uint64_t pte, bool leaf, unsigned upper)
{
	/* R/W is bit 1 like PERM_W, U/S bit 2 one below PERM_U: a clear bit clears the right. */
	_Static_assert(PERM_W == X86_RW && PERM_U == X86_US << 1, "PERM_W/PERM_U vs R/W and U/S");
	unsigned p = upper & ~((unsigned)(~pte & X86_RW) | (unsigned)(~pte & X86_US) << 1);

	if (leaf && (pte & X86_G))
		p |= PERM_G;
	return p;
}

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
