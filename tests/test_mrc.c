/*
 * mrc: stack distances of LRU TLBs on hand-worked reference strings (every
 * expected count worked out in the comments), then every size and every
 * associativity against the real LRU TLB (sim/tlb.c) fed the same long
 * random stream, one TLB per geometry; flushes, ASIDs, kinds, statistics
 * resets and the refused options and events.
 */
#include <criterion/criterion.h>

#include <string.h>

#include "pt/walk.h"
#include "sim/mrc.h"
#include "sim/tlb.h"
#include "sim/xorshift.h"

#define PAGE 0x1000ull

static struct trace_event acc(uint64_t page, enum access_kind kind)
{
	return (struct trace_event){ .op = TRACE_ACCESS, .access = (uint8_t)kind, .va = page * PAGE + 8, .size = 4 };
}

static struct trace_event ev_n(enum trace_op op, uint32_t n)
{
	return (struct trace_event){ .op = (uint8_t)op, .n = n };
}

static struct mrc *make(unsigned max, const unsigned *sets, unsigned nr_sets)
{
	struct mrc_options o = { .max_entries = max, .page_shift = 12, .kind = MRC_ALL, .nr_sets = nr_sets };
	struct mm_error err = { 0 };

	for (unsigned i = 0; i < nr_sets; i++)
		o.sets[i] = sets[i];
	struct mrc *m = mrc_create(&o, &err);
	cr_assert_not_null(m, "%s", err.msg);
	return m;
}

static void run(struct mrc *m, const struct trace_event *ev, size_t n)
{
	struct mm_error err = { 0 };

	cr_assert_eq(mrc_events(m, ev, n, "t", &err), MM_OK, "%s", err.msg);
}

/* A B C A B D A: A, B, C, D cold; the second A, the second B and the third A at distance 3. */
Test(mrc_reference, abcabda_sizes_1_to_4)
{
	enum { A, B, C, D };
	const struct trace_event ev[] = { acc(A, ACCESS_READ), acc(B, ACCESS_READ), acc(C, ACCESS_READ),
					  acc(A, ACCESS_READ), acc(B, ACCESS_READ), acc(D, ACCESS_READ),
					  acc(A, ACCESS_READ) };
	struct mrc *m = make(4, NULL, 0);
	uint64_t curve[5];

	run(m, ev, 7);
	cr_assert_eq(mrc_accesses(m), 7);
	/* 1 entry: nothing repeats back to back, all 7 miss.  2 entries: [A] [B A] [C B] A misses -> [A C],
	 * B misses -> [B A], D -> [D B], A misses: 7.  3 entries: A B C miss, A and B hit, D evicts C, A hits: 4.
	 * 4 entries: only the 4 cold misses. */
	cr_assert_eq(mrc_misses(m, 1), 7);
	cr_assert_eq(mrc_misses(m, 2), 7);
	cr_assert_eq(mrc_misses(m, 3), 4);
	cr_assert_eq(mrc_misses(m, 4), 4);
	mrc_curve(m, curve);
	cr_assert_eq(curve[0], 7);
	cr_assert_eq(curve[1], 7);
	cr_assert_eq(curve[2], 7);
	cr_assert_eq(curve[3], 4);
	cr_assert_eq(curve[4], 4);
	mrc_destroy(m);
}

/*
 * Two sets, 4 entries at most (so 1 or 2 ways): pages 0 2 4 0 2 1 3 1.  Set 0 sees 0 2 4 0 2 (three cold,
 * then 0 and 2 at in-set distance 3); set 1 sees 1 3 1 (two cold, 1 at distance 2).
 * 1 way: 5 + 3 = 8 misses.  2 ways: set 0 misses all 5 (distance 3 > 2), set 1 hits its last: 5 + 2 = 7.
 */
Test(mrc_reference, two_sets_every_associativity)
{
	const uint64_t pages[] = { 0, 2, 4, 0, 2, 1, 3, 1 };
	struct trace_event ev[8];
	const unsigned sets[] = { 2 };
	struct mrc *m = make(4, sets, 1);

	for (int i = 0; i < 8; i++)
		ev[i] = acc(pages[i], ACCESS_WRITE);
	run(m, ev, 8);
	cr_assert_eq(mrc_set_misses(m, 0, 1), 8);
	cr_assert_eq(mrc_set_misses(m, 0, 2), 7);
	/* Fully associative: 5 cold; 0 at distance 3 (2 4 0), 2 at 3 (4 0 2), 1 at 2 (3 1). */
	cr_assert_eq(mrc_misses(m, 2), 7);
	cr_assert_eq(mrc_misses(m, 3), 5);
	mrc_destroy(m);
}

