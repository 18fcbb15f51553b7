/*
 * cache_hierarchy: the data caches the walker's PTE reads (and, with
 * `data: true`, the trace's own loads and stores) go through: a private L1D
 * and L2 per CPU and one LLC shared by all, each optional, then memory.
 *
 * A load probes L1D, L2, LLC in order; the first that holds the line serves
 * it, and every level probed before it counts a miss and fills the line (on
 * the way back).  The hierarchy is non-inclusive and non-exclusive (NINE): a
 * fill goes to every level that missed, and an eviction from one level leaves
 * the others alone, so a line may sit in the L1D after the LLC dropped it.
 * That is the simplest policy that is honest about what it does; real parts
 * differ (Intel client LLCs were inclusive until Skylake-SP, AMD's L3 is a
 * victim cache) and such back-invalidation is not modelled.
 *
 * Cost: a load costs the latency of the level that served it (each level's
 * `latency` is its load-to-use latency, the figure vendors and
 * measurements quote), or memory_latency when every level missed; a walk's
 * cost is the sum over its PTE reads.  Levels are probed in order, and their
 * latencies are not added: a configured latency already includes the levels
 * above it.  Stores are loads here (write-allocate; no write-back traffic).
 */
#ifndef MMUSIM_SIM_CACHE_HIERARCHY_H
#define MMUSIM_SIM_CACHE_HIERARCHY_H

#include <stdbool.h>
#include <stdint.h>

#include "pt/mm_error.h"
#include "pt/walk.h"
#include "sim/cache.h"
#include "sim/nested_walk.h"

enum cache_level { CACHE_L1D, CACHE_L2, CACHE_LLC, CACHE_LEVELS, CACHE_MEMORY = CACHE_LEVELS };

/* "l1d", "l2", "llc", or "memory" for CACHE_MEMORY. */
const char *cache_level_name(enum cache_level level);

/* The `caches:` block; on false (no block): a PTE read costs memory_latency, as before. */
struct cache_hierarchy_config {
	bool on;
	unsigned line_shift;                      /* log2(line size) */
	bool present[CACHE_LEVELS];
	struct cache_config level[CACHE_LEVELS];  /* by enum cache_level */
	bool data;                                /* the trace's loads and stores go through them too */
};

struct cache_hierarchy_stats {
	/* Where each PTE read was served, by the PTE's level (1 = leaf) and enum cache_level. */
	uint64_t pte_found[PT_MAX_LEVELS + 1][CACHE_LEVELS + 1];
	/* A VM's 2-D walks: the stage-2 entries by their stage-2 level (the guest's own are in pte_found). */
	uint64_t stage2_found[PT_MAX_LEVELS + 1][CACHE_LEVELS + 1];
	uint64_t pte_cycles;                      /* both dimensions' */
	/* With data on: where the trace's loads and stores were served, and their cycles (not in mmu cycles). */
	uint64_t data_found[CACHE_LEVELS + 1];
	uint64_t data_cycles;
};

struct cache_hierarchy;
/* One CPU's private levels (L1D, L2). */
struct cache_cpu;

/* The hierarchy cfg describes (cfg->on), with memory_latency for a load no level holds. */
struct cache_hierarchy *cache_hierarchy_create(const struct cache_hierarchy_config *cfg, unsigned memory_latency,
					       struct mm_error *err);
/* Frees h with every CPU's private levels. */
void cache_hierarchy_destroy(struct cache_hierarchy *h);

/* Host bytes one CPU's private levels take (0 when cfg is off). */
uint64_t cache_hierarchy_cpu_bytes(const struct cache_hierarchy_config *cfg);

/* A new CPU's private levels, owned by h. */
struct cache_cpu *cache_hierarchy_add_cpu(struct cache_hierarchy *h, struct mm_error *err);

/* Loads pa's line for cpu; *where gets the level that served it; returns its cycles.  Counts in the caches only. */
unsigned cache_hierarchy_load(struct cache_hierarchy *h, struct cache_cpu *cpu, uint64_t pa, enum cache_level *where);

/* The PTE reads of res (steps recorded), counted by level; returns their cycles.  where (may be NULL) gets each step's level. */
uint64_t cache_hierarchy_walk(struct cache_hierarchy *h, struct cache_cpu *cpu, const struct walk_result *res,
			      enum cache_level *where);

/*
 * The reads of a VM's 2-D walk (nested_reads, in hardware order), counted in
 * pte_found (guest entries) or stage2_found; returns their cycles.  where
 * (may be NULL) gets each read's level.
 */
uint64_t cache_hierarchy_nested_walk(struct cache_hierarchy *h, struct cache_cpu *cpu, const struct nested_read *reads,
				     unsigned nr, enum cache_level *where);

/* One of the trace's data accesses at pa (data on). */
void cache_hierarchy_data(struct cache_hierarchy *h, struct cache_cpu *cpu, uint64_t pa);

const struct cache_hierarchy_config *cache_hierarchy_config(const struct cache_hierarchy *h);
const struct cache_hierarchy_stats *cache_hierarchy_stats(const struct cache_hierarchy *h);
/* Level's counters summed over every CPU (the LLC's: its own); zeros for an absent level. */
void cache_hierarchy_totals(const struct cache_hierarchy *h, enum cache_level level, struct cache_stats *out);
/* Zeroes every counter; what the caches hold stays (a reset after a warm-up). */
void cache_hierarchy_stats_reset(struct cache_hierarchy *h);

#endif
