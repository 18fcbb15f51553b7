/*
 * page_table: map with largest pages, replace, split on unmap/protect, node
 * freeing, kernel/user sharing and every error, on x86-64 and Sv39 layouts.
 * Expected page sizes and addresses are worked out by hand from the paging
 * constants (4 KiB pages, 512 entries per node).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "pt/page_table.h"
#include "pt/pt_arch.h"
#include "sim/physmem.h"

#define K4 0x1000ull
#define M2 0x200000ull
#define G1 0x40000000ull

struct fx {
	struct paging_consts pc;
	struct cpu_ctl ctl;
	struct physmem *pm;
	struct pt_mem mem;
	struct pt_env env;
	struct page_table *kernel, *user;
};

static struct fx fx;

static const struct pt_kind_config user_kind = { 0, 256, true, false };
static const struct pt_kind_config kernel_kind = { 256, 512, false, false };

static void fx_setup(const struct pt_arch *arch, unsigned levels, unsigned aw, uint64_t mem_base,
		     uint64_t mem_size)
{
	memset(&fx, 0, sizeof(fx));
	fx.pc = (struct paging_consts){ .base_page_size = 4096, .nr_levels = levels, .pte_size = 8,
					.address_width = aw, .va_sign_ext = true,
					.highest_translation_level = 3,
					.phys_addr_width = arch == &pt_arch_x86_64 ? 52 : 56 };
	cr_assert_eq(paging_consts_derive(&fx.pc, NULL), MM_OK);
	fx.ctl = (struct cpu_ctl){ .wp = true, .nxe = true, .svpbmt = true, .svnapot = true };
	fx.pm = physmem_create(mem_base, mem_size, 4096, NULL);
	cr_assert_not_null(fx.pm);
	fx.mem = physmem_pt_mem(fx.pm);
	fx.env = (struct pt_env){ .arch = arch, .pc = &fx.pc, .ctl = &fx.ctl, .mem = &fx.mem };
	cr_assert_eq(pt_create(&fx.env, &kernel_kind, &fx.kernel, NULL), MM_OK);
	cr_assert_eq(pt_create_shared(&fx.env, &user_kind, fx.kernel, &fx.user, NULL), MM_OK);
}

static void setup_x86(void) { fx_setup(&pt_arch_x86_64, 4, 48, 0, 1ull << 30); }
static void setup_sv39(void) { fx_setup(&pt_arch_riscv64, 3, 39, 0x80000000, 1ull << 30); }

static void teardown(void)
{
	struct physmem_stats st;

	pt_destroy(fx.user);
	pt_destroy(fx.kernel);
	physmem_stats(fx.pm, &st);
	/* Destroying both tables must hand back every node. */
	cr_expect_eq(st.node_frames, 0, "leaked %llu node frames", (unsigned long long)st.node_frames);
	physmem_destroy(fx.pm);
}

static const struct page_prop RWU = { PROP_R | PROP_W | PROP_U, CACHE_WB };
static const struct page_prop RXU = { PROP_R | PROP_X | PROP_U, CACHE_WB };
static const struct page_prop RW = { PROP_R | PROP_W, CACHE_WB };

struct leaves {
	size_t n;
	struct pt_mapping m[64];
};

static int collect(void *arg, const struct pt_mapping *m)
{
	struct leaves *l = arg;
	if (l->n < 64)
		l->m[l->n] = *m;
	l->n++;
	return 0;
}

static void expect_leaf(const struct leaves *l, size_t i, uint64_t va, uint64_t pa, uint64_t size)
{
	cr_assert_lt(i, l->n);
	cr_expect_eq(l->m[i].va, va, "leaf %zu va %#llx != %#llx", i, (unsigned long long)l->m[i].va,
		     (unsigned long long)va);
	cr_expect_eq(l->m[i].pa, pa, "leaf %zu pa %#llx != %#llx", i, (unsigned long long)l->m[i].pa,
		     (unsigned long long)pa);
	cr_expect_eq(l->m[i].size, size, "leaf %zu size %#llx != %#llx", i,
		     (unsigned long long)l->m[i].size, (unsigned long long)size);
}

