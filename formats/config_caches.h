/*
 * config_caches: the `caches:` block of a machine config, the data caches the
 * walker's PTE reads go through (sim/cache_hierarchy.h):
 *
 *   caches:
 *     line: 64                 # bytes, a power of two from 8 to 4096 (default 64)
 *     l1d: {sets: 64, ways: 8, latency: 4}      # per CPU
 *     l2:  {sets: 1024, ways: 4, latency: 12}   # per CPU
 *     llc: {sets: 8192, ways: 16, latency: 42}  # shared
 *     data: false              # true: the trace's loads and stores go through them too
 *
 * Each level is optional (at least one is needed) and takes sets (a power of
 * two), ways (at least 1), latency (cycles of a load it serves, load-to-use)
 * and optionally replacement (lru, fifo, random; default lru) and seed (for
 * random).  `memory_latency` is what a load no level holds costs.  Without
 * the block every PTE read costs memory_latency, as before.
 *
 * `caches: NAME` takes a public geometry (cache_geometries.h: skylake, u74,
 * neoverse_n1, or cpu for the config's own architecture's), and
 * `caches: { like: NAME, ... }` starts from one: a level given replaces its.
 */
#ifndef MMUSIM_FORMATS_CONFIG_CACHES_H
#define MMUSIM_FORMATS_CONFIG_CACHES_H

#include "formats/yaml_tree.h"
#include "pt/mm_error.h"
#include "sim/cache_hierarchy.h"

/* At most this many lines in one cache: a 256 MiB cache of 64-byte lines. */
#define CONFIG_MAX_CACHE_LINES (1u << 22)

/*
 * Fills *out from the `caches` node (NULL: off).  Returns MM_OK, or MM_EINVAL
 * with "file:line:column: message" pointing at the offending key.
 */
int config_caches_load(const struct ynode *caches, const char *arch, struct cache_hierarchy_config *out,
		       struct mm_error *err);

#endif
