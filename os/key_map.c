/* key_map: open addressing with linear probing, grown at 1/2 load (see key_map.h). */
#include "key_map.h"

#include <stdlib.h>

void key_map_fini(struct key_map *km)
{
	free(km->keys);
	free(km->values);
	free(km->used);
	*km = (struct key_map){ 0 };
}

static size_t slot_of(uint64_t key, size_t cap)
{
	/*
	 * Fibonacci hashing: the product's top bits, which every key bit reaches.  Its bits 17
	 * and up (as taken before) never saw a page key's asid (bits 48 and up), nor VPN bits
	 * past the table's size: the same page in many address spaces (a fork's children) was
	 * one run of probes, and a trace of forks quadratic.
	 */
	return (size_t)((key * UINT64_C(0x9e3779b97f4a7c15)) >> (64 - __builtin_ctzll(cap)));
}

bool key_map_get(const struct key_map *km, uint64_t key, uint64_t *value)
{
	if (!km->cap)
		return false;
	for (size_t i = slot_of(key, km->cap);; i = (i + 1) & (km->cap - 1)) {
		if (!km->used[i])
			return false;
		if (km->keys[i] == key) {
			*value = km->values[i];
			return true;
		}
	}
}

static void insert(struct key_map *km, uint64_t key, uint64_t value)
{
	size_t i = slot_of(key, km->cap);

	while (km->used[i] && km->keys[i] != key)
		i = (i + 1) & (km->cap - 1);
	if (!km->used[i])
		km->nr++;
	km->used[i] = true;
	km->keys[i] = key;
	km->values[i] = value;
}

static bool grow(struct key_map *km)
{
	struct key_map old = *km;
	size_t cap = old.cap ? 2 * old.cap : 64;

	km->keys = malloc(cap * sizeof(*km->keys));
	km->values = malloc(cap * sizeof(*km->values));
	km->used = calloc(cap, sizeof(*km->used));
	if (!km->keys || !km->values || !km->used) {
		free(km->keys);
		free(km->values);
		free(km->used);
		*km = old;
		return false;
	}
	km->cap = cap;
	km->nr = 0;
	for (size_t i = 0; i < old.cap; i++)
		if (old.used[i])
			insert(km, old.keys[i], old.values[i]);
	key_map_fini(&old);
	return true;
}

bool key_map_put(struct key_map *km, uint64_t key, uint64_t value)
{
	if (2 * (km->nr + 1) > km->cap && !grow(km))
		return false;
	insert(km, key, value);
	return true;
}
