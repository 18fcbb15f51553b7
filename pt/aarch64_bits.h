/*
 * AArch64 VMSAv8-64 stage-1 descriptor bits (Arm ARM DDI 0487, D8.3
 * "Translation table descriptor formats") and the ESR_EL1 fields a
 * translation fault writes (D19 "ESR_EL1"; ISS encoding for an exception
 * from a Data Abort / Instruction Abort).  48-bit output addresses: no
 * FEAT_LPA, so bits 51:48 of a descriptor are RES0 here.
 */
#ifndef MMUSIM_PT_AARCH64_BITS_H
#define MMUSIM_PT_AARCH64_BITS_H

#include <stdbool.h>
#include <stdint.h>

#include <stddef.h>

#include "cpu_ctl.h"
#include "paging_consts.h"
#include "text_buf.h"

#define ARM_VALID       (1ull << 0)
#define ARM_TYPE        (1ull << 1)  /* 1: table (levels 0-2) or page (level 3); 0: block */
#define ARM_OA_MASK     0x0000fffffffff000ull /* bits 47:12; the granule's low bits are RES0 */

/* Table descriptors: limits on everything below (ignored with TCR.HPDn = 1). */
#define ARM_PXN_TABLE   (1ull << 59)
#define ARM_UXN_TABLE   (1ull << 60)
#define ARM_AP_TABLE0   (1ull << 61) /* APTable[0]: no EL0 access below */
#define ARM_AP_TABLE1   (1ull << 62) /* APTable[1]: no write access below */
#define ARM_NS_TABLE    (1ull << 63)

/* Block and page descriptors. */
#define ARM_ATTR_SHIFT  2            /* AttrIndx[2:0], bits 4:2: the MAIR_EL1 byte */
#define ARM_ATTR_MASK   (7ull << ARM_ATTR_SHIFT)
#define ARM_NS          (1ull << 5)
#define ARM_AP1         (1ull << 6)  /* AP[1]: accessible at EL0 */
#define ARM_AP2         (1ull << 7)  /* AP[2]: read-only */
#define ARM_SH_SHIFT    8            /* SH[1:0], bits 9:8 */
#define ARM_SH_INNER    (3ull << ARM_SH_SHIFT)
#define ARM_AF          (1ull << 10) /* Access flag */
#define ARM_NG          (1ull << 11) /* not global: tagged with the ASID */
#define ARM_DBM         (1ull << 51) /* dirty bit modifier (TCR.HD) */
#define ARM_CONT        (1ull << 52) /* one of a contiguous run */
#define ARM_PXN         (1ull << 53)
#define ARM_UXN         (1ull << 54)
#define ARM_SW0         (1ull << 55) /* bits 58:55 are for software */
#define ARM_SW1         (1ull << 56)

/* Fault status codes (DFSC/IFSC, ISS bits 5:0), plus the Arm level 0-3. */
#define ARM_FSC_ADDR_SIZE   0x00
#define ARM_FSC_TRANSLATION 0x04
#define ARM_FSC_ACCESS_FLAG 0x08
#define ARM_FSC_PERMISSION  0x0c
#define ARM_FSC_WALK_EXT    0x14     /* synchronous external abort on a table walk */

/* ESR_ELx: EC in bits 31:26, IL bit 25, WnR (ISS bit 6) for data aborts. */
#define ARM_EC_IABT_LOWER   0x20
#define ARM_EC_IABT_SAME    0x21
#define ARM_EC_DABT_LOWER   0x24
#define ARM_EC_DABT_SAME    0x25
#define ARM_ESR_EC_SHIFT    26
#define ARM_ESR_IL          (1ull << 25)
#define ARM_ESR_WNR         (1ull << 6)

/*
 * mmusim's memory types, by AttrIndx (the preset's MAIR_EL1 0xbb4400ff):
 * 0 Normal write-back, 1 Device-nGnRnE, 2 Normal non-cacheable, 3 Normal
 * write-through.
 */
#define ARM_ATTR_WB 0
#define ARM_ATTR_DEVICE 1
#define ARM_ATTR_NC 2
#define ARM_ATTR_WT 3
#define ARM_MAIR_DEFAULT 0x00000000bb4400ffull

/*
 * Bits of the permission mask (PERM_* in the low bits) that only this format
 * carries from level to level: execution at EL0 and at EL1 separately.
 */
#define ARM_PERM_UX (1u << 8)
#define ARM_PERM_PX (1u << 9)

