/*
 * s2_fixture: hand-built VMSAv8-64 stage-2 translation tables for the
 * aarch64_stage2 suites (test_walk_aarch64_s2.c, test_stage2_report_aarch64.c).
 *
 * Written from the Arm ARM (DDI 0487, D8 "The AArch64 Virtual Memory System
 * Architecture"), not from pt/arch_aarch64_s2.c: the descriptor bits are D8.3's
 * stage 2 block and page attributes, the bits each lookup level resolves and
 * the concatenated tables at the initial lookup come from D8.2 (VTCR_EL2.T0SZ
 * and SL0), and ESR_EL2 from its register description (ISS for a Data Abort /
 * Instruction Abort).  Descriptors are raw 64-bit values written into
 * simulated physical memory at hand-chosen addresses.
 *
 * Levels here are Arm's (0..3); the initial lookup level is 4 - nr_levels.
 *
 * Memory: RAM at 0x40000000, 64 MiB, frames of one granule.  The root (the
 * initial lookup level's table, up to 16 concatenated ones) sits at
 * 0x40100000, aligned to 1 MiB (16 x 64K); the table of each lower Arm level
 * L at 0x40800000 + L * granule.
 *
 * Header only (static inline): CMake builds each tests/test_*.c with
 * tests/support.c and nothing else.
 */
#ifndef MMUSIM_TESTS_S2_FIXTURE_H
#define MMUSIM_TESTS_S2_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include <criterion/criterion.h>

#include "pt/cpu_ctl.h"
#include "pt/paging_consts.h"
#include "pt/pt_arch.h"
#include "pt/pt_mem.h"
#include "pt/walk.h"
#include "sim/physmem.h"

/* ---- D8.3: bits[1:0] ---- */
#define S2_TABLE 0x3ull /* levels 0..2 */
#define S2_PAGE 0x3ull  /* level 3 */
#define S2_BLOCK 0x1ull /* levels 1, 2 (4K); 2 (16K, 64K) */

/* ---- D8.3: stage 2 block and page attributes ---- */
#define S2_MEMATTR(m) ((uint64_t)(m) << 2) /* MemAttr[3:0], bits 5:2 */
#define S2AP_R (1ull << 6)                 /* S2AP[0]: read */
#define S2AP_W (1ull << 7)                 /* S2AP[1]: write */
#define S2_SH_INNER (3ull << 8)
#define S2_AF (1ull << 10)
#define S2_DBM (1ull << 51)
#define S2_XN0 (1ull << 53)                /* XN[0] (FEAT_XNX) */
#define S2_XN1 (1ull << 54)                /* XN[1] */

/* ---- ESR_EL2 of a stage-2 abort from EL0/EL1 ---- */
#define EC_IABT_LOWER 0x20ull
#define EC_DABT_LOWER 0x24ull
#define ESR_IL (1ull << 25)
#define ESR_WNR (1ull << 6)
#define ESR_S1PTW (1ull << 7)
#define FSC_ADDR_SIZE(l) (0x00ull | (l))   /* 0b0000LL */
#define FSC_TRANSLATION(l) (0x04ull | (l)) /* 0b0001LL */
#define FSC_ACCESS_FLAG(l) (0x08ull | (l)) /* 0b0010LL */
#define FSC_PERMISSION(l) (0x0cull | (l))  /* 0b0011LL */
#define FSC_WALK_EXT(l) (0x14ull | (l))    /* 0b0101LL: synchronous external abort on a walk */

static inline uint64_t s2_esr_of(enum access_kind a, uint64_t fsc)
{
	uint64_t ec = a == ACCESS_EXEC ? EC_IABT_LOWER : EC_DABT_LOWER;

	return ec << 26 | ESR_IL | (a == ACCESS_WRITE ? ESR_WNR : 0) | fsc;
}

#define S2_MEM_BASE 0x40000000ull
#define S2_MEM_SIZE (64ull << 20)
#define S2_ROOT 0x40100000ull

struct s2_env {
	struct paging_consts pc;
	struct physmem *pm;
	struct pt_mem mem;
	struct cpu_ctl ctl;
	struct walker w;
	unsigned start; /* initial lookup level (Arm) */
};

