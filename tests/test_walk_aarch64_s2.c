/*
 * test_walk_aarch64_s2: the AArch64 stage-2 walk (arch aarch64_stage2), IPA
 * -> PA, against the Arm ARM (DDI 0487) D8, worked by hand:
 *   - the initial lookup level is VTCR_EL2.SL0's (nr_levels); it resolves the
 *     IPA bits above the lower levels', which may be fewer than a table's
 *     (partial) or up to 4 more: 2 to 16 concatenated tables, one root
 *     aligned to its size (D8 "Concatenated translation tables for the
 *     initial stage 2 lookup").  4K: 40-bit IPA from level 1 = 2 tables
 *     (IPA[39:30], 1024 entries), 43-bit = 16; 34-bit from level 2 = 16.
 *   - IPA bits above 64 - T0SZ: translation fault, level 0 (no entry read).
 *   - bits[1:0]: 0bx0 invalid (translation fault at the level), 0b01 a block
 *     where the granule has blocks (4K: levels 1, 2; 16K, 64K: level 2),
 *     else a translation fault; 0b11 table, or page at level 3.
 *   - OA bits above VTCR_EL2.PS: address size fault at the level; a VTTBR_EL2
 *     base above it, at level 0.
 *   - AF=0: access flag fault at the leaf unless VTCR_EL2.HA (then AF set).
 *   - S2AP[0] (bit 6) read, S2AP[1] (bit 7) write; a fetch needs only XN
 *     clear (XN[1], bit 54; with FEAT_XNX XN[1:0] 01 = EL0 only, 11 = EL1
 *     only); DBM=1 with VTCR_EL2.HD makes a write-clean page writable and
 *     a write sets S2AP[1].
 *   - ESR_EL2: EC 0x24 data / 0x20 instruction abort from a lower EL (EL0
 *     or EL1 alike), IL, WnR for data writes, xFSC = class | level.
 */
#include <criterion/criterion.h>

#include <stdio.h>

#include "pt/aarch64_regs.h"
#include "s2_fixture.h"

#define PAGE_PA 0x50000000ull

static void expect_fault(const struct walk_result *res, enum fault_kind kind, unsigned mm_level, uint64_t esr)
{
	cr_assert(!res->ok, "expected a fault");
	cr_expect_eq(res->fault.kind, kind, "kind %d, expected %d", res->fault.kind, kind);
	cr_expect_eq(res->fault.level, mm_level, "level %u, expected %u", res->fault.level, mm_level);
	cr_expect_eq(res->fault.code, esr, "ESR_EL2 0x%llx, expected 0x%llx", (unsigned long long)res->fault.code,
		     (unsigned long long)esr);
}

/* ---- geometry: concatenated and partial initial lookups ---- */

Test(s2_walk, ipa40_level1_two_concatenated_tables)
{
	struct s2_env e;
	struct walk_result res;
	uint64_t ipa = 0x8000001234ull; /* IPA[39:30] = 0x200: entry 512, the second table's first */

	s2_init(&e, 4096, 3, 40, 48);
	cr_expect_eq(e.pc.top_entries, 1024u);
	cr_expect_eq(pc_root_frames(&e.pc), 2u);
	s2_map(&e, ipa, 3, S2_RW_PAGE(PAGE_PA));
	s2_walk(&e, ipa, ACCESS_READ, PRIV_SUPERVISOR, &res);
	cr_assert(res.ok, "reason %d", res.fault.reason);
	cr_expect_eq(res.pa, PAGE_PA | 0x234);
	cr_expect_eq(res.nr_steps, 3);
	cr_expect_eq(res.steps[0].index, 512u);
	cr_expect_eq(res.steps[0].pte_addr, S2_ROOT + 0x1000);
	cr_expect_eq(res.steps[1].pte_addr, 0x40800000ull + 2 * 4096);
	s2_fini(&e);
}

Test(s2_walk, ipa43_level1_sixteen_tables)
{
	struct s2_env e;
	struct walk_result res;
	uint64_t ipa = 0x7ffc0000000ull | 0x5678; /* IPA[42:30] = 0x1fff: the 16th table's last entry */

	s2_init(&e, 4096, 3, 43, 48);
	cr_expect_eq(e.pc.top_entries, 8192u);
	cr_expect_eq(pc_root_frames(&e.pc), 16u);
	s2_map(&e, ipa, 1, (PAGE_PA & ~0x3fffffffull) | 0x40000000ull | S2_BLOCK | S2_MEMATTR(0xf) | S2AP_R | S2_AF);
	s2_walk(&e, ipa, ACCESS_READ, PRIV_USER, &res);
	cr_assert(res.ok, "reason %d", res.fault.reason);
	cr_expect_eq(res.steps[0].pte_addr, S2_ROOT + 0xfff8);
	cr_expect_eq(res.page_size, 1ull << 30);
	cr_expect_eq(res.pa, 0x40000000ull | 0x5678);
	s2_fini(&e);
}

