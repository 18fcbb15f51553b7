/*
 * test_walk_aarch64: the VMSAv8-64 stage 1 walk (EL1&0 regime), as a second
 * opinion on pt/arch_aarch64.c.
 *
 * Every expected value is worked out by hand from the Arm ARM (DDI 0487),
 * chapter D8 "The AArch64 Virtual Memory System Architecture", and the
 * ESR_EL1 register description, never from mmusim's output.  Each table of
 * cases cites the rule it checks.  Recap:
 *
 *   - D8.2 Translation process: bit 55 picks TTBR0 (0) or TTBR1 (1); a VA
 *     whose bits 63:va_bits (55:va_bits with TBIn) are not all equal to
 *     bit 55, or whose half has TCR_EL1.EPDn = 1, takes a Translation fault
 *     at level 0 without a walk.  Each level resolves granule_shift - 3 VA
 *     bits; the initial level may resolve fewer (4K/42: 8 entries, 16K/48: 2,
 *     64K/48: 64, 64K/52: 1024).
 *   - D8.3 Descriptors: bit 0 = 0 is a Translation fault at that level;
 *     0b01 is a block only at levels 1-2 (4K) or 2 (16K, 64K without
 *     FEAT_LPA2), and never at level 3: elsewhere it is a Translation fault at
 *     that level.  Output/next-table address bits at or above the PA size give
 *     an Address size fault at the level of the descriptor that holds them.
 *   - D8.4 Memory access control: AP[2:1], UXN, PXN, WXN, PAN/EPAN, and the
 *     hierarchical APTable/UXNTable/PXNTable (ignored when TCR_EL1.HPDn = 1).
 *   - D8.5 Hardware updates: AF = 0 gives an Access flag fault at the leaf
 *     level unless TCR_EL1.HA = 1 (then the walk sets AF); with HD = 1 a
 *     write to a DBM = 1, AP[2] = 1 descriptor clears AP[2] instead of
 *     faulting.
 *   - Fault priority (D8 "MMU fault prioritization", and the order of the
 *     AArch64.S1Walk / S1Translate pseudocode): Translation, Address size,
 *     Access flag, Permission.
 *   - ESR_EL1: EC 0x20 / 0x21 Instruction Abort from EL0 / EL1, 0x24 / 0x25
 *     Data Abort from EL0 / EL1; IL (bit 25) = 1; WnR (bit 6) = 1 for data
 *     writes only (RES0 for Instruction Aborts); xFSC [5:0]: 0b0000ll Address
 *     size, 0b0001ll Translation, 0b0010ll Access flag, 0b0011ll Permission,
 *     0b0101ll synchronous External abort on a walk; ll = level.
 *     So 0x92000000 = EL0 data, 0x96000000 = EL1 data, 0x82000000 = EL0
 *     fetch, 0x86000000 = EL1 fetch, | 0x40 for a write, | the xFSC.
 *
 * Levels in the tables are Arm's (0..3); mmusim's level is 4 - Arm level.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <criterion/criterion.h>

#include "arm_fixture.h"

/* The VA of most cases: in range for every VA size of the suite. */
#define VA_LO 0x0000001234567abcull
/* Its TTBR1 twin: bits 63:39 all ones (in range for 39..52 bits). */
#define VA_HI 0xffffff8012345abcull

/* Output addresses, aligned for what they map (D8.3: OA[47:n]). */
#define OA_PAGE 0x987650000ull   /* 64 KiB aligned: a page of every granule */
#define OA_2M 0x123400000ull
#define OA_32M 0x126000000ull
#define OA_512M 0x120000000ull
#define OA_1G 0x140000000ull

#define PAGE (OA_PAGE | D_AF | D_PAGE)

/*
 * MAIR_EL1 with every attribute Normal Write-Back (0xff): instruction
 * fetches from Device memory are CONSTRAINED UNPREDICTABLE (D8 "Memory
 * types"), so no case leaves AttrIndx naming a Device attribute.
 */
#define MAIR_ALL_NORMAL 0xffffffffffffffffull

/* "Do not check": the spec fixes the ESR, not mmusim's kind/reason naming. */
#define KIND_ANY FAULT_KIND_COUNT
#define REASON_ANY REASON_COUNT

struct arm_case {
	const char *name;
	enum arm_geom geom;
	bool split;                /* TTBR1's half has the VA size of `upper` (T1SZ != T0SZ) */
	enum arm_geom upper;
	unsigned pa_bits;          /* 0: 48 */
	struct cpu_ctl ctl;
	uint64_t va;
	unsigned leaf_level;       /* Arm level the leaf descriptor is written at */
	uint64_t leaf;
	uint64_t tbl[4];           /* added to the table descriptor at each Arm level */
	enum access_kind access;
	enum privilege priv;
	/* expected, from the spec */
	bool ok;
	uint64_t pa;
	uint64_t size;
	unsigned level;            /* Arm level of the leaf, or of the fault */
	enum fault_kind kind;
	enum fault_reason reason;
	uint64_t esr;
	uint64_t leaf_after;       /* the leaf in memory after the walk; 0: unchanged */
};

static void run_case(const struct arm_case *c)
{
	struct armfx fx;
	struct walk_result res;
	const char *n = c->name;

	armfx_setup(&fx, c->geom, c->pa_bits);
	if (c->split)
		armfx_split(&fx, c->upper);
	fx.ctl = c->ctl;
	if (!fx.ctl.mair)
		fx.ctl.mair = MAIR_ALL_NORMAL;
	uint64_t slot = armfx_map(&fx, c->va, c->leaf_level, c->leaf, c->tbl);
	armfx_walk(&fx, c->va, c->access, c->priv, &res);

	cr_expect_eq(res.ok, c->ok, "%s [%s]: ok=%d, want %d (kind %d reason %d level %u code %#llx)",
		     n, fx.g->name, res.ok, c->ok, res.fault.kind, res.fault.reason, res.fault.level,
		     (unsigned long long)res.fault.code);
	if (res.ok && c->ok) {
		cr_expect_eq(res.pa, c->pa, "%s [%s]: pa %#llx, want %#llx", n, fx.g->name,
			     (unsigned long long)res.pa, (unsigned long long)c->pa);
		cr_expect_eq(res.page_size, c->size, "%s [%s]: page_size %#llx, want %#llx", n,
			     fx.g->name, (unsigned long long)res.page_size,
			     (unsigned long long)c->size);
		cr_expect_eq(res.level, 4 - c->level, "%s [%s]: level %u, want %u (Arm level %u)", n,
			     fx.g->name, res.level, 4 - c->level, c->level);
	}
	if (!res.ok && !c->ok) {
		cr_expect_eq(res.fault.code, c->esr, "%s [%s]: ESR %#llx, want %#llx", n, fx.g->name,
			     (unsigned long long)res.fault.code, (unsigned long long)c->esr);
		/* Arm level 0 of a format whose walk starts lower has no mmusim level: ESR only. */
		if (4 - c->level <= 4 - armfx_geom(&fx, armfx_half(c->va))->start_level)
			cr_expect_eq(res.fault.level, 4 - c->level,
				     "%s [%s]: fault.level %u, want %u (Arm level %u)", n, fx.g->name,
				     res.fault.level, 4 - c->level, c->level);
		if (c->kind != KIND_ANY)
			cr_expect_eq(res.fault.kind, c->kind, "%s [%s]: kind %s, want %s", n,
				     fx.g->name, fault_kind_name(res.fault.kind),
				     fault_kind_name(c->kind));
		if (c->reason != REASON_ANY)
			cr_expect_eq(res.fault.reason, c->reason, "%s [%s]: reason %d (%s), want %d (%s)",
				     n, fx.g->name, res.fault.reason, walk_reason_text(res.fault.reason),
				     c->reason, walk_reason_text(c->reason));
	}
	/*
	 * A TLB hit re-checks the access from the rights the walk recorded
	 * (walk_check_access): it must reach the spec's answer too.  The leaf is
	 * the one in memory after the walk (a dirty write has cleaned AP[2]).
	 */
	if ((res.ok || res.fault.kind == FAULT_PERMISSION) &&
	    (c->ok || c->kind == FAULT_PERMISSION)) {
		struct walk_request req = { .root = armfx_root(&fx, 0), .va = c->va,
					    .access = c->access, .priv = c->priv };
		struct walk_fault f = { 0 };
		bool allowed = walk_check_access(&fx.w, &req, res.perms, res.leaf_pte, res.level, &f);

		cr_expect_eq(allowed, c->ok, "%s [%s]: TLB-hit check says %d, want %d (code %#llx)", n,
			     fx.g->name, allowed, c->ok, (unsigned long long)f.code);
		if (!allowed && !c->ok)
			cr_expect_eq(f.code, c->esr, "%s [%s]: TLB-hit ESR %#llx, want %#llx", n,
				     fx.g->name, (unsigned long long)f.code,
				     (unsigned long long)c->esr);
	}
	/*
	 * A walk resumed below the root from a walk cache (the table address and
	 * the rights the levels above left, as sim/mmu.c's PWC hit passes them)
	 * must reach the same answer: hierarchical attributes and HPDn included.
	 */
	if ((res.ok || res.fault.kind == FAULT_PERMISSION) &&
	    (c->ok || c->kind == FAULT_PERMISSION)) {
		struct walk_result full = res;

		for (unsigned k = 1; k < full.nr_steps; k++) {
			struct walk_request req = {
				.root = armfx_root(&fx, 0), .va = c->va, .access = c->access,
				.priv = c->priv, .start_level = full.steps[k].level,
				.start_table = full.steps[k].table,
				.start_perms = full.steps[k - 1].perms,
			};
			fx.w.upper_root = armfx_root(&fx, 1);
			walk(&fx.w, &req, &res);
			cr_expect_eq(res.ok, c->ok, "%s [%s]: resumed at level %u: ok=%d, want %d", n,
				     fx.g->name, req.start_level, res.ok, c->ok);
			if (res.ok && c->ok)
				cr_expect_eq(res.pa, c->pa, "%s [%s]: resumed at level %u: pa %#llx", n,
					     fx.g->name, req.start_level, (unsigned long long)res.pa);
			if (!res.ok && !c->ok)
				cr_expect_eq(res.fault.code, c->esr,
					     "%s [%s]: resumed at level %u: ESR %#llx, want %#llx", n,
					     fx.g->name, req.start_level,
					     (unsigned long long)res.fault.code,
					     (unsigned long long)c->esr);
		}
	}
	uint64_t after = armfx_get(&fx, slot);
	uint64_t want = c->leaf_after ? c->leaf_after : c->leaf;
	cr_expect_eq(after, want, "%s [%s]: leaf in memory %#llx, want %#llx", n, fx.g->name,
		     (unsigned long long)after, (unsigned long long)want);
	if (res.ok && c->ok)
		cr_expect_eq(res.leaf_pte, want, "%s [%s]: leaf_pte %#llx, want %#llx", n,
			     fx.g->name, (unsigned long long)res.leaf_pte,
			     (unsigned long long)want);
	armfx_teardown(&fx);
}

static void run_table(const struct arm_case *v, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		run_case(&v[i]);
}

#define RUN(table) run_table(table, sizeof(table) / sizeof((table)[0]))

/* A successful EL1 read. */
#define XLATE(nm, g, va_, lvl, leaf_, pa_, size_)                                            \
	{ .name = nm, .geom = g, .va = va_, .leaf_level = lvl, .leaf = leaf_,                 \
	  .access = ACCESS_READ, .priv = PRIV_SUPERVISOR, .ok = true, .pa = pa_,              \
	  .size = size_, .level = lvl }

/* ======================================================================
 * Geometry: D8.2, "Translation process" (initial lookup level and the
 * number of entries it resolves, per granule and TxSZ), and "VA ranges"
 * (TTBR0 [0, 2^n), TTBR1 [2^64 - 2^n, 2^64)).  For each geometry the
 * highest TTBR0 page (every index at its largest) and the lowest and highest
 * TTBR1 pages translate, reading the initial level's entry at
 * root + index * 8.
 * ====================================================================== */

