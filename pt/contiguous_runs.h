/*
 * contiguous_runs: the OS side of Arm's Contiguous bit.
 *
 * After an edit of [first, last] in a table, every aligned run of leaves the
 * edit touched (pt_arch.leaf_run: 16 x 4 KiB = 64 KiB, say) is marked as a run
 * when its entries are all leaves of that level, compatible, and map one
 * aligned, physically contiguous span, and unmarked otherwise: so a map of a
 * whole aligned span sets the bit, and an unmap or protect of part of it
 * clears the bit on the rest, as an OS must before the TLB may hold a run.
 */
#ifndef MMUSIM_PT_CONTIGUOUS_RUNS_H
#define MMUSIM_PT_CONTIGUOUS_RUNS_H

#include <stdint.h>

#include "page_table.h"

/* Re-marks the runs overlapping [first, last] in the table at root; a no-op for formats without runs. */
void contiguous_runs_refresh(const struct pt_env *env, uint64_t root, uint64_t first, uint64_t last);

#endif