Test(s2_walk, ipa34_level2_sixteen_tables)
{
	struct s2_env e;
	struct walk_result res;
	uint64_t ipa = 0x3c0201000ull; /* IPA[33:21] = 0x1e01, IPA[20:12] = 1 */

	s2_init(&e, 4096, 2, 34, 40);
	cr_expect_eq(e.pc.top_entries, 8192u);
	s2_map(&e, ipa, 3, S2_RW_PAGE(PAGE_PA));
	s2_walk(&e, ipa, ACCESS_WRITE, PRIV_USER, &res);
	cr_assert(res.ok, "reason %d", res.fault.reason);
	cr_expect_eq(res.steps[0].pte_addr, S2_ROOT + 8 * 0x1e01);
	cr_expect_eq(res.steps[1].index, 1u);
	s2_fini(&e);
}

Test(s2_walk, partial_initial_lookups)
{
	struct s2_env e;
	struct walk_result res;

	/* 4K, 32-bit IPA from level 1: IPA[31:30], 4 entries. */
	s2_init(&e, 4096, 3, 32, 40);
	cr_expect_eq(e.pc.top_entries, 4u);
	cr_expect_eq(pc_root_frames(&e.pc), 1u);
	s2_map(&e, 0xc0000000ull, 3, S2_RW_PAGE(PAGE_PA));
	s2_walk(&e, 0xc0000abcull, ACCESS_READ, PRIV_USER, &res);
	cr_assert(res.ok);
	cr_expect_eq(res.steps[0].pte_addr, S2_ROOT + 8 * 3);
	s2_fini(&e);
	/* 4K, 44-bit IPA from level 0 (PS 48): IPA[43:39], 32 entries. */
	s2_init(&e, 4096, 4, 44, 48);
	cr_expect_eq(e.pc.top_entries, 32u);
	s2_map(&e, 0xf8000000000ull, 3, S2_RW_PAGE(PAGE_PA));
	s2_walk(&e, 0xf8000000010ull, ACCESS_READ, PRIV_USER, &res);
	cr_assert(res.ok);
	cr_expect_eq(res.steps[0].pte_addr, S2_ROOT + 8 * 31);
	cr_expect_eq(res.nr_steps, 4);
	s2_fini(&e);
	/* 64K, 48-bit IPA from level 1: IPA[47:42], 64 entries. */
	s2_init(&e, 65536, 3, 48, 48);
	cr_expect_eq(e.pc.top_entries, 64u);
	s2_map(&e, 0xfc0000000000ull, 3, S2_RW_PAGE(PAGE_PA));
	s2_walk(&e, 0xfc000000abcdull, ACCESS_READ, PRIV_USER, &res);
	cr_assert(res.ok);
	cr_expect_eq(res.steps[0].pte_addr, S2_ROOT + 8 * 63);
	cr_expect_eq(res.pa, PAGE_PA | 0xabcd);
	s2_fini(&e);
}

/* 16K, 48-bit IPA from level 1 (no level 0 without FEAT_LPA2): IPA[47:36], 2 concatenated 2048-entry tables. */
Test(s2_walk, granule16k_ipa48_two_tables)
{
	struct s2_env e;
	struct walk_result res;
	uint64_t ipa = 0x800000004000ull | 0x123; /* IPA[47:36] = 0x800 */

	s2_init(&e, 16384, 3, 48, 48);
	cr_expect_eq(e.pc.top_entries, 4096u);
	cr_expect_eq(pc_root_frames(&e.pc), 2u);
	s2_map(&e, ipa, 3, S2_RW_PAGE(PAGE_PA));
	s2_walk(&e, ipa, ACCESS_READ, PRIV_USER, &res);
	cr_assert(res.ok, "reason %d", res.fault.reason);
	cr_expect_eq(res.steps[0].pte_addr, S2_ROOT + 0x4000);
	cr_expect_eq(res.steps[2].index, 1u);
	cr_expect_eq(res.pa, PAGE_PA | 0x123);
	s2_fini(&e);
}

/* ---- faults and their ESR_EL2 ---- */

Test(s2_walk, ipa_above_size_translation_fault_level0)
{
	static const enum access_kind kinds[] = { ACCESS_READ, ACCESS_WRITE, ACCESS_EXEC };
	static const uint64_t esr[] = { 0x92000004, 0x92000044, 0x82000004 };
	struct s2_env e;
	struct walk_result res;

	s2_init(&e, 4096, 3, 40, 48);
	for (size_t i = 0; i < 3; i++) {
		s2_walk(&e, 1ull << 40, kinds[i], PRIV_USER, &res);
		expect_fault(&res, FAULT_NON_CANONICAL, 3, esr[i]);
		cr_expect_eq(res.nr_steps, 0);
		cr_expect_eq(res.fault.reason, REASON_ARM_S2_IPA_RANGE);
	}
	/* No sign extension: all-ones above bit 39 is as far out of range. */
	s2_walk(&e, ~0ull << 39, ACCESS_READ, PRIV_USER, &res);
	expect_fault(&res, FAULT_NON_CANONICAL, 3, 0x92000004);
	s2_fini(&e);
}

