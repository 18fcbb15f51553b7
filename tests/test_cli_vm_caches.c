/*
 * A virtual machine's 2-D walks through the `caches:` block: every entry
 * read (the stage-2 entries of each row and the guest's own entries at
 * their host PAs) is a load, counted by level ("s2 level N" rows for the
 * stage-2 ones), and the per-access log lists them.  The counts are worked
 * out by hand from the layouts in the comments.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

/*
 * Guest x86-64 over a 4-level EPT, no nested TLB nor PWC, a 1-entry TLB (each
 * access walks), one L1D of 2 sets x 32 ways (page-aligned tables share set
 * 0: enough ways that none is evicted).  The layout (from the log): guest
 * tables at GPAs 0x1000-0x4000 = HPAs 0x40001000-0x40004000 (guest RAM backed
 * at 1 GiB); the EPT's root at HPA 0, its PDPT at 0x3ffff000, its PD at
 * 0x3fffe000, the PT of GPAs 0-2M at 0x3fffd000 and that of 0x10000000 at
 * 0x3ff7d000.  Each walk reads (4 + 1)(4 + 1) - 1 = 24 entries.  Walk 1
 * misses ten lines: four guest tables, EPT root, PDPT, the PD's lines at
 * 0x3fffe000 (guest tables) and 0x3fffe400 (GPA 0x10000000), and the two
 * PTs' lines; 14 hits.  Walks 2-8 (the next pages) find all 24 in the L1D:
 * the guest leaf PTEs and the final GPAs' EPT PTEs are eight consecutive
 * entries, one line each.  Cycles: 8 x 1 (TLB) + 10 x 100 + 182 x 4 = 1736.
 */
static const char ept_config[] = "extends: x86_64_ept\n"
				 "stage2: { tlb: [], pwc: [] }\n"
				 "pwc: []\n"
				 "tlb: [{name: l1d, level: 1, kind: data, entries: 1, page_sizes: [4K]}]\n"
				 "memory_latency: 100\n"
				 "caches: {l1d: {sets: 2, ways: 32, latency: 4}}\n";
static const char ept_trace[] = "map 0x400000 0x10000000 32K rwu\n"
				"r 0x400000\nr 0x401000\nr 0x402000\nr 0x403000\n"
				"r 0x404000\nr 0x405000\nr 0x406000\nr 0x407000\n";

/* Replays trace on config (extra options before the trace; log: --log's text, or NULL). */
static void replay(struct run_result *r, const char *config, const char *trace, bool json, const char *extra,
		   char **log)
{
	char *cfg_path = write_temp_file(config, ".yaml"), *trace_path = write_temp_file(trace, ".trace");
	char *log_path = write_temp_file("", ".jsonl");
	const char *argv[10];
	int argc = 0;

	argv[argc++] = "--config";
	argv[argc++] = cfg_path;
	if (json)
		argv[argc++] = "--json";
	argv[argc++] = "replay";
	if (extra)
		argv[argc++] = extra;
	if (log) {
		argv[argc++] = "--log";
		argv[argc++] = log_path;
	}
	argv[argc++] = trace_path;
	cr_assert_eq(run_mmusim_argv(r, argc, argv), 0);
	cr_assert_eq(r->status, 0, "stderr: %s", r->err);
	if (log) {
		*log = read_text_file(log_path);
		cr_assert(*log);
	}
	remove_temp_file(cfg_path);
	remove_temp_file(trace_path);
	remove_temp_file(log_path);
}

static unsigned count(const char *s, const char *end, const char *what)
{
	unsigned n = 0;

	for (const char *p = s; (p = strstr(p, what)) && (!end || p < end); p++)
		n++;
	return n;
}

