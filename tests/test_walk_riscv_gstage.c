/*
 * test_walk_riscv_gstage: the RISC-V G-stage walk (Hypervisor extension,
 * "Two-Stage Address Translation" / "Guest Physical Address Translation"):
 * Sv39x4, Sv48x4, Sv57x4 as the riscv64x4 format.
 *
 * Every expectation comes from the spec, worked by hand:
 *   - SvNNx4 is SvNN with the address widened by 2 bits (41, 50, 59 bits);
 *     the root is 16 KiB (four pages, 16 KiB-aligned) with 2048 entries,
 *     indexed by GPA[40:30] (Sv39x4), GPA[49:39] (Sv48x4), GPA[58:48]
 *     (Sv57x4); every other level is as in SvNN.
 *   - GPA bits above the width must be zero (not a sign extension), else a
 *     guest-page fault, with no entry read.
 *   - every G-stage access is checked as a U-mode access: a leaf with U=0 is
 *     a guest-page fault, whatever the privilege of the original access;
 *     R/W/X and MXR as for U-mode; A/D as in SvNN (Svade faults, Svadu sets).
 *   - guest-page faults: scause 20 (instruction), 21 (load), 23 (store/AMO),
 *     htval = GPA >> 2.  mmusim keeps the pair in walk_fault.code (README,
 *     "RISC-V G-stage"): htval in bits 63:2, scause - 20 in bits 1:0.
 *   - reserved bits, misaligned superpages, pointers at level 1: as in SvNN.
 *
 * Memory: [0x80000000, 0xC0000000).  The root spans 0x80004000-0x80007fff
 * (16 KiB-aligned); the node for level L below the root sits at
 * 0x80008000 + (nr_levels - 1 - L) * 0x1000.
 */
#include <criterion/criterion.h>

#include "rv_fixture.h"

#define G_ROOT 0x80004000ull
#define SCAUSE_FETCH_GUEST_PAGE 20
#define SCAUSE_LOAD_GUEST_PAGE 21
#define SCAUSE_STORE_GUEST_PAGE 23

#define RWX (T_R | T_W | T_X)
#define AD (T_A | T_D)

/* The machine: rv_env with the G-stage constants (levels 3, 4, 5), MXR off, Svadu. */
static bool g_env_init(struct rv_env *e, unsigned levels)
{
	return rv_env_init_as(e, levels, true);
}

/* The index a level reads: GPA[aw-1:30+9(L-1)...] at the top (11 bits), 9 bits below. */
static unsigned g_index(const struct rv_env *e, uint64_t gpa, unsigned level)
{
	unsigned bits = level == e->pc.nr_levels ? 11 : 9;
	return (unsigned)((gpa >> (12 + 9 * (level - 1))) & ((1u << bits) - 1));
}

static uint64_t g_node(const struct rv_env *e, unsigned level)
{
	return level == e->pc.nr_levels ? G_ROOT : 0x80008000ull + (e->pc.nr_levels - 1 - level) * 0x1000ull;
}

static uint64_t g_slot(const struct rv_env *e, uint64_t gpa, unsigned level)
{
	return g_node(e, level) + 8ull * g_index(e, gpa, level);
}

/* Pointers from the root down to leaf_level + 1, then `leaf`; returns the leaf's address. */
static uint64_t g_map(struct rv_env *e, uint64_t gpa, unsigned leaf_level, uint64_t leaf)
{
	for (unsigned l = e->pc.nr_levels; l > leaf_level; l--)
		rv_write(e, g_slot(e, gpa, l), T_PPN(g_node(e, l - 1)) | T_V);
	rv_write(e, g_slot(e, gpa, leaf_level), leaf);
	return g_slot(e, gpa, leaf_level);
}

static void g_walk(struct rv_env *e, uint64_t gpa, enum access_kind a, enum privilege p, struct walk_result *res)
{
	struct walk_request req = { .root = G_ROOT, .va = gpa, .access = a, .priv = p };

	*res = (struct walk_result){0};
	walk(&e->w, &req, res);
}

