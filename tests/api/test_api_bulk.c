/*
 * The bulk calls (mmusim_translate_many, mmusim_mmu_translate_many): whole
 * arrays in one call, each element answered as the one-address call would.
 */
#include <criterion/criterion.h>
#include <string.h>

#include <mmusim.h>

static mmusim_machine *machine_with_two_pages(void)
{
	mmusim_error err = { 0 };
	mmusim_config *cfg;
	mmusim_machine *m;

	cr_assert_eq(mmusim_config_load("x86_64", &cfg, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_machine_create(cfg, &m, &err), MMUSIM_OK, "%s", err.message);
	mmusim_config_free(cfg);
	/* 8 KiB at 0x400000 -> 0x200000, user read-write: two 4 KiB PTEs. */
	cr_assert_eq(mmusim_map(m, 0x400000, 0x200000, 0x2000, MMUSIM_PROP_R | MMUSIM_PROP_W | MMUSIM_PROP_U,
				MMUSIM_CACHE_WB, &err), MMUSIM_OK, "%s", err.message);
	return m;
}

Test(api_bulk, translate_many_answers_each_address)
{
	mmusim_machine *m = machine_with_two_pages();
	mmusim_request req = { .access = MMUSIM_WRITE, .priv = MMUSIM_USER };
	/* Mapped, last byte of the second page, the page after (not present), above 2^47 (non-canonical). */
	const uint64_t vas[] = { 0x400123, 0x401fff, 0x402000, 0x0000800000000000ull };
	uint64_t pa[4];
	uint8_t kind[4];

	cr_assert_eq(mmusim_translate_many(m, &req, vas, 4, pa, kind), MMUSIM_OK);
	cr_expect_eq(pa[0], 0x200123);
	cr_expect_eq(pa[1], 0x201fff);
	cr_expect_eq(pa[2], 0);
	cr_expect_eq(pa[3], 0);
	cr_expect_eq(kind[0], MMUSIM_FAULT_NONE);
	cr_expect_eq(kind[1], MMUSIM_FAULT_NONE);
	cr_expect_eq(kind[2], MMUSIM_FAULT_NOT_PRESENT);
	cr_expect_eq(kind[3], MMUSIM_FAULT_NON_CANONICAL);
	/* fault_kind is optional; n = 0 touches nothing. */
	pa[0] = 7;
	cr_expect_eq(mmusim_translate_many(m, &req, vas, 1, pa, NULL), MMUSIM_OK);
	cr_expect_eq(pa[0], 0x200123);
	cr_expect_eq(mmusim_translate_many(m, &req, vas, 0, NULL, NULL), MMUSIM_OK);
	mmusim_machine_destroy(m);
}

Test(api_bulk, translate_many_refuses_a_bad_request)
{
	mmusim_machine *m = machine_with_two_pages();
	mmusim_request req = { .access = (enum mmusim_access)3, .priv = MMUSIM_USER };
	const uint64_t vas[] = { 0x400000 };
	uint64_t pa[1] = { 42 };

	cr_expect_eq(mmusim_translate_many(m, &req, vas, 1, pa, NULL), MMUSIM_EINVAL);
	cr_expect_eq(pa[0], 42, "nothing is written for a refused request");
	cr_expect_neq(strlen(mmusim_machine_last_error(m)), 0);
	mmusim_machine_destroy(m);
}

Test(api_bulk, mmu_translate_many_counts_every_access)
{
	mmusim_machine *m = machine_with_two_pages();
	mmusim_error err = { 0 };
	mmusim_mmu *mmu;
	mmusim_stats st;
	const uint64_t vas[] = { 0x400000, 0x400008, 0x401000, 0x402000 };
	const uint8_t acc[] = { MMUSIM_READ, MMUSIM_WRITE, MMUSIM_READ, MMUSIM_READ };
	uint64_t pa[4];
	uint8_t kind[4];
	size_t done = 99;

	cr_assert_eq(mmusim_mmu_create(m, NULL, &mmu, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_mmu_translate_many(mmu, vas, acc, 4, pa, kind, &done, &err), MMUSIM_OK, "%s",
		     err.message);
	cr_expect_eq(done, 4);
	cr_expect_eq(pa[1], 0x200008);
	cr_expect_eq(pa[2], 0x201000);
	cr_expect_eq(kind[3], MMUSIM_FAULT_NOT_PRESENT);
	mmusim_mmu_stats(mmu, &st);
	cr_expect_eq(st.accesses[MMUSIM_READ], 3);
	cr_expect_eq(st.accesses[MMUSIM_WRITE], 1);
	/*
	 * Three TLB misses walk (0x400000, 0x401000, and the unmapped page, which faults); the
	 * write hits an entry cached with D clear, and the processor walks again to set D
	 * (SDM vol. 3 4.8): four walks, one of them a dirty re-walk.
	 */
	cr_expect_eq(st.walks, 4);
	cr_expect_eq(st.dirty_rewalks, 1);
	cr_expect_eq(st.faults[MMUSIM_FAULT_NOT_PRESENT], 1);
	mmusim_mmu_destroy(mmu);
	mmusim_machine_destroy(m);
}

Test(api_bulk, mmu_translate_many_stops_at_a_bad_access)
{
	mmusim_machine *m = machine_with_two_pages();
	mmusim_error err = { 0 };
	mmusim_mmu *mmu;
	mmusim_stats st;
	const uint64_t vas[] = { 0x400000, 0x400000, 0x400000 };
	const uint8_t acc[] = { MMUSIM_READ, 7, MMUSIM_READ };
	size_t done = 99;

	cr_assert_eq(mmusim_mmu_create(m, NULL, &mmu, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_eq(mmusim_mmu_translate_many(mmu, vas, acc, 3, NULL, NULL, &done, &err), MMUSIM_EINVAL);
	cr_expect_eq(done, 1);
	cr_expect_eq(err.code, MMUSIM_EINVAL);
	cr_expect_eq(strncmp(err.message, "access 1: ", 10), 0, "%s", err.message);
	mmusim_mmu_stats(mmu, &st);
	cr_expect_eq(st.accesses[MMUSIM_READ], 1, "the access before the bad one stays counted");
	mmusim_mmu_destroy(mmu);
	mmusim_machine_destroy(m);
}
