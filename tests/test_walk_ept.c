/*
 * test_walk_ept: Intel EPT (arch `ept`) as a one-stage GPA -> HPA walk, and
 * its stage-2 report, against the SDM (vol. 3, 29.3 "The Extended Page Table
 * Mechanism", tables 29-1..29-6; 29.3.3 EPT misconfigurations and
 * violations; 29.3.5 A/D; table 28-7 the exit qualification; 25.6.11 EPTP).
 *
 * Every expectation is worked by hand from those tables:
 *   - entry bits: R 0, W 1, X 2, memory type 5:3 (leaves), ignore PAT 6,
 *     bit 7 maps a 1G/2M page in a PDPTE/PDE, A 8, D 9, address 51:12.
 *   - index of level L: GPA bits 12+9L-1 : 12+9(L-1) (PML4E 47:39, PML5E 56:48).
 *   - present: bits 2:0 not all 0.  Misconfiguration (code 0): 010b/110b,
 *     100b without execute-only support, reserved bits (51:MAXPHYADDR; 6:3
 *     of a pointer; bit 7 of PML5E/PML4E; 29:12 of a 1G leaf, 20:12 of a 2M
 *     leaf), leaf memory type 2, 3, 7.  Violation: not present, or the
 *     access's right clear in ANY entry; code = exit qualification bits 2:0
 *     (1 read, 2 write, 4 fetch) | the AND of bits 2:0 over the entries << 3.
 *
 * Memory: [0, 4 GiB); the node read at level L sits at L << 16 (root: the
 * node of level nr_levels), so entry addresses can be worked by hand.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "pt/cpu_ctl.h"
#include "pt/paging_consts.h"
#include "pt/pt_arch.h"
#include "pt/pt_mem.h"
#include "pt/walk.h"
#include "sim/physmem.h"

/* ---- EPT entry bits, from SDM tables 29-1..29-6 ---- */
#define E_R (1ull << 0)
#define E_W (1ull << 1)
#define E_X (1ull << 2)
#define E_RWX (E_R | E_W | E_X)
#define E_MT(t) ((uint64_t)(t) << 3)  /* memory type, bits 5:3 */
#define E_WB E_MT(6)
#define E_IPAT (1ull << 6)
#define E_PS (1ull << 7)              /* maps a page (PDPTE, PDE) */
#define E_A (1ull << 8)
#define E_D (1ull << 9)

/* Exit qualification (table 28-7). */
#define Q_READ 0x1ull
#define Q_WRITE 0x2ull
#define Q_FETCH 0x4ull
#define Q_R 0x8ull   /* GPA readable: AND of bit 0 */
#define Q_W 0x10ull  /* writable: AND of bit 1 */
#define Q_X 0x20ull  /* executable: AND of bit 2 */
#define Q_GLA 0x80ull
#define Q_FINAL 0x100ull

struct ept_env {
	struct paging_consts pc;
	struct physmem *pm;
	struct pt_mem mem;
	struct cpu_ctl ctl;
	struct walker w;
};

static uint64_t node(unsigned level)
{
	return (uint64_t)level << 16;
}

static unsigned idx(uint64_t gpa, unsigned level)
{
	return (unsigned)((gpa >> (12 + 9 * (level - 1))) & 0x1ff);
}

static uint64_t slot(uint64_t gpa, unsigned level)
{
	return node(level) + 8ull * idx(gpa, level);
}

