/* resident: the OS's page records and frame slots (see resident.h). */
#include "resident.h"

#include <stdint.h>
#include <stdlib.h>

void resident_fini(struct resident *rs)
{
	free(rs->pages);
	free(rs->slots);
	free(rs->asid_first);
	free(rs->asid_last);
	key_map_fini(&rs->index);
	slot_order_fini(&rs->order);
	slot_order_fini(&rs->unused);
	*rs = (struct resident){ 0 };
}

struct os_page *resident_lookup(const struct resident *rs, uint16_t asid, uint64_t vpn)
{
	uint64_t i;

	return key_map_get(&rs->index, page_key(asid, vpn), &i) ? &rs->pages[i] : NULL;
}

/* Room for asid's list heads (doubling, up to the 65536 asids), none of the new ones with a record. */
static bool grow_asids(struct resident *rs, uint16_t asid)
{
	size_t n = rs->nr_asids ? rs->nr_asids : 16;
	size_t *first, *last;

	while (n <= asid)
		n *= 2;
	if (!(first = realloc(rs->asid_first, n * sizeof(*first))))
		return false;
	rs->asid_first = first;
	if (!(last = realloc(rs->asid_last, n * sizeof(*last))))
		return false;
	rs->asid_last = last;
	for (size_t a = rs->nr_asids; a < n; a++)
		first[a] = last[a] = SIZE_MAX;
	rs->nr_asids = n;
	return true;
}

struct os_page *resident_page(struct resident *rs, uint16_t asid, uint64_t vpn)
{
	struct os_page *p = resident_lookup(rs, asid, vpn);

	if (p)
		return p;
	if (rs->nr_pages == rs->cap_pages) {
		size_t cap = rs->cap_pages ? 2 * rs->cap_pages : 64;
		struct os_page *np = realloc(rs->pages, cap * sizeof(*np));
		if (!np)
			return NULL;
		rs->pages = np;
		rs->cap_pages = cap;
	}
	if (asid >= rs->nr_asids && !grow_asids(rs, asid))
		return NULL;
	if (!key_map_put(&rs->index, page_key(asid, vpn), rs->nr_pages))
		return NULL;
	p = &rs->pages[rs->nr_pages];
	*p = (struct os_page){ .vpn = vpn, .asid = asid, .state = PAGE_ABSENT, .next_of_asid = SIZE_MAX };
	if (rs->asid_last[asid] == SIZE_MAX)
		rs->asid_first[asid] = rs->nr_pages;
	else
		rs->pages[rs->asid_last[asid]].next_of_asid = rs->nr_pages;
	rs->asid_last[asid] = rs->nr_pages++;
	return p;
}

size_t resident_first_of(const struct resident *rs, uint16_t asid)
{
	return asid < rs->nr_asids ? rs->asid_first[asid] : SIZE_MAX;
}

/* Unused slots first (false < true), then by index. */
static uint64_t used_key(const struct frame_slot *s)
{
	return s->used;
}

size_t resident_free_slot(struct resident *rs)
{
	/* The lowest unused slot, as a scan from 0 finds it: a scan per fault was quadratic. */
	if (rs->nr_used < rs->nr_slots)
		return slot_order_min(&rs->unused);
	if (rs->nr_slots == rs->cap_slots) {
		size_t cap = rs->cap_slots ? 2 * rs->cap_slots : 16;
		struct frame_slot *ns = realloc(rs->slots, cap * sizeof(*ns));
		if (!ns)
			return SIZE_MAX;
		rs->slots = ns;
		rs->cap_slots = cap;
	}
	rs->slots[rs->nr_slots] = (struct frame_slot){ .used = false };
	rs->unused.key = used_key;
	if (!slot_order_update(&rs->order, rs->slots, rs->nr_slots + 1, rs->nr_slots) ||
	    !slot_order_update(&rs->unused, rs->slots, rs->nr_slots + 1, rs->nr_slots))
		return SIZE_MAX;
	return rs->nr_slots++;
}

void resident_restamp(struct resident *rs, size_t s)
{
	slot_order_update(&rs->order, rs->slots, rs->nr_slots, s); /* s has its leaf: nothing to allocate */
}

void resident_occupy(struct resident *rs, size_t s, struct os_page *p)
{
	struct frame_slot *f = &rs->slots[s];

	if (!f->used) {
		f->used = true;
		f->nr_sharers = 0;
		f->swap_cached = false;
		rs->nr_used++;
		slot_order_update(&rs->unused, rs->slots, rs->nr_slots, s);
		p->next_sharer = SIZE_MAX;
	} else {
		p->next_sharer = f->page;
		rs->pages[f->page].prev_sharer = (size_t)(p - rs->pages);
	}
	p->prev_sharer = SIZE_MAX;
	f->page = (size_t)(p - rs->pages);
	f->nr_sharers++;
	p->state = PAGE_RESIDENT;
	p->slot = s;
}

bool resident_vacate(struct resident *rs, struct os_page *p)
{
	struct frame_slot *f = &rs->slots[p->slot];
	size_t me = (size_t)(p - rs->pages);

	if (f->page == me)
		f->page = p->next_sharer;
	else
		rs->pages[p->prev_sharer].next_sharer = p->next_sharer;
	if (p->next_sharer != SIZE_MAX)
		rs->pages[p->next_sharer].prev_sharer = p->prev_sharer;
	p->cow = false; /* a page that comes back has a frame of its own */
	if (--f->nr_sharers)
		return false;
	f->used = false;
	rs->nr_used--;
	slot_order_update(&rs->unused, rs->slots, rs->nr_slots, p->slot);
	return true;
}
