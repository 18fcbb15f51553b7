/*
 * The public API of split-root formats and control registers: the upper root
 * register's name, the control registers a config describes, and
 * mmusim_machine_open_image_opts over an AArch64 dump.  Register values are
 * those test_aarch64_regs derives from the Arm ARM's D19.2 field tables.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mmusim.h>

static mmusim_config *load(const char *preset)
{
	mmusim_error err = { 0 };
	mmusim_config *cfg;

	cr_assert_eq(mmusim_config_load(preset, &cfg, &err), MMUSIM_OK, "%s", err.message);
	return cfg;
}

Test(api_image_regs, register_names_and_values)
{
	mmusim_config *a = load("aarch64"), *x = load("x86_64");
	uint64_t v = 0;

	cr_expect_str_eq(mmusim_config_root_register(a), "ttbr0");
	cr_expect_str_eq(mmusim_config_upper_root_register(a), "ttbr1");
	cr_expect_null(mmusim_config_upper_root_register(x));
	/* 4K, 48-bit VA and PA, AS, HA, HD */
	cr_expect_str_eq(mmusim_config_register(a, 0, &v), "tcr");
	cr_expect_eq(v, 0x195b5103510ull);
	cr_expect_str_eq(mmusim_config_register(a, 1, &v), "mair");
	cr_expect_eq(v, 0xbb4400ffull);
	cr_expect_str_eq(mmusim_config_register(a, 2, NULL), "sctlr");
	cr_expect_null(mmusim_config_register(a, 3, &v));
	cr_expect_null(mmusim_config_register(x, 0, &v));
	mmusim_config_free(a);
	mmusim_config_free(x);
}

Test(api_image_regs, open_image_opts)
{
	char path[] = "/tmp/mmusim_api_a64_XXXXXX";
	mmusim_config *cfg = load("aarch64");
	mmusim_machine *m, *img = NULL;
	mmusim_error err = { 0 };
	mmusim_translation t;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(mmusim_machine_create(cfg, &m, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_map(m, 0x400000, 0x50000000, 4096, MMUSIM_PROP_R | MMUSIM_PROP_U, MMUSIM_CACHE_WB, &err),
		     MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_map(m, 0xffff000000000000ull, 0x80000000, 1ull << 30, MMUSIM_PROP_R | MMUSIM_PROP_W,
				MMUSIM_CACHE_WB, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_dump_elf(m, path, &err), MMUSIM_OK, "%s", err.message);

	/* Everything as recorded: both roots and the registers from the notes. */
	cr_assert_eq(mmusim_machine_open_image_opts(cfg, path, &(mmusim_image_options){ 0 }, &img, &err), MMUSIM_OK,
		     "%s", err.message);
	cr_expect_eq(mmusim_root(img), mmusim_root(m));
	cr_expect_eq(mmusim_upper_root(img), mmusim_upper_root(m));
	cr_expect_neq(mmusim_upper_root(img), 0);
	mmusim_translate(img, &(mmusim_request){ .va = 0xffff000000001234ull, .priv = MMUSIM_SUPERVISOR }, &t);
	cr_expect(t.ok);
	cr_expect_eq(t.pa, 0x80001234);
	mmusim_machine_destroy(img);

	/* TCR_EL1 from the caller wins over the note: T0SZ = T1SZ = 25 is a 39-bit VA. */
	mmusim_register_value tcr = { "tcr", 0x2b5193519ull };
	cr_assert_eq(mmusim_machine_open_image_opts(cfg, path, &(mmusim_image_options){ .regs = &tcr, .nr_regs = 1 },
						    &img, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_eq(mmusim_config_va_bits(mmusim_machine_config(img)), 39);
	cr_expect_eq(mmusim_config_levels(mmusim_machine_config(img)), 3);
	mmusim_machine_destroy(img);

	/* A register the format does not have. */
	mmusim_register_value satp = { "satp", 1 };
	cr_expect_eq(mmusim_machine_open_image_opts(cfg, path, &(mmusim_image_options){ .regs = &satp, .nr_regs = 1 },
						    &img, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "satp is not a control register of aarch64");
	cr_expect_null(img);
	/* The upper root given by register value, decoded as TTBR: BADDR with ASID bits 63:48. */
	cr_assert_eq(mmusim_machine_open_image_opts(cfg, path, &(mmusim_image_options){
				.upper_how = MMUSIM_ROOT_REGISTER, .upper_value = 5ull << 48 | mmusim_upper_root(m) },
						    &img, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_eq(mmusim_upper_root(img), mmusim_upper_root(m));
	mmusim_machine_destroy(img);
	mmusim_machine_destroy(m);
	mmusim_config_free(cfg);

	/* A format with one root register has no upper root to give. */
	cfg = load("x86_64");
	cr_expect_eq(mmusim_machine_open_image_opts(cfg, path, &(mmusim_image_options){
				.upper_how = MMUSIM_ROOT_PA, .upper_value = 0x1000 }, &img, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "x86_64 has one root register (cr3): no upper root to give");
	mmusim_config_free(cfg);
	unlink(path);
}
