/*
 * The `caches:` block end to end: `mmusim replay`'s data-cache section, as a
 * table and as --json's "caches" object, and a bad block's message.  The
 * counts are those worked out in test_cache.c (cache_walk suite).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "support.h"

/* x86_64, a 4-entry data TLB, no PWC, a 64-set 8-way L1D of 4 cycles, memory 100. */
static const char config[] = "extends: x86_64\n"
			     "tlb: [{name: l1d, level: 1, kind: data, entries: 4, page_sizes: [4K, 2M, 1G]}]\n"
			     "pwc: []\n"
			     "memory_latency: 100\n"
			     "caches: {l1d: {sets: 64, ways: 8, latency: 4}}\n";

/* Eight consecutive pages: their leaf PTEs share one line (1 memory read + 7 L1D hits per level). */
static const char trace[] = "map 0x400000 0x10000000 32K rwu\n"
			    "r 0x400000\nr 0x401000\nr 0x402000\nr 0x403000\n"
			    "r 0x404000\nr 0x405000\nr 0x406000\nr 0x407000\n";

static void replay(struct run_result *r, const char *cfg, bool json)
{
	char *cfg_path = write_temp_file(cfg, ".yaml"), *trace_path = write_temp_file(trace, ".trace");
	const char *argv[5];
	int argc = 0;

	argv[argc++] = "--config";
	argv[argc++] = cfg_path;
	if (json)
		argv[argc++] = "--json";
	argv[argc++] = "replay";
	argv[argc++] = trace_path;
	cr_assert_eq(run_mmusim_argv(r, argc, argv), 0);
	remove_temp_file(cfg_path);
	remove_temp_file(trace_path);
}

Test(cli_caches, table_section)
{
	struct run_result r;

	replay(&r, config, false);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect_str_eq(r.err, "");
	/* 8 TLB probes + 4 x 100 + 28 x 4 */
	cr_expect(strstr(r.out, "cycles          520  (65.00 per access)\n"), "%s", r.out);
	const char *section = strstr(r.out, "data cache ");
	cr_assert(section, "%s", r.out);
	cr_expect_str_eq(section,
			 "data cache              hits       misses    evictions  miss rate  64-byte lines\n"
			 "  l1d                     28            4            0     12.50%  64 sets x 8 ways, 4 cycles\n"
			 "PTE found in             l1d       memory\n"
			 "  level 4                  7            1\n"
			 "  level 3                  7            1\n"
			 "  level 2                  7            1\n"
			 "  level 1                  7            1\n"
			 "PTE cycles      512  (16.00 per PTE read; memory 100)\n");
	run_result_free(&r);
}

Test(cli_caches, json_object)
{
	struct run_result r;

	replay(&r, config, true);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, ",\"caches\":{\"line\":64,\"memory_latency\":100,"
				"\"l1d\":{\"sets\":64,\"ways\":8,\"latency\":4,\"hits\":28,\"misses\":4,\"evictions\":0},"
				"\"pte_found\":{\"4\":{\"l1d\":7,\"l2\":0,\"llc\":0,\"memory\":1},"
				"\"3\":{\"l1d\":7,\"l2\":0,\"llc\":0,\"memory\":1},"
				"\"2\":{\"l1d\":7,\"l2\":0,\"llc\":0,\"memory\":1},"
				"\"1\":{\"l1d\":7,\"l2\":0,\"llc\":0,\"memory\":1}},"
				"\"pte_cycles\":512}}\n"),
		  "%s", r.out);
	run_result_free(&r);
}

/* data: true adds the data line of each page, from memory (8 x 100), apart from the cycles. */
Test(cli_caches, data_accesses)
{
	char cfg[512];
	struct run_result r;

	snprintf(cfg, sizeof(cfg), "%.*s, data: true}\n", (int)(strlen(config) - 2), config);
	replay(&r, cfg, true);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "\"cycles\":520,"), "%s", r.out);
	cr_expect(strstr(r.out, "\"data\":{\"l1d\":0,\"l2\":0,\"llc\":0,\"memory\":8,\"cycles\":800}}}\n"), "%s", r.out);
	run_result_free(&r);
}

/* Without the block the report is as before: no section, no key. */
Test(cli_caches, off_has_no_section)
{
	struct run_result r;

	replay(&r, "extends: x86_64\n", true);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect_null(strstr(r.out, "\"caches\""), "%s", r.out);
	run_result_free(&r);
}

Test(cli_caches, bad_block_message)
{
	struct run_result r;
	char *cfg_path = write_temp_file("extends: x86_64\ncaches: {l1d: {sets: 48, ways: 8, latency: 4}}\n", ".yaml");
	char expected[512];

	cr_assert_eq(run_mmusim(&r, "--config", cfg_path, "replay", "/dev/null", NULL), 0);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.out, "");
	snprintf(expected, sizeof(expected), "mmusim: %s:2:22: caches.l1d.sets 48 must be a power of two\n", cfg_path);
	cr_expect_str_eq(r.err, expected);
	remove_temp_file(cfg_path);
	run_result_free(&r);
}

/*
 * `caches: cpu` on the x86_64 preset: the Skylake client geometry.  The same
 * eight pages, no PWC: each level's first PTE read misses every level (one
 * memory read of 100 per level, 4 in all), the seven others hit the L1D.
 */
Test(cli_caches, cpu_geometry)
{
	static const char cpu_config[] = "extends: x86_64\n"
					 "tlb: [{name: l1d, level: 1, kind: data, entries: 4, page_sizes: [4K, 2M, 1G]}]\n"
					 "pwc: []\n"
					 "caches: cpu\n";
	struct run_result r;

	replay(&r, cpu_config, false);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	const char *section = strstr(r.out, "data cache ");
	cr_assert(section, "%s", r.out);
	cr_expect(strstr(section,
			 "  l1d                     28            4            0     12.50%  64 sets x 8 ways, 4 cycles\n"
			 "  l2                       0            4            0    100.00%  1024 sets x 4 ways, 12 cycles\n"
			 "  llc                      0            4            0    100.00%  8192 sets x 16 ways, 42 cycles\n"),
		  "%s", section);
	cr_expect(strstr(section, "PTE cycles      512  (16.00 per PTE read; memory 100)\n"), "%s", section);
	run_result_free(&r);
}
