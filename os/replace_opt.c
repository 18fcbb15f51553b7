/*
 * replace_opt: Belady's MIN — the page whose next reference lies furthest in
 * the future (or never comes) goes; the fewest faults any policy can have,
 * and a bound, not a policy an OS can run: it needs the whole trace in advance.
 */
#include "os/replacement.h"

static size_t opt_victim(struct replacement *rp, struct resident *rs)
{
	size_t best = 0;

	(void)rp;
	for (size_t s = 1; s < rs->nr_slots; s++)
		if (rs->slots[s].next_use > rs->slots[best].next_use)
			best = s;
	return best;
}

const struct replacement_ops replace_opt = {
	.name = "opt", .tracks_use = true, .needs_future = true, .victim = opt_victim,
};
