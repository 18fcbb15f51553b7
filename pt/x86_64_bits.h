/*
 * x86-64 paging-structure entry bits (Intel SDM vol. 3, 4.5, tables 4-14 to
 * 4-20).  The same 64-bit layout serves PML5E, PML4E, PDPTE, PDE and PTE; bit 7
 * is PS in the upper levels and PAT in a 4 KiB PTE.
 */
#ifndef MMUSIM_PT_X86_64_BITS_H
#define MMUSIM_PT_X86_64_BITS_H

#include <stdint.h>

#define X86_P        (1ull << 0)   /* present */
#define X86_RW       (1ull << 1)   /* 1 = writes allowed */
#define X86_US       (1ull << 2)   /* 1 = user-mode accesses allowed */
#define X86_PWT      (1ull << 3)   /* page-level write-through (PAT index bit 0) */
#define X86_PCD      (1ull << 4)   /* page-level cache disable (PAT index bit 1) */
#define X86_A        (1ull << 5)   /* accessed: set by the walk on every entry used */
#define X86_D        (1ull << 6)   /* dirty: set on the leaf by a write */
#define X86_PS       (1ull << 7)   /* page size: this PDPTE/PDE maps a 1G/2M page */
#define X86_PAT_4K   (1ull << 7)   /* PAT index bit 2, in a 4 KiB PTE */
#define X86_G        (1ull << 8)   /* global: kept across CR3 loads (leaf only) */
#define X86_AVL9     (1ull << 9)   /* ignored by hardware: software bit */
#define X86_AVL10    (1ull << 10)
#define X86_AVL11    (1ull << 11)
#define X86_PAT_LARGE (1ull << 12) /* PAT index bit 2, in a 2M/1G leaf */
#define X86_ADDR_MASK 0x000ffffffffff000ull /* bits 51:12: frame address */
#define X86_PK_SHIFT 59            /* bits 62:59: protection key (leaf only) */
#define X86_PK_MASK  (0xfull << X86_PK_SHIFT)
#define X86_XD       (1ull << 63)  /* execute disable (reserved when NXE=0) */

/* #PF error code bits (SDM 4.7). */
#define X86_PF_P     (1u << 0)     /* 0: not present; 1: protection or reserved bit */
#define X86_PF_W     (1u << 1)     /* the access was a write */
#define X86_PF_U     (1u << 2)     /* the access was in user mode */
#define X86_PF_RSVD  (1u << 3)     /* a reserved bit was set in some entry */
#define X86_PF_I     (1u << 4)     /* instruction fetch (with NXE or SMEP) */
#define X86_PF_PK    (1u << 5)     /* protection-key violation */

static inline unsigned x86_pte_pkey(uint64_t pte)
{
	return (unsigned)((pte & X86_PK_MASK) >> X86_PK_SHIFT);
}

/* The PAT bit's position in a leaf at `level`. */
static inline uint64_t x86_pat_bit(unsigned level)
{
	return level == 1 ? X86_PAT_4K : X86_PAT_LARGE;
}

#endif