static uint64_t guest_page_cause(enum access_kind a)
{
	return a == ACCESS_EXEC ? SCAUSE_FETCH_GUEST_PAGE
	     : a == ACCESS_WRITE ? SCAUSE_STORE_GUEST_PAGE : SCAUSE_LOAD_GUEST_PAGE;
}

/* A guest-page fault of access a on gpa: scause and htval = gpa >> 2, as the code pairs them. */
static void expect_guest_page_fault(const struct walk_result *res, enum access_kind a, uint64_t gpa,
				    enum fault_kind kind, unsigned level)
{
	cr_assert(!res->ok, "GPA 0x%llx should fault", (unsigned long long)gpa);
	cr_expect_eq(res->fault.kind, kind, "kind %d, expected %d", res->fault.kind, kind);
	cr_expect_eq(res->fault.level, level, "level %u, expected %u", res->fault.level, level);
	cr_expect_eq(20 + (res->fault.code & 3), guest_page_cause(a), "scause from code 0x%llx",
		     (unsigned long long)res->fault.code);
	cr_expect_eq(res->fault.code >> 2, gpa >> 2, "htval from code 0x%llx", (unsigned long long)res->fault.code);
}

static const unsigned all_levels[] = { 3, 4, 5 };

/* A GPA whose top index has both extra bits set: bits aw-1 and aw-2, plus one more index bit. */
static uint64_t top_gpa(unsigned levels)
{
	unsigned aw = 12 + 9 * levels + 2;
	return (1ull << (aw - 1)) | (1ull << (aw - 2)) | (1ull << (aw - 11)) | 0x345ull;
}

Test(gstage_walk, root_indexes_two_extra_bits)
{
	for (size_t i = 0; i < 3; i++) {
		struct rv_env e;
		struct walk_result res;
		unsigned levels = all_levels[i];
		uint64_t gpa = top_gpa(levels);
		/* Top index: both extra bits (0x600) and the lowest index bit (0x001). */
		uint64_t slot = G_ROOT + 8 * 0x601;

		cr_assert(g_env_init(&e, levels));
		cr_assert_eq(g_slot(&e, gpa, levels), slot);
		g_map(&e, gpa, 1, T_PPN(0x90345000) | T_V | T_R | T_U | AD);
		g_walk(&e, gpa, ACCESS_READ, PRIV_USER, &res);
		cr_assert(res.ok, "Sv%ux4: fault %d", 12 + 9 * levels, res.fault.reason);
		cr_expect_eq(res.pa, 0x90345345ull);
		cr_expect_eq(res.nr_steps, levels);
		cr_expect_eq(res.steps[0].table, G_ROOT);
		cr_expect_eq(res.steps[0].index, 0x601u);
		/* Past the first three 4 KiB pages of the root: 0x80004000 + 0x3008. */
		cr_expect_eq(res.steps[0].pte_addr, 0x80007008ull);
		rv_env_fini(&e);
	}
}

Test(gstage_walk, sv39x4_bit40_reads_past_first_page)
{
	struct rv_env e;
	struct walk_result res;
	/* GPA[40:30] = 0x403: root + 8 * 0x403 = root + 0x2018, in the root's third page. */
	uint64_t gpa = (1ull << 40) | (3ull << 30) | 0x12345;

	cr_assert(g_env_init(&e, 3));
	rv_write(&e, G_ROOT + 0x2018, T_PPN(0x140000000) | T_V | RWX | T_U | AD);
	g_walk(&e, gpa, ACCESS_WRITE, PRIV_USER, &res);
	cr_assert(res.ok, "fault %d", res.fault.reason);
	cr_expect_eq(res.steps[0].pte_addr, 0x80006018ull);
	cr_expect_eq(res.level, 3);
	cr_expect_eq(res.page_size, 1ull << 30);
	cr_expect_eq(res.pa, 0x140012345ull);
	/* The same GPA without bit 40 reads slot 3 of the first page, which is empty. */
	g_walk(&e, gpa & ~(1ull << 40), ACCESS_READ, PRIV_USER, &res);
	expect_guest_page_fault(&res, ACCESS_READ, gpa & ~(1ull << 40), FAULT_NOT_PRESENT, 3);
	cr_expect_eq(res.steps[0].pte_addr, 0x80004018ull);
	rv_env_fini(&e);
}

