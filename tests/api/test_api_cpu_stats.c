/*
 * Per-CPU statistics through the public API: each CPU's counters are those of
 * the accesses it made (worked out below by hand), add up to the totals, and
 * a reset zeroes them with the totals.
 */
#include <criterion/criterion.h>
#include <string.h>

#include <mmusim.h>

static mmusim_mmu *two_cpu_mmu(mmusim_machine **m)
{
	mmusim_error err = { 0 };
	mmusim_config *cfg;
	mmusim_mmu *mmu;
	mmusim_mmu_result r;

	cr_assert_eq(mmusim_config_load("x86_64", &cfg, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_machine_create(cfg, m, &err), MMUSIM_OK, "%s", err.message);
	mmusim_config_free(cfg);
	cr_assert_eq(mmusim_map(*m, 0x400000, 0x200000, 4096, MMUSIM_PROP_R | MMUSIM_PROP_W | MMUSIM_PROP_U,
				MMUSIM_CACHE_WB, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_mmu_create(*m, NULL, &mmu, &err), MMUSIM_OK, "%s", err.message);
	mmusim_mmu_translate(mmu, 0x400000, MMUSIM_READ, &r);   /* cpu 0: a walk */
	mmusim_mmu_translate(mmu, 0x400008, MMUSIM_READ, &r);   /* cpu 0: a hit */
	cr_assert_eq(mmusim_mmu_select_cpu(mmu, 2, &err), MMUSIM_OK);
	mmusim_mmu_translate(mmu, 0x400000, MMUSIM_READ, &r);   /* cpu 2: its own TLBs are cold, a walk */
	mmusim_mmu_translate(mmu, 0x900000, MMUSIM_READ, &r);   /* cpu 2: unmapped, a walk and a fault */
	mmusim_mmu_translate(mmu, 0x400000, MMUSIM_WRITE, &r);  /* cpu 2: D clear in the entry, a dirty re-walk */
	return mmu;
}

Test(api_cpu_stats, counts_each_cpus_own_accesses)
{
	mmusim_machine *m;
	mmusim_mmu *mmu = two_cpu_mmu(&m);
	mmusim_stats c0, c2, none;

	cr_expect_eq(mmusim_mmu_nr_cpus(mmu), 3);
	cr_assert_eq(mmusim_mmu_cpu_stats(mmu, 0, &c0), MMUSIM_OK);
	cr_assert_eq(mmusim_mmu_cpu_stats(mmu, 2, &c2), MMUSIM_OK);
	cr_expect_eq(c0.accesses[MMUSIM_READ], 2);
	cr_expect_eq(c0.walks, 1);
	cr_expect_eq(c0.faults[MMUSIM_FAULT_NOT_PRESENT], 0);
	cr_expect_eq(c2.accesses[MMUSIM_READ], 2);
	cr_expect_eq(c2.accesses[MMUSIM_WRITE], 1);
	cr_expect_eq(c2.walks, 3);
	cr_expect_eq(c2.dirty_rewalks, 1);
	cr_expect_eq(c2.faults[MMUSIM_FAULT_NOT_PRESENT], 1);
	cr_expect_eq(c2.page_table_nodes, 0, "a machine-wide figure");
	/* CPU 1 was never selected; 3 is past the last one. */
	cr_expect_eq(mmusim_mmu_cpu_stats(mmu, 1, &none), MMUSIM_EINVAL);
	cr_expect_eq(none.walks, 0);
	cr_expect_eq(mmusim_mmu_cpu_stats(mmu, 3, &none), MMUSIM_EINVAL);
	mmusim_mmu_destroy(mmu);
	mmusim_machine_destroy(m);
}

Test(api_cpu_stats, cpus_add_up_to_the_totals)
{
	mmusim_machine *m;
	mmusim_mmu *mmu = two_cpu_mmu(&m);
	mmusim_error err;
	mmusim_stats total, c0, c2;
	mmusim_mmu_result r;

	/* Back to cpu 0 (its share is charged anew), one more access there. */
	cr_assert_eq(mmusim_mmu_select_cpu(mmu, 0, &err), MMUSIM_OK);
	mmusim_mmu_translate(mmu, 0x400000, MMUSIM_WRITE, &r);
	mmusim_mmu_stats(mmu, &total);
	mmusim_mmu_cpu_stats(mmu, 0, &c0);
	mmusim_mmu_cpu_stats(mmu, 2, &c2);
	cr_expect_eq(c0.accesses[MMUSIM_WRITE], 1);
	for (unsigned a = 0; a < 3; a++)
		cr_expect_eq(c0.accesses[a] + c2.accesses[a], total.accesses[a], "access kind %u", a);
	cr_expect_eq(c0.walks + c2.walks, total.walks);
	cr_expect_eq(c0.pte_reads + c2.pte_reads, total.pte_reads);
	cr_expect_gt(c2.pte_reads, 0);
	cr_expect_eq(c0.cycles + c2.cycles, total.cycles);
	cr_expect_eq(c0.faults[MMUSIM_FAULT_NOT_PRESENT] + c2.faults[MMUSIM_FAULT_NOT_PRESENT], 1);
	for (unsigned i = 0; i < mmusim_config_nr_tlbs(mmusim_machine_config(m)); i++) {
		mmusim_cache_stats t, t0, t2, t1;
		cr_assert_eq(mmusim_mmu_cache_stats(mmu, false, i, &t), MMUSIM_OK);
		cr_assert_eq(mmusim_mmu_cpu_cache_stats(mmu, 0, false, i, &t0), MMUSIM_OK);
		cr_assert_eq(mmusim_mmu_cpu_cache_stats(mmu, 2, false, i, &t2), MMUSIM_OK);
		cr_expect_str_eq(t0.name, t.name);
		cr_expect_eq(t0.hits + t2.hits, t.hits, "%s", t.name);
		cr_expect_eq(t0.misses + t2.misses, t.misses, "%s", t.name);
		cr_expect_eq(mmusim_mmu_cpu_cache_stats(mmu, 1, false, i, &t1), MMUSIM_EINVAL);
	}
	mmusim_cache_stats t;
	cr_expect_eq(mmusim_mmu_cpu_cache_stats(mmu, 0, false, mmusim_config_nr_tlbs(mmusim_machine_config(m)), &t),
		     MMUSIM_EINVAL);
	cr_expect_eq(mmusim_mmu_cpu_cache_stats(mmu, 0, true, mmusim_config_nr_pwcs(mmusim_machine_config(m)), &t),
		     MMUSIM_EINVAL);
	mmusim_mmu_destroy(mmu);
	mmusim_machine_destroy(m);
}

Test(api_cpu_stats, reset_zeroes_every_cpus_share)
{
	mmusim_machine *m;
	mmusim_mmu *mmu = two_cpu_mmu(&m);
	mmusim_error err;
	mmusim_stats c0, c2;
	mmusim_mmu_result r;

	mmusim_mmu_stats_reset(mmu);
	mmusim_mmu_translate(mmu, 0x400000, MMUSIM_READ, &r);  /* cpu 2, current through the reset: a hit */
	cr_assert_eq(mmusim_mmu_select_cpu(mmu, 0, &err), MMUSIM_OK);
	mmusim_mmu_cpu_stats(mmu, 0, &c0);
	mmusim_mmu_cpu_stats(mmu, 2, &c2);
	cr_expect_eq(c0.accesses[MMUSIM_READ], 0);
	cr_expect_eq(c0.walks, 0);
	cr_expect_eq(c2.accesses[MMUSIM_READ], 1);
	cr_expect_eq(c2.accesses[MMUSIM_WRITE], 0);
	cr_expect_eq(c2.walks, 0);
	cr_expect_eq(c2.faults[MMUSIM_FAULT_NOT_PRESENT], 0);
	mmusim_mmu_destroy(mmu);
	mmusim_machine_destroy(m);
}
