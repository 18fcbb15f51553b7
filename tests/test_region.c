/*
 * region: the OS layer's region set against a model written here, a table
 * of which region owns each page of a few address spaces, after random
 * mmap / munmap sequences (find, first, the gaps munmap frees tables in, and
 * the errors); and a set of 200 000 regions, which a linear lookup made
 * quadratic (minutes), built and searched within a time limit.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os/region.h"
#include "support.h"
#include "time_limit.h"

enum { NR_ASIDS = 3, NR_PAGES = 48, PAGE = 0x1000 };

/* The model: the id of the region that owns each page (0: none), its bounds and properties by id. */
struct model {
	unsigned owner[NR_ASIDS][NR_PAGES];
	uint64_t start[4 * NR_PAGES * NR_ASIDS], end[4 * NR_PAGES * NR_ASIDS];
	uint32_t object[4 * NR_PAGES * NR_ASIDS];
	unsigned next_id;
};

static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The lowest region of asid meeting pages [first, end), or 0. */
static unsigned model_lowest_met(const struct model *m, unsigned asid, unsigned first, unsigned end)
{
	for (unsigned p = first; p < end; p++)
		if (m->owner[asid][p])
			return m->owner[asid][p];
	return 0;
}

/* Cuts the region id at [first, end): what stays below and above keep their ids (the one above a fresh id). */
static void model_remove(struct model *m, unsigned asid, unsigned first, unsigned end)
{
	for (unsigned p = first; p < end; p++) {
		unsigned id = m->owner[asid][p];
		if (!id)
			continue;
		unsigned lo = (unsigned)(m->start[id] / PAGE), hi = (unsigned)(m->end[id] / PAGE);
		if (lo < first && end < hi) {
			unsigned above = m->next_id++;
			m->start[above] = (uint64_t)end * PAGE;
			m->end[above] = m->end[id];
			m->object[above] = m->object[id];
			for (unsigned q = end; q < hi; q++)
				m->owner[asid][q] = above;
		}
		if (lo < first)
			m->end[id] = (uint64_t)first * PAGE;
		else if (end < hi)
			m->start[id] = (uint64_t)end * PAGE;
		m->owner[asid][p] = 0;
	}
}

static void check_against_model(const struct region_set *rs, const struct model *m, int step)
{
	/* The address spaces with regions, in order, each at its lowest region. */
	const struct region *space = region_next_space(rs, NULL);
	for (unsigned a = 0; a < NR_ASIDS; a++) {
		const struct region *first = region_first(rs, (uint16_t)a);
		if (!first)
			continue;
		cr_assert_eq(space, first, "step %d: asid %u's lowest region comes next", step, a);
		space = region_next_space(rs, space);
	}
	cr_assert_null(space, "step %d: no address space after the last", step);

	for (unsigned a = 0; a < NR_ASIDS; a++) {
		unsigned lowest = 0;
		for (unsigned p = 0; p < NR_PAGES; p++) {
			const struct region *r = region_find(rs, (uint16_t)a, (uint64_t)p * PAGE + 0x123);
			unsigned id = m->owner[a][p];
			if (!lowest)
				lowest = id;
			if (!id) {
				cr_assert_null(r, "step %d: asid %u page %u in no region, found [0x%lx, 0x%lx)", step, a, p,
					       r ? (unsigned long)r->start : 0, r ? (unsigned long)r->end : 0);
				/* The gap munmap frees tables in: from the end of the region below to the start of the one above. */
				uint64_t floor = 0, ceiling = UINT64_MAX, want_floor = 0, want_ceiling = UINT64_MAX;
				for (unsigned q = p; q-- > 0;)
					if (m->owner[a][q]) {
						want_floor = (uint64_t)(q + 1) * PAGE;
						break;
					}
				for (unsigned q = p + 1; q < NR_PAGES; q++)
					if (m->owner[a][q]) {
						want_ceiling = (uint64_t)q * PAGE - 1;
						break;
					}
				region_gap(rs, (uint16_t)a, (uint64_t)p * PAGE, &floor, &ceiling);
				cr_assert_eq(floor, want_floor, "step %d: asid %u page %u: floor 0x%lx", step, a, p,
					     (unsigned long)floor);
				cr_assert_eq(ceiling, want_ceiling, "step %d: asid %u page %u: ceiling 0x%lx", step, a, p,
					     (unsigned long)ceiling);
				continue;
			}
			cr_assert_not_null(r, "step %d: asid %u page %u: its region not found", step, a, p);
			cr_assert_eq(r->asid, a);
			cr_assert_eq(r->start, m->start[id], "step %d: asid %u page %u: start 0x%lx", step, a, p,
				     (unsigned long)r->start);
			cr_assert_eq(r->end, m->end[id], "step %d: asid %u page %u: end 0x%lx", step, a, p,
				     (unsigned long)r->end);
			cr_assert_eq(r->object, m->object[id], "step %d: the region's properties travel with it", step);
		}
		const struct region *first = region_first(rs, (uint16_t)a);
		if (!lowest)
			cr_assert_null(first, "step %d: asid %u has no region", step, a);
		else
			cr_assert(first && first->start == m->start[lowest], "step %d: asid %u's first region", step, a);
	}
}

