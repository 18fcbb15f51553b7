/*
 * tlb: replacement (LRU, FIFO, seeded random) on hand-worked reference
 * strings, set conflicts, an LRU stack-distance property over long random
 * streams, several page sizes, ASID and global tagging, every flush, and the
 * geometry checks.  Expected outcomes are worked out by hand in the comments
 * (or, for the property, by a brute-force model written here), never taken
 * from the implementation.
 *
 * Outcome strings: one letter per reference, 'H' hit, 'M' miss filled into a
 * free way, 'E' miss whose fill evicted a valid entry.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdio.h>
#include <string.h>

#include "sim/tlb.h"

#define K4 0x1000ull
#define M2 0x200000ull
#define SHIFT_4K 12
#define SHIFT_2M 21
#define MASK_4K (1ull << SHIFT_4K)
#define MASK_2M (1ull << SHIFT_2M)

/* PA cached for a 4 KiB page: recognisable and different from its VA. */
#define PA_OF(va) (0x100000000ull + ((va) & ~(K4 - 1)))

static struct tlb *make(unsigned entries, unsigned ways, uint64_t shift_mask,
			enum tlb_replacement repl, uint64_t seed)
{
	struct tlb_config cfg = { .name = "test", .level = 1, .kind = TLB_DATA, .entries = entries,
				  .ways = ways, .shift_mask = shift_mask, .replacement = repl,
				  .latency = 1, .seed = seed };
	struct mm_error err = { 0 };
	struct tlb *t = tlb_create(&cfg, &err);

	cr_assert_not_null(t, "tlb_create(%u, %u): %s", entries, ways, err.msg);
	return t;
}

/* Caches a translation of the region of 2^shift bytes holding va; returns tlb_fill's answer. */
static bool fill(struct tlb *t, uint64_t va, unsigned shift, uint16_t asid, bool global)
{
	struct tlb_entry e = { .pa = PA_OF(va) & ~((1ull << shift) - 1), .pte = 0x67,
			       .perms = 3, .space = asid, .shift = (uint8_t)shift, .level = 1,
			       .global = global, .dirty = true };
	return tlb_fill(t, va, &e);
}

static bool fill4k(struct tlb *t, uint64_t va, uint16_t asid, bool global)
{
	return fill(t, va, SHIFT_4K, asid, global);
}

static bool hits(struct tlb *t, uint64_t va, uint16_t asid)
{
	return tlb_lookup(t, va, asid) != NULL;
}

/*
 * One access to 4 KiB page vpn (ASID 0) the way an MMU uses the cache: look
 * up; on a miss, fill.  Returns 'H', 'M' or 'E' and checks a hit's PA.
 */
static char touch_page(struct tlb *t, uint64_t vpn)
{
	uint64_t va = (vpn << SHIFT_4K) | 0x5a8; /* any offset in the page */
	struct tlb_entry *e = tlb_lookup(t, va, 0);

	if (e) {
		cr_assert_eq(e->pa, PA_OF(va), "page %#llx cached with the wrong PA",
			     (unsigned long long)vpn);
		return 'H';
	}
	return fill4k(t, va, 0, false) ? 'E' : 'M';
}

/* Runs the references (letters: page 0x40 + letter - 'A') and returns the outcome string. */
static void run_letters(struct tlb *t, const char *refs, char *out)
{
	size_t i;

	for (i = 0; refs[i]; i++)
		out[i] = touch_page(t, 0x40 + (uint64_t)(refs[i] - 'A'));
	out[i] = '\0';
}

static void run_vpns(struct tlb *t, const uint64_t *vpns, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = touch_page(t, vpns[i]);
	out[n] = '\0';
}

static size_t count(const char *s, char c)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == c;
	return n;
}

/* Hits, misses and evictions in the statistics agree with an outcome string. */
static void expect_stats(const struct tlb *t, const char *outcomes)
{
	const struct tlb_stats *st = tlb_stats(t);

	cr_expect_eq(st->hits, count(outcomes, 'H'));
	cr_expect_eq(st->misses, count(outcomes, 'M') + count(outcomes, 'E'));
	cr_expect_eq(st->evictions, count(outcomes, 'E'));
}

/* ---------------------------------------------------------------------------------------- */
/* Replacement on hand-worked reference strings                                              */

/*
 * 4 entries, fully associative, LRU, on A B C D A E A B C D E
 * (recency order listed least recent first):
 *   A B C D   four misses into free ways         order A B C D
 *   A         hit                                order B C D A
 *   E         miss, evicts B (least recent)      order C D A E
 *   A         hit                                order C D E A
 *   B         miss, evicts C                     order D E A B
 *   C         miss, evicts D                     order E A B C
 *   D         miss, evicts E                     order A B C D
 *   E         miss, evicts A                     order B C D E
 */
Test(tlb_replacement, lru_fully_associative)
{
	struct tlb *t = make(4, 4, MASK_4K, REPL_LRU, 0);
	char out[32];

	run_letters(t, "ABCDAEABCDE", out);
	cr_expect_str_eq(out, "MMMMHEHEEEE");
	expect_stats(t, out);
	cr_expect_eq(tlb_occupancy(t), 4);
	tlb_destroy(t);
}

/*
 * The same string under FIFO (fill order listed oldest first); hits do not
 * change the order:
 *   A B C D   four misses                        fill order A B C D
 *   A         hit (A stays oldest)
 *   E         miss, evicts A (oldest fill)       B C D E
 *   A         miss, evicts B    <- LRU hit here  C D E A
 *   B         miss, evicts C                     D E A B
 *   C         miss, evicts D                     E A B C
 *   D         miss, evicts E                     A B C D
 *   E         miss, evicts A                     B C D E
 */
Test(tlb_replacement, fifo_fully_associative)
{
	struct tlb *t = make(4, 4, MASK_4K, REPL_FIFO, 0);
	char out[32];

	run_letters(t, "ABCDAEABCDE", out);
	cr_expect_str_eq(out, "MMMMHEEEEEE");
	expect_stats(t, out);
	tlb_destroy(t);
}

/*
 * Where LRU and FIFO part ways on repeated hits: A B A A A C A, 2 entries.
 * LRU: A M, B M, A H, A H, A H (A most recent), C evicts B, A H.
 * FIFO: A M, B M, A H x3 (A still the oldest fill), C evicts A, A misses and
 * evicts B.
 */
Test(tlb_replacement, lru_keeps_hot_page_fifo_does_not)
{
	struct tlb *lru = make(2, 2, MASK_4K, REPL_LRU, 0);
	struct tlb *fifo = make(2, 2, MASK_4K, REPL_FIFO, 0);
	char out[16];

	run_letters(lru, "ABAAACA", out);
	cr_expect_str_eq(out, "MMHHHEH");
	run_letters(fifo, "ABAAACA", out);
	cr_expect_str_eq(out, "MMHHHEE");
	tlb_destroy(lru);
	tlb_destroy(fifo);
}