Test(s2_walk, invalid_descriptor_at_each_level)
{
	struct s2_env e;
	struct walk_result res;
	uint64_t ipa = 0x12345000ull;

	s2_init(&e, 4096, 3, 40, 48);
	/* Nothing at level 1. */
	s2_walk(&e, ipa, ACCESS_READ, PRIV_USER, &res);
	expect_fault(&res, FAULT_NOT_PRESENT, 3, 0x92000005);
	/* Level 2 holds 0b10 (bit 0 clear). */
	s2_write(&e, s2_slot(&e, ipa, 1), s2_node(&e, 2) | S2_TABLE);
	s2_write(&e, s2_slot(&e, ipa, 2), s2_node(&e, 3) | 0x2);
	s2_walk(&e, ipa, ACCESS_WRITE, PRIV_USER, &res);
	expect_fault(&res, FAULT_NOT_PRESENT, 2, 0x92000046);
	/* Level 3 empty, a fetch. */
	s2_write(&e, s2_slot(&e, ipa, 2), s2_node(&e, 3) | S2_TABLE);
	s2_walk(&e, ipa, ACCESS_EXEC, PRIV_SUPERVISOR, &res);
	expect_fault(&res, FAULT_NOT_PRESENT, 1, 0x82000007);
	cr_expect_eq(res.fault.reason, REASON_ARM_INVALID);
	s2_fini(&e);
}

Test(s2_walk, blocks_where_the_granule_has_them)
{
	struct s2_env e;
	struct walk_result res;
	uint64_t attrs = S2_MEMATTR(0xf) | S2AP_R | S2_AF;

	s2_init(&e, 4096, 3, 40, 48);
	/* 1 GiB at level 1, 2 MiB at level 2. */
	s2_map(&e, 0x40000000ull, 1, 0x80000000ull | S2_BLOCK | attrs);
	s2_walk(&e, 0x40012345ull, ACCESS_READ, PRIV_USER, &res);
	cr_assert(res.ok);
	cr_expect_eq(res.pa, 0x80012345ull);
	cr_expect_eq(res.page_size, 1ull << 30);
	s2_map(&e, 0x80200000ull, 2, 0x90400000ull | S2_BLOCK | attrs);
	s2_walk(&e, 0x802abcdeull, ACCESS_READ, PRIV_USER, &res);
	cr_assert(res.ok);
	cr_expect_eq(res.pa, 0x904abcdeull);
	cr_expect_eq(res.page_size, 2ull << 20);
	/* 0b01 at level 3 is reserved: a translation fault at level 3. */
	s2_map(&e, 0xc0001000ull, 3, PAGE_PA | S2_BLOCK | attrs);
	s2_walk(&e, 0xc0001000ull, ACCESS_READ, PRIV_USER, &res);
	expect_fault(&res, FAULT_RESERVED_BIT, 1, 0x92000007);
	cr_expect_eq(res.fault.reason, REASON_ARM_BLOCK_LEVEL);
	s2_fini(&e);
	/* 16K: no block at level 1. */
	s2_init(&e, 16384, 3, 48, 48);
	s2_map(&e, 0x1000000000ull, 1, 0x1000000000ull | S2_BLOCK | attrs);
	s2_walk(&e, 0x1000000000ull, ACCESS_READ, PRIV_USER, &res);
	expect_fault(&res, FAULT_RESERVED_BIT, 3, 0x92000005);
	s2_fini(&e);
}

Test(s2_walk, address_size_faults)
{
	struct s2_env e;
	struct walk_result res;
	struct walk_request req = { .root = 1ull << 40, .va = 0x1000, .access = ACCESS_READ, .priv = PRIV_USER };

	/* PS = 40 bits: OA bit 40 in a page, in a table; then VTTBR_EL2's base. */
	s2_init(&e, 4096, 3, 40, 40);
	s2_map(&e, 0x1000, 3, S2_RW_PAGE(1ull << 40));
	s2_walk(&e, 0x1000, ACCESS_READ, PRIV_USER, &res);
	expect_fault(&res, FAULT_RESERVED_BIT, 1, 0x92000003);
	cr_expect_eq(res.fault.reason, REASON_ARM_S2_ADDR_SIZE);
	s2_write(&e, s2_slot(&e, 0x1000, 1), (1ull << 40) | S2_TABLE);
	s2_walk(&e, 0x1000, ACCESS_WRITE, PRIV_USER, &res);
	expect_fault(&res, FAULT_RESERVED_BIT, 3, 0x92000041);
	cr_expect_eq(res.fault.reason, REASON_ARM_S2_TABLE_ADDR_SIZE);
	res = (struct walk_result){ 0 };
	walk(&e.w, &req, &res);
	expect_fault(&res, FAULT_RESERVED_BIT, 3, 0x92000000);
	cr_expect_eq(res.fault.reason, REASON_ARM_S2_VTTBR_ADDR_SIZE);
	cr_expect_eq(res.nr_steps, 0);
	s2_fini(&e);
}

