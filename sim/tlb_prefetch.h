/*
 * tlb_prefetch: what a TLB prefetcher predicts from the misses it sees — the
 * pages to prefetch, nothing more (the MMU walks and fills, mmu_tlb_prefetch.h).
 * Pages are numbered in units of the TLB's smallest size (vpn = va >> shift).
 *
 *   next        a miss of vpn prefetches vpn + 1 .. vpn + degree.
 *   sequential  the same, but only when the previous miss was vpn - 1.
 *   distance    Kandiraju & Sivasubramaniam, "Going the Distance for TLB
 *               Prefetching: An Application-Driven Study", ISCA 2002: the
 *               distance between consecutive misses indexes a table whose row
 *               lists the distances that followed it before (up to `degree`,
 *               most recent first); a miss at distance d from the previous one
 *               prefetches vpn + each distance in d's row, then records d in
 *               the row of the distance before it.  The table is direct-mapped,
 *               TLB_DISTANCE_ROWS rows tagged with their distance.
 */
#ifndef MMUSIM_SIM_TLB_PREFETCH_H
#define MMUSIM_SIM_TLB_PREFETCH_H

#include <stdint.h>

#include "sim/tlb.h"

#define TLB_DISTANCE_ROWS 64

struct tlb_prefetcher;

/* NULL without host memory, or when cfg->kind is TLB_PREFETCH_NONE. */
struct tlb_prefetcher *tlb_prefetcher_create(const struct tlb_prefetch_config *cfg);
void tlb_prefetcher_destroy(struct tlb_prefetcher *p);

/*
 * Trains on a miss of page vpn and writes the pages to prefetch, in order, to
 * out (room for TLB_PREFETCH_MAX_DEGREE); returns how many.
 */
unsigned tlb_prefetcher_miss(struct tlb_prefetcher *p, uint64_t vpn, uint64_t out[TLB_PREFETCH_MAX_DEGREE]);

#endif