/*
 * 2 sets x 2 ways, LRU; set = vpn & 1, so even pages fight over set 0:
 *   0 M  set0 {0}          2 M  set0 {0 2}
 *   4 E  evicts 0          set0 order 2 4
 *   0 E  evicts 2          set0 order 4 0
 *   1 M  set1 {1} (set 1 still had room, though set 0 is full)
 *   3 M  set1 {1 3}
 *   4 H  set0 order 0 4    2 E  evicts 0, set0 order 4 2
 *   1 H  set1 order 3 1    0 E  evicts 4, set0 order 2 0
 * A 4-entry fully associative LRU cache on the same references (order least
 * recent first):
 *   0 2 4 M M M, 0 H (order 2 4 0), 1 M (full: 2 4 0 1), 3 E evicts 2
 *   (4 0 1 3), 4 H (0 1 3 4), 2 E evicts 0 (1 3 4 2), 1 H (3 4 2 1),
 *   0 E evicts 3.
 * The conflict shows at the 4th reference: set-associative misses, fully
 * associative hits.
 */
Test(tlb_replacement, set_conflicts)
{
	static const uint64_t refs[] = { 0, 2, 4, 0, 1, 3, 4, 2, 1, 0 };
	const size_t n = sizeof(refs) / sizeof(refs[0]);
	struct tlb *sa = make(4, 2, MASK_4K, REPL_LRU, 0);
	struct tlb *fa = make(4, 4, MASK_4K, REPL_LRU, 0);
	char out[16];

	run_vpns(sa, refs, n, out);
	cr_expect_str_eq(out, "MMEEMMHEHE");
	expect_stats(sa, out);
	run_vpns(fa, refs, n, out);
	cr_expect_str_eq(out, "MMMHMEHEHE");
	expect_stats(fa, out);
	tlb_destroy(sa);
	tlb_destroy(fa);
}

/*
 * 2 sets x 3 ways (ways not a multiple of 4), LRU; set = vpn & 1:
 *   0 2 4 M M M  set0 order 0 2 4
 *   6 E  evicts 0          order 2 4 6
 *   1 M  set 1             0 E  evicts 2, order 4 6 0
 *   6 H  order 4 0 6       8 E  evicts 4, order 0 6 8
 *   4 E  evicts 0, order 6 8 4
 *   1 H                    6 H  order 8 4 6
 *   0 E  evicts 8, order 4 6 0
 */
Test(tlb_replacement, three_ways)
{
	static const uint64_t refs[] = { 0, 2, 4, 6, 1, 0, 6, 8, 4, 1, 6, 0 };
	struct tlb *t = make(6, 3, MASK_4K, REPL_LRU, 0);
	char out[16];

	run_vpns(t, refs, sizeof(refs) / sizeof(refs[0]), out);
	cr_expect_str_eq(out, "MMMEMEHEEHHE");
	expect_stats(t, out);
	cr_expect_eq(tlb_occupancy(t), 4);
	tlb_destroy(t);
}

/*
 * Direct mapped, 4 sets: pages 1 and 5 share set 1 and evict each other;
 * page 2 (set 2) is left alone: 1 M, 5 E, 2 M, 1 E, 2 H, 5 E.
 */
Test(tlb_replacement, direct_mapped)
{
	static const uint64_t refs[] = { 1, 5, 2, 1, 2, 5 };
	struct tlb *t = make(4, 1, MASK_4K, REPL_FIFO, 0);
	char out[8];

	run_vpns(t, refs, 6, out);
	cr_expect_str_eq(out, "MEMEHE");
	tlb_destroy(t);
}

/* A reproducible stream of page numbers in [0, pages), skewed towards the first few. */
struct stream {
	uint64_t x;
};

