/*
 * cache: a set-associative cache of physical lines (see cache.h).
 *
 * Each way keeps its line number (pa >> line_shift, so 0 is a real line and
 * validity is a separate flag) and a stamp: the access count at its last use
 * (LRU) or at its fill (FIFO).  The victim is the way with the smallest
 * stamp; a set has few ways, so a scan beats keeping a list in order.
 */
#include "cache.h"

#include <stdlib.h>

#include "sim/xorshift.h"

struct cache_way {
	uint64_t line;
	uint64_t stamp;
	bool valid;
};

struct cache {
	struct cache_config cfg;
	unsigned line_shift;
	uint64_t clock;              /* stamps, one tick per access */
	uint64_t rng;
	struct cache_stats stats;
	struct cache_way way[];      /* sets * ways, set by set */
};

uint64_t cache_bytes(const struct cache_config *cfg)
{
	return sizeof(struct cache) + (uint64_t)cfg->sets * cfg->ways * sizeof(struct cache_way);
}

struct cache *cache_create(const struct cache_config *cfg, unsigned line_shift, struct mm_error *err)
{
	size_t n = (size_t)cfg->sets * cfg->ways;
	struct cache *c = calloc(1, sizeof(*c) + n * sizeof(struct cache_way));

	if (!c) {
		mm_error_set(err, MM_ENOMEM, "out of host memory for a %u x %u-way cache", cfg->sets, cfg->ways);
		return NULL;
	}
	c->cfg = *cfg;
	c->line_shift = line_shift;
	c->rng = cfg->seed ? cfg->seed : 1;
	return c;
}

void cache_destroy(struct cache *c)
{
	free(c);
}

static struct cache_way *set_of(const struct cache *c, uint64_t line)
{
	return (struct cache_way *)&c->way[(line & (c->cfg.sets - 1)) * c->cfg.ways];
}

static struct cache_way *victim(struct cache *c, struct cache_way *set)
{
	struct cache_way *v = &set[0];

	for (unsigned w = 0; w < c->cfg.ways; w++)
		if (!set[w].valid)
			return &set[w];
	if (c->cfg.replacement == REPL_RANDOM)
		return &set[xorshift64(&c->rng) % c->cfg.ways];
	for (unsigned w = 1; w < c->cfg.ways; w++)
		if (set[w].stamp < v->stamp)
			v = &set[w];
	return v;
}

bool cache_access(struct cache *c, uint64_t pa, bool fill)
{
	uint64_t line = pa >> c->line_shift;
	struct cache_way *set = set_of(c, line);

	c->clock++;
	for (unsigned w = 0; w < c->cfg.ways; w++) {
		if (set[w].valid && set[w].line == line) {
			if (c->cfg.replacement == REPL_LRU)
				set[w].stamp = c->clock;
			c->stats.hits++;
			return true;
		}
	}
	c->stats.misses++;
	if (fill) {
		struct cache_way *v = victim(c, set);
		c->stats.evictions += v->valid;
		*v = (struct cache_way){ .line = line, .stamp = c->clock, .valid = true };
	}
	return false;
}

bool cache_holds(const struct cache *c, uint64_t pa)
{
	uint64_t line = pa >> c->line_shift;
	const struct cache_way *set = set_of(c, line);

	for (unsigned w = 0; w < c->cfg.ways; w++)
		if (set[w].valid && set[w].line == line)
			return true;
	return false;
}

const struct cache_stats *cache_stats(const struct cache *c)
{
	return &c->stats;
}

void cache_stats_reset(struct cache *c)
{
	c->stats = (struct cache_stats){ 0 };
}