Test(s2_walk, access_flag_with_and_without_ha)
{
	struct s2_env e;
	struct walk_result res;
	uint64_t leaf = S2_RW_PAGE(PAGE_PA) & ~S2_AF, at;

	s2_init(&e, 4096, 3, 40, 48);
	at = s2_map(&e, 0x2000, 3, leaf);
	s2_walk(&e, 0x2000, ACCESS_READ, PRIV_USER, &res);
	expect_fault(&res, FAULT_ACCESSED_DIRTY, 1, 0x9200000b);
	cr_expect_eq(res.fault.reason, REASON_ARM_S2_AF);
	/* AF comes before the permissions: a fetch from an XN page with AF=0 is an access flag fault. */
	s2_write(&e, at, leaf | S2_XN1);
	s2_walk(&e, 0x2000, ACCESS_EXEC, PRIV_USER, &res);
	expect_fault(&res, FAULT_ACCESSED_DIRTY, 1, 0x8200000b);
	s2_write(&e, at, leaf);
	e.ctl.ha = true;
	s2_walk(&e, 0x2000, ACCESS_READ, PRIV_USER, &res);
	cr_assert(res.ok);
	cr_expect(res.set_accessed);
	cr_expect_eq(s2_read(&e, at), leaf | S2_AF);
	s2_fini(&e);
}

/* D8 stage 2 access permissions, S2AP[1:0]: 00 none, 01 read-only, 10 write-only, 11 read/write. */
Test(s2_walk, s2ap_combinations)
{
	static const struct {
		uint64_t s2ap;
		bool read, write;
	} rows[] = {
		{ 0, false, false }, { S2AP_R, true, false }, { S2AP_W, false, true }, { S2AP_R | S2AP_W, true, true },
	};
	struct s2_env e;
	struct walk_result res;

	s2_init(&e, 4096, 3, 40, 48);
	for (size_t i = 0; i < 4; i++) {
		uint64_t leaf = PAGE_PA | S2_PAGE | S2_MEMATTR(0xf) | S2_AF | rows[i].s2ap;

		s2_map(&e, 0x3000, 3, leaf);
		for (unsigned p = 0; p < 2; p++) {
			enum privilege priv = p ? PRIV_SUPERVISOR : PRIV_USER;

			s2_walk(&e, 0x3008, ACCESS_READ, priv, &res);
			if (rows[i].read)
				cr_expect(res.ok, "S2AP %llx read", (unsigned long long)rows[i].s2ap >> 6);
			else
				expect_fault(&res, FAULT_PERMISSION, 1, 0x9200000f);
			s2_walk(&e, 0x3008, ACCESS_WRITE, priv, &res);
			if (rows[i].write)
				cr_expect(res.ok, "S2AP %llx write", (unsigned long long)rows[i].s2ap >> 6);
			else
				expect_fault(&res, FAULT_PERMISSION, 1, 0x9200004f);
			/* A fetch needs no read permission: XN alone decides. */
			s2_walk(&e, 0x3008, ACCESS_EXEC, priv, &res);
			cr_expect(res.ok, "S2AP %llx fetch", (unsigned long long)rows[i].s2ap >> 6);
		}
	}
	s2_map(&e, 0x3000, 3, PAGE_PA | S2_PAGE | S2_AF | S2AP_W);
	s2_walk(&e, 0x3008, ACCESS_READ, PRIV_USER, &res);
	cr_expect_eq(res.fault.reason, REASON_ARM_S2_NO_READ);
	s2_fini(&e);
}

