/*
 * mmusim mrc end to end: a hand-worked reference string, then the proof that
 * one pass equals separate replays — dozens of TLB geometries (fully
 * associative sizes, set-associative set counts and ways, a data-only TLB),
 * each replayed on its own through a config whose only TLB is that one LRU
 * array, over a generated trace with reads, writes, fetches, an ASID switch
 * and a full flush; the output files; every bad input with its message.
 */
#include <criterion/criterion.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static char *trace_path;

/* 20000 accesses, 80% over 100 hot pages, the rest over 3000; an ASID switch and back, a full flush. */
static void make_trace(void)
{
	size_t cap = 1 << 20, len = 0;
	char *text = malloc(cap);
	uint64_t x = 88172645463325252ull;

	cr_assert_not_null(text);
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		uint64_t page = (x % 10 < 8) ? (x >> 8) % 100 : (x >> 8) % 3000;
		const char *op = (x >> 40) % 10 < 6 ? "r" : (x >> 40) % 10 < 8 ? "w" : "x";
		if (i == 6000)
			len += (size_t)snprintf(text + len, cap - len, "asid 1\n");
		if (i == 8000)
			len += (size_t)snprintf(text + len, cap - len, "asid 0\n");
		if (i == 12000)
			len += (size_t)snprintf(text + len, cap - len, "flush\n");
		len += (size_t)snprintf(text + len, cap - len, "%s 0x%" PRIx64 "\n", op,
					0x400000 + page * 4096 + (x >> 20) % 4000);
	}
	trace_path = write_temp_file(text, ".trace");
	free(text);
}

static void cleanup(void)
{
	remove_temp_file(trace_path);
}

/* The misses of the replay of the trace through one LRU TLB of this geometry (and kind) alone. */
static uint64_t replay_misses(unsigned entries, unsigned ways, const char *kind)
{
	char yaml[512], *cfg;
	struct run_result r;
	uint64_t misses;

	snprintf(yaml, sizeof(yaml),
		 "extends: x86_64\ntlb:\n  - { name: t, level: 1, kind: %s, entries: %u, ways: %u, page_sizes: [4K], "
		 "replacement: lru }\npwc: []\n", kind, entries, ways);
	cfg = write_temp_file(yaml, ".yaml");
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "--json", "replay", "--demand-paging", trace_path, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	const char *p = strstr(r.out, "\"tlb\":{\"t\":{\"hits\":");
	cr_assert_not_null(p, "%s", r.out);
	p = strstr(p, "\"misses\":");
	cr_assert_not_null(p);
	misses = strtoull(p + 9, NULL, 10);
	run_result_free(&r);
	remove_temp_file(cfg);
	return misses;
}

/* The n numbers of the JSON array that follows key in out. */
static void json_numbers(const char *out, const char *key, uint64_t *v, unsigned n)
{
	const char *p = strstr(out, key);

	cr_assert_not_null(p, "no %s in %s", key, out);
	p += strlen(key);
	for (unsigned i = 0; i < n; i++) {
		char *end;
		v[i] = strtoull(p, &end, 10);
		cr_assert(end != p && (*end == ',' || *end == ']'), "number %u after %s", i, key);
		p = end + 1;
	}
}

TestSuite(cli_mrc_proof, .init = make_trace, .fini = cleanup, .timeout = 120);

/* Fully associative: 16 sizes from 1 to 256, each a separate replay. */
Test(cli_mrc_proof, fully_associative_sizes_equal_replays)
{
	static const unsigned sizes[] = { 1, 2, 3, 5, 8, 13, 16, 24, 32, 47, 64, 100, 128, 150, 200, 256 };
	struct run_result r;
	uint64_t misses[256];

	cr_assert_eq(run_mmusim(&r, "--json", "mrc", "--kind", "all", "--max-entries", "256", trace_path, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "\"accesses\":20000,"), "%s", r.out);
	json_numbers(r.out, "\"misses\":[", misses, 256);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		cr_assert_eq(misses[sizes[i] - 1], replay_misses(sizes[i], sizes[i], "unified"), "%u entries",
			     sizes[i]);
	run_result_free(&r);
}

