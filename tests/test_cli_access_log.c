/*
 * `mmusim replay --log FILE`: the per-translation JSON Lines.  A hand-worked
 * trace on a small x86_64 machine (one L1 DTLB, PWCs for levels 2 and 3, an
 * L1D) checked line by line; an L2 hit and a dirty re-walk; a bigger generated
 * trace (CPUs, ASIDs, faults, demand paging) whose lines must add up to the
 * report's totals; and the bad inputs with their exact messages.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

/* L1 DTLB 1 cycle; PWC level 2: 2 cycles, level 3: 3; PTE reads from memory 100, from the L1D 4. */
static const char small_config[] = "extends: x86_64\n"
				   "tlb: [{name: l1d, level: 1, kind: data, entries: 4, page_sizes: [4K, 2M, 1G], latency: 1}]\n"
				   "pwc: [{level: 2, entries: 4, latency: 2}, {level: 3, entries: 4, latency: 3}]\n"
				   "memory_latency: 100\n"
				   "caches: {l1d: {sets: 64, ways: 8, latency: 4}}\n";

/* Replays trace with config and --log; returns the log (caller frees) and leaves the report in *r. */
static char *replay_log(struct run_result *r, const char *config, const char *trace, const char *extra)
{
	char *cfg_path = write_temp_file(config, ".yaml"), *trace_path = write_temp_file(trace, ".trace");
	char *log_path = write_temp_file("", ".jsonl");
	const char *argv[8];
	int argc = 0;

	argv[argc++] = "--config";
	argv[argc++] = cfg_path;
	argv[argc++] = "--json";
	argv[argc++] = "replay";
	if (extra)
		argv[argc++] = extra;
	argv[argc++] = "--log";
	argv[argc++] = log_path;
	argv[argc++] = trace_path;
	cr_assert_eq(run_mmusim_argv(r, argc, argv), 0);
	cr_assert_eq(r->status, 0, "stderr: %s", r->err);
	char *log = read_text_file(log_path);
	cr_assert(log);
	remove_temp_file(cfg_path);
	remove_temp_file(trace_path);
	remove_temp_file(log_path);
	return log;
}

/*
 * 0x400000's walk: PML4 0x1000, PDPT 0x2000, PD 0x3000 + 2 * 8, PT 0x4000 (the
 * mapping's four nodes), all from memory: 1 + 2 + 3 + 4 x 100 = 406.  The PT's
 * line then sits in the L1D, and the level-2 PWC holds the PT's address:
 * the next walks probe it first and hit (1 + 2 + 4 = 7).  The write to
 * 0x400010 hits the entry the read filled with D clear: a dirty re-walk.
 */
Test(cli_access_log, hand_worked_lines)
{
	struct run_result r;
	char *log = replay_log(&r, small_config,
			       "map 0x400000 0x10000000 8K rwu\n"
			       "r 0x400000\nr 0x400008\nw 0x400010\nw 0x401000\nr 0x402000\n", NULL);
	const char *pre = "\"cpu\":0,\"vm\":0,\"asid\":0,\"priv\":\"user\",";

	char expected[4096];
	snprintf(expected, sizeof(expected),
		 "{\"i\":0,%s\"va\":\"0x400000\",\"access\":\"r\",\"served\":\"walk\",\"tlb\":null,"
		 "\"pwc\":[{\"level\":2,\"hit\":false},{\"level\":3,\"hit\":false}],"
		 "\"ptes\":[{\"level\":4,\"addr\":\"0x1000\",\"from\":\"memory\"},{\"level\":3,\"addr\":\"0x2000\",\"from\":\"memory\"},"
		 "{\"level\":2,\"addr\":\"0x3010\",\"from\":\"memory\"},{\"level\":1,\"addr\":\"0x4000\",\"from\":\"memory\"}],"
		 "\"walks\":1,\"pte_reads\":4,\"cycles\":406,\"set_a\":true,\"set_d\":false,\"pa\":\"0x10000000\",\"page_size\":4096}\n"
		 "{\"i\":1,%s\"va\":\"0x400008\",\"access\":\"r\",\"served\":\"l1\",\"tlb\":\"l1d\",\"pwc\":[],\"ptes\":[],"
		 "\"walks\":0,\"pte_reads\":0,\"cycles\":1,\"pa\":\"0x10000008\",\"page_size\":4096}\n"
		 "{\"i\":2,%s\"va\":\"0x400010\",\"access\":\"w\",\"served\":\"walk\",\"tlb\":\"l1d\",\"rewalk\":\"dirty\","
		 "\"pwc\":[{\"level\":2,\"hit\":true}],\"ptes\":[{\"level\":1,\"addr\":\"0x4000\",\"from\":\"l1d\"}],"
		 "\"walks\":1,\"pte_reads\":1,\"cycles\":7,\"set_a\":false,\"set_d\":true,\"pa\":\"0x10000010\",\"page_size\":4096}\n"
		 "{\"i\":3,%s\"va\":\"0x401000\",\"access\":\"w\",\"served\":\"walk\",\"tlb\":null,"
		 "\"pwc\":[{\"level\":2,\"hit\":true}],\"ptes\":[{\"level\":1,\"addr\":\"0x4008\",\"from\":\"l1d\"}],"
		 "\"walks\":1,\"pte_reads\":1,\"cycles\":7,\"set_a\":true,\"set_d\":true,\"pa\":\"0x10001000\",\"page_size\":4096}\n"
		 "{\"i\":4,%s\"va\":\"0x402000\",\"access\":\"r\",\"served\":\"walk\",\"tlb\":null,"
		 "\"pwc\":[{\"level\":2,\"hit\":true}],\"ptes\":[{\"level\":1,\"addr\":\"0x4010\",\"from\":\"l1d\"}],"
		 "\"walks\":1,\"pte_reads\":1,\"cycles\":7,\"fault\":\"not-present\"}\n",
		 pre, pre, pre, pre, pre);
	cr_expect_str_eq(log, expected);
	/* 406 + 1 + 7 + 7 + 7 */
	cr_expect(strstr(r.out, ",\"cycles\":428,"), "%s", r.out);
	free(log);
	run_result_free(&r);
}