Test(walk_aarch64, geometry)
{
	for (unsigned g = 0; g < G_COUNT; g++) {
		const struct arm_geom_desc *d = &arm_geoms[g];
		uint64_t gran = 1ull << d->granule_shift;
		uint64_t span = 1ull << d->va_bits;
		const uint64_t vas[3] = {
			span - gran + 0x10,      /* top of TTBR0 */
			0 - span + 0x10,         /* bottom of TTBR1 */
			0 - gran + 0x10,         /* top of TTBR1 */
		};
		const unsigned top_index[3] = { d->top_entries - 1, 0, d->top_entries - 1 };

		for (unsigned k = 0; k < 3; k++) {
			struct armfx fx;
			struct walk_result res;
			uint64_t va = vas[k];

			armfx_setup(&fx, g, 0);
			cr_expect_eq(fx.pc.top_entries, d->top_entries, "%s: top_entries %u, want %u",
				     d->name, fx.pc.top_entries, d->top_entries);
			armfx_map(&fx, va, 3, PAGE, NULL);
			armfx_walk(&fx, va, ACCESS_READ, PRIV_SUPERVISOR, &res);
			cr_expect(res.ok, "%s va %#llx: fault kind %d reason %d code %#llx", d->name,
				  (unsigned long long)va, res.fault.kind, res.fault.reason,
				  (unsigned long long)res.fault.code);
			if (res.ok) {
				cr_expect_eq(res.pa, OA_PAGE + 0x10, "%s va %#llx: pa %#llx", d->name,
					     (unsigned long long)va, (unsigned long long)res.pa);
				cr_expect_eq(res.page_size, gran, "%s: page_size %#llx", d->name,
					     (unsigned long long)res.page_size);
				cr_expect_eq(res.level, 1u, "%s: level %u", d->name, res.level);
			}
			cr_expect_eq(res.nr_steps, 4 - d->start_level, "%s va %#llx: %u steps, want %u",
				     d->name, (unsigned long long)va, res.nr_steps, 4 - d->start_level);
			if (res.nr_steps >= 1) {
				uint64_t root = armfx_root(&fx, k != 0);
				cr_expect_eq(res.steps[0].table, root, "%s va %#llx: root %#llx, want %#llx",
					     d->name, (unsigned long long)va,
					     (unsigned long long)res.steps[0].table,
					     (unsigned long long)root);
				cr_expect_eq(res.steps[0].index, top_index[k], "%s va %#llx: index %u, want %u",
					     d->name, (unsigned long long)va, res.steps[0].index,
					     top_index[k]);
				cr_expect_eq(res.steps[0].pte_addr, root + 8ull * top_index[k],
					     "%s va %#llx: initial descriptor at %#llx", d->name,
					     (unsigned long long)va,
					     (unsigned long long)res.steps[0].pte_addr);
			}
			armfx_teardown(&fx);
		}
	}
}

/* ======================================================================
 * Each half its own VA size: D8.2 "VA ranges" (TTBR0 [0, 2^(64-T0SZ)),
 * TTBR1 [2^64 - 2^(64-T1SZ), 2^64)) and "Translation process" (the
 * initial lookup level and its entries follow from the half's own TxSZ).
 * For every pair of VA sizes of one granule: the top TTBR0 page and the
 * bottom and top TTBR1 pages translate, each walk taking its half's number
 * of lookups and reading its half's initial entry; a VA in range only for
 * the other half's size is a Translation fault at level 0 (ESR 0x96000004).
 * ====================================================================== */

Test(walk_aarch64, halves_of_different_sizes)
{
	for (unsigned lo = 0; lo < G_COUNT; lo++) {
		for (unsigned hi = 0; hi < G_COUNT; hi++) {
			const struct arm_geom_desc *dl = &arm_geoms[lo], *dh = &arm_geoms[hi];
			uint64_t gran = 1ull << dl->granule_shift;

			if (lo == hi || dl->granule_shift != dh->granule_shift)
				continue;
			const uint64_t vas[3] = {
				(1ull << dl->va_bits) - gran + 0x10,   /* top of TTBR0 */
				0 - (1ull << dh->va_bits) + 0x10,      /* bottom of TTBR1 */
				0 - gran + 0x10,                       /* top of TTBR1 */
			};
			const struct arm_geom_desc *half[3] = { dl, dh, dh };

			for (unsigned k = 0; k < 3; k++) {
				struct armfx fx;
				struct walk_result res;
				const struct arm_geom_desc *d = half[k];
				unsigned top_index = k == 1 ? 0 : d->top_entries - 1;

				armfx_setup(&fx, lo, 0);
				armfx_split(&fx, hi);
				armfx_map(&fx, vas[k], 3, PAGE, NULL);
				armfx_walk(&fx, vas[k], ACCESS_READ, PRIV_SUPERVISOR, &res);
				cr_expect(res.ok && res.pa == OA_PAGE + 0x10, "%s/%s va %#llx: ok %d pa %#llx code %#llx",
					  dl->name, dh->name, (unsigned long long)vas[k], res.ok,
					  (unsigned long long)res.pa, (unsigned long long)res.fault.code);
				cr_expect_eq(res.nr_steps, 4 - d->start_level, "%s/%s va %#llx: %u lookups, want %u",
					     dl->name, dh->name, (unsigned long long)vas[k], res.nr_steps,
					     4 - d->start_level);
				if (res.nr_steps >= 1) {
					cr_expect_eq(res.steps[0].table, armfx_root(&fx, k != 0), "%s/%s: root",
						     dl->name, dh->name);
					cr_expect_eq(res.steps[0].index, top_index, "%s/%s va %#llx: index %u, want %u",
						     dl->name, dh->name, (unsigned long long)vas[k],
						     res.steps[0].index, top_index);
				}
				armfx_teardown(&fx);
			}

			/* Just past each half's range, and the other half's size where it is larger. */
			const uint64_t out[2] = { 1ull << dl->va_bits, (0 - (1ull << dh->va_bits)) - gran };
			for (unsigned k = 0; k < 2; k++) {
				struct armfx fx;
				struct walk_result res;

				armfx_setup(&fx, lo, 0);
				armfx_split(&fx, hi);
				armfx_walk(&fx, out[k], ACCESS_READ, PRIV_SUPERVISOR, &res);
				cr_expect(!res.ok && res.fault.code == 0x96000004 && res.nr_steps == 0,
					  "%s/%s va %#llx: ok %d code %#llx steps %u, want a level 0 "
					  "translation fault", dl->name, dh->name, (unsigned long long)out[k],
					  res.ok, (unsigned long long)res.fault.code, res.nr_steps);
				armfx_teardown(&fx);
			}
		}
	}
}

/*
 * The same through the case runner (so through the TLB-hit check and the
 * walks resumed from a walk cache): TTBR0 48-bit and TTBR1 39-bit at 4K, and
 * the other way round; 16K with a 47-bit TTBR1 (2048 initial entries), 64K
 * with a 42-bit TTBR0 (initial level 2) and a 52-bit TTBR1.
 */
#define SPLIT_XLATE(nm, g, u, va_, lvl, leaf_, pa_, size_)                                   \
	{ .name = nm, .geom = g, .split = true, .upper = u, .va = va_, .leaf_level = lvl,      \
	  .leaf = leaf_, .access = ACCESS_READ, .priv = PRIV_SUPERVISOR, .ok = true,           \
	  .pa = pa_, .size = size_, .level = lvl }
#define SPLIT_RANGE_FAULT(nm, g, u, va_)                                                     \
	{ .name = nm, .geom = g, .split = true, .upper = u, .va = va_, .leaf_level = 3,        \
	  .leaf = PAGE, .access = ACCESS_READ, .priv = PRIV_SUPERVISOR, .ok = false,           \
	  .level = 0, .kind = FAULT_NON_CANONICAL, .reason = REASON_ARM_VA_RANGE,              \
	  .esr = 0x96000004 }

static const struct arm_case split_cases[] = {
	SPLIT_XLATE("4K 48/39: TTBR1 page", G4K_48, G4K_39, VA_HI, 3, PAGE, 0x987650abcull, 0x1000),
	SPLIT_XLATE("4K 48/39: TTBR1 1G block at its initial level", G4K_48, G4K_39, VA_HI, 1,
		    OA_1G | D_AF | D_BLOCK, 0x152345abcull, 0x40000000),
	SPLIT_XLATE("4K 48/39: TTBR0 page above 2^39", G4K_48, G4K_39, 0x0000801234567abcull, 3, PAGE,
		    0x987650abcull, 0x1000),
	SPLIT_RANGE_FAULT("4K 48/39: a 48-bit TTBR1 VA is out of range", G4K_48, G4K_39,
			  0xffff001234567abcull),
	SPLIT_XLATE("4K 39/48: TTBR1 page below 2^64 - 2^39", G4K_39, G4K_48, 0xffff001234567abcull, 3,
		    PAGE, 0x987650abcull, 0x1000),
	SPLIT_RANGE_FAULT("4K 39/48: a 48-bit TTBR0 VA is out of range", G4K_39, G4K_48,
			  0x0000801234567abcull),
	SPLIT_XLATE("16K 48/47: TTBR1 page, initial index 1024+", G16K_48, G16K_47, 0xffffc01234567abcull, 3,
		    PAGE, 0x987653abcull, 0x4000),
	SPLIT_XLATE("16K 48/47: TTBR0 page above 2^47", G16K_48, G16K_47, 0x0000801234567abcull, 3, PAGE,
		    0x987653abcull, 0x4000),
	SPLIT_RANGE_FAULT("16K 48/47: 2^64 - 2^48 is out of TTBR1's range", G16K_48, G16K_47,
			  0xffff000000000000ull),
	SPLIT_XLATE("64K 42/52: TTBR1 page at bit 51", G64K_42, G64K_52, 0xfff8001234567abcull, 3, PAGE,
		    0x987657abcull, 0x10000),
	SPLIT_XLATE("64K 42/52: TTBR0 512M block at its initial level", G64K_42, G64K_52, VA_LO, 2,
		    OA_512M | D_AF | D_BLOCK, 0x134567abcull, 0x20000000),
	SPLIT_RANGE_FAULT("64K 42/52: a 48-bit TTBR0 VA is out of range", G64K_42, G64K_52,
			  0x0000801234567abcull),
};

Test(walk_aarch64, split_sizes)
{
	RUN(split_cases);
}

/* ======================================================================
 * Pages and blocks at every level that may hold one (D8.3, "Block
 * descriptor and Page descriptor formats": 4K blocks at level 1 (1 GiB) and
 * level 2 (2 MiB); 16K at level 2 (32 MiB); 64K at level 2 (512 MiB); pages
 * at level 3).  PA = OA[47:n] : VA[n-1:0].
 *   VA_LO & (2M-1) = 0x167abc, & (32M-1) = 0x0567abc, & (512M-1) = 0x14567abc,
 *   & (1G-1) = 0x34567abc; page offsets 0xabc / 0x3abc / 0x7abc.
 *   VA_HI page offsets 0xabc / 0x1abc / 0x5abc.
 * ====================================================================== */

static const struct arm_case translate_cases[] = {
	XLATE("4K/48 page", G4K_48, VA_LO, 3, PAGE, 0x987650abcull, 0x1000),
	XLATE("4K/48 2M block at L2", G4K_48, VA_LO, 2, OA_2M | D_AF | D_BLOCK, 0x123567abcull,
	      0x200000),
	XLATE("4K/48 1G block at L1", G4K_48, VA_LO, 1, OA_1G | D_AF | D_BLOCK, 0x174567abcull,
	      0x40000000),
	XLATE("4K/39 1G block at the initial level", G4K_39, VA_LO, 1, OA_1G | D_AF | D_BLOCK,
	      0x174567abcull, 0x40000000),
	XLATE("4K/39 page", G4K_39, VA_LO, 3, PAGE, 0x987650abcull, 0x1000),
	XLATE("4K/39 2M block", G4K_39, VA_LO, 2, OA_2M | D_AF | D_BLOCK, 0x123567abcull, 0x200000),
	XLATE("4K/42 page", G4K_42, VA_LO, 3, PAGE, 0x987650abcull, 0x1000),
	XLATE("4K/42 1G block", G4K_42, VA_LO, 1, OA_1G | D_AF | D_BLOCK, 0x174567abcull,
	      0x40000000),
	XLATE("16K/48 page", G16K_48, VA_LO, 3, PAGE, 0x987653abcull, 0x4000),
	XLATE("16K/48 32M block at L2", G16K_48, VA_LO, 2, OA_32M | D_AF | D_BLOCK, 0x126567abcull,
	      0x2000000),
	XLATE("16K/47 page", G16K_47, VA_LO, 3, PAGE, 0x987653abcull, 0x4000),
	XLATE("16K/47 32M block", G16K_47, VA_LO, 2, OA_32M | D_AF | D_BLOCK, 0x126567abcull,
	      0x2000000),
	XLATE("64K/48 page", G64K_48, VA_LO, 3, PAGE, 0x987657abcull, 0x10000),
	XLATE("64K/48 512M block at L2", G64K_48, VA_LO, 2, OA_512M | D_AF | D_BLOCK,
	      0x134567abcull, 0x20000000),
	XLATE("64K/42 page", G64K_42, VA_LO, 3, PAGE, 0x987657abcull, 0x10000),
	XLATE("64K/42 512M block at the initial level", G64K_42, VA_LO, 2,
	      OA_512M | D_AF | D_BLOCK, 0x134567abcull, 0x20000000),
	XLATE("64K/52 page", G64K_52, VA_LO, 3, PAGE, 0x987657abcull, 0x10000),
	XLATE("64K/52 512M block", G64K_52, VA_LO, 2, OA_512M | D_AF | D_BLOCK, 0x134567abcull,
	      0x20000000),
	/* TTBR1 (VA bit 55 = 1): the walk starts at TTBR1's table. */
	XLATE("4K/48 TTBR1 page", G4K_48, VA_HI, 3, PAGE, 0x987650abcull, 0x1000),
	XLATE("4K/39 TTBR1 page", G4K_39, VA_HI, 3, PAGE, 0x987650abcull, 0x1000),
	XLATE("16K/48 TTBR1 page", G16K_48, VA_HI, 3, PAGE, 0x987651abcull, 0x4000),
	XLATE("64K/52 TTBR1 page", G64K_52, VA_HI, 3, PAGE, 0x987655abcull, 0x10000),
	/* Attribute and software bits do not change the OA (D8.3). */
	XLATE("4K/48 page with nG, SH, AttrIndx, NS, software bits", G4K_48, VA_LO, 3,
	      PAGE | D_NG | D_SH_INNER | D_ATTRIDX(7) | D_NS | (0xfull << 55), 0x987650abcull,
	      0x1000),
	/*
	 * A block's OA is bits [47:n] only (pseudocode AArch64.BlockBase); bit 16
	 * is nT (FEAT_BBM), an attribute, never an address bit.
	 */
	XLATE("4K 2M block with nT (bit 16)", G4K_48, VA_LO, 2,
	      OA_2M | (1ull << 16) | D_AF | D_BLOCK, 0x123567abcull, 0x200000),
	XLATE("4K 1G block with nT (bit 16)", G4K_48, VA_LO, 1,
	      OA_1G | (1ull << 16) | D_AF | D_BLOCK, 0x174567abcull, 0x40000000),
	XLATE("16K 32M block with nT (bit 16)", G16K_48, VA_LO, 2,
	      OA_32M | (1ull << 16) | D_AF | D_BLOCK, 0x126567abcull, 0x2000000),
	XLATE("64K 512M block with nT (bit 16)", G64K_48, VA_LO, 2,
	      OA_512M | (1ull << 16) | D_AF | D_BLOCK, 0x134567abcull, 0x20000000),
	/* OA bit 47 is a valid address bit with a 48-bit PA (D8.3: OA[47:12]). */
	XLATE("4K/48 page at OA bit 47", G4K_48, VA_LO, 3, 0x800000000000ull | D_AF | D_PAGE,
	      0x800000000abcull, 0x1000),
};

