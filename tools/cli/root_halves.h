/*
 * root_halves: the names the views give the two roots of a split-root format.
 *
 * mmusim's one such format is AArch64's stage 1 (Arm ARM D8.2): TTBR0_EL1
 * holds the user table, which translates the lower VA range, TTBR1_EL1 the
 * kernel table, for the upper range, and VA bit 55 picks the register (the
 * bits above the VA size up to bit 63, or to bit 56 when the half's top byte
 * is ignored (TCR_EL1.TBIn), must all equal it).  The issue that added the
 * format fixed these names, so they are stated here once for every view.
 * Arm also numbers the levels from the root (Arm level = 4 - mmusim's).
 */
#ifndef MMUSIM_TOOLS_ROOT_HALVES_H
#define MMUSIM_TOOLS_ROOT_HALVES_H

#include <stdbool.h>
#include <stdint.h>

#include <mmusim.h>

/* The VA bit that chooses the root: 1 = the upper half (TTBR1). */
#define ROOT_SELECT_BIT 55
/* The top byte that TBI lets software use: VA bits 63:56. */
#define TOP_BYTE_LOW_BIT 56

/* "TTBR0 (user)" or "TTBR1 (kernel)". */
const char *root_half_label(bool upper);
/* The register the half's root is loaded into: the config's ("ttbr0"), or "ttbr1". */
const char *root_half_register(const mmusim_config *cfg, bool upper);
/* True when the walk of va starts from the upper root (split roots: VA bit 55). */
bool va_in_upper_half(const mmusim_config *cfg, uint64_t va);
/*
 * True when the format's manuals number levels from the root down (Arm:
 * level 0 at the root of a 4K 48-bit table, level 3 for pages): the views
 * then give the entry's own name ("L0 descriptor") beside mmusim's level.
 */
bool levels_numbered_from_root(const mmusim_config *cfg);
/*
 * True when the two halves' tables differ in VA size (T0SZ != T1SZ: the
 * config's upper_address_width), and with it maybe in levels and top width:
 * the views then describe each half apart.
 */
bool halves_differ(const mmusim_config *cfg);
/* The levels of the deeper half's table (mmusim_config_levels when the halves have one size). */
unsigned deepest_half_levels(const mmusim_config *cfg);
/* True when the half's top byte is ignored (the config's cpu: tbi0 / tbi1). */
bool half_ignores_top_byte(const mmusim_config *cfg, bool upper);

#endif