/* The seed's largest_pages example: 0x3fdff000..0x80002000 gives 4K, 2M, 1G, 4K, 4K. */
Test(page_table, largest_pages_seed_example, .init = setup_x86, .fini = teardown)
{
	struct leaves l = { 0 };

	cr_assert_eq(pt_map(fx.user, 0x3fdff000, 0x3fdff000, 0x80002000 - 0x3fdff000, &RWU, NULL), MM_OK);
	pt_for_each(fx.user, collect, &l);
	cr_assert_eq(l.n, 5);
	expect_leaf(&l, 0, 0x3fdff000, 0x3fdff000, K4);
	expect_leaf(&l, 1, 0x3fe00000, 0x3fe00000, M2);
	expect_leaf(&l, 2, 0x40000000, 0x40000000, G1);
	expect_leaf(&l, 3, 0x80000000, 0x80000000, K4);
	expect_leaf(&l, 4, 0x80001000, 0x80001000, K4);
	cr_expect_eq(l.m[2].level, 3);
}

/* Same example on Sv39, whose gigapages are also level 3. */
Test(page_table, largest_pages_sv39, .init = setup_sv39, .fini = teardown)
{
	struct leaves l = { 0 };

	cr_assert_eq(pt_map(fx.user, 0x3fdff000, 0x3fdff000, 0x80002000 - 0x3fdff000, &RWU, NULL), MM_OK);
	pt_for_each(fx.user, collect, &l);
	cr_assert_eq(l.n, 5);
	expect_leaf(&l, 2, 0x40000000, 0x40000000, G1);
}

/* PA alignment limits the page size: VA 2M-aligned but PA only 4K-aligned gives 4K pages. */
Test(page_table, pa_alignment_limits_page_size, .init = setup_x86, .fini = teardown)
{
	struct leaves l = { 0 };

	cr_assert_eq(pt_map(fx.user, M2, M2 + K4, M2, &RWU, NULL), MM_OK);
	pt_for_each(fx.user, collect, &l);
	cr_expect_eq(l.n, 512);
	cr_expect_eq(l.m[0].size, K4);
}

Test(page_table, query_reports_leaf, .init = setup_x86, .fini = teardown)
{
	struct pt_mapping m;

	cr_assert_eq(pt_map(fx.user, 0x800000, 0x10200000, M2, &RWU, NULL), MM_OK);
	cr_assert(pt_query(fx.user, 0x912345, &m));
	cr_expect_eq(m.va, 0x800000);
	cr_expect_eq(m.pa, 0x10200000);
	cr_expect_eq(m.size, M2);
	cr_expect_eq(m.level, 2);
	cr_expect_eq(m.perms, PERM_R | PERM_W | PERM_U);
	cr_expect(!pt_query(fx.user, 0xa00000, &m));
}

/* Mapping 4K inside a 2M page replaces that 4K and keeps the other 511 (split). */
Test(page_table, map_over_huge_page_splits_and_replaces, .init = setup_x86, .fini = teardown)
{
	struct pt_mapping m;

	cr_assert_eq(pt_map(fx.user, M2, 0x10200000, M2, &RWU, NULL), MM_OK);
	cr_assert_eq(pt_map(fx.user, M2 + 5 * K4, 0x20000000, K4, &RXU, NULL), MM_OK);
	cr_assert(pt_query(fx.user, M2 + 5 * K4, &m));
	cr_expect_eq(m.pa, 0x20000000);
	cr_expect_eq(m.size, K4);
	cr_expect_eq(m.perms, PERM_R | PERM_X | PERM_U);
	cr_assert(pt_query(fx.user, M2 + 6 * K4, &m));
	cr_expect_eq(m.pa, 0x10200000 + 6 * K4);
	cr_expect_eq(m.size, K4);
	cr_expect_eq(m.perms, PERM_R | PERM_W | PERM_U);
}

/* Mapping a 2M page over 4K pages frees the level-1 node below it. */
Test(page_table, map_huge_over_small_frees_subtree, .init = setup_x86, .fini = teardown)
{
	cr_assert_eq(pt_map(fx.user, M2, 0x10000000, 2 * K4, &RWU, NULL), MM_OK);
	cr_expect_eq(pt_nr_nodes(fx.user), 4); /* root + L3 + L2 + L1 */
	cr_assert_eq(pt_map(fx.user, M2, 0x10200000, M2, &RWU, NULL), MM_OK);
	cr_expect_eq(pt_nr_nodes(fx.user), 3);
}