Test(walk_aarch64, translate)
{
	RUN(translate_cases);
}

/*
 * nG (bit 11): D8 "Global and process-specific translation table entries":
 * nG = 0 is global (matches every ASID), nG = 1 is tagged with the current
 * ASID.  mmusim carries "global" as PERM_G in the walk's perms.
 */
Test(walk_aarch64, not_global)
{
	static const struct {
		uint64_t leaf;
		bool global;
	} v[] = {
		{ PAGE, true },
		{ PAGE | D_NG, false },
		{ PAGE | AP_01 | D_NG, false },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct armfx fx;
		struct walk_result res;

		armfx_setup(&fx, G4K_48, 0);
		fx.ctl.mair = MAIR_ALL_NORMAL;
		armfx_map(&fx, VA_LO, 3, v[i].leaf, NULL);
		armfx_walk(&fx, VA_LO, ACCESS_READ, PRIV_SUPERVISOR, &res);
		cr_expect(res.ok, "leaf %#llx faulted", (unsigned long long)v[i].leaf);
		cr_expect_eq(!!(res.perms & PERM_G), v[i].global, "leaf %#llx: global %d, want %d",
			     (unsigned long long)v[i].leaf, !!(res.perms & PERM_G), v[i].global);
		armfx_teardown(&fx);
	}
}

/* ======================================================================
 * Invalid descriptors: D8.3, "bit[0] = 0: the descriptor is invalid ...
 * generates a Translation fault" at the level of the lookup (DFSC
 * 0b0001ll); 0b10 has bit 0 = 0 too.
 * ====================================================================== */

#define INVALID(nm, g, va_, lvl, desc, acc, pr, esr_)                                         \
	{ .name = nm, .geom = g, .va = va_, .leaf_level = lvl, .leaf = desc, .access = acc,   \
	  .priv = pr, .ok = false, .level = lvl, .kind = FAULT_NOT_PRESENT,                   \
	  .reason = REASON_ARM_INVALID, .esr = esr_ }

static const struct arm_case invalid_cases[] = {
	INVALID("4K/48 L0 invalid", G4K_48, VA_LO, 0, D_INVALID, ACCESS_READ, PRIV_SUPERVISOR,
		0x96000004),
	INVALID("4K/48 L1 invalid", G4K_48, VA_LO, 1, D_INVALID, ACCESS_READ, PRIV_SUPERVISOR,
		0x96000005),
	INVALID("4K/48 L2 invalid", G4K_48, VA_LO, 2, D_INVALID, ACCESS_READ, PRIV_SUPERVISOR,
		0x96000006),
	INVALID("4K/48 L3 invalid", G4K_48, VA_LO, 3, D_INVALID, ACCESS_READ, PRIV_SUPERVISOR,
		0x96000007),
	/* AARCH64.md's worked example: EL0 write, level 3 = 0x92000047. */
	INVALID("4K/48 L3 invalid, EL0 write", G4K_48, VA_LO, 3, D_INVALID, ACCESS_WRITE,
		PRIV_USER, 0x92000047),
	INVALID("4K/48 L3 0b10 (reserved)", G4K_48, VA_LO, 3, OA_PAGE | D_AF | D_RESERVED,
		ACCESS_READ, PRIV_SUPERVISOR, 0x96000007),
	INVALID("4K/48 L1 0b10 (reserved)", G4K_48, VA_LO, 1, OA_1G | D_AF | D_RESERVED,
		ACCESS_READ, PRIV_SUPERVISOR, 0x96000005),
	INVALID("4K/48 L3 all bits but valid", G4K_48, VA_LO, 3, ~1ull, ACCESS_READ,
		PRIV_SUPERVISOR, 0x96000007),
	INVALID("4K/39 L1 (initial) invalid", G4K_39, VA_LO, 1, D_INVALID, ACCESS_READ,
		PRIV_SUPERVISOR, 0x96000005),
	INVALID("4K/42 L0 invalid", G4K_42, VA_LO, 0, D_INVALID, ACCESS_READ, PRIV_SUPERVISOR,
		0x96000004),
	INVALID("16K/48 L0 (2 entries) invalid", G16K_48, VA_LO, 0, D_INVALID, ACCESS_READ,
		PRIV_SUPERVISOR, 0x96000004),
	INVALID("16K/47 L1 (initial) invalid", G16K_47, VA_LO, 1, D_INVALID, ACCESS_READ,
		PRIV_SUPERVISOR, 0x96000005),
	INVALID("64K/48 L1 (initial) invalid", G64K_48, VA_LO, 1, D_INVALID, ACCESS_READ,
		PRIV_SUPERVISOR, 0x96000005),
	INVALID("64K/48 L3 invalid", G64K_48, VA_LO, 3, D_INVALID, ACCESS_READ, PRIV_SUPERVISOR,
		0x96000007),
	INVALID("64K/42 L2 (initial) invalid", G64K_42, VA_LO, 2, D_INVALID, ACCESS_READ,
		PRIV_SUPERVISOR, 0x96000006),
	INVALID("64K/52 L1 invalid", G64K_52, VA_LO, 1, D_INVALID, ACCESS_READ, PRIV_SUPERVISOR,
		0x96000005),
	INVALID("4K/48 TTBR1 L2 invalid", G4K_48, VA_HI, 2, D_INVALID, ACCESS_READ,
		PRIV_SUPERVISOR, 0x96000006),
};

Test(walk_aarch64, invalid_descriptor)
{
	RUN(invalid_cases);
}

/* ======================================================================
 * Blocks where the granule has none: D8.3 (without FEAT_LPA2 the 4K
 * granule has no level 0 block, 16K none at levels 0-1, 64K none at level
 * 1; "0b01 at level 3 is ... invalid"), pseudocode
 * AArch64.DecodeDescriptorType -> DescriptorType_Invalid: a Translation
 * fault at that level.  mmusim's kind for it is not fixed by the spec.
 * ====================================================================== */

#define BADBLOCK(nm, g, lvl, desc, esr_)                                                      \
	{ .name = nm, .geom = g, .va = VA_LO, .leaf_level = lvl, .leaf = (desc) | D_AF | D_BLOCK, \
	  .access = ACCESS_READ, .priv = PRIV_SUPERVISOR, .ok = false, .level = lvl,          \
	  .kind = KIND_ANY, .reason = REASON_ARM_BLOCK_LEVEL, .esr = esr_ }

static const struct arm_case block_level_cases[] = {
	BADBLOCK("4K/48 block at L0", G4K_48, 0, 0, 0x96000004),
	BADBLOCK("4K/42 block at L0", G4K_42, 0, 0, 0x96000004),
	BADBLOCK("4K/48 0b01 at L3", G4K_48, 3, OA_PAGE, 0x96000007),
	BADBLOCK("16K/48 block at L0", G16K_48, 0, 0, 0x96000004),
	BADBLOCK("16K/48 block at L1", G16K_48, 1, 0x1000000000ull, 0x96000005),
	BADBLOCK("16K/47 block at L1 (initial)", G16K_47, 1, 0x1000000000ull, 0x96000005),
	BADBLOCK("16K/48 0b01 at L3", G16K_48, 3, OA_PAGE, 0x96000007),
	BADBLOCK("64K/48 block at L1", G64K_48, 1, 0x40000000000ull, 0x96000005),
	BADBLOCK("64K/52 block at L1", G64K_52, 1, 0x40000000000ull, 0x96000005),
	BADBLOCK("64K/48 0b01 at L3", G64K_48, 3, OA_PAGE, 0x96000007),
	/* EC and WnR follow the access as for any abort. */
	{ .name = "4K/48 block at L0, EL0 write", .geom = G4K_48, .va = VA_LO, .leaf_level = 0,
	  .leaf = D_AF | D_BLOCK | AP_01, .access = ACCESS_WRITE, .priv = PRIV_USER, .ok = false,
	  .level = 0, .kind = KIND_ANY, .reason = REASON_ARM_BLOCK_LEVEL, .esr = 0x92000044 },
	/* Translation before Address size: the OA of a block that cannot exist is not checked. */
	{ .name = "4K/48 block at L0 with OA above PA size", .geom = G4K_48, .pa_bits = 40,
	  .va = VA_LO, .leaf_level = 0, .leaf = 0x800000000000ull | D_AF | D_BLOCK,
	  .access = ACCESS_READ, .priv = PRIV_SUPERVISOR, .ok = false, .level = 0,
	  .kind = KIND_ANY, .reason = REASON_ARM_BLOCK_LEVEL, .esr = 0x96000004 },
};

Test(walk_aarch64, block_at_bad_level)
{
	RUN(block_level_cases);
}

/* ======================================================================
 * VA ranges: D8.2 ("VA ranges": bit 55 selects TTBR0 / TTBR1; TTBR0 covers
 * [0, 2^n), TTBR1 [2^64 - 2^n, 2^64)); an address in neither range
 * generates a Translation fault at level 0 (DFSC 0b000100) before any
 * walk (pseudocode AArch64.S1InvalidTxSZ / AArch64.VAIsOutOfRange).
 * Note 0x0000800000000000 is a valid TTBR0 address at 48 bits (there is
 * no sign bit 47).
 * ====================================================================== */

#define RANGE_FAULT(nm, g, va_, acc, pr, esr_)                                                \
	{ .name = nm, .geom = g, .va = va_, .leaf_level = 3, .leaf = PAGE, .access = acc,     \
	  .priv = pr, .ok = false, .level = 0, .kind = FAULT_NON_CANONICAL,                   \
	  .reason = REASON_ARM_VA_RANGE, .esr = esr_ }