/* Set-associative: 4 sets x 7 associativities, 16 sets x 5 (every way count the pass gives, sampled). */
Test(cli_mrc_proof, set_associative_geometries_equal_replays)
{
	static const unsigned ways4[] = { 1, 2, 3, 4, 8, 16, 64 }, ways16[] = { 1, 2, 4, 7, 16 };
	struct run_result r;
	uint64_t by4[64], by16[16];

	cr_assert_eq(run_mmusim(&r, "--json", "mrc", "--kind", "all", "--max-entries", "256", "--sets", "4,16",
				trace_path, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_numbers(r.out, "{\"sets\":4,\"misses_by_ways\":[", by4, 64);
	json_numbers(r.out, "{\"sets\":16,\"misses_by_ways\":[", by16, 16);
	for (size_t i = 0; i < sizeof(ways4) / sizeof(ways4[0]); i++)
		cr_assert_eq(by4[ways4[i] - 1], replay_misses(4 * ways4[i], ways4[i], "unified"), "4 sets, %u ways",
			     ways4[i]);
	for (size_t i = 0; i < sizeof(ways16) / sizeof(ways16[0]); i++)
		cr_assert_eq(by16[ways16[i] - 1], replay_misses(16 * ways16[i], ways16[i], "unified"),
			     "16 sets, %u ways", ways16[i]);
	run_result_free(&r);
}

/* --kind data against a data-only TLB (fetches then have none), --kind instr against an instruction TLB. */
Test(cli_mrc_proof, kinds_equal_split_tlbs)
{
	static const unsigned sizes[] = { 4, 32, 64 };
	struct run_result r;
	uint64_t data[64], instr[64];

	cr_assert_eq(run_mmusim(&r, "--json", "mrc", "--max-entries", "64", trace_path, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "\"kind\":\"data\""), "%s", r.out);
	json_numbers(r.out, "\"misses\":[", data, 64);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--json", "mrc", "--kind", "instr", "--max-entries", "64", trace_path, NULL), 0);
	json_numbers(r.out, "\"misses\":[", instr, 64);
	run_result_free(&r);
	for (size_t i = 0; i < 3; i++) {
		cr_assert_eq(data[sizes[i] - 1], replay_misses(sizes[i], sizes[i], "data"), "data %u", sizes[i]);
		cr_assert_eq(instr[sizes[i] - 1], replay_misses(sizes[i], sizes[i], "instruction"), "instr %u",
			     sizes[i]);
	}
}

/*
 * --page-size mapped: half the accesses in 8 MiB mapped with 2M pages (--map), half demand-paged 4K pages;
 * each size's misses equal a replay through one LRU TLB holding both sizes: 6 fully associative sizes and
 * 4 sets x 4 associativities.
 */
Test(cli_mrc_proof, mapped_page_sizes_equal_replays)
{
	static const unsigned sizes[] = { 1, 2, 5, 16, 33, 64 }, ways[] = { 1, 3, 4, 16 };
	const char *map = "0x40000000 0x40000000 8M rwua";
	size_t cap = 1 << 20, len = 0;
	char *text = malloc(cap), *t, *cfg, yaml[512];
	uint64_t x = 0x2545f4914f6cdd1dull, curve[64], by4[16];
	struct run_result r;

	cr_assert_not_null(text);
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		uint64_t va = (x & 1) ? 0x40000000 + (x >> 8) % (8u << 20)
				      : 0x400000 + ((x >> 3) % 10 < 8 ? (x >> 8) % 60 : (x >> 8) % 2000) * 4096 + (x >> 40) % 4000;
		len += (size_t)snprintf(text + len, cap - len, "%s 0x%" PRIx64 "\n", (x >> 50) % 10 < 7 ? "r" : "w", va);
	}
	t = write_temp_file(text, ".trace");
	free(text);
	cr_assert_eq(run_mmusim(&r, "--map", map, "--json", "mrc", "--page-size", "mapped", "--demand-paging", "--kind",
				"all", "--max-entries", "64", "--sets", "4", t, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "\"page_size\":0,"), "%s", r.out);
	json_numbers(r.out, "\"misses\":[", curve, 64);
	json_numbers(r.out, "{\"sets\":4,\"misses_by_ways\":[", by4, 16);
	run_result_free(&r);
	for (size_t i = 0; i < 10; i++) {
		unsigned entries = i < 6 ? sizes[i] : 4 * ways[i - 6], w = i < 6 ? sizes[i] : ways[i - 6];
		snprintf(yaml, sizeof(yaml),
			 "extends: x86_64\ntlb:\n  - { name: t, level: 1, kind: unified, entries: %u, ways: %u, "
			 "page_sizes: [4K, 2M], replacement: lru }\npwc: []\n", entries, w);
		cfg = write_temp_file(yaml, ".yaml");
		cr_assert_eq(run_mmusim(&r, "--config", cfg, "--map", map, "--json", "replay", "--demand-paging", t, NULL), 0);
		cr_assert_eq(r.status, 0, "%s", r.err);
		cr_assert(strstr(r.out, "\"2M\":"), "the 2M pages are used: %s", r.out);
		const char *p = strstr(strstr(r.out, "\"tlb\":{\"t\":{"), "\"misses\":");
		cr_assert_eq(strtoull(p + 9, NULL, 10), i < 6 ? curve[entries - 1] : by4[w - 1], "%u entries, %u ways",
			     entries, w);
		run_result_free(&r);
		remove_temp_file(cfg);
	}
	remove_temp_file(t);
}

/*
 * Global pages serve every ASID, in a replay's TLB and in mrc's keys: half
 * the accesses go to a global 8 MiB in the kernel half (shared by every
 * address space), half to each of three ASIDs' own pages, with a switch every
 * 700 accesses.  Keyed by ASID, mrc counted a miss after each switch where the
 * replay's global entry hit (8978 against 8887 at 16 entries).
 */
Test(cli_mrc_proof, global_pages_are_shared_by_every_asid)
{
	static const unsigned sizes[] = { 1, 2, 5, 16, 33, 64 };
	const char *map = "0xffff888000000000 0x40000000 8M rwuag";
	size_t cap = 1 << 20, len = 0;
	char *text = malloc(cap), *t, *cfg, yaml[512];
	uint64_t x = 0x9e3779b97f4a7c15ull, curve[64];
	unsigned asid = 0;
	struct run_result r;

	cr_assert_not_null(text);
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		if (i && i % 700 == 0)
			len += (size_t)snprintf(text + len, cap - len, "asid %u\n", asid = (asid + 1) % 3);
		uint64_t va = (x & 1) ? 0xffff888000000000ull + (x >> 8) % (8u << 20)
				      : 0x400000 + ((x >> 3) % 10 < 8 ? (x >> 8) % 50 : (x >> 8) % 1500) * 4096 + (x >> 40) % 4000;
		len += (size_t)snprintf(text + len, cap - len, "%s 0x%" PRIx64 "\n", (x >> 50) % 10 < 7 ? "r" : "w", va);
	}
	t = write_temp_file(text, ".trace");
	free(text);
	cr_assert_eq(run_mmusim(&r, "--map", map, "--json", "mrc", "--page-size", "mapped", "--demand-paging", "--kind",
				"all", "--max-entries", "64", t, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "\"partial_invalidations\":0,"), "%s", r.out);
	json_numbers(r.out, "\"misses\":[", curve, 64);
	run_result_free(&r);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(yaml, sizeof(yaml),
			 "extends: x86_64\ntlb:\n  - { name: t, level: 1, kind: unified, entries: %u, ways: %u, "
			 "page_sizes: [4K, 2M], replacement: lru }\npwc: []\n", sizes[i], sizes[i]);
		cfg = write_temp_file(yaml, ".yaml");
		cr_assert_eq(run_mmusim(&r, "--config", cfg, "--map", map, "--json", "replay", "--demand-paging", t, NULL), 0);
		cr_assert_eq(r.status, 0, "%s", r.err);
		const char *p = strstr(strstr(r.out, "\"tlb\":{\"t\":{"), "\"misses\":");
		cr_assert_eq(strtoull(p + 9, NULL, 10), curve[sizes[i] - 1], "%u entries", sizes[i]);
		run_result_free(&r);
		remove_temp_file(cfg);
	}
	remove_temp_file(t);
}

