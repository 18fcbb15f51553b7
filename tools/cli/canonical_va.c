/* canonical_va: a VA's canonical 64-bit form (see canonical_va.h). */
#include "canonical_va.h"

uint64_t canonical_va(const mmusim_config *cfg, uint64_t va)
{
	unsigned bits = mmusim_config_va_bits(cfg);

	if (bits >= 64)
		return va;
	if (mmusim_config_va_sign_extended(cfg) && (va >> (bits - 1)) & 1)
		return va | ~0ull << bits;
	return va & ~(~0ull << bits);
}

/* The bits above one half's VA size: ~0 << its va_bits (none at 64). */
static uint64_t above_half(const mmusim_config *cfg, bool upper)
{
	unsigned bits = mmusim_config_half_va_bits(cfg, upper);

	return bits >= 64 ? 0 : ~0ull << bits;
}

uint64_t upper_half_start(const mmusim_config *cfg)
{
	return above_half(cfg, true);
}

uint64_t lower_half_end(const mmusim_config *cfg)
{
	return ~above_half(cfg, false);
}

uint64_t canonical_va_in_half(const mmusim_config *cfg, uint64_t va, bool upper)
{
	if (!mmusim_config_split_roots(cfg))
		return canonical_va(cfg, va);
	return upper ? va | above_half(cfg, true) : va & ~above_half(cfg, false);
}