static const struct arm_case va_range_cases[] = {
	XLATE("4K/48 0x0000800000000000 is TTBR0", G4K_48, 0x0000800000000000ull, 3, PAGE,
	      0x987650000ull, 0x1000),
	XLATE("4K/48 0x00007ffffffff123 is TTBR0", G4K_48, 0x00007ffffffff123ull, 3, PAGE,
	      0x987650123ull, 0x1000),
	XLATE("4K/48 0xffff000000000000 is TTBR1", G4K_48, 0xffff000000000000ull, 3, PAGE,
	      0x987650000ull, 0x1000),
	XLATE("4K/48 0xffff7ffffffff123 is TTBR1", G4K_48, 0xffff7ffffffff123ull, 3, PAGE,
	      0x987650123ull, 0x1000),
	RANGE_FAULT("4K/48 bit 48 set in TTBR0 half", G4K_48, 0x0001000000000000ull, ACCESS_READ,
		    PRIV_SUPERVISOR, 0x96000004),
	RANGE_FAULT("4K/48 just below TTBR1", G4K_48, 0xfffeffffffffffffull, ACCESS_READ,
		    PRIV_SUPERVISOR, 0x96000004),
	RANGE_FAULT("4K/48 bit 63 only (bit 55 = 0, top byte not zero)", G4K_48,
		    0x8000000000000000ull, ACCESS_READ, PRIV_SUPERVISOR, 0x96000004),
	RANGE_FAULT("4K/48 bits 55:48 ones, bit 63 clear", G4K_48, 0x7fff000000000000ull,
		    ACCESS_READ, PRIV_SUPERVISOR, 0x96000004),
	RANGE_FAULT("4K/48 out of range, EL0 write", G4K_48, 0x0001000000000000ull, ACCESS_WRITE,
		    PRIV_USER, 0x92000044),
	RANGE_FAULT("4K/48 out of range, EL0 fetch", G4K_48, 0x0001000000000000ull, ACCESS_EXEC,
		    PRIV_USER, 0x82000004),
	RANGE_FAULT("4K/48 out of range, EL1 fetch", G4K_48, 0xfffeffffffffffffull, ACCESS_EXEC,
		    PRIV_SUPERVISOR, 0x86000004),
	RANGE_FAULT("4K/48 out of range, EL1 write", G4K_48, 0xfffeffffffffffffull, ACCESS_WRITE,
		    PRIV_SUPERVISOR, 0x96000044),
	XLATE("4K/39 0x0000007ffffff000 is TTBR0", G4K_39, 0x0000007ffffff000ull, 3, PAGE,
	      0x987650000ull, 0x1000),
	XLATE("4K/39 0xffffff8000000000 is TTBR1", G4K_39, 0xffffff8000000000ull, 3, PAGE,
	      0x987650000ull, 0x1000),
	RANGE_FAULT("4K/39 bit 39 set", G4K_39, 0x0000008000000000ull, ACCESS_READ,
		    PRIV_SUPERVISOR, 0x96000004),
	RANGE_FAULT("4K/39 0xffffff0000000000", G4K_39, 0xffffff0000000000ull, ACCESS_READ,
		    PRIV_SUPERVISOR, 0x96000004),
	RANGE_FAULT("4K/42 bit 42 set", G4K_42, 0x0000040000000000ull, ACCESS_READ,
		    PRIV_SUPERVISOR, 0x96000004),
	RANGE_FAULT("16K/47 bit 47 set", G16K_47, 0x0000800000000000ull, ACCESS_READ,
		    PRIV_SUPERVISOR, 0x96000004),
	RANGE_FAULT("64K/42 bit 42 set", G64K_42, 0x0000040000000000ull, ACCESS_READ,
		    PRIV_SUPERVISOR, 0x96000004),
	XLATE("64K/52 0x000fffffffff0000 is TTBR0", G64K_52, 0x000fffffffff0000ull, 3, PAGE,
	      0x987650000ull, 0x10000),
	XLATE("64K/52 0xfff0000000000000 is TTBR1", G64K_52, 0xfff0000000000000ull, 3, PAGE,
	      0x987650000ull, 0x10000),
	RANGE_FAULT("64K/52 bit 52 set", G64K_52, 0x0010000000000000ull, ACCESS_READ,
		    PRIV_SUPERVISOR, 0x96000004),
	RANGE_FAULT("64K/48 bit 48 set, EL0 read", G64K_48, 0x0001000000000000ull, ACCESS_READ,
		    PRIV_USER, 0x92000004),
};

Test(walk_aarch64, va_range)
{
	RUN(va_range_cases);
}

/*
 * The two halves have separate tables (D8.2: TTBR0_EL1 and TTBR1_EL1 each
 * hold the base of their own table): a TTBR0 address and a TTBR1 address
 * that select the same indices at every level find different descriptors.
 */
Test(walk_aarch64, halves_are_separate)
{
	const uint64_t lo = 0x0000001234567abcull, hi = 0xffff001234567abcull;
	struct armfx fx;
	struct walk_result res;

	armfx_setup(&fx, G4K_48, 0);
	fx.ctl.mair = MAIR_ALL_NORMAL;
	cr_assert_eq(armfx_index(&fx, lo, 0), armfx_index(&fx, hi, 0));
	armfx_map(&fx, lo, 3, OA_PAGE | D_AF | D_PAGE, NULL);
	armfx_map(&fx, hi, 3, 0x55550000ull | D_AF | D_PAGE, NULL);
	armfx_walk(&fx, lo, ACCESS_READ, PRIV_SUPERVISOR, &res);
	cr_expect(res.ok, "TTBR0 address faulted: code %#llx", (unsigned long long)res.fault.code);
	cr_expect_eq(res.pa, 0x987650abcull, "TTBR0 address: pa %#llx", (unsigned long long)res.pa);
	armfx_walk(&fx, hi, ACCESS_READ, PRIV_SUPERVISOR, &res);
	cr_expect(res.ok, "TTBR1 address faulted: code %#llx", (unsigned long long)res.fault.code);
	cr_expect_eq(res.pa, 0x55550abcull, "TTBR1 address: pa %#llx", (unsigned long long)res.pa);
	armfx_teardown(&fx);
}

/* ======================================================================
 * Top byte ignore: D8.? "Address tagging" / TCR_EL1.TBI0, TBI1: with TBIn
 * = 1, VA bits 63:56 of an address in that half are ignored (for the
 * range check and the translation); the half is still chosen by bit 55,
 * and TBI0 says nothing about TTBR1 addresses nor TBI1 about TTBR0 ones.
 * ====================================================================== */

static const struct arm_case tbi_cases[] = {
	{ .name = "TBI0: tag 0xab on a TTBR0 address", .geom = G4K_48, .ctl = { .tbi0 = true },
	  .va = 0xab00001234567abcull, .leaf_level = 3, .leaf = PAGE, .access = ACCESS_READ,
	  .priv = PRIV_SUPERVISOR, .ok = true, .pa = 0x987650abcull, .size = 0x1000, .level = 3 },
	{ .name = "TBI0: tag 0xff, bit 55 = 0, still TTBR0", .geom = G4K_48,
	  .ctl = { .tbi0 = true }, .va = 0xff00001234567abcull, .leaf_level = 3, .leaf = PAGE,
	  .access = ACCESS_WRITE, .priv = PRIV_SUPERVISOR, .ok = true, .pa = 0x987650abcull,
	  .size = 0x1000, .level = 3 },
	RANGE_FAULT("TBI0 off: tag 0xab faults", G4K_48, 0xab00001234567abcull, ACCESS_READ,
		    PRIV_SUPERVISOR, 0x96000004),
	{ .name = "TBI1 only: tag on a TTBR0 address faults", .geom = G4K_48,
	  .ctl = { .tbi1 = true }, .va = 0xab00001234567abcull, .leaf_level = 3, .leaf = PAGE,
	  .access = ACCESS_READ, .priv = PRIV_SUPERVISOR, .ok = false, .level = 0,
	  .kind = FAULT_NON_CANONICAL, .reason = REASON_ARM_VA_RANGE, .esr = 0x96000004 },
	{ .name = "TBI0: bits 54:48 still checked", .geom = G4K_48, .ctl = { .tbi0 = true },
	  .va = 0xff7f001234567abcull, .leaf_level = 3, .leaf = PAGE, .access = ACCESS_READ,
	  .priv = PRIV_USER, .ok = false, .level = 0, .kind = FAULT_NON_CANONICAL,
	  .reason = REASON_ARM_VA_RANGE, .esr = 0x92000004 },
	{ .name = "TBI1: tag 0x12 on a TTBR1 address", .geom = G4K_48, .ctl = { .tbi1 = true },
	  .va = 0x12ffff8012345abcull, .leaf_level = 3, .leaf = PAGE, .access = ACCESS_READ,
	  .priv = PRIV_SUPERVISOR, .ok = true, .pa = 0x987650abcull, .size = 0x1000, .level = 3 },
	{ .name = "TBI1: tag 0x00, bit 55 = 1, still TTBR1", .geom = G4K_48,
	  .ctl = { .tbi1 = true }, .va = 0x00ffff8012345abcull, .leaf_level = 3, .leaf = PAGE,
	  .access = ACCESS_READ, .priv = PRIV_SUPERVISOR, .ok = true, .pa = 0x987650abcull,
	  .size = 0x1000, .level = 3 },
	RANGE_FAULT("TBI1 off: tag 0x12 on a TTBR1 address faults", G4K_48,
		    0x12ffff8012345abcull, ACCESS_READ, PRIV_SUPERVISOR, 0x96000004),
	{ .name = "TBI0 only: tag on a TTBR1 address faults", .geom = G4K_48,
	  .ctl = { .tbi0 = true }, .va = 0x12ffff8012345abcull, .leaf_level = 3, .leaf = PAGE,
	  .access = ACCESS_EXEC, .priv = PRIV_SUPERVISOR, .ok = false, .level = 0,
	  .kind = FAULT_NON_CANONICAL, .reason = REASON_ARM_VA_RANGE, .esr = 0x86000004 },
	{ .name = "TBI0: 64K/52 tag on the top TTBR0 page", .geom = G64K_52,
	  .ctl = { .tbi0 = true }, .va = 0x5a0fffffffff1234ull, .leaf_level = 3, .leaf = PAGE,
	  .access = ACCESS_READ, .priv = PRIV_SUPERVISOR, .ok = true, .pa = 0x987651234ull,
	  .size = 0x10000, .level = 3 },
};

Test(walk_aarch64, top_byte_ignore)
{
	RUN(tbi_cases);
}

/* ======================================================================
 * TCR_EL1.EPD0/EPD1: "a TLB miss on a VA translated using TTBRn generates
 * a Translation fault; no translation table walk is performed", reported
 * at level 0 (pseudocode AArch64.S1DisabledOutput... / S1Walk: fault.level
 * = 0 for a disabled walk).  The other half is unaffected.
 * ====================================================================== */

#define EPD_FAULT(nm, g, ctl_, va_, acc, pr, esr_)                                            \
	{ .name = nm, .geom = g, .ctl = ctl_, .va = va_, .leaf_level = 3, .leaf = PAGE,       \
	  .access = acc, .priv = pr, .ok = false, .level = 0, .kind = FAULT_NOT_PRESENT,      \
	  .reason = REASON_ARM_WALK_DISABLED, .esr = esr_ }

#define EPD1_TBI1 { .epd1 = true, .tbi1 = true }

static const struct arm_case epd_cases[] = {
	EPD_FAULT("EPD0: TTBR0 address", G4K_48, { .epd0 = true }, VA_LO, ACCESS_READ,
		  PRIV_SUPERVISOR, 0x96000004),
	EPD_FAULT("EPD0: TTBR0 address, EL0 write", G4K_48, { .epd0 = true }, VA_LO, ACCESS_WRITE,
		  PRIV_USER, 0x92000044),
	{ .name = "EPD0: TTBR1 still walks", .geom = G4K_48, .ctl = { .epd0 = true }, .va = VA_HI,
	  .leaf_level = 3, .leaf = PAGE, .access = ACCESS_READ, .priv = PRIV_SUPERVISOR,
	  .ok = true, .pa = 0x987650abcull, .size = 0x1000, .level = 3 },
	EPD_FAULT("EPD1: TTBR1 address", G4K_48, { .epd1 = true }, VA_HI, ACCESS_READ,
		  PRIV_SUPERVISOR, 0x96000004),
	EPD_FAULT("EPD1: TTBR1 address, EL1 fetch", G4K_48, { .epd1 = true }, VA_HI, ACCESS_EXEC,
		  PRIV_SUPERVISOR, 0x86000004),
	{ .name = "EPD1: TTBR0 still walks", .geom = G4K_48, .ctl = { .epd1 = true }, .va = VA_LO,
	  .leaf_level = 3, .leaf = PAGE, .access = ACCESS_READ, .priv = PRIV_SUPERVISOR,
	  .ok = true, .pa = 0x987650abcull, .size = 0x1000, .level = 3 },
	EPD_FAULT("EPD0: 64K/48 (walk starts at level 1) still reports level 0", G64K_48,
		  { .epd0 = true }, VA_LO, ACCESS_READ, PRIV_SUPERVISOR, 0x96000004),
	EPD_FAULT("EPD1 with TBI1: tagged TTBR1 address", G4K_48, EPD1_TBI1,
		  0x34ffff8012345abcull, ACCESS_READ, PRIV_SUPERVISOR, 0x96000004),
};

Test(walk_aarch64, walk_disable)
{
	RUN(epd_cases);
}

/* ======================================================================
 * Address size faults: D8.3 / TCR_EL1.IPS: with a PA size of 40 bits
 * (IPS = 0b010) an output address or next-level table address with any of
 * bits [47:40] set generates an Address size fault (DFSC 0b0000ll) at the
 * level of the descriptor holding it (pseudocode AArch64.S1Walk: the table
 * case checks the next table's base with fi.level = the current level; the
 * leaf is checked after the walk at the leaf's level).  Priority (D8 "MMU
 * fault prioritization"): after Translation, before Access flag.
 * ====================================================================== */

#define ASIZE(nm, g, va_, lvl, leaf_, t0, t1, t2, flvl, acc, pr, esr_)                        \
	{ .name = nm, .geom = g, .pa_bits = 40, .va = va_, .leaf_level = lvl, .leaf = leaf_,   \
	  .tbl = { t0, t1, t2, 0 }, .access = acc, .priv = pr, .ok = false, .level = flvl,    \
	  .kind = FAULT_RESERVED_BIT, .reason = REASON_ARM_ADDR_SIZE, .esr = esr_ }