Test(cli_vm_caches, ept_table_section)
{
	struct run_result r;

	replay(&r, ept_config, ept_trace, false, NULL, NULL);
	cr_expect(strstr(r.out, "cycles          1736  (217.00 per access)\n"), "%s", r.out);
	const char *section = strstr(r.out, "data cache ");
	cr_assert(section, "%s", r.out);
	cr_expect_str_eq(section,
			 "data cache              hits       misses    evictions  miss rate  64-byte lines\n"
			 "  l1d                    182           10            0      5.21%  2 sets x 32 ways, 4 cycles\n"
			 "PTE found in             l1d       memory\n"
			 "  level 4                  7            1\n"
			 "  level 3                  7            1\n"
			 "  level 2                  7            1\n"
			 "  level 1                  7            1\n"
			 "  s2 level 4              39            1\n"
			 "  s2 level 3              39            1\n"
			 "  s2 level 2              38            2\n"
			 "  s2 level 1              38            2\n"
			 "PTE cycles      1728  (9.00 per PTE read; memory 100)\n");
	run_result_free(&r);
}

Test(cli_vm_caches, ept_json_stage2_found)
{
	struct run_result r;

	replay(&r, ept_config, ept_trace, true, NULL, NULL);
	cr_expect(strstr(r.out, "\"pte_found\":{\"4\":{\"l1d\":7,\"l2\":0,\"llc\":0,\"memory\":1},"
				"\"3\":{\"l1d\":7,\"l2\":0,\"llc\":0,\"memory\":1},"
				"\"2\":{\"l1d\":7,\"l2\":0,\"llc\":0,\"memory\":1},"
				"\"1\":{\"l1d\":7,\"l2\":0,\"llc\":0,\"memory\":1}},"
				"\"stage2_found\":{\"4\":{\"l1d\":39,\"l2\":0,\"llc\":0,\"memory\":1},"
				"\"3\":{\"l1d\":39,\"l2\":0,\"llc\":0,\"memory\":1},"
				"\"2\":{\"l1d\":38,\"l2\":0,\"llc\":0,\"memory\":2},"
				"\"1\":{\"l1d\":38,\"l2\":0,\"llc\":0,\"memory\":2}},"
				"\"pte_cycles\":1728}}\n"),
		  "%s", r.out);
	cr_expect(strstr(r.out, "\"pte_reads\":192,"), "%s", r.out);
	run_result_free(&r);
}

/* The first walk's line: 4 guest PTEs with GPA and HPA, then 20 stage-2 reads in hardware order. */
Test(cli_vm_caches, ept_log_lists_both_dimensions)
{
	struct run_result r;
	char *log;

	replay(&r, ept_config, ept_trace, true, NULL, &log);
	const char *stage2 = strstr(log, "\"stage2\":[");
	cr_assert(stage2, "%s", log);
	cr_expect(strstr(log, "\"ptes\":[{\"level\":4,\"addr\":\"0x1000\",\"hpa\":\"0x40001000\",\"from\":\"memory\"},"
			      "{\"level\":3,\"addr\":\"0x2000\",\"hpa\":\"0x40002000\",\"from\":\"memory\"},"
			      "{\"level\":2,\"addr\":\"0x3010\",\"hpa\":\"0x40003010\",\"from\":\"memory\"},"
			      "{\"level\":1,\"addr\":\"0x4000\",\"hpa\":\"0x40004000\",\"from\":\"memory\"}],"
			      "\"stage2\":[{\"for\":4,\"level\":4,\"addr\":\"0x0\",\"from\":\"memory\"},"
			      "{\"for\":4,\"level\":3,\"addr\":\"0x3ffff000\",\"from\":\"memory\"},"
			      "{\"for\":4,\"level\":2,\"addr\":\"0x3fffe000\",\"from\":\"memory\"},"
			      "{\"for\":4,\"level\":1,\"addr\":\"0x3fffd008\",\"from\":\"memory\"},"
			      "{\"for\":3,\"level\":4,\"addr\":\"0x0\",\"from\":\"l1d\"},"),
		  "%s", log);
	const char *first_end = strchr(log, '\n');
	cr_expect_eq(count(stage2, first_end, "{\"for\":"), 20);
	cr_expect(strstr(log, "{\"for\":0,\"level\":2,\"addr\":\"0x3fffe400\",\"from\":\"memory\"},"
			      "{\"for\":0,\"level\":1,\"addr\":\"0x3ff7d000\",\"from\":\"memory\"}],"
			      "\"walks\":1,\"pte_reads\":24,\"cycles\":1057,"), "%s", log);
	/* Walks 2-8: all 24 reads in the L1D, 1 + 24 x 4 cycles. */
	const char *second = first_end + 1;
	cr_expect_eq(count(second, NULL, "\"from\":\"memory\""), 0, "%s", second);
	cr_expect_eq(count(second, NULL, "\"from\":\"l1d\""), 7 * 24);
	cr_expect_eq(count(second, NULL, "\"pte_reads\":24,\"cycles\":97,"), 7);
	free(log);
	run_result_free(&r);
}