static uint64_t stream_next(struct stream *s, uint64_t pages)
{
	/* splitmix64 */
	uint64_t z = (s->x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	/* Half the references go to a hot eighth of the pages. */
	return (z & 1) ? (z >> 8) % (pages / 8 ? pages / 8 : 1) : (z >> 8) % pages;
}

static void run_stream(struct tlb *t, uint64_t seed, uint64_t pages, size_t n, char *out)
{
	struct stream s = { seed };

	for (size_t i = 0; i < n; i++)
		out[i] = touch_page(t, 0x1000 + stream_next(&s, pages));
	out[n] = '\0';
}

/*
 * RANDOM is deterministic for a seed: the same seed gives the same outcomes;
 * another seed picks other victims.  16 entries in 4 sets over 40 pages: every
 * set sees more than 4 pages, so each set fills up; with no invalidation the
 * only fills that do not evict are the first 4 per set, 16 in all.
 */
Test(tlb_replacement, random_is_seeded)
{
	enum { N = 5000 };
	static char a[N + 1], b[N + 1], c[N + 1], z1[N + 1], z2[N + 1];
	struct tlb *ta = make(16, 4, MASK_4K, REPL_RANDOM, 42);
	struct tlb *tb = make(16, 4, MASK_4K, REPL_RANDOM, 42);
	struct tlb *tc = make(16, 4, MASK_4K, REPL_RANDOM, 43);
	struct tlb *t0 = make(16, 4, MASK_4K, REPL_RANDOM, 0); /* 0: a fixed default seed */
	struct tlb *t0b = make(16, 4, MASK_4K, REPL_RANDOM, 0);

	run_stream(ta, 7, 40, N, a);
	run_stream(tb, 7, 40, N, b);
	run_stream(tc, 7, 40, N, c);
	run_stream(t0, 7, 40, N, z1);
	run_stream(t0b, 7, 40, N, z2);
	cr_expect_str_eq(a, b, "same seed, different outcomes");
	cr_expect_str_eq(z1, z2, "seed 0, different outcomes");
	cr_expect(strcmp(a, c) != 0, "seeds 42 and 43 chose exactly the same victims");

	const struct tlb_stats *st = tlb_stats(ta);
	cr_expect_eq(st->hits + st->misses, N);
	expect_stats(ta, a);
	cr_expect_eq(count(a, 'M'), 16);
	cr_expect_eq(st->evictions, st->misses - 16);
	tlb_destroy(ta);
	tlb_destroy(tb);
	tlb_destroy(tc);
	tlb_destroy(t0);
	tlb_destroy(t0b);
}

/*
 * RANDOM only picks a victim when the set is full: fill a 4-way set, then
 * repeatedly drop one entry and fill a new page.  Every such fill must take
 * the freed way (no eviction) and the three others must survive.
 */
Test(tlb_replacement, random_fills_free_way_first)
{
	struct tlb *t = make(4, 4, MASK_4K, REPL_RANDOM, 1);
	uint64_t resident[4] = { 0x10, 0x11, 0x12, 0x13 };

	for (int i = 0; i < 4; i++)
		cr_assert_not(fill4k(t, resident[i] << SHIFT_4K, 0, false),
			      "evicted with a free way");
	for (uint64_t round = 0; round < 200; round++) {
		unsigned victim = (unsigned)(round * 7 % 4);
		struct tlb_entry *e = tlb_lookup(t, resident[victim] << SHIFT_4K, 0);
		cr_assert_not_null(e);
		tlb_invalidate(t, e);
		resident[victim] = 0x100 + round;
		cr_assert_not(fill4k(t, resident[victim] << SHIFT_4K, 0, false),
			      "round %llu: evicted although a way was free",
			      (unsigned long long)round);
		for (int i = 0; i < 4; i++)
			cr_assert(hits(t, resident[i] << SHIFT_4K, 0), "round %llu: page %d lost",
				  (unsigned long long)round, i);
	}
	cr_expect_eq(tlb_stats(t)->evictions, 0);
	/* Full now: the next new page has to evict one of the four. */
	cr_expect(fill4k(t, 0x999ull << SHIFT_4K, 0, false));
	cr_expect_eq(tlb_stats(t)->evictions, 1);
	cr_expect_eq(tlb_occupancy(t), 4);
	tlb_destroy(t);
}

/* ---------------------------------------------------------------------------------------- */
/* LRU against a brute-force stack-distance model                                            */

struct lru_geometry {
	unsigned entries;
	unsigned ways;
	unsigned spacing;  /* log2 of the distance between page numbers; 0: spread over the sets */
};

ParameterizedTestParameters(tlb_lru_property, stack_distance)
{
	static struct lru_geometry g[] = {
		/* fully associative, N entries (more than 64 ways: sets wider than one mask) */
		{ 1, 1, 0 }, { 3, 3, 0 }, { 4, 4, 0 }, { 16, 16, 0 }, { 40, 40, 0 }, { 64, 64, 0 },
		{ 100, 100, 0 }, { 150, 150, 0 }, { 199, 199, 0 }, { 200, 200, 0 }, { 256, 256, 0 },
		/* set-associative: the same rule holds per set */
		{ 64, 4, 0 }, { 32, 2, 0 }, { 96, 3, 0 }, { 1536, 12, 0 }, { 128, 1, 0 },
		/* page numbers equal in their low 24 bits */
		{ 40, 40, 24 }, { 100, 100, 24 }, { 256, 256, 24 }, { 64, 4, 24 },
	};
	return cr_make_param_array(struct lru_geometry, g, sizeof(g) / sizeof(g[0]));
}

/*
 * An LRU cache with W ways per set misses a reference iff it is the page's
 * first, or at least W other pages of the same set were referenced since the
 * page's previous reference (its LRU stack distance within the set).  For a
 * fully associative cache the set is everything and W = N.  Checked reference
 * by reference over 20000 references to 200 pages, and evictions are all
 * misses but the first fills of each way (no invalidations here).
 */
ParameterizedTest(struct lru_geometry *g, tlb_lru_property, stack_distance)
{
	enum { REFS = 20000, PAGES = 200 };
	const uint64_t base = 0x7f0000000ull;
	const uint64_t sets = g->entries / g->ways;
	/* Page p is base + p * stride: with many sets, crowd the pages into 8 of them so
	 * that every geometry sees conflicts (or, with a spacing, all into one set). */
	const uint64_t stride = g->spacing ? 1ull << g->spacing : sets > 8 ? sets / 8 : 1;
	static long last[PAGES];
	unsigned misses = 0, mismatches = 0, distinct = 0, filled_ways = 0;
	unsigned per_set[2048] = { 0 };
	struct stream s = { 0x5eed0000u + g->entries * 31u + g->ways };
	struct tlb *t = make(g->entries, g->ways, MASK_4K, REPL_LRU, 0);

	for (int p = 0; p < PAGES; p++)
		last[p] = -1;
	for (long i = 0; i < REFS; i++) {
		uint64_t p = stream_next(&s, PAGES);
		uint64_t vpn = base + p * stride;
		uint64_t set = vpn & (sets - 1);
		bool model_miss;

		if (last[p] < 0) {
			model_miss = true;
			distinct++;
			if (per_set[set]++ < g->ways)
				filled_ways++;
		} else {
			unsigned dist = 0;
			for (uint64_t q = 0; q < PAGES; q++)
				if (q != p && ((base + q * stride) & (sets - 1)) == set &&
				    last[q] > last[p])
					dist++;
			model_miss = dist >= g->ways;
		}
		last[p] = i;

		char got = touch_page(t, vpn);
		if ((got != 'H') != model_miss && mismatches++ < 5)
			cr_log_error("reference %ld (page %llu): cache %c, model %s", i,
				     (unsigned long long)p, got, model_miss ? "miss" : "hit");
		misses += model_miss;
	}
	const struct tlb_stats *st = tlb_stats(t);
	cr_expect_eq(mismatches, 0, "%u references disagree with the model", mismatches);
	cr_expect_eq(st->misses, misses);
	cr_expect_eq(st->hits + st->misses, REFS);
	cr_expect_eq(st->evictions, misses - filled_ways);
	cr_expect_eq(st->hits_by_shift[SHIFT_4K], st->hits);
	cr_expect_gt(distinct, g->entries < PAGES ? g->entries : PAGES - 1,
		     "stream too narrow to exercise eviction");
	tlb_destroy(t);
}

/* ---------------------------------------------------------------------------------------- */
/* Page sizes                                                                                */

/* A 2 MiB entry answers for each of its 512 4 KiB pages, at any offset, and nothing outside. */
Test(tlb_sizes, huge_entry_covers_its_pages)
{
	struct tlb *t = make(64, 4, MASK_4K | MASK_2M, REPL_LRU, 0);
	const uint64_t base = 0x40000000; /* 2M-aligned; tag 0x40000000 >> 21 = 0x200 */
	struct tlb_entry *e;

	/* The fill takes any address in the region: the tag comes from va. */
	cr_assert_not(fill(t, base + 0x12345, SHIFT_2M, 1, false));
	for (uint64_t i = 0; i < 512; i++) {
		uint64_t va = base + i * K4 + (i * 8 & 0xfff);
		e = tlb_lookup(t, va, 1);
		cr_assert_not_null(e, "4K page %llu of the 2M page missed", (unsigned long long)i);
		cr_assert_eq(e->shift, SHIFT_2M);
		cr_assert_eq(e->tag, 0x200);
		cr_assert_eq(e->pa, PA_OF(base) & ~(M2 - 1));
	}
	cr_expect_not(hits(t, base - K4, 1), "the page below the region hit");
	cr_expect_not(hits(t, base + M2, 1), "the page above the region hit");
	cr_expect_not(hits(t, base, 2), "another ASID hit");

	const struct tlb_stats *st = tlb_stats(t);
	cr_expect_eq(st->hits, 512);
	cr_expect_eq(st->misses, 3);
	cr_expect_eq(st->hits_by_shift[SHIFT_2M], 512);
	cr_expect_eq(st->hits_by_shift[SHIFT_4K], 0);
	tlb_destroy(t);
}

/* Sizes are probed smallest first: a 4K entry inside a cached 2M region answers for its page. */
Test(tlb_sizes, smallest_size_probed_first)
{
	struct tlb *t = make(64, 4, MASK_4K | MASK_2M, REPL_LRU, 0);
	struct tlb_entry *e;

	fill(t, 0x40000000, SHIFT_2M, 0, false);
	fill4k(t, 0x40003000, 0, false);
	e = tlb_lookup(t, 0x40003abc, 0);
	cr_assert_not_null(e);
	cr_expect_eq(e->shift, SHIFT_4K);
	cr_expect_eq(e->pa, 0x140003000);
	e = tlb_lookup(t, 0x40004000, 0);
	cr_assert_not_null(e);
	cr_expect_eq(e->shift, SHIFT_2M);
	cr_expect_eq(tlb_stats(t)->hits_by_shift[SHIFT_4K], 1);
	cr_expect_eq(tlb_stats(t)->hits_by_shift[SHIFT_2M], 1);
	cr_expect_eq(tlb_occupancy(t), 2);
	tlb_destroy(t);
}

/*
 * Page 0x200 (va 0x200000) and 2M region 0x200 (va 0x40000000) have equal tags
 * and share set 0 of 4: neither entry may answer for the other.
 */
Test(tlb_sizes, equal_tags_of_different_sizes)
{
	struct tlb *t = make(16, 4, MASK_4K | MASK_2M, REPL_LRU, 0);
	struct tlb_entry *e;

	fill4k(t, 0x200000, 0, false);
	cr_expect_not(hits(t, 0x40000000, 0), "4K page 0x200 answered for 2M region 0x200");
	tlb_flush_all(t);
	fill(t, 0x40000000, SHIFT_2M, 0, false);
	cr_expect_not(hits(t, 0x200000, 0), "2M region 0x200 answered for 4K page 0x200");
	fill4k(t, 0x200000, 0, false);
	e = tlb_lookup(t, 0x200000, 0);
	cr_assert_not_null(e);
	cr_expect_eq(e->shift, SHIFT_4K);
	e = tlb_lookup(t, 0x40100000, 0);
	cr_assert_not_null(e);
	cr_expect_eq(e->shift, SHIFT_2M);
	tlb_destroy(t);
}

/* A size the cache does not hold is refused: storing it could never be found again. */
Test(tlb_sizes, fill_of_unheld_size_refused)
{
	struct tlb *t = make(16, 4, MASK_4K, REPL_LRU, 0);

	cr_expect_not(fill(t, 0x40000000, SHIFT_2M, 0, false));
	cr_expect_eq(tlb_occupancy(t), 0);
	cr_expect_not(hits(t, 0x40000000, 0));
	tlb_destroy(t);
}

/* The largest held size <= 2^shift. */
Test(tlb_sizes, fit_shift)
{
	struct tlb *t = make(64, 4, MASK_4K | MASK_2M, REPL_LRU, 0);
	struct tlb *all = make(64, 4, MASK_4K | MASK_2M | (1ull << 30), REPL_LRU, 0);
	struct tlb *edge = make(4, 4, 1ull | (1ull << 63), REPL_LRU, 0);

	cr_expect_eq(tlb_fit_shift(t, 11), -1); /* below every size held */
	cr_expect_eq(tlb_fit_shift(t, 12), 12);
	cr_expect_eq(tlb_fit_shift(t, 20), 12);
	cr_expect_eq(tlb_fit_shift(t, 21), 21);
	cr_expect_eq(tlb_fit_shift(t, 30), 21); /* a 1G leaf is cached as 2M pieces */
	cr_expect_eq(tlb_fit_shift(t, 63), 21);
	cr_expect_eq(tlb_fit_shift(t, 64), 21);
	cr_expect_eq(tlb_fit_shift(t, 1000), 21);
	cr_expect_eq(tlb_fit_shift(all, 29), 21);
	cr_expect_eq(tlb_fit_shift(all, 30), 30);
	cr_expect_eq(tlb_fit_shift(edge, 0), 0);
	cr_expect_eq(tlb_fit_shift(edge, 62), 0);
	cr_expect_eq(tlb_fit_shift(edge, 63), 63);
	tlb_destroy(t);
	tlb_destroy(all);
	tlb_destroy(edge);
}

/* ---------------------------------------------------------------------------------------- */
/* ASIDs, global entries, invalidation and flushes                                           */

Test(tlb_asid, tagged_and_global)
{
	struct tlb *t = make(64, 4, MASK_4K, REPL_LRU, 0);
	struct tlb_entry *e;

	fill4k(t, 0x10000, 1, false);
	cr_expect(hits(t, 0x10000, 1));
	cr_expect_not(hits(t, 0x10000, 2), "ASID 1's entry served ASID 2");
	fill4k(t, 0x20000, 1, true);
	cr_expect(hits(t, 0x20000, 1));
	cr_expect(hits(t, 0x20000, 2), "global entry missed for another ASID");
	cr_expect(hits(t, 0x20000, 0xffff));
	tlb_destroy(t);

	/* Two ASIDs can cache the same page side by side, each with its own PA. */
	t = make(64, 4, MASK_4K, REPL_LRU, 0);
	struct tlb_entry a = { .pa = 0xa000, .space = 1, .shift = SHIFT_4K };
	struct tlb_entry b = { .pa = 0xb000, .space = 2, .shift = SHIFT_4K };
	cr_expect_not(tlb_fill(t, 0x30000, &a));
	cr_expect_not(tlb_fill(t, 0x30000, &b));
	cr_expect_eq(tlb_occupancy(t), 2);
	e = tlb_lookup(t, 0x30000, 1);
	cr_assert_not_null(e);
	cr_expect_eq(e->pa, 0xa000);
	e = tlb_lookup(t, 0x30000, 2);
	cr_assert_not_null(e);
	cr_expect_eq(e->pa, 0xb000);
	cr_expect_not(hits(t, 0x30000, 3));
	tlb_destroy(t);
}

/* Everything the fill stored comes back from the lookup, with tag = va >> shift. */
Test(tlb_asid, entry_round_trip)
{
	struct tlb *t = make(64, 4, MASK_4K | MASK_2M, REPL_LRU, 0);
	struct tlb_entry in = { .tag = 0xdead, .pa = 0x123400000, .pte = 0x8000000123400e7,
				.stamp = 77, .perms = 5, .space = 9, .shift = SHIFT_2M, .level = 2,
				.allow = 0x2a, .valid = false, .global = false, .dirty = true };
	struct tlb_entry *e;

	tlb_fill(t, 0x7fff12345678, &in);
	e = tlb_lookup(t, 0x7fff12300000, 9);
	cr_assert_not_null(e);
	cr_expect_eq(e->tag, 0x7fff12345678ull >> 21);
	cr_expect_eq(e->pa, in.pa);
	cr_expect_eq(e->pte, in.pte);
	cr_expect_eq(e->perms, 5);
	cr_expect_eq(e->space, 9);
	cr_expect_eq(e->shift, SHIFT_2M);
	cr_expect_eq(e->level, 2);
	cr_expect_eq(e->allow, 0x2a);
	cr_expect(e->valid);
	cr_expect_not(e->global);
	cr_expect(e->dirty);
	tlb_destroy(t);
}

Test(tlb_flush, asid_keeps_globals_and_others)
{
	struct tlb *t = make(64, 4, MASK_4K, REPL_LRU, 0);

	fill4k(t, 0x10000, 1, false);
	fill4k(t, 0x11000, 1, false);
	fill4k(t, 0x12000, 1, true);  /* global, filled while ASID 1 ran */
	fill4k(t, 0x10000, 2, false);
	tlb_flush_asid(t, 1);
	cr_expect_not(hits(t, 0x10000, 1));
	cr_expect_not(hits(t, 0x11000, 1));
	cr_expect(hits(t, 0x12000, 1), "flush_asid dropped a global entry");
	cr_expect(hits(t, 0x10000, 2), "flush_asid dropped another ASID's entry");
	cr_expect_eq(tlb_occupancy(t), 2);

	tlb_flush_all(t);
	cr_expect_not(hits(t, 0x12000, 1), "flush_all kept a global entry");
	cr_expect_not(hits(t, 0x10000, 2));
	cr_expect_eq(tlb_occupancy(t), 0);
	tlb_destroy(t);
}

/*
 * The layout around the range [0x10000, 0x12000) used by the range tests:
 *   a: 0x10000 ASID 1      b: 0x10000 ASID 2      c: 0x11000 global
 *   d: 0x12000 ASID 1 (starts at the range's end: outside, the end is exclusive)
 *   e: 0x0f000 ASID 1 (ends at the range's start: outside)
 *   f: 2M [0x200000, 0x400000) ASID 1 (far away)
 */
static struct tlb *range_setup(void)
{
	struct tlb *t = make(64, 4, MASK_4K | MASK_2M, REPL_LRU, 0);

	fill4k(t, 0x10000, 1, false);
	fill4k(t, 0x10000, 2, false);
	fill4k(t, 0x11000, 1, true);
	fill4k(t, 0x12000, 1, false);
	fill4k(t, 0x0f000, 1, false);
	fill(t, 0x200000, SHIFT_2M, 1, false);
	cr_assert_eq(tlb_occupancy(t), 6);
	return t;
}

Test(tlb_flush, range_all_asids)
{
	struct tlb *t = range_setup();

	tlb_flush_range(t, 0x10000, 0x2000, TLB_SELECT_ALL, 0);
	cr_expect_not(hits(t, 0x10000, 1), "a kept");
	cr_expect_not(hits(t, 0x10000, 2), "b kept");
	cr_expect_not(hits(t, 0x11000, 1), "global c kept");
	cr_expect(hits(t, 0x12000, 1), "d (at the exclusive end) dropped");
	cr_expect(hits(t, 0x0f000, 1), "e (just below) dropped");
	cr_expect(hits(t, 0x300000, 1), "f dropped");
	cr_expect_eq(tlb_occupancy(t), 3);

	/* A range covering only the last 4K of the 2M entry still drops it. */
	tlb_flush_range(t, 0x3ff000, 0x1000, TLB_SELECT_ALL, 0);
	cr_expect_not(hits(t, 0x200000, 1), "partly covered 2M entry kept");
	cr_expect_eq(tlb_occupancy(t), 2);
	tlb_destroy(t);
}

Test(tlb_flush, range_one_asid)
{
	struct tlb *t = range_setup();

	tlb_flush_range(t, 0x10000, 0x2000, TLB_SELECT_ASID, 1);
	cr_expect_not(hits(t, 0x10000, 1), "a kept");
	cr_expect(hits(t, 0x10000, 2), "b (other ASID) dropped");
	cr_expect(hits(t, 0x11000, 1), "global c dropped by a one-ASID flush");
	cr_expect(hits(t, 0x12000, 1));
	cr_expect(hits(t, 0x0f000, 1));
	cr_expect_eq(tlb_occupancy(t), 5);

	tlb_flush_range(t, 0x10000, 0x2000, TLB_SELECT_ASID, 2);
	cr_expect_not(hits(t, 0x10000, 2), "b kept");
	cr_expect_eq(tlb_occupancy(t), 4);

	/* One byte of the 2M region is enough. */
	tlb_flush_range(t, 0x234567, 1, TLB_SELECT_ASID, 1);
	cr_expect_not(hits(t, 0x200000, 1));
	cr_expect_eq(tlb_occupancy(t), 3);
	tlb_destroy(t);
}

/*
 * A 2M page held as 4K pieces (the array holds 4K only): flushing any byte
 * of the page drops every piece of it (SDM vol. 3 4.10.4.1: INVLPG
 * invalidates the entries for the page, whatever size they were cached
 * at), pieces of other pages stay; 64 entries in 16 sets of 4, so the
 * pieces sit in different sets from the flushed address.
 */
Test(tlb_flush, pieces_of_a_large_page_go_together)
{
	struct tlb *t = make(64, 4, MASK_4K, REPL_LRU, 0);
	static const uint64_t pieces[] = { 0x200000, 0x201000, 0x2ff000, 0x3ff000 };

	for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		struct tlb_entry e = { .pa = PA_OF(pieces[i]), .perms = 3, .space = 1, .shift = SHIFT_4K,
				       .page_shift = SHIFT_2M, .level = 2, .dirty = true };
		tlb_fill(t, pieces[i], &e);
	}
	fill4k(t, 0x400000, 1, false);  /* a 4K page of its own, just above */
	fill4k(t, 0x1ff000, 1, false);  /* and just below */
	cr_assert_eq(tlb_occupancy(t), 6);
	tlb_flush_range(t, 0x2ff123, 1, TLB_SELECT_ASID, 1);
	for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++)
		cr_expect_not(hits(t, pieces[i], 1), "piece %#llx of the flushed 2M page kept",
			      (unsigned long long)pieces[i]);
	cr_expect(hits(t, 0x400000, 1), "the 4K page above dropped");
	cr_expect(hits(t, 0x1ff000, 1), "the 4K page below dropped");
	cr_expect_eq(tlb_occupancy(t), 2);
	tlb_destroy(t);
}

