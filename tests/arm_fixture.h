/*
 * arm_fixture: hand-built VMSAv8-64 stage-1 translation tables for the
 * AArch64 walk suite (test_walk_aarch64.c).
 *
 * Written from the Arm ARM (DDI 0487, chapter D8 "The AArch64 Virtual
 * Memory System Architecture"), not from pt/arch_aarch64.c: descriptor bit
 * positions are D8.3 "Translation table descriptor formats" (table,
 * block and page descriptors, 48-bit OA), the index a VA selects at each
 * lookup level and the initial lookup level come from D8.2 "Translation
 * process" (granule, TxSZ), and the ESR_EL1 fields from the ESR_EL1
 * register description ("ISS encoding for an exception from a Data Abort /
 * Instruction Abort").  Descriptors are written as raw 64-bit values into
 * simulated physical memory at hand-chosen addresses.
 *
 * Levels here are Arm's (0..3, 3 = the page level).  mmusim counts from the
 * leaf up, so its level = 4 - Arm level (AARCH64.md).
 *
 * Memory: RAM at 0x40000000 (QEMU virt), 256 MiB, frames of one granule.
 * Each VA half has its own nodes, one per Arm level, and may have its own
 * VA size and so its own initial level (armfx_split):
 *
 *   node(half, L) = 0x40000000 + (1 + 4 * half + L) * granule
 *
 * TTBR0 (half 0, VA bit 55 = 0) is walk_request.root, TTBR1 (half 1) is
 * walker.upper_root; both are the node of the initial lookup level.
 *
 * Header only (static inline): CMake builds each tests/test_*.c with
 * tests/support.c and nothing else.
 */
#ifndef MMUSIM_TESTS_ARM_FIXTURE_H
#define MMUSIM_TESTS_ARM_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>

#include "pt/cpu_ctl.h"
#include "pt/page_prop.h"
#include "pt/paging_consts.h"
#include "pt/pt_arch.h"
#include "pt/pt_mem.h"
#include "pt/walk.h"
#include "sim/physmem.h"

/* ---- D8.3: bits[1:0] of a descriptor ---- */
#define D_INVALID 0x0ull  /* bit 0 = 0: fault */
#define D_RESERVED 0x2ull /* 0b10: bit 0 = 0, also a fault */
#define D_BLOCK 0x1ull    /* 0b01 at levels that may hold a block */
#define D_TABLE 0x3ull    /* 0b11 at levels 0..2 */
#define D_PAGE 0x3ull     /* 0b11 at level 3 */

/* ---- D8.3: stage 1 block/page attributes (lower 11:2, upper 63:50) ---- */
#define D_ATTRIDX(i) ((uint64_t)(i) << 2) /* AttrIndx[2:0], MAIR_EL1 byte */
#define D_NS (1ull << 5)
#define D_AP1 (1ull << 6)  /* AP[1]: accessible at EL0 */
#define D_AP2 (1ull << 7)  /* AP[2]: read-only */
#define D_SH_INNER (3ull << 8)
#define D_AF (1ull << 10)  /* Access flag */
#define D_NG (1ull << 11)  /* not global */
#define D_DBM (1ull << 51) /* Dirty Bit Modifier */
#define D_CONT (1ull << 52) /* Contiguous */
#define D_PXN (1ull << 53)
#define D_UXN (1ull << 54)

/* AP[2:1] (D8.4, stage 1 data access permissions). */
#define AP_00 0ull                 /* EL1 RW, EL0 none */
#define AP_01 D_AP1                /* EL1 RW, EL0 RW */
#define AP_10 D_AP2                /* EL1 RO, EL0 none */
#define AP_11 (D_AP2 | D_AP1)      /* EL1 RO, EL0 RO */

/* ---- D8.3: stage 1 table descriptor attributes (63:59) ---- */
#define T_PXNTABLE (1ull << 59)
#define T_UXNTABLE (1ull << 60)
#define T_APTABLE0 (1ull << 61) /* APTable[0]: no EL0 access below */
#define T_APTABLE1 (1ull << 62) /* APTable[1]: no write access below */
#define T_NSTABLE (1ull << 63)

/* ---- ESR_EL1 (register description): EC[31:26], IL[25], ISS[24:0] ---- */
#define EC_IABT_LOW 0x20u  /* Instruction Abort from a lower EL (EL0) */
#define EC_IABT_CUR 0x21u  /* Instruction Abort taken without a change in EL (EL1) */
#define EC_DABT_LOW 0x24u  /* Data Abort from a lower EL */
#define EC_DABT_CUR 0x25u  /* Data Abort taken without a change in EL */
#define ESR_IL (1ull << 25)
#define ESR_WNR (1ull << 6)
/* DFSC/IFSC [5:0], ll = the lookup level. */
#define FSC_ADDR_SIZE(l) (0x00u | (l))
#define FSC_TRANSLATION(l) (0x04u | (l))
#define FSC_ACCESS_FLAG(l) (0x08u | (l))
#define FSC_PERMISSION(l) (0x0cu | (l))
#define FSC_SEA_WALK(l) (0x14u | (l))

