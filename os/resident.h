/*
 * resident: the user pages the OS knows — resident in a frame, out in swap,
 * or forgotten — and the frames holding the resident ones.  Page-table nodes
 * are not here: a limit on resident pages is a limit on user pages, as an
 * RSS limit or a textbook's page frames are.
 *
 * Invariant: a page is PAGE_RESIDENT exactly when frame slot `slot` is used
 * and names it back; slots are reused in place (an evicted page's slot takes
 * the page that replaces it), so a slot is a frame of the textbook's figure
 * and the clock hand goes round them.  The stamps in a slot are what the
 * replacement policies compare (fifo: loaded, lru: last_use, opt: next_use).
 */
#ifndef MMUSIM_OS_RESIDENT_H
#define MMUSIM_OS_RESIDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "os/key_map.h"

enum page_state { PAGE_ABSENT, PAGE_RESIDENT, PAGE_SWAPPED };

struct os_page {
	uint64_t vpn;
	uint16_t asid;
	uint8_t state;          /* enum page_state */
	bool has_swap;          /* a copy in swap slot swap_slot (swapped, or clean since it came back) */
	bool cow;               /* PAGE_RESIDENT: made read-only by fork, its frame shared copy-on-write */
	size_t slot;            /* PAGE_RESIDENT: its frame slot */
	uint64_t swap_slot;
};

struct frame_slot {
	size_t page;            /* index into resident.pages */
	uint64_t pa;
	bool used;
	uint64_t loaded;        /* when it came in (load count) */
	uint64_t last_use;      /* its last reference (access count) */
	uint64_t next_use;      /* its next reference (access index; UINT64_MAX: none) */
};

struct resident {
	struct os_page *pages;
	size_t nr_pages, cap_pages;
	struct key_map index;   /* page_key -> index into pages */
	struct frame_slot *slots;
	size_t nr_slots, cap_slots, nr_used;
};

void resident_fini(struct resident *rs);
/* The record of (asid, vpn), created PAGE_ABSENT on first use; NULL when out of host memory. */
struct os_page *resident_page(struct resident *rs, uint16_t asid, uint64_t vpn);
/* The record of (asid, vpn) if the OS knows the page, else NULL. */
struct os_page *resident_lookup(const struct resident *rs, uint16_t asid, uint64_t vpn);
/* A slot no page uses (a new one when all are used); SIZE_MAX when out of host memory. */
size_t resident_free_slot(struct resident *rs);
/* Puts page p in slot s (unused) and marks it resident. */
void resident_occupy(struct resident *rs, size_t s, struct os_page *p);
/* Takes the page out of its slot; the slot becomes unused, the page's state is the caller's. */
void resident_vacate(struct resident *rs, struct os_page *p);

#endif
