/* demand_pages: what demand paging mapped before the OS layer came in (see demand_pages.h). */
#include "demand_pages.h"

#include <stdlib.h>

bool demand_pages_note(struct demand_pages *d, unsigned vmid, uint16_t asid, uint64_t va, uint64_t pa,
		       uint64_t page_size)
{
	struct demand_run *last = d->nr ? &d->runs[d->nr - 1] : NULL;

	if (last && last->asid == asid && last->vmid == vmid && last->page_size == page_size &&
	    last->va + last->len == va && last->pa + last->len == pa) {
		last->len += page_size;
		return true;
	}
	if (d->nr == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 64;
		struct demand_run *runs = realloc(d->runs, cap * sizeof(*runs));
		if (!runs)
			return false;
		d->runs = runs;
		d->cap = cap;
	}
	d->runs[d->nr++] = (struct demand_run){ .va = va, .pa = pa, .len = page_size, .page_size = page_size,
						.asid = asid, .vmid = (uint16_t)vmid };
	return true;
}

void demand_pages_fini(struct demand_pages *d)
{
	free(d->runs);
	*d = (struct demand_pages){ 0 };
}
