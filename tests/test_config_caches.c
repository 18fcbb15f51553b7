/*
 * The `caches:` block (formats/config_caches.c): what it sets, its defaults,
 * and every rule's exact message and position.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

#include "formats/config.h"

static int load(const char *text, struct machine_config *mc, struct mm_error *err)
{
	memset(err, 0, sizeof(*err));
	return config_load_string(text, strlen(text), "t.yaml", mc, err);
}

Test(config_data_caches, absent_is_off)
{
	struct machine_config mc;
	struct mm_error err;

	cr_assert_eq(load("extends: x86_64\n", &mc, &err), MM_OK, "%s", err.msg);
	cr_expect_not(mc.caches.on, "no caches: block, flat memory_latency as before");
	cr_expect_eq(mc.memory_latency, 100);
}

Test(config_data_caches, parsed_with_defaults)
{
	static const char text[] = "extends: x86_64\n"
				   "memory_latency: 200\n"
				   "caches:\n"
				   "  line: 128\n"
				   "  l1d: {sets: 64, ways: 8, latency: 4}\n"
				   "  llc: {sets: 2048, ways: 16, latency: 40, replacement: random, seed: 9}\n"
				   "  data: true\n";
	struct machine_config mc;
	struct mm_error err;

	cr_assert_eq(load(text, &mc, &err), MM_OK, "%s", err.msg);
	cr_assert(mc.caches.on);
	cr_expect_eq(mc.caches.line_shift, 7);
	cr_expect(mc.caches.present[CACHE_L1D]);
	cr_expect_not(mc.caches.present[CACHE_L2], "a level left out is absent");
	cr_expect(mc.caches.present[CACHE_LLC]);
	cr_expect_eq(mc.caches.level[CACHE_L1D].sets, 64);
	cr_expect_eq(mc.caches.level[CACHE_L1D].ways, 8);
	cr_expect_eq(mc.caches.level[CACHE_L1D].latency, 4);
	cr_expect_eq(mc.caches.level[CACHE_L1D].replacement, REPL_LRU, "replacement defaults to lru");
	cr_expect_eq(mc.caches.level[CACHE_LLC].replacement, REPL_RANDOM);
	cr_expect_eq(mc.caches.level[CACHE_LLC].seed, 9);
	cr_expect(mc.caches.data);
	cr_expect_eq(mc.memory_latency, 200, "memory_latency is the DRAM latency behind the caches");
}

Test(config_data_caches, line_and_data_default)
{
	struct machine_config mc;
	struct mm_error err;

	cr_assert_eq(load("extends: x86_64\ncaches: {l2: {sets: 1024, ways: 4, latency: 12}}\n", &mc, &err), MM_OK,
		     "%s", err.msg);
	cr_expect_eq(mc.caches.line_shift, 6, "64-byte lines by default");
	cr_expect_not(mc.caches.data, "PTE reads only by default");
}

/* Arrays, not pointers: Criterion copies the parameters to its test processes. */
struct caches_rule {
	char yaml[200];
	char msg[160];
};