Test(gstage_walk, bits_above_width_fault_without_reading)
{
	for (size_t i = 0; i < 3; i++) {
		struct rv_env e;
		struct walk_result res;
		unsigned levels = all_levels[i], aw = 12 + 9 * levels + 2;
		/* Bit aw set; and a "sign-extended" GPA, which the G-stage does not accept either. */
		uint64_t bad[] = { (1ull << aw) | 0x1000, ~0ull << (aw - 1), 1ull << 63 };

		cr_assert(g_env_init(&e, levels));
		for (size_t j = 0; j < 3; j++) {
			g_walk(&e, bad[j], ACCESS_WRITE, PRIV_USER, &res);
			expect_guest_page_fault(&res, ACCESS_WRITE, bad[j], FAULT_NON_CANONICAL, levels);
			cr_expect_eq(res.nr_steps, 0);
		}
		rv_env_fini(&e);
	}
}

Test(gstage_walk, leaf_without_u_faults_at_its_level)
{
	static const enum access_kind kinds[] = { ACCESS_EXEC, ACCESS_READ, ACCESS_WRITE };

	for (size_t i = 0; i < 3; i++) {
		struct rv_env e;
		struct walk_result res;
		unsigned levels = all_levels[i];
		uint64_t gpa = 0x4567abcull;

		cr_assert(g_env_init(&e, levels));
		g_map(&e, gpa, 2, T_PPN(0x90400000) | T_V | RWX | AD);
		for (size_t k = 0; k < 3; k++) {
			/* A supervisor access too: the G-stage checks every access as U-mode. */
			g_walk(&e, gpa, kinds[k], PRIV_SUPERVISOR, &res);
			expect_guest_page_fault(&res, kinds[k], gpa, FAULT_PERMISSION, 2);
			cr_expect_eq(res.nr_steps, levels - 1);
		}
		rv_env_fini(&e);
	}
}

Test(gstage_walk, cause_and_htval_per_access)
{
	struct rv_env e;
	struct walk_result res;
	uint64_t gpa = 0x1ffedcba987ull; /* 41 bits: the top index 0x7ff, htval 0x7ffb72ea61 */

	cr_assert(g_env_init(&e, 3));
	g_walk(&e, gpa, ACCESS_EXEC, PRIV_USER, &res);
	cr_expect_eq(res.fault.code & 3, 0);
	cr_expect_eq(res.fault.code >> 2, 0x7ffb72ea61ull);
	g_walk(&e, gpa, ACCESS_READ, PRIV_USER, &res);
	cr_expect_eq(res.fault.code & 3, 1);
	g_walk(&e, gpa, ACCESS_WRITE, PRIV_USER, &res);
	cr_expect_eq(res.fault.code & 3, 3);
	cr_expect_eq(res.steps[0].pte_addr, G_ROOT + 8 * 0x7ff);
	rv_env_fini(&e);
}

Test(gstage_walk, describe_fault_names_scause_and_htval)
{
	struct rv_env e;
	struct walk_result res;
	char buf[128];

	cr_assert(g_env_init(&e, 3));
	g_walk(&e, 0x1ffedcba987ull, ACCESS_WRITE, PRIV_USER, &res);
	pt_arch_riscv64x4.describe_fault(&res.fault, buf, sizeof(buf));
	cr_expect_str_eq(buf, "scause 23 (store/AMO guest-page fault), htval 0x7ffb72ea61");
	g_walk(&e, 0x1000, ACCESS_EXEC, PRIV_USER, &res);
	pt_arch_riscv64x4.describe_fault(&res.fault, buf, sizeof(buf));
	cr_expect_str_eq(buf, "scause 20 (instruction guest-page fault), htval 0x400");
	g_walk(&e, 0x1000, ACCESS_READ, PRIV_USER, &res);
	pt_arch_riscv64x4.describe_fault(&res.fault, buf, sizeof(buf));
	cr_expect_str_eq(buf, "scause 21 (load guest-page fault), htval 0x400");
	rv_env_fini(&e);
}