/*
 * Caches off: the flat cost (24 x 100 + 1 per walk) and the same report as
 * without a log; the log still lists the stage-2 reads, all from memory.
 */
Test(cli_vm_caches, off_keeps_the_flat_cost)
{
	static const char off_config[] = "extends: x86_64_ept\n"
					 "stage2: { tlb: [], pwc: [] }\n"
					 "pwc: []\n"
					 "tlb: [{name: l1d, level: 1, kind: data, entries: 1, page_sizes: [4K]}]\n"
					 "memory_latency: 100\n";
	struct run_result r, plain;
	char *log;

	replay(&r, off_config, ept_trace, true, NULL, &log);
	replay(&plain, off_config, ept_trace, true, NULL, NULL);
	cr_expect(strstr(r.out, ",\"cycles\":19208,"), "%s", r.out);
	cr_expect(!strstr(r.out, "\"caches\""));
	cr_expect_eq(count(log, NULL, "\"from\":\"memory\""), 8 * 24);
	cr_expect_eq(count(log, NULL, "\"cycles\":2401,"), 8);
	cr_expect_eq(count(log, NULL, "\"hpa\":"), 8 * 4);
	free(log);
	run_result_free(&r);
	run_result_free(&plain);
}

/*
 * Sv39 over Sv39x4 (3 x 3: 15 reads a walk), an 8-way L1D of 64 sets.  The
 * G-stage root at HPA 0x80000000 (GPA 0x80001000's entry at +0x10), its
 * level-2 node at 0xbffff000, the level-1 node of the guest tables at
 * 0xbfffe000, that of the data page (GPA 0x80200000) at 0xbfffd000; guest
 * tables at HPAs 0xc0001000-0xc0003000.  Walk 1 misses 3 G-stage lines for
 * the first guest table, the 3 guest tables and the final GPA's level-1
 * node: 7 misses, 8 hits; walk 2 (the next page) hits all 15.  Cycles:
 * 2 + 7 x 100 + 23 x 4 = 794.
 */
Test(cli_vm_caches, gstage_three_by_three)
{
	static const char config[] = "extends: sv39x4\n"
				     "stage2: { tlb: [], pwc: [] }\n"
				     "pwc: []\n"
				     "tlb: [{name: l1d, level: 1, kind: data, entries: 4, page_sizes: [4K]}]\n"
				     "memory_latency: 100\n"
				     "caches: {l1d: {sets: 64, ways: 8, latency: 4}}\n";
	struct run_result r;

	replay(&r, config, "map 0x1000 0x80200000 0x2000 rwu\nr 0x1234\nr 0x2234\n", false, NULL, NULL);
	cr_expect(strstr(r.out, "cycles          794  (397.00 per access)\n"), "%s", r.out);
	cr_expect(strstr(r.out, "  l1d                     23            7            0     23.33%"), "%s", r.out);
	cr_expect(strstr(r.out, "  s2 level 3               7            1\n"
				"  s2 level 2               7            1\n"
				"  s2 level 1               6            2\n"), "%s", r.out);
	run_result_free(&r);
}

/* The number after key in s (from its first occurrence), or aborts the test. */
static uint64_t number_after(const char *s, const char *key)
{
	const char *p = strstr(s, key);

	cr_assert(p, "no %s in %.300s", key, s);
	return strtoull(p + strlen(key), NULL, 10);
}

