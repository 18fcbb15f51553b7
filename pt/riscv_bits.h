/*
 * RISC-V PTE bits (privileged spec, "Sv32 Implementation" and "Sv39
 * Implementation" PTE formats; Svpbmt and Svnapot chapters).  One layout for
 * Sv39, Sv48 and Sv57; an Sv32 PTE is its low 32 bits: V..RSW the same, the
 * PPN in 31:10 (PPN[1] 31:20, PPN[0] 19:10), and bits 63:32 read as zero, so
 * N, PBMT and the reserved bits are never set in it.
 */
#ifndef MMUSIM_PT_RISCV_BITS_H
#define MMUSIM_PT_RISCV_BITS_H

#include <stdint.h>

#define RV_V         (1ull << 0)   /* valid */
#define RV_R         (1ull << 1)   /* readable */
#define RV_W         (1ull << 2)   /* writable (reserved without R) */
#define RV_X         (1ull << 3)   /* executable; R|X nonzero makes a leaf */
#define RV_U         (1ull << 4)   /* accessible in U-mode */
#define RV_G         (1ull << 5)   /* global; in a pointer, for everything below */
#define RV_A         (1ull << 6)   /* accessed */
#define RV_D         (1ull << 7)   /* dirty */
#define RV_RSW0      (1ull << 8)   /* reserved for supervisor software */
#define RV_RSW1      (1ull << 9)
#define RV_PPN_SHIFT 10            /* PPN at bits 53:10 (Sv32: 31:10) */
#define RV_PPN_MASK  (((1ull << 44) - 1) << RV_PPN_SHIFT)
#define RV_RSVD_MASK (0x7full << 54) /* bits 60:54: reserved for future standard use */
#define RV_PBMT_SHIFT 61           /* bits 62:61: page-based memory type (Svpbmt) */
#define RV_PBMT_MASK (3ull << RV_PBMT_SHIFT)
#define RV_N         (1ull << 63)  /* NAPOT translation contiguity (Svnapot) */

#define RV_PBMT_PMA  0             /* attributes from the PMAs: normal memory */
#define RV_PBMT_NC   1             /* non-cacheable, idempotent, weakly ordered */
#define RV_PBMT_IO   2             /* non-cacheable, non-idempotent, strongly ordered */

/* scause values (privileged spec, table "Supervisor cause register values"). */
#define RV_CAUSE_FETCH_ACCESS 1
#define RV_CAUSE_LOAD_ACCESS  5
#define RV_CAUSE_STORE_ACCESS 7
#define RV_CAUSE_FETCH_PAGE   12
#define RV_CAUSE_LOAD_PAGE    13
#define RV_CAUSE_STORE_PAGE   15
/* Hypervisor extension: G-stage (guest-physical) faults, taken with htval = GPA >> 2. */
#define RV_CAUSE_FETCH_GUEST_PAGE 20
#define RV_CAUSE_LOAD_GUEST_PAGE  21
#define RV_CAUSE_STORE_GUEST_PAGE 23

/*
 * A guest-page fault in walk_fault.code: the pair (scause, htval) in one
 * word.  htval = GPA >> 2 fills bits 63:2 (so the code reads as the GPA with
 * its two low bits replaced) and bits 1:0 hold scause - 20 (0 fetch, 1 load,
 * 3 store/AMO), lossless for any 64-bit GPA.  Access faults on a G-stage PTE
 * read keep the plain scause (1, 5, 7) as on Sv39; walk_fault.kind tells them
 * apart (FAULT_BUS_ERROR).
 */
static inline uint64_t rv_guest_page_code(uint64_t scause, uint64_t gpa)
{
	return (gpa & ~3ull) | (scause - RV_CAUSE_FETCH_GUEST_PAGE);
}

static inline uint64_t rv_guest_page_scause(uint64_t code)
{
	return RV_CAUSE_FETCH_GUEST_PAGE + (code & 3);
}

static inline uint64_t rv_guest_page_htval(uint64_t code)
{
	return code >> 2;
}

static inline uint64_t rv_pte_ppn(uint64_t pte)
{
	return (pte & RV_PPN_MASK) >> RV_PPN_SHIFT;
}

static inline unsigned rv_pte_pbmt(uint64_t pte)
{
	return (unsigned)((pte & RV_PBMT_MASK) >> RV_PBMT_SHIFT);
}

#endif