Test(gstage_walk, pte_outside_memory_is_access_fault)
{
	struct rv_env e;
	struct walk_result res;
	char buf[128];

	cr_assert(g_env_init(&e, 3));
	/* A pointer to 0x10000000, below memory: the level-2 read is an access fault (5 load). */
	rv_write(&e, G_ROOT, T_PPN(0x10000000) | T_V);
	g_walk(&e, 0x1000, ACCESS_READ, PRIV_USER, &res);
	cr_assert(!res.ok);
	cr_expect_eq(res.fault.kind, FAULT_BUS_ERROR);
	cr_expect_eq(res.fault.code, SCAUSE_LOAD_ACCESS);
	pt_arch_riscv64x4.describe_fault(&res.fault, buf, sizeof(buf));
	cr_expect_str_eq(buf, "scause 5 (load access fault)");
	rv_env_fini(&e);
}

Test(gstage_walk, supervisor_fetch_from_u_leaf_allowed)
{
	/* On Sv39 an S-mode fetch from a U page faults; the G-stage sees a U-mode fetch. */
	struct rv_env e;
	struct walk_result res;

	cr_assert(g_env_init(&e, 4));
	g_map(&e, 0x200000, 1, T_PPN(0x90345000) | T_V | T_X | T_U | AD);
	g_walk(&e, 0x200010, ACCESS_EXEC, PRIV_SUPERVISOR, &res);
	cr_assert(res.ok, "fault %d", res.fault.reason);
	cr_expect_eq(res.pa, 0x90345010ull);
	rv_env_fini(&e);
}

Test(gstage_walk, rwx_and_mxr_as_user)
{
	struct rv_env e;
	struct walk_result res;

	cr_assert(g_env_init(&e, 3));
	g_map(&e, 0x200000, 1, T_PPN(0x90345000) | T_V | T_X | T_U | AD);
	g_walk(&e, 0x200000, ACCESS_READ, PRIV_USER, &res);
	expect_guest_page_fault(&res, ACCESS_READ, 0x200000, FAULT_PERMISSION, 1);
	g_walk(&e, 0x200000, ACCESS_WRITE, PRIV_USER, &res);
	expect_guest_page_fault(&res, ACCESS_WRITE, 0x200000, FAULT_PERMISSION, 1);
	e.ctl.mxr = true;
	g_walk(&e, 0x200000, ACCESS_READ, PRIV_USER, &res);
	cr_expect(res.ok, "MXR makes an executable page readable");
	rv_env_fini(&e);
}

Test(gstage_walk, superpages_and_misaligned)
{
	struct rv_env e;
	struct walk_result res;

	cr_assert(g_env_init(&e, 3));
	/* 1 GiB leaf at level 3 for GPA 0x40000000 + off. */
	g_map(&e, 0x40000000, 3, T_PPN(0x140000000) | T_V | T_R | T_U | AD);
	g_walk(&e, 0x40123456, ACCESS_READ, PRIV_USER, &res);
	cr_assert(res.ok);
	cr_expect_eq(res.page_size, 1ull << 30);
	cr_expect_eq(res.pa, 0x140123456ull);
	/* 2 MiB leaf at level 2. */
	g_map(&e, 0x80200000, 2, T_PPN(0x90400000) | T_V | T_R | T_U | AD);
	g_walk(&e, 0x802abcde, ACCESS_READ, PRIV_USER, &res);
	cr_assert(res.ok);
	cr_expect_eq(res.page_size, 2ull << 20);
	cr_expect_eq(res.pa, 0x904abcdeull);
	/* A 2 MiB leaf whose ppn[0] is not zero; a 1 GiB leaf whose ppn[1] is not. */
	g_map(&e, 0x80400000, 2, T_PPN(0x90401000) | T_V | T_R | T_U | AD);
	g_walk(&e, 0x80400000, ACCESS_READ, PRIV_USER, &res);
	expect_guest_page_fault(&res, ACCESS_READ, 0x80400000, FAULT_MISALIGNED_SUPERPAGE, 2);
	g_map(&e, 0xc0000000, 3, T_PPN(0x140200000) | T_V | T_R | T_U | AD);
	g_walk(&e, 0xc0000004, ACCESS_EXEC, PRIV_USER, &res);
	/* X=0 comes first (step 5 before step 6). */
	expect_guest_page_fault(&res, ACCESS_EXEC, 0xc0000004, FAULT_PERMISSION, 3);
	g_walk(&e, 0xc0000004, ACCESS_READ, PRIV_USER, &res);
	expect_guest_page_fault(&res, ACCESS_READ, 0xc0000004, FAULT_MISALIGNED_SUPERPAGE, 3);
	rv_env_fini(&e);
}

