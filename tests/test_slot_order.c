/*
 * slot_order: the tournament tree fifo, lru and opt evict by must name the slot
 * a scan of every slot names (replacement_min_slot: the smallest key, the
 * first of equals), after any sequence of key changes and new slots.  Keys are
 * drawn from a small range so that ties are common.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "os/replacement.h"
#include "os/resident.h"
#include "os/slot_order.h"

static uint64_t last_use(const struct frame_slot *s)
{
	return s->last_use;
}

Test(slot_order, names_the_slot_a_scan_names)
{
	struct resident rs = { 0 };
	uint64_t x = 88172645463325252ull;

	rs.order.key = last_use;
	for (int step = 0; step < 20000; step++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		if (rs.nr_slots < 300 && (rs.nr_slots == 0 || x % 8 == 0)) {
			size_t s = resident_free_slot(&rs);
			cr_assert_eq(s, rs.nr_slots - 1);
			rs.slots[s].used = true;
			rs.nr_used++;
		} else {
			size_t s = (size_t)(x >> 20) % rs.nr_slots;
			rs.slots[s].last_use = (x >> 40) % 16;
			resident_restamp(&rs, s);
		}
		cr_assert_eq(slot_order_min(&rs.order), replacement_min_slot(&rs, last_use), "step %d, %zu slots", step,
			     rs.nr_slots);
	}
	resident_fini(&rs);
}

/* A policy without a key (clock, random) keeps no tree. */
Test(slot_order, no_key_no_tree)
{
	struct resident rs = { 0 };

	for (int i = 0; i < 40; i++) {
		cr_assert_eq(resident_free_slot(&rs), (size_t)i);
		rs.slots[i].used = true;
		rs.nr_used++;
	}
	cr_expect_null(rs.order.win);
	resident_fini(&rs);
}