/* With demand paging the faulting read's line says paged_in and gives the page; the retry's walk is not counted. */
Test(cli_access_log, demand_paged_line)
{
	struct run_result r;
	char *log = replay_log(&r, small_config, "map 0x400000 0x10000000 8K rwu\nr 0x400000\nr 0x402000\n",
			       "--demand-paging");
	const char *second = strstr(log, "{\"i\":1,");

	cr_assert(second, "%s", log);
	cr_expect(strstr(second, "\"walks\":1,\"pte_reads\":1,\"cycles\":7,\"pa\":\"0x"), "%s", second);
	cr_expect(strstr(second, "\"page_size\":4096,\"paged_in\":true}\n"), "%s", second);
	cr_expect(strstr(r.out, "\"demand_paged\":1,"), "%s", r.out);
	free(log);
	run_result_free(&r);
}

/*
 * A VA that is not canonical (bits 63:47 not all equal) raises #GP before
 * paging (SDM vol. 1 3.3.7.1): no TLB lookup, no PWC probe, no walk, no
 * cycles.  The report counts the access and the fault, no TLB miss and no
 * walk: the one walk and miss are 0x400000's (406 cycles, see above).
 */
Test(cli_access_log, non_canonical_line_is_no_lookup)
{
	struct run_result r;
	char *log = replay_log(&r, small_config, "map 0x400000 0x10000000 4K rwu\nr 0x800000000000\nr 0x400000\n", NULL);
	const char *pre = "\"cpu\":0,\"vm\":0,\"asid\":0,\"priv\":\"user\",";
	char expected[512];

	snprintf(expected, sizeof(expected),
		 "{\"i\":0,%s\"va\":\"0x800000000000\",\"access\":\"r\",\"served\":\"none\",\"tlb\":null,"
		 "\"pwc\":[],\"ptes\":[],\"walks\":0,\"pte_reads\":0,\"cycles\":0,\"fault\":\"non-canonical\"}\n",
		 pre);
	cr_expect(strncmp(log, expected, strlen(expected)) == 0, "%s", log);
	cr_expect(strstr(r.out, "\"l1d\":{\"hits\":0,\"misses\":1,"), "%s", r.out);
	cr_expect(strstr(r.out, "\"walks\":1,"), "%s", r.out);
	cr_expect(strstr(r.out, "\"pte_reads\":4,"), "%s", r.out);
	cr_expect(strstr(r.out, ",\"cycles\":406,"), "%s", r.out);
	cr_expect(strstr(r.out, "\"non-canonical\":1"), "%s", r.out);
	free(log);
	run_result_free(&r);
}

