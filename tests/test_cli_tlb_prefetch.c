/*
 * End to end: TLB prefetchers and line prefetch in `mmusim replay`, their
 * counters in the table and in --json.  One data TLB of 64 entries (no
 * eviction in these traces) over the x86_64 preset; page n is VA 0x400000 +
 * n * 4K.  Every count is worked out by hand in the comments.  A prefetch
 * walk reads the 4 PTEs of a walk from the root.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "support.h"

/* The config with `extra` appended to the TLB's mapping (its prefetch keys). */
static char *config_with(const char *extra)
{
	char text[400];

	snprintf(text, sizeof(text),
		 "extends: x86_64\n"
		 "tlb:\n"
		 "  - {name: l1d, level: 1, kind: data, entries: 64, page_sizes: [4K]%s}\n",
		 extra);
	return write_temp_file(text, ".yaml");
}

/* A trace mapping `pages` pages, then reading page first, first + step, ... count times. */
static char *scan_trace(unsigned pages, unsigned first, unsigned step, unsigned count)
{
	char text[4096];
	size_t n = (size_t)snprintf(text, sizeof(text), "map 0x400000 0x10000000 %uK rwu\n", pages * 4);

	for (unsigned i = 0; i < count; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "r 0x%x\n", 0x400000 + (first + i * step) * 0x1000);
	return write_temp_file(text, ".trace");
}

/* Replays with --json; the output is checked for each of the NULL-terminated substrings. */
static void expect_json(const char *extra, char *trace, ...)
{
	char *cfg = config_with(extra);
	struct run_result r;
	va_list ap;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "--json", "replay", trace, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.err, "");
	va_start(ap, trace);
	for (const char *want; (want = va_arg(ap, const char *));)
		cr_expect(strstr(r.out, want), "missing %s in %s", want, r.out);
	va_end(ap);
	run_result_free(&r);
	remove_temp_file(cfg);
	remove_temp_file(trace);
}

/*
 * Next-page, degree 1, over 16 pages read in order: every even page misses
 * and prefetches the odd one after it, which then hits.  8 misses, 8 hits,
 * 8 prefetched, all used; 8 prefetch walks of 4 PTE reads.
 */
Test(cli_tlb_prefetch, next_page_halves_the_misses_of_a_scan)
{
	expect_json(", prefetch: {kind: next, degree: 1}", scan_trace(16, 0, 1, 16),
		    "\"tlb\":{\"l1d\":{\"hits\":8,\"misses\":8,\"evictions\":0,\"hits_by_page_size\":{\"4K\":8},"
		    "\"prefetch\":{\"issued\":8,\"useful\":8,\"useless\":0}}}",
		    "\"walks\":8,", "\"tlb_prefetch\":{\"walks\":8,\"pte_reads\":32}", NULL);
}

/*
 * Degree 3: misses at 0, 4, 8, 12, each prefetching the 3 pages after it.
 * The last prefetches (13, 14, 15) are all used as well: 12 issued, 12 useful.
 */
Test(cli_tlb_prefetch, next_page_degree_three)
{
	expect_json(", prefetch: {kind: next, degree: 3}", scan_trace(16, 0, 1, 16),
		    "\"l1d\":{\"hits\":12,\"misses\":4,", "\"prefetch\":{\"issued\":12,\"useful\":12,\"useless\":0}",
		    "\"walks\":4,", "\"tlb_prefetch\":{\"walks\":12,\"pte_reads\":48}", NULL);
}

/*
 * Sequential, degree 2: a miss prefetches only when the previous miss was
 * the page before.  Misses 0 (first), 1 (after 0: prefetches 2, 3), 4 (the
 * previous miss was 1: nothing), 5 (-> 6, 7), 8, 9 (-> 10, 11), 12, 13 (->
 * 14, 15): 8 misses, 8 hits, 8 prefetched and used.
 */
Test(cli_tlb_prefetch, sequential_waits_for_two_misses_in_a_row)
{
	expect_json(", prefetch: {kind: sequential, degree: 2}", scan_trace(16, 0, 1, 16),
		    "\"l1d\":{\"hits\":8,\"misses\":8,", "\"prefetch\":{\"issued\":8,\"useful\":8,\"useless\":0}",
		    "\"tlb_prefetch\":{\"walks\":8,\"pte_reads\":32}", NULL);
}

/*
 * Distance, degree 1, pages 0, 2, ..., 30 (the prefetcher sees misses only):
 *   0 miss; 2 miss (d=2); 4 miss (d=2, row 2 empty; row2 <- 2);
 *   6 miss (d=2 -> 8; row2 <- 2); 8 hit;
 *   10 miss (d=4, row 4 empty; row2 <- 4); 12 miss (d=2 -> 16; row4 <- 2);
 *   14 miss (d=2 -> 18; row2 <- 2); 16 hit; 18 hit;
 *   20 miss (d=6; row2 <- 6); 22 miss (d=2 -> 28; row6 <- 2);
 *   24 miss (d=2 -> 30; row2 <- 2); 26 miss (d=2 -> 28, cached: no walk); 28 hit; 30 hit.
 * 11 misses, 5 hits; 5 prefetch walks, 5 issued and used.
 */
Test(cli_tlb_prefetch, distance_follows_a_stride)
{
	expect_json(", prefetch: {kind: distance, degree: 1}", scan_trace(32, 0, 2, 16),
		    "\"l1d\":{\"hits\":5,\"misses\":11,", "\"prefetch\":{\"issued\":5,\"useful\":5,\"useless\":0}",
		    "\"tlb_prefetch\":{\"walks\":5,\"pte_reads\":20}", NULL);
}