Test(gstage_walk, svade_faults_on_a_and_d)
{
	struct rv_env e;
	struct walk_result res;

	cr_assert(g_env_init(&e, 3));
	e.ctl.ad = AD_SVADE;
	g_map(&e, 0x200000, 1, T_PPN(0x90345000) | T_V | T_R | T_W | T_U);
	g_walk(&e, 0x200000, ACCESS_READ, PRIV_USER, &res);
	expect_guest_page_fault(&res, ACCESS_READ, 0x200000, FAULT_ACCESSED_DIRTY, 1);
	cr_expect_eq(res.fault.reason, REASON_A_CLEAR);
	g_map(&e, 0x200000, 1, T_PPN(0x90345000) | T_V | T_R | T_W | T_U | T_A);
	g_walk(&e, 0x200000, ACCESS_READ, PRIV_USER, &res);
	cr_expect(res.ok);
	g_walk(&e, 0x200008, ACCESS_WRITE, PRIV_USER, &res);
	expect_guest_page_fault(&res, ACCESS_WRITE, 0x200008, FAULT_ACCESSED_DIRTY, 1);
	cr_expect_eq(res.fault.reason, REASON_D_CLEAR);
	rv_env_fini(&e);
}

Test(gstage_walk, svadu_sets_a_and_d)
{
	struct rv_env e;
	struct walk_result res;
	uint64_t leaf = T_PPN(0x90345000) | T_V | T_R | T_W | T_U, at;

	cr_assert(g_env_init(&e, 5));
	at = g_map(&e, 0x7654321000ull, 1, leaf);
	g_walk(&e, 0x7654321000ull, ACCESS_READ, PRIV_USER, &res);
	cr_assert(res.ok);
	cr_expect_eq(rv_read(&e, at), leaf | T_A);
	g_walk(&e, 0x7654321000ull, ACCESS_WRITE, PRIV_USER, &res);
	cr_assert(res.ok);
	cr_expect_eq(rv_read(&e, at), leaf | T_A | T_D);
	rv_env_fini(&e);
}

Test(gstage_walk, reserved_encodings_fault)
{
	struct rv_env e;
	struct walk_result res;
	const uint64_t ok = T_PPN(0x90345000) | T_V | T_R | T_U | AD;
	const uint64_t bad[] = { ok | T_RSVD(54), ok | T_RSVD(60), ok | T_PBMT(3), (ok & ~T_R) | T_W };

	cr_assert(g_env_init(&e, 3));
	for (size_t i = 0; i < 4; i++) {
		g_map(&e, 0x200000, 1, bad[i]);
		g_walk(&e, 0x200000, ACCESS_READ, PRIV_USER, &res);
		expect_guest_page_fault(&res, ACCESS_READ, 0x200000, FAULT_RESERVED_BIT, 1);
	}
	/* D, A, U on a pointer are reserved (U is no exception in the G-stage). */
	g_map(&e, 0x200000, 1, ok);
	rv_write(&e, g_slot(&e, 0x200000, 3), T_PPN(g_node(&e, 2)) | T_V | T_U);
	g_walk(&e, 0x200000, ACCESS_READ, PRIV_USER, &res);
	expect_guest_page_fault(&res, ACCESS_READ, 0x200000, FAULT_RESERVED_BIT, 3);
	cr_expect_eq(res.fault.reason, REASON_RV_NONLEAF_ATTR);
	/* A pointer at level 1. */
	g_map(&e, 0x200000, 1, T_PPN(0x90345000) | T_V);
	g_walk(&e, 0x200000, ACCESS_READ, PRIV_USER, &res);
	expect_guest_page_fault(&res, ACCESS_READ, 0x200000, FAULT_NO_LEAF, 1);
	rv_env_fini(&e);
}