/* After a warm-up the lines from the reset on add up to the report: 7 + 7 + 7 (see hand_worked_lines). */
Test(cli_access_log, warmup_lines_add_up_from_the_reset)
{
	struct run_result r;
	char *log = replay_log(&r, small_config,
			       "map 0x400000 0x10000000 8K rwu\n"
			       "r 0x400000\nr 0x400008\nw 0x400010\nw 0x401000\nr 0x402000\n", "--warmup=2");
	const char *third = strstr(log, "{\"i\":2,");

	cr_assert(third, "%s", log);
	cr_expect(strstr(third, "\"cycles\":7,") && strstr(third, "{\"i\":3,"), "%s", log);
	cr_expect(strstr(r.out, ",\"cycles\":21,"), "%s", r.out);
	cr_expect(strstr(r.out, "\"accesses\":{\"total\":3,"), "%s", r.out);
	free(log);
	run_result_free(&r);
}

/* An access that crosses a page boundary is one line per page (a lackey load of 8 bytes at 0x400ffc). */
Test(cli_access_log, page_crossing_access_two_lines)
{
	struct run_result r;
	char *log = replay_log(&r, small_config, "==1== lackey\n L 00400ffc,8\n", "--demand-paging");

	cr_expect(strstr(log, "{\"i\":0,\"cpu\":0,\"vm\":0,\"asid\":0,\"priv\":\"user\",\"va\":\"0x400ffc\",\"access\":\"r\","),
		  "%s", log);
	cr_expect(strstr(log, "{\"i\":1,\"cpu\":0,\"vm\":0,\"asid\":0,\"priv\":\"user\",\"va\":\"0x401000\",\"access\":\"r\","),
		  "%s", log);
	cr_expect_null(strstr(log, "{\"i\":2,"), "%s", log);
	cr_expect(strstr(r.out, "\"demand_paged\":2,"), "%s", r.out);
	free(log);
	run_result_free(&r);
}

/*
 * A 1-entry L1 DTLB (1 cycle) and a 4-entry unified L2 (7 cycles), no PWC, no
 * data caches: two walks of 1 + 7 + 4 x 100 = 408; the third access finds
 * 0x400000 in the L2 only (the L1 holds 0x401000): 1 + 7 = 8.
 */
Test(cli_access_log, level_two_hit)
{
	struct run_result r;
	char *log = replay_log(&r,
			       "extends: x86_64\n"
			       "tlb: [{name: dtlb, level: 1, kind: data, entries: 1, page_sizes: [4K], latency: 1},\n"
			       "      {name: stlb, level: 2, kind: unified, entries: 4, page_sizes: [4K], latency: 7}]\n"
			       "pwc: []\nmemory_latency: 100\n",
			       "map 0x400000 0x10000000 8K rwu\nr 0x400000\nr 0x401000\nr 0x400000\n", NULL);
	const char *third = strstr(log, "{\"i\":2,");

	cr_assert(third, "%s", log);
	cr_expect(strstr(log, "\"walks\":1,\"pte_reads\":4,\"cycles\":408,"), "%s", log);
	cr_expect_str_eq(third, "{\"i\":2,\"cpu\":0,\"vm\":0,\"asid\":0,\"priv\":\"user\",\"va\":\"0x400000\","
				"\"access\":\"r\",\"served\":\"l2\",\"tlb\":\"stlb\",\"pwc\":[],\"ptes\":[],"
				"\"walks\":0,\"pte_reads\":0,\"cycles\":8,\"pa\":\"0x10000000\",\"page_size\":4096}\n");
	free(log);
	run_result_free(&r);
}

/* The number after key in s (from its first occurrence), or aborts the test. */
static uint64_t number_after(const char *s, const char *key)
{
	const char *p = strstr(s, key);

	cr_assert(p, "no %s in %.300s", key, s);
	return strtoull(p + strlen(key), NULL, 10);
}

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/*
 * Four CPUs, three address spaces each with a read-write-exec region, a
 * read-only one (writes fault) and an unmapped one (demand paging), some
 * non-canonical VAs (faults that stay) and flushes.
 */
