/*
 * aarch64_regs: the AArch64 EL1 control registers that shape stage-1
 * translation, and VTCR_EL2 that shapes stage 2, as values (Arm ARM DDI
 * 0487, D19.2 "TCR_EL1, Translation Control Register (EL1)", "SCTLR_EL1,
 * System Control Register (EL1)", "MAIR_EL1", "VTCR_EL2") — encoded from a config for `dump --elf` and the QEMU stub,
 * and decoded from a value given with `--tcr` or recorded in an image.
 *
 * TCR_EL1 as mmusim writes it:
 *
 *   T0SZ = 64 - address_width, T1SZ = 64 - upper_address_width (the same
 *               when the config leaves it out)
 *   TG0 / TG1   the granule (base_page_size); the two fields encode it differently
 *   IRGN0/1 = ORGN0/1 = 0b01, SH0/1 = 0b11: walks are Normal write-back
 *               read/write-allocate, inner shareable (as Linux sets them)
 *   IPS         phys_addr_width (the smallest PA size that holds it)
 *   A1 = 0      TTBR0 holds the ASID
 *   AS, TBI0/1, HA, HD, HPD0/1, EPD0/1   the cpu: keys of the same names
 *   every other field 0
 *
 * SCTLR_EL1: M, C, I and SPAN, the bits Linux sets whatever the CPU (RES1
 * before the features that define them: EOS 11, TSCXT 20, EIS 22, nTLSMD 28,
 * LSMAOE 29), plus WXN and EPAN from the cpu: keys.  MAIR_EL1 is cpu: mair.
 */
#ifndef MMUSIM_PT_AARCH64_REGS_H
#define MMUSIM_PT_AARCH64_REGS_H

#include <stdint.h>

#include "cpu_ctl.h"
#include "ctl_reg.h"
#include "mm_error.h"
#include "paging_consts.h"

/* TCR_EL1 fields (D19.2). */
#define TCR_T0SZ_SHIFT   0          /* [5:0] size offset of the TTBR0 region: VA bits = 64 - T0SZ */
#define TCR_EPD0         (1ull << 7)  /* no walks for TTBR0 addresses */
#define TCR_IRGN0_SHIFT  8          /* [9:8] inner cacheability of TTBR0 walks */
#define TCR_ORGN0_SHIFT  10         /* [11:10] outer cacheability */
#define TCR_SH0_SHIFT    12         /* [13:12] shareability */
#define TCR_TG0_SHIFT    14         /* [15:14] TTBR0 granule: 00 4K, 01 64K, 10 16K */
#define TCR_T1SZ_SHIFT   16         /* [21:16] */
#define TCR_A1           (1ull << 22) /* ASID from TTBR1 (else TTBR0) */
#define TCR_EPD1         (1ull << 23)
#define TCR_IRGN1_SHIFT  24
#define TCR_ORGN1_SHIFT  26
#define TCR_SH1_SHIFT    28
#define TCR_TG1_SHIFT    30         /* [31:30] TTBR1 granule: 01 16K, 10 4K, 11 64K */
#define TCR_IPS_SHIFT    32         /* [34:32] intermediate physical address size */
#define TCR_AS           (1ull << 36) /* 16-bit ASIDs */
#define TCR_TBI0         (1ull << 37) /* top byte ignored, TTBR0 addresses */
#define TCR_TBI1         (1ull << 38)
#define TCR_HA           (1ull << 39) /* hardware Access flag update */
#define TCR_HD           (1ull << 40) /* hardware dirty state (DBM) */
#define TCR_HPD0         (1ull << 41) /* hierarchical permissions disabled, TTBR0 */
#define TCR_HPD1         (1ull << 42)
#define TCR_SZ_MASK      0x3full
#define TCR_TG_MASK      0x3ull
#define TCR_IPS_MASK     0x7ull
#define TCR_WBWA         0x1ull     /* IRGN/ORGN 0b01: write-back, read/write-allocate */
#define TCR_INNER_SHARED 0x3ull     /* SH 0b11 */

/* SCTLR_EL1 bits (D19.2). */
#define SCTLR_M          (1ull << 0)  /* stage-1 translation on */
#define SCTLR_C          (1ull << 2)  /* data caches */
#define SCTLR_I          (1ull << 12) /* instruction caches */
#define SCTLR_WXN        (1ull << 19) /* writable implies execute-never */
#define SCTLR_SPAN       (1ull << 23) /* 1: PSTATE.PAN unchanged on taking an exception to EL1 */
#define SCTLR_EPAN       (1ull << 57) /* PAN also for EL0-executable pages */
/* EOS, TSCXT, EIS, nTLSMD, LSMAOE: RES1 without their features; Linux sets them all. */
#define SCTLR_LINUX_RES1 ((1ull << 11) | (1ull << 20) | (1ull << 22) | (1ull << 28) | (1ull << 29))

