/*
 * AArch64 VMSAv8-64 stage-2 descriptor bits (Arm ARM DDI 0487, D8.3
 * "Translation table descriptor formats", the stage 2 block and page
 * attributes) and the ESR_EL2 / HPFAR_EL2 fields of a stage-2 abort (D19
 * "ESR_EL2", ISS encoding for a Data Abort / Instruction Abort; "HPFAR_EL2").
 * Valid, type, the output address, SH, AF, DBM and Contiguous sit where
 * stage 1 has them (aarch64_bits.h).  Stage-2 table descriptors carry no
 * hierarchical attributes: their bits 63:59 are ignored.
 */
#ifndef MMUSIM_PT_AARCH64_S2_BITS_H
#define MMUSIM_PT_AARCH64_S2_BITS_H

#include <stdint.h>

#include "aarch64_bits.h"

/* Block and page descriptors, stage 2. */
#define ARM_S2_MEMATTR_SHIFT 2                 /* MemAttr[3:0], bits 5:2 (HCR_EL2.FWB = 0) */
#define ARM_S2_MEMATTR_MASK  (0xfull << ARM_S2_MEMATTR_SHIFT)
#define ARM_S2AP_R           (1ull << 6)       /* S2AP[0]: reads allowed */
#define ARM_S2AP_W           (1ull << 7)       /* S2AP[1]: writes allowed (set by hardware for a DBM write) */
#define ARM_S2_XN0           (1ull << 53)      /* XN[0]: with FEAT_XNX, tells EL1 from EL0 (RES0 without) */
#define ARM_S2_XN1           (1ull << 54)      /* XN[1]: execute-never (at both ELs without FEAT_XNX) */
#define ARM_S2_TABLE_IGNORED (0x1full << 59)   /* a stage-2 table descriptor's bits 63:59 */

/*
 * MemAttr: 0b00dd Device (dd: 00 nGnRnE, 01 nGnRE, 10 nGRE, 11 GRE); else
 * Normal, outer cacheability in [3:2] and inner in [1:0]: 01 Non-cacheable,
 * 10 Write-Through, 11 Write-Back (inner 00 is reserved).
 */
#define ARM_S2_MEMATTR_DEVICE 0x0  /* Device-nGnRnE */
#define ARM_S2_MEMATTR_NC     0x5  /* Normal, outer and inner Non-cacheable */
#define ARM_S2_MEMATTR_WT     0xa  /* Normal, outer and inner Write-Through */
#define ARM_S2_MEMATTR_WB     0xf  /* Normal, outer and inner Write-Back */

/* ESR_EL2 ISS: S1PTW, the stage-2 fault was on an access of the stage-1 walk. */
#define ARM_ESR_S1PTW (1ull << 7)

/* HPFAR_EL2.FIPA, bits 39:4 for 48-bit IPAs (43:4 with FEAT_LPA): IPA[47:12]. */
#define ARM_HPFAR_FIPA_SHIFT 4

#endif
