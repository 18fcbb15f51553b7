/*
 * mrc: miss-ratio curves of LRU TLBs, every size in one pass over a trace.
 *
 * Fully associative: the LRU stack distance of each access (Mattson, Gecsei,
 * Slutz and Traiger 1970) — the number of distinct pages touched since the
 * page's previous access, itself included — decides every size at once: an
 * LRU TLB of N entries hits exactly when the distance is at most N.  The
 * distance is counted in a Fenwick tree over access times (one bit at each
 * page's latest access) with a hash map page -> latest time: O(log T) per
 * access, not a walk down a list.
 *
 * Set-associative (all-associativity simulation, Hill and Smith 1989): for a
 * set count S, the page's set is page & (S-1) (as sim/tlb.c picks it) and
 * the distance within that set's LRU stack decides every associativity
 * 1..W at once (S*W = max_entries); each set keeps its W most recent pages.
 *
 * A page is (address-space tag, VA >> page_shift), the tag being
 * tlb_space(VMID, ASID) as the TLB tags its entries.  Which accesses count:
 * the kind (data = reads and writes, instruction = fetches, or all), one
 * translation per page an access touches.
 *
 * Invalidations.  A full flush (flush, tlbi vmalle1, gflush of every VM)
 * makes every later first touch cold: exact, since an LRU TLB after a flush
 * fills its empty ways first, as a stack does.  A flush of one VA or ASID,
 * unmap, protect, munmap, exit and a VM's gflush drop the pages they name
 * from the stacks (their next access is cold) but let the pages below move
 * up, where a real TLB would leave an empty way: after such an event a
 * curve can undercount a replay's misses; `partial_invalidations` counts
 * them so a caller can say so.  A trace that switches to another CPU is
 * refused: the curves are of one CPU's TLB.  `stats reset` zeroes the
 * counts and keeps the stacks, as a replay keeps its TLBs warm.
 */
#ifndef MMUSIM_SIM_MRC_H
#define MMUSIM_SIM_MRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pt/mm_error.h"
#include "sim/trace_event.h"

enum mrc_kind { MRC_DATA, MRC_INSTRUCTION, MRC_ALL };

#define MRC_MAX_ENTRIES (1u << 20)
#define MRC_MAX_SET_COUNTS 16

/* Where a mapped page's key keeps its size: above any page number (VAs have at most 64 - 12 bits of one). */
#define MRC_SHIFT_BIT 58

struct mrc_options {
	unsigned max_entries;              /* curves for 1 .. max_entries entries */
	unsigned page_shift;               /* log2 of the page size (not mapped) */
	bool mapped;                       /* pages as the machine maps them: mrc_events_mapped */
	enum mrc_kind kind;
	unsigned sets[MRC_MAX_SET_COUNTS]; /* set counts, powers of two dividing max_entries */
	unsigned nr_sets;
};

struct mrc;

/* Checks the options ("--max-entries ..." style messages name the field) and allocates. */
struct mrc *mrc_create(const struct mrc_options *opt, struct mm_error *err);
void mrc_destroy(struct mrc *m);

/* Runs n events; fails on a CPU switch ("source:LINE: ...") or out of memory. */
int mrc_events(struct mrc *m, const struct trace_event *ev, size_t n, const char *source, struct mm_error *err);

struct replay;
/*
 * mrc_events for opt.mapped: each event also runs through replay r (its
 * machine maps the pages, demand paging if r does), and each access's page
 * is the one its translation used, 4K, 2M or 1G alike: (tag, VA >> its
 * shift, the shift), as a TLB holding every size keys it.  An access that
 * faults is a miss of every TLB and leaves the stacks alone.
 */
int mrc_events_mapped(struct mrc *m, struct replay *r, const struct trace_event *ev, size_t n, const char *source,
		      struct mm_error *err);

/* Translations counted (of the kind asked for, since the last statistics reset). */
uint64_t mrc_accesses(const struct mrc *m);
/* Misses of a fully associative LRU TLB of `entries` entries (1 .. max_entries). */
uint64_t mrc_misses(const struct mrc *m, unsigned entries);
/* misses[N] = mrc_misses(m, N) for N = 1 .. max_entries, and misses[0] = the accesses: O(max_entries). */
void mrc_curve(const struct mrc *m, uint64_t *misses);
/* Misses of the set-associative LRU TLB of set count opt.sets[set_idx] and `ways` ways (1 .. max/sets). */
uint64_t mrc_set_misses(const struct mrc *m, unsigned set_idx, unsigned ways);
/* Flushes of part of the TLB, unmaps and protects seen: the curves may undercount after them (see above). */
uint64_t mrc_partial_invalidations(const struct mrc *m);

#endif
