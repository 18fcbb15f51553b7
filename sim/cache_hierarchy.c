/*
 * cache_hierarchy: per-CPU L1D and L2, a shared LLC, then memory (see
 * cache_hierarchy.h for the inclusion policy and the cost model).
 */
#include "cache_hierarchy.h"

#include <stdlib.h>

struct cache_cpu {
	struct cache *level[CACHE_LLC];       /* L1D, L2; NULL when absent */
	struct cache_cpu *next;               /* the hierarchy's list, for totals and teardown */
};

struct cache_hierarchy {
	struct cache_hierarchy_config cfg;
	unsigned memory_latency;
	struct cache *llc;                    /* NULL when absent */
	struct cache_cpu *cpus;
	struct cache_hierarchy_stats stats;
};

const char *cache_level_name(enum cache_level level)
{
	static const char *const names[] = { "l1d", "l2", "llc", "memory" };

	return level <= CACHE_MEMORY ? names[level] : "?";
}

struct cache_hierarchy *cache_hierarchy_create(const struct cache_hierarchy_config *cfg, unsigned memory_latency,
					       struct mm_error *err)
{
	struct cache_hierarchy *h = calloc(1, sizeof(*h));

	if (!h) {
		mm_error_set(err, MM_ENOMEM, "out of host memory");
		return NULL;
	}
	h->cfg = *cfg;
	h->memory_latency = memory_latency;
	if (cfg->present[CACHE_LLC] && !(h->llc = cache_create(&cfg->level[CACHE_LLC], cfg->line_shift, err))) {
		free(h);
		return NULL;
	}
	return h;
}

void cache_hierarchy_destroy(struct cache_hierarchy *h)
{
	if (!h)
		return;
	while (h->cpus) {
		struct cache_cpu *c = h->cpus;
		h->cpus = c->next;
		for (unsigned i = 0; i < CACHE_LLC; i++)
			cache_destroy(c->level[i]);
		free(c);
	}
	cache_destroy(h->llc);
	free(h);
}

uint64_t cache_hierarchy_cpu_bytes(const struct cache_hierarchy_config *cfg)
{
	uint64_t bytes = 0;

	for (unsigned i = 0; cfg->on && i < CACHE_LLC; i++)
		if (cfg->present[i])
			bytes += cache_bytes(&cfg->level[i]);
	return bytes;
}

struct cache_cpu *cache_hierarchy_add_cpu(struct cache_hierarchy *h, struct mm_error *err)
{
	struct cache_cpu *c = calloc(1, sizeof(*c));

	if (!c) {
		mm_error_set(err, MM_ENOMEM, "out of host memory");
		return NULL;
	}
	for (unsigned i = 0; i < CACHE_LLC; i++) {
		if (h->cfg.present[i] && !(c->level[i] = cache_create(&h->cfg.level[i], h->cfg.line_shift, err))) {
			for (unsigned j = 0; j < i; j++)
				cache_destroy(c->level[j]);
			free(c);
			return NULL;
		}
	}
	c->next = h->cpus;
	h->cpus = c;
	return c;
}

static struct cache *level_cache(const struct cache_hierarchy *h, const struct cache_cpu *cpu, unsigned level)
{
	return level == CACHE_LLC ? h->llc : cpu->level[level];
}

unsigned cache_hierarchy_load(struct cache_hierarchy *h, struct cache_cpu *cpu, uint64_t pa, enum cache_level *where)
{
	for (unsigned level = 0; level < CACHE_LEVELS; level++) {
		struct cache *c = level_cache(h, cpu, level);
		/* A miss fills at once: the same as filling on the way back, since nothing else runs meanwhile. */
		if (c && cache_access(c, pa, true)) {
			*where = (enum cache_level)level;
			return h->cfg.level[level].latency;
		}
	}
	*where = CACHE_MEMORY;
	return h->memory_latency;
}

uint64_t cache_hierarchy_walk(struct cache_hierarchy *h, struct cache_cpu *cpu, const struct walk_result *res,
			      enum cache_level *where_out)
{
	uint64_t cycles = 0;

	for (unsigned i = 0; i < res->nr_steps; i++) {
		enum cache_level where;
		cycles += cache_hierarchy_load(h, cpu, res->steps[i].pte_addr, &where);
		h->stats.pte_found[res->steps[i].level][where]++;
		if (where_out)
			where_out[i] = where;
	}
	h->stats.pte_cycles += cycles;
	return cycles;
}

uint64_t cache_hierarchy_nested_walk(struct cache_hierarchy *h, struct cache_cpu *cpu, const struct nested_read *reads,
				     unsigned nr, enum cache_level *where_out)
{
	uint64_t cycles = 0;

	for (unsigned i = 0; i < nr; i++) {
		enum cache_level where;
		cycles += cache_hierarchy_load(h, cpu, reads[i].hpa, &where);
		if (reads[i].stage2)
			h->stats.stage2_found[reads[i].level][where]++;
		else
			h->stats.pte_found[reads[i].level][where]++;
		if (where_out)
			where_out[i] = where;
	}
	h->stats.pte_cycles += cycles;
	return cycles;
}

void cache_hierarchy_data(struct cache_hierarchy *h, struct cache_cpu *cpu, uint64_t pa)
{
	enum cache_level where;

	h->stats.data_cycles += cache_hierarchy_load(h, cpu, pa, &where);
	h->stats.data_found[where]++;
}

const struct cache_hierarchy_config *cache_hierarchy_config(const struct cache_hierarchy *h)
{
	return &h->cfg;
}

const struct cache_hierarchy_stats *cache_hierarchy_stats(const struct cache_hierarchy *h)
{
	return &h->stats;
}

void cache_hierarchy_totals(const struct cache_hierarchy *h, enum cache_level level, struct cache_stats *out)
{
	*out = (struct cache_stats){ 0 };
	if (level == CACHE_LLC) {
		if (h->llc)
			*out = *cache_stats(h->llc);
		return;
	}
	for (const struct cache_cpu *c = h->cpus; c; c = c->next) {
		if (!c->level[level])
			continue;
		const struct cache_stats *s = cache_stats(c->level[level]);
		out->hits += s->hits;
		out->misses += s->misses;
		out->evictions += s->evictions;
	}
}

void cache_hierarchy_stats_reset(struct cache_hierarchy *h)
{
	h->stats = (struct cache_hierarchy_stats){ 0 };
	if (h->llc)
		cache_stats_reset(h->llc);
	for (struct cache_cpu *c = h->cpus; c; c = c->next)
		for (unsigned i = 0; i < CACHE_LLC; i++)
			if (c->level[i])
				cache_stats_reset(c->level[i]);
}