#define ARM_MEM_BASE 0x40000000ull
#define ARM_MEM_SIZE (256ull << 20)

/* The geometries of the suite: granule and VA size (64 - TxSZ). */
enum arm_geom {
	G4K_48,  /* 4 KiB, 48-bit: initial lookup level 0, 512 entries */
	G4K_39,  /* 4 KiB, 39-bit: initial lookup level 1 */
	G4K_42,  /* 4 KiB, 42-bit: initial lookup level 0 with 8 entries */
	G16K_48, /* 16 KiB, 48-bit: level 0 with 2 entries */
	G16K_47, /* 16 KiB, 47-bit: initial lookup level 1, 2048 entries */
	G64K_48, /* 64 KiB, 48-bit: level 1 with 64 entries */
	G64K_42, /* 64 KiB, 42-bit: initial lookup level 2, 8192 entries */
	G64K_52, /* 64 KiB, 52-bit (FEAT_LVA): level 1 with 1024 entries */
	G_COUNT
};

struct arm_geom_desc {
	const char *name;
	unsigned granule_shift;   /* 12, 14, 16 */
	unsigned va_bits;
	unsigned start_level;     /* Arm initial lookup level (D8.2 tables) */
	unsigned top_entries;     /* entries the initial level indexes */
	unsigned first_block;     /* lowest Arm level with blocks (4K: 1; 16K, 64K: 2) */
};

/*
 * D8.2 "Translation process": each level resolves granule_shift - 3 VA bits;
 * the initial level is the one whose field holds VA bit va_bits - 1, and it
 * indexes 2^(va_bits - its lowest bit) entries.  D8.3: blocks at level 1 and 2
 * for 4K, level 2 only for 16K and 64K (without FEAT_LPA2).
 */
static const struct arm_geom_desc arm_geoms[G_COUNT] = {
	[G4K_48] = { "4K/48", 12, 48, 0, 512, 1 },   /* L0 = VA[47:39] */
	[G4K_39] = { "4K/39", 12, 39, 1, 512, 1 },   /* L1 = VA[38:30] */
	[G4K_42] = { "4K/42", 12, 42, 0, 8, 1 },     /* L0 = VA[41:39] */
	[G16K_48] = { "16K/48", 14, 48, 0, 2, 2 },   /* L0 = VA[47] */
	[G16K_47] = { "16K/47", 14, 47, 1, 2048, 2 }, /* L1 = VA[46:36] */
	[G64K_48] = { "64K/48", 16, 48, 1, 64, 2 },  /* L1 = VA[47:42] */
	[G64K_42] = { "64K/42", 16, 42, 2, 8192, 2 }, /* L2 = VA[41:29] */
	[G64K_52] = { "64K/52", 16, 52, 1, 1024, 2 }, /* L1 = VA[51:42] */
};

struct armfx {
	const struct arm_geom_desc *g;   /* TTBR0's geometry */
	const struct arm_geom_desc *ug;  /* TTBR1's: g, or another VA size of the same granule (T1SZ != T0SZ) */
	struct paging_consts pc;
	struct paging_consts upper_pc;   /* TTBR1's table when ug != g */
	struct physmem *pm;
	struct pt_mem mem;
	struct cpu_ctl ctl;
	struct walker w;
};

/* The paging constants of geometry g (TxSZ = 64 - va_bits), a PA of pa_bits (0: 48). */
static inline struct paging_consts armfx_consts(const struct arm_geom_desc *g, unsigned pa_bits)
{
	return (struct paging_consts){
		.base_page_size = 1ull << g->granule_shift,
		.nr_levels = 4 - g->start_level,
		.pte_size = 8,
		.address_width = g->va_bits,
		.va_sign_ext = true,
		.highest_translation_level = 4 - g->first_block,
		.phys_addr_width = pa_bits ? pa_bits : 48,
		.partial_top = true,
		.split_halves = true,
	};
}

/* pa_bits: the PA size (TCR_EL1.IPS), 0 = 48. Control bits all 0. */
static inline void armfx_setup(struct armfx *fx, enum arm_geom geom, unsigned pa_bits)
{
	struct mm_error err = { 0 };
	const struct arm_geom_desc *g = &arm_geoms[geom];

	memset(fx, 0, sizeof(*fx));
	fx->g = fx->ug = g;
	fx->pc = armfx_consts(g, pa_bits);
	cr_assert_eq(paging_consts_derive(&fx->pc, &err), MM_OK, "%s: paging_consts_derive: %s",
		     g->name, err.msg);
	fx->pm = physmem_create(ARM_MEM_BASE, ARM_MEM_SIZE, 1ull << g->granule_shift, &err);
	cr_assert_not_null(fx->pm, "physmem_create: %s", err.msg);
	fx->mem = physmem_pt_mem(fx->pm);
	fx->w = (struct walker){
		.arch = &pt_arch_aarch64, .pc = &fx->pc, .ctl = &fx->ctl, .mem = &fx->mem,
	};
}

