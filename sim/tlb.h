/*
 * tlb: a set-associative translation cache, used both for TLBs and for
 * paging-structure caches (PWCs).
 *
 * An entry caches one translation of a naturally aligned region of
 * 2^shift bytes: a page for a TLB (shift 12 for 4 KiB, 21 for 2 MiB, ...), or
 * the span one non-leaf PTE covers for a PWC (its value is then the next
 * table's PA).  A cache may hold several sizes (`shift_mask`, bit s set =
 * regions of 2^s bytes); a lookup probes each size it holds, the set chosen by
 * the low bits of va >> shift.  ways == entries makes it fully associative.
 *
 * Entries are tagged with an address space, (VMID << 16) | ASID (tlb_space):
 * a global entry matches every ASID of its VMID (a guest's global pages are
 * not another VM's), and a native machine is VMID 0 throughout.
 * Replacement within a set: LRU, FIFO, random from a per-cache seeded
 * xorshift generator (deterministic run to run), tree-PLRU (ways a power of
 * two) or SRRIP (tlb_policy.h).  Invalid ways are always
 * filled first; replacing a valid entry counts as an eviction.
 */
#ifndef MMUSIM_SIM_TLB_H
#define MMUSIM_SIM_TLB_H

#include <stdbool.h>
#include <stdint.h>

#include "pt/mm_error.h"

enum tlb_kind { TLB_INSTRUCTION, TLB_DATA, TLB_UNIFIED };
/* PLRU and SRRIP: see tlb_policy.h; their state lives beside the entries, not in them. */
enum tlb_replacement { REPL_LRU, REPL_FIFO, REPL_RANDOM, REPL_PLRU, REPL_SRRIP };

/*
 * A TLB's prefetcher (tlb_prefetch.h), trained on the misses of its level:
 * next = the `degree` pages after a missed one; sequential = the same, only
 * when the previous miss was the page before; distance = Kandiraju &
 * Sivasubramaniam's distance prefetching.  line: on a demand walk, the other
 * valid leaves in the leaf PTE's 64-byte line are filled too.
 */
#define TLB_PREFETCH_MAX_DEGREE 16
enum tlb_prefetch_kind { TLB_PREFETCH_NONE, TLB_PREFETCH_NEXT, TLB_PREFETCH_SEQUENTIAL, TLB_PREFETCH_DISTANCE };
struct tlb_prefetch_config {
	enum tlb_prefetch_kind kind;
	unsigned degree;             /* pages (next, sequential) or predicted distances per row (distance) */
	bool line;                   /* line_prefetch: the free neighbours of a demand walk's leaf */
};

struct tlb_config {
	char name[32];
	unsigned level;              /* 1 or 2 for TLBs; the PTE level for a PWC */
	enum tlb_kind kind;
	unsigned entries;
	unsigned ways;               /* divides entries; entries / ways is a power of two */
	uint64_t shift_mask;         /* region sizes held: bit s = 2^s bytes */
	enum tlb_replacement replacement;
	unsigned latency;            /* cycles per lookup */
	uint64_t seed;               /* for REPL_RANDOM */
	struct tlb_prefetch_config prefetch; /* TLBs only */
};

struct tlb_entry {
	uint64_t tag;                /* va >> shift */
	uint64_t pa;                 /* PA of the region's start (TLB) or next table (PWC) */
	uint64_t pte;                /* the leaf PTE as cached (TLB) */
	uint64_t stamp;              /* LRU: last use; FIFO: fill time */
	uint32_t perms;              /* PERM_* granted (TLB), or allowed by the levels so far (PWC) */
	uint32_t space;              /* tlb_space(vmid, asid) */
	uint8_t shift;
	/*
	 * TLB: log2 of the page the translation maps, above shift when the TLB
	 * holds the page in pieces (a 2M page in a 4K-only array); 0 = shift.
	 * A flush that meets the page drops every piece (SDM vol. 3 4.10.4.1).
	 */
	uint8_t page_shift;
	uint8_t level;               /* level of the PTE this came from */
	uint8_t allow;               /* TLB: bit access_slot(priv, access) set when allowed (mmu.h) */
	bool valid;
	bool global;
	bool dirty;                  /* the leaf's D bit was set when cached */
	bool prefetched;             /* filled by a prefetch and not hit since */
};
_Static_assert(sizeof(struct tlb_entry) <= 48, "a TLB entry stays within 48 bytes");

struct tlb_stats {
	uint64_t hits;
	uint64_t misses;
	uint64_t evictions;
	uint64_t hits_by_shift[64];
	uint64_t prefetches;         /* fills by a prefetcher (tlb_fill of an entry marked prefetched) */
	uint64_t prefetch_useful;    /* prefetched entries hit before they left */
	uint64_t prefetch_useless;   /* prefetched entries evicted, flushed or overwritten unused */
};

struct tlb;

/* The address-space tag of an entry or a lookup: ASID asid of virtual machine vmid. */
static inline uint32_t tlb_space(uint16_t vmid, uint16_t asid)
{
	return (uint32_t)vmid << 16 | asid;
}

static inline uint16_t tlb_space_asid(uint32_t space)
{
	return (uint16_t)space;
}

