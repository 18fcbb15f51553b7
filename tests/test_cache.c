/*
 * The data caches (sim/cache.c, sim/cache_hierarchy.c) and the walker's PTE
 * reads through them.  Every count is worked out by hand in the comments.
 * Lines are 64 bytes unless said otherwise: a line is pa >> 6, its set line % sets.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "sim/cache.h"
#include "sim/cache_hierarchy.h"
#include "sim/replay.h"
#include "formats/config.h"
#include "formats/trace_text.h"

enum { A = 0x0, B = 0x40, C = 0x80 }; /* three lines; with one set they all compete */

static struct cache *one_set(unsigned ways, enum tlb_replacement repl)
{
	struct cache_config cfg = { .sets = 1, .ways = ways, .latency = 1, .replacement = repl, .seed = 1 };
	struct mm_error err = { 0 };
	struct cache *c = cache_create(&cfg, 6, &err);

	cr_assert(c, "%s", err.msg);
	return c;
}

/*
 * 2 ways, LRU; A B A C A B C:
 *   A miss [A]; B miss [A B]; A hit (A now newest); C miss, evicts B (least
 *   recent) [A C]; A hit; B miss, evicts C [A B]; C miss, evicts A [B C].
 *   hits 2, misses 5, evictions 3.
 */
Test(cache, lru_sequence)
{
	struct cache *c = one_set(2, REPL_LRU);
	const uint64_t seq[] = { A, B, A, C, A, B, C };
	const bool hit[] = { false, false, true, false, true, false, false };

	for (unsigned i = 0; i < 7; i++)
		cr_expect_eq(cache_access(c, seq[i], true), hit[i], "access %u", i);
	cr_expect_eq(cache_stats(c)->hits, 2);
	cr_expect_eq(cache_stats(c)->misses, 5);
	cr_expect_eq(cache_stats(c)->evictions, 3);
	cr_expect(cache_holds(c, B) && cache_holds(c, C) && !cache_holds(c, A));
	cache_destroy(c);
}

/*
 * 2 ways, FIFO; the same A B A C A B C:
 *   A miss [A]; B miss [A B]; A hit (its place in line stays); C miss, evicts
 *   A (first in) [B C]; A miss, evicts B [C A]; B miss, evicts C [A B]; C miss,
 *   evicts A [B C].  hits 1, misses 6, evictions 4.
 */
Test(cache, fifo_sequence)
{
	struct cache *c = one_set(2, REPL_FIFO);
	const uint64_t seq[] = { A, B, A, C, A, B, C };
	const bool hit[] = { false, false, true, false, false, false, false };

	for (unsigned i = 0; i < 7; i++)
		cr_expect_eq(cache_access(c, seq[i], true), hit[i], "access %u", i);
	cr_expect_eq(cache_stats(c)->hits, 1);
	cr_expect_eq(cache_stats(c)->misses, 6);
	cr_expect_eq(cache_stats(c)->evictions, 4);
	cr_expect(cache_holds(c, B) && cache_holds(c, C) && !cache_holds(c, A));
	cache_destroy(c);
}

/* Random: a full set's miss evicts exactly one of its lines, and the new one is in. */
Test(cache, random_evicts_one_way)
{
	struct cache *c = one_set(2, REPL_RANDOM);

	cache_access(c, A, true);
	cache_access(c, B, true);
	cr_expect_not(cache_access(c, C, true));
	cr_expect(cache_holds(c, C));
	cr_expect_eq(cache_holds(c, A) + cache_holds(c, B), 1, "one of A and B was evicted");
	cr_expect_eq(cache_stats(c)->evictions, 1);
	cache_destroy(c);
}

/*
 * 4 sets, 1 way: 0x0 and 0x3f are one line (set 0); 0x40 is set 1; 0x100 is
 * line 4, set 0 again, so it evicts line 0.  An access without fill leaves the
 * cache as it was.
 */