/*
 * `mrc --page-size mapped --max-entries 2 --kind KIND --json` of trace on config: its JSON holds
 * want (the accesses and both sizes' misses, worked by hand).  Returns the trace's temporary file.
 */
static char *expect_mapped_mrc(const char *trace, const char *config, const char *kind, const char *want)
{
	char *t = write_temp_file(trace, ".trace");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", config, "--json", "mrc", "--page-size", "mapped", "--kind", kind,
				"--max-entries", "2", t, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, want), "%s", r.out);
	run_result_free(&r);
	return t;
}

/* The smallest case, by hand: a global page read in ASID 0, then in ASID 1, is one miss and one hit. */
Test(cli_mrc, global_page_hits_in_another_asid)
{
	remove_temp_file(expect_mapped_mrc("map 0x800000 0x80300000 4K rwug\nr 0x800000\nasid 1\nr 0x800000\n", "sv39",
					   "data", "\"accesses\":2,\"partial_invalidations\":0,\"misses\":[1,1]"));
}

/*
 * A VA outside Sv39's address space (0x7fffffffd000: bits 63:38 not all equal)
 * is refused before any TLB lookup, so a replay's TLB neither hits nor misses
 * it: of r 0x1000, r 0x7fffffffd000, r 0x1000 only the two reads of page 1
 * are translations, one cold miss and one hit.  mrc counted the refused one
 * as a third translation and a second miss.
 */