static const struct caches_rule rules[] = {
	{ "caches: [64]", "t.yaml:2:9: expected a mapping or a geometry name for caches" },
	{ "caches: 64", "t.yaml:2:9: unknown cache geometry '64' for caches (expected skylake | u74 | neoverse_n1 | cpu)" },
	{ "caches: {like: zen4}",
	  "t.yaml:2:16: unknown cache geometry 'zen4' for caches.like (expected skylake | u74 | neoverse_n1 | cpu)" },
	{ "caches: {like: [skylake]}",
	  "t.yaml:2:16: expected a geometry name for caches.like (skylake | u74 | neoverse_n1 | cpu)" },
	{ "caches: {line: 64}", "t.yaml:2:9: caches needs at least one of l1d, l2, llc (or like: a geometry)" },
	{ "caches: {l2: {sets: 1024, ways: 4, latency: 12, replacement: [lru]}}",
	  "t.yaml:2:62: expected a string for caches.l2.replacement" },
	{ "caches: {l3: {sets: 1, ways: 1, latency: 1}}", "t.yaml:2:10: unknown key 'l3' in caches" },
	{ "caches: {line: 48, l1d: {sets: 1, ways: 1, latency: 1}}",
	  "t.yaml:2:16: caches.line 48 must be a power of two from 8 to 4096" },
	{ "caches: {line: 8192, l1d: {sets: 1, ways: 1, latency: 1}}",
	  "t.yaml:2:16: caches.line 8192 must be a power of two from 8 to 4096" },
	{ "caches: {line: big, l1d: {sets: 1, ways: 1, latency: 1}}", "t.yaml:2:16: expected a number for caches.line" },
	{ "caches: {l1d: 4}", "t.yaml:2:15: expected a mapping for caches.l1d" },
	{ "caches: {l1d: {ways: 1, latency: 1}}", "t.yaml:2:15: missing key 'sets' in caches.l1d" },
	{ "caches: {l1d: {sets: 64, latency: 1}}", "t.yaml:2:15: missing key 'ways' in caches.l1d" },
	{ "caches: {l2: {sets: 64, ways: 8}}", "t.yaml:2:14: missing key 'latency' in caches.l2" },
	{ "caches: {l1d: {sets: 48, ways: 8, latency: 4}}", "t.yaml:2:22: caches.l1d.sets 48 must be a power of two" },
	{ "caches: {l1d: {sets: 0, ways: 8, latency: 4}}", "t.yaml:2:22: caches.l1d.sets 0 must be a power of two" },
	{ "caches: {llc: {sets: 64, ways: 0, latency: 4}}", "t.yaml:2:32: caches.llc.ways must be at least 1" },
	{ "caches: {llc: {sets: 4096, ways: 2048, latency: 4}}",
	  "t.yaml:2:34: caches.llc holds 8388608 lines; at most 4194304" },
	{ "caches: {llc: {sets: 8M, ways: 1, latency: 4}}",
	  "t.yaml:2:22: caches.llc.sets 8388608 is out of range (at most 4194304)" },
	{ "caches: {l1d: {sets: 64, ways: 8, latency: 4, size: 32K}}", "t.yaml:2:47: unknown key 'size' in caches.l1d" },
	{ "caches: {l1d: {sets: 64, ways: 8, latency: 4, replacement: plru}}",
	  "t.yaml:2:60: unknown value 'plru' for caches.l1d.replacement (expected lru | fifo | random)" },
	{ "caches: {l1d: {sets: 64, ways: 8, latency: x}}", "t.yaml:2:44: expected a number for caches.l1d.latency" },
	{ "caches: {l1d: {sets: 64, ways: 8, latency: 4}, data: maybe}",
	  "t.yaml:2:54: expected a boolean for caches.data" },
};

ParameterizedTestParameters(config_data_caches, rules)
{
	return cr_make_param_array(struct caches_rule, rules, sizeof(rules) / sizeof(rules[0]));
}

/* One test per rule, each at its exact position; a bad block never yields a config. */
ParameterizedTest(const struct caches_rule *c, config_data_caches, rules)
{
	char text[400];
	struct machine_config mc;
	struct mm_error err;

	snprintf(text, sizeof(text), "extends: x86_64\n%s\n", c->yaml);
	cr_assert_eq(load(text, &mc, &err), MM_EINVAL, "for input:\n%s", text);
	cr_expect_str_eq(err.msg, c->msg, "got '%s' for input:\n%s", err.msg, text);
}

/* The example configs load and say what their comments say: 32 KiB 8-way L1Ds, 64-byte lines. */
Test(config_data_caches, example_configs)
{
	struct machine_config mc;
	struct mm_error err = { 0 };

	cr_assert_eq(config_load_file(MMUSIM_SOURCE_DIR "/examples/caches/skylake.yaml", &mc, &err), MM_OK, "%s",
		     err.msg);
	cr_expect_str_eq(mc.name, "x86_64_skylake_caches");
	cr_expect_eq(mc.caches.line_shift, 6);
	cr_expect_eq(mc.caches.level[CACHE_L1D].sets * mc.caches.level[CACHE_L1D].ways * 64, 32 << 10);
	cr_expect_eq(mc.caches.level[CACHE_L2].sets * mc.caches.level[CACHE_L2].ways * 64, 256 << 10);
	cr_expect_eq((uint64_t)mc.caches.level[CACHE_LLC].sets * mc.caches.level[CACHE_LLC].ways * 64, 8 << 20);
	cr_assert_eq(config_load_file(MMUSIM_SOURCE_DIR "/examples/caches/u74.yaml", &mc, &err), MM_OK, "%s", err.msg);
	cr_expect_eq(mc.caches.level[CACHE_L1D].sets * mc.caches.level[CACHE_L1D].ways * 64, 32 << 10);
	cr_expect_not(mc.caches.present[CACHE_L2]);
	cr_expect_eq(mc.caches.level[CACHE_LLC].sets * mc.caches.level[CACHE_LLC].ways * 64, 2 << 20);
}

