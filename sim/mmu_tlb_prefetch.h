/*
 * mmu_tlb_prefetch: TLB prefetching in the MMU — the prefetchers of a CPU's TLBs
 * (tlb_prefetch.h) and the free fill of the other leaves in a demand walk's
 * PTE line.
 *
 * Prefetches go straight into the TLB that configured them (no separate
 * prefetch buffer), marked prefetched: tlb_stats counts them issued, useful
 * (hit before they left) and useless (evicted, flushed or overwritten unused).
 * A page already in that TLB is not prefetched.
 *
 * A prefetch walks from the root (no paging-structure cache) as a read (a
 * fetch, for an instruction TLB) at the CPU's privilege, without setting A/D
 * bits and without faulting: a page that would fault is simply not filled.
 * Its PTE reads are counted in mmu_stats.prefetch_pte_reads, apart from the
 * demand walks', and add no cycles: the prefetch is off the access's path.
 *
 * Line prefetch: the leaf PTE a demand walk read came in a 64-byte line with
 * its neighbours (8 PTEs of 8 bytes); those that are leaves of the same level
 * are filled too, reading nothing more (no PTE reads counted).
 *
 * Native walks only: on a virtual machine's CPU (2-D walks) nothing is prefetched.
 */
#ifndef MMUSIM_SIM_MMU_TLB_PREFETCH_H
#define MMUSIM_SIM_MMU_TLB_PREFETCH_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/mmu.h"

struct tlb_prefetcher;

/* One CPU's prefetch state, beside its TLBs (mmu_cpu.tlb[i] has by_tlb[i]). */
struct mmu_tlb_prefetch {
	struct tlb_prefetcher *by_tlb[CONFIG_MAX_TLBS];
	bool line[CONFIG_MAX_TLBS];
};

/* *out = NULL when no TLB of cfg prefetches (then nothing else need be called); MM_ENOMEM. */
int mmu_tlb_prefetch_create(const struct machine_config *cfg, struct mmu_tlb_prefetch **out, struct mm_error *err);
void mmu_tlb_prefetch_destroy(struct mmu_tlb_prefetch *p);

/*
 * The lookups of kind k for va missed level 1 (l1_missed) and/or level 2:
 * trains those levels' prefetchers and fills what they predict.
 */
void mmu_tlb_prefetch_after_miss(struct mmu *mmu, struct mmu_cpu *c, enum lookup_kind k, uint64_t va,
			     bool l1_missed, bool l2_missed);

/* A demand walk of va translated it (res): fills the line's neighbours into the TLBs with line_prefetch. */
void mmu_tlb_prefetch_line(struct mmu *mmu, struct mmu_cpu *c, enum lookup_kind k, uint64_t va,
		       const struct walk_result *res);

/*
 * mmu.c: the TLB entry a native walk's translation gives (shift and pa still to
 * set for the array), its allow bits decided for the CPU's privilege and
 * `access` (-1: every access kind); a hit asks again for the others.
 */
struct tlb_entry mmu_walk_entry(const struct mmu_cpu *c, const struct walk_result *res, const struct walker *w,
				int access);

#endif
