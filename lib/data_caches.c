/*
 * The data-cache statistics of the public API (mmusim_mmu_data_cache_stats):
 * sim/cache_hierarchy.h's counters in the header's terms.
 */
#include "api.h"

#include <string.h>

#include "sim/cache_hierarchy.h"

_Static_assert((int)MMUSIM_DATA_CACHES == (int)CACHE_LEVELS && (int)MMUSIM_DATA_WHERE == (int)CACHE_MEMORY + 1,
	       "the API's where-indexes are enum cache_level's");
_Static_assert(MMUSIM_MAX_LEVELS == PT_MAX_LEVELS, "pte_found has a row per PTE level");

bool mmusim_mmu_data_cache_stats(const mmusim_mmu *mmu, mmusim_data_cache_stats *out)
{
	const struct cache_hierarchy *h = mmu->replay.mmu.caches;

	memset(out, 0, sizeof(*out));
	if (!h)
		return false;
	const struct cache_hierarchy_config *cfg = cache_hierarchy_config(h);
	const struct cache_hierarchy_stats *s = cache_hierarchy_stats(h);
	for (unsigned level = 0; level < CACHE_LEVELS; level++) {
		struct cache_stats t;
		cache_hierarchy_totals(h, (enum cache_level)level, &t);
		out->cache[level].name = cache_level_name((enum cache_level)level);
		out->cache[level].present = cfg->present[level];
		out->cache[level].sets = cfg->level[level].sets;
		out->cache[level].ways = cfg->level[level].ways;
		out->cache[level].latency = cfg->level[level].latency;
		out->cache[level].hits = t.hits;
		out->cache[level].misses = t.misses;
		out->cache[level].evictions = t.evictions;
	}
	out->line = 1u << cfg->line_shift;
	out->memory_latency = mmu->replay.m->cfg.memory_latency;
	memcpy(out->pte_found, s->pte_found, sizeof(out->pte_found));
	memcpy(out->stage2_found, s->stage2_found, sizeof(out->stage2_found));
	out->pte_cycles = s->pte_cycles;
	out->data = cfg->data;
	memcpy(out->data_found, s->data_found, sizeof(out->data_found));
	out->data_cycles = s->data_cycles;
	return true;
}