/*
 * A prefetch of a page that is not mapped walks (counted) and fills nothing:
 * 4 pages mapped, page 3 read; its next page's walk finds the PTE not present.
 */
Test(cli_tlb_prefetch, unmapped_page_is_not_filled)
{
	expect_json(", prefetch: {kind: next, degree: 1}", scan_trace(4, 3, 1, 1),
		    "\"l1d\":{\"hits\":0,\"misses\":1,\"evictions\":0,\"hits_by_page_size\":{},"
		    "\"prefetch\":{\"issued\":0,\"useful\":0,\"useless\":0}}",
		    "\"faults\":{\"non-canonical\":0,\"not-present\":0,",
		    "\"tlb_prefetch\":{\"walks\":1,\"pte_reads\":4}", NULL);
}

/*
 * Line prefetch: page 0's leaf PTE shares its 64-byte line with pages 1-7's,
 * filled for free; page 8's walk brings 9-15.  2 misses, 14 hits, 14
 * issued and used, no prefetch walk.
 */
Test(cli_tlb_prefetch, line_prefetch_fills_the_rest_of_the_line)
{
	expect_json(", line_prefetch: true", scan_trace(16, 0, 1, 16),
		    "\"l1d\":{\"hits\":14,\"misses\":2,", "\"prefetch\":{\"issued\":14,\"useful\":14,\"useless\":0}",
		    "\"walks\":2,", "\"tlb_prefetch\":{\"walks\":0,\"pte_reads\":0}", NULL);
}

/*
 * 6 pages mapped, page 0 read, a flush, page 0 read again: the line holds
 * 5 more valid leaves (pages 1-5; 6 and 7 are not present), filled after each
 * walk, never used.  The flush drops the first 5 (useless); the second 5 are
 * still in the TLB at the end (neither useful nor useless yet).
 */
Test(cli_tlb_prefetch, line_prefetch_unused_is_useless_after_a_flush)
{
	char *trace = write_temp_file("map 0x400000 0x10000000 24K rwu\nr 0x400000\nflush\nr 0x400000\n", ".trace");

	expect_json(", line_prefetch: true", trace, "\"l1d\":{\"hits\":0,\"misses\":2,",
		    "\"prefetch\":{\"issued\":10,\"useful\":0,\"useless\":5}", NULL);
}

/*
 * The counters are there whenever the config prefetches, so that every report
 * of one config has the same keys (a script reading sweep results finds
 * "prefetch" in each): one read of page 0, whose miss is the first, so the
 * sequential prefetcher (it waits for two misses in a row) issues nothing.
 */
Test(cli_tlb_prefetch, counters_shown_when_nothing_was_prefetched)
{
	char *cfg = config_with(", prefetch: {kind: sequential, degree: 1}");
	char *trace = scan_trace(4, 0, 1, 1);
	struct run_result r;

	expect_json(", prefetch: {kind: sequential, degree: 1}", scan_trace(4, 0, 1, 1),
		    "\"l1d\":{\"hits\":0,\"misses\":1,\"evictions\":0,\"hits_by_page_size\":{},"
		    "\"prefetch\":{\"issued\":0,\"useful\":0,\"useless\":0}}",
		    "\"tlb_prefetch\":{\"walks\":0,\"pte_reads\":0}", NULL);
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "replay", trace, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "TLB prefetch          issued       useful      useless   accuracy\n"
				"  l1d                      0            0            0      0.00%\n"
				"prefetch walks  0  (0 pte reads, apart from the demand walks')\n"),
		  "%s", r.out);
	run_result_free(&r);
	remove_temp_file(trace);
	remove_temp_file(cfg);
}

/* The table: a "TLB prefetch" section under the TLBs, and the prefetch walks apart from the demand ones. */
Test(cli_tlb_prefetch, text_report)
{
	char *cfg = config_with(", prefetch: {kind: next, degree: 1}");
	char *trace = scan_trace(16, 0, 1, 16);
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "replay", trace, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\nwalks           8  (4K 8)\n"), "%s", r.out);
	cr_expect(strstr(r.out, "TLB                     hits       misses    evictions  miss rate  hits by page size\n"
				"  l1d                      8            8            0     50.00%  4K 8\n"
				"TLB prefetch          issued       useful      useless   accuracy\n"
				"  l1d                      8            8            0    100.00%\n"
				"prefetch walks  8  (32 pte reads, apart from the demand walks')\n"
				"PWC "),
		  "%s", r.out);
	run_result_free(&r);
	remove_temp_file(trace);
	/* Without prefetching, neither the section nor the JSON keys appear. */
	remove_temp_file(cfg);
	cfg = config_with("");
	trace = scan_trace(16, 0, 1, 16);
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "replay", trace, NULL), 0);
	cr_expect_null(strstr(r.out, "prefetch"), "%s", r.out);
	run_result_free(&r);
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "--json", "replay", trace, NULL), 0);
	cr_expect_null(strstr(r.out, "prefetch"), "%s", r.out);
	run_result_free(&r);
	remove_temp_file(trace);
	remove_temp_file(cfg);
}

/* A bad prefetch key stops the replay with the config's message, and nothing crashes. */
Test(cli_tlb_prefetch, bad_degree_is_refused)
{
	char *cfg = config_with(", prefetch: {kind: next, degree: 0}");
	char *trace = scan_trace(1, 0, 1, 1);
	struct run_result r;
	char want[512];

	cr_assert_eq(run_mmusim(&r, "--config", cfg, "replay", trace, NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.out, "");
	snprintf(want, sizeof(want), "mmusim: %s:3:101: tlb[0].prefetch.degree must be 1 to 16\n", cfg);
	cr_expect_str_eq(r.err, want);
	run_result_free(&r);
	remove_temp_file(trace);
	remove_temp_file(cfg);
}