Test(page_table, unmap_frees_empty_nodes, .init = setup_x86, .fini = teardown)
{
	struct physmem_stats st;

	cr_assert_eq(pt_map(fx.user, 0x400000, 0x10000000, K4, &RWU, NULL), MM_OK);
	cr_expect_eq(pt_nr_nodes(fx.user), 4);
	cr_assert_eq(pt_unmap(fx.user, 0x400000, K4, NULL), MM_OK);
	cr_expect_eq(pt_nr_nodes(fx.user), 1);
	physmem_stats(fx.pm, &st);
	cr_expect_eq(st.node_frames, 2); /* the two roots */
}

/* Unmapping 4K out of a 1G page splits it twice and keeps the rest mapped. */
Test(page_table, unmap_part_of_huge_page_splits, .init = setup_x86, .fini = teardown)
{
	struct pt_mapping m;
	struct leaves l = { 0 };

	cr_assert_eq(pt_map(fx.user, G1, G1, G1, &RWU, NULL), MM_OK);
	cr_assert_eq(pt_unmap(fx.user, G1 + M2 + K4, K4, NULL), MM_OK);
	cr_expect(!pt_query(fx.user, G1 + M2 + K4, &m));
	cr_assert(pt_query(fx.user, G1 + M2, &m));
	cr_expect_eq(m.size, K4);
	cr_expect_eq(m.pa, G1 + M2);
	cr_assert(pt_query(fx.user, G1 + 4 * M2 + 7, &m));
	cr_expect_eq(m.size, M2);
	cr_expect_eq(m.pa, G1 + 4 * M2);
	pt_for_each(fx.user, collect, &l);
	cr_expect_eq(l.n, 511 + 511); /* 511 2M pages + 511 4K pages */
	cr_expect_eq(pt_nr_nodes(fx.user), 4);
}

Test(page_table, unmap_unmapped_is_noop, .init = setup_x86, .fini = teardown)
{
	cr_expect_eq(pt_unmap(fx.user, 0x400000, M2, NULL), MM_OK);
	cr_expect_eq(pt_nr_nodes(fx.user), 1);
}

/* The kernel keeps its top-level entries (top_level_can_unmap: false). */
Test(page_table, kernel_top_level_not_freed, .init = setup_x86, .fini = teardown)
{
	uint64_t va = 0xffff800000000000ull;

	cr_assert_eq(pt_map(fx.kernel, va, 0, K4, &RW, NULL), MM_OK);
	cr_expect_eq(pt_nr_nodes(fx.kernel), 4);
	cr_assert_eq(pt_unmap(fx.kernel, va, K4, NULL), MM_OK);
	cr_expect_eq(pt_nr_nodes(fx.kernel), 2); /* root + the level-3 node the top entry keeps */
	/* ...and unmapping the whole 512 GiB of that entry still keeps it. */
	cr_assert_eq(pt_unmap(fx.kernel, va, 1ull << 39, NULL), MM_OK);
	cr_expect_eq(pt_nr_nodes(fx.kernel), 2);
}

/* A kernel mapping made after the user table exists is visible through it. */
Test(page_table, user_table_shares_kernel_entries, .init = setup_x86, .fini = teardown)
{
	struct pt_mapping m;
	uint64_t va = 0xffff888000000000ull;
	uint64_t ue, ke;

	cr_assert_eq(pt_map(fx.kernel, va, 0, G1, &RW, NULL), MM_OK);
	cr_assert(pt_query(fx.user, va + 0x1234, &m));
	cr_expect_eq(m.pa, 0);
	cr_expect_eq(m.size, G1);
	/* the root entries themselves are identical */
	unsigned idx = pc_index(&fx.pc, va, 4);
	physmem_read(fx.pm, pt_root(fx.user) + idx * 8, 8, &ue);
	physmem_read(fx.pm, pt_root(fx.kernel) + idx * 8, 8, &ke);
	cr_expect_eq(ue, ke);
	cr_expect_neq(ue, 0);
}

