/*
 * tlb_policy and tlb_prefetch: tree-PLRU and SRRIP replacement traced by hand
 * step by step, the prefetchers' predictions, the prefetched-entry
 * accounting of a TLB, and the config keys' errors.
 *
 * All pages of a 1-set TLB share the set; page letters stand for
 * VA = letter * 4K.  Expected victims come from the tree / RRPV states worked
 * out in the comments, never from the implementation.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdio.h>
#include <string.h>

#include "formats/config.h"
#include "sim/tlb.h"
#include "sim/tlb_prefetch.h"

#define K4 0x1000ull
#define PAGE(n) ((uint64_t)(n) * K4)

static struct tlb *make(unsigned entries, unsigned ways, enum tlb_replacement repl)
{
	struct tlb_config cfg = { .name = "test", .level = 1, .kind = TLB_DATA, .entries = entries, .ways = ways,
				  .shift_mask = 1ull << 12, .replacement = repl, .latency = 1, .seed = 1 };
	struct mm_error err = { 0 };
	struct tlb *t = tlb_create(&cfg, &err);

	cr_assert_not_null(t, "tlb_create(%u, %u): %s", entries, ways, err.msg);
	return t;
}

/* Caches page n; returns whether a valid entry was evicted. */
static bool fill_page(struct tlb *t, unsigned n, bool prefetched)
{
	struct tlb_entry e = { .pa = 0x100000000ull + PAGE(n), .perms = 3, .shift = 12, .level = 1,
			       .dirty = true, .prefetched = prefetched };
	return tlb_fill(t, PAGE(n), &e);
}

/* Which of pages first..first+count-1 are cached, as a string of their letters ('A' = page 0). */
static void held(struct tlb *t, unsigned count, char *out)
{
	for (unsigned n = 0; n < count; n++)
		if (tlb_holds(t, PAGE(n), 0))
			*out++ = (char)('A' + n);
	*out = '\0';
}

static void expect_held(struct tlb *t, unsigned count, const char *want, const char *step)
{
	char got[32];

	held(t, count, got);
	cr_expect_str_eq(got, want, "after %s", step);
}

enum { A, B, C, D, E, F, G, H, I, J };

/*
 * Tree-PLRU, 4 ways, one set.  Nodes: 1 (root: 0 = victim on the left,
 * ways 0-1; 1 = right, ways 2-3), 2 (ways 0/1), 3 (ways 2/3).  An access
 * points every node on its path away from it.
 *   fill A -> w0 (free): n2=1 root=1     fill B -> w1: n2=0 root=1
 *   fill C -> w2: n3=1 root=0            fill D -> w3: n3=0 root=0
 *   hit A (w0): n2=1 root=1
 *   fill E: root 1 -> n3 0 -> w2: evicts C (LRU would evict B); n3=1 root=0
 *   hit B (w1): n2=0 root=1
 *   fill F: root 1 -> n3 1 -> w3: evicts D; n3=0 root=0
 *   fill G: root 0 -> n2 0 -> w0: evicts A; n2=1 root=1
 *   fill H: root 1 -> n3 0 -> w2: evicts E
 */
Test(tlb_plru, four_ways_hand_traced)
{
	struct tlb *t = make(4, 4, REPL_PLRU);

	cr_expect_not(fill_page(t, A, false));
	cr_expect_not(fill_page(t, B, false));
	cr_expect_not(fill_page(t, C, false));
	cr_expect_not(fill_page(t, D, false));
	cr_expect_not_null(tlb_lookup(t, PAGE(A), 0));
	cr_expect(fill_page(t, E, false));
	expect_held(t, 10, "ABDE", "fill E (C evicted)");
	cr_expect_not_null(tlb_lookup(t, PAGE(B), 0));
	cr_expect(fill_page(t, F, false));
	expect_held(t, 10, "ABEF", "fill F (D evicted)");
	cr_expect(fill_page(t, G, false));
	expect_held(t, 10, "BEFG", "fill G (A evicted)");
	cr_expect(fill_page(t, H, false));
	expect_held(t, 10, "BFGH", "fill H (E evicted)");
	cr_expect_eq(tlb_stats(t)->evictions, 4);
	tlb_destroy(t);
}

/*
 * 8 ways filled in order 0..7 (each fill into a free way touches it): the
 * last toucher of every node points it away, so the tree gives w0; filling
 * w0 turns the root right and the next victim is w4, then w2, then w6 — the
 * tree's order, where LRU would take w1, w2, w3.
 */
