/*
 * canonical_va: the VA an entry or a question stands for, made canonical —
 * the bits above the config's VA width copies of its top bit (x86-64, Sv39
 * and above), or zero for a narrow format (x86 32-bit, Sv32).
 */
#ifndef MMUSIM_TOOLS_CANONICAL_VA_H
#define MMUSIM_TOOLS_CANONICAL_VA_H

#include <stdint.h>

#include <mmusim.h>

/* va sign-extended (or truncated) from the config's VA width to its canonical 64-bit form. */
uint64_t canonical_va(const mmusim_config *cfg, uint64_t va);

#endif
