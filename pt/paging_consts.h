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
	 * Set by the format (pt_geometry.wide_top_bits), not the config: the top
	 * level indexes this many bits more than a node holds, so the root spans
	 * 2^wide_top_bits consecutive frames, aligned to its size (RISC-V
	 * Sv39x4: a 16 KiB root of 2048 entries), and address_width =
	 * nr_levels x index_bits + page offset + wide_top_bits.  0: none.
	 */
	unsigned wide_top_bits;
	/*
	 * Set by the format (pt_geometry.concat_top_bits), not the config: with
	 * partial_top, the top level may also index up to this many bits more
	 * than a node, as 2^n concatenated tables (Arm stage 2, up to 16); the
	 * config's nr_levels then says where the walk starts, and
	 * paging_consts_derive sets wide_top_bits to the bits it uses.
	 */
	unsigned concat_top_bits;
	/*
	 * Set by the format (pt_geometry.split_roots): each VA half has a table
	 * of its own, address_width bits wide (Arm TTBR0 [0, 2^aw), TTBR1
	 * [2^64 - 2^aw, 2^64)), so a VA is canonical over address_width + 1 bits.
	 */
	bool split_halves;
	/*
	 * split_halves only: the upper half's VA size when it differs from the
	 * lower's (Arm 64 - T1SZ beside address_width = 64 - T0SZ); 0 for the
	 * same.  Its table then has the levels and top width that size needs.
	 */
	unsigned upper_address_width;
	/* derived by paging_consts_derive() */
	unsigned page_shift;
	unsigned index_bits;
	unsigned nr_entries;
	unsigned top_entries;   /* entries the top level indexes: nr_entries unless partial_top or wide_top_bits */
	/*
	 * The VA size of the lower and the upper half (both address_width unless
	 * split_halves with an upper_address_width), in every half's copy
	 * (pc_half), so that canonical checks hold for either half's VAs.
	 */
	unsigned half_width[2];
	unsigned upper_nr_levels;    /* the upper half's table (a one-table format's own): levels ... */
	unsigned upper_top_entries;  /* ... and entries its top level indexes */
	/* a format described by data (toy) only; last, so positional initializers above stay valid */
	struct pte_layout layout;
	/*
	 * Set by the machine, not the config: these are the constants of a
	 * split-root format's upper half's table (TTBR1), for what is asked of
	 * a table without a VA (entry_perms: which TCR.HPDn applies).
	 */
	bool upper_half_table;
};

/*
 * Checks the configured fields (powers of two, widths adding up, level ranges)
 * and fills the derived ones.  Returns MM_OK or MM_EINVAL with a message.
 */
int paging_consts_derive(struct paging_consts *pc, struct mm_error *err);

/*
 * The constants of one half's table: pc itself for the lower half (and on
 * formats with one table), for the upper half its own VA size, levels and top
 * width, the largest leaf level capped at its levels.
 */
void pc_half(const struct paging_consts *pc, bool upper, struct paging_consts *out);

/* Bytes mapped by one entry at `level` (1 = base page). */
static inline uint64_t pc_page_size(const struct paging_consts *pc, unsigned level)
{
	return pc->base_page_size << ((level - 1) * pc->index_bits);
}

/* Entries a level-`level` node indexes (fewer at a partial top, more at a wide one). */
static inline unsigned pc_entries(const struct paging_consts *pc, unsigned level)
{
	return level == pc->nr_levels ? pc->top_entries : pc->nr_entries;
}

/* Frames the root spans: 1, or 2^wide_top_bits for a wide top (allocated and freed as one run). */
static inline unsigned pc_root_frames(const struct paging_consts *pc)
{
	return 1u << pc->wide_top_bits;
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

/*
 * Sign-extends (or truncates) a VA to its canonical 64-bit form.  With
 * split_halves a VA is canonical over its half's width + 1 bits (bit 63 picks
 * the half: Arm TTBR0 [0, 2^w0), TTBR1 [2^64 - 2^w1, 2^64)).
 */
static inline uint64_t pc_va_canonicalize(const struct paging_consts *pc, uint64_t va)
{
	unsigned aw = pc->half_width[va >> 63] + pc->split_halves;

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

/* True when `va` lies in the upper half's table (split_halves). */
static inline bool pc_va_upper(const struct paging_consts *pc, uint64_t va)
{
	return pc->split_halves && (va >> 63);
}

#endif