static inline uint16_t tlb_space_vmid(uint32_t space)
{
	return (uint16_t)(space >> 16);
}

/* Checks the geometry and allocates; NULL with a message on a bad config. */
struct tlb *tlb_create(const struct tlb_config *cfg, struct mm_error *err);
void tlb_destroy(struct tlb *t);
const struct tlb_config *tlb_config(const struct tlb *t);

/*
 * The entry covering va for address space `space` (or a global one of its VMID), or NULL.  Counts a hit or
 * a miss and refreshes LRU state on a hit.  Callers may change the returned
 * entry's pa, pte, perms, allow, dirty and level only: the cache keeps
 * fingerprints of the rest.  To drop it, use tlb_invalidate.
 */
struct tlb_entry *tlb_lookup(struct tlb *t, uint64_t va, uint32_t space);

/*
 * tlb_lookup that counts a hit but not a miss, for a caller that probes
 * several arrays in parallel and counts the miss of them all in one (see
 * mmu.c): it calls tlb_count_miss on the array it charges.
 */
struct tlb_entry *tlb_probe(struct tlb *t, uint64_t va, uint32_t space);
void tlb_count_miss(struct tlb *t);
/*
 * A hit the caller could not use (the entry lacks a right or its D bit: the
 * hardware walks again) counts as a miss after all.
 */
void tlb_recount_hit_as_miss(struct tlb *t);
/* Moves one counted miss from `from` (if it has one) to `to`. */
void tlb_move_miss(struct tlb *from, struct tlb *to);

/*
 * Inserts *e (e->tag is computed from va).  Overwrites, with a fresh stamp,
 * the entry a lookup of va for e->space would find (so a global entry is
 * replaced by the fill of any ASID of its VMID).  A size outside shift_mask is refused.
 * Returns true if a valid entry was evicted to make room.
 */
bool tlb_fill(struct tlb *t, uint64_t va, const struct tlb_entry *e);
/*
 * tlb_fill for a caller that knows nothing serves (va, e->space) in t: a
 * lookup of va just missed there and nothing was filled since (a walk after a
 * miss).  Skips the search for the entry to overwrite: on a walk-heavy trace,
 * a set search per fill.
 */
bool tlb_fill_absent(struct tlb *t, uint64_t va, const struct tlb_entry *e);

/*
 * Whether a translation of va for space is cached, like tlb_lookup but
 * counting nothing and changing no replacement state (a prefetcher's check).
 */
bool tlb_holds(struct tlb *t, uint64_t va, uint32_t space);
/* The entry tlb_holds finds, or NULL. */
const struct tlb_entry *tlb_find(struct tlb *t, uint64_t va, uint32_t space);

/* The largest size this cache holds that is <= 2^shift, or -1 if none. */
int tlb_fit_shift(const struct tlb *t, unsigned shift);

/* Drops one entry (e.g. after a fault on it). */
void tlb_invalidate(struct tlb *t, struct tlb_entry *e);

/* Everything, every VM's, global entries included (HFENCE.GVMA x0, x0; INVEPT global). */
void tlb_flush_all(struct tlb *t);
/* Every entry of one VM, globals included (sfence.vma x0, x0; CR4.PGE toggle; a VM's INVEPT single-context). */
void tlb_flush_vm(struct tlb *t, uint16_t vmid);
/* Non-global entries of address space `space` (sfence.vma x0, asid; INVPCID single-context). */
void tlb_flush_asid(struct tlb *t, uint32_t space);
/*
 * Drops every entry a lookup of va by space would find, in any size (and
 * every piece of a larger page held in smaller entries): what a page fault
 * invalidates (SDM vol. 3 4.10.4.1).  A search per size, not a scan.
 */
void tlb_drop_page(struct tlb *t, uint64_t va, uint32_t space);
/* Which entries of a range tlb_flush_range drops (of space's VMID only, always). */
enum tlb_select {
	TLB_SELECT_ALL,         /* of every ASID, globals included (sfence.vma va, x0; TLBI VAAE1) */
	TLB_SELECT_ASID,        /* space's non-global ones only (sfence.vma va, asid; INVPCID) */
	TLB_SELECT_ASID_GLOBAL, /* space's non-global ones and the global ones (TLBI VAE1) */
};
/* Entries overlapping [va, va+len) that sel selects: a large entry that meets the range goes too. */
void tlb_flush_range(struct tlb *t, uint64_t va, uint64_t len, enum tlb_select sel, uint32_t space);

const struct tlb_stats *tlb_stats(const struct tlb *t);
/* Zeroes the counters; the entries stay (a statistics reset after a warm-up). */
void tlb_stats_reset(struct tlb *t);
/* Number of valid entries (for tests and the `tlb` view). */
unsigned tlb_occupancy(const struct tlb *t);

/*
 * Calls fn for each valid entry, set by set and way by way.  Returns MM_OK,
 * or the first status other than MM_OK that fn returns (where it stopped).  Read-only: no LRU refresh, no statistics (the shell's
 * `tlb` view).  The entry's region starts at tag << shift.
 */
int tlb_for_each(const struct tlb *t, int (*fn)(void *arg, const struct tlb_entry *e), void *arg);

#endif