/* Arm TLBI VAE1: one ASID's non-global entries and the global ones, whichever ASID filled them. */
Test(tlb_flush, range_one_asid_and_globals)
{
	struct tlb *t = range_setup();

	tlb_flush_range(t, 0x10000, 0x2000, TLB_SELECT_ASID_GLOBAL, 2);
	cr_expect(hits(t, 0x10000, 1), "a (ASID 1) dropped");
	cr_expect_not(hits(t, 0x10000, 2), "b kept");
	cr_expect_not(hits(t, 0x11000, 3), "global c (filled in ASID 1) kept");
	cr_expect(hits(t, 0x12000, 1));
	cr_expect(hits(t, 0x0f000, 1));
	cr_expect_eq(tlb_occupancy(t), 4);

	/* A global 2M entry goes when any 4K of it is named, for any ASID. */
	fill(t, 0x400000, SHIFT_2M, 5, true);
	tlb_flush_range(t, 0x5ff000, 0x1000, TLB_SELECT_ASID_GLOBAL, 2);
	cr_expect_not(hits(t, 0x400000, 5), "global 2M entry kept");
	cr_expect(hits(t, 0x200000, 1), "ASID 1's 2M entry elsewhere dropped");
	cr_expect_eq(tlb_occupancy(t), 4);
	tlb_destroy(t);
}