/* protect on part of a 2M page splits it and changes only that part, keeping A/D. */
Test(page_table, protect_splits_and_keeps_ad, .init = setup_x86, .fini = teardown)
{
	struct pt_mapping m;
	struct page_prop rwuad = { PROP_R | PROP_W | PROP_U | PROP_A | PROP_D, CACHE_WB };

	cr_assert_eq(pt_map(fx.user, M2, 0x10200000, M2, &rwuad, NULL), MM_OK);
	cr_assert_eq(pt_protect(fx.user, M2, K4, &RXU, NULL), MM_OK);
	cr_assert(pt_query(fx.user, M2, &m));
	cr_expect_eq(m.size, K4);
	cr_expect_eq(m.perms, PERM_R | PERM_X | PERM_U);
	cr_expect(m.prop.flags & PROP_A);
	cr_expect(m.prop.flags & PROP_D);
	cr_assert(pt_query(fx.user, M2 + K4, &m));
	cr_expect_eq(m.perms, PERM_R | PERM_W | PERM_U);
}

Test(page_table, protect_cache_policy, .init = setup_x86, .fini = teardown)
{
	struct pt_mapping m;
	struct page_prop uc = { PROP_R | PROP_W, CACHE_UC };

	cr_assert_eq(pt_map(fx.user, 0x400000, 0xfee00000, K4, &RW, NULL), MM_OK);
	cr_assert_eq(pt_protect(fx.user, 0x400000, K4, &uc, NULL), MM_OK);
	cr_assert(pt_query(fx.user, 0x400000, &m));
	cr_expect_eq(m.prop.cache, CACHE_UC);
	cr_expect_eq(m.pte & 0x18, 0x18); /* PCD|PWT */
}

/* Sign extension: the kernel half starts at 0xffff800000000000 (x86) / 0xffffffc000000000 (Sv39). */
Test(page_table, kernel_half_sign_extended_x86, .init = setup_x86, .fini = teardown)
{
	struct leaves l = { 0 };

	cr_assert_eq(pt_map(fx.kernel, 0xffff800000000000ull, 0, K4, &RW, NULL), MM_OK);
	cr_expect_neq(pt_map(fx.kernel, 0x0000800000000000ull, 0, K4, &RW, NULL), MM_OK);
	pt_for_each(fx.user, collect, &l);
	cr_assert_eq(l.n, 1);
	cr_expect_eq(l.m[0].va, 0xffff800000000000ull);
}

Test(page_table, kernel_half_sign_extended_sv39, .init = setup_sv39, .fini = teardown)
{
	struct leaves l = { 0 };

	cr_assert_eq(pt_map(fx.kernel, 0xffffffc000000000ull, 0x80000000, G1, &RW, NULL), MM_OK);
	pt_for_each(fx.user, collect, &l);
	cr_assert_eq(l.n, 1);
	cr_expect_eq(l.m[0].va, 0xffffffc000000000ull);
	cr_expect_eq(l.m[0].size, G1);
	/* the last page of the 64-bit space maps without overflow */
	cr_expect_eq(pt_map(fx.kernel, 0xfffffffffffff000ull, 0x80000000, K4, &RW, NULL), MM_OK);
}

/* Arrays, not pointers: Criterion runs each parameter in a fresh process image. */
struct bad_case {
	char what[32];
	bool kernel;
	uint64_t va, pa, len;
	int code;
	char msg[128];
};

