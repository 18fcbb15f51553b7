/*
 * resident: the user pages the OS knows — resident in a frame, out in swap,
 * or forgotten — and the frames holding the resident ones.  Page-table nodes
 * are not here: a limit on resident pages is a limit on user pages, as an
 * RSS limit or a textbook's page frames are.
 *
 * A slot is a frame: the pages that map it (one, or several after a fork or
 * when two address spaces share a region) hang off it in a list, the reverse
 * map an eviction needs to unmap every one of them.  A limit on resident pages
 * counts slots, so a frame two processes share counts once, as in physical
 * memory.
 *
 * Invariant: a page is PAGE_RESIDENT exactly when it is in the sharer list of
 * used slot `slot`; slots are reused in place (an evicted frame's slot takes
 * the page that replaces it), so a slot is a frame of the textbook's figure
 * and the clock hand goes round them.  The stamps in a slot are what the
 * replacement policies compare (fifo: loaded, lru: last_use, opt: next_use),
 * each the frame's: its sharers' latest use, their nearest next use.
 */
#ifndef MMUSIM_OS_RESIDENT_H
#define MMUSIM_OS_RESIDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "os/key_map.h"
#include "os/slot_order.h"

enum page_state { PAGE_ABSENT, PAGE_RESIDENT, PAGE_SWAPPED };

struct os_page {
	uint64_t vpn;
	uint16_t asid;
	uint8_t state;          /* enum page_state */
	bool has_swap;          /* a copy in swap slot swap_slot (swapped, or clean since it came back) */
	bool cow;               /* PAGE_RESIDENT: made read-only by fork, its frame shared copy-on-write */
	size_t slot;            /* PAGE_RESIDENT: its frame slot */
	size_t next_sharer;     /* PAGE_RESIDENT: the next page mapping the same frame; SIZE_MAX ends the list */
	size_t prev_sharer;     /* ... and the one before (SIZE_MAX: the first): 2000 children exit in linear time */
	size_t next_of_asid;    /* the next record of the same asid (a higher index); SIZE_MAX ends the list */
	uint64_t swap_slot;
	uint64_t next_use;      /* opt: this page's next reference (access index; UINT64_MAX: none) */
};

struct frame_slot {
	size_t page;            /* the first page mapping it (index into resident.pages) */
	size_t nr_sharers;      /* pages mapping it: the frame's reference count */
	uint64_t pa;
	bool used;
	bool swap_cached;       /* it holds the contents of swap slot swap_slot (swapped in, see os.c) */
	uint64_t swap_slot;
	uint64_t loaded;        /* when it came in (load count) */
	uint64_t last_use;      /* its last reference (access count) */
	uint64_t next_use;      /* its next reference (access index; UINT64_MAX: none) */
};

struct resident {
	struct os_page *pages;
	size_t nr_pages, cap_pages;
	struct key_map index;   /* page_key -> index into pages */
	/* Per asid below nr_asids: its first and last record, SIZE_MAX for none (fork reads one asid's). */
	size_t *asid_first, *asid_last;
	size_t nr_asids;
	struct frame_slot *slots;
	size_t nr_slots, cap_slots, nr_used;
	struct slot_order order;  /* the slots by the policy's key (fifo, lru, opt) */
	struct slot_order unused; /* the slots, unused first: the lowest unused one without a scan */
};

void resident_fini(struct resident *rs);
/* The record of (asid, vpn), created PAGE_ABSENT on first use; NULL when out of host memory. */
struct os_page *resident_page(struct resident *rs, uint16_t asid, uint64_t vpn);
/* The index of asid's first record (the others follow by next_of_asid), SIZE_MAX if it has none. */
size_t resident_first_of(const struct resident *rs, uint16_t asid);
/* The record of (asid, vpn) if the OS knows the page, else NULL. */
struct os_page *resident_lookup(const struct resident *rs, uint16_t asid, uint64_t vpn);
/* Slot s's stamps (loaded, last_use, next_use) changed: its place in rs->order follows. */
void resident_restamp(struct resident *rs, size_t s);
/* A slot no page uses (a new one when all are used); SIZE_MAX when out of host memory. */
size_t resident_free_slot(struct resident *rs);
/* Puts page p in slot s and marks it resident: s's only page when unused, else one more sharer. */
void resident_occupy(struct resident *rs, size_t s, struct os_page *p);
/*
 * Takes the page out of its slot's sharers; the page's state is the caller's.
 * True when it was the last: the slot is then unused, its frame the caller's to free.
 */
bool resident_vacate(struct resident *rs, struct os_page *p);
/* The first page of slot s's sharers (then follow next_sharer). */
static inline struct os_page *resident_first_sharer(const struct resident *rs, size_t s)
{
	return &rs->pages[rs->slots[s].page];
}

#endif