/*
 * TTBR1's half gets the VA size of `upper` (same granule): TCR_EL1.T1SZ
 * differs from T0SZ, so its table starts at its own initial lookup level
 * (D8.2).  Its constants are derived from arm_geoms like TTBR0's.
 */
static inline void armfx_split(struct armfx *fx, enum arm_geom upper)
{
	struct mm_error err = { 0 };

	cr_assert_eq(arm_geoms[upper].granule_shift, fx->g->granule_shift, "one granule for both halves");
	fx->ug = &arm_geoms[upper];
	fx->upper_pc = armfx_consts(fx->ug, fx->pc.phys_addr_width);
	cr_assert_eq(paging_consts_derive(&fx->upper_pc, &err), MM_OK, "%s: %s", fx->ug->name, err.msg);
	fx->pc.upper_address_width = fx->ug->va_bits;
	cr_assert_eq(paging_consts_derive(&fx->pc, &err), MM_OK, "%s/%s: %s", fx->g->name, fx->ug->name, err.msg);
	fx->w.upper_pc = &fx->upper_pc;
}

static inline void armfx_teardown(struct armfx *fx)
{
	if (fx->pm)
		physmem_destroy(fx->pm);
	fx->pm = NULL;
}

/* TTBR0 for bit 55 = 0, TTBR1 for bit 55 = 1 (D8.2, "VA ranges"). */
static inline unsigned armfx_half(uint64_t va)
{
	return (unsigned)((va >> 55) & 1);
}

static inline uint64_t armfx_node(const struct armfx *fx, unsigned half, unsigned arm_level)
{
	return ARM_MEM_BASE + ((uint64_t)(1 + 4 * half + arm_level) << fx->g->granule_shift);
}

/* The geometry of a half's table. */
static inline const struct arm_geom_desc *armfx_geom(const struct armfx *fx, unsigned half)
{
	return half ? fx->ug : fx->g;
}

static inline uint64_t armfx_root(const struct armfx *fx, unsigned half)
{
	return armfx_node(fx, half, armfx_geom(fx, half)->start_level);
}

/* Lowest VA bit that level `arm_level` resolves. */
static inline unsigned armfx_shift(const struct armfx *fx, unsigned arm_level)
{
	return fx->g->granule_shift + (3 - arm_level) * (fx->g->granule_shift - 3);
}

/* The index `va` selects at `arm_level`: the initial level holds only top_entries. */
static inline unsigned armfx_index(const struct armfx *fx, uint64_t va, unsigned arm_level)
{
	const struct arm_geom_desc *g = armfx_geom(fx, armfx_half(va));
	uint64_t entries = arm_level == g->start_level ? g->top_entries : 1ull << (g->granule_shift - 3);

	return (unsigned)((va >> armfx_shift(fx, arm_level)) & (entries - 1));
}

static inline uint64_t armfx_slot(const struct armfx *fx, uint64_t va, unsigned arm_level)
{
	return armfx_node(fx, armfx_half(va), arm_level) + 8ull * armfx_index(fx, va, arm_level);
}

static inline void armfx_put(struct armfx *fx, uint64_t pa, uint64_t val)
{
	cr_assert_eq(physmem_write(fx->pm, pa, 8, val), MM_OK, "physmem_write(%#llx)",
		     (unsigned long long)pa);
}

static inline uint64_t armfx_get(struct armfx *fx, uint64_t pa)
{
	uint64_t v = 0;

	cr_assert_eq(physmem_read(fx->pm, pa, 8, &v), MM_OK, "physmem_read(%#llx)",
		     (unsigned long long)pa);
	return v;
}

/*
 * Table descriptors (next node | 0b11 | tbl[L]) from the initial level down
 * to leaf_level - 1, then `leaf` at leaf_level; tbl[L] may add table
 * attributes or stray address bits to the descriptor at Arm level L.
 * Returns the leaf's address.
 */
static inline uint64_t armfx_map(struct armfx *fx, uint64_t va, unsigned leaf_level,
				 uint64_t leaf, const uint64_t tbl[4])
{
	unsigned half = armfx_half(va);

	for (unsigned l = armfx_geom(fx, half)->start_level; l < leaf_level; l++)
		armfx_put(fx, armfx_slot(fx, va, l),
			  armfx_node(fx, half, l + 1) | D_TABLE | (tbl ? tbl[l] : 0));
	armfx_put(fx, armfx_slot(fx, va, leaf_level), leaf);
	return armfx_slot(fx, va, leaf_level);
}

static inline void armfx_walk(struct armfx *fx, uint64_t va, enum access_kind access,
			      enum privilege priv, struct walk_result *res)
{
	struct walk_request req = {
		.root = armfx_root(fx, 0), .va = va, .access = access, .priv = priv,
	};

	fx->w.upper_root = armfx_root(fx, 1);
	memset(res, 0xa5, sizeof(*res)); /* no stale zeros that look like a right answer */
	walk(&fx->w, &req, res);
}

#endif