/* The same fault on a table descriptor's next-level table address, which the explanation names as such. */
#define TSIZE(nm, g, va_, lvl, leaf_, t0, t1, t2, flvl, acc, pr, esr_)                        \
	{ .name = nm, .geom = g, .pa_bits = 40, .va = va_, .leaf_level = lvl, .leaf = leaf_,   \
	  .tbl = { t0, t1, t2, 0 }, .access = acc, .priv = pr, .ok = false, .level = flvl,    \
	  .kind = FAULT_RESERVED_BIT, .reason = REASON_ARM_TABLE_ADDR_SIZE, .esr = esr_ }

static const struct arm_case addr_size_cases[] = {
	ASIZE("4K page OA bit 40", G4K_48, VA_LO, 3, 0x10000000000ull | PAGE, 0, 0, 0, 3,
	      ACCESS_READ, PRIV_SUPERVISOR, 0x96000003),
	ASIZE("4K 2M block OA bit 43", G4K_48, VA_LO, 2, 0x80000000000ull | OA_2M | D_AF | D_BLOCK,
	      0, 0, 0, 2, ACCESS_READ, PRIV_SUPERVISOR, 0x96000002),
	ASIZE("4K 1G block OA bit 47", G4K_48, VA_LO, 1, 0x800000000000ull | OA_1G | D_AF | D_BLOCK,
	      0, 0, 0, 1, ACCESS_READ, PRIV_SUPERVISOR, 0x96000001),
	TSIZE("4K L0 table descriptor, next table bit 44", G4K_48, VA_LO, 3, PAGE,
	      1ull << 44, 0, 0, 0, ACCESS_READ, PRIV_SUPERVISOR, 0x96000000),
	TSIZE("4K L2 table descriptor, next table bit 40", G4K_48, VA_LO, 3, PAGE, 0, 0,
	      1ull << 40, 2, ACCESS_READ, PRIV_SUPERVISOR, 0x96000002),
	ASIZE("4K page OA bit 40, EL0 write", G4K_48, VA_LO, 3, 0x10000000000ull | PAGE | AP_01,
	      0, 0, 0, 3, ACCESS_WRITE, PRIV_USER, 0x92000043),
	TSIZE("4K L1 table descriptor bit 45, EL0 fetch", G4K_48, VA_LO, 3, PAGE, 0,
	      1ull << 45, 0, 1, ACCESS_EXEC, PRIV_USER, 0x82000001),
	/* Address size before Access flag. */
	ASIZE("4K page OA bit 40 and AF = 0", G4K_48, VA_LO, 3,
	      0x10000000000ull | OA_PAGE | D_PAGE, 0, 0, 0, 3, ACCESS_READ, PRIV_SUPERVISOR,
	      0x96000003),
	/* Address size before Permission. */
	ASIZE("4K page OA bit 41, read-only, EL1 write", G4K_48, VA_LO, 3,
	      0x20000000000ull | PAGE | AP_10, 0, 0, 0, 3, ACCESS_WRITE, PRIV_SUPERVISOR,
	      0x96000043),
	ASIZE("16K 32M block OA bit 41", G16K_48, VA_LO, 2,
	      0x20000000000ull | OA_32M | D_AF | D_BLOCK, 0, 0, 0, 2, ACCESS_READ,
	      PRIV_SUPERVISOR, 0x96000002),
	TSIZE("16K L0 table descriptor bit 46", G16K_48, VA_LO, 3, PAGE, 1ull << 46, 0, 0, 0,
	      ACCESS_READ, PRIV_SUPERVISOR, 0x96000000),
	ASIZE("64K page OA bit 45", G64K_48, VA_LO, 3, 0x200000000000ull | PAGE, 0, 0, 0, 3,
	      ACCESS_READ, PRIV_SUPERVISOR, 0x96000003),
	TSIZE("64K L1 table descriptor bit 40", G64K_48, VA_LO, 3, PAGE, 0, 1ull << 40, 0, 1,
	      ACCESS_READ, PRIV_SUPERVISOR, 0x96000001),
	ASIZE("64K 512M block OA bit 47", G64K_42, VA_LO, 2,
	      0x800000000000ull | OA_512M | D_AF | D_BLOCK, 0, 0, 0, 2, ACCESS_READ,
	      PRIV_SUPERVISOR, 0x96000002),
	/* The largest OA below 2^40 is fine. */
	{ .name = "4K page at OA 0xfffffff000 with a 40-bit PA", .geom = G4K_48, .pa_bits = 40,
	  .va = VA_LO, .leaf_level = 3, .leaf = 0xfffffff000ull | D_AF | D_PAGE,
	  .access = ACCESS_READ, .priv = PRIV_SUPERVISOR, .ok = true, .pa = 0xfffffffabcull,
	  .size = 0x1000, .level = 3 },
};

Test(walk_aarch64, address_size)
{
	RUN(addr_size_cases);
}

/* ======================================================================
 * Descriptor reads that fail: a next-level table outside memory.  mmusim
 * models it as the synchronous External abort on a translation table walk
 * (ESR_EL1 DFSC 0b0101ll, ll = the level whose descriptor could not be
 * read).  Bit 39 keeps the address inside the 48-bit PA size, so this is
 * not an Address size fault.
 * ====================================================================== */

#define SEA(nm, t0, t1, t2, flvl, acc, pr, esr_)                                              \
	{ .name = nm, .geom = G4K_48, .va = VA_LO, .leaf_level = 3, .leaf = PAGE | AP_01,      \
	  .tbl = { t0, t1, t2, 0 }, .access = acc, .priv = pr, .ok = false, .level = flvl,    \
	  .kind = FAULT_BUS_ERROR, .reason = REASON_BUS_ERROR, .esr = esr_ }

static const struct arm_case sea_cases[] = {
	SEA("L1 table outside memory", 1ull << 39, 0, 0, 1, ACCESS_READ, PRIV_SUPERVISOR,
	    0x96000015),
	SEA("L3 table outside memory, EL0 write", 0, 0, 1ull << 39, 3, ACCESS_WRITE, PRIV_USER,
	    0x92000057),
	SEA("L2 table outside memory, EL1 fetch", 0, 1ull << 39, 0, 2, ACCESS_EXEC,
	    PRIV_SUPERVISOR, 0x86000016),
};

Test(walk_aarch64, external_abort_on_walk)
{
	RUN(sea_cases);
}

/* ======================================================================
 * Access flag: D8.5 "The Access flag": with TCR_EL1.HA = 0, a block or page
 * descriptor with AF = 0 generates an Access flag fault (DFSC 0b0010ll,
 * ll = the leaf's level); with HA = 1 the walk sets AF in the descriptor
 * in memory.  AF is checked before permissions (D8 "MMU fault
 * prioritization"; pseudocode AArch64.S1Walk checks AF in the walk, the
 * permission check comes after it).
 * ====================================================================== */

#define AF_FAULT(nm, g, lvl, leaf_, acc, pr, esr_)                                            \
	{ .name = nm, .geom = g, .va = VA_LO, .leaf_level = lvl, .leaf = leaf_, .access = acc, \
	  .priv = pr, .ok = false, .level = lvl, .kind = FAULT_ACCESSED_DIRTY,                \
	  .reason = REASON_ARM_AF, .esr = esr_ }

static const struct arm_case af_cases[] = {
	AF_FAULT("4K page AF = 0", G4K_48, 3, OA_PAGE | D_PAGE, ACCESS_READ, PRIV_SUPERVISOR,
		 0x9600000b),
	AF_FAULT("4K 2M block AF = 0", G4K_48, 2, OA_2M | D_BLOCK, ACCESS_READ, PRIV_SUPERVISOR,
		 0x9600000a),
	AF_FAULT("4K 1G block AF = 0", G4K_48, 1, OA_1G | D_BLOCK, ACCESS_READ, PRIV_SUPERVISOR,
		 0x96000009),
	AF_FAULT("64K 512M block AF = 0, EL0 write", G64K_48, 2, OA_512M | D_BLOCK | AP_01,
		 ACCESS_WRITE, PRIV_USER, 0x9200004a),
	AF_FAULT("16K page AF = 0, EL1 fetch", G16K_48, 3, OA_PAGE | D_PAGE, ACCESS_EXEC,
		 PRIV_SUPERVISOR, 0x8600000b),
	/* Access flag before Permission: each of these also breaks a permission rule. */
	AF_FAULT("AF = 0 and read-only, EL1 write", G4K_48, 3, OA_PAGE | D_PAGE | AP_10,
		 ACCESS_WRITE, PRIV_SUPERVISOR, 0x9600004b),
	AF_FAULT("AF = 0 and EL0 no access, EL0 read", G4K_48, 3, OA_PAGE | D_PAGE | AP_00,
		 ACCESS_READ, PRIV_USER, 0x9200000b),
	AF_FAULT("AF = 0 and UXN, EL0 fetch", G4K_48, 3, OA_PAGE | D_PAGE | AP_11 | D_UXN,
		 ACCESS_EXEC, PRIV_USER, 0x8200000b),
	AF_FAULT("AF = 0 and PXN, EL1 fetch", G4K_48, 3, OA_PAGE | D_PAGE | D_PXN, ACCESS_EXEC,
		 PRIV_SUPERVISOR, 0x8600000b),
	{ .name = "AF = 0 and PAN, EL1 read", .geom = G4K_48, .ctl = { .pan = true }, .va = VA_LO,
	  .leaf_level = 3, .leaf = OA_PAGE | D_PAGE | AP_01, .access = ACCESS_READ,
	  .priv = PRIV_SUPERVISOR, .ok = false, .level = 3, .kind = FAULT_ACCESSED_DIRTY,
	  .reason = REASON_ARM_AF, .esr = 0x9600000b },
	/* HA = 1: the walk sets AF and the access goes on. */
	{ .name = "HA: page AF = 0, EL1 read", .geom = G4K_48, .ctl = { .ha = true }, .va = VA_LO,
	  .leaf_level = 3, .leaf = OA_PAGE | D_PAGE, .access = ACCESS_READ,
	  .priv = PRIV_SUPERVISOR, .ok = true, .pa = 0x987650abcull, .size = 0x1000, .level = 3,
	  .leaf_after = OA_PAGE | D_PAGE | D_AF },
	{ .name = "HA: page AF = 0, EL0 fetch", .geom = G4K_48, .ctl = { .ha = true }, .va = VA_LO,
	  .leaf_level = 3, .leaf = OA_PAGE | D_PAGE | AP_11, .access = ACCESS_EXEC,
	  .priv = PRIV_USER, .ok = true, .pa = 0x987650abcull, .size = 0x1000, .level = 3,
	  .leaf_after = OA_PAGE | D_PAGE | AP_11 | D_AF },
	{ .name = "HA: 2M block AF = 0, EL1 write", .geom = G4K_48, .ctl = { .ha = true },
	  .va = VA_LO, .leaf_level = 2, .leaf = OA_2M | D_BLOCK, .access = ACCESS_WRITE,
	  .priv = PRIV_SUPERVISOR, .ok = true, .pa = 0x123567abcull, .size = 0x200000,
	  .level = 2, .leaf_after = OA_2M | D_BLOCK | D_AF },
	{ .name = "HA: 64K page AF = 0, EL1 read", .geom = G64K_52, .ctl = { .ha = true },
	  .va = VA_HI, .leaf_level = 3, .leaf = OA_PAGE | D_PAGE, .access = ACCESS_READ,
	  .priv = PRIV_SUPERVISOR, .ok = true, .pa = 0x987655abcull, .size = 0x10000, .level = 3,
	  .leaf_after = OA_PAGE | D_PAGE | D_AF },
	/* AF = 1: nothing to write. */
	{ .name = "HA: page AF = 1 left alone", .geom = G4K_48, .ctl = { .ha = true }, .va = VA_LO,
	  .leaf_level = 3, .leaf = PAGE, .access = ACCESS_READ, .priv = PRIV_SUPERVISOR,
	  .ok = true, .pa = 0x987650abcull, .size = 0x1000, .level = 3 },
};

Test(walk_aarch64, access_flag)
{
	RUN(af_cases);
}

/* ======================================================================
 * Data access permissions: D8.4, "Stage 1 data access permissions" (AP[2:1]:
 * 00 EL1 RW / EL0 none, 01 EL1 RW / EL0 RW, 10 EL1 RO / EL0 none, 11 EL1 RO
 * / EL0 RO) and PSTATE.PAN (FEAT_PAN: "disables privileged read and write
 * accesses to addresses accessible at EL0", i.e. AP[1] = 1; EL0 accesses are
 * not affected).  Every AP x {EL0, EL1} x {read, write} x PAN.  Permission
 * fault: DFSC 0b001111 at level 3.  Where two rules refuse, the reason is
 * left open.
 * ====================================================================== */

#define P_OK(nm, ap, pr, acc, pan_)                                                           \
	{ .name = nm, .geom = G4K_48, .ctl = { .pan = pan_ }, .va = VA_LO, .leaf_level = 3,     \
	  .leaf = PAGE | (ap), .access = acc, .priv = pr, .ok = true, .pa = 0x987650abcull,    \
	  .size = 0x1000, .level = 3 }
#define P_NO(nm, ap, pr, acc, pan_, rsn, esr_)                                                \
	{ .name = nm, .geom = G4K_48, .ctl = { .pan = pan_ }, .va = VA_LO, .leaf_level = 3,     \
	  .leaf = PAGE | (ap), .access = acc, .priv = pr, .ok = false, .level = 3,             \
	  .kind = FAULT_PERMISSION, .reason = rsn, .esr = esr_ }