/* XN[1:0] (bits 54:53): without FEAT_XNX only XN[1] counts; with it 01 = EL0 only, 11 = EL1 only. */
Test(s2_walk, xn_and_xnx)
{
	static const struct {
		bool xnx;
		uint64_t xn;
		bool el0, el1;
	} rows[] = {
		{ false, 0, true, true },           { false, S2_XN1, false, false },
		{ false, S2_XN0, true, true },      { false, S2_XN1 | S2_XN0, false, false },
		{ true, 0, true, true },            { true, S2_XN0, true, false },
		{ true, S2_XN1, false, false },     { true, S2_XN1 | S2_XN0, false, true },
	};
	struct s2_env e;
	struct walk_result res;

	s2_init(&e, 4096, 3, 40, 48);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		e.ctl.xnx = rows[i].xnx;
		s2_map(&e, 0x4000, 3, S2_RW_PAGE(PAGE_PA) | rows[i].xn);
		s2_walk(&e, 0x4000, ACCESS_EXEC, PRIV_USER, &res);
		if (rows[i].el0)
			cr_expect(res.ok, "row %zu EL0", i);
		else
			expect_fault(&res, FAULT_PERMISSION, 1, 0x8200000f);
		s2_walk(&e, 0x4000, ACCESS_EXEC, PRIV_SUPERVISOR, &res);
		if (rows[i].el1)
			cr_expect(res.ok, "row %zu EL1", i);
		else
			expect_fault(&res, FAULT_PERMISSION, 1, 0x8200000f);
		if (!res.ok)
			cr_expect_eq(res.fault.reason, REASON_ARM_S2_XN);
		/* XN never limits data accesses. */
		s2_walk(&e, 0x4000, ACCESS_WRITE, PRIV_USER, &res);
		cr_expect(res.ok, "row %zu write", i);
	}
	s2_fini(&e);
}

/* DBM=1 with VTCR_EL2.HD: S2AP[1]=0 is write-clean; a write sets S2AP[1] (dirty).  Without HD it faults. */
Test(s2_walk, dbm_with_and_without_hd)
{
	struct s2_env e;
	struct walk_result res;
	uint64_t clean = (S2_RW_PAGE(PAGE_PA) & ~S2AP_W) | S2_DBM, at;

	s2_init(&e, 4096, 3, 40, 48);
	at = s2_map(&e, 0x5000, 3, clean);
	s2_walk(&e, 0x5000, ACCESS_WRITE, PRIV_USER, &res);
	expect_fault(&res, FAULT_PERMISSION, 1, 0x9200004f);
	cr_expect_eq(res.fault.reason, REASON_ARM_S2_NO_WRITE);
	/* VTCR_EL2.HD takes effect only if VTCR_EL2.HA is also 1 (Arm ARM, VTCR_EL2.HD). */
	e.ctl.hd = true;
	e.ctl.ha = false;
	s2_walk(&e, 0x5000, ACCESS_WRITE, PRIV_USER, &res);
	expect_fault(&res, FAULT_PERMISSION, 1, 0x9200004f);
	cr_expect_eq(s2_read(&e, at), clean, "HD without HA leaves it clean");
	e.ctl.ha = true;
	s2_walk(&e, 0x5000, ACCESS_READ, PRIV_USER, &res);
	cr_assert(res.ok);
	cr_expect_eq(s2_read(&e, at), clean, "a read leaves it clean");
	s2_walk(&e, 0x5000, ACCESS_WRITE, PRIV_USER, &res);
	cr_assert(res.ok);
	cr_expect(res.set_dirty);
	cr_expect_eq(s2_read(&e, at), clean | S2AP_W);
	s2_fini(&e);
}

Test(s2_walk, table_read_outside_memory_is_external_abort)
{
	struct s2_env e;
	struct walk_result res;

	s2_init(&e, 4096, 3, 40, 48);
	s2_write(&e, s2_slot(&e, 0x6000, 1), 0x10000000ull | S2_TABLE);
	s2_walk(&e, 0x6000, ACCESS_READ, PRIV_USER, &res);
	expect_fault(&res, FAULT_BUS_ERROR, 2, 0x92000016);
	s2_fini(&e);
}

/* Stage-2 table descriptors have no hierarchical attributes: bits 63:59 change nothing. */
Test(s2_walk, table_bits_63_59_ignored)
{
	struct s2_env e;
	struct walk_result res;

	s2_init(&e, 4096, 3, 40, 48);
	s2_map(&e, 0x7000, 3, S2_RW_PAGE(PAGE_PA));
	s2_write(&e, s2_slot(&e, 0x7000, 2), s2_node(&e, 3) | S2_TABLE | (0x1full << 59));
	s2_walk(&e, 0x7000, ACCESS_WRITE, PRIV_USER, &res);
	cr_expect(res.ok);
	s2_walk(&e, 0x7000, ACCESS_EXEC, PRIV_USER, &res);
	cr_expect(res.ok);
	s2_fini(&e);
}

/* ---- words ---- */

Test(s2_words, describe_fault)
{
	struct s2_env e;
	struct walk_result res;
	char buf[160];

	s2_init(&e, 4096, 3, 40, 48);
	s2_walk(&e, 0x1000, ACCESS_WRITE, PRIV_USER, &res);
	pt_arch_aarch64_stage2.describe_fault(&res.fault, buf, sizeof(buf));
	cr_expect_str_eq(buf, "ESR_EL2 0x92000045 (data abort from a lower EL, WnR, translation fault level 1)");
	s2_map(&e, 0x1000, 3, S2_RW_PAGE(PAGE_PA) | S2_XN1);
	s2_walk(&e, 0x1000, ACCESS_EXEC, PRIV_SUPERVISOR, &res);
	pt_arch_aarch64_stage2.describe_fault(&res.fault, buf, sizeof(buf));
	cr_expect_str_eq(buf, "ESR_EL2 0x8200000f (instruction abort from a lower EL, permission fault level 3)");
	s2_fini(&e);
}

