/*
 * mmusim_mmu_set_access_log: the records a caller gets for each translation,
 * worked out by hand on a small x86_64 machine (one 4-entry L1 DTLB of 1
 * cycle, a level-2 PWC of 2 cycles, no data caches, memory 100), and the
 * JSON stream (mmusim_mmu_log_access_json).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include <mmusim.h>

struct seen {
	unsigned n;
	mmusim_access_detail d[8];
};

static void keep(void *arg, const mmusim_access_detail *d)
{
	struct seen *s = arg;

	if (s->n < 8)
		s->d[s->n] = *d;
	s->n++;
}

static mmusim_machine *machine(void)
{
	static const char yaml[] = "extends: x86_64\n"
				   "tlb: [{name: dtlb, level: 1, kind: data, entries: 4, page_sizes: [4K], latency: 1}]\n"
				   "pwc: [{level: 2, entries: 4, latency: 2}]\nmemory_latency: 100\n";
	mmusim_error err = { 0 };
	mmusim_config *cfg;
	mmusim_machine *m;

	cr_assert_eq(mmusim_config_parse(yaml, strlen(yaml), "t.yaml", &cfg, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_machine_create(cfg, &m, &err), MMUSIM_OK, "%s", err.message);
	mmusim_config_free(cfg);
	cr_assert_eq(mmusim_map(m, 0x400000, 0x10000000, 0x2000, MMUSIM_PROP_R | MMUSIM_PROP_W | MMUSIM_PROP_U,
				MMUSIM_CACHE_WB, &err), MMUSIM_OK, "%s", err.message);
	return m;
}

/* A walk (1 + 2 + 4 x 100), a hit (1), a walk from the PWC hit (1 + 2 + 100), a not-present fault (same). */
Test(api_access_log, records_by_hand)
{
	mmusim_machine *m = machine();
	mmusim_mmu *mmu;
	mmusim_mmu_result res;
	mmusim_error err = { 0 };
	struct seen s = { 0 };

	cr_assert_eq(mmusim_mmu_create(m, NULL, &mmu, &err), MMUSIM_OK, "%s", err.message);
	mmusim_mmu_set_access_log(mmu, keep, &s);
	cr_assert_eq(mmusim_mmu_translate(mmu, 0x400000, MMUSIM_READ, &res), MMUSIM_OK);
	cr_assert_eq(mmusim_mmu_translate(mmu, 0x400abc, MMUSIM_READ, &res), MMUSIM_OK);
	cr_assert_eq(mmusim_mmu_translate(mmu, 0x401000, MMUSIM_READ, &res), MMUSIM_OK);
	cr_assert_eq(mmusim_mmu_translate(mmu, 0x402000, MMUSIM_READ, &res), MMUSIM_OK);
	cr_assert_eq(s.n, 4);

	cr_expect_eq(s.d[0].served, MMUSIM_SERVED_WALK);
	cr_expect_eq(s.d[0].tlb, -1);
	cr_expect_null(s.d[0].tlb_name);
	cr_expect_eq(s.d[0].nr_pwc, 1);
	cr_expect(s.d[0].pwc[0].level == 2 && !s.d[0].pwc[0].hit);
	cr_expect_eq(s.d[0].nr_ptes, 4);
	cr_expect_eq(s.d[0].pte[0].level, 4);
	cr_expect_eq(s.d[0].pte[3].level, 1);
	cr_expect_str_eq(s.d[0].pte[3].from, "memory");
	cr_expect_eq(s.d[0].cycles, 403);
	cr_expect_eq(s.d[0].pte_reads, 4);
	cr_expect(s.d[0].ok && s.d[0].pa == 0x10000000 && s.d[0].set_accessed);

	cr_expect_eq(s.d[1].index, 1);
	cr_expect_eq(s.d[1].served, MMUSIM_SERVED_L1);
	cr_expect_eq(s.d[1].tlb, 0);
	cr_expect_str_eq(s.d[1].tlb_name, "dtlb");
	cr_expect_eq(s.d[1].cycles, 1);
	cr_expect_eq(s.d[1].pa, 0x10000abc);

	cr_expect_eq(s.d[2].served, MMUSIM_SERVED_WALK);
	cr_expect(s.d[2].nr_pwc == 1 && s.d[2].pwc[0].hit);
	cr_expect_eq(s.d[2].nr_ptes, 1);
	cr_expect_eq(s.d[2].pte[0].addr, s.d[0].pte[3].addr + 8);
	cr_expect_eq(s.d[2].cycles, 103);

	cr_expect_not(s.d[3].ok);
	cr_expect_eq(s.d[3].fault_kind, MMUSIM_FAULT_NOT_PRESENT);
	cr_expect_eq(s.d[3].cycles, 103);

	/* Off again: no more records, and the statistics go on. */
	mmusim_mmu_set_access_log(mmu, NULL, NULL);
	cr_assert_eq(mmusim_mmu_translate(mmu, 0x400000, MMUSIM_READ, &res), MMUSIM_OK);
	cr_expect_eq(s.n, 4);
	mmusim_stats st;
	mmusim_mmu_stats(mmu, &st);
	cr_expect_eq(st.cycles, 403 + 1 + 103 + 103 + 1);
	mmusim_mmu_destroy(mmu);
	mmusim_machine_destroy(m);
}

/* mmusim_mmu_log_access_json writes the JSON lines `replay --log` does. */
Test(api_access_log, json_stream)
{
	mmusim_machine *m = machine();
	mmusim_mmu *mmu;
	mmusim_mmu_result res;
	mmusim_error err = { 0 };
	char buf[2048] = { 0 };
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

	cr_assert(f);
	cr_assert_eq(mmusim_mmu_create(m, NULL, &mmu, &err), MMUSIM_OK, "%s", err.message);
	mmusim_mmu_log_access_json(mmu, f);
	cr_assert_eq(mmusim_mmu_translate(mmu, 0x400000, MMUSIM_READ, &res), MMUSIM_OK);
	cr_assert_eq(mmusim_mmu_translate(mmu, 0x400008, MMUSIM_READ, &res), MMUSIM_OK);
	fclose(f);
	cr_expect(strstr(buf, "\"walks\":1,\"pte_reads\":4,\"cycles\":403,"), "%s", buf);
	cr_expect(strstr(buf, "{\"i\":1,\"cpu\":0,\"vm\":0,\"asid\":0,\"priv\":\"user\",\"va\":\"0x400008\",\"access\":\"r\","
			      "\"served\":\"l1\",\"tlb\":\"dtlb\",\"pwc\":[],\"ptes\":[],\"walks\":0,\"pte_reads\":0,"
			      "\"cycles\":1,\"pa\":\"0x10000008\",\"page_size\":4096}\n"),
		  "%s", buf);
	mmusim_mmu_destroy(mmu);
	mmusim_machine_destroy(m);
}