Test(cache, sets_and_lines)
{
	struct cache_config cfg = { .sets = 4, .ways = 1, .latency = 1 };
	struct mm_error err = { 0 };
	struct cache *c = cache_create(&cfg, 6, &err);

	cr_assert(c);
	cr_expect_not(cache_access(c, 0x0, true));
	cr_expect(cache_access(c, 0x3f, true), "same 64-byte line");
	cr_expect_not(cache_access(c, 0x40, true));
	cr_expect(cache_access(c, 0x0, true), "0x40 went to set 1");
	cr_expect_not(cache_access(c, 0x100, false));
	cr_expect(cache_holds(c, 0x0), "no fill: line 0 stays");
	cr_expect_not(cache_access(c, 0x100, true));
	cr_expect_not(cache_holds(c, 0x0), "line 4 took set 0");
	cr_expect_eq(cache_stats(c)->evictions, 1);
	cache_stats_reset(c);
	cr_expect_eq(cache_stats(c)->misses, 0);
	cr_expect(cache_holds(c, 0x100), "a statistics reset keeps the contents");
	cache_destroy(c);
}

/* L1D 1 set x 1 way (4 cycles), L2 1 set x 2 ways (12), LLC 1 set x 1 way (40), memory 100. */
static struct cache_hierarchy *tiny_hierarchy(void)
{
	struct cache_hierarchy_config cfg = {
		.on = true,
		.line_shift = 6,
		.present = { true, true, true },
		.level = {
			[CACHE_L1D] = { .sets = 1, .ways = 1, .latency = 4 },
			[CACHE_L2] = { .sets = 1, .ways = 2, .latency = 12 },
			[CACHE_LLC] = { .sets = 1, .ways = 1, .latency = 40 },
		},
	};
	struct mm_error err = { 0 };
	struct cache_hierarchy *h = cache_hierarchy_create(&cfg, 100, &err);

	cr_assert(h, "%s", err.msg);
	return h;
}

static unsigned load(struct cache_hierarchy *h, struct cache_cpu *cpu, uint64_t pa, enum cache_level want)
{
	enum cache_level where;
	unsigned cycles = cache_hierarchy_load(h, cpu, pa, &where);

	cr_expect_eq(where, want, "0x%llx served by %s, expected %s", (unsigned long long)pa, cache_level_name(where),
		     cache_level_name(want));
	return cycles;
}

/*
 * Fill on the way back, every level that missed; the levels are neither
 * inclusive nor exclusive:
 *   A: memory (100), fills L1D [A], L2 [A], LLC [A]
 *   A: L1D (4)
 *   B: memory, fills L1D [B] (A evicted), L2 [A B], LLC [B] (A evicted)
 *   A: L2 (12): the LLC dropped A but the L2 kept it (no back-invalidation);
 *      the hit makes A the L2's most recent; fills L1D [A]
 *   C: memory; L1D [C], L2 [A C] (B, least recent, evicted), LLC [C]
 *   A: L2 (12)
 */
Test(cache_hierarchy, fill_on_the_way_back_non_inclusive)
{
	struct cache_hierarchy *h = tiny_hierarchy();
	struct mm_error err = { 0 };
	struct cache_cpu *cpu = cache_hierarchy_add_cpu(h, &err);
	struct cache_stats l1, l2, llc;

	cr_assert(cpu, "%s", err.msg);
	cr_expect_eq(load(h, cpu, A, CACHE_MEMORY), 100);
	cr_expect_eq(load(h, cpu, A, CACHE_L1D), 4);
	cr_expect_eq(load(h, cpu, B, CACHE_MEMORY), 100);
	cr_expect_eq(load(h, cpu, A, CACHE_L2), 12);
	cr_expect_eq(load(h, cpu, C, CACHE_MEMORY), 100);
	cr_expect_eq(load(h, cpu, A, CACHE_L2), 12);
	cache_hierarchy_totals(h, CACHE_L1D, &l1);
	cache_hierarchy_totals(h, CACHE_L2, &l2);
	cache_hierarchy_totals(h, CACHE_LLC, &llc);
	/* L1D: hit on the 2nd load only; 5 misses; evictions at B, A, C, A */
	cr_expect_eq(l1.hits, 1);
	cr_expect_eq(l1.misses, 5);
	cr_expect_eq(l1.evictions, 4);
	/* L2 sees the 5 L1D misses: A miss, B miss, A hit, C miss (evicts B), A hit */
	cr_expect_eq(l2.hits, 2);
	cr_expect_eq(l2.misses, 3);
	cr_expect_eq(l2.evictions, 1);
	/* LLC sees the 3 L2 misses: A, B (evicts A), C (evicts B) */
	cr_expect_eq(llc.hits, 0);
	cr_expect_eq(llc.misses, 3);
	cr_expect_eq(llc.evictions, 2);
	cache_hierarchy_destroy(h);
}