Test(s2_words, describe_pte)
{
	static const struct {
		uint64_t pte;
		unsigned level;
		const char *text;
	} rows[] = {
		{ 0x0, 1, "invalid" },
		{ 0x40800000ull | S2_TABLE, 2, "table next=0x40800000" },
		{ S2_RW_PAGE(PAGE_PA) | S2_DBM, 1,
		  "page MemAttr=0xf (Normal WB) S2AP=11 (RW) SH=3 AF DBM oa=0x50000000" },
		{ PAGE_PA | S2_PAGE | S2AP_R | S2_XN1, 1,
		  "page MemAttr=0x0 (Device-nGnRnE) S2AP=01 (RO) SH=0 XN[1:0]=10 (execute-never) oa=0x50000000" },
		{ 0x40000000ull | S2_BLOCK | S2_MEMATTR(0xd) | S2AP_W | S2_AF, 3,
		  "block MemAttr=0xd (Normal outer WB, inner NC) S2AP=10 (WO) SH=0 AF oa=0x40000000" },
		{ PAGE_PA | S2_BLOCK | S2_MEMATTR(0x5), 1,
		  "reserved (0b01 at level 3) MemAttr=0x5 (Normal NC) S2AP=00 (none) SH=0 oa=0x50000000" },
	};
	struct s2_env e;
	char buf[200];

	s2_init(&e, 4096, 3, 40, 48);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		pt_arch_aarch64_stage2.describe_pte(&e.pc, &e.ctl, rows[i].pte, rows[i].level, buf, sizeof(buf));
		cr_expect_str_eq(buf, rows[i].text, "row %zu", i);
	}
	e.ctl.xnx = true;
	pt_arch_aarch64_stage2.describe_pte(&e.pc, &e.ctl, S2_RW_PAGE(PAGE_PA) | S2_XN0, 1, buf, sizeof(buf));
	cr_expect_str_eq(buf, "page MemAttr=0xf (Normal WB) S2AP=11 (RW) SH=3 AF XN[1:0]=01 (EL0 only) oa=0x50000000");
	cr_expect_str_eq(pt_arch_aarch64_stage2.entry_name(&e.pc, 3), "stage-2 L1 descriptor");
	s2_fini(&e);
}

Test(s2_words, make_leaf_and_table)
{
	struct s2_env e;
	struct page_prop rw = { PROP_R | PROP_W | PROP_A, CACHE_WB }, rx_dev = { PROP_R | PROP_X, CACHE_UC };
	struct page_prop back;

	s2_init(&e, 4096, 3, 40, 48);
	/* rw: S2AP=01 with DBM (write-clean), XN, Normal WB inner shareable, AF. */
	cr_expect_eq(pt_arch_aarch64_stage2.make_leaf(&e.pc, PAGE_PA, &rw, 1),
		     PAGE_PA | S2_PAGE | S2_MEMATTR(0xf) | S2AP_R | S2_DBM | S2_XN1 | S2_SH_INNER | S2_AF);
	cr_expect_eq(pt_arch_aarch64_stage2.make_leaf(&e.pc, 0x40000000ull, &rx_dev, 3),
		     0x40000000ull | S2_BLOCK | S2AP_R);
	cr_expect_eq(pt_arch_aarch64_stage2.make_table(&e.pc, 0x40800000ull), 0x40800000ull | S2_TABLE);
	pt_arch_aarch64_stage2.leaf_prop(&e.pc, S2_RW_PAGE(PAGE_PA), 1, &back);
	cr_expect_eq(back.flags, PROP_R | PROP_W | PROP_D | PROP_X | PROP_U | PROP_A);
	cr_expect_eq(back.cache, CACHE_WB);
	s2_fini(&e);
}

/* ---- VTCR_EL2 and VTTBR_EL2 ---- */

/*
 * 4K, 40-bit IPA from level 1, PS 48, VS HA HD: T0SZ 24 (0x18), SL0 0b01
 * (0x40), IRGN0 0b01 (0x100), ORGN0 0b01 (0x400), SH0 0b11 (0x3000), TG0
 * 0b00, PS 0b101 (0x50000), VS (0x80000), HA (0x200000), HD (0x400000),
 * RES1 bit 31.
 */
#define VTCR_40 0x806d3558ull