Test(tlb_plru, eight_ways_victims_follow_the_tree)
{
	struct tlb *t = make(8, 8, REPL_PLRU);
	static const unsigned victims[] = { 0, 4, 2, 6 };

	for (unsigned n = 0; n < 8; n++)
		fill_page(t, n, false);
	for (unsigned i = 0; i < 4; i++) {
		cr_expect(fill_page(t, 8 + i, false));
		cr_expect_not(tlb_holds(t, PAGE(victims[i]), 0), "fill %u should evict page %u", i, victims[i]);
		cr_expect_eq(tlb_occupancy(t), 8);
	}
	tlb_destroy(t);
}

/* Two sets: a page's set is its number's low bit; each set keeps its own tree. */
Test(tlb_plru, sets_have_their_own_trees)
{
	struct tlb *t = make(4, 2, REPL_PLRU);

	fill_page(t, 0, false); /* set 0 w0 */
	fill_page(t, 2, false); /* set 0 w1: node points to w0 */
	fill_page(t, 1, false); /* set 1 w0 */
	fill_page(t, 3, false); /* set 1 w1: node points to w0 */
	cr_expect_not_null(tlb_lookup(t, PAGE(0), 0)); /* set 0 now points to w1 (page 2) */
	fill_page(t, 4, false);                        /* set 0: evicts page 2 */
	fill_page(t, 5, false);                        /* set 1: evicts page 1 */
	expect_held(t, 6, "ADEF", "a fill in each set");
	tlb_destroy(t);
}

Test(tlb_plru, refuses_ways_not_a_power_of_two)
{
	struct tlb_config cfg = { .name = "dtlb", .level = 1, .kind = TLB_DATA, .entries = 12, .ways = 6,
				  .shift_mask = 1ull << 12, .replacement = REPL_PLRU, .latency = 1 };
	struct mm_error err = { 0 };

	cr_expect_null(tlb_create(&cfg, &err));
	cr_expect_eq(err.code, MM_EINVAL);
	cr_expect_str_eq(err.msg, "cache 'dtlb': plru needs a power-of-two number of ways, not 6");
	cfg.ways = cfg.entries = 1; /* one way: no node at all, always way 0 */
	struct tlb *t = tlb_create(&cfg, &err);
	cr_assert_not_null(t, "%s", err.msg);
	fill_page(t, A, false);
	cr_expect(fill_page(t, B, false));
	expect_held(t, 4, "B", "a one-way PLRU fill");
	tlb_destroy(t);
}

/*
 * SRRIP (Jaleel et al., ISCA 2010), 2-bit RRPVs, one 4-way set; [w0 w1 w2 w3]:
 *   fill A B C D            [2 2 2 2]
 *   hit A                   [0 2 2 2]
 *   fill E: no 3, age       [1 3 3 3] -> w1 (B); E inserted at 2: [1 2 3 3]
 *   fill F: w2 (C) is 3     [1 2 2 3]
 *   hit E (w1)              [1 0 2 3]
 *   fill G: w3 (D)          [1 0 2 2]
 *   fill H: age             [2 1 3 3] -> w2 (F): [2 1 2 3]
 *   fill I: w3 (G)          [2 1 2 2]
 *   fill J: age             [3 2 3 3] -> w0 (A), hit first but oldest now
 */
Test(tlb_srrip, four_ways_hand_traced)
{
	struct tlb *t = make(4, 4, REPL_SRRIP);

	for (unsigned n = A; n <= D; n++)
		cr_expect_not(fill_page(t, n, false));
	cr_expect_not_null(tlb_lookup(t, PAGE(A), 0));
	cr_expect(fill_page(t, E, false));
	expect_held(t, 10, "ACDE", "fill E (B evicted)");
	fill_page(t, F, false);
	expect_held(t, 10, "ADEF", "fill F (C evicted)");
	cr_expect_not_null(tlb_lookup(t, PAGE(E), 0));
	fill_page(t, G, false);
	expect_held(t, 10, "AEFG", "fill G (D evicted)");
	fill_page(t, H, false);
	expect_held(t, 10, "AEGH", "fill H (F evicted)");
	fill_page(t, I, false);
	expect_held(t, 10, "AEHI", "fill I (G evicted)");
	fill_page(t, J, false);
	expect_held(t, 10, "EHIJ", "fill J (A evicted)");
	tlb_destroy(t);
}

