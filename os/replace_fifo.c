/*
 * replace_fifo: first in, first out — the page resident longest goes, however
 * often it is used (OSTEP ch. 22; shows Belady's anomaly: more frames can
 * mean more faults).
 */
#include "os/replacement.h"

static size_t fifo_victim(struct replacement *rp, struct resident *rs)
{
	size_t best = 0;

	(void)rp;
	for (size_t s = 1; s < rs->nr_slots; s++)
		if (rs->slots[s].loaded < rs->slots[best].loaded)
			best = s;
	return best;
}

const struct replacement_ops replace_fifo = { .name = "fifo", .victim = fifo_victim };