/* A granule (4096, 16384, 65536), a start level as levels (VTCR_EL2.SL0), an IPA and a PA size. */
static inline void s2_init(struct s2_env *e, unsigned granule, unsigned levels, unsigned ipa_bits,
			   unsigned pa_bits)
{
	struct mm_error err = { 0 };
	unsigned block_top = granule == 4096 ? 3 : 2;

	*e = (struct s2_env){ 0 };
	e->pc.base_page_size = granule;
	e->pc.nr_levels = levels;
	e->pc.pte_size = 8;
	e->pc.address_width = ipa_bits;
	e->pc.va_sign_ext = false;
	e->pc.highest_translation_level = levels < block_top ? levels : block_top;
	e->pc.phys_addr_width = pa_bits;
	e->pc.partial_top = true;
	e->pc.concat_top_bits = 4;
	cr_assert_eq(paging_consts_derive(&e->pc, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(pt_arch_check_consts(&pt_arch_aarch64_stage2, &e->pc, &err), MM_OK, "%s", err.msg);
	e->pm = physmem_create(S2_MEM_BASE, S2_MEM_SIZE, granule, NULL);
	cr_assert(e->pm);
	e->mem = physmem_pt_mem(e->pm);
	e->ctl = (struct cpu_ctl){ .vmid16 = true };
	e->w = (struct walker){ .arch = &pt_arch_aarch64_stage2, .pc = &e->pc, .ctl = &e->ctl, .mem = &e->mem };
	e->start = 4 - levels;
}

static inline void s2_fini(struct s2_env *e)
{
	physmem_destroy(e->pm);
}

static inline unsigned s2_page_shift(const struct s2_env *e)
{
	return (unsigned)__builtin_ctzll(e->pc.base_page_size);
}

/* D8.2: level L resolves IPA bits [shift + stride, shift) with stride = granule bits - 3; the start level up to the IPA size. */
static inline unsigned s2_index(const struct s2_env *e, uint64_t ipa, unsigned alevel)
{
	unsigned g = s2_page_shift(e), stride = g - 3, shift = g + (3 - alevel) * stride;
	unsigned width = alevel == e->start ? e->pc.address_width - shift : stride;

	return (unsigned)((ipa >> shift) & ((1ull << width) - 1));
}

static inline uint64_t s2_node(const struct s2_env *e, unsigned alevel)
{
	return alevel == e->start ? S2_ROOT : 0x40800000ull + alevel * e->pc.base_page_size;
}

static inline uint64_t s2_slot(const struct s2_env *e, uint64_t ipa, unsigned alevel)
{
	return s2_node(e, alevel) + 8ull * s2_index(e, ipa, alevel);
}

static inline void s2_write(struct s2_env *e, uint64_t pa, uint64_t val)
{
	cr_assert_eq(physmem_write(e->pm, pa, 8, val), MM_OK);
}

static inline uint64_t s2_read(struct s2_env *e, uint64_t pa)
{
	uint64_t v = 0;

	physmem_read(e->pm, pa, 8, &v);
	return v;
}

/* Table descriptors from the start level down to leaf_alevel - 1, then `leaf`; returns the leaf's address. */
static inline uint64_t s2_map(struct s2_env *e, uint64_t ipa, unsigned leaf_alevel, uint64_t leaf)
{
	for (unsigned l = e->start; l < leaf_alevel; l++)
		s2_write(e, s2_slot(e, ipa, l), s2_node(e, l + 1) | S2_TABLE);
	s2_write(e, s2_slot(e, ipa, leaf_alevel), leaf);
	return s2_slot(e, ipa, leaf_alevel);
}

static inline void s2_walk(struct s2_env *e, uint64_t ipa, enum access_kind a, enum privilege p,
			   struct walk_result *res)
{
	struct walk_request req = { .root = S2_ROOT, .va = ipa, .access = a, .priv = p };

	*res = (struct walk_result){ 0 };
	walk(&e->w, &req, res);
}

/* A page of every right, Normal write-back, AF set: the base that tests take bits from. */
#define S2_RW_PAGE(pa) ((pa) | S2_PAGE | S2_MEMATTR(0xf) | S2AP_R | S2AP_W | S2_SH_INNER | S2_AF)

#endif