/* L1D and L2 are per CPU, the LLC is shared: CPU 1 finds CPU 0's line in the LLC. */
Test(cache_hierarchy, llc_is_shared)
{
	struct cache_hierarchy *h = tiny_hierarchy();
	struct mm_error err = { 0 };
	struct cache_cpu *cpu0 = cache_hierarchy_add_cpu(h, &err), *cpu1 = cache_hierarchy_add_cpu(h, &err);
	struct cache_stats l1;

	cr_assert(cpu0 && cpu1);
	load(h, cpu0, A, CACHE_MEMORY);
	cr_expect_eq(load(h, cpu1, A, CACHE_LLC), 40);
	cr_expect_eq(load(h, cpu0, A, CACHE_L1D), 4);
	cache_hierarchy_totals(h, CACHE_L1D, &l1);
	cr_expect_eq(l1.hits, 1, "summed over both CPUs");
	cr_expect_eq(l1.misses, 2);
	cache_hierarchy_stats_reset(h);
	cache_hierarchy_totals(h, CACHE_L1D, &l1);
	cr_expect_eq(l1.misses, 0);
	cr_expect_eq(load(h, cpu1, A, CACHE_L1D), 4, "a statistics reset keeps the contents");
	cache_hierarchy_destroy(h);
}

/* ---- PTE reads of real walks, through the replay ---- */

/* x86_64 with a 4-entry data TLB (1 cycle), memory 100 cycles; caches appended by each test. */
#define SMALL_X86 \
	"extends: x86_64\n" \
	"tlb: [{name: l1d, level: 1, kind: data, entries: 4, page_sizes: [4K, 2M, 1G]}]\n" \
	"memory_latency: 100\n"

struct fx {
	struct machine *m;
	struct replay r;
};

static struct fx fx;