Test(gstage_walk, make_leaf_sets_u)
{
	struct paging_consts pc = { 0 };
	struct page_prop p = { PROP_R | PROP_W, CACHE_WB };
	uint64_t pte = pt_arch_riscv64x4.make_leaf(&pc, 0x90345000, &p, 1);

	cr_expect_eq(pte, T_PPN(0x90345000) | T_V | T_R | T_W | T_U);
	cr_expect_eq(pt_arch_riscv64x4.make_table(&pc, 0x80008000), T_PPN(0x80008000) | T_V);
}

Test(gstage_walk, hgatp_encodes_mode_vmid_ppn)
{
	struct rv_env e;
	uint64_t root = 0;
	uint16_t vmid = 0;
	struct mm_error err = { 0 };

	cr_assert(g_env_init(&e, 4));
	/* hgatp: MODE 9 (Sv48x4) in 63:60, VMID in 57:44, PPN in 43:0. */
	cr_expect_eq(pt_arch_riscv64x4.encode_root_reg(&e.pc, 0x80004000, 5),
		     (9ull << 60) | (5ull << 44) | 0x80004ull);
	cr_expect_eq(pt_arch_riscv64x4.decode_root_reg(&e.pc, (9ull << 60) | (7ull << 44) | 0x80008ull, &root,
							&vmid, &err), MM_OK);
	cr_expect_eq(root, 0x80008000ull);
	cr_expect_eq(vmid, 7);
	cr_expect_eq(pt_arch_riscv64x4.decode_root_reg(&e.pc, (9ull << 60) | 0x80005ull, &root, &vmid, &err),
		     MM_EINVAL);
	cr_expect_str_eq(err.msg, "hgatp PPN 0x80005 is not 16 KiB-aligned (its two low bits are zero)");
	cr_expect_eq(pt_arch_riscv64x4.decode_root_reg(&e.pc, (8ull << 60) | 0x80004ull, &root, &vmid, &err),
		     MM_EINVAL);
	cr_expect_str_eq(err.msg, "hgatp MODE 8 (Sv39x4) does not match the config's Sv48x4 (MODE 9)");
	rv_env_fini(&e);
}

/* ---- paging constants with a wide top ---- */

static int derive(unsigned levels, unsigned aw, unsigned wide, struct paging_consts *pc, struct mm_error *err)
{
	*pc = (struct paging_consts){ .base_page_size = 4096, .nr_levels = levels, .pte_size = 8,
				      .address_width = aw, .highest_translation_level = levels,
				      .phys_addr_width = 56, .wide_top_bits = wide };
	return paging_consts_derive(pc, err);
}

Test(wide_top_consts, accepts_41_50_59)
{
	struct paging_consts pc;

	for (size_t i = 0; i < 3; i++) {
		cr_assert_eq(derive(all_levels[i], 12 + 9 * all_levels[i] + 2, 2, &pc, NULL), MM_OK);
		cr_expect_eq(pc.top_entries, 2048u);
		cr_expect_eq(pc.nr_entries, 512u);
		cr_expect_eq(pc_root_frames(&pc), 4u);
		cr_expect_eq(pc_entries(&pc, all_levels[i]), 2048u);
		cr_expect_eq(pc_entries(&pc, all_levels[i] - 1), 512u);
	}
	cr_expect_eq(pc_index(&pc, 0x7ffull << 48, 5), 0x7ffu);
	cr_expect_eq(pc_index(&pc, 0x7ffull << 48, 4), 0u);
}

Test(wide_top_consts, refuses_other_widths)
{
	struct paging_consts pc;
	struct mm_error err = { 0 };
	static const unsigned widths[] = { 39, 40, 42 };

	for (size_t i = 0; i < 3; i++) {
		cr_expect_eq(derive(3, widths[i], 2, &pc, &err), MM_EINVAL, "aw %u", widths[i]);
		cr_expect_eq(err.code, MM_EINVAL);
	}
	cr_expect_str_eq(err.msg, "address_width 42 != nr_levels 3 x index bits 9 + offset bits 12 + 2 root bits");
	/* Without the flag, 41 bits is no whole number of levels. */
	cr_expect_eq(derive(3, 41, 0, &pc, &err), MM_EINVAL);
	cr_expect_eq(pc_root_frames(&pc), 1u);
}