Test(cli_mrc, non_canonical_access_is_no_tlb_lookup)
{
	remove_temp_file(expect_mapped_mrc("map 0x1000 0x80001000 4K rwu\nr 0x1000\nr 0x7fffffffd000\nr 0x1000\n", "sv39",
					   "data", "\"accesses\":2,\"partial_invalidations\":0,\"misses\":[1,1]"));
}

/*
 * x86_64's L1 ITLB holds a 1G page as 2M pieces (l1i_2m): a fetch that hits
 * there still translates through the 1G page the walk found.  Three fetches
 * in one 1G page (two of them in another 2M piece) are one page: one miss of
 * a TLB holding every size.  mrc took the hit's piece for a 2M page of its
 * own and counted two; the shell said "2M page" for a 1G leaf.
 */
Test(cli_mrc, a_page_held_in_pieces_is_its_own_size)
{
	char *t = expect_mapped_mrc("map 0x40000000 0xc0000000 1G rwxu\nx 0x40000000\nx 0x40200000\nx 0x40000010\n",
				    "x86_64", "instr", "\"accesses\":3,\"partial_invalidations\":0,\"misses\":[1,1]");
	struct run_result r;

	/* The per-access log says so too: the third fetch hits l1i_2m, in the 1G page. */
	char *log = write_temp_file("", ".log"), *text;
	cr_assert_eq(run_mmusim(&r, "--config", "x86_64", "replay", "--log", log, t, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_not_null(text = read_text_file(log));
	cr_expect(strstr(text, "\"tlb\":\"l1i_2m\",\"pwc\":[],\"ptes\":[],\"walks\":0,\"pte_reads\":0,\"cycles\":1,"
			       "\"pa\":\"0xc0000010\",\"page_size\":1073741824"), "%s", text);
	cr_expect(!strstr(text, "\"page_size\":2097152"), "%s", text);
	free(text);
	run_result_free(&r);
	remove_temp_file(log);
	remove_temp_file(t);
}

/*
 * A B C A B D A as pages 1 2 3 1 2 4 1.  Fully associative: 1 and 2 entries miss all 7 (nothing comes back
 * within 2 distinct pages); 3 and 4 entries miss only the 4 cold (A, B, A come back at distance 3).
 * 2 sets (set = page & 1): set 1 sees 1 3 1 1 (cold, cold, distance 2, distance 1), set 0 sees 2 2 4
 * (cold, distance 1, cold).  1 way (2 entries): set 1 M M M H, set 0 M H M: 5.  2 ways: M M H H, M H M: 4.
 */
Test(cli_mrc, reference_string_table_csv_svg)
{
	char *t = write_temp_file("r 0x1000\nr 0x2000\nr 0x3000\nr 0x1000\nr 0x2000\nr 0x4000\nr 0x1000\n", ".trace");
	char *csv = write_temp_file("", ".csv"), *svg = write_temp_file("", ".svg"), expected[1024];
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "mrc", "--max-entries", "4", "--sets", "2", "--csv", csv, "--svg", svg, t, NULL),
		     0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	snprintf(expected, sizeof(expected),
		 "%s: 7 translations (data accesses, 4096-byte pages), LRU\n"
		 "   entries         misses miss ratio         2 sets\n"
		 "         1              7     1.0000              -\n"
		 "         2              7     1.0000              5\n"
		 "         4              4     0.5714              4\n", t);
	cr_assert_str_eq(r.out, expected);
	cr_assert_str_eq(r.err, "");
	run_result_free(&r);
	char *text = read_text_file(csv);
	cr_assert_str_eq(text, "entries,misses,miss_ratio,misses_2_sets\n"
			       "1,7,1.000000,\n"
			       "2,7,1.000000,5\n"
			       "3,4,0.571429,\n"
			       "4,4,0.571429,4\n");
	free(text);
	text = read_text_file(svg);
	cr_assert(strncmp(text, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0, "%s", text);
	cr_assert(strstr(text, ">fully associative<") && strstr(text, ">2 sets<") && strstr(text, "<polyline"),
		  "%s", text);
	free(text);
	remove_temp_file(t);
	remove_temp_file(csv);
	remove_temp_file(svg);
}

/* The same string as JSON: every size and every associativity. */
Test(cli_mrc, reference_string_json)
{
	char *t = write_temp_file("r 0x1000\nr 0x2000\nr 0x3000\nr 0x1000\nr 0x2000\nr 0x4000\nr 0x1000\n", ".trace");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--json", "mrc", "--max-entries", "4", "--sets", "2,4", t, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	/* 4 sets, 1 way: set 1 holds page 1 (M H H), set 2 page 2 (M H), set 3 page 3 (M), set 0 page 4 (M): 4. */
	cr_assert(strstr(r.out, "\"kind\":\"data\",\"page_size\":4096,\"max_entries\":4,\"accesses\":7,"
				"\"partial_invalidations\":0,\"misses\":[7,7,4,4],\"set_associative\":"
				"[{\"sets\":2,\"misses_by_ways\":[5,4]},{\"sets\":4,\"misses_by_ways\":[4]}]}\n"),
		  "%s", r.out);
	run_result_free(&r);
	remove_temp_file(t);
}

/* A flush of one VA is handled (its page goes cold) and noted: the curves may undercount. */
Test(cli_mrc, partial_flush_is_noted)
{
	char *t = write_temp_file("r 0x1000\nr 0x2000\nflush va 0x1000\nr 0x1000\n", ".trace");
	struct run_result r;
	char expected[512];

	cr_assert_eq(run_mmusim(&r, "--json", "mrc", "--max-entries", "2", t, NULL), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "\"misses\":[3,3]"), "%s", r.out);
	snprintf(expected, sizeof(expected), "mmusim: %s: note: partial flushes or page-table edits dropped pages "
		 "(1 times): the curves may be below a replay's misses after them\n", t);
	cr_assert_str_eq(r.err, expected);
	run_result_free(&r);
	remove_temp_file(t);
}

/*
 * A config whose os: block picks replacement opt: --page-size mapped replays
 * on it, and opt needs the trace's future, which replay and sweep read first
 * and mrc did not ("TRACE:2: TRACE:0: page fault at 0x1000: replacement opt
 * needs the future", exit status 2).  Here two pages fit: no eviction, the
 * curve is the plain one (two cold misses, then a hit at 2 entries).
 */
Test(cli_mrc, replacement_opt_reads_the_future_first)
{
	char *t = write_temp_file("r 0x1000\nr 0x2000\nr 0x1000\n", ".trace");
	char *cfg = write_temp_file("extends: x86_64\nos: { resident_pages: 2, replacement: opt }\n", ".yaml");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "--json", "mrc", "--page-size", "mapped", "--max-entries", "2", t,
				NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"accesses\":3,\"partial_invalidations\":0,\"misses\":[3,2]"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(cfg);
	remove_temp_file(t);
}

/*
 * With resident_pages the OS layer evicts, and a replay shoots the victim's
 * TLB entries down inside the faulting access; mrc's stacks never saw that,
 * so its curves were those of a TLB that keeps evicted pages: on three pages
 * in two frames, r 1 r 2 r 3 r 1 (page 1 evicted by page 3) gave 3 misses at
 * 4 entries where a 4-entry replay has 4.  It is refused, with the reason.
 */
Test(cli_mrc, evictions_of_the_os_layer_are_refused)
{
	char *t = write_temp_file("r 0x1000\nr 0x2000\nr 0x3000\nr 0x1000\n", ".trace");
	char *cfg = write_temp_file("extends: x86_64\nos: { resident_pages: 2 }\n", ".yaml");
	struct run_result r;
	char expected[1024];

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "mrc", "--page-size", "mapped", "--max-entries", "4", t, NULL), 0);
	cr_expect_eq(r.status, 2, "%s", r.err);
	snprintf(expected, sizeof(expected),
		 "mmusim: mrc: %s: the config's os: block evicted 2 pages (resident_pages), whose TLB entries a "
		 "replay shoots down and mrc does not model: its curves would not be a replay's; use a config "
		 "without resident_pages, or replay each TLB size\n", t);
	cr_expect_str_eq(r.err, expected);
	cr_expect_str_eq(r.out, "");
	run_result_free(&r);
	remove_temp_file(cfg);
	remove_temp_file(t);
}

