/* region: the regions of each address space (see region.h). */
#include "region.h"

#include <inttypes.h>
#include <stdlib.h>

void region_set_fini(struct region_set *rs)
{
	free(rs->r);
	*rs = (struct region_set){ 0 };
}

static int region_push(struct region_set *rs, const struct region *add, struct mm_error *err)
{
	if (rs->nr == rs->cap) {
		size_t cap = rs->cap ? 2 * rs->cap : 8;
		struct region *r = realloc(rs->r, cap * sizeof(*r));
		if (!r)
			return mm_error_set(err, MM_ENOMEM, "out of host memory");
		rs->r = r;
		rs->cap = cap;
	}
	rs->r[rs->nr++] = *add;
	return MM_OK;
}

int region_add(struct region_set *rs, const struct region *add, struct mm_error *err)
{
	for (size_t i = 0; i < rs->nr; i++) {
		const struct region *r = &rs->r[i];
		if (r->asid == add->asid && r->start < add->end && add->start < r->end)
			return mm_error_set(err, MM_EINVAL,
					    "mmap: [0x%" PRIx64 ", 0x%" PRIx64 ") overlaps the region [0x%" PRIx64
					    ", 0x%" PRIx64 ")",
					    add->start, add->end, r->start, r->end);
	}
	return region_push(rs, add, err);
}

int region_remove(struct region_set *rs, uint16_t asid, uint64_t start, uint64_t len, struct mm_error *err)
{
	uint64_t end = start + len;
	bool met = false;

	for (size_t i = 0; i < rs->nr;) {
		struct region *r = &rs->r[i];
		if (r->asid != asid || r->end <= start || end <= r->start) {
			i++;
			continue;
		}
		met = true;
		if (r->start < start && end < r->end) {
			/* A hole in the middle: the part above becomes a region of its own. */
			struct region above = *r;
			above.start = end;
			r->end = start;
			return region_push(rs, &above, err);
		}
		if (r->start < start) {
			r->end = start;
			i++;
		} else if (end < r->end) {
			r->start = end;
			i++;
		} else {
			*r = rs->r[--rs->nr];
		}
	}
	if (!met)
		return mm_error_set(err, MM_EINVAL, "munmap: no region in [0x%" PRIx64 ", 0x%" PRIx64 ")", start, end);
	return MM_OK;
}

const struct region *region_find(const struct region_set *rs, uint16_t asid, uint64_t va)
{
	for (size_t i = 0; i < rs->nr; i++) {
		const struct region *r = &rs->r[i];
		if (r->asid == asid && r->start <= va && va < r->end)
			return r;
	}
	return NULL;
}

const struct region *region_first(const struct region_set *rs, uint16_t asid)
{
	for (size_t i = 0; i < rs->nr; i++)
		if (rs->r[i].asid == asid)
			return &rs->r[i];
	return NULL;
}