/*
 * The public geometries, by name and by the config's architecture, checked
 * against the sources' sizes (cache_geometries.c): Skylake client L1D 32 KiB
 * 8-way, L2 256 KiB 4-way, LLC 8 MiB 16-way; U74 L1D 32 KiB 8-way and a
 * 2 MiB 16-way last level; Neoverse N1 L1D 64 KiB 4-way, L2 1 MiB 8-way.
 */
static uint64_t bytes(const struct machine_config *mc, enum cache_level l)
{
	return (uint64_t)mc->caches.level[l].sets * mc->caches.level[l].ways << mc->caches.line_shift;
}

Test(config_data_caches, geometries_by_cpu)
{
	struct machine_config mc;
	struct mm_error err;

	cr_assert_eq(load("extends: x86_64\ncaches: cpu\n", &mc, &err), MM_OK, "%s", err.msg);
	cr_assert(mc.caches.on);
	cr_expect_eq(bytes(&mc, CACHE_L1D), 32 << 10);
	cr_expect_eq(mc.caches.level[CACHE_L1D].ways, 8);
	cr_expect_eq(mc.caches.level[CACHE_L1D].latency, 4);
	cr_expect_eq(bytes(&mc, CACHE_L2), 256 << 10);
	cr_expect_eq(mc.caches.level[CACHE_L2].ways, 4);
	cr_expect_eq(bytes(&mc, CACHE_LLC), 8 << 20);
	cr_expect_eq(mc.caches.level[CACHE_LLC].latency, 42);
	cr_expect_not(mc.caches.data);

	cr_assert_eq(load("extends: sv39\ncaches: cpu\n", &mc, &err), MM_OK, "%s", err.msg);
	cr_expect_eq(bytes(&mc, CACHE_L1D), 32 << 10);
	cr_expect_not(mc.caches.present[CACHE_L2], "the FU740's L2 is its last level");
	cr_expect_eq(bytes(&mc, CACHE_LLC), 2 << 20);
	cr_expect_eq(mc.caches.level[CACHE_LLC].ways, 16);

	cr_assert_eq(load("extends: aarch64_64k\ncaches: cpu\n", &mc, &err), MM_OK, "%s", err.msg);
	cr_expect_eq(bytes(&mc, CACHE_L1D), 64 << 10);
	cr_expect_eq(mc.caches.level[CACHE_L1D].ways, 4);
	cr_expect_eq(bytes(&mc, CACHE_L2), 1 << 20);
	cr_expect_eq(mc.caches.level[CACHE_L2].ways, 8);

	cr_assert_eq(load("extends: x86_32\ncaches: neoverse_n1\n", &mc, &err), MM_OK, "%s", err.msg);
	cr_expect_eq(bytes(&mc, CACHE_L1D), 64 << 10, "any geometry by name, whatever the architecture");
}

/* like: a geometry, then the levels given replace its own; data and line as in a full block. */
Test(config_data_caches, like_then_override)
{
	struct machine_config mc;
	struct mm_error err;

	cr_assert_eq(load("extends: x86_64\ncaches: {like: skylake, l2: {sets: 512, ways: 16, latency: 14}, "
			  "data: true}\n", &mc, &err), MM_OK, "%s", err.msg);
	cr_expect_eq(bytes(&mc, CACHE_L1D), 32 << 10, "kept from skylake");
	cr_expect_eq(bytes(&mc, CACHE_L2), 512 << 10, "replaced");
	cr_expect_eq(mc.caches.level[CACHE_L2].latency, 14);
	cr_expect_eq(bytes(&mc, CACHE_LLC), 8 << 20);
	cr_expect(mc.caches.data);
	cr_expect_eq(mc.caches.line_shift, 6);
}

Test(config_data_caches, cpu_without_a_geometry)
{
	struct machine_config mc;
	struct mm_error err;

	cr_assert_eq(load("extends: toy\ncaches: cpu\n", &mc, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "t.yaml:2:9: caches: cpu has no data-cache geometry for arch toy (name one: "
				  "skylake, u74, neoverse_n1; or give the levels)");
}