/* An empty range covers nothing; the whole address space covers everything. */
Test(tlb_flush, range_empty_and_everything)
{
	struct tlb *t = range_setup();

	tlb_flush_range(t, 0x10000, 0, TLB_SELECT_ALL, 0);
	cr_expect_eq(tlb_occupancy(t), 6);
	tlb_flush_range(t, 0, UINT64_MAX, TLB_SELECT_ASID, 1);
	/* Left: b (ASID 2) and the global c. */
	cr_expect_eq(tlb_occupancy(t), 2);
	cr_expect(hits(t, 0x10000, 2));
	cr_expect(hits(t, 0x11000, 3));
	tlb_flush_range(t, 0, UINT64_MAX, TLB_SELECT_ALL, 0);
	cr_expect_eq(tlb_occupancy(t), 0);
	tlb_destroy(t);
}

/* va + len reaching or passing 2^64 must not wrap around to low addresses. */
Test(tlb_flush, range_at_top_of_address_space)
{
	struct tlb *t = make(64, 4, MASK_4K | MASK_2M, REPL_LRU, 0);
	struct tlb_entry *e;

	fill4k(t, 0xfffffffffffff000, 1, false);
	fill4k(t, 0xffffffffffffe000, 1, false);
	fill4k(t, 0x0000000000000000, 1, false); /* what a wrapped end would reach */
	fill4k(t, 0xfffffffffffff000, 2, true);  /* same page, global */

	/* va + len == 2^64 exactly. */
	tlb_flush_range(t, 0xfffffffffffff000, 0x1000, TLB_SELECT_ASID, 1);
	e = tlb_lookup(t, 0xfffffffffffff000, 1);
	cr_expect(e && e->global, "last page of ASID 1 kept (only the global entry should answer)");
	cr_expect(hits(t, 0xfffffffffffff000, 5), "global last page dropped by a one-ASID flush");
	cr_expect(hits(t, 0xffffffffffffe000, 1), "page below dropped");
	cr_expect(hits(t, 0, 1), "page 0 dropped");

	tlb_flush_range(t, 0xfffffffffffff000, 0x1000, TLB_SELECT_ALL, 0);
	cr_expect_not(hits(t, 0xfffffffffffff000, 5), "global last page kept");
	cr_expect_eq(tlb_occupancy(t), 2);

	/* va + len past 2^64: clamps to the end of the space. */
	fill(t, 0xffffffffffe00000, SHIFT_2M, 1, false); /* the top 2M region */
	tlb_flush_range(t, 0xffffffffffffe800, 0x10000, TLB_SELECT_ALL, 0);
	cr_expect_not(hits(t, 0xffffffffffffe000, 1), "page in the clamped range kept");
	cr_expect_not(hits(t, 0xffffffffffe00000, 1), "top 2M region kept");
	cr_expect(hits(t, 0, 1), "wrapped to page 0");
	cr_expect_eq(tlb_occupancy(t), 1);
	tlb_destroy(t);
}

