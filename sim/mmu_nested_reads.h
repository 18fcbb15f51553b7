/*
 * mmu_nested_reads: what a virtual machine's 2-D walk read, entry by entry
 * (nested_reads: the stage-2 entries of each row, each guest entry at its
 * host PA), through the CPU's data caches when the `caches:` block is on,
 * and into the per-access log when it is on.
 */
#ifndef MMUSIM_SIM_MMU_NESTED_READS_H
#define MMUSIM_SIM_MMU_NESTED_READS_H

#include <stdint.h>

#include "sim/cache_hierarchy.h"
#include "sim/mmu.h"
#include "sim/nested_walk.h"

/*
 * The reads of grid (c's walk), charged to c's data caches if it has them;
 * returns the walk's cost: the caches' cycles, or flat_cost without them.
 * With mmu->detail: the record's stage-2 reads and guest entries' host PAs,
 * and where[i] (PT_MAX_LEVELS of them) where guest step i was served.
 */
uint64_t mmu_nested_reads(struct mmu *mmu, struct mmu_cpu *c, const struct nested_result *grid, uint64_t flat_cost,
			  enum cache_level *where);

#endif
