/*
 * rv_fixture: shared helpers for the RISC-V suites (test_pte_riscv.c,
 * test_walk_riscv.c).
 *
 * Everything here is written from the RISC-V privileged spec, not from the
 * implementation: the PTE bit positions are the ones of the Sv39/Sv48/Sv57 PTE
 * figure ("Sv39 page table entry"), and the tables are built by writing raw
 * 8-byte PTEs into simulated physical memory.  Header-only (static inline)
 * because CMake links each test_*.c with tests/support.c only.
 *
 * Memory: [0x80000000, 0xC0000000), 4 KiB frames.  Page-table nodes sit at
 * fixed, hand-chosen addresses: the root (level nr_levels) at 0x80001000, the
 * node for level nr_levels-1 at 0x80002000, and so on down to level 1:
 *
 *   node(L) = 0x80000000 + (nr_levels - L + 1) * 0x1000
 */
#ifndef MMUSIM_TESTS_RV_FIXTURE_H
#define MMUSIM_TESTS_RV_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "pt/cpu_ctl.h"
#include "pt/page_prop.h"
#include "pt/paging_consts.h"
#include "pt/pt_arch.h"
#include "pt/pt_mem.h"
#include "pt/walk.h"
#include "sim/physmem.h"

/* ---- Sv39/Sv48/Sv57 PTE bits, from the spec's PTE figure ---- */
#define T_V (1ull << 0)          /* valid */
#define T_R (1ull << 1)          /* readable */
#define T_W (1ull << 2)          /* writable */
#define T_X (1ull << 3)          /* executable */
#define T_U (1ull << 4)          /* user */
#define T_G (1ull << 5)          /* global */
#define T_A (1ull << 6)          /* accessed */
#define T_D (1ull << 7)          /* dirty */
#define T_RSW0 (1ull << 8)       /* RSW, supervisor software */
#define T_RSW1 (1ull << 9)
#define T_PPN_SHIFT 10           /* PPN in bits 53:10 (44 bits) */
#define T_PPN_MASK (((1ull << 44) - 1) << T_PPN_SHIFT)
#define T_RSVD(b) (1ull << (b))  /* bits 60:54, reserved */
#define T_PBMT(v) ((uint64_t)(v) << 61) /* Svpbmt, bits 62:61 */
#define T_N (1ull << 63)         /* Svnapot */

/* Leaf/pointer PTE whose PPN is pa >> 12. */
#define T_PPN(pa) ((((uint64_t)(pa)) >> 12) << T_PPN_SHIFT)

/* scause values (privileged spec, "Supervisor cause register" table). */
#define SCAUSE_FETCH_ACCESS 1
#define SCAUSE_LOAD_ACCESS 5
#define SCAUSE_STORE_ACCESS 7
#define SCAUSE_FETCH_PAGE 12
#define SCAUSE_LOAD_PAGE 13
#define SCAUSE_STORE_PAGE 15

#define RV_MEM_BASE 0x80000000ull
#define RV_MEM_SIZE (1ull << 30)
#define RV_ROOT 0x80001000ull

/* Page fault "corresponding to the original access type". */
static inline uint64_t rv_page_fault_cause(enum access_kind a)
{
	return a == ACCESS_EXEC ? SCAUSE_FETCH_PAGE
	     : a == ACCESS_WRITE ? SCAUSE_STORE_PAGE : SCAUSE_LOAD_PAGE;
}

/* Access fault "corresponding to the original access type" (step 2). */
static inline uint64_t rv_access_fault_cause(enum access_kind a)
{
	return a == ACCESS_EXEC ? SCAUSE_FETCH_ACCESS
	     : a == ACCESS_WRITE ? SCAUSE_STORE_ACCESS : SCAUSE_LOAD_ACCESS;
}

static inline const char *rv_mode_name(unsigned levels)
{
	return levels == 3 ? "Sv39" : levels == 4 ? "Sv48" : levels == 5 ? "Sv57" : "Sv??";
}

static inline const char *rv_access_name(enum access_kind a)
{
	return a == ACCESS_EXEC ? "fetch" : a == ACCESS_WRITE ? "store" : "load";
}

/* va.vpn[i] for i = level - 1: 9 bits above the 12-bit offset (Sv39 VA figure). */
static inline unsigned rv_vpn(uint64_t va, unsigned level)
{
	return (unsigned)((va >> (12 + 9 * (level - 1))) & 0x1ff);
}