static void fx_start(const char *yaml)
{
	struct machine_config cfg;
	struct mm_error err = { 0 };
	struct replay_options opt = { 0 };

	memset(&fx, 0, sizeof(fx));
	cr_assert_eq(config_load_string(yaml, strlen(yaml), "t.yaml", &cfg, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(machine_create(&cfg, &fx.m, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(replay_init(&fx.r, fx.m, &opt, "t.trace", &err), MM_OK, "%s", err.msg);
}

static void fx_stop(void)
{
	replay_fini(&fx.r);
	machine_destroy(fx.m);
}

static void run(const char *const *lines)
{
	for (unsigned i = 0; lines[i]; i++) {
		char buf[128];
		struct trace_event ev;
		struct mm_error err = { 0 };

		snprintf(buf, sizeof(buf), "%s", lines[i]);
		cr_assert_eq(trace_parse_line(buf, &ev, &err), 1, "%s: %s", lines[i], err.msg);
		ev.line = i + 1;
		cr_assert_eq(replay_events(&fx.r, &ev, 1, &err), MM_OK, "%s: %s", lines[i], err.msg);
	}
}

#define RUN(...) run((const char *const[]){ __VA_ARGS__, NULL })
#define ST (fx.r.mmu.stats)
#define CS (*cache_hierarchy_stats(fx.r.mmu.caches))

static const char *const eight_pages[] = {
	"map 0x400000 0x10000000 32K rwu", "r 0x400000", "r 0x401000", "r 0x402000", "r 0x403000",
	"r 0x404000", "r 0x405000", "r 0x406000", "r 0x407000", NULL,
};

/*
 * Eight consecutive 4K pages, no PWC: every read misses the TLB and walks 4
 * levels.  Their leaf PTEs are entries 0..7 of one page table: one 64-byte
 * line.  The PML4E, PDPTE and PDE are the same entries every time.  So each
 * level: the first walk's read from memory, the other 7 from the L1D.
 * (All four lines fall in set 0 of the L1D: 4 of its 8 ways, no eviction.)
 * cycles: 8 TLB probes + 4 x 100 + 7 x 4 x 4 = 8 + 400 + 112 = 520.
 */
Test(cache_walk, eight_leaf_ptes_share_a_line)
{
	fx_start(SMALL_X86 "pwc: []\ncaches: {l1d: {sets: 64, ways: 8, latency: 4}}\n");
	run(eight_pages);
	cr_expect_eq(ST.walks, 8);
	cr_expect_eq(ST.pte_reads, 32);
	for (unsigned level = 1; level <= 4; level++) {
		cr_expect_eq(CS.pte_found[level][CACHE_MEMORY], 1, "level %u", level);
		cr_expect_eq(CS.pte_found[level][CACHE_L1D], 7, "level %u", level);
	}
	cr_expect_eq(CS.pte_cycles, 400 + 112);
	cr_expect_eq(ST.cycles, 8 + 400 + 112);
	fx_stop();
}

/*
 * With a PDE cache the walks after the first read only the leaf PTE: the
 * leaf level is 1 miss + 7 L1D hits, the upper levels one memory read each.
 * cycles: 8 TLB probes + 8 PWC probes + 4 x 100 + 7 x 4 = 444.
 */
Test(cache_walk, with_pde_cache_leaf_level_one_miss_seven_hits)
{
	fx_start(SMALL_X86 "pwc: [{level: 2, entries: 4}]\ncaches: {l1d: {sets: 64, ways: 8, latency: 4}}\n");
	run(eight_pages);
	cr_expect_eq(ST.pte_reads, 4 + 7);
	cr_expect_eq(CS.pte_found[1][CACHE_MEMORY], 1);
	cr_expect_eq(CS.pte_found[1][CACHE_L1D], 7);
	for (unsigned level = 2; level <= 4; level++) {
		cr_expect_eq(CS.pte_found[level][CACHE_MEMORY], 1, "level %u", level);
		cr_expect_eq(CS.pte_found[level][CACHE_L1D], 0, "level %u", level);
	}
	cr_expect_eq(ST.cycles, 8 + 8 + 400 + 28);
	fx_stop();
}

/* Without the caches: block every PTE read costs memory_latency, as before: 8 + 32 x 100. */
Test(cache_walk, off_is_flat_memory_latency)
{
	fx_start(SMALL_X86 "pwc: []\n");
	run(eight_pages);
	cr_expect_null(fx.r.mmu.caches);
	cr_expect_eq(ST.cycles, 8 + 3200);
	fx_stop();
}

/*
 * data: true, the page's data through the same caches; its cycles apart:
 *   r 0x400000: walk (4 memory reads), data line 0x10000000 from memory
 *   r 0x400008: TLB hit, same data line: L1D
 *   r 0x400040: TLB hit, the next line: memory
 * data 100 + 4 + 100 = 204; translation cycles 3 + 400, not counting them.
 */
Test(cache_walk, data_accesses_counted_apart)
{
	fx_start(SMALL_X86 "pwc: []\ncaches: {l1d: {sets: 64, ways: 8, latency: 4}, data: true}\n");
	RUN("map 0x400000 0x10000000 4K rwu", "r 0x400000", "r 0x400008", "r 0x400040");
	cr_expect_eq(CS.data_found[CACHE_MEMORY], 2);
	cr_expect_eq(CS.data_found[CACHE_L1D], 1);
	cr_expect_eq(CS.data_cycles, 204);
	cr_expect_eq(ST.cycles, 3 + 400);
	fx_stop();
}

/*
 * PTE lines compete with data: a 1-set, 4-way LRU L1D and two pages.
 *   r 0x400000: PML4E, PDPTE, PDE, PTE lines miss [4 E D P]; data line D0
 *               misses and evicts the PML4E line
 *   r 0x401000: PML4E misses (evicts PDPTE), PDPTE misses (evicts PDE), PDE
 *               misses (evicts the PTE line), the PTE (same line as before)
 *               misses (evicts D0); data D1 misses (evicts the PML4E line)
 * Every PTE read came from memory; without data: true the second walk would
 * have found all four in the L1D (next test).
 */
Test(cache_walk, data_evicts_pte_lines)
{
	fx_start(SMALL_X86 "pwc: []\ncaches: {l1d: {sets: 1, ways: 4, latency: 4}, data: true}\n");
	RUN("map 0x400000 0x10000000 8K rwu", "r 0x400000", "r 0x401000");
	for (unsigned level = 1; level <= 4; level++) {
		cr_expect_eq(CS.pte_found[level][CACHE_MEMORY], 2, "level %u", level);
		cr_expect_eq(CS.pte_found[level][CACHE_L1D], 0, "level %u", level);
	}
	struct cache_stats l1;
	cache_hierarchy_totals(fx.r.mmu.caches, CACHE_L1D, &l1);
	cr_expect_eq(l1.hits, 0);
	cr_expect_eq(l1.misses, 10);
	cr_expect_eq(l1.evictions, 6);
	fx_stop();
}

Test(cache_walk, without_data_pte_lines_stay)
{
	fx_start(SMALL_X86 "pwc: []\ncaches: {l1d: {sets: 1, ways: 4, latency: 4}}\n");
	RUN("map 0x400000 0x10000000 8K rwu", "r 0x400000", "r 0x401000");
	for (unsigned level = 1; level <= 4; level++) {
		cr_expect_eq(CS.pte_found[level][CACHE_MEMORY], 1, "level %u", level);
		cr_expect_eq(CS.pte_found[level][CACHE_L1D], 1, "level %u", level);
	}
	cr_expect_eq(CS.data_found[CACHE_MEMORY] + CS.data_found[CACHE_L1D], 0, "data: false sends no data");
	fx_stop();
}

/* A statistics reset (stats reset / warm-up) zeroes the cache counters and keeps the lines. */
Test(cache_walk, stats_reset_keeps_lines)
{
	fx_start(SMALL_X86 "pwc: []\ncaches: {l1d: {sets: 64, ways: 8, latency: 4}}\n");
	RUN("map 0x400000 0x10000000 8K rwu", "r 0x400000", "stats reset", "r 0x401000");
	for (unsigned level = 1; level <= 4; level++) {
		cr_expect_eq(CS.pte_found[level][CACHE_MEMORY], 0, "level %u", level);
		cr_expect_eq(CS.pte_found[level][CACHE_L1D], 1, "level %u", level);
	}
	cr_expect_eq(CS.pte_cycles, 16);
	fx_stop();
}

/*
 * Each CPU gets its own L1D and L2: they count against the host memory all
 * CPUs' caches may take (4 GiB).  An L2 of 4 M lines takes 96 MiB of tags
 * (24 bytes a line): 42 CPUs fit (4032 MiB), the 43rd is refused.
 */
Test(cache_walk, private_caches_count_against_host_memory)
{
	struct mm_error err = { 0 };

	fx_start(SMALL_X86 "pwc: []\ncaches: {l2: {sets: 1M, ways: 4, latency: 12}}\n");
	for (unsigned cpu = 1; cpu < 42; cpu++)
		cr_assert_eq(mmu_select_cpu(&fx.r.mmu, cpu, &err), MM_OK, "cpu %u: %s", cpu, err.msg);
	cr_expect_eq(mmu_select_cpu(&fx.r.mmu, 42, &err), MM_ENOMEM);
	cr_expect_str_eq(err.msg, "cpu 42: 43 CPUs with 4 cache entries and 96 MiB of data caches each would need more than 4096 MiB");
	fx_stop();
}