Test(region, matches_a_page_table_of_owners)
{
	struct region_set rs = { 0 };
	struct model m = { .next_id = 1 };
	uint64_t x = 0x9e3779b97f4a7c15ull;
	char want[160];

	for (int step = 0; step < 4000; step++) {
		unsigned a = (unsigned)(next_random(&x) % NR_ASIDS);
		unsigned first = (unsigned)(next_random(&x) % NR_PAGES);
		unsigned len = 1 + (unsigned)(next_random(&x) % 6), end = first + len > NR_PAGES ? NR_PAGES : first + len;
		struct mm_error err = { 0 };
		unsigned met = model_lowest_met(&m, a, first, end);

		if (m.next_id + 2 >= sizeof(m.start) / sizeof(m.start[0])) {
			/* Ids run out: start again from an empty set. */
			region_set_fini(&rs);
			memset(&m, 0, sizeof(m));
			m.next_id = 1;
		}
		if (next_random(&x) % 5 < 3) {
			struct region add = { .asid = (uint16_t)a, .start = (uint64_t)first * PAGE,
					      .end = (uint64_t)end * PAGE, .object = (uint32_t)step };
			int rc = region_add(&rs, &add, &err);
			if (met) {
				snprintf(want, sizeof(want), "mmap: [0x%lx, 0x%lx) overlaps the region [0x%lx, 0x%lx)",
					 (unsigned long)add.start, (unsigned long)add.end, (unsigned long)m.start[met],
					 (unsigned long)m.end[met]);
				cr_assert_eq(rc, MM_EINVAL, "step %d", step);
				cr_assert_str_eq(err.msg, want, "step %d: names the lowest region it meets", step);
			} else {
				cr_assert_eq(rc, MM_OK, "step %d: %s", step, err.msg);
				unsigned id = m.next_id++;
				m.start[id] = add.start;
				m.end[id] = add.end;
				m.object[id] = add.object;
				for (unsigned p = first; p < end; p++)
					m.owner[a][p] = id;
			}
		} else if (next_random(&x) % 8 == 0 && a + 1 < NR_ASIDS && !region_first(&rs, (uint16_t)(a + 1))) {
			/* A fork into an asid with no region: its copies keep their bounds and properties. */
			cr_assert_eq(region_copy(&rs, (uint16_t)a, (uint16_t)(a + 1), &err), MM_OK, "step %d", step);
			for (unsigned p = 0; p < NR_PAGES; p++) {
				unsigned id = m.owner[a][p];
				if (id && (p == 0 || m.owner[a][p - 1] != id)) {
					unsigned c = m.next_id++;
					m.start[c] = m.start[id];
					m.end[c] = m.end[id];
					m.object[c] = m.object[id];
					for (unsigned q = p; q < m.end[id] / PAGE; q++)
						m.owner[a + 1][q] = c;
				}
			}
		} else {
			int rc = region_remove(&rs, (uint16_t)a, (uint64_t)first * PAGE, (uint64_t)(end - first) * PAGE, &err);
			if (!met) {
				cr_assert_eq(rc, MM_EINVAL, "step %d", step);
				snprintf(want, sizeof(want), "munmap: no region in [0x%lx, 0x%lx)",
					 (unsigned long)first * PAGE, (unsigned long)end * PAGE);
				cr_assert_str_eq(err.msg, want, "step %d", step);
			} else {
				cr_assert_eq(rc, MM_OK, "step %d: %s", step, err.msg);
				model_remove(&m, a, first, end);
			}
		}
		check_against_model(&rs, &m, step);
	}
	region_set_fini(&rs);
}

/*
 * A program with 200 000 mmaps: each page fault looked its region up by a
 * scan of every region, each mmap checked every one for an overlap, each
 * munmap cut by a scan: 200 000 of each took minutes.  A binary search takes
 * a fraction of a second.
 */
Test(region, two_hundred_thousand_regions_in_log_time, .init = time_limit_30s)
{
	const unsigned n = running_under_valgrind() ? 20000 : 200000;
	struct region_set rs = { 0 };
	struct mm_error err = { 0 };
	uint64_t x = 42;
	unsigned *order = malloc(n * sizeof(*order));

	cr_assert_not_null(order);
	for (unsigned i = 0; i < n; i++)
		order[i] = i;
	for (unsigned i = n; i-- > 1;) {
		unsigned j = (unsigned)(next_random(&x) % (i + 1)), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	/* One page each, a page apart, in a shuffled order. */
	for (unsigned i = 0; i < n; i++) {
		struct region add = { .asid = 1, .start = (uint64_t)order[i] * 2 * PAGE };
		add.end = add.start + PAGE;
		cr_assert_eq(region_add(&rs, &add, &err), MM_OK, "%s", err.msg);
	}
	for (unsigned i = 0; i < n; i++) {
		const struct region *r = region_find(&rs, 1, (uint64_t)order[i] * 2 * PAGE + 8);
		cr_assert(r && r->start == (uint64_t)order[i] * 2 * PAGE);
		cr_assert_null(region_find(&rs, 1, (uint64_t)order[i] * 2 * PAGE + PAGE));
	}
	for (unsigned i = 0; i < n; i += 2)
		cr_assert_eq(region_remove(&rs, 1, (uint64_t)order[i] * 2 * PAGE, PAGE, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(rs.nr, n / 2);
	free(order);
	region_set_fini(&rs);
}
