/*
 * The public API on an AArch64 machine: two roots (TTBR0 the user table,
 * TTBR1 the kernel table), ESR_EL1 fault codes, and public permission masks
 * that carry none of the format's own bits.  Values by hand: RAM at
 * 0x40000000, the kernel root first, then the user root of ASID 0.
 */
#include <criterion/criterion.h>
#include <string.h>

#include <mmusim.h>

static mmusim_machine *arm_machine(void)
{
	mmusim_error err = { 0 };
	mmusim_config *cfg;
	mmusim_machine *m;

	cr_assert_eq(mmusim_config_load("aarch64", &cfg, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_machine_create(cfg, &m, &err), MMUSIM_OK, "%s", err.message);
	mmusim_config_free(cfg);
	return m;
}

static int keep_perms(void *arg, const mmusim_mapping *map)
{
	unsigned *perms = arg;

	*perms |= map->perms;
	return 0;
}

Test(api_aarch64, two_roots)
{
	mmusim_machine *m = arm_machine();
	mmusim_error err = { 0 };
	mmusim_translation t;
	uint64_t reg = 0;

	cr_expect_eq(mmusim_upper_root(m), 0x40000000, "TTBR1: the kernel table, made first");
	cr_expect_eq(mmusim_root(m), 0x40001000, "TTBR0: ASID 0's user table");
	cr_expect_str_eq(mmusim_root_register(m, &reg), "ttbr0");
	cr_expect_eq(reg, 0x40001000);
	cr_assert_eq(mmusim_map(m, 0xffff000000200000ull, 0x80000000, 0x200000, MMUSIM_PROP_R | MMUSIM_PROP_W,
				MMUSIM_CACHE_WB, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_switch_asid(m, 5, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_eq(mmusim_root_register(m, &reg)[0], 't');
	cr_expect_eq(reg >> 48, 5, "TTBR0.ASID");
	cr_expect_eq(mmusim_upper_root(m), 0x40000000, "one kernel table for every address space");
	/* The kernel half is seen from ASID 5 too: a 2M block at Arm level 2. */
	mmusim_request req = { .va = 0xffff000000212345ull, .access = MMUSIM_READ, .priv = MMUSIM_SUPERVISOR };
	cr_assert_eq(mmusim_translate(m, &req, &t), MMUSIM_OK);
	cr_expect(t.ok);
	cr_expect_eq(t.pa, 0x80012345);
	cr_expect_eq(t.page_size, 0x200000);
	cr_expect_eq(t.steps[0].table, 0x40000000);
	/* From EL0: permission fault, level 2, data abort from EL0: ESR 0x9200000e. */
	req.priv = MMUSIM_USER;
	cr_assert_eq(mmusim_translate(m, &req, &t), MMUSIM_OK);
	cr_expect(!t.ok);
	cr_expect_eq(t.fault_kind, MMUSIM_FAULT_PERMISSION);
	cr_expect_eq(t.fault_code, 0x9200000e);
	mmusim_machine_destroy(m);
}

Test(api_aarch64, permissions_are_public_bits_only)
{
	mmusim_machine *m = arm_machine();
	mmusim_error err = { 0 };
	unsigned perms = 0;

	cr_assert_eq(mmusim_map(m, 0x400000, 0x40200000, 0x1000,
				MMUSIM_PROP_R | MMUSIM_PROP_X | MMUSIM_PROP_U, MMUSIM_CACHE_WB, &err), MMUSIM_OK);
	cr_assert_eq(mmusim_map(m, 0xffff000000000000ull, 0x40300000, 0x1000, MMUSIM_PROP_R | MMUSIM_PROP_W,
				MMUSIM_CACHE_WB, &err), MMUSIM_OK);
	cr_assert_eq(mmusim_for_each_mapping(m, keep_perms, &perms), 0);
	cr_expect_eq(perms & ~0x1fu, 0, "perms 0x%x", perms);
	cr_expect_eq(perms, MMUSIM_PERM_R | MMUSIM_PERM_W | MMUSIM_PERM_X | MMUSIM_PERM_U);
	mmusim_machine_destroy(m);
}

Test(api_aarch64, other_formats_have_one_root)
{
	mmusim_error err = { 0 };
	mmusim_config *cfg;
	mmusim_machine *m;

	cr_assert_eq(mmusim_config_load("x86_64", &cfg, &err), MMUSIM_OK);
	cr_assert_eq(mmusim_machine_create(cfg, &m, &err), MMUSIM_OK);
	mmusim_config_free(cfg);
	cr_expect_eq(mmusim_upper_root(m), 0);
	mmusim_machine_destroy(m);
}

/*
 * TTBR1's half with its own VA size (T1SZ 25 beside T0SZ 16, 4K granule):
 * D8.2 gives it 39 bits, the walk starting at Arm level 1 with 512 entries,
 * three lookups; the lower half keeps 48 bits and four.  The kernel range
 * starts at 2^64 - 2^39, and a VA's index at the top of its own half's
 * table is VA[38:30] there.
 */
Test(api_aarch64, halves_of_different_sizes)
{
	static const char doc[] = "extends: aarch64\nupper_address_width: 39\n";
	mmusim_error err = { 0 };
	mmusim_config *cfg;
	mmusim_machine *m;
	mmusim_translation t;
	uint64_t tcr = 0;

	cr_assert_eq(mmusim_config_parse(doc, sizeof(doc) - 1, "t.yaml", &cfg, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_eq(mmusim_config_half_va_bits(cfg, false), 48);
	cr_expect_eq(mmusim_config_half_va_bits(cfg, true), 39);
	cr_expect_eq(mmusim_config_half_levels(cfg, false), 4);
	cr_expect_eq(mmusim_config_half_levels(cfg, true), 3);
	cr_expect_eq(mmusim_config_half_top_entries(cfg, true), 512);
	cr_expect_eq(mmusim_config_va_bits(cfg), 48, "the config's own size is the lower half's");
	cr_expect_eq(mmusim_config_kernel_start(cfg), 0xffffff8000000000ull);
	cr_expect_eq(mmusim_va_index(cfg, 0xffffffc040000000ull, 3), 257, "VA[38:30] = 0b100000001");
	cr_expect_eq(mmusim_va_index(cfg, 0x0000008040000000ull, 4), 1, "VA[47:39] in the 48-bit half");
	cr_expect(mmusim_va_canonical(cfg, 0xffffff8000000000ull));
	cr_expect(!mmusim_va_canonical(cfg, 0xffffff7ffffff000ull), "below 2^64 - 2^39");
	cr_expect(mmusim_va_canonical(cfg, 0x0000fffffffff000ull));
	/* TCR_EL1: T0SZ [5:0] = 16, T1SZ [21:16] = 25. */
	cr_expect_str_eq(mmusim_config_register(cfg, 0, &tcr), "tcr");
	cr_expect_eq(tcr & 0x3f003f, 16 | 25 << 16);

	cr_assert_eq(mmusim_machine_create(cfg, &m, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_map(m, 0xffffffc040000000ull, 0x80000000, 0x1000, MMUSIM_PROP_R, MMUSIM_CACHE_WB, &err),
		     MMUSIM_OK, "%s", err.message);
	mmusim_request req = { .va = 0xffffffc040000123ull, .access = MMUSIM_READ, .priv = MMUSIM_SUPERVISOR };
	cr_assert_eq(mmusim_translate(m, &req, &t), MMUSIM_OK);
	cr_expect(t.ok);
	cr_expect_eq(t.pa, 0x80000123);
	cr_expect_eq(t.nr_steps, 3, "Arm levels 1, 2, 3");
	cr_expect_eq(t.steps[0].table, mmusim_upper_root(m));
	cr_expect_eq(t.steps[0].index, 257);
	/* A 48-bit kernel VA is in neither half now. */
	cr_expect_eq(mmusim_map(m, 0xffff000000000000ull, 0x80000000, 0x1000, MMUSIM_PROP_R, MMUSIM_CACHE_WB, &err),
		     MMUSIM_ERANGE);
	cr_expect_str_eq(err.message, "VA 0xffff000000000000 is in neither half: the lower is [0, 0xffffffffffff], "
				      "the upper [0xffffff8000000000, 0xffffffffffffffff]");
	mmusim_machine_destroy(m);
	mmusim_config_free(cfg);
}
