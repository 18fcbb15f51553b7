/*
 * x86 32-bit paging entry bits (Intel SDM vol. 3 4.3, tables 4-3 to 4-6 and
 * figure 4-4).  Bits 11:0 are those of x86_64_bits.h (P, R/W, U/S, PWT, PCD,
 * A, D, PS/PAT, G, AVL); the address fields differ: 4-byte entries, frames in
 * bits 31:12, and a 4 MiB PDE (CR4.PSE=1, PS=1) holds PA bits 31:22 in bits
 * 31:22 and, with PSE-36, PA bits 39:32 in bits 20:13; bit 21 is reserved.
 */
#ifndef MMUSIM_PT_X86_32_BITS_H
#define MMUSIM_PT_X86_32_BITS_H

#include <stdint.h>

#include "x86_64_bits.h"

#define X86_32_ADDR_MASK   0xfffff000ull  /* bits 31:12: page table or 4 KiB frame */
#define X86_32_4M_LOW_MASK 0xffc00000ull  /* bits 31:22 of a 4 MiB PDE: PA bits 31:22 */
#define X86_32_4M_HIGH_SHIFT 13           /* bits 20:13 of a 4 MiB PDE: PA bits 39:32 */
#define X86_32_4M_HIGH_MASK (0xffull << X86_32_4M_HIGH_SHIFT)
#define X86_32_4M_BIT21    (1ull << 21)   /* reserved in a 4 MiB PDE */
#define X86_32_MAX_PHYS    40             /* PSE-36 reaches 40-bit physical addresses */

/* The PA a 4 MiB PDE maps. */
static inline uint64_t x86_32_pde4m_addr(uint64_t pde)
{
	return (pde & X86_32_4M_LOW_MASK) |
	       (((pde & X86_32_4M_HIGH_MASK) >> X86_32_4M_HIGH_SHIFT) << 32);
}

/* The PDE address fields for a 4 MiB page at pa (aligned to 4 MiB, below 2^40). */
static inline uint64_t x86_32_pde4m_bits(uint64_t pa)
{
	return (pa & X86_32_4M_LOW_MASK) | (((pa >> 32) & 0xff) << X86_32_4M_HIGH_SHIFT);
}

#endif
