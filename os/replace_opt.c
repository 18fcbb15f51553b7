/*
 * replace_opt: Belady's MIN — the page whose next reference lies furthest in
 * the future (or never comes) goes; the fewest faults any policy can have,
 * and a bound, not a policy an OS can run: it needs the whole trace in advance.
 */
#include "os/replacement.h"

/* Furthest next use first: the smallest key. */
static uint64_t nearness(const struct frame_slot *s)
{
	return UINT64_MAX - s->next_use;
}

static size_t opt_victim(struct replacement *rp, struct resident *rs)
{
	(void)rp;
	return slot_order_min(&rs->order); /* replacement_min_slot(rs, nearness), kept in order */
}

const struct replacement_ops replace_opt = {
	.name = "opt", .tracks_use = true, .needs_future = true, .key = nearness, .victim = opt_victim,
};
