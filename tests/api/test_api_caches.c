/*
 * The data caches (`caches:`) through the public API: mmusim_mmu_data_cache_stats
 * off and on.  Two pages whose leaf PTEs share a line (worked out as in
 * test_cache.c): each level's PTE from memory on the first walk, from the L1D
 * on the second.
 */
#include <criterion/criterion.h>
#include <string.h>

#include <mmusim.h>

static mmusim_machine *machine(const char *yaml)
{
	mmusim_error err = { 0 };
	mmusim_config *cfg;
	mmusim_machine *m;

	cr_assert_eq(mmusim_config_parse(yaml, strlen(yaml), "t.yaml", &cfg, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_machine_create(cfg, &m, &err), MMUSIM_OK, "%s", err.message);
	mmusim_config_free(cfg);
	return m;
}

Test(api_caches, off_returns_false_and_zeros)
{
	mmusim_machine *m = machine("extends: x86_64\n");
	mmusim_mmu *mmu;
	mmusim_data_cache_stats s;
	mmusim_error err = { 0 };

	cr_assert_eq(mmusim_mmu_create(m, NULL, &mmu, &err), MMUSIM_OK, "%s", err.message);
	memset(&s, 0xff, sizeof(s));
	cr_expect_not(mmusim_mmu_data_cache_stats(mmu, &s));
	cr_expect_eq(s.pte_cycles, 0);
	cr_expect_eq(s.cache[0].hits, 0);
	mmusim_mmu_destroy(mmu);
	mmusim_machine_destroy(m);
}

Test(api_caches, pte_reads_by_level)
{
	mmusim_machine *m = machine("extends: x86_64\npwc: []\nmemory_latency: 100\n"
				    "caches: {line: 64, l1d: {sets: 64, ways: 8, latency: 4}, llc: {sets: 1024, ways: 16, latency: 40}}\n");
	mmusim_mmu *mmu;
	mmusim_mmu_result res;
	mmusim_data_cache_stats s;
	mmusim_error err = { 0 };

	cr_assert_eq(mmusim_map(m, 0x400000, 0x10000000, 0x2000, MMUSIM_PROP_R | MMUSIM_PROP_W | MMUSIM_PROP_U,
				MMUSIM_CACHE_WB, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_mmu_create(m, NULL, &mmu, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_mmu_translate(mmu, 0x400000, MMUSIM_READ, &res), MMUSIM_OK);
	cr_assert_eq(mmusim_mmu_translate(mmu, 0x401000, MMUSIM_READ, &res), MMUSIM_OK);
	cr_assert(mmusim_mmu_data_cache_stats(mmu, &s));
	cr_expect_eq(s.line, 64);
	cr_expect_eq(s.memory_latency, 100);
	cr_expect(s.cache[0].present && !s.cache[1].present && s.cache[2].present);
	cr_expect_str_eq(s.cache[0].name, "l1d");
	cr_expect_str_eq(s.cache[2].name, "llc");
	for (unsigned level = 1; level <= 4; level++) {
		cr_expect_eq(s.pte_found[level][0], 1, "level %u from the L1D", level);
		cr_expect_eq(s.pte_found[level][3], 1, "level %u from memory", level);
	}
	/* L1D: 4 misses then 4 hits; the LLC sees the 4 misses */
	cr_expect_eq(s.cache[0].hits, 4);
	cr_expect_eq(s.cache[0].misses, 4);
	cr_expect_eq(s.cache[2].misses, 4);
	cr_expect_eq(s.pte_cycles, 4 * 100 + 4 * 4);
	cr_expect_not(s.data);
	mmusim_mmu_destroy(mmu);
	mmusim_machine_destroy(m);
}