Test(s2_regs, vtcr_encode_and_decode)
{
	struct s2_env e;
	struct paging_consts pc;
	struct cpu_ctl ctl = { 0 };
	struct mm_error err = { 0 };

	s2_init(&e, 4096, 3, 40, 48);
	e.ctl.ha = e.ctl.hd = true;
	cr_expect_eq(aarch64_vtcr_encode(&e.pc, &e.ctl), VTCR_40);
	/* 16K from level 2 (SL0 0b01, TG0 0b10), 36-bit IPA (T0SZ 28), PS 40 (0b010), 8-bit VMIDs. */
	pc = (struct paging_consts){ .base_page_size = 16384, .nr_levels = 2, .address_width = 36,
				     .phys_addr_width = 40 };
	cr_expect_eq(aarch64_vtcr_encode(&pc, &ctl), 0x8002b55cull);
	/* Back: a 44-bit IPA from level 0, PS 48, 8-bit VMIDs, no HA/HD. */
	pc = e.pc;
	ctl = (struct cpu_ctl){ .ha = true, .hd = true, .vmid16 = true };
	cr_assert_eq(aarch64_vtcr_decode(0x80053594ull, &pc, &ctl, &err), MM_OK, "%s", err.msg);
	cr_expect_eq(pc.address_width, 44);
	cr_expect_eq(pc.nr_levels, 4);
	cr_expect_eq(pc.phys_addr_width, 48);
	cr_expect(!ctl.ha && !ctl.hd && !ctl.vmid16);
	cr_assert_eq(aarch64_vtcr_decode(VTCR_40, &pc, &ctl, &err), MM_OK);
	cr_expect_eq(pc.address_width, 40);
	cr_expect_eq(pc.nr_levels, 3);
	cr_expect(ctl.ha && ctl.hd && ctl.vmid16);
	s2_fini(&e);
}

Test(s2_regs, vtcr_refusals)
{
	static const struct {
		uint64_t vtcr;
		const char *msg;
	} rows[] = {
		{ VTCR_40 | 3ull << 14, "VTCR_EL2 0x806df558: TG0 0b11 is reserved" },
		{ (VTCR_40 & ~(3ull << 14)) | 1ull << 14,
		  "VTCR_EL2 0x806d7558: TG0 selects 64K pages but the config has 4K (base_page_size): use a config with that granule" },
		{ VTCR_40 | 3ull << 6, "VTCR_EL2 0x806d35d8: SL0 0b11 is reserved with the 4K granule (level 3 is FEAT_TTST's)" },
		/* T0SZ 20: 44 bits from level 1 would need 32 tables. */
		{ (VTCR_40 & ~0x3full) | 20,
		  "VTCR_EL2 0x806d3554: T0SZ 20 (44-bit IPA) cannot start at level 1 (SL0 0b01): with the 4K granule "
		  "level 1 resolves 31 to 43 IPA bits (up to 16 concatenated tables)" },
		/* T0SZ 30: 34 bits from level 0 leaves it nothing to index. */
		{ (VTCR_40 & ~0xffull) | 0x80 | 30,
		  "VTCR_EL2 0x806d359e: T0SZ 30 (34-bit IPA) cannot start at level 0 (SL0 0b10): with the 4K granule "
		  "level 0 resolves 40 to 48 IPA bits" },
		{ VTCR_40 | 7ull << 16, "VTCR_EL2 0x806f3558: PS 0b111 is reserved" },
		{ (VTCR_40 & ~(7ull << 16)) | 6ull << 16,
		  "VTCR_EL2 0x806e3558: PS 6 is a 52-bit PA (FEAT_LPA); mmusim models at most 48" },
	};
	struct s2_env e;

	s2_init(&e, 4096, 3, 40, 48);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct paging_consts pc = e.pc;
		struct cpu_ctl ctl = e.ctl;
		struct mm_error err = { 0 };

		cr_expect_eq(aarch64_vtcr_decode(rows[i].vtcr, &pc, &ctl, &err), MM_EINVAL, "row %zu", i);
		cr_expect_str_eq(err.msg, rows[i].msg, "row %zu", i);
		cr_expect_eq(pc.address_width, 40, "unchanged");
	}
	s2_fini(&e);
}

