/* swap: slot numbers with reference counts, reused last-freed first (see swap.h). */
#include "swap.h"

#include <stdlib.h>

void swap_fini(struct swap *sw)
{
	free(sw->free);
	free(sw->refs);
	*sw = (struct swap){ 0 };
}

bool swap_alloc(struct swap *sw, uint32_t refs, uint64_t *slot)
{
	if (sw->nr_free) {
		*slot = sw->free[--sw->nr_free];
	} else {
		if (sw->next == sw->cap_refs) {
			size_t cap = sw->cap_refs ? 2 * sw->cap_refs : 64;
			uint32_t *r = realloc(sw->refs, cap * sizeof(*r));
			if (!r)
				return false;
			sw->refs = r;
			sw->cap_refs = cap;
		}
		*slot = sw->next++;
	}
	sw->refs[*slot] = refs;
	return true;
}

void swap_get(struct swap *sw, uint64_t slot)
{
	sw->refs[slot]++;
}

void swap_put(struct swap *sw, uint64_t slot)
{
	if (--sw->refs[slot])
		return;
	if (sw->nr_free == sw->cap_free) {
		size_t cap = sw->cap_free ? 2 * sw->cap_free : 16;
		uint64_t *f = realloc(sw->free, cap * sizeof(*f));
		if (!f)
			return;
		sw->free = f;
		sw->cap_free = cap;
	}
	sw->free[sw->nr_free++] = slot;
}

uint32_t swap_refs(const struct swap *sw, uint64_t slot)
{
	return sw->refs[slot];
}