#define EL0 PRIV_USER
#define EL1 PRIV_SUPERVISOR
#define RD ACCESS_READ
#define WR ACCESS_WRITE
#define EX ACCESS_EXEC

static const struct arm_case data_perm_cases[] = {
	/* AP = 00: EL1 RW, EL0 none */
	P_NO("AP=00 EL0 read PAN=0", AP_00, EL0, RD, false, REASON_ARM_EL0_NO_ACCESS, 0x9200000f),
	P_NO("AP=00 EL0 read PAN=1", AP_00, EL0, RD, true, REASON_ARM_EL0_NO_ACCESS, 0x9200000f),
	P_NO("AP=00 EL0 write PAN=0", AP_00, EL0, WR, false, REASON_ARM_EL0_NO_ACCESS, 0x9200004f),
	P_NO("AP=00 EL0 write PAN=1", AP_00, EL0, WR, true, REASON_ARM_EL0_NO_ACCESS, 0x9200004f),
	P_OK("AP=00 EL1 read PAN=0", AP_00, EL1, RD, false),
	P_OK("AP=00 EL1 read PAN=1", AP_00, EL1, RD, true),
	P_OK("AP=00 EL1 write PAN=0", AP_00, EL1, WR, false),
	P_OK("AP=00 EL1 write PAN=1", AP_00, EL1, WR, true),
	/* AP = 01: EL1 RW, EL0 RW */
	P_OK("AP=01 EL0 read PAN=0", AP_01, EL0, RD, false),
	P_OK("AP=01 EL0 read PAN=1", AP_01, EL0, RD, true),
	P_OK("AP=01 EL0 write PAN=0", AP_01, EL0, WR, false),
	P_OK("AP=01 EL0 write PAN=1", AP_01, EL0, WR, true),
	P_OK("AP=01 EL1 read PAN=0", AP_01, EL1, RD, false),
	P_NO("AP=01 EL1 read PAN=1", AP_01, EL1, RD, true, REASON_ARM_PAN, 0x9600000f),
	P_OK("AP=01 EL1 write PAN=0", AP_01, EL1, WR, false),
	P_NO("AP=01 EL1 write PAN=1", AP_01, EL1, WR, true, REASON_ARM_PAN, 0x9600004f),
	/* AP = 10: EL1 RO, EL0 none */
	P_NO("AP=10 EL0 read PAN=0", AP_10, EL0, RD, false, REASON_ARM_EL0_NO_ACCESS, 0x9200000f),
	P_NO("AP=10 EL0 read PAN=1", AP_10, EL0, RD, true, REASON_ARM_EL0_NO_ACCESS, 0x9200000f),
	P_NO("AP=10 EL0 write PAN=0", AP_10, EL0, WR, false, REASON_ANY, 0x9200004f),
	P_NO("AP=10 EL0 write PAN=1", AP_10, EL0, WR, true, REASON_ANY, 0x9200004f),
	P_OK("AP=10 EL1 read PAN=0", AP_10, EL1, RD, false),
	P_OK("AP=10 EL1 read PAN=1", AP_10, EL1, RD, true),
	P_NO("AP=10 EL1 write PAN=0", AP_10, EL1, WR, false, REASON_ARM_READ_ONLY, 0x9600004f),
	P_NO("AP=10 EL1 write PAN=1", AP_10, EL1, WR, true, REASON_ARM_READ_ONLY, 0x9600004f),
	/* AP = 11: EL1 RO, EL0 RO */
	P_OK("AP=11 EL0 read PAN=0", AP_11, EL0, RD, false),
	P_OK("AP=11 EL0 read PAN=1", AP_11, EL0, RD, true),
	P_NO("AP=11 EL0 write PAN=0", AP_11, EL0, WR, false, REASON_ARM_READ_ONLY, 0x9200004f),
	P_NO("AP=11 EL0 write PAN=1", AP_11, EL0, WR, true, REASON_ARM_READ_ONLY, 0x9200004f),
	P_OK("AP=11 EL1 read PAN=0", AP_11, EL1, RD, false),
	P_NO("AP=11 EL1 read PAN=1", AP_11, EL1, RD, true, REASON_ARM_PAN, 0x9600000f),
	P_NO("AP=11 EL1 write PAN=0", AP_11, EL1, WR, false, REASON_ARM_READ_ONLY, 0x9600004f),
	P_NO("AP=11 EL1 write PAN=1", AP_11, EL1, WR, true, REASON_ANY, 0x9600004f),
	/* The level bits of a permission fault are the leaf's (blocks). */
	{ .name = "AP=11 2M block EL0 write", .geom = G4K_48, .va = VA_LO, .leaf_level = 2,
	  .leaf = OA_2M | D_AF | D_BLOCK | AP_11, .access = WR, .priv = EL0, .ok = false,
	  .level = 2, .kind = FAULT_PERMISSION, .reason = REASON_ARM_READ_ONLY,
	  .esr = 0x9200004e },
	{ .name = "AP=00 1G block EL0 read", .geom = G4K_48, .va = VA_LO, .leaf_level = 1,
	  .leaf = OA_1G | D_AF | D_BLOCK | AP_00, .access = RD, .priv = EL0, .ok = false,
	  .level = 1, .kind = FAULT_PERMISSION, .reason = REASON_ARM_EL0_NO_ACCESS,
	  .esr = 0x9200000d },
	{ .name = "AP=10 64K/42 512M block EL1 write", .geom = G64K_42, .va = VA_LO,
	  .leaf_level = 2, .leaf = OA_512M | D_AF | D_BLOCK | AP_10, .access = WR, .priv = EL1,
	  .ok = false, .level = 2, .kind = FAULT_PERMISSION, .reason = REASON_ARM_READ_ONLY,
	  .esr = 0x9600004e },
};

Test(walk_aarch64, data_permissions)
{
	RUN(data_perm_cases);
}

/* ======================================================================
 * Instruction execution: D8.4, "Instruction execution permissions" and
 * "Preventing execution from writable locations":
 *   - EL0 fetch: UXN = 1 -> fault; AP[2:1] is not consulted (an AP = 00
 *     page with UXN = 0 is execute-only at EL0); SCTLR_EL1.WXN = 1 makes a
 *     location writable at EL0 (AP = 01) execute-never at EL0.
 *   - EL1 fetch: PXN = 1 -> fault; a location writable at EL0 (AP = 01) is
 *     never executable at EL1; WXN = 1 makes a location writable at EL1
 *     (AP = 00 or 01) execute-never at EL1.  PAN does not apply to fetches.
 * Permission fault on a fetch: IFSC 0b0011ll, no WnR: 0x8200000f (EL0),
 * 0x8600000f (EL1) at level 3.
 * ====================================================================== */

#define X_OK(nm, bits, pr, ctl_)                                                              \
	{ .name = nm, .geom = G4K_48, .ctl = ctl_, .va = VA_LO, .leaf_level = 3,                \
	  .leaf = PAGE | (bits), .access = EX, .priv = pr, .ok = true, .pa = 0x987650abcull,   \
	  .size = 0x1000, .level = 3 }
#define X_NO(nm, bits, pr, ctl_, rsn, esr_)                                                   \
	{ .name = nm, .geom = G4K_48, .ctl = ctl_, .va = VA_LO, .leaf_level = 3,                \
	  .leaf = PAGE | (bits), .access = EX, .priv = pr, .ok = false, .level = 3,            \
	  .kind = FAULT_PERMISSION, .reason = rsn, .esr = esr_ }

#define NOCTL { .wxn = false }
#define WXN { .wxn = true }

static const struct arm_case exec_cases[] = {
	X_OK("EL0 fetch AP=00 UXN=0 (execute-only)", AP_00, EL0, NOCTL),
	X_OK("EL0 fetch AP=10 UXN=0", AP_10, EL0, NOCTL),
	X_OK("EL0 fetch AP=11 UXN=0", AP_11, EL0, NOCTL),
	X_OK("EL0 fetch AP=01 UXN=0", AP_01, EL0, NOCTL),
	X_NO("EL0 fetch AP=11 UXN=1", AP_11 | D_UXN, EL0, NOCTL, REASON_ARM_UXN, 0x8200000f),
	X_NO("EL0 fetch AP=00 UXN=1", AP_00 | D_UXN, EL0, NOCTL, REASON_ARM_UXN, 0x8200000f),
	X_OK("EL0 fetch AP=11 PXN=1 (PXN is EL1's)", AP_11 | D_PXN, EL0, NOCTL),
	X_NO("EL0 fetch AP=01 WXN=1", AP_01, EL0, WXN, REASON_ARM_WXN, 0x8200000f),
	X_OK("EL0 fetch AP=00 WXN=1 (not writable at EL0)", AP_00, EL0, WXN),
	X_OK("EL0 fetch AP=11 WXN=1", AP_11, EL0, WXN),
	X_OK("EL1 fetch AP=00 PXN=0", AP_00, EL1, NOCTL),
	X_NO("EL1 fetch AP=00 PXN=1", AP_00 | D_PXN, EL1, NOCTL, REASON_ARM_PXN, 0x8600000f),
	X_OK("EL1 fetch AP=00 UXN=1 (UXN is EL0's)", AP_00 | D_UXN, EL1, NOCTL),
	X_NO("EL1 fetch AP=01 (writable at EL0)", AP_01, EL1, NOCTL, REASON_ARM_EL0_WRITABLE,
	     0x8600000f),
	X_NO("EL1 fetch AP=01 UXN=1 (still writable at EL0)", AP_01 | D_UXN, EL1, NOCTL,
	     REASON_ARM_EL0_WRITABLE, 0x8600000f),
	X_NO("EL1 fetch AP=01 PXN=1", AP_01 | D_PXN, EL1, NOCTL, REASON_ANY, 0x8600000f),
	X_OK("EL1 fetch AP=11 (EL0 read-only)", AP_11, EL1, NOCTL),
	X_OK("EL1 fetch AP=10", AP_10, EL1, NOCTL),
	X_NO("EL1 fetch AP=00 WXN=1", AP_00, EL1, WXN, REASON_ARM_WXN, 0x8600000f),
	X_OK("EL1 fetch AP=10 WXN=1", AP_10, EL1, WXN),
	X_OK("EL1 fetch AP=11 WXN=1", AP_11, EL1, WXN),
	X_OK("EL1 fetch AP=11 PAN=1 (PAN is for data)", AP_11, EL1, { .pan = true }),
	X_NO("EL1 fetch AP=01 PAN=1", AP_01, EL1, { .pan = true }, REASON_ARM_EL0_WRITABLE,
	     0x8600000f),
	/* Blocks: the level bits are the block's. */
	{ .name = "EL0 fetch 2M block UXN=1", .geom = G4K_48, .va = VA_LO, .leaf_level = 2,
	  .leaf = OA_2M | D_AF | D_BLOCK | AP_11 | D_UXN, .access = EX, .priv = EL0, .ok = false,
	  .level = 2, .kind = FAULT_PERMISSION, .reason = REASON_ARM_UXN, .esr = 0x8200000e },
	{ .name = "EL1 fetch 64K 512M block PXN=1", .geom = G64K_48, .va = VA_LO,
	  .leaf_level = 2, .leaf = OA_512M | D_AF | D_BLOCK | D_PXN, .access = EX, .priv = EL1,
	  .ok = false, .level = 2, .kind = FAULT_PERMISSION, .reason = REASON_ARM_PXN,
	  .esr = 0x8600000e },
	{ .name = "EL1 fetch 16K page PXN=0", .geom = G16K_48, .va = VA_LO, .leaf_level = 3,
	  .leaf = PAGE | AP_10, .access = EX, .priv = EL1, .ok = true, .pa = 0x987653abcull,
	  .size = 0x4000, .level = 3 },
};

Test(walk_aarch64, execute_permissions)
{
	RUN(exec_cases);
}

/* ======================================================================
 * EPAN: SCTLR_EL1.EPAN = 1 with PSTATE.PAN = 1 also refuses EL1 data
 * accesses to locations with EL0 execute permission (UXN = 0 and no
 * UXNTable; D8.4 "PAN", FEAT_PAN3), whatever AP[1].  Fetches and EL0
 * accesses are not affected; EPAN means nothing while PAN = 0.
 * ====================================================================== */