/* A B flush A B: the flush makes both second touches cold, for every size and set count. */
Test(mrc_invalidation, full_flush_makes_next_touch_cold)
{
	const unsigned sets[] = { 1, 4 };
	const struct trace_event ev[] = { acc(1, ACCESS_READ), acc(2, ACCESS_READ),
					  { .op = TRACE_FLUSH, .scope = FLUSH_ALL },
					  acc(1, ACCESS_READ), acc(2, ACCESS_READ), acc(1, ACCESS_READ) };
	struct mrc *m = make(8, sets, 2);

	run(m, ev, 6);
	/* 8 entries: 1 2 cold, flush, 1 2 cold again, 1 hits (distance 2). */
	cr_assert_eq(mrc_misses(m, 8), 4);
	cr_assert_eq(mrc_misses(m, 1), 5);
	cr_assert_eq(mrc_set_misses(m, 0, 8), 4);
	cr_assert_eq(mrc_set_misses(m, 1, 2), 4);
	cr_assert_eq(mrc_partial_invalidations(m), 0);
	mrc_destroy(m);
}

/* flush va drops that page only: 1 2 [flush va 1] 1 2 -> 1 cold again, 2 hits (at 4 entries). */
Test(mrc_invalidation, flush_va_drops_one_page_and_is_counted)
{
	struct trace_event ev[] = { acc(1, ACCESS_READ), acc(2, ACCESS_READ),
				    { .op = TRACE_FLUSH, .scope = FLUSH_VA, .va = 1 * PAGE },
				    acc(1, ACCESS_READ), acc(2, ACCESS_READ) };
	const unsigned sets[] = { 2 };
	struct mrc *m = make(4, sets, 1);

	run(m, ev, 5);
	cr_assert_eq(mrc_misses(m, 4), 3);
	cr_assert_eq(mrc_set_misses(m, 0, 2), 3);
	cr_assert_eq(mrc_partial_invalidations(m), 1);
	mrc_destroy(m);
}

/*
 * unmap of one page (looked up, not scanned): 1 2 3 [unmap 2] 1 2 3.  The stack after the unmap is 3 1, so
 * 1 comes back at distance 2, 2 is cold, 3 at distance 3 (1 and 2 since).  4 entries: 3 + 1 = 4 misses,
 * as a real TLB (1 hits, 2 fills the hole, 3 hits).  1 entry: all 6.  2 entries: the model says 5 (1 at
 * distance 2 hits) where a real 2-entry TLB, left holding only 3, misses all 6: the documented undercount.
 * Two sets of at most 2 ways: set 1 sees 1 3 | 1 3 (distance 2 each), set 0 sees 2 | 2 (cold again):
 * 2 ways 4 misses, 1 way 6.
 */
Test(mrc_invalidation, unmap_drops_the_page_by_lookup)
{
	const struct trace_event ev[] = { acc(1, ACCESS_READ), acc(2, ACCESS_READ), acc(3, ACCESS_READ),
					  { .op = TRACE_UNMAP, .va = 2 * PAGE, .len = PAGE },
					  acc(1, ACCESS_READ), acc(2, ACCESS_READ), acc(3, ACCESS_READ) };
	const unsigned sets[] = { 2 };
	struct mrc *m = make(4, sets, 1);

	run(m, ev, 7);
	cr_assert_eq(mrc_misses(m, 4), 4);
	cr_assert_eq(mrc_misses(m, 2), 5);
	cr_assert_eq(mrc_misses(m, 1), 6);
	cr_assert_eq(mrc_set_misses(m, 0, 2), 4);
	cr_assert_eq(mrc_set_misses(m, 0, 1), 6);
	cr_assert_eq(mrc_partial_invalidations(m), 1);
	mrc_destroy(m);
}

