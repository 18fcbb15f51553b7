/*
 * cache_geometries: the data-cache geometries of the CPUs the presets model,
 * by name, for `caches: NAME` or `caches: { like: NAME, ... }`: a Skylake
 * client core (the x86 presets' TLBs), SiFive's U74 (the RISC-V presets') and
 * Arm's Neoverse N1 (the AArch64 presets').  `cpu` names the one of the
 * config's own architecture.  Sources are in cache_geometries.c.
 */
#ifndef MMUSIM_FORMATS_CACHE_GEOMETRIES_H
#define MMUSIM_FORMATS_CACHE_GEOMETRIES_H

#include "sim/cache_hierarchy.h"

struct cache_geometry {
	const char *name;
	const char *arch_prefix;      /* the architectures (pt_arch names) whose CPU it is: `cpu` */
	unsigned line_shift;
	bool present[CACHE_LEVELS];
	struct cache_config level[CACHE_LEVELS];
	unsigned dram_latency;        /* what the sources give for memory: for the README, not applied */
};

/* "skylake | u74 | neoverse_n1 | cpu", for messages. */
#define CACHE_GEOMETRY_NAMES "skylake | u74 | neoverse_n1 | cpu"

/* The geometry called name, or for "cpu" the one of architecture arch; NULL when there is none. */
const struct cache_geometry *cache_geometry_find(const char *name, const char *arch);

#endif
