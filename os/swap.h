/*
 * swap: the swap area's slots — where a dirty page goes when it is evicted,
 * and where a major fault reads it back.  Contents are not simulated (user
 * data frames hold nothing the simulator reads); a slot is a number, taken
 * and given back.  A slot counts the pages that name it (a frame two address
 * spaces shared goes out once, and both name its slot), as Linux's swap map
 * counts a swap entry's references; it is free when the last one lets go.
 */
#ifndef MMUSIM_OS_SWAP_H
#define MMUSIM_OS_SWAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct swap {
	uint64_t *free;     /* slots given back */
	size_t nr_free, cap_free;
	uint64_t next;      /* slots above this were never used */
	uint32_t *refs;     /* by slot, below next */
	size_t cap_refs;
};

void swap_fini(struct swap *sw);
/* A free slot, named by `refs` pages; false when out of host memory. */
bool swap_alloc(struct swap *sw, uint32_t refs, uint64_t *slot);
/* One more page names slot. */
void swap_get(struct swap *sw, uint64_t slot);
/* One page fewer names slot: given back at the last (lost, never reused, when out of host memory). */
void swap_put(struct swap *sw, uint64_t slot);
/* How many pages name slot. */
uint32_t swap_refs(const struct swap *sw, uint64_t slot);

#endif