/* 4- or 5-level EPT, MAXPHYADDR 46, pages up to 1 GiB (htl), A/D off, execute-only supported. */
static void env_init(struct ept_env *e, unsigned levels, unsigned htl)
{
	struct mm_error err = { 0 };

	memset(e, 0, sizeof(*e));
	e->pc = (struct paging_consts){
		.base_page_size = 4096, .nr_levels = levels, .pte_size = 8,
		.address_width = levels == 5 ? 57 : 48, .va_sign_ext = false,
		.highest_translation_level = htl, .phys_addr_width = 46,
	};
	cr_assert_eq(paging_consts_derive(&e->pc, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(pt_arch_check_consts(&pt_arch_ept, &e->pc, &err), MM_OK, "%s", err.msg);
	e->pm = physmem_create(0, 1ull << 32, 4096, &err);
	cr_assert_not_null(e->pm, "%s", err.msg);
	e->mem = physmem_pt_mem(e->pm);
	cpu_ctl_defaults(&e->ctl, pt_arch_ept.cpu_keys);
	e->w = (struct walker){ .arch = &pt_arch_ept, .pc = &e->pc, .ctl = &e->ctl, .mem = &e->mem };
}

static void env_fini(struct ept_env *e)
{
	physmem_destroy(e->pm);
}

static void put(struct ept_env *e, uint64_t pa, uint64_t v)
{
	cr_assert_eq(physmem_write(e->pm, pa, 8, v), MM_OK);
}

static uint64_t get(struct ept_env *e, uint64_t pa)
{
	uint64_t v = 0;

	cr_assert_eq(physmem_read(e->pm, pa, 8, &v), MM_OK);
	return v;
}

/*
 * Pointers from the root down to leaf_level + 1 with the rights (and extra
 * bits) ptr[L], then `leaf` at leaf_level.  ptr[L] = 0 means E_RWX.
 */
static void path(struct ept_env *e, uint64_t gpa, unsigned leaf_level, const uint64_t ptr[6], uint64_t leaf)
{
	for (unsigned l = e->pc.nr_levels; l > leaf_level; l--)
		put(e, slot(gpa, l), node(l - 1) | (ptr && ptr[l] ? ptr[l] : E_RWX));
	put(e, slot(gpa, leaf_level), leaf);
}

static void walk_gpa(struct ept_env *e, uint64_t gpa, enum access_kind a, struct walk_result *res)
{
	struct walk_request req = { .root = node(e->pc.nr_levels), .va = gpa, .access = a, .priv = PRIV_SUPERVISOR };

	memset(res, 0xa5, sizeof(*res));
	walk(&e->w, &req, res);
}

static void expect_fault(const struct walk_result *res, enum fault_kind kind, enum fault_reason reason,
			 unsigned level, uint64_t code)
{
	cr_assert(!res->ok, "should fault");
	cr_expect_eq(res->fault.kind, kind, "kind %d, expected %d", res->fault.kind, kind);
	cr_expect_eq(res->fault.reason, reason, "reason %d (%s), expected %d (%s)", res->fault.reason,
		     walk_reason_text(res->fault.reason), reason, walk_reason_text(reason));
	cr_expect_eq(res->fault.level, level, "level %u, expected %u", res->fault.level, level);
	cr_expect_eq(res->fault.code, code, "code 0x%llx, expected 0x%llx", (unsigned long long)res->fault.code,
		     (unsigned long long)code);
}

/* ---- geometry ---- */

Test(ept_walk, four_level_4k)
{
	struct ept_env e;
	struct walk_result res;
	/* GPA 0x0000_7f80_4020_3abc: PML4 index 0xff, PDPT 0x1, PD 0x1, PT 0x3. */
	uint64_t gpa = 0x00007f8040203abcull;

	env_init(&e, 4, 3);
	cr_assert_eq(idx(gpa, 4), 0xff);
	cr_assert_eq(idx(gpa, 3), 0x1);
	cr_assert_eq(idx(gpa, 2), 0x1);
	cr_assert_eq(idx(gpa, 1), 0x3);
	path(&e, gpa, 1, NULL, 0x12345000ull | E_RWX | E_WB);
	walk_gpa(&e, gpa, ACCESS_WRITE, &res);
	cr_assert(res.ok, "reason %d", res.fault.reason);
	cr_expect_eq(res.pa, 0x12345abcull);
	cr_expect_eq(res.page_size, 0x1000ull);
	cr_expect_eq(res.nr_steps, 4);
	cr_expect_eq(res.steps[0].pte_addr, 0x40000ull + 8 * 0xff);
	cr_expect_eq(res.steps[3].pte_addr, 0x10000ull + 8 * 3);
	env_fini(&e);
}

Test(ept_walk, five_level_indexes_bits_56_48)
{
	struct ept_env e;
	struct walk_result res;
	/* Bit 56 and bit 48 set: PML5 index 0x101; the rest of the GPA is 0x1000. */
	uint64_t gpa = (1ull << 56) | (1ull << 48) | 0x1010ull;

	env_init(&e, 5, 3);
	path(&e, gpa, 1, NULL, 0x7000ull | E_R | E_WB);
	walk_gpa(&e, gpa, ACCESS_READ, &res);
	cr_assert(res.ok, "reason %d", res.fault.reason);
	cr_expect_eq(res.nr_steps, 5);
	cr_expect_eq(res.steps[0].index, 0x101u);
	cr_expect_eq(res.steps[0].pte_addr, 0x50000ull + 8 * 0x101);
	cr_expect_eq(res.pa, 0x7010ull);
	env_fini(&e);
}

Test(ept_walk, large_leaves)
{
	struct ept_env e;
	struct walk_result res;

	env_init(&e, 4, 3);
	/* 2 MiB: PDE bit 7, address bits 51:21; GPA bits 20:0 pass through. */
	path(&e, 0x40123456ull, 2, NULL, 0x80200000ull | E_PS | E_RWX | E_WB);
	walk_gpa(&e, 0x40123456ull, ACCESS_EXEC, &res);
	cr_assert(res.ok, "reason %d", res.fault.reason);
	cr_expect_eq(res.pa, 0x80323456ull);
	cr_expect_eq(res.page_size, 2ull << 20);
	cr_expect_eq(res.level, 2);
	/* 1 GiB: PDPTE bit 7, address bits 51:30; GPA bits 29:0 pass through (GPA 0x8000000000 + ...). */
	path(&e, 0x8012345678ull, 3, NULL, 0x1c0000000ull | E_PS | E_R | E_WB);
	walk_gpa(&e, 0x8012345678ull, ACCESS_READ, &res);
	cr_assert(res.ok, "reason %d", res.fault.reason);
	cr_expect_eq(res.pa, 0x1d2345678ull);
	cr_expect_eq(res.page_size, 1ull << 30);
	env_fini(&e);
}

/* GPAs are zero-extended: bits at and above the width are refused before any entry is read. */
Test(ept_walk, gpa_above_width)
{
	struct ept_env e;
	struct walk_result res;

	env_init(&e, 4, 3);
	walk_gpa(&e, 1ull << 48, ACCESS_READ, &res);
	expect_fault(&res, FAULT_NON_CANONICAL, REASON_NON_CANONICAL, 4, 0);
	cr_expect_eq(res.nr_steps, 0);
	/* Bit 47 is an ordinary index bit (no sign extension): PML4E 256, not present. */
	walk_gpa(&e, 1ull << 47, ACCESS_READ, &res);
	expect_fault(&res, FAULT_NOT_PRESENT, REASON_EPT_NOT_PRESENT, 4, Q_READ);
	env_fini(&e);
	env_init(&e, 5, 3);
	walk_gpa(&e, 1ull << 57, ACCESS_READ, &res);
	expect_fault(&res, FAULT_NON_CANONICAL, REASON_NON_CANONICAL, 5, 0);
	env_fini(&e);
}

/* ---- misconfigurations (SDM 29.3.3.1): kind reserved-bit, code 0 ---- */

struct misconfig_case {
	const char *what;
	unsigned levels, htl;
	bool execute_only;
	unsigned at;          /* the level whose entry is bad */
	uint64_t bad;         /* the bad entry (pointer: its bits beyond the address; leaf: whole) */
	unsigned leaf_level;  /* where the (good or bad) leaf is */
	enum fault_reason reason;
};

#define GPA_M 0x40201000ull /* PML4 0, PDPT 1, PD 1, PT 1 */

static const struct misconfig_case misconfigs[] = {
	{ "PML4E W-only (010b)", 4, 3, true, 4, E_W, 1, REASON_EPT_WRITE_NO_READ },
	{ "PTE WX (110b)", 4, 3, true, 1, 0x5000ull | E_W | E_X | E_WB, 1, REASON_EPT_WRITE_NO_READ },
	{ "PDE X-only without execute-only support", 4, 3, false, 2, E_X, 1, REASON_EPT_EXEC_ONLY },
	{ "PTE X-only without execute-only support", 4, 3, false, 1, 0x5000ull | E_X | E_WB, 1, REASON_EPT_EXEC_ONLY },
	{ "PDPTE address bit 46 (MAXPHYADDR 46)", 4, 3, true, 3, E_RWX | (1ull << 46), 1, REASON_EPT_RSVD_PHYS_BITS },
	{ "PTE address bit 51", 4, 3, true, 1, 0x5000ull | (1ull << 51) | E_R | E_WB, 1, REASON_EPT_RSVD_PHYS_BITS },
	{ "PML4E bit 7", 4, 3, true, 4, E_RWX | E_PS, 1, REASON_EPT_RSVD_LEAF },
	{ "PML5E bit 7", 5, 3, true, 5, E_RWX | E_PS, 1, REASON_EPT_RSVD_LEAF },
	{ "PDPTE bit 7 without 1 GiB pages", 4, 2, true, 3, 0x40000000ull | E_RWX | E_PS | E_WB, 3,
	  REASON_EPT_RSVD_LEAF },
	{ "PML4E bits 5:3 (memory type 6)", 4, 3, true, 4, E_RWX | E_WB, 1, REASON_EPT_RSVD_TABLE_BITS },
	{ "PML5E bit 3", 5, 3, true, 5, E_RWX | E_MT(1), 1, REASON_EPT_RSVD_TABLE_BITS },
	{ "PDPTE pointer bit 6", 4, 3, true, 3, E_RWX | E_IPAT, 1, REASON_EPT_RSVD_TABLE_BITS },
	{ "PDE pointer memory type 2 (reserved bits, not a memory type)", 4, 3, true, 2, E_RWX | E_MT(2), 1,
	  REASON_EPT_RSVD_TABLE_BITS },
	{ "PTE memory type 2", 4, 3, true, 1, 0x5000ull | E_R | E_MT(2), 1, REASON_EPT_MEMORY_TYPE },
	{ "PTE memory type 3", 4, 3, true, 1, 0x5000ull | E_R | E_MT(3), 1, REASON_EPT_MEMORY_TYPE },
	{ "PTE memory type 7", 4, 3, true, 1, 0x5000ull | E_R | E_MT(7), 1, REASON_EPT_MEMORY_TYPE },
	{ "2M leaf memory type 7", 4, 3, true, 2, 0x200000ull | E_PS | E_R | E_MT(7), 2, REASON_EPT_MEMORY_TYPE },
	{ "2M leaf bit 20", 4, 3, true, 2, 0x300000ull | E_PS | E_R | E_WB, 2, REASON_EPT_RSVD_LARGE_LOW },
	{ "2M leaf bit 12", 4, 3, true, 2, 0x201000ull | E_PS | E_R | E_WB, 2, REASON_EPT_RSVD_LARGE_LOW },
	{ "1G leaf bit 29", 4, 3, true, 3, 0x60000000ull | E_PS | E_R | E_WB, 3, REASON_EPT_RSVD_LARGE_LOW },
	{ "1G leaf bit 12", 4, 3, true, 3, 0x40001000ull | E_PS | E_R | E_WB, 3, REASON_EPT_RSVD_LARGE_LOW },
};

Test(ept_walk, misconfigurations)
{
	for (size_t i = 0; i < sizeof(misconfigs) / sizeof(misconfigs[0]); i++) {
		const struct misconfig_case *c = &misconfigs[i];
		struct ept_env e;
		struct walk_result res;
		uint64_t ptr[6] = { 0 };
		uint64_t leaf = c->leaf_level == 1 ? 0x5000ull | E_RWX | E_WB
			      : 0x40000000ull | E_PS | E_RWX | E_WB;

		env_init(&e, c->levels, c->htl);
		e.ctl.ept_execute_only = c->execute_only;
		if (c->at > c->leaf_level)
			ptr[c->at] = c->bad;
		else
			leaf = c->bad;
		path(&e, GPA_M, c->leaf_level, ptr, leaf);
		for (enum access_kind a = ACCESS_READ; a <= ACCESS_EXEC; a++) {
			walk_gpa(&e, GPA_M, a, &res);
			cr_assert(!res.ok, "%s: should fault", c->what);
			cr_expect_eq(res.fault.kind, FAULT_RESERVED_BIT, "%s: kind %d", c->what, res.fault.kind);
			cr_expect_eq(res.fault.reason, c->reason, "%s: reason %d (%s)", c->what, res.fault.reason,
				     walk_reason_text(res.fault.reason));
			cr_expect_eq(res.fault.level, c->at, "%s: level %u", c->what, res.fault.level);
			cr_expect_eq(res.fault.code, 0, "%s: code 0x%llx", c->what, (unsigned long long)res.fault.code);
		}
		env_fini(&e);
	}
}

/* The same entries are fine where the SDM allows them. */
Test(ept_walk, allowed_encodings)
{
	struct ept_env e;
	struct walk_result res;
	uint64_t ptr[6] = { 0 };

	env_init(&e, 4, 3);
	/* Execute-only (default: supported): a fetch passes, a read is a violation, not a misconfiguration. */
	path(&e, GPA_M, 1, NULL, 0x5000ull | E_X | E_WB);
	walk_gpa(&e, GPA_M, ACCESS_EXEC, &res);
	cr_expect(res.ok, "fetch from X-only: reason %d", res.fault.reason);
	walk_gpa(&e, GPA_M, ACCESS_READ, &res);
	expect_fault(&res, FAULT_PERMISSION, REASON_EPT_NOT_READABLE, 1, Q_READ | Q_X);
	/* Memory types 0 1 4 5 6 and ignore-PAT in a leaf; bit 7 of a 4K PTE is ignored. */
	static const unsigned types[] = { 0, 1, 4, 5, 6 };
	for (size_t i = 0; i < 5; i++) {
		path(&e, GPA_M, 1, NULL, 0x5000ull | E_R | E_MT(types[i]) | E_IPAT | E_PS);
		walk_gpa(&e, GPA_M, ACCESS_READ, &res);
		cr_expect(res.ok, "memory type %u: reason %d", types[i], res.fault.reason);
	}
	/* 2 MiB leaf address bit 21 is an address bit; MAXPHYADDR-1 (bit 45) is allowed. */
	path(&e, GPA_M, 2, NULL, (1ull << 45) | 0x200000ull | E_PS | E_R | E_WB);
	walk_gpa(&e, GPA_M + 0x10, ACCESS_READ, &res);
	cr_assert(res.ok, "reason %d", res.fault.reason);
	cr_expect_eq(res.pa, (1ull << 45) | 0x201010ull);
	/* A pointer with bits 11:8 (A, D, ignored) set is fine. */
	ptr[3] = E_RWX | E_A | E_D | (1ull << 11);
	path(&e, GPA_M, 1, ptr, 0x5000ull | E_R | E_WB);
	walk_gpa(&e, GPA_M, ACCESS_READ, &res);
	cr_expect(res.ok, "reason %d", res.fault.reason);
	env_fini(&e);
}

/* A misconfiguration anywhere on the path wins over a right an upper entry takes away. */
Test(ept_walk, misconfiguration_before_violation)
{
	struct ept_env e;
	struct walk_result res;
	uint64_t ptr[6] = { 0, 0, 0, 0, E_R, 0 }; /* PML4E read-only */

	env_init(&e, 4, 3);
	path(&e, GPA_M, 1, ptr, 0x5000ull | E_RWX | E_MT(7));
	walk_gpa(&e, GPA_M, ACCESS_WRITE, &res);
	expect_fault(&res, FAULT_RESERVED_BIT, REASON_EPT_MEMORY_TYPE, 1, 0);
	/* With a good leaf the same write is a violation: W clear in the PML4E. */
	put(&e, slot(GPA_M, 1), 0x5000ull | E_RWX | E_WB);
	walk_gpa(&e, GPA_M, ACCESS_WRITE, &res);
	expect_fault(&res, FAULT_PERMISSION, REASON_EPT_NOT_WRITABLE, 1, Q_WRITE | Q_R);
	cr_expect_eq(walk_refusing_step(&res), 0, "the PML4E took W away");
	/* A not-present PDE under a misconfigured PDPTE: the PDPTE is read first. */
	put(&e, slot(GPA_M, 3), node(2) | E_RWX | E_MT(6));
	put(&e, slot(GPA_M, 2), 0);
	walk_gpa(&e, GPA_M, ACCESS_READ, &res);
	expect_fault(&res, FAULT_RESERVED_BIT, REASON_EPT_RSVD_TABLE_BITS, 3, 0);
	env_fini(&e);
}

/* ---- violations (SDM 29.3.3.2) with their qualification bits ---- */

Test(ept_walk, not_present_at_each_level)
{
	static const uint64_t access_bits[] = { [ACCESS_READ] = Q_READ, [ACCESS_WRITE] = Q_WRITE,
						[ACCESS_EXEC] = Q_FETCH };

	for (unsigned levels = 4; levels <= 5; levels++)
		for (unsigned at = levels; at >= 1; at--) {
			struct ept_env e;
			struct walk_result res;

			env_init(&e, levels, 3);
			path(&e, GPA_M, 1, NULL, 0x5000ull | E_RWX | E_WB);
			/* Bits 2:0 all 0; the other bits are ignored (no misconfiguration). */
			put(&e, slot(GPA_M, at), node(at - 1) | E_WB | E_PS | (1ull << 51));
			for (enum access_kind a = ACCESS_READ; a <= ACCESS_EXEC; a++) {
				walk_gpa(&e, GPA_M, a, &res);
				expect_fault(&res, FAULT_NOT_PRESENT, REASON_EPT_NOT_PRESENT, at, access_bits[a]);
				cr_expect_eq(res.nr_steps, levels - at + 1);
			}
			env_fini(&e);
		}
}

/* Rights AND over the levels; bits 5:3 report the AND, bits 2:0 the access. */
Test(ept_walk, rights_and_over_levels)
{
	static const struct {
		uint64_t pml4e, pdpte, pde, pte;
		enum access_kind a;
		bool ok;
		enum fault_reason reason;
		uint64_t code;
		int refusing;  /* step that took the right away */
	} cases[] = {
		{ E_RWX, E_RWX, E_RWX, E_R, ACCESS_READ, true, REASON_NONE, 0, -1 },
		{ E_RWX, E_RWX, E_RWX, E_R, ACCESS_WRITE, false, REASON_EPT_NOT_WRITABLE, Q_WRITE | Q_R, 3 },
		{ E_RWX, E_RWX, E_RWX, E_R, ACCESS_EXEC, false, REASON_EPT_NOT_EXECUTABLE, Q_FETCH | Q_R, 3 },
		{ E_R | E_X, E_RWX, E_RWX, E_RWX, ACCESS_WRITE, false, REASON_EPT_NOT_WRITABLE, Q_WRITE | Q_R | Q_X, 0 },
		{ E_RWX, E_R | E_W, E_RWX, E_RWX, ACCESS_EXEC, false, REASON_EPT_NOT_EXECUTABLE, Q_FETCH | Q_R | Q_W, 1 },
		{ E_RWX, E_R | E_W, E_R | E_X, E_RWX, ACCESS_READ, true, REASON_NONE, 0, -1 },
		{ E_RWX, E_RWX, E_X, E_RWX, ACCESS_READ, false, REASON_EPT_NOT_READABLE, Q_READ | Q_X, 2 },
		{ E_X, E_R | E_W, E_RWX, E_RWX, ACCESS_EXEC, false, REASON_EPT_NOT_EXECUTABLE, Q_FETCH, 1 },
		{ E_RWX, E_RWX, E_RWX, E_RWX, ACCESS_WRITE, true, REASON_NONE, 0, -1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ept_env e;
		struct walk_result res;
		uint64_t ptr[6] = { 0, 0, cases[i].pde, cases[i].pdpte, cases[i].pml4e, 0 };

		env_init(&e, 4, 3);
		path(&e, GPA_M, 1, ptr, 0x5000ull | cases[i].pte | E_WB);
		walk_gpa(&e, GPA_M, cases[i].a, &res);
		cr_expect_eq(res.ok, cases[i].ok, "case %zu: ok %d", i, res.ok);
		if (!cases[i].ok) {
			expect_fault(&res, FAULT_PERMISSION, cases[i].reason, 1, cases[i].code);
			cr_expect_eq(walk_refusing_step(&res), cases[i].refusing, "case %zu: refusing step %d", i,
				     walk_refusing_step(&res));
		}
		env_fini(&e);
	}
}

/* A TLB hit is checked with the same rule and the same code. */
Test(ept_walk, check_access_matches_walk)
{
	struct walk_request req = { .access = ACCESS_WRITE };
	struct walk_fault f;
	struct cpu_ctl ctl = { 0 };

	cr_expect(!pt_arch_ept.check_access(&ctl, &req, PERM_R | PERM_X | PERM_U, 0, 1, &f));
	cr_expect_eq(f.code, Q_WRITE | Q_R | Q_X);
	cr_expect_eq(f.reason, REASON_EPT_NOT_WRITABLE);
	req.access = ACCESS_READ;
	cr_expect(pt_arch_ept.check_access(&ctl, &req, PERM_R, 0, 1, &f));
}

/* ---- A/D (SDM 29.3.5, EPTP bit 6) ---- */

Test(ept_walk, ad_off_leaves_entries_alone)
{
	struct ept_env e;
	struct walk_result res;

	env_init(&e, 4, 3);
	cr_assert(!e.ctl.ept_ad, "ept_ad is off by default");
	path(&e, GPA_M, 1, NULL, 0x5000ull | E_RWX | E_WB);
	walk_gpa(&e, GPA_M, ACCESS_WRITE, &res);
	cr_assert(res.ok);
	for (unsigned l = 4; l >= 1; l--)
		cr_expect_eq(get(&e, slot(GPA_M, l)) & (E_A | E_D), 0, "level %u", l);
	env_fini(&e);
}

Test(ept_walk, ad_on_sets_a_everywhere_d_on_leaf)
{
	struct ept_env e;
	struct walk_result res;

	env_init(&e, 4, 3);
	e.ctl.ept_ad = true;
	path(&e, GPA_M, 1, NULL, 0x5000ull | E_RWX | E_WB);
	walk_gpa(&e, GPA_M, ACCESS_READ, &res);
	cr_assert(res.ok);
	for (unsigned l = 4; l >= 1; l--)
		cr_expect_eq(get(&e, slot(GPA_M, l)) & (E_A | E_D), E_A, "read: level %u", l);
	cr_expect(res.set_accessed);
	cr_expect(!res.set_dirty);
	walk_gpa(&e, GPA_M, ACCESS_WRITE, &res);
	cr_assert(res.ok);
	cr_expect(res.set_dirty);
	cr_expect_eq(get(&e, slot(GPA_M, 1)) & (E_A | E_D), E_A | E_D);
	/* D is for the leaf only: the pointers keep A alone. */
	for (unsigned l = 4; l >= 2; l--)
		cr_expect_eq(get(&e, slot(GPA_M, l)) & (E_A | E_D), E_A, "write: level %u", l);
	/* A 2 MiB leaf gets D too. */
	path(&e, 0x40000000ull, 2, NULL, 0x600000ull | E_PS | E_RWX | E_WB);
	walk_gpa(&e, 0x40000000ull, ACCESS_WRITE, &res);
	cr_assert(res.ok);
	cr_expect_eq(get(&e, slot(0x40000000ull, 2)) & (E_A | E_D), E_A | E_D);
	env_fini(&e);
}

Test(ept_walk, ad_on_violation_sets_no_leaf_flags)
{
	struct ept_env e;
	struct walk_result res;

	env_init(&e, 4, 3);
	e.ctl.ept_ad = true;
	path(&e, GPA_M, 1, NULL, 0x5000ull | E_R | E_WB);
	walk_gpa(&e, GPA_M, ACCESS_WRITE, &res);
	cr_assert(!res.ok);
	cr_expect_eq(get(&e, slot(GPA_M, 1)) & (E_A | E_D), 0, "the refused leaf");
	cr_expect_eq(get(&e, slot(GPA_M, 2)) & E_A, E_A, "a pointer used");
	/* Inspection walks change nothing. */
	path(&e, 0x80000000ull, 1, NULL, 0x6000ull | E_R | E_WB);
	walk(&e.w, &(struct walk_request){ .root = node(4), .va = 0x80000000ull, .access = ACCESS_READ,
					   .no_ad_update = true }, &res);
	cr_assert(res.ok);
	cr_expect_eq(get(&e, slot(0x80000000ull, 1)) & E_A, 0);
	cr_expect_eq(get(&e, slot(0x80000000ull, 3)) & E_A, 0);
	env_fini(&e);
}

/* ---- OS side: encodings and their properties ---- */

Test(ept_pte, make_leaf_and_back)
{
	struct ept_env e;
	struct page_prop p = { PROP_R | PROP_W | PROP_A | PROP_G, CACHE_UC }, back;
	struct mm_error err = { 0 };

	env_init(&e, 4, 3);
	cr_assert_eq(pt_arch_fit_prop(&pt_arch_ept, &p, &e.ctl, &err), MM_OK, "%s", err.msg);
	cr_expect_eq(p.flags, PROP_R | PROP_W | PROP_A | PROP_U, "U added (no U/S in EPT), G dropped");
	/* R W, memory type 0 (UC), A; 2 MiB: bit 7 and the address. */
	cr_expect_eq(pt_arch_ept.make_leaf(&e.pc, 0x40200000ull, &p, 2), 0x40200000ull | E_R | E_W | E_A | E_PS);
	p.cache = CACHE_WB;
	cr_expect_eq(pt_arch_ept.make_leaf(&e.pc, 0x5000ull, &p, 1), 0x5000ull | E_R | E_W | E_A | E_WB);
	pt_arch_ept.leaf_prop(&e.pc, 0x5000ull | E_R | E_X | E_MT(4) | E_D, 1, &back);
	cr_expect_eq(back.flags, PROP_R | PROP_X | PROP_D | PROP_U);
	cr_expect_eq(back.cache, CACHE_WT);
	cr_expect_eq(pt_arch_ept.make_table(&e.pc, 0x3000), 0x3000ull | E_RWX);
	env_fini(&e);
}

Test(ept_pte, check_prop_messages)
{
	struct cpu_ctl ctl;
	struct mm_error err = { 0 };
	struct page_prop w_only = { PROP_W, CACHE_WB }, none = { PROP_U, CACHE_WB }, x_only = { PROP_X, CACHE_WB };

	cpu_ctl_defaults(&ctl, pt_arch_ept.cpu_keys);
	cr_expect_eq(pt_arch_fit_prop(&pt_arch_ept, &w_only, &ctl, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "EPT W without R is a misconfiguration: add r");
	cr_expect_eq(pt_arch_fit_prop(&pt_arch_ept, &none, &ctl, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "an EPT leaf needs r or x (R=W=X=0 is not present)");
	cr_expect_eq(pt_arch_fit_prop(&pt_arch_ept, &x_only, &ctl, &err), MM_OK);
	ctl.ept_execute_only = false;
	cr_expect_eq(pt_arch_fit_prop(&pt_arch_ept, &x_only, &ctl, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "execute-only EPT pages need a CPU that supports them (cpu: execute_only: true)");
}

Test(ept_pte, cpu_key_defaults)
{
	struct cpu_ctl ctl;

	memset(&ctl, 0xff, sizeof(ctl));
	cpu_ctl_defaults(&ctl, pt_arch_ept.cpu_keys);
	cr_expect(!ctl.ept_ad);
	cr_expect(ctl.ept_execute_only);
	cr_expect(pt_arch_ept.stage2_table_reads_write(&ctl) == false);
	ctl.ept_ad = true;
	cr_expect(pt_arch_ept.stage2_table_reads_write(&ctl) == true, "EPT A/D: guest table reads are writes");
}

/* EPTP (SDM 25.6.11): type 6 (WB) in 2:0, walk length - 1 in 5:3, the table in 51:12. */
Test(ept_pte, eptp_encode_decode)
{
	struct ept_env e4, e5;
	struct mm_error err = { 0 };
	uint64_t root = 1;
	uint16_t asid = 1;

	env_init(&e4, 4, 3);
	env_init(&e5, 5, 3);
	cr_expect_eq(pt_arch_ept.encode_root_reg(&e4.pc, 0x12345000ull, 7), 0x1234501eull);
	cr_expect_eq(pt_arch_ept.encode_root_reg(&e5.pc, 0x12345000ull, 0), 0x12345026ull);
	cr_assert_eq(pt_arch_ept.decode_root_reg(&e4.pc, 0x1234505eull, &root, &asid, &err), MM_OK, "%s", err.msg);
	cr_expect_eq(root, 0x12345000ull, "bit 6 (A/D) is no address bit");
	cr_expect_eq(asid, 0);
	cr_expect_eq(pt_arch_ept.decode_root_reg(&e4.pc, 0x12345018ull, &root, &asid, &err), MM_OK, "type 0 UC");
	cr_expect_eq(pt_arch_ept.decode_root_reg(&e4.pc, 0x1234501aull, &root, &asid, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "EPTP 0x1234501a: memory type 2 (bits 2:0) is reserved (0 UC or 6 WB)");
	cr_expect_eq(pt_arch_ept.decode_root_reg(&e4.pc, 0x12345026ull, &root, &asid, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "EPTP 0x12345026: page-walk length 5 (bits 5:3 = 4) does not match the config's "
				  "4-level EPT (bits 5:3 = 3)");
	cr_expect_eq(pt_arch_ept.decode_root_reg(&e5.pc, 0x1234501eull, &root, &asid, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "EPTP 0x1234501e: page-walk length 4 (bits 5:3 = 3) does not match the config's "
				  "5-level EPT (bits 5:3 = 4)");
	cr_expect_eq(pt_arch_ept.decode_root_reg(&e4.pc, 0x1234511eull, &root, &asid, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "EPTP 0x1234511e sets reserved bits 0x100 (11:8, or at or above MAXPHYADDR 46)");
	cr_expect_eq(pt_arch_ept.decode_root_reg(&e4.pc, (1ull << 46) | 0x101eull, &root, &asid, &err), MM_EINVAL);
	env_fini(&e4);
	env_fini(&e5);
}

Test(ept_pte, names_and_descriptions)
{
	struct ept_env e;
	char buf[160];
	struct walk_fault v = { FAULT_PERMISSION, REASON_EPT_NOT_WRITABLE, 1, Q_WRITE | Q_R | Q_X };
	struct walk_fault m = { FAULT_RESERVED_BIT, REASON_EPT_MEMORY_TYPE, 1, 0 };

	env_init(&e, 5, 3);
	cr_expect_str_eq(pt_arch_ept.entry_name(&e.pc, 5), "EPT PML5E");
	cr_expect_str_eq(pt_arch_ept.entry_name(&e.pc, 4), "EPT PML4E");
	cr_expect_str_eq(pt_arch_ept.entry_name(&e.pc, 3), "EPT PDPTE");
	cr_expect_str_eq(pt_arch_ept.entry_name(&e.pc, 2), "EPT PDE");
	cr_expect_str_eq(pt_arch_ept.entry_name(&e.pc, 1), "EPT PTE");
	pt_arch_ept.describe_pte(&e.pc, &e.ctl, 0x200000ull | E_PS | E_R | E_X | E_WB | E_IPAT | E_A | E_D, 2, buf,
				 sizeof(buf));
	cr_expect_str_eq(buf, "R-X MT=WB IPAT PS A D addr=0x200000");
	pt_arch_ept.describe_pte(&e.pc, &e.ctl, 0x3000ull | E_RWX | E_MT(2), 3, buf, sizeof(buf));
	cr_expect_str_eq(buf, "RWX RSVD6:3=0x2 addr=0x3000");
	pt_arch_ept.describe_pte(&e.pc, &e.ctl, 0x3000ull | E_WB, 1, buf, sizeof(buf));
	cr_expect_str_eq(buf, "not-present");
	pt_arch_ept.describe_fault(&v, buf, sizeof(buf));
	cr_expect_str_eq(buf, "EPT violation (exit reason 48), exit qualification 0x2a (write; GPA readable, "
			      "not writable, executable)");
	pt_arch_ept.describe_fault(&m, buf, sizeof(buf));
	cr_expect_str_eq(buf, "EPT misconfiguration (exit reason 49)");
	env_fini(&e);
}

/* ---- stage2_report: the VM exit the VMM sees, from faults of real walks ---- */

static void report(const struct walk_result *res, const struct stage2_context *ctx, struct stage2_report *out,
		   char *text, size_t len)
{
	cr_assert(!res->ok, "the walk should fault");
	memset(out, 0xa5, sizeof(*out));
	pt_arch_ept.stage2_report(&res->fault, ctx, out, text, len);
}

Test(ept_report, final_gpa_not_present)
{
	struct ept_env e;
	struct walk_result res;
	struct stage2_report out;
	char text[320];
	struct stage2_context ctx = { .gpa = 0x5000, .gva = 0x7fff0000, .access = ACCESS_READ };

	env_init(&e, 4, 3);
	walk_gpa(&e, 0x5000, ACCESS_READ, &res);
	report(&res, &ctx, &out, text, sizeof(text));
	/* Read (bit 0), not present (5:3 = 0), GLA valid (bit 7), final GPA (bit 8). */
	cr_expect_eq(out.code, 0x181ull);
	cr_expect_eq(out.addr, 0x5000ull);
	cr_expect_eq(out.extra, 0x7fff0000ull);
	cr_expect_str_eq(out.code_name, "exit_qual");
	cr_expect_str_eq(out.addr_name, "guest_phys");
	cr_expect_str_eq(out.extra_name, "guest_linear");
	cr_expect_str_eq(text, "EPT violation (exit reason 48), exit qualification 0x181 (read; GPA not readable, "
			       "not writable, not executable; guest-linear valid; final GPA), guest-physical 0x5000, "
			       "guest-linear 0x7fff0000");
	env_fini(&e);
}

Test(ept_report, final_gpa_write_to_read_only)
{
	struct ept_env e;
	struct walk_result res;
	struct stage2_report out;
	char text[320];
	struct stage2_context ctx = { .gpa = GPA_M | 0x18, .gva = 0x400018, .access = ACCESS_WRITE };

	env_init(&e, 4, 3);
	path(&e, GPA_M, 1, NULL, 0x5000ull | E_R | E_X | E_WB);
	walk_gpa(&e, GPA_M | 0x18, ACCESS_WRITE, &res);
	report(&res, &ctx, &out, text, sizeof(text));
	/* Write (bit 1), readable and executable (3, 5), bits 7 and 8: 0x1aa. */
	cr_expect_eq(out.code, 0x1aaull);
	cr_expect_eq(out.addr, GPA_M | 0x18);
	env_fini(&e);
}

/* A guest page-table read checked by EPT with A/D off is a read: bit 0, bit 8 clear. */
Test(ept_report, guest_table_read_ad_off)
{
	struct ept_env e;
	struct walk_result res;
	struct stage2_report out;
	char text[320];
	struct stage2_context ctx = { .gpa = GPA_M | 0x8, .gva = 0x1234, .access = ACCESS_EXEC, .table = true };

	env_init(&e, 4, 3);
	path(&e, GPA_M, 1, NULL, 0x5000ull | E_X | E_WB);
	walk_gpa(&e, GPA_M | 0x8, pt_arch_ept.stage2_table_reads_write(&e.ctl) ? ACCESS_WRITE : ACCESS_READ, &res);
	report(&res, &ctx, &out, text, sizeof(text));
	/* Read (0x1), GPA executable only (0x20), GLA valid (0x80), not the final GPA. */
	cr_expect_eq(out.code, 0xa1ull);
	cr_expect_str_eq(text, "EPT violation (exit reason 48), exit qualification 0xa1 (read; GPA not readable, "
			       "not writable, executable; guest-linear valid; guest paging-structure entry), "
			       "guest-physical 0x40201008, guest-linear 0x1234");
	env_fini(&e);
}

/* With EPT A/D on, the guest's table read is checked as a write and reports bits 0 and 1 (table 28-7). */
Test(ept_report, guest_table_read_ad_on_is_a_write)
{
	struct ept_env e;
	struct walk_result res;
	struct stage2_report out;
	char text[320];
	struct stage2_context ctx = { .gpa = GPA_M, .gva = 0x1234, .access = ACCESS_READ, .table = true };

	env_init(&e, 4, 3);
	e.ctl.ept_ad = true;
	path(&e, GPA_M, 1, NULL, 0x5000ull | E_R | E_WB);
	cr_assert(pt_arch_ept.stage2_table_reads_write(&e.ctl));
	walk_gpa(&e, GPA_M, ACCESS_WRITE, &res);
	expect_fault(&res, FAULT_PERMISSION, REASON_EPT_NOT_WRITABLE, 1, Q_WRITE | Q_R);
	report(&res, &ctx, &out, text, sizeof(text));
	cr_expect_eq(out.code, 0x8bull, "read + write, readable, GLA valid: 0x%llx", (unsigned long long)out.code);
	/* The guest's own A/D write is a write only. */
	ctx.table_write = true;
	report(&res, &ctx, &out, text, sizeof(text));
	cr_expect_eq(out.code, 0x8aull);
	cr_expect(strstr(text, "guest paging-structure entry, A/D write)"), "%s", text);
	env_fini(&e);
}

Test(ept_report, misconfiguration_has_no_qualification)
{
	struct ept_env e;
	struct walk_result res;
	struct stage2_report out;
	char text[320];
	struct stage2_context ctx = { .gpa = GPA_M, .gva = 0x1234, .access = ACCESS_READ };

	env_init(&e, 4, 3);
	path(&e, GPA_M, 1, NULL, 0x5000ull | E_W | E_WB);
	walk_gpa(&e, GPA_M, ACCESS_READ, &res);
	report(&res, &ctx, &out, text, sizeof(text));
	cr_expect_eq(out.code, 0);
	cr_expect_eq(out.addr, GPA_M);
	cr_expect_eq(out.extra, 0);
	cr_expect_str_eq(text, "EPT misconfiguration (exit reason 49), guest-physical 0x40201000 (no exit "
			       "qualification, no guest-linear address)");
	env_fini(&e);
}

Test(ept_report, no_exit_cases)
{
	struct ept_env e;
	struct walk_result res;
	struct stage2_report out;
	char text[320];
	struct stage2_context ctx = { .gpa = 1ull << 48, .gva = 0x1234, .access = ACCESS_READ };

	env_init(&e, 4, 3);
	walk_gpa(&e, 1ull << 48, ACCESS_READ, &res);
	report(&res, &ctx, &out, text, sizeof(text));
	cr_expect_eq(out.code, 0);
	cr_expect_str_eq(text, "no EPT exit: guest-physical 0x1000000000000 is wider than the EPT translates (the "
			       "guest's own paging refuses such an address)");
	/* A PML4E pointing outside the 4 GiB of memory: the PDPTE read fails. */
	put(&e, slot(0x1000, 4), 0x200000000000ull | E_RWX);
	walk_gpa(&e, 0x1000, ACCESS_READ, &res);
	ctx.gpa = 0x1000;
	report(&res, &ctx, &out, text, sizeof(text));
	cr_expect_eq(res.fault.kind, FAULT_BUS_ERROR);
	cr_expect_eq(out.code, 0);
	cr_expect_str_eq(text, "no EPT exit: an EPT entry for guest-physical 0x1000 lies outside host memory (a "
			       "machine check on hardware)");
	env_fini(&e);
}