/* A large fully associative cache (the wide-set path) flushes the same way. */
Test(tlb_flush, range_in_wide_fully_associative)
{
	struct tlb *t = make(128, 128, MASK_4K, REPL_LRU, 0);

	for (uint64_t p = 0; p < 128; p++)
		cr_assert_not(fill4k(t, p << SHIFT_4K, (uint16_t)(p & 1), false));
	cr_expect_eq(tlb_occupancy(t), 128);
	/* Pages 16..47 of ASID 1 (the odd ones): 16 entries. */
	tlb_flush_range(t, 16 * K4, 32 * K4, TLB_SELECT_ASID, 1);
	cr_expect_eq(tlb_occupancy(t), 112);
	for (uint64_t p = 0; p < 128; p++) {
		bool gone = p >= 16 && p < 48 && (p & 1);
		cr_expect_eq(hits(t, p << SHIFT_4K, (uint16_t)(p & 1)), !gone, "page %llu",
			     (unsigned long long)p);
	}
	tlb_destroy(t);
}

Test(tlb_flush, invalidate_one_entry)
{
	struct tlb *t = make(4, 2, MASK_4K, REPL_LRU, 0);
	struct tlb_entry *e;

	/* Set 0 (even pages) full with pages 0 and 2. */
	fill4k(t, 0x0000, 0, false);
	fill4k(t, 0x2000, 0, false);
	e = tlb_lookup(t, 0x2000, 0);
	cr_assert_not_null(e);
	tlb_invalidate(t, e);
	cr_expect_not(hits(t, 0x2000, 0));
	cr_expect(hits(t, 0x0000, 0));
	cr_expect_eq(tlb_occupancy(t), 1);
	/* The freed way takes the next page of the set: no eviction, page 0 survives. */
	cr_expect_not(fill4k(t, 0x4000, 0, false));
	cr_expect(hits(t, 0x0000, 0));
	cr_expect(hits(t, 0x4000, 0));
	cr_expect_eq(tlb_stats(t)->evictions, 0);
	tlb_destroy(t);
}

