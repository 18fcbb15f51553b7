/*
 * mmu_cpu_stats: the statistics of struct mmu_stats per CPU.
 *
 * The hit path counts only in the machine-wide struct mmu_stats, as it would
 * without per-CPU statistics.  Each CPU's share is charged when it stops
 * being current: everything counted since it was selected is its own, since
 * every counter (accesses, walks, PTE reads, faults, cycles, shootdowns ...)
 * is counted while the CPU that did the work is current.  So a CPU switch
 * costs one pass over the counters of struct mmu_cpu_counters, a translation
 * nothing, and the CPUs' statistics add up to the totals exactly.  Walks by
 * page size and the 2-D walk grid are machine-wide only (a switch would
 * charge 5 times as many counters).
 */
#ifndef MMUSIM_SIM_MMU_CPU_STATS_H
#define MMUSIM_SIM_MMU_CPU_STATS_H

#include <stdbool.h>

#include "sim/mmu.h"

/* Charges what was counted since the current CPU was selected to it: before another CPU becomes current. */
void mmu_cpu_stats_charge(struct mmu *mmu);

/* Zeroes every CPU's share: with the totals (mmu_stats_reset). */
void mmu_cpu_stats_reset(struct mmu *mmu);

/*
 * CPU cpu's statistics since the last reset, those of struct mmu_cpu_counters
 * (the rest of *out is 0); false (and *out zeroed) for a CPU never selected.
 */
bool mmu_cpu_stats(const struct mmu *mmu, unsigned cpu, struct mmu_stats *out);

/* How many CPUs have been selected (CPU 0 always is): more than one makes a per-CPU report. */
unsigned mmu_cpus_used(const struct mmu *mmu);

#endif
