/*
 * Intel EPT entry, EPTP and exit-qualification bits (Intel SDM vol. 3,
 * 29.3.2 "EPT Translation Mechanism", tables 29-1..29-6 for the entries,
 * 25.6.11 for the EPTP, table 28-7 "Exit Qualification for EPT Violations").
 * One 64-bit layout serves every level: bits 2:0 are the access rights,
 * bit 7 says a PDPTE/PDE maps a 1 GiB/2 MiB page, bits 51:12 the address.
 */
#ifndef MMUSIM_PT_EPT_BITS_H
#define MMUSIM_PT_EPT_BITS_H

#include <stdint.h>

#define EPT_R        (1ull << 0)   /* reads allowed */
#define EPT_W        (1ull << 1)   /* writes allowed */
#define EPT_X        (1ull << 2)   /* instruction fetches allowed (supervisor-mode ones with MBEC) */
#define EPT_RWX      (EPT_R | EPT_W | EPT_X) /* all 0: not present */
#define EPT_MT_SHIFT 3             /* bits 5:3: memory type, leaves only (reserved in pointers) */
#define EPT_MT_MASK  (7ull << EPT_MT_SHIFT)
#define EPT_IPAT     (1ull << 6)   /* ignore PAT, leaves only (reserved in pointers) */
#define EPT_LEAF     (1ull << 7)   /* PDPTE/PDE: maps a 1G/2M page; reserved in PML5E/PML4E */
#define EPT_TABLE_RSVD (EPT_MT_MASK | EPT_IPAT) /* bits 6:3, reserved in every pointer */
#define EPT_A        (1ull << 8)   /* accessed, with EPTP bit 6 */
#define EPT_D        (1ull << 9)   /* dirty (leaves), with EPTP bit 6 */
#define EPT_UX       (1ull << 10)  /* user-mode execute with MBEC; ignored without it (not modelled) */
#define EPT_IGN11    (1ull << 11)  /* ignored: software bit */
#define EPT_ADDR_MASK 0x000ffffffffff000ull /* bits 51:12 */
#define EPT_IGN52    (1ull << 52)  /* ignored: software bit */
#define EPT_SVE      (1ull << 63)  /* suppress #VE; ignored here (no #VE) */

/* EPT memory types (SDM 29.3.7); 2, 3 and 7 are reserved. */
enum ept_memory_type {
	EPT_MT_UC = 0,
	EPT_MT_WC = 1,
	EPT_MT_WT = 4,
	EPT_MT_WP = 5,
	EPT_MT_WB = 6,
};

static inline unsigned ept_memory_type(uint64_t pte)
{
	return (unsigned)((pte & EPT_MT_MASK) >> EPT_MT_SHIFT);
}

static inline int ept_memory_type_reserved(unsigned mt)
{
	return mt == 2 || mt == 3 || mt == 7;
}

/*
 * EPTP (SDM 25.6.11, table 25-9): bits 2:0 the paging-structure memory type
 * (0 UC, 6 WB), 5:3 the page-walk length minus 1, bit 6 enables EPT A/D,
 * bit 7 supervisor shadow-stack control, 11:8 reserved, 51:12 the address
 * of the EPT PML4 (PML5) table.
 */
#define EPTP_MT_MASK   0x7ull
#define EPTP_PWL_SHIFT 3
#define EPTP_PWL_MASK  (7ull << EPTP_PWL_SHIFT)
#define EPTP_AD        (1ull << 6)
#define EPTP_SSS       (1ull << 7)
#define EPTP_RSVD_LOW  0xf00ull    /* bits 11:8 */

/* VM-exit reasons (SDM vol. 3 appendix C). */
#define EPT_EXIT_VIOLATION 48
#define EPT_EXIT_MISCONFIG 49

/*
 * Exit qualification of an EPT violation (SDM table 28-7): bits 2:0 the
 * access (data read, data write, instruction fetch), bits 5:3 the AND of
 * bits 2:0 over the EPT entries used (whether the GPA was readable,
 * writable, executable), bit 7 the guest-linear-address field is valid,
 * bit 8 (with bit 7) the access was to the final GPA rather than to a guest
 * paging-structure entry.
 */
#define EPT_QUAL_READ       (1ull << 0)
#define EPT_QUAL_WRITE      (1ull << 1)
#define EPT_QUAL_FETCH      (1ull << 2)
#define EPT_QUAL_RIGHTS_SHIFT 3
#define EPT_QUAL_READABLE   (1ull << 3)
#define EPT_QUAL_WRITABLE   (1ull << 4)
#define EPT_QUAL_EXECUTABLE (1ull << 5)
#define EPT_QUAL_GLA_VALID  (1ull << 7)
#define EPT_QUAL_FINAL      (1ull << 8)

#endif
