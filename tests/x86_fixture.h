/*
 * x86_fixture: shared helpers for the x86-64 PTE and walk suites.
 *
 * Everything here is written from the Intel SDM vol. 3 ch. 4, not from the
 * implementation: the PTE bit positions are tables 4-14 .. 4-20 (4-level and
 * 5-level paging), the VA index fields are 4.5 ("bits 56:48 select the PML5E,
 * 47:39 the PML4E, 38:30 the PDPTE, 29:21 the PDE, 20:12 the PTE"), and an
 * entry's address is the table's base plus index * 8.
 *
 * The fixture builds a machine by hand: paging constants, 4 GiB of simulated
 * physical memory and the CPU control bits.  Tests write raw 8-byte PTEs at
 * hand-chosen node addresses: the node of level L lives at L * 0x10000, so a
 * table entry at level L points to (L-1) * 0x10000.
 *
 * Header only (static inline): CMake builds each tests/test_*.c with
 * tests/support.c and nothing else.
 */
#ifndef MMUSIM_TESTS_X86_FIXTURE_H
#define MMUSIM_TESTS_X86_FIXTURE_H

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

/* ---- PTE bits, SDM tables 4-14 .. 4-20 ---- */
#define T_P      (1ull << 0)   /* present */
#define T_RW     (1ull << 1)   /* read/write */
#define T_US     (1ull << 2)   /* user/supervisor */
#define T_PWT    (1ull << 3)   /* page-level write-through */
#define T_PCD    (1ull << 4)   /* page-level cache disable */
#define T_A      (1ull << 5)   /* accessed */
#define T_D      (1ull << 6)   /* dirty (leaf only; ignored in pointers) */
#define T_PS     (1ull << 7)   /* page size (PDPTE, PDE); reserved in PML4E/PML5E */
#define T_PAT4K  (1ull << 7)   /* PAT in a PTE mapping a 4 KiB page */
#define T_G      (1ull << 8)   /* global (leaf only) */
#define T_AVL9   (1ull << 9)   /* ignored, software available */
#define T_AVL10  (1ull << 10)  /* ignored, software available */
#define T_AVL11  (1ull << 11)  /* ignored (HLAT restart in pointers) */
#define T_PATL   (1ull << 12)  /* PAT in a PDE/PDPTE mapping a 2 MiB / 1 GiB page */
#define T_XD     (1ull << 63)  /* execute-disable; reserved while EFER.NXE=0 */
#define T_PK(k)  ((uint64_t)(k) << 59) /* protection key, bits 62:59 of a leaf */
#define T_TBL    (T_P | T_RW | T_US)   /* most permissive pointer */

/* #PF error code bits, SDM 4.7 figure 4-12 */
#define PF_P    0x01u
#define PF_W    0x02u
#define PF_U    0x04u
#define PF_RSVD 0x08u
#define PF_ID   0x10u
#define PF_PK   0x20u

/* PKRU: bit 2k = ADk (access disable), bit 2k+1 = WDk (write disable), SDM 4.6.2 */
#define PKRU_AD(k) (1u << (2 * (k)))
#define PKRU_WD(k) (1u << (2 * (k) + 1))

/* Bytes mapped by a leaf at level 1 / 2 / 3. */
#define SZ_4K 0x1000ull
#define SZ_2M 0x200000ull
#define SZ_1G 0x40000000ull

/* Where the node of each level lives (level 1..5). */
static inline uint64_t x86fx_node(unsigned level)
{
	return (uint64_t)level << 16;
}

/* SDM 4.5: the 9-bit index a VA selects at `level` (1 = PT .. 5 = PML5). */
static inline unsigned x86fx_idx(uint64_t va, unsigned level)
{
	return (unsigned)((va >> (12 + 9 * (level - 1))) & 0x1ff);
}

/* Address of the entry for `va` at `level` in the fixture's layout. */
static inline uint64_t x86fx_slot(uint64_t va, unsigned level)
{
	return x86fx_node(level) + (uint64_t)x86fx_idx(va, level) * 8;
}

struct x86fx {
	struct paging_consts pc;
	struct physmem *pm;
	struct pt_mem mem;
	struct cpu_ctl ctl;
	struct walker w;
};

/*
 * levels 4 (address_width 48) or 5 (57); maxphy = phys_addr_width (0: 52);
 * htl = highest_translation_level (0: 3).  Control bits start as WP=1 NXE=1.
 */
static inline void x86fx_setup(struct x86fx *fx, unsigned levels, unsigned maxphy, unsigned htl)
{
	struct mm_error err = { 0 };

	memset(fx, 0, sizeof(*fx));
	fx->pc = (struct paging_consts){
		.base_page_size = 4096,
		.nr_levels = levels,
		.pte_size = 8,
		.address_width = levels == 5 ? 57 : 48,
		.va_sign_ext = true,
		.highest_translation_level = htl ? htl : 3,
		.phys_addr_width = maxphy ? maxphy : 52,
	};
	cr_assert_eq(paging_consts_derive(&fx->pc, &err), MM_OK, "paging_consts_derive: %s",
		     err.msg);
	fx->pm = physmem_create(0, 1ull << 32, 4096, &err);
	cr_assert_not_null(fx->pm, "physmem_create: %s", err.msg);
	fx->mem = physmem_pt_mem(fx->pm);
	fx->ctl.wp = true;
	fx->ctl.nxe = true;
	fx->w = (struct walker){
		.arch = &pt_arch_x86_64, .pc = &fx->pc, .ctl = &fx->ctl, .mem = &fx->mem,
	};
}

static inline void x86fx_teardown(struct x86fx *fx)
{
	if (fx->pm)
		physmem_destroy(fx->pm);
	fx->pm = NULL;
}

static inline void x86fx_put(struct x86fx *fx, uint64_t pa, uint64_t val)
{
	cr_assert_eq(physmem_write(fx->pm, pa, 8, val), MM_OK, "physmem_write(0x%llx)",
		     (unsigned long long)pa);
}

static inline uint64_t x86fx_get(struct x86fx *fx, uint64_t pa)
{
	uint64_t v = 0;

	cr_assert_eq(physmem_read(fx->pm, pa, 8, &v), MM_OK, "physmem_read(0x%llx)",
		     (unsigned long long)pa);
	return v;
}

/* Writes pte[L] into the slot `va` selects at each level L = nr_levels .. 1. */
static inline void x86fx_path(struct x86fx *fx, uint64_t va, const uint64_t pte[6])
{
	for (unsigned l = fx->pc.nr_levels; l >= 1; l--)
		x86fx_put(fx, x86fx_slot(va, l), pte[l]);
}

static inline void x86fx_walk(struct x86fx *fx, uint64_t va, enum access_kind access,
			      enum privilege priv, struct walk_result *res)
{
	struct walk_request req = {
		.root = x86fx_node(fx->pc.nr_levels), .va = va, .access = access, .priv = priv,
	};

	memset(res, 0xa5, sizeof(*res)); /* no stale zeros that look like a right answer */
	walk(&fx->w, &req, res);
}

#endif
