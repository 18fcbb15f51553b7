/*
 * cache: one set-associative data cache of physical lines (an L1D, an L2, an
 * LLC), with LRU, FIFO or random replacement and hit / miss / eviction
 * counts.  It models tags only: the data stays in simulated memory.
 *
 * A line's set is (pa >> line_shift) & (sets - 1).  An access that misses
 * fills the line (the caller decides which levels fill, see
 * cache_hierarchy.h); it goes to an invalid way first, else to the victim the
 * policy picks, and replacing a valid line counts as an eviction.  LRU
 * refreshes a line on every hit; FIFO only on its fill; random draws a way
 * from a seeded xorshift64, so a run repeats.
 */
#ifndef MMUSIM_SIM_CACHE_H
#define MMUSIM_SIM_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "pt/mm_error.h"
#include "sim/tlb.h"

struct cache_config {
	unsigned sets;               /* a power of two */
	unsigned ways;               /* at least 1 */
	unsigned latency;            /* cycles of a load served by this level (load-to-use) */
	enum tlb_replacement replacement;
	uint64_t seed;               /* for REPL_RANDOM; 0 is taken as 1 */
};

struct cache_stats {
	uint64_t hits, misses, evictions;
};

struct cache;

/* Host bytes a cache of cfg's geometry takes. */
uint64_t cache_bytes(const struct cache_config *cfg);

/* A cache of cfg's geometry with lines of 2^line_shift bytes; NULL with err set when out of host memory. */
struct cache *cache_create(const struct cache_config *cfg, unsigned line_shift, struct mm_error *err);
void cache_destroy(struct cache *c);

/* Looks pa's line up and counts a hit or a miss; with fill, a miss brings the line in. */
bool cache_access(struct cache *c, uint64_t pa, bool fill);
/* Whether pa's line is present; counts nothing and changes no state. */
bool cache_holds(const struct cache *c, uint64_t pa);

const struct cache_stats *cache_stats(const struct cache *c);
void cache_stats_reset(struct cache *c);

#endif