/* A scan of pages used once does not push out a page that hit (LRU would lose it at the 4th new page). */
Test(tlb_srrip, a_hit_page_survives_a_scan)
{
	struct tlb *t = make(4, 4, REPL_SRRIP);

	fill_page(t, 0, false);
	cr_expect_not_null(tlb_lookup(t, PAGE(0), 0)); /* RRPV 0 */
	for (unsigned n = 1; n <= 8; n++)
		fill_page(t, n, false);
	/*
	 * Fills 1-3 take the free ways at 2: [0 2 2 2].  4: age -> [1 3 3 3], w1; [1 2 3 3].
	 * 5: w2; [1 2 2 3].  6: w3; [1 2 2 2].  7: age -> [2 3 3 3], w1; [2 2 3 3].  8: w2.
	 */
	expect_held(t, 9, "AGHI", "the scan");
	tlb_destroy(t);
}

/* ---- prefetched-entry accounting ---- */

Test(tlb_prefetched, useful_at_the_first_hit_only)
{
	struct tlb *t = make(4, 4, REPL_LRU);

	fill_page(t, A, true);
	fill_page(t, B, true);
	cr_expect_eq(tlb_stats(t)->prefetches, 2);
	cr_expect_not_null(tlb_lookup(t, PAGE(A), 0));
	cr_expect_not_null(tlb_lookup(t, PAGE(A), 0));
	cr_expect_eq(tlb_stats(t)->prefetch_useful, 1);
	cr_expect_eq(tlb_stats(t)->prefetch_useless, 0);
	/* Holding is not using. */
	cr_expect(tlb_holds(t, PAGE(B), 0));
	cr_expect_eq(tlb_stats(t)->prefetch_useful, 1);
	tlb_destroy(t);
}

/* Evicted, flushed, invalidated or overwritten before any hit: useless; a used one leaves uncounted. */
Test(tlb_prefetched, useless_when_it_leaves_unused)
{
	struct tlb *t = make(2, 2, REPL_FIFO);

	fill_page(t, A, true);
	fill_page(t, B, false);
	fill_page(t, C, false); /* FIFO evicts A, unused */
	cr_expect_eq(tlb_stats(t)->prefetch_useless, 1);
	fill_page(t, D, true);  /* evicts B, a demand entry: not counted */
	cr_expect_eq(tlb_stats(t)->prefetch_useless, 1);
	fill_page(t, D, false); /* the demand fill of D overwrites its unused prefetch */
	cr_expect_eq(tlb_stats(t)->prefetch_useless, 2);
	fill_page(t, E, true);  /* evicts C */
	tlb_flush_all(t);       /* E unused, D demand */
	cr_expect_eq(tlb_stats(t)->prefetch_useless, 3);
	fill_page(t, F, true);
	cr_expect_not_null(tlb_lookup(t, PAGE(F), 0));
	tlb_flush_all(t);       /* F was used */
	cr_expect_eq(tlb_stats(t)->prefetch_useless, 3);
	fill_page(t, G, true);
	tlb_flush_range(t, PAGE(G), K4, TLB_SELECT_ALL, 0);
	cr_expect_eq(tlb_stats(t)->prefetch_useless, 4);
	cr_expect_eq(tlb_stats(t)->prefetches, 5);
	cr_expect_eq(tlb_stats(t)->prefetch_useful, 1);
	tlb_destroy(t);
}

Test(tlb_prefetched, entry_stays_48_bytes)
{
	cr_expect_leq(sizeof(struct tlb_entry), 48);
}

/* ---- prefetchers ---- */

static struct tlb_prefetcher *prefetcher(enum tlb_prefetch_kind kind, unsigned degree)
{
	struct tlb_prefetch_config cfg = { .kind = kind, .degree = degree };
	struct tlb_prefetcher *p = tlb_prefetcher_create(&cfg);

	cr_assert_not_null(p);
	return p;
}