static char *generated_trace(void)
{
	size_t cap = 1 << 20, len = 0;
	char *t = malloc(cap);
	uint64_t x = 88172645463325252ull;

	cr_assert(t);
	for (unsigned a = 0; a < 3; a++)
		len += (size_t)snprintf(t + len, cap - len,
					"asid %u\nmap 0x400000 0x%x 256K rwxu\nmap 0x600000 0x%x 16K ru\n", a,
					0x10000000 + a * 0x100000, 0x18000000 + a * 0x100000);
	for (unsigned i = 0; i < 6000; i++) {
		uint64_t v = xorshift(&x), pick = v % 100, va;
		const char *kind = (v >> 8) % 3 == 0 ? "w" : (v >> 8) % 3 == 1 ? "r" : "x";
		if (pick < 5) {
			len += (size_t)snprintf(t + len, cap - len, "cpu %u\n", (unsigned)((v >> 16) % 4));
			continue;
		}
		if (pick < 10) {
			len += (size_t)snprintf(t + len, cap - len, "asid %u\n", (unsigned)((v >> 16) % 3));
			continue;
		}
		if (pick < 11) {
			len += (size_t)snprintf(t + len, cap - len, "flush\n");
			continue;
		}
		if (pick < 70)
			va = 0x400000 + (v >> 20) % 0x40000;
		else if (pick < 80)
			va = 0x600000 + (v >> 20) % 0x4000;
		else if (pick < 97)
			va = 0x800000 + (v >> 20) % 0x100000;
		else
			va = 0x800000000000ull + ((v >> 20) & 0xfff000);
		len += (size_t)snprintf(t + len, cap - len, "%s 0x%" PRIx64 "\n", kind, va);
	}
	return t;
}

/*
 * The lines' walks, PTE reads, cycles, faults, TLB hits, PWC hits and misses
 * and PTE sources add up to the report of the generated trace replayed with
 * `option`; paged_key counts the faults demand paging or the OS resolved.
 */
static void expect_lines_add_up(const char *option, const char *paged_key)
{
	static const char *const tlbs[] = { "l1d", "l1i", "l1d_2m", "l1i_2m", "l1d_1g", "stlb", "stlb_1g" };
	static const char *const froms[] = { "l1d", "l2", "llc", "memory" };
	enum { NT = sizeof(tlbs) / sizeof(tlbs[0]) };
	struct run_result r;
	char *trace = generated_trace();
	char *log = replay_log(&r,
			       "extends: x86_64\n"
			       "caches: {l1d: {sets: 64, ways: 8, latency: 4}, l2: {sets: 256, ways: 8, latency: 12}}\n",
			       trace, option);
	uint64_t lines = 0, walks = 0, reads = 0, cycles = 0, faults = 0, paged = 0, hits[NT] = { 0 };
	uint64_t pwc[6][2] = { { 0 } }, found[6][4] = { { 0 } };
	unsigned cpus_seen = 0, asids_seen = 0;

	for (char *line = log, *next; *line; line = next) {
		next = strchr(line, '\n');
		cr_assert(next, "unterminated line");
		*next++ = '\0';
		lines++;
		walks += number_after(line, "\"walks\":");
		reads += number_after(line, "\"pte_reads\":");
		cycles += number_after(line, "\"cycles\":");
		faults += strstr(line, "\"fault\":") != NULL;
		paged += strstr(line, "\"paged_in\":true") != NULL;
		cpus_seen |= 1u << number_after(line, "\"cpu\":");
		asids_seen |= 1u << number_after(line, "\"asid\":");
		for (unsigned i = 0; i < NT; i++) {
			char key[64];
			snprintf(key, sizeof(key), "\"tlb\":\"%s\"", tlbs[i]);
			hits[i] += strstr(line, key) != NULL;
		}
		char *end = strstr(line, "],\"ptes\":[");
		cr_assert(end, "%s", line);
		for (char *p = strstr(line, "\"pwc\":["); (p = strstr(p, "{\"level\":")) && p < end; p++) {
			unsigned level = (unsigned)strtoul(p + 9, NULL, 10);
			cr_assert(level >= 2 && level <= 5);
			pwc[level][strstr(p, "\"hit\":true") == strchr(p, '}') - 10 ? 0 : 1]++;
		}
		for (char *p = end; (p = strstr(p, "{\"level\":")); p++) {
			unsigned level = (unsigned)strtoul(p + 9, NULL, 10);
			char *from = strstr(p, "\"from\":\"") + 8;
			for (unsigned f = 0; f < 4; f++)
				if (strncmp(from, froms[f], strlen(froms[f])) == 0 && from[strlen(froms[f])] == '"')
					found[level][f]++;
		}
	}
	const char *out = r.out;
	cr_expect_eq(lines, number_after(out, "\"accesses\":{\"total\":"));
	cr_expect_eq(walks, number_after(out, ",\"walks\":"));
	cr_expect_eq(reads, number_after(out, ",\"pte_reads\":"));
	cr_expect_eq(cycles, number_after(out, ",\"cycles\":"));
	cr_expect_eq(paged, number_after(out, paged_key));
	cr_expect_gt(paged, 0);
	cr_expect_eq(cpus_seen, 0xf);
	cr_expect_eq(asids_seen, 0x7);
	/* Faults that stay: the report's kinds, summed. */
	const char *f = strstr(out, "\"faults\":{");
	uint64_t report_faults = 0;
	cr_assert(f);
	for (const char *p = f + 10; *p != '}'; p++)
		if (*p == ':')
			report_faults += strtoull(p + 1, NULL, 10);
	cr_expect_eq(faults, report_faults);
	cr_expect_gt(faults, 0);
	const char *tlb = strstr(out, "\"tlb\":{");
	cr_assert(tlb);
	for (unsigned i = 0; i < NT; i++) {
		char key[64];
		snprintf(key, sizeof(key), "\"%s\":{\"hits\":", tlbs[i]);
		cr_expect_eq(hits[i], number_after(tlb, key), "%s", tlbs[i]);
	}
	const char *pw = strstr(out, "\"pwc\":{");
	cr_assert(pw);
	for (unsigned level = 2; level <= 5; level++) {
		char key[64];
		snprintf(key, sizeof(key), "\"%u\":{\"hits\":", level);
		if (!strstr(pw, key)) {
			cr_expect_eq(pwc[level][0] + pwc[level][1], 0);
			continue;
		}
		const char *entry = strstr(pw, key);
		cr_expect_eq(pwc[level][0], number_after(entry, "\"hits\":"), "level %u", level);
		cr_expect_eq(pwc[level][1], number_after(entry, "\"misses\":"), "level %u", level);
	}
	/* The paths this trace must take for the sums to mean something. */
	cr_expect_gt(hits[5], 0, "no stlb hit");
	cr_expect_gt(pwc[2][0] + pwc[3][0] + pwc[4][0], 0, "no PWC hit");
	cr_expect_gt(found[1][0], 0, "no leaf PTE from the L1D");
	cr_expect_gt(found[1][1], 0, "no leaf PTE from the L2");
		const char *pf = strstr(out, "\"pte_found\":{");
	cr_assert(pf);
	for (unsigned level = 1; level <= 4; level++) {
		char key[32];
		snprintf(key, sizeof(key), "\"%u\":{", level);
		const char *entry = strstr(pf, key);
		cr_assert(entry);
		for (unsigned fr = 0; fr < 4; fr++) {
			snprintf(key, sizeof(key), "\"%s\":", froms[fr]);
			cr_expect_eq(found[level][fr], number_after(entry, key), "level %u from %s", level, froms[fr]);
		}
	}
	free(trace);
	free(log);
	run_result_free(&r);
}

