/*
 * mmusim_config_tlb_prefetches: which TLBs of a config prefetch (a prefetcher
 * or line prefetch), the keys a report shows prefetch counters for.
 */
#include <criterion/criterion.h>
#include <string.h>

#include <mmusim.h>

Test(api_tlb_prefetches, per_tlb_from_the_config)
{
	static const char yaml[] =
		"extends: x86_64\n"
		"tlb:\n"
		"  - {name: a, level: 1, kind: instruction, entries: 8, page_sizes: [4K]}\n"
		"  - {name: b, level: 1, kind: data, entries: 8, page_sizes: [4K], prefetch: {kind: next}}\n"
		"  - {name: c, level: 2, kind: unified, entries: 16, page_sizes: [4K], line_prefetch: true}\n";
	mmusim_config *cfg = NULL;
	mmusim_error err;

	cr_assert_eq(mmusim_config_parse(yaml, strlen(yaml), "p.yaml", &cfg, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_not(mmusim_config_tlb_prefetches(cfg, 0));
	cr_expect(mmusim_config_tlb_prefetches(cfg, 1));
	cr_expect(mmusim_config_tlb_prefetches(cfg, 2));
	cr_expect_not(mmusim_config_tlb_prefetches(cfg, 3), "out of range");
	mmusim_config_free(cfg);

	/* The presets do not prefetch. */
	cr_assert_eq(mmusim_config_load("x86_64", &cfg, &err), MMUSIM_OK, "%s", err.message);
	for (unsigned i = 0; i < mmusim_config_nr_tlbs(cfg); i++)
		cr_expect_not(mmusim_config_tlb_prefetches(cfg, i), "TLB %u", i);
	mmusim_config_free(cfg);
}
