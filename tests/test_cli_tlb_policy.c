/*
 * End to end: `replacement: plru | srrip` from a config file to the replay's
 * counts.  One fully associative data TLB of 4 entries; pages A..E are
 * VA 0x400000 + n * 4K.  Hits and misses worked out by hand below.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "support.h"

/* Reads A B C D A E B C through a 4-entry TLB with `policy`; returns the replay's JSON. */
static char *replay_with(const char *policy)
{
	char yaml[300];
	struct run_result r;

	snprintf(yaml, sizeof(yaml),
		 "extends: x86_64\ntlb: [{name: l1d, level: 1, kind: data, entries: 4, page_sizes: [4K],"
		 " replacement: %s}]\n", policy);
	char *cfg = write_temp_file(yaml, ".yaml");
	char *trace = write_temp_file("map 0x400000 0x10000000 20K rwu\n"
				      "r 0x400000\nr 0x401000\nr 0x402000\nr 0x403000\n"
				      "r 0x400000\nr 0x404000\nr 0x401000\nr 0x402000\n", ".trace");
	cr_assert_eq(run_mmusim(&r, "--config", cfg, "--json", "replay", trace, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	remove_temp_file(cfg);
	remove_temp_file(trace);
	free(r.err);
	return r.out;
}

/*
 * LRU: A hits; E evicts B (least recent); B misses and evicts C; C misses:
 * 1 hit, 7 misses, 3 evictions.  Tree-PLRU (hand trace in test_tlb_policy.c):
 * E evicts C, so B hits; C misses and evicts D: 2 hits, 6 misses, 2 evictions.
 * SRRIP: A hit -> [0 2 2 2]; E: age [1 3 3 3], evicts B; B misses: w2 (C) is
 * 3, evicts C; C misses: w3 (D) at 3: 1 hit, 7 misses, 3 evictions.
 */
Test(cli_tlb_policy, plru_keeps_what_lru_evicts)
{
	char *out = replay_with("lru");
	cr_expect(strstr(out, "\"l1d\":{\"hits\":1,\"misses\":7,\"evictions\":3,"), "%s", out);
	free(out);
	out = replay_with("plru");
	cr_expect(strstr(out, "\"l1d\":{\"hits\":2,\"misses\":6,\"evictions\":2,"), "%s", out);
	free(out);
	out = replay_with("srrip");
	cr_expect(strstr(out, "\"l1d\":{\"hits\":1,\"misses\":7,\"evictions\":3,"), "%s", out);
	free(out);
}