Test(cli_access_log, lines_add_up_to_the_report)
{
	expect_lines_add_up("--demand-paging", "\"demand_paged\":");
}

/* The OS layer with 64 resident pages (the trace touches more): evictions, swap-ins, their walks. */
Test(cli_access_log, lines_add_up_under_memory_pressure)
{
	expect_lines_add_up("--resident-pages=64", "\"page_faults\":");
}

static void expect_refused(const char *const *argv, int argc, const char *message)
{
	struct run_result r;

	cr_assert_eq(run_mmusim_argv(&r, argc, argv), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.out, "");
	cr_expect_str_eq(r.err, message);
	run_result_free(&r);
}

Test(cli_access_log, bad_inputs)
{
	char *trace = write_temp_file("r 0x1000\n", ".trace");
	char expected[512];

	expect_refused((const char *[]){ "replay", "--log", "/nonexistent-dir/x.jsonl", trace }, 4,
		       "mmusim: /nonexistent-dir/x.jsonl: cannot create: No such file or directory\n");
	expect_refused((const char *[]){ "replay", "--log", "-", trace }, 4,
		       "mmusim: replay: --log - would mix the log with the report on standard output: give a file\n");
	expect_refused((const char *[]){ "replay", trace, "--log" }, 3,
		       "mmusim: option --log needs a value (see mmusim --help)\n");
	expect_refused((const char *[]){ "translate", "--log", "x.jsonl", "0x1000" }, 4,
		       "mmusim: translate: unknown option '--log' (see mmusim translate --help)\n");
	snprintf(expected, sizeof(expected), "mmusim: %s: is also an input (%s): choose another output file\n", trace,
		 trace);
	expect_refused((const char *[]){ "replay", "--log", trace, trace }, 4, expected);
	remove_temp_file(trace);
}