uint64_t aarch64_tcr_encode(const struct paging_consts *pc, const struct cpu_ctl *ctl);
/*
 * pc's address_width (with nr_levels and highest_translation_level to
 * match), upper_address_width (0 when T1SZ = T0SZ), phys_addr_width and
 * ctl's TCR keys from a TCR_EL1 value.  Refused (MM_EINVAL): TG0 and TG1 naming different or reserved
 * granules, a granule other than pc's, a reserved or 52-bit IPS.
 */
int aarch64_tcr_decode(uint64_t tcr, struct paging_consts *pc, struct cpu_ctl *ctl, struct mm_error *err);
uint64_t aarch64_sctlr_encode(const struct paging_consts *pc, const struct cpu_ctl *ctl);
/* WXN and EPAN into ctl; refused when M = 0 (no stage-1 translation to walk). */
int aarch64_sctlr_decode(uint64_t sctlr, struct paging_consts *pc, struct cpu_ctl *ctl, struct mm_error *err);

/* tcr, mair, sctlr: the list pt_arch_aarch64.ctl_regs points to. */
extern const struct ctl_reg aarch64_ctl_regs[];

/*
 * VTCR_EL2 (D19.2 "VTCR_EL2, Virtualization Translation Control Register"),
 * the stage-2 walk's: as mmusim writes it, T0SZ = 64 - address_width, SL0
 * the start level (nr_levels: 4K 0b00 level 2, 0b01 level 1, 0b10 level 0;
 * 16K and 64K 0b00 level 3, 0b01 level 2, 0b10 level 1), TG0 the granule,
 * PS the smallest PA size holding phys_addr_width, IRGN0 = ORGN0 = 0b01 and
 * SH0 = 0b11 (write-back inner-shareable walks), VS / HA / HD the cpu: keys
 * vmid16 / ha / hd, bit 31 RES1, every other field 0.
 */
#define VTCR_T0SZ_SHIFT  0          /* [5:0] IPA bits = 64 - T0SZ */
#define VTCR_SL0_SHIFT   6          /* [7:6] start level, by granule */
#define VTCR_IRGN0_SHIFT 8
#define VTCR_ORGN0_SHIFT 10
#define VTCR_SH0_SHIFT   12
#define VTCR_TG0_SHIFT   14         /* [15:14] 00 4K, 01 64K, 10 16K (TCR_EL1.TG0's codes) */
#define VTCR_PS_SHIFT    16         /* [18:16] PA size, TCR_EL1.IPS's codes */
#define VTCR_VS          (1ull << 19) /* 16-bit VMIDs (else 8) */
#define VTCR_HA          (1ull << 21) /* hardware stage-2 Access flag */
#define VTCR_HD          (1ull << 22) /* hardware stage-2 dirty state (DBM) */
#define VTCR_RES1        (1ull << 31)
#define VTCR_SL0_MASK    0x3ull

/* The PA size TCR_EL1.IPS / VTCR_EL2.PS names for `bits`: the smallest of 32, 36, 40, 42, 44, 48, 52 holding it. */
unsigned aarch64_pa_size(unsigned bits);

uint64_t aarch64_vtcr_encode(const struct paging_consts *pc, const struct cpu_ctl *ctl);
/*
 * pc's address_width, nr_levels (highest_translation_level capped to them)
 * and phys_addr_width, and ctl's vmid16 / ha / hd, from a VTCR_EL2 value.
 * Refused (MM_EINVAL), naming the fields: a reserved or other granule than
 * pc's, a reserved SL0 (4K level 3 is FEAT_TTST's, 16K level 0 FEAT_LPA2's),
 * a T0SZ the start level cannot resolve (1 to index bits + 4 at the start
 * level: up to 16 concatenated tables), a reserved or 52-bit PS.
 */
int aarch64_vtcr_decode(uint64_t vtcr, struct paging_consts *pc, struct cpu_ctl *ctl, struct mm_error *err);

/* vtcr: the list pt_arch_aarch64_stage2.ctl_regs points to. */
extern const struct ctl_reg aarch64_s2_ctl_regs[];

#endif
