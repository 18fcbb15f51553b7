/*
 * paging_consts: validation of the paging constants and canonical-address
 * arithmetic (Intel SDM vol. 3 4.1.1 "canonical"; RISC-V privileged spec, Sv39:
 * "bits 63-39 must all equal bit 38").
 */
#include "paging_consts.h"

static bool is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

static unsigned log2u(uint64_t x)
{
	return (unsigned)(63 - __builtin_clzll(x));
}

/* The levels a table of `width`-bit VAs needs (0 when none fits). */
static unsigned levels_for(const struct paging_consts *pc, unsigned width)
{
	if (width <= pc->page_shift + pc->wide_top_bits)
		return 0;
	/* A wide top indexes its extra bits itself. */
	width -= pc->wide_top_bits;
	if (pc->partial_top)
		return (width - pc->page_shift + pc->index_bits - 1) / pc->index_bits;
	return (width - pc->page_shift) % pc->index_bits ? 0 : (width - pc->page_shift) / pc->index_bits;
}

/* half_width and the upper half's table, from upper_address_width (0: the lower's size). */
static int derive_upper_half(struct paging_consts *pc, struct mm_error *err)
{
	unsigned width = pc->upper_address_width ? pc->upper_address_width : pc->address_width;
	/* One table, or halves of one size: the config's levels (a stage 2's start level is its choice). */
	unsigned levels = width == pc->address_width ? pc->nr_levels : levels_for(pc, width);

	if (!pc->split_halves && width != pc->address_width)
		return mm_error_set(err, MM_EINVAL,
				    "upper_address_width: the format has one table for both halves (address_width)");
	if (width > 64)
		return mm_error_set(err, MM_EINVAL, "upper_address_width %u exceeds 64", width);
	if (levels < 1)
		return mm_error_set(err, MM_EINVAL,
				    "upper_address_width %u leaves no index bits above the %u offset bits%s", width,
				    pc->page_shift, pc->partial_top ? "" : " (or not a whole number of levels)");
	if (levels > PT_MAX_LEVELS)
		return mm_error_set(err, MM_EINVAL,
				    "upper_address_width %u needs %u levels of %u index bits above %u offset bits, more than %d",
				    width, levels, pc->index_bits, pc->page_shift, PT_MAX_LEVELS);
	pc->half_width[0] = pc->address_width;
	pc->half_width[1] = width;
	pc->upper_nr_levels = levels;
	pc->upper_top_entries = width == pc->address_width ? pc->top_entries
				: 1u << (width - pc->page_shift - (levels - 1) * pc->index_bits);
	return MM_OK;
}

void pc_half(const struct paging_consts *pc, bool upper, struct paging_consts *out)
{
	*out = *pc;
	if (!upper)
		return;
	out->address_width = pc->half_width[1];
	out->nr_levels = pc->upper_nr_levels;
	out->top_entries = pc->upper_top_entries;
	if (out->highest_translation_level > out->nr_levels)
		out->highest_translation_level = out->nr_levels;
}

int paging_consts_derive(struct paging_consts *pc, struct mm_error *err)
{
	if (!is_pow2(pc->base_page_size) || pc->base_page_size < 32)
		return mm_error_set(err, MM_EINVAL,
				    "base_page_size %llu is not a power of two >= 32",
				    (unsigned long long)pc->base_page_size);
	if (pc->base_page_size > (1ull << 30))
		return mm_error_set(err, MM_EINVAL, "base_page_size %llu exceeds 1 GiB",
				    (unsigned long long)pc->base_page_size);
	if (pc->pte_size != 1 && pc->pte_size != 2 && pc->pte_size != 4 && pc->pte_size != 8)
		return mm_error_set(err, MM_EINVAL, "pte_size %u must be 1, 2, 4 or 8", pc->pte_size);
	if (pc->pte_size >= pc->base_page_size)
		return mm_error_set(err, MM_EINVAL, "pte_size must be smaller than base_page_size");
	if (pc->nr_levels < 1 || pc->nr_levels > PT_MAX_LEVELS)
		return mm_error_set(err, MM_EINVAL, "nr_levels %u must be between 1 and %d",
				    pc->nr_levels, PT_MAX_LEVELS);
	pc->page_shift = log2u(pc->base_page_size);
	pc->nr_entries = (unsigned)(pc->base_page_size / pc->pte_size);
	pc->index_bits = log2u(pc->nr_entries);
	if (pc->partial_top) {
		unsigned below = pc->index_bits * (pc->nr_levels - 1) + pc->page_shift;
		unsigned node_top = below + pc->index_bits;
		bool misfit = pc->address_width <= below || pc->address_width > node_top + pc->concat_top_bits;

		if (misfit && pc->concat_top_bits)
			return mm_error_set(err, MM_EINVAL,
					    "address_width %u needs other than %u levels of %u index bits above %u offset bits "
					    "(the top level resolves 1 to %u bits: up to %u concatenated tables)",
					    pc->address_width, pc->nr_levels, pc->index_bits, pc->page_shift,
					    pc->index_bits + pc->concat_top_bits, 1u << pc->concat_top_bits);
		if (misfit)
			return mm_error_set(err, MM_EINVAL,
					    "address_width %u needs other than %u levels of %u index bits above %u offset bits",
					    pc->address_width, pc->nr_levels, pc->index_bits, pc->page_shift);
		/* Concatenated tables: the bits beyond one node's. */
		pc->wide_top_bits = pc->address_width > node_top ? pc->address_width - node_top : 0;
		pc->top_entries = 1u << (pc->address_width - below);
	} else if (pc->wide_top_bits) {
		if (pc->wide_top_bits >= 32 - pc->index_bits ||
		    pc->index_bits * pc->nr_levels + pc->page_shift + pc->wide_top_bits != pc->address_width)
			return mm_error_set(err, MM_EINVAL,
					    "address_width %u != nr_levels %u x index bits %u + offset bits %u + %u root bits",
					    pc->address_width, pc->nr_levels, pc->index_bits, pc->page_shift,
					    pc->wide_top_bits);
		pc->top_entries = pc->nr_entries << pc->wide_top_bits;
	} else {
		if (pc->index_bits * pc->nr_levels + pc->page_shift != pc->address_width)
			return mm_error_set(err, MM_EINVAL,
					    "address_width %u != nr_levels %u x index bits %u + offset bits %u",
					    pc->address_width, pc->nr_levels, pc->index_bits,
					    pc->page_shift);
		pc->top_entries = pc->nr_entries;
	}
	if (pc->address_width > 64)
		return mm_error_set(err, MM_EINVAL, "address_width %u exceeds 64", pc->address_width);
	if (derive_upper_half(pc, err))
		return MM_EINVAL;
	if (pc->highest_translation_level < 1 || pc->highest_translation_level > pc->nr_levels)
		return mm_error_set(err, MM_EINVAL,
				    "highest_translation_level %u must be between 1 and nr_levels %u",
				    pc->highest_translation_level, pc->nr_levels);
	if (pc->phys_addr_width < pc->page_shift + 1 || pc->phys_addr_width > 64)
		return mm_error_set(err, MM_EINVAL, "phys_addr_width %u must be between %u and 64",
				    pc->phys_addr_width, pc->page_shift + 1);
	return MM_OK;
}
