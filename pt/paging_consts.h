/*
 * paging_consts: the numbers that shape a radix page table.
 *
 * A VA of `address_width` bits splits into `nr_levels` index fields of
 * `index_bits` each (level nr_levels at the top, level 1 at the bottom) and a
 * page offset of `page_shift` bits:
 *
 *   | sign ext. | idx L(n) | ... | idx L2 | idx L1 | offset |
 *   63      aw  aw-1                                 shift-1  0
 *
 * A node is one base page holding base_page_size / pte_size entries, so
 * index_bits = log2(base_page_size / pte_size).  A leaf at level L maps
 * base_page_size << ((L-1) * index_bits) bytes.  Levels above
 * highest_translation_level can only hold pointers.
 */
#ifndef MMUSIM_PT_PAGING_CONSTS_H
#define MMUSIM_PT_PAGING_CONSTS_H

#include <stdbool.h>
#include <stdint.h>

#include "mm_error.h"

#define PT_MAX_LEVELS 5

/*
 * A PTE layout given as data, for the toy format (arch_toy.c): the bit
 * position of each flag, -1 when the format has no such bit, and the field
 * holding the frame number (PA >> page_shift).  The fixed formats (x86,
 * RISC-V) keep their layouts in code and leave this zeroed.
 */
struct pte_layout {
	int8_t valid;       /* required */
	int8_t read;        /* absent: every page is readable */
	int8_t write;       /* absent: every page is writable */
	int8_t exec;        /* absent: every page is executable */
	int8_t user;        /* absent: every page is user-accessible */
	int8_t huge;        /* a leaf above level 1 (like x86 PS); absent: leaves only at level 1 */
	int8_t accessed;    /* set by the walk when present */
	int8_t dirty;       /* set by the walk on writes when present */
	uint8_t frame_shift;
	uint8_t frame_width;
};

struct paging_consts {
	/* as configured */
	uint64_t base_page_size;
	unsigned nr_levels;
	unsigned pte_size;
	unsigned address_width;
	bool va_sign_ext;
	unsigned highest_translation_level;
	unsigned phys_addr_width;
	/*
	 * Set by the format (pt_geometry.partial_top), not the config: the top
	 * level may index fewer bits than a node holds (Arm: the VA size picks
	 * the start level), so address_width need only fall within the levels.
	 */
	bool partial_top;
	/*
	 * Set by the format (pt_geometry.split_roots): each VA half has a table
	 * of its own, address_width bits wide (Arm TTBR0 [0, 2^aw), TTBR1
	 * [2^64 - 2^aw, 2^64)), so a VA is canonical over address_width + 1 bits.
	 */
	bool split_halves;
	/* derived by paging_consts_derive() */
	unsigned page_shift;
	unsigned index_bits;
	unsigned nr_entries;
	unsigned top_entries;   /* entries the top level indexes: nr_entries unless partial_top */
	/* a format described by data (toy) only; last, so positional initializers above stay valid */
	struct pte_layout layout;
};

/*
 * Checks the configured fields (powers of two, widths adding up, level ranges)
 * and fills the derived ones.  Returns MM_OK or MM_EINVAL with a message.
 */
int paging_consts_derive(struct paging_consts *pc, struct mm_error *err);

/* Bytes mapped by one entry at `level` (1 = base page). */
static inline uint64_t pc_page_size(const struct paging_consts *pc, unsigned level)
{
	return pc->base_page_size << ((level - 1) * pc->index_bits);
}

/* Entries a level-`level` node indexes (fewer at the top of a partial_top format). */
static inline unsigned pc_entries(const struct paging_consts *pc, unsigned level)
{
	return level == pc->nr_levels ? pc->top_entries : pc->nr_entries;
}

/* The index into a level-`level` node that `va` selects. */
static inline unsigned pc_index(const struct paging_consts *pc, uint64_t va, unsigned level)
{
	unsigned shift = pc->page_shift + (level - 1) * pc->index_bits;
	return (unsigned)((va >> shift) & (pc_entries(pc, level) - 1));
}

/* Lowest VA bit of level `level`'s index field. */
static inline unsigned pc_index_shift(const struct paging_consts *pc, unsigned level)
{
	return pc->page_shift + (level - 1) * pc->index_bits;
}

/* Sign-extends (or truncates) a VA to its canonical 64-bit form. */
static inline uint64_t pc_va_canonicalize(const struct paging_consts *pc, uint64_t va)
{
	unsigned aw = pc->address_width + pc->split_halves;

	if (aw >= 64)
		return va;
	if (pc->va_sign_ext && (va >> (aw - 1)) & 1)
		return va | ~((1ull << aw) - 1);
	return va & ((1ull << aw) - 1);
}

/*
 * True when `va` is canonical: with sign extension, bits 63..address_width-1
 * all equal; without, bits 63..address_width all zero.
 */
static inline bool pc_va_canonical(const struct paging_consts *pc, uint64_t va)
{
	return pc_va_canonicalize(pc, va) == va;
}

/* Size of the whole VA space (2^address_width), saturating at 2^63 for 64. */
static inline uint64_t pc_va_span(const struct paging_consts *pc)
{
	unsigned aw = pc->address_width + pc->split_halves;

	return aw >= 64 ? UINT64_MAX : (1ull << aw);
}

/* True when `va` lies in the upper half's table (split_halves). */
static inline bool pc_va_upper(const struct paging_consts *pc, uint64_t va)
{
	return pc->split_halves && (va >> 63);
}

#endif
