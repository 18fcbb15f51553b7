/* root_halves: the two roots of a split-root format, named (see root_halves.h). */
#include "root_halves.h"

const char *root_half_label(bool upper)
{
	return upper ? "TTBR1 (kernel)" : "TTBR0 (user)";
}

const char *root_half_register(const mmusim_config *cfg, bool upper)
{
	return upper ? "ttbr1" : mmusim_config_root_register(cfg);
}

bool va_in_upper_half(const mmusim_config *cfg, uint64_t va)
{
	return mmusim_config_split_roots(cfg) && (va >> ROOT_SELECT_BIT & 1);
}

bool half_ignores_top_byte(const mmusim_config *cfg, bool upper)
{
	uint64_t v = 0;

	return mmusim_config_cpu_key(cfg, upper ? "tbi1" : "tbi0", &v) && v;
}

bool levels_numbered_from_root(const mmusim_config *cfg)
{
	return mmusim_config_split_roots(cfg);
}

bool halves_differ(const mmusim_config *cfg)
{
	return mmusim_config_split_roots(cfg) &&
	       mmusim_config_half_va_bits(cfg, false) != mmusim_config_half_va_bits(cfg, true);
}

unsigned deepest_half_levels(const mmusim_config *cfg)
{
	unsigned lower = mmusim_config_half_levels(cfg, false), upper = mmusim_config_half_levels(cfg, true);

	return lower > upper ? lower : upper;
}