/* One machine: paging constants, memory, control bits and the walker. */
struct rv_env {
	struct paging_consts pc;
	struct physmem *pm;
	struct pt_mem mem;
	struct cpu_ctl ctl;
	struct walker w;
};

/*
 * Sv39 (3), Sv48 (4) or Sv57 (5); with `gstage` the Hypervisor extension's
 * Sv39x4/Sv48x4/Sv57x4 (2 more GPA bits in a 16 KiB root, zero-extended).
 * Returns false if the setup itself failed.
 */
static inline bool rv_env_init_as(struct rv_env *e, unsigned levels, bool gstage)
{
	*e = (struct rv_env){0};
	e->pc.base_page_size = 4096;
	e->pc.nr_levels = levels;
	e->pc.pte_size = 8;
	e->pc.address_width = 12 + 9 * levels + (gstage ? 2 : 0); /* 39, 48, 57; x4: 41, 50, 59 */
	e->pc.va_sign_ext = !gstage;
	e->pc.wide_top_bits = gstage ? 2 : 0;
	e->pc.highest_translation_level = levels; /* any level may be a leaf */
	e->pc.phys_addr_width = 56;
	if (paging_consts_derive(&e->pc, NULL) != MM_OK)
		return false;
	e->pm = physmem_create(RV_MEM_BASE, RV_MEM_SIZE, 4096, NULL);
	if (!e->pm)
		return false;
	e->mem = physmem_pt_mem(e->pm);
	e->ctl = (struct cpu_ctl){
		.sum = false, .mxr = false, .ad = AD_SVADU, .svpbmt = true, .svnapot = true,
	};
	e->w = (struct walker){
		.arch = gstage ? &pt_arch_riscv64x4 : &pt_arch_riscv64, .pc = &e->pc, .ctl = &e->ctl, .mem = &e->mem,
	};
	return true;
}

static inline bool rv_env_init(struct rv_env *e, unsigned levels)
{
	return rv_env_init_as(e, levels, false);
}

static inline void rv_env_fini(struct rv_env *e)
{
	if (e->pm)
		physmem_destroy(e->pm);
	e->pm = NULL;
}

/* The node that holds level `level`'s PTEs (see the file comment). */
static inline uint64_t rv_node(const struct rv_env *e, unsigned level)
{
	return RV_MEM_BASE + (uint64_t)(e->pc.nr_levels - level + 1) * 0x1000;
}

/* Spec step 2: a + va.vpn[i] * PTESIZE. */
static inline uint64_t rv_slot(const struct rv_env *e, uint64_t va, unsigned level)
{
	return rv_node(e, level) + (uint64_t)rv_vpn(va, level) * 8;
}

static inline void rv_write(struct rv_env *e, uint64_t pa, uint64_t val)
{
	physmem_write(e->pm, pa, 8, val);
}

static inline uint64_t rv_read(struct rv_env *e, uint64_t pa)
{
	uint64_t v = 0;
	physmem_read(e->pm, pa, 8, &v);
	return v;
}

/*
 * Writes pointer PTEs (V=1, R=W=X=0, PPN of the next node) from the root down
 * to level leaf_level+1, then `leaf` at level leaf_level.  Returns the leaf's
 * PTE address.
 */
static inline uint64_t rv_map(struct rv_env *e, uint64_t va, unsigned leaf_level, uint64_t leaf)
{
	for (unsigned l = e->pc.nr_levels; l > leaf_level; l--)
		rv_write(e, rv_slot(e, va, l), T_PPN(rv_node(e, l - 1)) | T_V);
	rv_write(e, rv_slot(e, va, leaf_level), leaf);
	return rv_slot(e, va, leaf_level);
}

static inline void rv_walk_ex(struct rv_env *e, uint64_t va, enum access_kind a,
			      enum privilege p, bool no_ad, struct walk_result *res)
{
	struct walk_request req = {
		.root = RV_ROOT, .va = va, .access = a, .priv = p, .no_ad_update = no_ad,
	};
	*res = (struct walk_result){0};
	walk(&e->w, &req, res);
}

static inline void rv_walk(struct rv_env *e, uint64_t va, enum access_kind a, enum privilege p,
			   struct walk_result *res)
{
	rv_walk_ex(e, va, a, p, false, res);
}

#endif
