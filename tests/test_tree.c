/*
 * tree (tools/cli/tree.c), the reader show and report draw from, over a
 * format no preset has: 2 levels of 1024 4-byte entries (a 32-bit x86-like
 * layout: P bit 0, PS bit 7 for 4 MiB leaves at level 2, the address in bits
 * 31:12).  The arch here is a fake built in the test, so the tree is shown to
 * depend only on the paging constants and the hooks.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "../tools/cli/tree.c"

#define MEM_SIZE 0x3000

static bool fake_present(const struct paging_consts *pc, uint64_t pte) { (void)pc; return pte & 1; }
static bool fake_leaf(const struct paging_consts *pc, uint64_t pte, unsigned level) { (void)pc; return level == 1 || (pte & 0x80); }
static uint64_t fake_addr(const struct paging_consts *pc, uint64_t pte, unsigned level)
{
	(void)pc;
	return pte & (level == 2 && (pte & 0x80) ? 0xffc00000u : 0xfffff000u);
}

static const struct pt_arch fake32 = {
	.name = "fake32", .is_present = fake_present, .is_leaf = fake_leaf, .pte_addr = fake_addr,
};

static int mem_read(void *impl, uint64_t pa, unsigned size, uint64_t *val)
{
	const uint8_t *m = impl;
	if (pa + size > MEM_SIZE)
		return MM_EBUS;
	*val = 0;
	for (unsigned i = 0; i < size; i++)
		*val |= (uint64_t)m[pa + i] << (8 * i);
	return MM_OK;
}

static const struct pt_mem_ops mem_ops = { .read = mem_read };

static uint8_t memory[MEM_SIZE];
static struct paging_consts pc = { .base_page_size = 4096, .nr_levels = 2, .pte_size = 4, .address_width = 32,
				   .va_sign_ext = false, .highest_translation_level = 2, .phys_addr_width = 32 };
static struct cpu_ctl ctl;
static struct pt_mem mem = { .ops = &mem_ops, .impl = memory };
static struct walker w = { .arch = &fake32, .pc = &pc, .ctl = &ctl, .mem = &mem };

static void put(uint64_t pa, uint32_t v)
{
	memcpy(memory + pa, &v, 4);  /* the test host is little-endian, as the format */
}

static void setup(void)
{
	struct mm_error err = { 0 };
	cr_assert_eq(paging_consts_derive(&pc, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(pc.nr_entries, 1024);
	memset(memory, 0, sizeof(memory));
	put(0x0 + 1 * 4, 0x1003);          /* L2[1] -> table 0x1000: VAs 0x400000.. */
	put(0x0 + 2 * 4, 0x400083);        /* L2[2]: a 4M leaf at 0x400000 */
	put(0x1000 + 0 * 4, 0x5000003);    /* L1[0..2]: one run */
	put(0x1000 + 1 * 4, 0x5001003);
	put(0x1000 + 2 * 4, 0x5002003);
	put(0x1000 + 3 * 4, 0x9000003);    /* not the next frame */
	put(0x1000 + 4 * 4, 0x9001001);    /* the next frame, other bits */
}

static const struct tree_options all = { .depth = 2, .from = 0, .to = UINT64_MAX };

Test(tree, four_byte_ptes_two_levels, .init = setup)
{
	struct tree t;
	struct mm_error err = { 0 };

	cr_assert_eq(tree_build(&t, &w, 0x0, &all, &err), MM_OK, "%s", err.msg);
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

Test(tree, depth_and_range, .init = setup)
{
	struct tree t;
	struct mm_error err = { 0 };
	struct tree_options top = { .depth = 1, .from = 0, .to = UINT64_MAX };
	struct tree_options part = { .depth = 2, .from = 0x402000, .to = 0x403fff };

	cr_assert_eq(tree_build(&t, &w, 0x0, &top, &err), MM_OK);
	cr_expect_eq(t.nr_rows, 2);
	cr_expect(!t.rows[0].expanded);
	tree_free(&t);
	cr_assert_eq(tree_build(&t, &w, 0x0, &part, &err), MM_OK);
	cr_assert_eq(t.nr_rows, 3);
	cr_expect(t.rows[1].index == 2 && t.rows[1].count == 1 && t.rows[1].addr == 0x5002000);
	cr_expect(t.rows[2].index == 3);
	tree_free(&t);
}

Test(tree, address_bits_learned_from_the_hook, .init = setup)
{
	cr_expect_eq(tree_addr_mask(&w, 0x5000003, 1), 0xfffff000u);
	cr_expect_eq(tree_addr_mask(&w, 0x400083, 2), 0xffc00000u);
}

Test(tree, walk_marks, .init = setup)
{
	struct tree t;
	struct mm_error err = { 0 };
	struct walk_result res = { .nr_steps = 2 };

	res.steps[0] = (struct walk_step){ .level = 2, .table = 0x0, .index = 1 };
	res.steps[1] = (struct walk_step){ .level = 1, .table = 0x1000, .index = 2 };
	cr_assert_eq(tree_build(&t, &w, 0x0, &all, &err), MM_OK);
	tree_mark_walk(&t, &res, 3);
	cr_expect_eq(t.rows[0].walks, 1u << 3);
	cr_expect_eq(t.rows[1].walks, 1u << 3);   /* index 2 lies in the run 0..2 */
	cr_expect_eq(t.rows[2].walks, 0);
	cr_expect_eq(t.rows[4].walks, 0);
	tree_free(&t);
}

/* A pointer outside memory (a garbage image) is marked, the rest is shown; a bad root is an error. */
Test(tree, table_outside_memory, .init = setup)
{
	struct tree t;
	struct mm_error err = { 0 };

	put(0x0 + 3 * 4, 0x7000003);
	cr_assert_eq(tree_build(&t, &w, 0x0, &all, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(t.nr_rows, 6);
	cr_expect(t.rows[5].index == 3 && !t.rows[5].leaf && t.rows[5].unreadable);
	cr_expect(!t.rows[0].unreadable);
	tree_free(&t);
	cr_expect_eq(tree_build(&t, &w, 0x7000000, &all, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "cannot read the root table at 0x7000000: outside physical memory");
}
