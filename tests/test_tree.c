/*
 * tree (tools/cli/tree.c), the reader show and report draw from, over a
 * 4-byte-PTE format: x86 32-bit paging, 2 levels of 1024 entries (P bit 0,
 * PS bit 7 for 4 MiB leaves at level 2, the address in bits 31:12; SDM
 * 4.3).  The tree reads through a callback, so the memory here is the
 * test's own array and the config only classifies and addresses entries.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "tree.h"

#define MEM_SIZE 0x3000

static int mem_read(void *ctx, uint64_t pa, unsigned size, uint64_t *val)
{
	const uint8_t *m = ctx;
	if (pa + size > MEM_SIZE)
		return MMUSIM_EBUS;
	*val = 0;
	for (unsigned i = 0; i < size; i++)
		*val |= (uint64_t)m[pa + i] << (8 * i);
	return MMUSIM_OK;
}

static uint8_t memory[MEM_SIZE];
static mmusim_config *cfg;

static int build(struct tree *t, uint64_t root, const struct tree_options *opt, mmusim_error *err)
{
	return tree_build(t, cfg, mem_read, memory, root, 0, opt, err);
}

static void put(uint64_t pa, uint32_t v)
{
	memcpy(memory + pa, &v, 4);  /* the test host is little-endian, as the format */
}

static void setup(void)
{
	mmusim_error err = { 0 };
	cr_assert_eq(mmusim_config_load("x86_32", &cfg, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_config_entries_per_node(cfg), 1024);
	memset(memory, 0, sizeof(memory));
	put(0x0 + 1 * 4, 0x1003);          /* L2[1] -> table 0x1000: VAs 0x400000.. */
	put(0x0 + 2 * 4, 0x400083);        /* L2[2]: a 4M leaf at 0x400000 */
	put(0x1000 + 0 * 4, 0x5000003);    /* L1[0..2]: one run */
	put(0x1000 + 1 * 4, 0x5001003);
	put(0x1000 + 2 * 4, 0x5002003);
	put(0x1000 + 3 * 4, 0x9000003);    /* not the next frame */
	put(0x1000 + 4 * 4, 0x9001001);    /* the next frame, other bits */
}

static void teardown(void)
{
	mmusim_config_free(cfg);
}

static const struct tree_options all = { .depth = 2, .from = 0, .to = UINT64_MAX };

Test(tree, four_byte_ptes_two_levels, .init = setup, .fini = teardown)
{
	struct tree t;
	mmusim_error err = { 0 };

	cr_assert_eq(build(&t, 0x0, &all, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(t.nr_rows, 5);
	cr_expect(!t.rows[0].leaf && t.rows[0].expanded && t.rows[0].index == 1 && t.rows[0].addr == 0x1000);
	cr_expect_eq(t.rows[0].va, 0x400000);
	cr_expect_eq(t.rows[0].va_last, 0x7fffff);
	cr_expect(t.rows[1].leaf && t.rows[1].index == 0 && t.rows[1].count == 3 && t.rows[1].parent == 0);
	cr_expect_eq(t.rows[1].va_last, 0x402fff);
	cr_expect_eq(t.rows[1].addr, 0x5000000);
	cr_expect(t.rows[2].index == 3 && t.rows[2].count == 1 && t.rows[2].addr == 0x9000000);
	cr_expect(t.rows[3].index == 4 && t.rows[3].count == 1 && t.rows[3].pte == 0x9001001);
	cr_expect(t.rows[4].leaf && t.rows[4].level == 2 && t.rows[4].page_size == 0x400000 && t.rows[4].addr == 0x400000);
	cr_expect_eq(t.rows[4].va, 0x800000);
	tree_free(&t);
}

Test(tree, depth_and_range, .init = setup, .fini = teardown)
{
	struct tree t;
	mmusim_error err = { 0 };
	struct tree_options top = { .depth = 1, .from = 0, .to = UINT64_MAX };
	struct tree_options part = { .depth = 2, .from = 0x402000, .to = 0x403fff };

	cr_assert_eq(build(&t, 0x0, &top, &err), MMUSIM_OK);
	cr_expect_eq(t.nr_rows, 2);
	cr_expect(!t.rows[0].expanded);
	tree_free(&t);
	cr_assert_eq(build(&t, 0x0, &part, &err), MMUSIM_OK);
	cr_assert_eq(t.nr_rows, 3);
	cr_expect(t.rows[1].index == 2 && t.rows[1].count == 1 && t.rows[1].addr == 0x5002000);
	cr_expect(t.rows[2].index == 3);
	tree_free(&t);
}

Test(tree, address_bits_learned_from_the_format, .init = setup, .fini = teardown)
{
	cr_expect_eq(mmusim_pte_address_mask(cfg, 0x5000003, 1), 0xfffff000u);
	/* A 4M PDE: bits 31:22, and PSE-36 may add 20:13; never the flags or PAT (bit 12). */
	cr_expect_eq(mmusim_pte_address_mask(cfg, 0x400083, 2) & 0xffc01fffu, 0xffc00000u);
}

Test(tree, walk_marks, .init = setup, .fini = teardown)
{
	struct tree t;
	mmusim_error err = { 0 };
	mmusim_translation res = { .nr_steps = 2 };

	res.steps[0] = (mmusim_walk_step){ .level = 2, .table = 0x0, .index = 1 };
	res.steps[1] = (mmusim_walk_step){ .level = 1, .table = 0x1000, .index = 2 };
	cr_assert_eq(build(&t, 0x0, &all, &err), MMUSIM_OK);
	tree_mark_walk(&t, &res, 3);
	cr_expect_eq(t.rows[0].walks, 1u << 3);
	cr_expect_eq(t.rows[1].walks, 1u << 3);   /* index 2 lies in the run 0..2 */
	cr_expect_eq(t.rows[2].walks, 0);
	cr_expect_eq(t.rows[4].walks, 0);
	tree_free(&t);
}

/* A pointer outside memory (a garbage image) is marked, the rest is shown; a bad root is an error. */
Test(tree, table_outside_memory, .init = setup, .fini = teardown)
{
	struct tree t;
	mmusim_error err = { 0 };

	put(0x0 + 3 * 4, 0x7000003);
	cr_assert_eq(build(&t, 0x0, &all, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(t.nr_rows, 6);
	cr_expect(t.rows[5].index == 3 && !t.rows[5].leaf && t.rows[5].unreadable);
	cr_expect(!t.rows[0].unreadable);
	tree_free(&t);
	cr_expect_eq(build(&t, 0x7000000, &all, &err), MMUSIM_EINVAL);
	cr_expect_str_eq(err.message, "cannot read the root table at 0x7000000: outside physical memory");
}