static const struct bad_case bad_cases[] = {
	{ "unaligned VA", false, 0x400001, 0x1000, 0x1000, MM_EUNALIGNED,
	  "VA 0x400001 is not aligned to the 4096-byte page" },
	{ "unaligned PA", false, 0x400000, 0x1001, 0x1000, MM_EUNALIGNED,
	  "PA 0x1001 is not aligned to the 4096-byte page" },
	{ "unaligned length", false, 0x400000, 0x1000, 0x1800, MM_EUNALIGNED,
	  "length 0x1800 is not a multiple of the 4096-byte page" },
	{ "zero length", false, 0x400000, 0x1000, 0, MM_EINVAL, "length is zero" },
	{ "non-canonical VA", false, 0x0000900000000000ull, 0, 0x1000, MM_ERANGE,
	  "VA 0x900000000000 is not canonical for 48-bit addresses" },
	{ "range leaves the space", false, 0x7ffffffff000ull, 0, 0x2000, MM_EOVERFLOW,
	  "VA range 0x7ffffffff000 + 0x2000 leaves the 48-bit address space" },
	{ "len overflow", true, 0xfffffffffffff000ull, 0, 0x2000, MM_EOVERFLOW,
	  "VA range 0xfffffffffffff000 + 0x2000 leaves the 48-bit address space" },
	{ "kernel VA in user table", false, 0xffff800000000000ull, 0, 0x1000, MM_ERANGE,
	  "VA range [0xffff800000000000, 0xffff800000000fff] is outside this table's top-level index range [0, 256)" },
	{ "user VA in kernel table", true, 0x400000, 0, 0x1000, MM_ERANGE,
	  "VA range [0x400000, 0x400fff] is outside this table's top-level index range [256, 512)" },
	{ "PA beyond phys width", false, 0x400000, 1ull << 52, 0x1000, MM_ERANGE,
	  "PA range 0x10000000000000 + 0x1000 exceeds the 52-bit physical address space" },
};

ParameterizedTestParameters(page_table, bad_map)
{
	return cr_make_param_array(struct bad_case, bad_cases, sizeof(bad_cases) / sizeof(bad_cases[0]));
}

ParameterizedTest(const struct bad_case *c, page_table, bad_map, .init = setup_x86, .fini = teardown)
{
	struct mm_error err = { 0 };
	struct page_table *pt = c->kernel ? fx.kernel : fx.user;

	cr_assert_eq(pt_map(pt, c->va, c->pa, c->len, &RW, &err), c->code, "%s: code %d", c->what, err.code);
	cr_expect_str_eq(err.msg, c->msg, "%s", c->what);
	cr_expect_eq(pt_nr_nodes(pt), 1, "%s: wrote nodes", c->what);
}

/* Out of memory is found before any write: the table is unchanged. */
Test(page_table, out_of_memory_leaves_table_unchanged)
{
	struct mm_error err = { 0 };
	struct pt_mapping m;

	fx_setup(&pt_arch_x86_64, 4, 48, 0, 4 * K4); /* two roots + two spare frames */
	cr_assert_eq(pt_map(fx.user, 0, 0x1000000, K4, &RW, &err), MM_ENOMEM);
	cr_expect_str_eq(err.msg, "out of physical memory: needs 3 page-table nodes, 2 frames free");
	cr_expect_eq(pt_nr_nodes(fx.user), 1);
	cr_expect(!pt_query(fx.user, 0, &m));
	/* a 1 GiB page needs only one node: that fits */
	cr_expect_eq(pt_map(fx.user, 0, 0, G1, &RW, NULL), MM_OK);
	teardown();
}

/* Splitting on unmap also needs nodes, and is refused cleanly without them. */
Test(page_table, unmap_split_out_of_memory)
{
	struct mm_error err = { 0 };
	struct pt_mapping m;

	fx_setup(&pt_arch_x86_64, 4, 48, 0, 3 * K4);
	cr_assert_eq(pt_map(fx.user, 0, 0, G1, &RW, NULL), MM_OK);
	cr_assert_eq(pt_unmap(fx.user, 0, K4, &err), MM_ENOMEM);
	cr_expect(pt_query(fx.user, 0, &m));
	cr_expect_eq(m.size, G1);
	teardown();
}