Test(s2_regs, vttbr_vmid_and_alignment)
{
	struct s2_env e;
	uint64_t root = 0;
	uint16_t vmid = 0;
	struct mm_error err = { 0 };

	s2_init(&e, 4096, 3, 40, 48);
	cr_expect_eq(pt_arch_aarch64_stage2.encode_root_reg(&e.pc, S2_ROOT, 0x1234), 0x1234000040100000ull);
	cr_assert_eq(pt_arch_aarch64_stage2.decode_root_reg(&e.pc, 0x00ab000040102000ull, &root, &vmid, &err), MM_OK);
	cr_expect_eq(root, 0x40102000ull);
	cr_expect_eq(vmid, 0xab);
	/* Two concatenated tables: the root is 8 KiB, aligned to 8 KiB. */
	cr_expect_eq(pt_arch_aarch64_stage2.decode_root_reg(&e.pc, 0x40101000ull, &root, &vmid, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg,
			 "VTTBR_EL2 0x40101000: BADDR is not aligned to the 8192-byte root (1024 entries, concatenated tables)");
	cr_expect_eq(pt_arch_aarch64_stage2.asid_bits(&e.ctl), 16);
	e.ctl.vmid16 = false;
	cr_expect_eq(pt_arch_aarch64_stage2.asid_bits(&e.ctl), 8);
	s2_fini(&e);
	/* A 4-entry partial root: 64-byte alignment at least. */
	s2_init(&e, 4096, 3, 32, 40);
	cr_expect_eq(pt_arch_aarch64_stage2.decode_root_reg(&e.pc, 0x40100020ull, &root, &vmid, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "VTTBR_EL2 0x40100020: BADDR is not aligned to the 64-byte root (4 entries)");
	s2_fini(&e);
}

/* ---- the limits on T0SZ, SL0 and PS ---- */

static int consts(uint64_t granule, unsigned levels, unsigned ipa, unsigned pa, struct mm_error *err)
{
	struct paging_consts pc = { .base_page_size = granule, .nr_levels = levels, .pte_size = 8,
				    .address_width = ipa, .highest_translation_level = 1, .phys_addr_width = pa,
				    .partial_top = true, .concat_top_bits = 4 };

	if (paging_consts_derive(&pc, err))
		return MM_EINVAL;
	return pt_arch_check_consts(&pt_arch_aarch64_stage2, &pc, err);
}

Test(s2_limits, start_levels_and_sizes)
{
	static const struct {
		uint64_t granule;
		unsigned levels, ipa, pa;
		const char *msg; /* NULL: accepted */
	} rows[] = {
		{ 4096, 2, 25, 32, NULL },
		{ 4096, 2, 34, 36, NULL },
		{ 4096, 3, 31, 32, NULL },
		{ 4096, 3, 43, 44, NULL },
		{ 4096, 4, 40, 44, NULL },
		{ 4096, 4, 48, 48, NULL },
		{ 16384, 1, 25, 32, NULL },
		{ 16384, 2, 40, 40, NULL },
		{ 16384, 3, 48, 48, NULL },
		{ 65536, 1, 33, 36, NULL },
		{ 65536, 2, 46, 48, NULL },
		{ 65536, 3, 48, 48, NULL },
		{ 4096, 3, 44, 48, "address_width 44 needs other than 3 levels of 9 index bits above 12 offset bits (the top level resolves "
		  "1 to 13 bits: up to 16 concatenated tables)" },
		{ 4096, 4, 40, 40,
		  "aarch64_stage2: starting at level 0 (nr_levels 4, VTCR_EL2.SL0 0b10) with the 4K granule needs a PA "
		  "size of 44 bits or more (VTCR_EL2.PS), not 40" },
		{ 16384, 3, 40, 40,
		  "aarch64_stage2: starting at level 1 (nr_levels 3, VTCR_EL2.SL0 0b10) with the 16K granule needs a PA "
		  "size of 42 bits or more (VTCR_EL2.PS), not 40" },
		{ 65536, 3, 43, 42,
		  "aarch64_stage2: a 43-bit IPA (VTCR_EL2.T0SZ 21) is larger than the 42-bit PA size (VTCR_EL2.PS, "
		  "phys_addr_width 42), which the Arm ARM leaves CONSTRAINED UNPREDICTABLE" },
		{ 4096, 1, 21, 32,
		  "aarch64_stage2 IPAs have 25 to 48 bits (VTCR_EL2.T0SZ 16 to 39), not 21" },
		{ 4096, 1, 25, 32,
		  "aarch64_stage2 with the 4K granule starts at level 2, 1 or 0 (nr_levels 2 to 4, VTCR_EL2.SL0 0b00 to "
		  "0b10): level 3 (SL0 0b11) is FEAT_TTST's" },
		{ 16384, 4, 48, 48,
		  "aarch64_stage2 with the 16K granule starts at level 3, 2 or 1 (nr_levels 1 to 3, VTCR_EL2.SL0 0b00 to "
		  "0b10): level 0 needs FEAT_LPA2" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct mm_error err = { 0 };
		int rc = consts(rows[i].granule, rows[i].levels, rows[i].ipa, rows[i].pa, &err);

		if (!rows[i].msg) {
			cr_expect_eq(rc, MM_OK, "row %zu: %s", i, err.msg);
			continue;
		}
		cr_expect_eq(rc, MM_EINVAL, "row %zu", i);
		cr_expect_str_eq(err.msg, rows[i].msg, "row %zu", i);
	}
}
