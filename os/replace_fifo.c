/*
 * replace_fifo: first in, first out — the page resident longest goes, however
 * often it is used (OSTEP ch. 22; shows Belady's anomaly: more frames can
 * mean more faults).
 */
#include "os/replacement.h"

static uint64_t loaded(const struct frame_slot *s)
{
	return s->loaded;
}

static size_t fifo_victim(struct replacement *rp, struct resident *rs)
{
	(void)rp;
	return slot_order_min(&rs->order); /* replacement_min_slot(rs, loaded), kept in order */
}

const struct replacement_ops replace_fifo = { .name = "fifo", .key = loaded, .victim = fifo_victim };
