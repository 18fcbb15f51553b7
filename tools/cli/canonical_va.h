/*
 * canonical_va: the VA an entry or a question stands for, made canonical —
 * the bits above the config's VA width copies of its top bit (x86-64, Sv39
 * and above), or zero for a narrow format (x86 32-bit, Sv32).  A format with
 * a root per VA half (AArch64) indexes each half's table with the low
 * va_bits alone: which half an entry belongs to is its table's, not a bit of
 * the index, so the caller says it.
 */
#ifndef MMUSIM_TOOLS_CANONICAL_VA_H
#define MMUSIM_TOOLS_CANONICAL_VA_H

#include <stdbool.h>
#include <stdint.h>

#include <mmusim.h>

/* va sign-extended (or truncated) from the config's VA width to its canonical 64-bit form. */
uint64_t canonical_va(const mmusim_config *cfg, uint64_t va);

/*
 * The VA that the low va_bits `va` stand for in the table of one half: with
 * split roots, all ones above the upper half's va_bits in its table (TTBR1),
 * all zeros above the lower half's in the lower's (the two sizes may differ:
 * T1SZ != T0SZ); otherwise canonical_va (upper is ignored).
 */
uint64_t canonical_va_in_half(const mmusim_config *cfg, uint64_t va, bool upper);

/* The first VA of the upper half's table (split roots only): 2^64 - 2^(its va_bits). */
uint64_t upper_half_start(const mmusim_config *cfg);
/* The last VA of the lower half's table (split roots only): 2^(its va_bits) - 1. */
uint64_t lower_half_end(const mmusim_config *cfg);

#endif
