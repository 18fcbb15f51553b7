/* slot_order: a tournament tree over the frame slots' keys (see slot_order.h). */
#include "slot_order.h"

#include <stdlib.h>

#include "os/resident.h"

void slot_order_fini(struct slot_order *so)
{
	free(so->win);
	so->win = NULL;
	so->cap = 0;
}

/* The winner of a and b: the smaller key, the lower slot of equals. */
static size_t winner(const struct slot_order *so, const struct frame_slot *slots, size_t a, size_t b)
{
	if (a == SIZE_MAX || b == SIZE_MAX)
		return a == SIZE_MAX ? b : a;
	uint64_t ka = so->key(&slots[a]), kb = so->key(&slots[b]);
	if (ka != kb)
		return ka < kb ? a : b;
	return a < b ? a : b;
}

/* Replays node i's match and those above it. */
static void replay_up(struct slot_order *so, const struct frame_slot *slots, size_t i)
{
	for (; i >= 1; i /= 2)
		so->win[i] = winner(so, slots, so->win[2 * i], so->win[2 * i + 1]);
}

/* A tree of twice the leaves, built anew from slots [0, nr_slots). */
static bool grow(struct slot_order *so, const struct frame_slot *slots, size_t nr_slots)
{
	size_t cap = so->cap ? so->cap : 16;

	while (cap < nr_slots)
		cap *= 2;
	size_t *win = malloc(2 * cap * sizeof(*win));
	if (!win)
		return false;
	free(so->win);
	so->win = win;
	so->cap = cap;
	for (size_t s = 0; s < cap; s++)
		win[cap + s] = s < nr_slots ? s : SIZE_MAX;
	for (size_t i = cap - 1; i >= 1; i--)
		win[i] = winner(so, slots, win[2 * i], win[2 * i + 1]);
	return true;
}

bool slot_order_update(struct slot_order *so, const struct frame_slot *slots, size_t nr_slots, size_t s)
{
	if (!so->key)
		return true;
	if (s >= so->cap)
		return grow(so, slots, nr_slots);
	so->win[so->cap + s] = s;
	replay_up(so, slots, (so->cap + s) / 2);
	return true;
}

size_t slot_order_min(const struct slot_order *so)
{
	return so->cap ? so->win[1] : 0;
}