/*
 * Levels, shared by both stages: mmusim counts from the leaf up (1 = Arm
 * level 3), so the Arm level of an entry is 4 - level, whatever the granule.
 */
static inline __attribute__((always_inline)) unsigned arm_level(unsigned level)
{
	return 4 - level;
}

/* The largest level with blocks: 1 GiB at Arm level 1 with 4K; 32M / 512M at level 2 otherwise. */
static inline __attribute__((always_inline)) unsigned arm_block_top(unsigned page_shift)
{
	return page_shift == 12 ? 3 : 2;
}

/* A leaf the granule cannot have at `level`: a block above its block levels, or 0b01 at level 3. */
static inline __attribute__((always_inline)) bool arm_leaf_misplaced(unsigned page_shift, uint64_t pte,
								     unsigned level)
{
	return level == 1 ? !(pte & ARM_TYPE) : level > arm_block_top(page_shift);
}

/* pt_arch.leaf_top, both stages: a block is a page up to the granule's top block level, whatever the config maps. */
static inline unsigned arm_leaf_top(const struct paging_consts *pc)
{
	return arm_block_top(pc->page_shift);
}

/*
 * The descriptor's type and address, the same at both stages (D8.3): a
 * table descriptor points to the next level's table, and a table's
 * descriptors are written as permissive as the format allows (stage 1 sets
 * no hierarchical limit; stage 2 has none).
 */
#define ARM_DESC_INLINE static inline __attribute__((always_inline))

ARM_DESC_INLINE uint64_t arm_make_table(const struct paging_consts *pc, uint64_t pa)
{
	return ARM_VALID | ARM_TYPE | (pa & ARM_OA_MASK & ~(pc->base_page_size - 1));
}

ARM_DESC_INLINE bool arm_is_present(const struct paging_consts *pc, uint64_t pte)
{
	(void)pc;
	return pte & ARM_VALID;
}

/* Level 3 holds only pages (0b01 there is reserved, and faults); above, type 0 is a block. */
ARM_DESC_INLINE bool arm_is_leaf(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
				 unsigned level)
{
	(void)pc;
	(void)ctl;
	return level == 1 || !(pte & ARM_TYPE);
}

ARM_DESC_INLINE uint64_t arm_pte_addr(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
				      unsigned level)
{
	(void)ctl;
	(void)level;
	return pte & ARM_OA_MASK & ~(pc->base_page_size - 1);
}

/*
 * What every block and page descriptor of both stages starts with: valid,
 * the type (0b11 for a page at level 3), the output address, the memory
 * attribute field (`attr`, already in place), inner shareable unless it is
 * Device memory, and the software bits mmusim's avail1/avail2 use.
 */
ARM_DESC_INLINE uint64_t arm_leaf_base(const struct paging_consts *pc, uint64_t pa, unsigned level, uint64_t attr,
				       bool device, bool sw0, bool sw1)
{
	uint64_t pte = ARM_VALID | (pa & ARM_OA_MASK & ~(pc->base_page_size - 1)) | attr;

	if (level == 1)
		pte |= ARM_TYPE;
	if (!device)
		pte |= ARM_SH_INNER;
	if (sw0)
		pte |= ARM_SW0;
	if (sw1)
		pte |= ARM_SW1;
	return pte;
}

/* The leaf descriptor's kind for the views: "page", "block", or why it faults. */
ARM_DESC_INLINE void arm_leaf_kind_text(const struct paging_consts *pc, uint64_t pte, unsigned level, char *buf,
					size_t len, size_t *n)
{
	if (arm_leaf_misplaced(pc->page_shift, pte, level) && level == 1)
		text_put(buf, len, n, "reserved (0b01 at level 3)");
	else if (arm_leaf_misplaced(pc->page_shift, pte, level))
		text_put(buf, len, n, "block (not allowed at level %u)", arm_level(level));
	else
		text_put(buf, len, n, "%s", level == 1 ? "page" : "block");
}

/*
 * Hardware dirty-state management (DBM pages writable-clean, a write clears
 * AP[2] or sets S2AP[1]): TCR_EL1.HD and VTCR_EL2.HD take effect "only if the
 * HA bit is also set to 1" (Arm ARM, the HD field of both registers).
 */
static inline bool arm_hw_dirty(const struct cpu_ctl *ctl)
{
	return ctl->hd && ctl->ha;
}

#endif