/*
 * Pages whose page numbers agree in all their low bits (they differ by 2^7,
 * 2^20, 2^40) land in the same set of a 4-set cache; all four fit in its 4
 * ways and must each be found, in any order, as must the same page under two
 * ASIDs looked up alternately.
 */
Test(tlb_asid, aliasing_tags_and_asids)
{
	static const uint64_t vpn[4] = { 0x5, 0x5 + (1ull << 7), 0x5 + (1ull << 20),
					 0x5 + (1ull << 40) };
	struct tlb *t = make(16, 4, MASK_4K, REPL_LRU, 0);
	struct tlb_entry *e;

	for (int i = 0; i < 4; i++)
		cr_assert_not(fill4k(t, vpn[i] << SHIFT_4K, 0, false));
	for (int round = 0; round < 64; round++) {
		int i = (round * 3 + round / 4) % 4;
		e = tlb_lookup(t, vpn[i] << SHIFT_4K | 0x10, 0);
		cr_assert_not_null(e, "round %d: page %#llx missed", round,
				   (unsigned long long)vpn[i]);
		cr_assert_eq(e->pa, PA_OF(vpn[i] << SHIFT_4K));
	}
	cr_expect_eq(tlb_stats(t)->misses, 0);
	cr_expect_eq(tlb_stats(t)->evictions, 0);
	tlb_destroy(t);

	t = make(16, 4, MASK_4K, REPL_LRU, 0);
	struct tlb_entry a = { .pa = 0xa000, .space = 1, .shift = SHIFT_4K };
	struct tlb_entry b = { .pa = 0xb000, .space = 2, .shift = SHIFT_4K };
	tlb_fill(t, 0x30000, &a);
	tlb_fill(t, 0x30000, &b);
	for (int round = 0; round < 16; round++) {
		uint16_t asid = (uint16_t)(1 + round % 2);
		e = tlb_lookup(t, 0x30000, asid);
		cr_assert_not_null(e);
		cr_assert_eq(e->pa, asid == 1 ? 0xa000 : 0xb000, "round %d", round);
	}
	tlb_destroy(t);
}

/*
 * A 128-way fully associative LRU cache with page numbers equal in their low
 * 24 bits (page i = 7 + i * 2^24).  Fill pages 0..99, look them up from 99
 * down to 0 (recency, least recent first: 99 98 ... 0), fill 100..127 (full,
 * nothing evicted: 99 ... 0 100 ... 127); page 128 then evicts page 99.
 */
Test(tlb_asid, aliasing_tags_wide_set)
{
	struct tlb *t = make(128, 128, MASK_4K, REPL_LRU, 0);
#define ALIAS_VA(i) ((7 + ((uint64_t)(i) << 24)) << SHIFT_4K)

	for (int i = 0; i < 100; i++)
		cr_assert_not(fill4k(t, ALIAS_VA(i), 0, false));
	for (int i = 99; i >= 0; i--)
		cr_assert(hits(t, ALIAS_VA(i), 0), "page %d missed", i);
	for (int i = 100; i < 128; i++)
		cr_assert_not(fill4k(t, ALIAS_VA(i), 0, false), "page %d evicted", i);
	cr_expect(fill4k(t, ALIAS_VA(128), 0, false));
	cr_expect_not(hits(t, ALIAS_VA(99), 0), "the least recently used page survived");
	for (int i = 0; i < 99; i++)
		cr_expect(hits(t, ALIAS_VA(i), 0), "page %d lost", i);
	for (int i = 100; i <= 128; i++)
		cr_expect(hits(t, ALIAS_VA(i), 0), "page %d lost", i);
	cr_expect_eq(tlb_stats(t)->evictions, 1);
#undef ALIAS_VA
	tlb_destroy(t);
}

/* ---------------------------------------------------------------------------------------- */
/* Refilling a cached translation                                                            */

/*
 * 2 sets x 2 ways, LRU.  Set 0 holds pages 0 and 2 (ASID 1); refilling page 0
 * (new PA, e.g. after the walk set the D bit) overwrites it in place: nothing
 * evicted, page 2 kept.  Then page 2 is looked up, so page 0 becomes the least
 * recently used.  Page 0 for ASID 2 is another translation: the set is full,
 * so it evicts page 0 of ASID 1.
 */
Test(tlb_fill, same_translation_overwritten_in_place)
{
	struct tlb *t = make(4, 2, MASK_4K, REPL_LRU, 0);
	struct tlb_entry e = { .pa = 0xaaa000, .space = 1, .shift = SHIFT_4K };
	struct tlb_entry *got;

	cr_assert_not(fill4k(t, 0x0000, 1, false));
	cr_assert_not(fill4k(t, 0x2000, 1, false));
	cr_expect_not(tlb_fill(t, 0x0123, &e), "refill evicted");
	cr_expect_eq(tlb_stats(t)->evictions, 0);
	cr_expect_eq(tlb_occupancy(t), 2);
	got = tlb_lookup(t, 0x0000, 1);
	cr_assert_not_null(got);
	cr_expect_eq(got->pa, 0xaaa000);
	cr_expect(hits(t, 0x2000, 1), "refill disturbed the other way");

	/* Now page 2 is the most recent (just looked up); page 0 is the LRU one. */
	e.space = 2;
	e.pa = 0xbbb000;
	cr_expect(tlb_fill(t, 0x0000, &e), "another ASID's page replaced in place");
	cr_expect_eq(tlb_stats(t)->evictions, 1);
	cr_expect_not(hits(t, 0x0000, 1), "LRU victim (page 0, ASID 1) kept");
	cr_expect(hits(t, 0x2000, 1));
	got = tlb_lookup(t, 0x0000, 2);
	cr_assert_not_null(got);
	cr_expect_eq(got->pa, 0xbbb000);
	tlb_destroy(t);
}

/*
 * A global entry serves every ASID, so filling the same page for ASID 2 is
 * the same translation: overwritten in place (the new entry is not global).
 */
Test(tlb_fill, refill_over_global)
{
	struct tlb *t = make(4, 4, MASK_4K, REPL_LRU, 0);

	fill4k(t, 0x5000, 1, true);
	cr_expect_not(fill4k(t, 0x5000, 2, false));
	cr_expect_eq(tlb_occupancy(t), 1);
	cr_expect(hits(t, 0x5000, 2));
	cr_expect_not(hits(t, 0x5000, 1), "the entry is ASID 2's now");
	tlb_destroy(t);
}

