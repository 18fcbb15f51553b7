/*
 * replace_lru: exact least-recently-used — the page whose last reference is
 * oldest goes.  Exact means every reference counts, TLB hits included: an
 * idealisation no OS can see (it only has A bits; see replace_clock.c).
 */
#include "os/replacement.h"

static size_t lru_victim(struct replacement *rp, struct resident *rs)
{
	size_t best = 0;

	(void)rp;
	for (size_t s = 1; s < rs->nr_slots; s++)
		if (rs->slots[s].last_use < rs->slots[best].last_use)
			best = s;
	return best;
}

const struct replacement_ops replace_lru = { .name = "lru", .tracks_use = true, .victim = lru_victim };
