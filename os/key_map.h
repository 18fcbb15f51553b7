/*
 * key_map: an open-addressing hash map from a page's key (its address space
 * and page number, page_key) to a 64-bit value — the OS layer's one lookup
 * structure: the page records of the resident set, the last reference of each
 * page while Belady's MIN reads the future.  Entries are never removed (a page
 * the OS forgets keeps its record, marked absent), so there are no tombstones.
 */
#ifndef MMUSIM_OS_KEY_MAP_H
#define MMUSIM_OS_KEY_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A page's key: ASID in the top 16 bits, page number below.  Page numbers of
 * user VAs fit in 48 bits on every format (57-bit VAs, 4 KiB pages: 45).
 */
static inline uint64_t page_key(uint16_t asid, uint64_t vpn)
{
	return (uint64_t)asid << 48 | (vpn & ((UINT64_C(1) << 48) - 1));
}

struct key_map {
	uint64_t *keys;
	uint64_t *values;
	bool *used;
	size_t cap, nr;   /* cap: a power of two, or 0 */
};

void key_map_fini(struct key_map *km);
/* The value of key, or false when it has none. */
bool key_map_get(const struct key_map *km, uint64_t key, uint64_t *value);
/* Sets key's value; false when out of host memory. */
bool key_map_put(struct key_map *km, uint64_t key, uint64_t value);

#endif
