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

struct region_set {
	struct region *r;
	size_t nr, cap;
};

void region_set_fini(struct region_set *rs);

/* Adds [start, start+len) to asid's regions; MM_EINVAL "... overlaps ..." when it meets one. */
int region_add(struct region_set *rs, const struct region *add, struct mm_error *err);

/*
 * Removes [start, start+len) from asid's regions, cutting those it covers in
 * part.  MM_EINVAL when no region of asid meets the range.
 */
int region_remove(struct region_set *rs, uint16_t asid, uint64_t start, uint64_t len, struct mm_error *err);

/* asid's region holding va, or NULL. */
const struct region *region_find(const struct region_set *rs, uint16_t asid, uint64_t va);
/* One region of asid (the lowest in the set's order), or NULL when it has none. */
const struct region *region_first(const struct region_set *rs, uint16_t asid);

#endif