/* flush va asid names one ASID's page: ASID 1's page 5 goes, ASID 0's page 5 stays (4 entries). */
Test(mrc_invalidation, flush_va_asid_drops_that_asid_only)
{
	const struct trace_event ev[] = { acc(5, ACCESS_READ), ev_n(TRACE_ASID, 1), acc(5, ACCESS_READ),
					  { .op = TRACE_FLUSH, .scope = FLUSH_VA_ASID, .va = 5 * PAGE, .n = 1 },
					  acc(5, ACCESS_READ), ev_n(TRACE_ASID, 0), acc(5, ACCESS_READ) };
	struct mrc *m = make(4, NULL, 0);

	run(m, ev, 7);
	/* cold, cold, cold again (flushed), then ASID 0's at distance 2: a hit. */
	cr_assert_eq(mrc_misses(m, 4), 3);
	cr_assert_eq(mrc_partial_invalidations(m), 1);
	mrc_destroy(m);
}

/* The same page number in ASIDs 1 and 2 is two pages: both cold, and then both hit at 2 entries. */
Test(mrc_tagging, asids_are_separate_pages)
{
	const struct trace_event ev[] = { ev_n(TRACE_ASID, 1), acc(5, ACCESS_READ), ev_n(TRACE_ASID, 2),
					  acc(5, ACCESS_READ), ev_n(TRACE_ASID, 1), acc(5, ACCESS_READ) };
	struct mrc *m = make(2, NULL, 0);

	run(m, ev, 6);
	cr_assert_eq(mrc_accesses(m), 3);
	cr_assert_eq(mrc_misses(m, 2), 2); /* the third is at distance 2 */
	cr_assert_eq(mrc_misses(m, 1), 3);
	mrc_destroy(m);
}

/* data counts reads and writes, instruction counts fetches; an access across a page boundary is two. */
Test(mrc_tagging, kinds_and_page_crossings)
{
	struct trace_event ev[] = { acc(1, ACCESS_READ), acc(2, ACCESS_EXEC), acc(3, ACCESS_WRITE),
				    { .op = TRACE_ACCESS, .access = ACCESS_READ, .va = 4 * PAGE - 2, .size = 4 } };
	struct mm_error err = { 0 };
	struct mrc_options o = { .max_entries = 4, .page_shift = 12, .kind = MRC_DATA };
	struct mrc *m = mrc_create(&o, &err);

	run(m, ev, 4);
	cr_assert_eq(mrc_accesses(m), 4); /* pages 1, 3, then 3 (a hit) and 4 */
	cr_assert_eq(mrc_misses(m, 4), 3);
	mrc_destroy(m);
	o.kind = MRC_INSTRUCTION;
	m = mrc_create(&o, &err);
	run(m, ev, 4);
	cr_assert_eq(mrc_accesses(m), 1);
	mrc_destroy(m);
}

/* stats reset zeroes the counts and keeps the stack: 1 2 [reset] 1 2 -> 2 accesses, both hits at 2 entries. */
Test(mrc_tagging, stats_reset_keeps_the_stack)
{
	const struct trace_event ev[] = { acc(1, ACCESS_READ), acc(2, ACCESS_READ), ev_n(TRACE_STATS_RESET, 0),
					  acc(1, ACCESS_READ), acc(2, ACCESS_READ) };
	struct mrc *m = make(2, (const unsigned[]){ 1 }, 1);

	run(m, ev, 5);
	cr_assert_eq(mrc_accesses(m), 2);
	cr_assert_eq(mrc_misses(m, 2), 0);
	cr_assert_eq(mrc_misses(m, 1), 2);
	cr_assert_eq(mrc_set_misses(m, 0, 2), 0);
	mrc_destroy(m);
}

Test(mrc_errors, cpu_switch_is_refused)
{
	struct trace_event ev[] = { ev_n(TRACE_CPU, 0), ev_n(TRACE_CPU, 3) };
	struct mm_error err = { 0 };
	struct mrc *m = make(4, NULL, 0);

	ev[1].line = 12;
	cr_assert_eq(mrc_events(m, ev, 2, "x.trace", &err), MM_EINVAL);
	cr_assert_str_eq(err.msg, "x.trace:12: the trace switches to cpu 3: mrc models one CPU's TLB");
	mrc_destroy(m);
}

