/*
 * swap: the swap area's slots — where a dirty page goes when it is evicted,
 * and where a major fault reads it back.  Contents are not simulated (user
 * data frames hold nothing the simulator reads); a slot is a number, taken
 * and given back.
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
};

void swap_fini(struct swap *sw);
/* A free slot. */
uint64_t swap_alloc(struct swap *sw);
/* Gives slot back; false when out of host memory (the slot is then lost, never reused). */
bool swap_free(struct swap *sw, uint64_t slot);

#endif