/* Exactly one hit or one miss per lookup, whatever happens in between. */
Test(tlb_fill, one_count_per_lookup)
{
	struct tlb *t = make(64, 4, MASK_4K | MASK_2M | (1ull << 30), REPL_LRU, 0);

	(void)tlb_lookup(t, 0x1000, 0);           /* miss after probing three sizes */
	fill(t, 0x40000000, 30, 0, false);
	(void)tlb_lookup(t, 0x40001000, 0);       /* hit at the third size */
	(void)tlb_lookup(t, 0x80000000, 0);       /* miss */
	cr_expect_eq(tlb_stats(t)->hits, 1);
	cr_expect_eq(tlb_stats(t)->misses, 2);
	cr_expect_eq(tlb_stats(t)->hits_by_shift[30], 1);
	tlb_destroy(t);
}

/* tlb_probe counts a hit but never a miss; the caller charges the miss where it belongs. */
Test(tlb_fill, probe_leaves_the_miss_to_the_caller)
{
	struct tlb *a = make(4, 4, MASK_4K, REPL_LRU, 0);
	struct tlb *b = make(4, 4, MASK_2M, REPL_LRU, 0);

	cr_expect_null(tlb_probe(a, 0x1000, 0));
	cr_expect_eq(tlb_stats(a)->misses, 0);
	fill4k(a, 0x1000, 0, false);
	cr_expect_not_null(tlb_probe(a, 0x1000, 0));
	cr_expect_eq(tlb_stats(a)->hits, 1);
	tlb_count_miss(a);
	cr_expect_eq(tlb_stats(a)->misses, 1);
	tlb_move_miss(a, b);
	cr_expect_eq(tlb_stats(a)->misses, 0);
	cr_expect_eq(tlb_stats(b)->misses, 1);
	tlb_move_miss(a, b); /* a has none left: nothing moves */
	cr_expect_eq(tlb_stats(a)->misses, 0);
	cr_expect_eq(tlb_stats(b)->misses, 1);
	tlb_destroy(a);
	tlb_destroy(b);
}

/* ---------------------------------------------------------------------------------------- */
/* Geometry                                                                                  */

struct bad_geometry {
	char name[32];
	unsigned entries;
	unsigned ways;
	uint64_t shift_mask;
	int replacement;
	char msg[128];
};

ParameterizedTestParameters(tlb_geometry, rejected)
{
	static struct bad_geometry g[] = {
		{ "l1d", 0, 0, MASK_4K, REPL_LRU, "cache 'l1d': entries must be at least 1" },
		{ "l1d", 0, 4, MASK_4K, REPL_LRU, "cache 'l1d': entries must be at least 1" },
		{ "l1d", 64, 0, MASK_4K, REPL_LRU, "cache 'l1d': ways must be at least 1" },
		{ "stlb", 64, 3, MASK_4K, REPL_LRU,
		  "cache 'stlb': ways (3) does not divide entries (64)" },
		{ "tiny", 4, 8, MASK_4K, REPL_LRU,
		  "cache 'tiny': ways (8) does not divide entries (4)" },
		/* 48 / 4 = 12 sets */
		{ "l2", 48, 4, MASK_4K, REPL_LRU,
		  "cache 'l2': entries / ways = 12 sets, which is not a power of two" },
		/* 1536 / 4 = 384 = 3 * 128 sets */
		{ "stlb", 1536, 4, MASK_4K, REPL_LRU,
		  "cache 'stlb': entries / ways = 384 sets, which is not a power of two" },
		{ "pwc-l4", 2, 2, 0, REPL_LRU,
		  "cache 'pwc-l4': no region size (shift_mask is empty)" },
		/* 2^21 = 2097152 > 2^20 = 1048576 */
		{ "huge", 1u << 21, 1u << 21, MASK_4K, REPL_LRU,
		  "cache 'huge': 2097152 entries, more than the maximum 1048576" },
		{ "odd", 4, 4, MASK_4K, 7, "cache 'odd': unknown replacement policy 7" },
	};
	return cr_make_param_array(struct bad_geometry, g, sizeof(g) / sizeof(g[0]));
}

ParameterizedTest(struct bad_geometry *g, tlb_geometry, rejected)
{
	struct tlb_config cfg = { .entries = g->entries, .ways = g->ways,
				  .shift_mask = g->shift_mask,
				  .replacement = (enum tlb_replacement)g->replacement };
	struct mm_error err = { 0 };

	memcpy(cfg.name, g->name, sizeof(cfg.name));
	cr_assert_null(tlb_create(&cfg, &err));
	cr_expect_eq(err.code, MM_EINVAL);
	cr_expect_str_eq(err.msg, g->msg);
	cr_expect_null(tlb_create(&cfg, NULL), "rejects without an error struct too");
}

/* A name filling all 32 bytes, with no terminator, is still printed safely. */
Test(tlb_geometry, unterminated_name)
{
	struct tlb_config cfg = { .entries = 0, .ways = 1, .shift_mask = MASK_4K };
	struct mm_error err = { 0 };
	char expect[80];

	memset(cfg.name, 'x', sizeof(cfg.name));
	cr_assert_null(tlb_create(&cfg, &err));
	/* All 32 characters, and not a byte beyond. */
	snprintf(expect, sizeof(expect), "cache '%s': entries must be at least 1",
		 "xxxxxxxx" "xxxxxxxx" "xxxxxxxx" "xxxxxxxx");
	cr_expect_str_eq(err.msg, expect);
}

struct good_geometry {
	unsigned entries;
	unsigned ways;
};

ParameterizedTestParameters(tlb_geometry, accepted)
{
	static struct good_geometry g[] = {
		{ 1, 1 }, { 40, 40 }, { 64, 4 }, { 1536, 12 },
		{ 512, 1 }, { 6, 3 }, { 1u << 20, 16 },
	};
	return cr_make_param_array(struct good_geometry, g, sizeof(g) / sizeof(g[0]));
}

/* Valid geometries build an empty cache that keeps its config and can fill every set. */
ParameterizedTest(struct good_geometry *g, tlb_geometry, accepted)
{
	struct tlb *t = make(g->entries, g->ways, MASK_4K, REPL_FIFO, 0);
	unsigned sets = g->entries / g->ways;

	cr_expect_eq(tlb_occupancy(t), 0);
	cr_expect_str_eq(tlb_config(t)->name, "test");
	cr_expect_eq(tlb_config(t)->entries, g->entries);
	cr_expect_eq(tlb_config(t)->ways, g->ways);
	/* Pages 0 .. sets-1 land one in each set: no evictions, each hits. */
	for (uint64_t p = 0; p < sets; p += sets > 64 ? sets / 64 : 1)
		cr_assert_not(fill4k(t, p << SHIFT_4K, 0, false));
	for (uint64_t p = 0; p < sets; p += sets > 64 ? sets / 64 : 1)
		cr_assert(hits(t, p << SHIFT_4K, 0));
	tlb_destroy(t);
}

Test(tlb_geometry, destroy_null)
{
	tlb_destroy(NULL);
}
