/*
 * cache_geometries: public data-cache geometries (see cache_geometries.h).
 * All with 64-byte lines, LRU (the real L1Ds use tree-PLRU, the outer levels
 * adaptive policies), latencies load-to-use in core cycles.
 *
 * skylake: Intel 64 and IA-32 Architectures Optimization Reference Manual
 *   (248966), Skylake client cache parameters: L1D 32 KiB 8-way, 4 cycles;
 *   L2 256 KiB 4-way, 12 cycles; LLC 2 MiB 16-way per core slice, 8 MiB on a
 *   4-core i7-6700, about 42 cycles, RAM about 250 (7-cpu.com, "Intel Skylake").
 * u74: SiFive FU740-C000 manual and the Linux device-tree binding
 *   sifive,fu740-c000-ccache (cache-size 2097152, 64-byte blocks, 16 ways):
 *   L1D 32 KiB 8-way per core; the shared 2 MiB L2 is the last level (an llc,
 *   no l2).  Latencies are estimates, not documented: 3 cycles for the L1D
 *   (gem5's HiFive Unmatched model), about 20 for the L2, about 150 to DDR4.
 * neoverse_n1: Arm Neoverse N1 TRM (100616) and Arm's Graviton2 learning path:
 *   L1D 64 KiB 4-way, 4 cycles; L2 1 MiB 8-way private, about 11 cycles; the
 *   SoC's 32 MiB 16-way system-level cache (Graviton2), about 90 cycles.  The
 *   L2 and SLC latencies are estimates from published measurements.
 */
#include "cache_geometries.h"

#include <string.h>

#define LEVEL(s, w, lat) { .sets = (s), .ways = (w), .latency = (lat), .replacement = REPL_LRU, .seed = 1 }

static const struct cache_geometry geometries[] = {
	{ "skylake", "x86", 6, { true, true, true },
	  { LEVEL(64, 8, 4), LEVEL(1024, 4, 12), LEVEL(8192, 16, 42) }, 250 },
	{ "u74", "riscv", 6, { true, false, true },
	  { LEVEL(64, 8, 3), { 0 }, LEVEL(2048, 16, 20) }, 150 },
	{ "neoverse_n1", "aarch64", 6, { true, true, true },
	  { LEVEL(256, 4, 4), LEVEL(2048, 8, 11), LEVEL(32768, 16, 90) }, 250 },
};

const struct cache_geometry *cache_geometry_find(const char *name, const char *arch)
{
	const bool by_arch = strcmp(name, "cpu") == 0;

	for (size_t i = 0; i < sizeof(geometries) / sizeof(geometries[0]); i++) {
		const struct cache_geometry *g = &geometries[i];
		if (by_arch ? arch && strncmp(arch, g->arch_prefix, strlen(g->arch_prefix)) == 0
			    : strcmp(name, g->name) == 0)
			return g;
	}
	return NULL;
}
