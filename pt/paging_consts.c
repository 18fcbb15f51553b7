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

int paging_consts_derive(struct paging_consts *pc, struct mm_error *err)
{
	if (!is_pow2(pc->base_page_size) || pc->base_page_size < 64)
		return mm_error_set(err, MM_EINVAL,
				    "base_page_size %llu is not a power of two >= 64",
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

		if (pc->address_width <= below || pc->address_width > below + pc->index_bits)
			return mm_error_set(err, MM_EINVAL,
					    "address_width %u needs other than %u levels of %u index bits above %u offset bits",
					    pc->address_width, pc->nr_levels, pc->index_bits, pc->page_shift);
		pc->top_entries = 1u << (pc->address_width - below);
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
	if (pc->highest_translation_level < 1 || pc->highest_translation_level > pc->nr_levels)
		return mm_error_set(err, MM_EINVAL,
				    "highest_translation_level %u must be between 1 and nr_levels %u",
				    pc->highest_translation_level, pc->nr_levels);
	if (pc->phys_addr_width < pc->page_shift + 1 || pc->phys_addr_width > 64)
		return mm_error_set(err, MM_EINVAL, "phys_addr_width %u must be between %u and 64",
				    pc->phys_addr_width, pc->page_shift + 1);
	return MM_OK;
}