/* Adds the "from"s of the {"level":..} (or {"for":..,"level":..}) objects in [p, end) to found[level][where]. */
static void add_found(const char *p, const char *end, uint64_t found[6][4])
{
	static const char *const froms[] = { "l1d", "l2", "llc", "memory" };

	for (; (p = strstr(p, "\"level\":")) && p < end; p++) {
		unsigned level = (unsigned)strtoul(p + 8, NULL, 10);
		const char *from = strstr(p, "\"from\":\"") + 8;
		cr_assert(level >= 1 && level <= 5);
		for (unsigned f = 0; f < 4; f++)
			if (strncmp(from, froms[f], strlen(froms[f])) == 0 && from[strlen(froms[f])] == '"')
				found[level][f]++;
	}
}

/* found[level] against the report's object at key ("\"pte_found\":{"). */
static void expect_found(const char *out, const char *key, uint64_t found[6][4])
{
	static const char *const froms[] = { "l1d", "l2", "llc", "memory" };
	const char *obj = strstr(out, key);

	cr_assert(obj, "%s", out);
	for (unsigned level = 1; level <= 4; level++) {
		char k[32];
		snprintf(k, sizeof(k), "\"%u\":{", level);
		const char *entry = strstr(obj, k);
		cr_assert(entry, "%s level %u", key, level);
		for (unsigned f = 0; f < 4; f++) {
			snprintf(k, sizeof(k), "\"%s\":", froms[f]);
			cr_expect_eq(found[level][f], number_after(entry, k), "%s level %u from %s", key, level, froms[f]);
		}
	}
}

/*
 * A VM trace with demand paging, the preset's nested TLB and PWCs, an L1D and
 * an L2: the lines' PTE reads, cycles and where each guest and stage-2 entry
 * was found add up to the report.
 */
Test(cli_vm_caches, log_adds_up_to_the_report)
{
	size_t cap = 1 << 20, len = 0;
	char *trace = malloc(cap), *log;
	uint64_t x = 88172645463325252ull, lines = 0, reads = 0, cycles = 0;
	uint64_t guest[6][4] = { { 0 } }, host[6][4] = { { 0 } };
	struct run_result r;

	cr_assert(trace);
	len += (size_t)snprintf(trace + len, cap - len, "map 0x400000 0x10000000 1M rwu\n");
	for (unsigned i = 0; i < 3000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* Half in the mapped MiB, half demand-paged over 64 MiB. */
		uint64_t va = (x & 1) ? 0x400000 + (x >> 8) % 0x100000 : 0x10000000 + (x >> 8) % 0x4000000;
		len += (size_t)snprintf(trace + len, cap - len, "%s 0x%" PRIx64 "\n", (x >> 40) % 3 ? "r" : "w", va);
	}
	replay(&r, "extends: x86_64_ept\n"
		   "caches: {l1d: {sets: 64, ways: 8, latency: 4}, l2: {sets: 256, ways: 8, latency: 12}}\n",
	       trace, true, "--demand-paging", &log);
	for (char *line = log, *next; *line; line = next) {
		next = strchr(line, '\n');
		cr_assert(next, "unterminated line");
		*next++ = '\0';
		lines++;
		reads += number_after(line, "\"pte_reads\":");
		cycles += number_after(line, "\"cycles\":");
		const char *ptes = strstr(line, "\"ptes\":["), *s2 = strstr(line, "\"stage2\":[");
		cr_assert(ptes, "%s", line);
		const char *ptes_end = s2 ? s2 : strstr(ptes, "],");
		add_found(ptes, ptes_end, guest);
		if (s2)
			add_found(s2, strstr(s2, "],"), host);
		/* Every guest entry read has its host PA. */
		cr_expect_eq(count(ptes, ptes_end, "\"level\":"), count(ptes, ptes_end, "\"hpa\":"), "%s", line);
	}
	cr_expect_eq(lines, number_after(r.out, "\"accesses\":{\"total\":"));
	cr_expect_eq(reads, number_after(r.out, ",\"pte_reads\":"));
	cr_expect_eq(cycles, number_after(r.out, ",\"cycles\":"));
	cr_expect_gt(number_after(r.out, "\"demand_paged\":"), 0);
	expect_found(r.out, "\"pte_found\":{", guest);
	expect_found(r.out, "\"stage2_found\":{", host);
	cr_expect_gt(host[1][1], 0, "no stage-2 leaf from the L2");
	free(trace);
	free(log);
	run_result_free(&r);
}