Test(mrc_errors, bad_options)
{
	struct mm_error err = { 0 };
	struct mrc_options o = { .max_entries = 0, .page_shift = 12 };

	cr_assert_null(mrc_create(&o, &err));
	cr_assert_str_eq(err.msg, "max entries 0: expected 1 to 1048576");
	o.max_entries = 64;
	o.nr_sets = 1;
	o.sets[0] = 3;
	cr_assert_null(mrc_create(&o, &err));
	cr_assert_str_eq(err.msg, "3 sets: expected a power of two that divides the max entries (64)");
	o.sets[0] = 128;
	cr_assert_null(mrc_create(&o, &err));
	cr_assert_str_eq(err.msg, "128 sets: expected a power of two that divides the max entries (64)");
	o.sets[0] = 4;
	o.page_shift = 64;
	cr_assert_null(mrc_create(&o, &err));
	cr_assert_str_eq(err.msg, "page shift 64: expected below 64");
}

/* One real LRU TLB (sim/tlb.c) of the geometry, fed the same pages: its misses. */
static uint64_t tlb_misses(const uint64_t *pages, const uint16_t *asids, size_t n, size_t flush_at, unsigned entries,
			   unsigned ways)
{
	struct tlb_config cfg = { .name = "ref", .level = 1, .kind = TLB_UNIFIED, .entries = entries, .ways = ways,
				  .shift_mask = 1ull << 12, .replacement = REPL_LRU };
	struct mm_error err = { 0 };
	struct tlb *t = tlb_create(&cfg, &err);

	cr_assert_not_null(t, "%s", err.msg);
	for (size_t i = 0; i < n; i++) {
		if (i == flush_at)
			tlb_flush_all(t);
		if (!tlb_lookup(t, pages[i] * PAGE, asids[i])) {
			struct tlb_entry e = { .pa = pages[i] * PAGE, .space = asids[i], .shift = 12, .valid = true };
			tlb_fill(t, pages[i] * PAGE, &e);
		}
	}
	uint64_t misses = tlb_stats(t)->misses;
	tlb_destroy(t);
	return misses;
}

/*
 * 200000 accesses over a skewed set of 6000 pages in 2 ASIDs (so times are renumbered many times), a full
 * flush in the middle: every fully associative size from 1 to 512 in steps, and every associativity of
 * 4, 16 and 64 sets, equal the real TLB's misses.
 */
Test(mrc_equals_tlb, random_stream_every_geometry, .timeout = 120)
{
	enum { N = 200000, MAX = 512 };
	static uint64_t pages[N];
	static uint16_t asids[N];
	static struct trace_event ev[2 * N];
	const unsigned sets[] = { 4, 16, 64 };
	uint64_t rng = 12345;
	size_t ne = 0, flush_at = N / 2;
	uint16_t asid = 0;

	for (size_t i = 0; i < N; i++) {
		uint64_t r = xorshift64(&rng);
		/* Most accesses near the hot end, some far: distances on both sides of every size. */
		pages[i] = (r & 3) ? (r >> 8) % 300 : (r >> 8) % 6000;
		if ((r >> 40) % 997 == 0)
			asid ^= 1;
		asids[i] = asid;
	}
	asid = 0;
	for (size_t i = 0; i < N; i++) {
		if (i == flush_at)
			ev[ne++] = (struct trace_event){ .op = TRACE_FLUSH, .scope = FLUSH_ALL };
		if (asids[i] != asid)
			ev[ne++] = ev_n(TRACE_ASID, asid = asids[i]);
		ev[ne++] = acc(pages[i], ACCESS_READ);
	}
	struct mrc *m = make(MAX, sets, 3);
	run(m, ev, ne);
	cr_assert_eq(mrc_accesses(m), N);
	for (unsigned e = 1; e <= MAX; e += (e < 16 ? 1 : 37))
		cr_assert_eq(mrc_misses(m, e), tlb_misses(pages, asids, N, flush_at, e, e), "%u entries", e);
	cr_assert_eq(mrc_misses(m, MAX), tlb_misses(pages, asids, N, flush_at, MAX, MAX));
	for (unsigned s = 0; s < 3; s++)
		for (unsigned w = 1; w <= MAX / sets[s]; w += (w < 8 ? 1 : 13))
			cr_assert_eq(mrc_set_misses(m, s, w),
				     tlb_misses(pages, asids, N, flush_at, sets[s] * w, w), "%u sets, %u ways", sets[s],
				     w);
	mrc_destroy(m);
}
