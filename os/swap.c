/* swap: slot numbers, reused last-freed first (see swap.h). */
#include "swap.h"

#include <stdlib.h>

void swap_fini(struct swap *sw)
{
	free(sw->free);
	*sw = (struct swap){ 0 };
}

uint64_t swap_alloc(struct swap *sw)
{
	return sw->nr_free ? sw->free[--sw->nr_free] : sw->next++;
}

bool swap_free(struct swap *sw, uint64_t slot)
{
	if (sw->nr_free == sw->cap_free) {
		size_t cap = sw->cap_free ? 2 * sw->cap_free : 16;
		uint64_t *f = realloc(sw->free, cap * sizeof(*f));
		if (!f)
			return false;
		sw->free = f;
		sw->cap_free = cap;
	}
	sw->free[sw->nr_free++] = slot;
	return true;
}
