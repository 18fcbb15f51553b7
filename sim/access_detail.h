/*
 * access_detail: what one translation did, for a caller that audits the
 * model access by access (`replay --log`, mmusim_mmu_set_access_log).
 *
 * The MMU fills the parts only it sees (which TLB array hit, the PWC probes,
 * the walk's PTE reads and where the data caches served each) when
 * mmu.detail points at a record; the replay adds the rest (the access, its
 * final result, its cycles and reads as the increase of the totals) and
 * hands the record on.  Off, mmu.detail is NULL and the TLB-hit path is
 * untouched: a hit in the level-1 TLB's first array never writes the record,
 * which is why a clean record already says so (access_detail_clear).
 */
#ifndef MMUSIM_SIM_ACCESS_DETAIL_H
#define MMUSIM_SIM_ACCESS_DETAIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "pt/walk.h"
#include "sim/machine_config.h"
#include "sim/nested_walk.h"
#include "sim/tlb.h"

/* Where a translation was served: its last lookup that answered. */
/* DETAIL_NONE: a VA that is not canonical, refused before any TLB lookup (mmu.c). */
enum detail_served { DETAIL_L1, DETAIL_L2, DETAIL_WALK, DETAIL_NONE };

/* Why a translation that hit a TLB walked anyway. */
enum detail_rewalk { REWALK_NONE, REWALK_DIRTY, REWALK_REFUSED };

struct access_detail {
	/* The replay's part. */
	uint64_t index;                   /* translations so far, from 0 (statistics resets do not restart it) */
	unsigned cpu;
	uint16_t asid, vmid;
	enum privilege priv;
	uint64_t va;                      /* untagged */
	enum access_kind access;
	bool ok;                          /* the final result, after demand paging or the OS */
	uint64_t pa, page_size;
	enum fault_kind fault;            /* when !ok */
	bool paged_in;                    /* the MMU faulted, demand paging or the OS mapped the page, the retry succeeded */
	uint64_t cycles;                  /* the increase of mmu_stats.cycles */
	uint64_t walks;                   /* ... of mmu_stats.walks (0 or 1) */
	uint64_t pte_reads;               /* ... of mmu_stats.pte_reads (a VM's 2-D walk: guest and host reads) */
	int tlb;                          /* index in the config's tlb list of the array that hit, -1: none */

	/* The MMU's part. */
	enum detail_served served;
	const struct tlb *hit;            /* the array that hit; NULL with DETAIL_L1: the level-1 first array */
	enum detail_rewalk rewalk;
	unsigned nr_pwc;                  /* PWC probes, deepest level first; the last may be the hit */
	struct { uint8_t level; bool hit; } pwc[PT_MAX_LEVELS];
	unsigned nr_ptes;                 /* the walk's PTE reads in order (a VM: the guest's, at GPAs) */
	struct { uint8_t level; uint8_t from; bool has_hpa; uint64_t addr, hpa; } pte[PT_MAX_LEVELS]; /* from: enum cache_level */
	/* A VM's 2-D walk (vm): the guest entries' host PAs above (has_hpa), and its stage-2 reads in order. */
	bool vm;
	unsigned nr_stage2;
	struct { uint8_t guest_level, level, from; uint64_t addr; } stage2[NESTED_MAX_READS];
	bool set_accessed, set_dirty;     /* the walk set A / D on the leaf */
};

/* The state a translation that hits the level-1 first array leaves: what the MMU expects before each. */
static inline void access_detail_clear(struct access_detail *d)
{
	d->served = DETAIL_L1;
	d->hit = NULL;
	d->rewalk = REWALK_NONE;
	d->nr_pwc = d->nr_ptes = d->nr_stage2 = 0;
	d->vm = false;
	d->set_accessed = d->set_dirty = false;
}

/* d as a JSON object on one line (README, "Per-translation log"); cfg names the TLB arrays. */
void access_detail_write_json(FILE *f, const struct machine_config *cfg, const struct access_detail *d);

#endif