static void expect_refused(const char *message, const char *const *args)
{
	const char *argv[16];
	int argc = 0;
	struct run_result r;

	for (; *args; args++)
		argv[argc++] = *args;
	cr_assert_eq(run_mmusim_argv(&r, argc, argv), 0);
	cr_assert_eq(r.status, 2, "%s: %s", message, r.err);
	cr_assert_str_eq(r.err, message);
	cr_assert_str_eq(r.out, "");
	run_result_free(&r);
}

#define REFUSED(msg, ...) expect_refused(msg, (const char *const[]){ "mrc", __VA_ARGS__, NULL })

Test(cli_mrc, bad_inputs)
{
	REFUSED("mmusim: bad --max-entries '0' (expected 1 to 1048576)\n", "--max-entries", "0", "t");
	REFUSED("mmusim: bad --max-entries '2000000' (expected 1 to 1048576)\n", "--max-entries", "2000000", "t");
	REFUSED("mmusim: bad --max-entries 'many' (expected 1 to 1048576)\n", "--max-entries", "many", "t");
	REFUSED("mmusim: bad --sets '3' (expected up to 16 powers of two, comma-separated)\n", "--sets", "3", "t");
	REFUSED("mmusim: bad --sets '4,x' (expected up to 16 powers of two, comma-separated)\n", "--sets", "4,x", "t");
	REFUSED("mmusim: bad --sets '0' (expected up to 16 powers of two, comma-separated)\n", "--sets", "0", "t");
	REFUSED("mmusim: bad --sets '4,16,4': 4 given twice\n", "--sets", "4,16,4", "t");
	REFUSED("mmusim: mrc: --sets 128 does not divide --max-entries 64\n", "--max-entries", "64", "--sets", "128",
		"t");
	REFUSED("mmusim: bad --page-size '3K' (expected 4K, 2M, 1G, another power of two or mapped)\n", "--page-size",
		"3K", "t");
	REFUSED("mmusim: bad --page-size 'huge' (expected 4K, 2M, 1G, another power of two or mapped)\n",
		"--page-size", "huge", "t");
	REFUSED("mmusim: bad --kind 'code' (expected data, instr or all)\n", "--kind", "code", "t");
	REFUSED("mmusim: mrc: no trace given (see mmusim mrc --help)\n", "--max-entries", "8");
	REFUSED("mmusim: mrc: unknown option '--entries' (see mmusim mrc --help)\n", "--entries", "8", "t");
	REFUSED("mmusim: mrc: more than one trace given ('a' and 'b')\n", "a", "b");
	REFUSED("mmusim: /nonexistent/x.trace: cannot open: No such file or directory\n", "/nonexistent/x.trace");
	REFUSED("mmusim: mrc: --config goes with --page-size mapped (a fixed page size needs no machine)\n",
		"--config", "sv39", "t");
	REFUSED("mmusim: mrc: --setup or --map goes with --page-size mapped (a fixed page size needs no machine)\n",
		"--map", "0x1000 0x2000 4K rw", "t");
	REFUSED("mmusim: mrc: --image goes with --page-size mapped (a fixed page size needs no machine)\n", "--image",
		"x.img", "--root", "0x1000", "t");
	REFUSED("mmusim: mrc: --demand-paging goes with --page-size mapped (a fixed page size needs no machine)\n",
		"--demand-paging", "t");
	REFUSED("mmusim: mrc: --warmup is not taken: a 'stats reset' line in the trace zeroes the counts\n",
		"--page-size", "mapped", "--warmup", "10", "t");
	REFUSED("mmusim: bad --format 'nope' (expected auto, text, lackey, binary, champsim, din, pinatrace or drmemtrace)\n",
		"--format", "nope", "t");
	/* An output that cannot be written fails before the table is printed (r.out is checked empty). */
	REFUSED("mmusim: /nonexistent/dir/x.svg: cannot create: No such file or directory\n", "--svg",
		"/nonexistent/dir/x.svg", MMUSIM_SOURCE_DIR "/traces/lackey-sample.txt");
}

Test(cli_mrc, cpu_switch_refused)
{
	char *t = write_temp_file("r 0x1000\ncpu 1\nr 0x2000\n", ".trace");
	char expected[512];

	snprintf(expected, sizeof(expected), "mmusim: %s:2: the trace switches to cpu 1: mrc models one CPU's TLB\n",
		 t);
	REFUSED(expected, t);
	remove_temp_file(t);
}

Test(cli_mrc, help_lists_the_options)
{
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "mrc", "--help", NULL), 0);
	cr_assert_eq(r.status, 0);
	for (const char *const *o = (const char *const[]){ "--max-entries", "--sets", "--page-size", "--kind",
							    "--format", "--csv", "--svg", "--json", NULL };
	     *o; o++)
		cr_assert(strstr(r.out, *o), "%s missing", *o);
	run_result_free(&r);
}