static const struct arm_case epan_cases[] = {
	P_OK("PAN alone: EL1 read AP=00 UXN=0", AP_00, EL1, RD, true),
	{ .name = "PAN+EPAN: EL1 read AP=00 UXN=0", .geom = G4K_48,
	  .ctl = { .pan = true, .epan = true }, .va = VA_LO, .leaf_level = 3, .leaf = PAGE | AP_00,
	  .access = RD, .priv = EL1, .ok = false, .level = 3, .kind = FAULT_PERMISSION,
	  .reason = REASON_ARM_PAN, .esr = 0x9600000f },
	{ .name = "PAN+EPAN: EL1 write AP=00 UXN=0", .geom = G4K_48,
	  .ctl = { .pan = true, .epan = true }, .va = VA_LO, .leaf_level = 3, .leaf = PAGE | AP_00,
	  .access = WR, .priv = EL1, .ok = false, .level = 3, .kind = FAULT_PERMISSION,
	  .reason = REASON_ARM_PAN, .esr = 0x9600004f },
	{ .name = "PAN+EPAN: EL1 read AP=10 UXN=0", .geom = G4K_48,
	  .ctl = { .pan = true, .epan = true }, .va = VA_LO, .leaf_level = 3, .leaf = PAGE | AP_10,
	  .access = RD, .priv = EL1, .ok = false, .level = 3, .kind = FAULT_PERMISSION,
	  .reason = REASON_ARM_PAN, .esr = 0x9600000f },
	{ .name = "PAN+EPAN: EL1 read AP=00 UXN=1", .geom = G4K_48,
	  .ctl = { .pan = true, .epan = true }, .va = VA_LO, .leaf_level = 3,
	  .leaf = PAGE | AP_00 | D_UXN, .access = RD, .priv = EL1, .ok = true,
	  .pa = 0x987650abcull, .size = 0x1000, .level = 3 },
	{ .name = "PAN+EPAN: UXNTable above, EL1 read AP=00 UXN=0", .geom = G4K_48,
	  .ctl = { .pan = true, .epan = true }, .va = VA_LO, .leaf_level = 3, .leaf = PAGE | AP_00,
	  .tbl = { 0, T_UXNTABLE, 0, 0 }, .access = RD, .priv = EL1, .ok = true,
	  .pa = 0x987650abcull, .size = 0x1000, .level = 3 },
	{ .name = "PAN, no EPAN: EL1 read AP=00 UXN=0", .geom = G4K_48, .ctl = { .pan = true },
	  .va = VA_LO, .leaf_level = 3, .leaf = PAGE | AP_00, .access = RD, .priv = EL1,
	  .ok = true, .pa = 0x987650abcull, .size = 0x1000, .level = 3 },
	{ .name = "EPAN without PAN: EL1 read AP=00 UXN=0", .geom = G4K_48,
	  .ctl = { .epan = true }, .va = VA_LO, .leaf_level = 3, .leaf = PAGE | AP_00,
	  .access = RD, .priv = EL1, .ok = true, .pa = 0x987650abcull, .size = 0x1000,
	  .level = 3 },
	{ .name = "PAN+EPAN: EL1 fetch AP=00 UXN=0", .geom = G4K_48,
	  .ctl = { .pan = true, .epan = true }, .va = VA_LO, .leaf_level = 3, .leaf = PAGE | AP_00,
	  .access = EX, .priv = EL1, .ok = true, .pa = 0x987650abcull, .size = 0x1000,
	  .level = 3 },
	{ .name = "PAN+EPAN: EL0 read AP=11", .geom = G4K_48,
	  .ctl = { .pan = true, .epan = true }, .va = VA_LO, .leaf_level = 3, .leaf = PAGE | AP_11,
	  .access = RD, .priv = EL0, .ok = true, .pa = 0x987650abcull, .size = 0x1000,
	  .level = 3 },
	{ .name = "PAN: EL1 read AP=01 UXN=1 (AP[1] alone)", .geom = G4K_48,
	  .ctl = { .pan = true }, .va = VA_LO, .leaf_level = 3, .leaf = PAGE | AP_01 | D_UXN,
	  .access = RD, .priv = EL1, .ok = false, .level = 3, .kind = FAULT_PERMISSION,
	  .reason = REASON_ARM_PAN, .esr = 0x9600000f },
};

Test(walk_aarch64, pan_epan)
{
	RUN(epan_cases);
}

/* ======================================================================
 * Hierarchical permissions: D8.4 "Hierarchical control of data access
 * permissions" and "... of instruction execution": a table descriptor's
 * APTable[0] (bit 61) = 1 removes EL0 access below it (effective AP[1] =
 * 0), APTable[1] (bit 62) = 1 removes write access (effective AP[2] = 1),
 * UXNTable (bit 60) / PXNTable (bit 59) make everything below UXN / PXN;
 * from any level.  TCR_EL1.HPD0 / HPD1 (FEAT_HPDS) = 1 ignores all four in
 * that half's tables.  The effective AP is what the other rules see
 * (pseudocode AArch64.S1DirectBasePermissions: "Locations writable by
 * unprivileged cannot be executed by privileged" uses the AP after
 * APTable; PAN uses it too).  The fault's level is the leaf's.
 * ====================================================================== */

#define H(nm, g, va_, ctl_, leafbits, t0, t1, t2, pr, acc, ok_, rsn, esr_)                    \
	{ .name = nm, .geom = g, .ctl = ctl_, .va = va_, .leaf_level = 3,                       \
	  .leaf = PAGE | (leafbits), .tbl = { t0, t1, t2, 0 }, .access = acc, .priv = pr,        \
	  .ok = ok_, .pa = 0x987650abcull, .size = 0x1000, .level = 3,                          \
	  .kind = (ok_) ? FAULT_NONE : FAULT_PERMISSION, .reason = rsn, .esr = esr_ }

#define TBI1_HPD1 { .tbi1 = true, .hpd1 = true }
#define TBI1_HPD0 { .tbi1 = true, .hpd0 = true }
#define TBI0_HPD0 { .tbi0 = true, .hpd0 = true }
#define TBI0_HPD1 { .tbi0 = true, .hpd1 = true }

static const struct arm_case hier_cases[] = {
	/* APTable = 01 (bit 61) at level 1 over AP = 01 */
	H("APTable[0] L1: EL0 read", G4K_48, VA_LO, NOCTL, AP_01, 0, T_APTABLE0, 0, EL0, RD, false,
	  REASON_ARM_EL0_NO_ACCESS, 0x9200000f),
	H("APTable[0] L1: EL0 write", G4K_48, VA_LO, NOCTL, AP_01, 0, T_APTABLE0, 0, EL0, WR, false,
	  REASON_ARM_EL0_NO_ACCESS, 0x9200004f),
	H("APTable[0] L1: EL1 write", G4K_48, VA_LO, NOCTL, AP_01, 0, T_APTABLE0, 0, EL1, WR, true,
	  REASON_NONE, 0),
	H("APTable[0] L1: EL1 read with PAN (no longer EL0-accessible)", G4K_48, VA_LO,
	  { .pan = true }, AP_01, 0, T_APTABLE0, 0, EL1, RD, true, REASON_NONE, 0),
	H("APTable[0] L1: EL1 fetch (no longer EL0-writable)", G4K_48, VA_LO, NOCTL, AP_01, 0,
	  T_APTABLE0, 0, EL1, EX, true, REASON_NONE, 0),
	H("APTable[0] L1: EL0 fetch (execute is UXN's)", G4K_48, VA_LO, NOCTL, AP_01, 0,
	  T_APTABLE0, 0, EL0, EX, true, REASON_NONE, 0),
	/* APTable = 10 (bit 62) at level 0 over AP = 01 */
	H("APTable[1] L0: EL0 write", G4K_48, VA_LO, NOCTL, AP_01, T_APTABLE1, 0, 0, EL0, WR, false,
	  REASON_ARM_READ_ONLY, 0x9200004f),
	H("APTable[1] L0: EL1 write", G4K_48, VA_LO, NOCTL, AP_01, T_APTABLE1, 0, 0, EL1, WR, false,
	  REASON_ARM_READ_ONLY, 0x9600004f),
	H("APTable[1] L0: EL0 read", G4K_48, VA_LO, NOCTL, AP_01, T_APTABLE1, 0, 0, EL0, RD, true,
	  REASON_NONE, 0),
	H("APTable[1] L0: EL1 fetch (no longer EL0-writable)", G4K_48, VA_LO, NOCTL, AP_01,
	  T_APTABLE1, 0, 0, EL1, EX, true, REASON_NONE, 0),
	/* APTable = 11 at level 2 */
	H("APTable=11 L2: EL0 read", G4K_48, VA_LO, NOCTL, AP_01, 0, 0, T_APTABLE0 | T_APTABLE1,
	  EL0, RD, false, REASON_ARM_EL0_NO_ACCESS, 0x9200000f),
	H("APTable=11 L2: EL1 read", G4K_48, VA_LO, NOCTL, AP_01, 0, 0, T_APTABLE0 | T_APTABLE1,
	  EL1, RD, true, REASON_NONE, 0),
	H("APTable=11 L2: EL1 write", G4K_48, VA_LO, NOCTL, AP_01, 0, 0, T_APTABLE0 | T_APTABLE1,
	  EL1, WR, false, REASON_ARM_READ_ONLY, 0x9600004f),
	/* UXNTable / PXNTable */
	H("UXNTable L0: EL0 fetch", G4K_48, VA_LO, NOCTL, AP_11, T_UXNTABLE, 0, 0, EL0, EX, false,
	  REASON_ARM_UXN, 0x8200000f),
	H("UXNTable L0: EL1 fetch", G4K_48, VA_LO, NOCTL, AP_11, T_UXNTABLE, 0, 0, EL1, EX, true,
	  REASON_NONE, 0),
	H("PXNTable L2: EL1 fetch", G4K_48, VA_LO, NOCTL, AP_00, 0, 0, T_PXNTABLE, EL1, EX, false,
	  REASON_ARM_PXN, 0x8600000f),
	H("PXNTable L2: EL0 fetch", G4K_48, VA_LO, NOCTL, AP_11, 0, 0, T_PXNTABLE, EL0, EX, true,
	  REASON_NONE, 0),
	H("PXNTable L2: EL1 read", G4K_48, VA_LO, NOCTL, AP_00, 0, 0, T_PXNTABLE, EL1, RD, true,
	  REASON_NONE, 0),
	/* NSTable is for Secure state only: no effect on a Non-secure walk. */
	H("NSTable L1: EL1 read", G4K_48, VA_LO, NOCTL, AP_00, 0, T_NSTABLE, 0, EL1, RD, true,
	  REASON_NONE, 0),
	/* HPD0 = 1: TTBR0's table bits ignored */
	H("HPD0: APTable[0] ignored, EL0 read", G4K_48, VA_LO, { .hpd0 = true }, AP_01, 0,
	  T_APTABLE0, 0, EL0, RD, true, REASON_NONE, 0),
	H("HPD0: APTable[1] ignored, EL0 write", G4K_48, VA_LO, { .hpd0 = true }, AP_01,
	  T_APTABLE1, 0, 0, EL0, WR, true, REASON_NONE, 0),
	H("HPD0: UXNTable ignored, EL0 fetch", G4K_48, VA_LO, { .hpd0 = true }, AP_11, T_UXNTABLE,
	  0, 0, EL0, EX, true, REASON_NONE, 0),
	H("HPD0: PXNTable ignored, EL1 fetch", G4K_48, VA_LO, { .hpd0 = true }, AP_00, 0, 0,
	  T_PXNTABLE, EL1, EX, true, REASON_NONE, 0),
	H("HPD1 does not cover TTBR0", G4K_48, VA_LO, { .hpd1 = true }, AP_01, 0, T_APTABLE0, 0,
	  EL0, RD, false, REASON_ARM_EL0_NO_ACCESS, 0x9200000f),
	/* TTBR1 */
	H("TTBR1 APTable[0]: EL0 read", G4K_48, VA_HI, NOCTL, AP_01, 0, T_APTABLE0, 0, EL0, RD,
	  false, REASON_ARM_EL0_NO_ACCESS, 0x9200000f),
	H("HPD1: TTBR1 APTable[0] ignored", G4K_48, VA_HI, { .hpd1 = true }, AP_01, 0, T_APTABLE0,
	  0, EL0, RD, true, REASON_NONE, 0),
	H("HPD0 does not cover TTBR1", G4K_48, VA_HI, { .hpd0 = true }, AP_01, 0, T_APTABLE0, 0,
	  EL0, RD, false, REASON_ARM_EL0_NO_ACCESS, 0x9200000f),
	H("HPD1: TTBR1 PXNTable ignored", G4K_48, VA_HI, { .hpd1 = true }, AP_00, T_PXNTABLE, 0, 0,
	  EL1, EX, true, REASON_NONE, 0),
	/* Tagged addresses (TBI): the half, and so its HPDn, is bit 55's, not bit 63's. */
	H("TBI1 tag 0x12 (bit 63 = 0), HPD1: APTable[0] ignored", G4K_48, 0x12ffff8012345abcull,
	  TBI1_HPD1, AP_01, 0, T_APTABLE0, 0, EL0, RD, true, REASON_NONE, 0),
	H("TBI1 tag 0x12 (bit 63 = 0), HPD0 only: APTable[0] applies", G4K_48,
	  0x12ffff8012345abcull, TBI1_HPD0, AP_01, 0, T_APTABLE0, 0, EL0, RD, false,
	  REASON_ARM_EL0_NO_ACCESS, 0x9200000f),
	H("TBI0 tag 0xff (bit 63 = 1), HPD0: APTable[0] ignored", G4K_48, 0xff00001234567abcull,
	  TBI0_HPD0, AP_01, 0, T_APTABLE0, 0, EL0, RD, true, REASON_NONE, 0),
	H("TBI0 tag 0xff (bit 63 = 1), HPD1 only: APTable[0] applies", G4K_48,
	  0xff00001234567abcull, TBI0_HPD1, AP_01, 0, T_APTABLE0, 0, EL0, RD, false,
	  REASON_ARM_EL0_NO_ACCESS, 0x9200000f),
	/* Other granules: the table bits of the short initial level count too. */
	{ .name = "16K/48 APTable[0] at L0 (2 entries): EL0 read", .geom = G16K_48, .va = VA_LO,
	  .leaf_level = 3, .leaf = PAGE | AP_01, .tbl = { T_APTABLE0, 0, 0, 0 }, .access = RD,
	  .priv = EL0, .ok = false, .level = 3, .kind = FAULT_PERMISSION,
	  .reason = REASON_ARM_EL0_NO_ACCESS, .esr = 0x9200000f },
	{ .name = "64K/48 UXNTable at L1 (64 entries): EL0 fetch", .geom = G64K_48, .va = VA_LO,
	  .leaf_level = 3, .leaf = PAGE | AP_11, .tbl = { 0, T_UXNTABLE, 0, 0 }, .access = EX,
	  .priv = EL0, .ok = false, .level = 3, .kind = FAULT_PERMISSION,
	  .reason = REASON_ARM_UXN, .esr = 0x8200000f },
	/* Over a block: the fault's level is the block's. */
	{ .name = "APTable[1] L1 over a 2M block: EL1 write", .geom = G4K_48, .va = VA_LO,
	  .leaf_level = 2, .leaf = OA_2M | D_AF | D_BLOCK | AP_00, .tbl = { 0, T_APTABLE1, 0, 0 },
	  .access = WR, .priv = EL1, .ok = false, .level = 2, .kind = FAULT_PERMISSION,
	  .reason = REASON_ARM_READ_ONLY, .esr = 0x9600004e },
};

