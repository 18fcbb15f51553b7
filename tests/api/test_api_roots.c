/*
 * The config queries the views need for split-root formats and partial top
 * levels: mmusim_config_top_entries, mmusim_config_split_roots and
 * mmusim_config_cpu_key.  Expected values from the Arm ARM (DDI 0487, D8.2):
 * a node is one granule of 8-byte descriptors (4K: 512, 16K: 2048, 64K: 8192
 * entries); the start level resolves what is left of the VA above the lower
 * levels: 4K 48-bit 48 - (12 + 3 x 9) = 9 bits (512), 16K 48-bit
 * 48 - (14 + 3 x 11) = 1 bit (2), 64K 48-bit 48 - (16 + 2 x 13) = 6 bits (64),
 * 64K 52-bit (FEAT_LVA) 52 - 42 = 10 bits (1024).  TTBR0 and TTBR1 each hold
 * a root: split roots.  x86-64 and RISC-V have one root and full top nodes.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include <mmusim.h>

struct top_case {
	char preset[16];
	unsigned entries_per_node, top_entries;
	bool split;
	uint64_t kernel_start;  /* TTBR1's range starts at 2^64 - 2^va_bits; x86/RISC-V: the kernel range's first index */
};

static struct top_case top_cases[] = {
	{ "aarch64", 512, 512, true, 0xffff000000000000ull },
	{ "aarch64_16k", 2048, 2, true, 0xffff000000000000ull },
	{ "aarch64_64k", 8192, 64, true, 0xffff000000000000ull },
	{ "aarch64_52", 8192, 1024, true, 0xfff0000000000000ull },
	{ "x86_64", 512, 512, false, 0xffff800000000000ull },
	{ "sv39", 512, 512, false, 0xffffffc000000000ull },
	{ "sv32", 1024, 1024, false, 0x80000000ull },
};

ParameterizedTestParameters(api_roots, top_entries_and_split_roots)
{
	return cr_make_param_array(struct top_case, top_cases, sizeof(top_cases) / sizeof(top_cases[0]));
}

ParameterizedTest(struct top_case *c, api_roots, top_entries_and_split_roots)
{
	mmusim_error err = { 0 };
	mmusim_config *cfg;
	mmusim_machine *m;

	cr_assert_eq(mmusim_config_load(c->preset, &cfg, &err), MMUSIM_OK, "%s", err.message);
	cr_expect_eq(mmusim_config_entries_per_node(cfg), c->entries_per_node, "%s", c->preset);
	cr_expect_eq(mmusim_config_top_entries(cfg), c->top_entries, "%s", c->preset);
	cr_expect_eq(mmusim_config_split_roots(cfg), c->split, "%s", c->preset);
	cr_expect_eq(mmusim_config_kernel_start(cfg), c->kernel_start, "%s: 0x%llx", c->preset,
		     (unsigned long long)mmusim_config_kernel_start(cfg));
	cr_assert_eq(mmusim_machine_create(cfg, &m, &err), MMUSIM_OK, "%s", err.message);
	/* The upper root exists exactly when the roots are split, and is a table of its own. */
	if (c->split)
		cr_expect(mmusim_upper_root(m) != 0 && mmusim_upper_root(m) != mmusim_root(m), "%s", c->preset);
	else
		cr_expect_eq(mmusim_upper_root(m), 0, "%s", c->preset);
	mmusim_machine_destroy(m);
	mmusim_config_free(cfg);
}

static mmusim_config *parse(const char *yaml)
{
	mmusim_error err = { 0 };
	mmusim_config *cfg = NULL;

	cr_assert_eq(mmusim_config_parse(yaml, strlen(yaml), "t.yaml", &cfg, &err), MMUSIM_OK, "%s", err.message);
	return cfg;
}

/* A key reads back as the config set it: bools as 0/1, a 64-bit register whole, a choice as its index. */
Test(api_roots, cpu_key_values)
{
	mmusim_config *arm = parse("extends: aarch64\ncpu: { tbi1: true, tbi0: false, mair: 0xff44000000000004 }\n");
	mmusim_config *x86 = parse("extends: x86_64\ncpu: { wp: false, smep: true, pkru: 0x12 }\n");
	mmusim_config *rv = parse("extends: sv39\ncpu: { ad: svade }\n");
	uint64_t v = 77;

	cr_expect(mmusim_config_cpu_key(arm, "tbi1", &v));
	cr_expect_eq(v, 1);
	cr_expect(mmusim_config_cpu_key(arm, "tbi0", &v));
	cr_expect_eq(v, 0);
	cr_expect(mmusim_config_cpu_key(arm, "mair", &v));
	cr_expect_eq(v, 0xff44000000000004ull);
	cr_expect(mmusim_config_cpu_key(x86, "wp", &v));
	cr_expect_eq(v, 0);
	cr_expect(mmusim_config_cpu_key(x86, "smep", &v));
	cr_expect_eq(v, 1);
	cr_expect(mmusim_config_cpu_key(x86, "pkru", &v));
	cr_expect_eq(v, 0x12);
	/* The A/D policy choices are svadu, svade: svade is the second. */
	cr_expect(mmusim_config_cpu_key(rv, "ad", &v));
	cr_expect_eq(v, 1);
	/* A key of another format is not this config's: false, and *value untouched. */
	v = 77;
	cr_expect(!mmusim_config_cpu_key(x86, "tbi1", &v));
	cr_expect(!mmusim_config_cpu_key(arm, "wp", &v));
	cr_expect(!mmusim_config_cpu_key(rv, "", &v));
	cr_expect_eq(v, 77);
	mmusim_config_free(arm);
	mmusim_config_free(x86);
	mmusim_config_free(rv);
}
