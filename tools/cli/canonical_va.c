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

uint64_t upper_half_start(const mmusim_config *cfg)
{
	unsigned bits = mmusim_config_va_bits(cfg);

	return bits >= 64 ? 0 : ~0ull << bits;
}

uint64_t canonical_va_in_half(const mmusim_config *cfg, uint64_t va, bool upper)
{
	uint64_t high = upper_half_start(cfg);

	if (!mmusim_config_split_roots(cfg))
		return canonical_va(cfg, va);
	return upper ? va | high : va & ~high;
}