Test(walk_aarch64, hierarchical_permissions)
{
	RUN(hier_cases);
}

/* ======================================================================
 * Dirty state: D8.5 "Hardware management of the dirty state" (FEAT_HAFDBS):
 * with TCR_EL1.HD = 1 a block/page with DBM (bit 51) = 1 and AP[2] = 1 is
 * writable-clean: a write that only AP[2] would refuse succeeds and the
 * hardware clears AP[2] in memory.  Without HD, or without DBM, AP[2] = 1
 * is read-only.  Rules other than AP[2] (EL0 no access, APTable[1] above,
 * PAN) still refuse, and then the descriptor is left alone.  Reads do not
 * touch it.  HA = 1 in every case (FEAT_HAFDBS dirty state builds on it).
 * ====================================================================== */

#define HAHD { .ha = true, .hd = true }
#define HAHD_PAN { .ha = true, .hd = true, .pan = true }
#define DIRTY(nm, g, lvl, leaf_, ctl_, t1, pr, acc, ok_, pa_, size_, rsn, esr_, after)         \
	{ .name = nm, .geom = g, .ctl = ctl_, .va = VA_LO, .leaf_level = lvl, .leaf = leaf_,    \
	  .tbl = { 0, t1, 0, 0 }, .access = acc, .priv = pr, .ok = ok_, .pa = pa_,             \
	  .size = size_, .level = lvl, .kind = (ok_) ? FAULT_NONE : FAULT_PERMISSION,          \
	  .reason = rsn, .esr = esr_, .leaf_after = after }

static const struct arm_case dirty_cases[] = {
	DIRTY("DBM AP=10: EL1 write cleans AP[2]", G4K_48, 3, PAGE | D_DBM | AP_10, HAHD, 0, EL1,
	      WR, true, 0x987650abcull, 0x1000, REASON_NONE, 0, PAGE | D_DBM | AP_00),
	DIRTY("DBM AP=10: EL1 read leaves it", G4K_48, 3, PAGE | D_DBM | AP_10, HAHD, 0, EL1, RD,
	      true, 0x987650abcull, 0x1000, REASON_NONE, 0, 0),
	DIRTY("DBM AP=11: EL0 write cleans AP[2]", G4K_48, 3, PAGE | D_DBM | AP_11, HAHD, 0, EL0,
	      WR, true, 0x987650abcull, 0x1000, REASON_NONE, 0, PAGE | D_DBM | AP_01),
	DIRTY("DBM AP=10, HD=0: read-only", G4K_48, 3, PAGE | D_DBM | AP_10, { .ha = true }, 0,
	      EL1, WR, false, 0, 0, REASON_ARM_READ_ONLY, 0x9600004f, 0),
	/* TCR_EL1.HD: "enabled, only if the HA bit is also set to 1" (Arm ARM). */
	DIRTY("DBM AP=10, HD=1 HA=0: read-only", G4K_48, 3, PAGE | D_DBM | AP_10, { .hd = true }, 0,
	      EL1, WR, false, 0, 0, REASON_ARM_READ_ONLY, 0x9600004f, 0),
	DIRTY("no DBM, AP=10, HD=1: read-only", G4K_48, 3, PAGE | AP_10, HAHD, 0, EL1, WR, false,
	      0, 0, REASON_ARM_READ_ONLY, 0x9600004f, 0),
	DIRTY("DBM AP=10: EL0 write (no EL0 access)", G4K_48, 3, PAGE | D_DBM | AP_10, HAHD, 0,
	      EL0, WR, false, 0, 0, REASON_ANY, 0x9200004f, 0),
	DIRTY("DBM AP=10, AF=0: EL1 write sets AF and cleans AP[2]", G4K_48, 3,
	      OA_PAGE | D_PAGE | D_DBM | AP_10, HAHD, 0, EL1, WR, true, 0x987650abcull, 0x1000,
	      REASON_NONE, 0, PAGE | D_DBM | AP_00),
	DIRTY("DBM AP=10 under APTable[1]: EL1 write", G4K_48, 3, PAGE | D_DBM | AP_10, HAHD,
	      T_APTABLE1, EL1, WR, false, 0, 0, REASON_ARM_READ_ONLY, 0x9600004f, 0),
	DIRTY("DBM AP=00 (already dirty): EL1 write", G4K_48, 3, PAGE | D_DBM | AP_00, HAHD, 0,
	      EL1, WR, true, 0x987650abcull, 0x1000, REASON_NONE, 0, 0),
	DIRTY("DBM AP=11 with PAN: EL1 write", G4K_48, 3, PAGE | D_DBM | AP_11,
	      HAHD_PAN, 0, EL1, WR, false, 0, 0, REASON_ANY,
	      0x9600004f, 0),
	DIRTY("DBM 2M block AP=10: EL1 write", G4K_48, 2, OA_2M | D_AF | D_BLOCK | D_DBM | AP_10,
	      HAHD, 0, EL1, WR, true, 0x123567abcull, 0x200000, REASON_NONE, 0,
	      OA_2M | D_AF | D_BLOCK | D_DBM | AP_00),
	DIRTY("DBM 64K page AP=11: EL0 write", G64K_48, 3, PAGE | D_DBM | AP_11, HAHD, 0, EL0, WR,
	      true, 0x987657abcull, 0x10000, REASON_NONE, 0, PAGE | D_DBM | AP_01),
	DIRTY("DBM AP=10: EL1 fetch leaves it", G4K_48, 3, PAGE | D_DBM | AP_10, HAHD, 0, EL1, EX,
	      true, 0x987650abcull, 0x1000, REASON_NONE, 0, 0),
};

Test(walk_aarch64, dirty_state)
{
	RUN(dirty_cases);
}

/* ======================================================================
 * Contiguous bit: D8.? "The Contiguous bit" (bit 52): the descriptor is
 * one of an aligned run of entries that a TLB may hold as one: 4K granule
 * 16 entries at levels 1-3 (16 GiB, 32 MiB, 64 KiB); 16K 32 at level 2
 * (1 GiB), 128 at level 3 (2 MiB); 64K 32 at level 2 (16 GiB) and level 3
 * (2 MiB).  mmusim reports the run as page_size.  Each entry still maps
 * its own part: OA = run base + the VA's offset in the run, rounded to the
 * entry.  With VA_LO:
 *   4K L3: run 0x987650000, entry +0x7000 -> 0x987657abc
 *   4K L2: run 0x126000000, entry +0x400000 -> 0x126567abc
 *   4K L1: run 0x400000000, entry +0x200000000 -> 0x634567abc
 *   16K L3: run 0x987600000, entry +0x164000 -> 0x987767abc
 *   16K L2: run 0x140000000, entry +0x34000000 -> 0x174567abc
 *   64K L3: run 0x987600000, entry +0x160000 -> 0x987767abc
 *   64K L2: run 0x400000000, entry +0x220000000 -> 0x634567abc
 * ====================================================================== */

static const struct arm_case contiguous_cases[] = {
	XLATE("4K page, contiguous (64K)", G4K_48, VA_LO, 3, 0x987657000ull | D_AF | D_CONT | D_PAGE,
	      0x987657abcull, 0x10000),
	XLATE("4K 2M block, contiguous (32M)", G4K_48, VA_LO, 2,
	      0x126400000ull | D_AF | D_CONT | D_BLOCK, 0x126567abcull, 0x2000000),
	XLATE("4K 1G block, contiguous (16G)", G4K_48, VA_LO, 1,
	      0x600000000ull | D_AF | D_CONT | D_BLOCK, 0x634567abcull, 0x400000000ull),
	XLATE("16K page, contiguous (2M)", G16K_48, VA_LO, 3,
	      0x987764000ull | D_AF | D_CONT | D_PAGE, 0x987767abcull, 0x200000),
	XLATE("16K 32M block, contiguous (1G)", G16K_48, VA_LO, 2,
	      0x174000000ull | D_AF | D_CONT | D_BLOCK, 0x174567abcull, 0x40000000),
	XLATE("64K page, contiguous (2M)", G64K_48, VA_LO, 3,
	      0x987760000ull | D_AF | D_CONT | D_PAGE, 0x987767abcull, 0x200000),
	XLATE("64K 512M block, contiguous (16G)", G64K_48, VA_LO, 2,
	      0x620000000ull | D_AF | D_CONT | D_BLOCK, 0x634567abcull, 0x400000000ull),
	XLATE("64K/42 page, contiguous (2M)", G64K_42, VA_LO, 3,
	      0x987760000ull | D_AF | D_CONT | D_PAGE, 0x987767abcull, 0x200000),
	XLATE("4K/48 TTBR1 page, contiguous (64K)", G4K_48, VA_HI, 3,
	      0x987655000ull | D_AF | D_CONT | D_PAGE, 0x987655abcull, 0x10000),
};

Test(walk_aarch64, contiguous)
{
	RUN(contiguous_cases);
}

/* ======================================================================
 * ESR_EL1 encoding, every exception class: ESR_EL1 "EC": 0b100000
 * Instruction Abort from a lower EL, 0b100001 taken without a change in
 * EL, 0b100100 / 0b100101 the Data Aborts; "IL": 1 for Instruction Aborts
 * and Data Aborts with ISV = 0; ISS "WnR" (bit 6, Data Abort only): 1 when
 * the abort was caused by a write; "DFSC"/"IFSC" as above.  The VA and its
 * tables are the same in each row; only the access and the EL change.
 * ====================================================================== */

#define ESR_ROW(nm, lvl, pr, acc, esr_)                                                       \
	INVALID(nm, G4K_48, VA_LO, lvl, D_INVALID, acc, pr, esr_)

static const struct arm_case esr_cases[] = {
	ESR_ROW("EL0 read, translation L3", 3, EL0, RD, 0x92000007),
	ESR_ROW("EL0 write, translation L3", 3, EL0, WR, 0x92000047),
	ESR_ROW("EL0 fetch, translation L3", 3, EL0, EX, 0x82000007),
	ESR_ROW("EL1 read, translation L3", 3, EL1, RD, 0x96000007),
	ESR_ROW("EL1 write, translation L3", 3, EL1, WR, 0x96000047),
	ESR_ROW("EL1 fetch, translation L3", 3, EL1, EX, 0x86000007),
	ESR_ROW("EL1 fetch, translation L2", 2, EL1, EX, 0x86000006),
	ESR_ROW("EL0 write, translation L1", 1, EL0, WR, 0x92000045),
	ESR_ROW("EL1 write, translation L0", 0, EL1, WR, 0x96000044),
	ESR_ROW("EL0 fetch, translation L0", 0, EL0, EX, 0x82000004),
	AF_FAULT("EL1 fetch, access flag L1", G4K_48, 1, OA_1G | D_BLOCK, EX, EL1, 0x86000009),
	AF_FAULT("EL0 write, access flag L3", G4K_48, 3, OA_PAGE | D_PAGE | AP_01, WR, EL0,
		 0x9200004b),
	P_NO("EL0 write, permission L3", AP_11, EL0, WR, false, REASON_ARM_READ_ONLY, 0x9200004f),
	X_NO("EL1 fetch, permission L3", D_PXN, EL1, NOCTL, REASON_ARM_PXN, 0x8600000f),
};

Test(walk_aarch64, esr_encoding)
{
	RUN(esr_cases);
}
