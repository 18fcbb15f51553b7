/*
 * replace_lru: exact least-recently-used — the page whose last reference is
 * oldest goes.  Exact means every reference counts, TLB hits included: an
 * idealisation no OS can see (it only has A bits; see replace_clock.c).
 */
#include "os/replacement.h"

static uint64_t last_use(const struct frame_slot *s)
{
	return s->last_use;
}

static size_t lru_victim(struct replacement *rp, struct resident *rs)
{
	(void)rp;
	return slot_order_min(&rs->order); /* replacement_min_slot(rs, last_use), kept in order */
}

const struct replacement_ops replace_lru = { .name = "lru", .tracks_use = true, .key = last_use, .victim = lru_victim };
