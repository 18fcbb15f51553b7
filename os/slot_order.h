/*
 * slot_order: the frame slot with the smallest key, the first of equals, as
 * fifo, lru and opt evict by (replacement_min_slot's answer), kept in a
 * tournament tree so that an eviction costs O(1) and a key change O(log n).
 * A scan of every slot per eviction made a replay with `resident_pages: 65536`
 * quadratic: 200 000 reads of fresh pages took 98 s under lru.
 *
 * The tree's winners are slot indices: node i (1-based) holds the winner of
 * nodes 2i and 2i+1, leaf cap + s holds slot s, SIZE_MAX where there is none.
 */
#ifndef MMUSIM_OS_SLOT_ORDER_H
#define MMUSIM_OS_SLOT_ORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct frame_slot;

struct slot_order {
	uint64_t (*key)(const struct frame_slot *s); /* NULL: no order kept (clock, random) */
	size_t *win;
	size_t cap;   /* leaves, a power of two (0: none yet) */
};

void slot_order_fini(struct slot_order *so);
/* Slot s (below nr_slots) changed its key or was added; false when out of host memory. */
bool slot_order_update(struct slot_order *so, const struct frame_slot *slots, size_t nr_slots, size_t s);
/* The slot of smallest key among [0, nr_slots), the first of equals. */
size_t slot_order_min(const struct slot_order *so);

#endif
