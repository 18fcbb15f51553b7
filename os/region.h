/*
 * region: the regions of each address space, as mmap / munmap declare them —
 * what an OS's VMA list records: a range of pages the process may touch and
 * the properties its pages get when they appear (on first touch, never
 * before).  Regions of one address space never overlap; munmap may cut a
 * region in two.
 */
#ifndef MMUSIM_OS_REGION_H
#define MMUSIM_OS_REGION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pt/mm_error.h"
#include "pt/page_prop.h"

struct region {
	uint16_t asid;
	uint64_t start, end;      /* [start, end), page-aligned */
	struct page_prop prop;    /* what its pages are mapped with */
	bool shared;              /* mmap ... shared: kept shared across fork */
	uint32_t object;          /* shared: the memory object its pages are, the same in a fork's copies */
};

/* A balanced tree ordered by (asid, start): lookups, adds and cuts in O(log n). */
struct region_node;
struct region_set {
	struct region_node *root;
	size_t nr;
};

void region_set_fini(struct region_set *rs);

/* Adds [start, start+len) to asid's regions; MM_EINVAL "... overlaps ..." when it meets one. */
int region_add(struct region_set *rs, const struct region *add, struct mm_error *err);

/*
 * Removes [start, start+len) from asid's regions, cutting those it covers in
 * part.  MM_EINVAL when no region of asid meets the range.
 */
int region_remove(struct region_set *rs, uint16_t asid, uint64_t start, uint64_t len, struct mm_error *err);

/* asid's region holding va, or NULL.  Valid until the next add, remove or copy. */
const struct region *region_find(const struct region_set *rs, uint16_t asid, uint64_t va);
/* asid's lowest region, or NULL when it has none. */
const struct region *region_first(const struct region_set *rs, uint16_t asid);

/*
 * Walks the address spaces that have regions: with r NULL, the lowest region
 * of the lowest such asid; else the lowest region of the next asid above
 * r's that has one; NULL after the last.
 */
const struct region *region_next_space(const struct region_set *rs, const struct region *r);

/*
 * Gives child a copy of each of parent's regions (a fork); MM_EINVAL as
 * region_add when one meets a region child has.
 */
int region_copy(struct region_set *rs, uint16_t parent, uint16_t child, struct mm_error *err);

/*
 * The gap between asid's regions that holds va, which no region of asid
 * holds: *floor rises to the end of the region below, *ceiling falls to one
 * below the start of the region above (each left as it is when there is none,
 * or when it is tighter already).
 */
void region_gap(const struct region_set *rs, uint16_t asid, uint64_t va, uint64_t *floor, uint64_t *ceiling);

#endif