Test(page_table, riscv_rejects_w_without_r, .init = setup_sv39, .fini = teardown)
{
	struct mm_error err = { 0 };
	struct page_prop w = { PROP_W, CACHE_WB };

	cr_expect_eq(pt_map(fx.user, 0x400000, 0x80000000, K4, &w, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "RISC-V reserves W without R: add r");
}

/* With NXE=0 x86 has no XD bit: pages without x must not set it (it would be reserved). */
Test(page_table, x86_without_nxe_never_sets_xd, .init = setup_x86, .fini = teardown)
{
	struct pt_mapping m;

	fx.ctl.nxe = false;
	cr_assert_eq(pt_map(fx.user, 0x400000, 0x10000000, K4, &RW, NULL), MM_OK);
	cr_assert(pt_query(fx.user, 0x400000, &m));
	cr_expect_eq(m.pte >> 63, 0);
	cr_expect(m.perms & PERM_X);
}

/*
 * A wide top (RISC-V Sv39x4, the G-stage): the root is four frames, 16 KiB
 * aligned, with 2048 entries indexed by VA[40:30].  pt_nr_nodes counts node
 * frames, so a fresh table has 4.
 */
static struct page_table *wide_setup(uint64_t mem_base)
{
	static const struct pt_kind_config whole = { 0, 2048, true, false };
	struct page_table *pt = NULL;

	memset(&fx, 0, sizeof(fx));
	fx.pc = (struct paging_consts){ .base_page_size = 4096, .nr_levels = 3, .pte_size = 8,
					.address_width = 41, .highest_translation_level = 3,
					.phys_addr_width = 56, .wide_top_bits = 2 };
	cr_assert_eq(paging_consts_derive(&fx.pc, NULL), MM_OK);
	fx.pm = physmem_create(mem_base, 1ull << 30, 4096, NULL);
	cr_assert_not_null(fx.pm);
	fx.mem = physmem_pt_mem(fx.pm);
	fx.env = (struct pt_env){ .arch = &pt_arch_riscv64x4, .pc = &fx.pc, .ctl = &fx.ctl, .mem = &fx.mem };
	cr_assert_eq(pt_create(&fx.env, &whole, &pt, NULL), MM_OK);
	return pt;
}

static uint64_t node_frames(void)
{
	struct physmem_stats st;

	physmem_stats(fx.pm, &st);
	return st.node_frames;
}

Test(page_table, wide_root_is_four_aligned_frames)
{
	/* Memory starts 4 KiB past a 16 KiB boundary: the root goes to the next one. */
	struct page_table *pt = wide_setup(0x80001000);

	cr_expect_eq(pt_root(pt), 0x80004000ull);
	cr_expect_eq(pt_nr_nodes(pt), 4);
	cr_expect_eq(node_frames(), 4);
	pt_destroy(pt);
	cr_expect_eq(node_frames(), 0);
	physmem_destroy(fx.pm);
}

Test(page_table, wide_root_maps_and_frees_its_last_entry)
{
	struct page_table *pt = wide_setup(0x80000000);
	uint64_t top = 0x1fffffff000ull; /* the last 4 KiB page of 41 bits: root entry 2047 */
	uint64_t pte = 0;
	struct pt_mapping m;
	struct leaves l = { 0 };

	cr_assert_eq(pt_map(pt, top, 0x90345000, K4, &RW, NULL), MM_OK);
	/* A level-2 and a level-1 node below the 4-frame root. */
	cr_expect_eq(pt_nr_nodes(pt), 6);
	cr_expect_eq(node_frames(), 6);
	cr_assert_eq(physmem_read(fx.pm, pt_root(pt) + 8 * 2047, 8, &pte), MM_OK);
	cr_expect_eq(pte & 0x3ff, 0x1, "root entry 2047 is a pointer (V only): 0x%llx", (unsigned long long)pte);
	cr_assert(pt_query(pt, top + 0x10, &m));
	cr_expect_eq(m.pa, 0x90345000ull);
	cr_expect(m.pte & (1u << 4), "every G-stage leaf has U");
	/* A 1 GiB leaf in root entry 1024 (VA bit 40). */
	cr_assert_eq(pt_map(pt, 1ull << 40, 0x40000000, G1, &RW, NULL), MM_OK);
	cr_expect_eq(pt_nr_nodes(pt), 6);
	cr_assert_eq(pt_for_each(pt, collect, &l), 0);
	cr_assert_eq(l.n, 2);
	expect_leaf(&l, 0, 1ull << 40, 0x40000000, G1);
	expect_leaf(&l, 1, top, 0x90345000, K4);
	cr_assert_eq(pt_unmap(pt, top, K4, NULL), MM_OK);
	cr_expect_eq(pt_nr_nodes(pt), 4);
	cr_expect_eq(node_frames(), 4);
	/* Above 41 bits is outside the table. */
	cr_expect_eq(pt_map(pt, 1ull << 41, 0x90345000, K4, &RW, NULL), MM_ERANGE);
	pt_destroy(pt);
	cr_expect_eq(node_frames(), 0);
	physmem_destroy(fx.pm);
}
