/*
 * replacement: the page-replacement policies, one per file behind one
 * operations table — which resident page to evict when a fault needs a frame
 * and the resident set is at its limit.  A policy reads the stamps the OS
 * keeps in each frame slot (resident.h) and, for clock, the A bits of the
 * simulated PTEs through the `referenced` hook.
 */
#ifndef MMUSIM_OS_REPLACEMENT_H
#define MMUSIM_OS_REPLACEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "os/resident.h"

struct replacement {
	const struct replacement_ops *ops;
	uint64_t rng;           /* random: xorshift state, never 0 */
	size_t hand;            /* clock: the next slot to look at */
	/* clock: reads and clears the A bits of the PTEs mapping slot s's frame; true when one was set. */
	bool (*referenced)(void *arg, size_t s);
	void *arg;
};

struct replacement_ops {
	const char *name;
	/* The policy needs every reference, TLB hits included (lru, opt): zero cost for the others. */
	bool tracks_use;
	/* Needs the whole future of the trace (opt). */
	bool needs_future;
	/* The stamp fifo, lru and opt evict the smallest of (rs->order keeps the slots by it); NULL for the others. */
	uint64_t (*key)(const struct frame_slot *s);
	/* The slot to evict; every slot of rs is used, and there is at least one. */
	size_t (*victim)(struct replacement *rp, struct resident *rs);
};

extern const struct replacement_ops replace_fifo, replace_lru, replace_clock, replace_opt, replace_random;

/*
 * The slot whose key is smallest (the first of equals): what fifo, lru and
 * opt each choose by.  Inline, so that each policy's key is inlined into its scan.
 */
static inline size_t replacement_min_slot(const struct resident *rs, uint64_t (*key)(const struct frame_slot *s))
{
	size_t best = 0;

	for (size_t s = 1; s < rs->nr_slots; s++)
		if (key(&rs->slots[s]) < key(&rs->slots[best]))
			best = s;
	return best;
}

/* Every policy's name, in the order of REPLACEMENT_NAMES, then NULL. */
extern const char *const replacement_names[];
/* The policy called `name`, or NULL. */
const struct replacement_ops *replacement_find(const char *name);
/* "fifo|lru|clock|opt|random", for messages and help. */
#define REPLACEMENT_NAMES "fifo|lru|clock|opt|random"

#endif