/* The predictions of a miss of vpn, as "a,b,c" ("" for none). */
static const char *predict(struct tlb_prefetcher *p, uint64_t vpn, char *buf, size_t len)
{
	uint64_t out[TLB_PREFETCH_MAX_DEGREE];
	unsigned n = tlb_prefetcher_miss(p, vpn, out);

	buf[0] = '\0';
	for (unsigned i = 0; i < n; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%llu", i ? "," : "", (unsigned long long)out[i]);
	return buf;
}

Test(tlb_prefetcher, next_page_degree)
{
	struct tlb_prefetcher *p = prefetcher(TLB_PREFETCH_NEXT, 3);
	char buf[128];

	cr_expect_str_eq(predict(p, 10, buf, sizeof(buf)), "11,12,13");
	cr_expect_str_eq(predict(p, 100, buf, sizeof(buf)), "101,102,103");
	tlb_prefetcher_destroy(p);
}

Test(tlb_prefetcher, sequential_only_after_the_page_before)
{
	struct tlb_prefetcher *p = prefetcher(TLB_PREFETCH_SEQUENTIAL, 2);
	char buf[128];

	cr_expect_str_eq(predict(p, 10, buf, sizeof(buf)), "");
	cr_expect_str_eq(predict(p, 11, buf, sizeof(buf)), "12,13");
	cr_expect_str_eq(predict(p, 20, buf, sizeof(buf)), "");
	cr_expect_str_eq(predict(p, 19, buf, sizeof(buf)), "");
	cr_expect_str_eq(predict(p, 20, buf, sizeof(buf)), "21,22");
	tlb_prefetcher_destroy(p);
}

/*
 * Distance prefetching, 2 predictions per row.  Misses 0 1 4 5 8 9: distances
 * 1 3 1 3 1.  Miss 1: d=1, row 1 empty.  Miss 4: d=3, row 3 empty; learn
 * row1 <- 3.  Miss 5: d=1, row 1 = [3] -> 8; learn row3 <- 1.  Miss 8: d=3,
 * row 3 = [1] -> 9; learn row1 <- 3 (there).  Miss 9: d=1 -> 12.  Then a
 * miss at distance 2 (11): row 2 empty; learn row1 <- 2: row 1 = [2, 3].
 * Miss 12: d=1 -> 14, 15.
 */
Test(tlb_prefetcher, distance_learns_what_follows_each_distance)
{
	struct tlb_prefetcher *p = prefetcher(TLB_PREFETCH_DISTANCE, 2);
	char buf[128];

	cr_expect_str_eq(predict(p, 0, buf, sizeof(buf)), "");
	cr_expect_str_eq(predict(p, 1, buf, sizeof(buf)), "");
	cr_expect_str_eq(predict(p, 4, buf, sizeof(buf)), "");
	cr_expect_str_eq(predict(p, 5, buf, sizeof(buf)), "8");
	cr_expect_str_eq(predict(p, 8, buf, sizeof(buf)), "9");
	cr_expect_str_eq(predict(p, 9, buf, sizeof(buf)), "12");
	cr_expect_str_eq(predict(p, 11, buf, sizeof(buf)), "");
	cr_expect_str_eq(predict(p, 12, buf, sizeof(buf)), "14,15");
	tlb_prefetcher_destroy(p);
}

/* Degree 1: a row keeps only the latest distance; rows are tagged, so distances 1 and 65 do not share one. */
Test(tlb_prefetcher, distance_rows_are_tagged_and_keep_the_latest)
{
	struct tlb_prefetcher *p = prefetcher(TLB_PREFETCH_DISTANCE, 1);
	char buf[128];

	predict(p, 0, buf, sizeof(buf));
	predict(p, 1, buf, sizeof(buf));  /* d=1 */
	predict(p, 3, buf, sizeof(buf));  /* d=2: row1 <- 2 */
	predict(p, 4, buf, sizeof(buf));  /* d=1 -> 6; row2 <- 1 */
	predict(p, 9, buf, sizeof(buf));  /* d=5: row1 <- 5 (replaces 2) */
	cr_expect_str_eq(predict(p, 10, buf, sizeof(buf)), "15"); /* d=1: row1 = [5]; row5 <- 1 */
	cr_expect_str_eq(predict(p, 75, buf, sizeof(buf)), "");   /* d=65: row 65 % 64 = 1 is tagged 1 */
	tlb_prefetcher_destroy(p);
}

Test(tlb_prefetcher, none_creates_nothing)
{
	struct tlb_prefetch_config cfg = { .kind = TLB_PREFETCH_NONE };

	cr_expect_null(tlb_prefetcher_create(&cfg));
}

/* ---- config ---- */

static void load_ok(const char *tlb_yaml, struct machine_config *mc)
{
	char text[600];
	struct mm_error err = { 0 };

	snprintf(text, sizeof(text), "extends: x86_64\n%s\n", tlb_yaml);
	cr_assert_eq(config_load_string(text, strlen(text), "t.yaml", mc, &err), MM_OK, "%s", err.msg);
}

Test(tlb_policy_config, keys_load)
{
	struct machine_config mc;

	load_ok("tlb:\n"
		"  - {name: a, level: 1, kind: data, entries: 8, ways: 4, page_sizes: [4K], replacement: plru}\n"
		"  - {name: b, level: 2, kind: data, entries: 12, ways: 6, page_sizes: [4K], replacement: srrip,\n"
		"     prefetch: {kind: distance, degree: 4}, line_prefetch: true}\n"
		"  - {name: c, level: 1, kind: instruction, entries: 4, page_sizes: [4K], prefetch: {kind: sequential}}\n",
		&mc);
	cr_assert_eq(mc.nr_tlb, 3);
	cr_expect_eq(mc.tlb[0].replacement, REPL_PLRU);
	cr_expect_eq(mc.tlb[0].prefetch.kind, TLB_PREFETCH_NONE);
	cr_expect_not(mc.tlb[0].prefetch.line);
	cr_expect_eq(mc.tlb[1].replacement, REPL_SRRIP);
	cr_expect_eq(mc.tlb[1].prefetch.kind, TLB_PREFETCH_DISTANCE);
	cr_expect_eq(mc.tlb[1].prefetch.degree, 4);
	cr_expect(mc.tlb[1].prefetch.line);
	cr_expect_eq(mc.tlb[2].prefetch.kind, TLB_PREFETCH_SEQUENTIAL);
	cr_expect_eq(mc.tlb[2].prefetch.degree, 1, "degree defaults to 1");
	load_ok("tlb: [{name: a, level: 1, kind: data, entries: 4, page_sizes: [4K], prefetch: {kind: next, degree: 16}}]",
		&mc);
	cr_expect_eq(mc.tlb[0].prefetch.kind, TLB_PREFETCH_NEXT);
	cr_expect_eq(mc.tlb[0].prefetch.degree, 16);
	/* A fully associative PLRU TLB: ways default to entries (a power of two here). */
	load_ok("tlb: [{name: a, level: 1, kind: data, entries: 64, page_sizes: [4K], replacement: plru}]", &mc);
	cr_expect_eq(mc.tlb[0].ways, 64);
}

struct policy_rule {
	char yaml[200];
	char msg[200];
};

static const struct policy_rule policy_rules[] = {
	{ "tlb: [{name: a, level: 1, kind: data, entries: 12, ways: 6, page_sizes: [4K], replacement: plru}]",
	  "t.yaml:2:92: tlb[0].replacement: plru needs a power-of-two number of ways, not 6" },
	{ "tlb: [{name: a, level: 1, kind: data, entries: 3, page_sizes: [4K], replacement: plru}]",
	  "t.yaml:2:82: tlb[0].replacement: plru needs a power-of-two number of ways, not 3" },
	{ "pwc: [{level: 2, entries: 6, ways: 6, replacement: plru}]",
	  "t.yaml:2:52: pwc[0].replacement: plru needs a power-of-two number of ways, not 6" },
	{ "tlb: [{name: a, level: 1, kind: data, entries: 4, page_sizes: [4K], replacement: rrip}]",
	  "t.yaml:2:82: unknown value 'rrip' for tlb[0].replacement (expected lru | fifo | random | plru | srrip)" },
	{ "tlb: [{name: a, level: 1, kind: data, entries: 4, page_sizes: [4K], prefetch: {kind: stride}}]",
	  "t.yaml:2:86: unknown value 'stride' for tlb[0].prefetch.kind (expected next | sequential | distance)" },
	{ "tlb: [{name: a, level: 1, kind: data, entries: 4, page_sizes: [4K], prefetch: {degree: 2}}]",
	  "t.yaml:2:79: missing key 'kind' in tlb[0].prefetch" },
	{ "tlb: [{name: a, level: 1, kind: data, entries: 4, page_sizes: [4K], prefetch: {kind: next, degree: 0}}]",
	  "t.yaml:2:100: tlb[0].prefetch.degree must be 1 to 16" },
	{ "tlb: [{name: a, level: 1, kind: data, entries: 4, page_sizes: [4K], prefetch: {kind: next, degree: 17}}]",
	  "t.yaml:2:100: tlb[0].prefetch.degree must be 1 to 16" },
	{ "tlb: [{name: a, level: 1, kind: data, entries: 4, page_sizes: [4K], prefetch: {kind: next, degree: two}}]",
	  "t.yaml:2:100: expected a number for tlb[0].prefetch.degree" },
	{ "tlb: [{name: a, level: 1, kind: data, entries: 4, page_sizes: [4K], prefetch: {kind: next, depth: 2}}]",
	  "t.yaml:2:92: unknown key 'depth' in tlb[0].prefetch" },
	{ "tlb: [{name: a, level: 1, kind: data, entries: 4, page_sizes: [4K], prefetch: next}]",
	  "t.yaml:2:79: expected a mapping for tlb[0].prefetch" },
	{ "tlb: [{name: a, level: 1, kind: data, entries: 4, page_sizes: [4K], line_prefetch: maybe}]",
	  "t.yaml:2:84: expected a boolean for tlb[0].line_prefetch" },
	{ "pwc: [{level: 2, entries: 4, prefetch: {kind: next}}]", "t.yaml:2:30: unknown key 'prefetch' in pwc[0]" },
};

ParameterizedTestParameters(tlb_policy_config, rules)
{
	return cr_make_param_array(struct policy_rule, policy_rules, sizeof(policy_rules) / sizeof(policy_rules[0]));
}

/* Each bad key or value, with its exact message and position. */
ParameterizedTest(const struct policy_rule *c, tlb_policy_config, rules)
{
	char text[300];
	struct machine_config mc;
	struct mm_error err = { 0 };

	snprintf(text, sizeof(text), "extends: x86_64\n%s\n", c->yaml);
	cr_assert_eq(config_load_string(text, strlen(text), "t.yaml", &mc, &err), MM_EINVAL, "for %s", c->yaml);
	cr_expect_eq(err.code, MM_EINVAL);
	cr_expect_str_eq(err.msg, c->msg);
}

/* ---- prefetch walks in the MMU ---- */

#include "sim/machine.h"
#include "sim/mmu.h"

/*
 * x86_64, one data TLB prefetching the next page; 3 pages mapped with A and D
 * clear.  A read of page 0 walks (sets A on page 0's PTE) and prefetches
 * page 1 with a walk that leaves A clear; a read of page 1 then hits the
 * prefetched entry without a walk (A stays clear: the hardware trusted the
 * TLB).  A write to page 1 must still set D: the prefetched entry is not dirty.
 */
Test(mmu_tlb_prefetch, prefetch_walk_leaves_accessed_and_dirty_alone)
{
	static const char yaml[] = "extends: x86_64\npwc: []\n"
				   "tlb: [{name: l1d, level: 1, kind: data, entries: 16, page_sizes: [4K],\n"
				   "       prefetch: {kind: next}}]\n";
	struct machine_config cfg;
	struct machine *m;
	struct mmu mmu;
	struct mm_error err = { 0 };
	struct page_prop rw = { PROP_R | PROP_W | PROP_U, CACHE_WB };
	struct mmu_result res;
	struct pt_mapping pm;

	cr_assert_eq(config_load_string(yaml, strlen(yaml), "t.yaml", &cfg, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(machine_create(&cfg, &m, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(machine_map(m, 0x400000, cfg.mem_base + 0x200000, 3 * K4, &rw, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(mmu_init(&mmu, m, &err), MM_OK, "%s", err.msg);

	mmu_translate(&mmu, 0x400000, ACCESS_READ, &res);
	cr_assert(res.ok);
	cr_expect_eq(mmu.stats.walks, 1);
	cr_expect_eq(mmu.stats.pte_reads, 4);
	cr_expect_eq(mmu.stats.prefetch_walks, 1);
	cr_expect_eq(mmu.stats.prefetch_pte_reads, 4);
	cr_assert(pt_query(m->user, 0x400000, &pm));
	cr_expect(pm.prop.flags & PROP_A, "the demand walk sets A");
	cr_assert(pt_query(m->user, 0x401000, &pm));
	cr_expect_not(pm.prop.flags & PROP_A, "the prefetch walk set A");

	mmu_translate(&mmu, 0x401008, ACCESS_READ, &res);
	cr_assert(res.ok);
	cr_expect_eq(res.pa, cfg.mem_base + 0x201008);
	cr_expect_eq(mmu.stats.walks, 1, "the prefetched page walked again");
	const struct tlb_stats *ts = tlb_stats(mmu.cur->tlb[0]);
	cr_expect_eq(ts->prefetches, 1);
	cr_expect_eq(ts->prefetch_useful, 1);

	mmu_translate(&mmu, 0x401008, ACCESS_WRITE, &res);
	cr_assert(res.ok);
	cr_expect_eq(mmu.stats.dirty_rewalks, 1);
	cr_assert(pt_query(m->user, 0x401000, &pm));
	cr_expect(pm.prop.flags & PROP_D, "the write's walk sets D");
	mmu_fini(&mmu);
	machine_destroy(m);
}
