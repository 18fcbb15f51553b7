/*
 * walk: the hardware page walk, as the MMU performs it.
 *
 * Given the root of a page table and a VA, reads one PTE per level from
 * physical memory, applies the architecture's checks in the order the hardware
 * applies them (Intel SDM vol. 3 4.5-4.7; RISC-V privileged spec, "Virtual
 * Address Translation Process"), updates A/D bits in memory the way the
 * hardware does, and returns either the translation or the fault.  Either way
 * the result lists every PTE read, so callers can explain the walk step by step.
 */
#ifndef MMUSIM_PT_WALK_H
#define MMUSIM_PT_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu_ctl.h"
#include "paging_consts.h"
#include "pt_mem.h"

struct pt_arch;

enum access_kind { ACCESS_READ, ACCESS_WRITE, ACCESS_EXEC };
enum privilege { PRIV_USER, PRIV_SUPERVISOR };

/* Coarse fault classes, as reported to users ("kind" in JSON). */
enum fault_kind {
	FAULT_NONE,
	FAULT_NON_CANONICAL,
	FAULT_NOT_PRESENT,
	FAULT_RESERVED_BIT,
	FAULT_PERMISSION,
	FAULT_MISALIGNED_SUPERPAGE,
	FAULT_ACCESSED_DIRTY,
	FAULT_NO_LEAF,
	FAULT_BUS_ERROR,
	FAULT_KIND_COUNT
};

/* The precise rule that faulted; walk_reason_text() says it in words. */
enum fault_reason {
	REASON_NONE,
	REASON_NON_CANONICAL,        /* VA high bits are not a sign extension */
	REASON_NOT_PRESENT,          /* x86 P=0 / RISC-V V=0 */
	REASON_BUS_ERROR,            /* PTE address outside physical memory */
	/* x86-64 reserved bits (SDM 4.5, tables 4-15 .. 4-20) */
	REASON_X86_RSVD_PHYS_BITS,   /* address bits at or above MAXPHYADDR */
	REASON_X86_RSVD_PS,          /* PS=1 where no page may be mapped */
	REASON_X86_RSVD_LARGE_LOW,   /* low address bits of a 2M/1G leaf (other than PAT) */
	REASON_X86_RSVD_XD,          /* XD=1 while IA32_EFER.NXE=0 */
	REASON_X86_RSVD_PDE4M_BIT21, /* 32-bit paging: bit 21 of a 4 MiB PDE (SDM table 4-4) */
	/* x86-64 access rights (SDM 4.6) */
	REASON_X86_USER_SUPERVISOR,  /* user access, U/S=0 in some entry (walk_refusing_step: which) */
	REASON_X86_WRITE_READONLY,   /* write, R/W=0 in some entry (user, or supervisor with WP) */
	REASON_X86_XD,               /* fetch, XD=1 in some entry */
	REASON_X86_SMEP,             /* supervisor fetch from a user page */
	REASON_X86_SMAP,             /* supervisor data access to a user page, AC=0 */
	REASON_X86_PKEY_AD,          /* PKRU access-disable for the page's key */
	REASON_X86_PKEY_WD,          /* PKRU write-disable for the page's key */
	/* RISC-V PTE validity (step 3) */
	REASON_RV_W_WITHOUT_R,       /* R=0 W=1 is reserved */
	REASON_RV_RSVD_BITS,         /* bits 60:54 set */
	REASON_RV_PBMT_RESERVED,     /* PBMT=3 */
	REASON_RV_PBMT_UNSUPPORTED,  /* PBMT!=0 without Svpbmt */
	REASON_RV_NAPOT_UNSUPPORTED, /* N=1 without Svnapot */
	REASON_RV_NAPOT_BAD,         /* N=1 with an encoding other than 64 KiB at level 1 */
	REASON_RV_NONLEAF_ATTR,      /* D, A, U, N or PBMT set on a pointer PTE */
	/* RISC-V access rights (step 5) */
	REASON_RV_NOT_READABLE,      /* load, R=0 (and not MXR with X=1) */
	REASON_RV_NOT_WRITABLE,      /* store, W=0 */
	REASON_RV_NOT_EXECUTABLE,    /* fetch, X=0 */
	REASON_RV_USER_NOT_U,        /* U-mode access to a page with U=0 */
	REASON_RV_SUPERVISOR_U_NOSUM,/* S-mode load/store to a U page with SUM=0 */
	REASON_RV_SUPERVISOR_U_FETCH,/* S-mode fetch from a U page (never allowed) */
	/* toy format (permissions from the leaf's bits; an absent bit grants) */
	REASON_TOY_NOT_READABLE,     /* read, but the read bit is 0 */
	REASON_TOY_NOT_WRITABLE,     /* write, but the write bit is 0 */
	REASON_TOY_NOT_EXECUTABLE,   /* fetch, but the exec bit is 0 */
	REASON_TOY_USER_NOT_U,       /* user access, but the user bit is 0 */
	/* AArch64 (Arm ARM D8; xFSC in walk_fault.code names the class and level) */
	REASON_ARM_VA_RANGE,         /* VA in neither TTBR0's nor TTBR1's range: translation fault, level 0 */
	REASON_ARM_WALK_DISABLED,    /* TCR.EPDn=1 for the VA's half: translation fault, level 0 */
	REASON_ARM_INVALID,          /* descriptor bit 0 (valid) clear: translation fault */
	REASON_ARM_BLOCK_LEVEL,      /* a block descriptor where the granule has no block (or 0b01 at level 3) */
	REASON_ARM_ADDR_SIZE,        /* output address bits above the PA size (kind reserved-bit, as x86's MAXPHYADDR) */
	REASON_ARM_AF,               /* AF=0 without hardware Access flag management (TCR.HA=0) */
	REASON_ARM_EL0_NO_ACCESS,    /* EL0 access, AP[1]=0 (or APTable[0]=1 above) */
	REASON_ARM_READ_ONLY,        /* write: AP[2]=1 without DBM under TCR.HD, or APTable[1]=1 above */
	REASON_ARM_UXN,              /* EL0 fetch, UXN=1 (or UXNTable=1 above) */
	REASON_ARM_PXN,              /* EL1 fetch, PXN=1 (or PXNTable=1 above) */
	REASON_ARM_EL0_WRITABLE,     /* EL1 fetch from a page writable at EL0 (never executable at EL1) */
	REASON_ARM_WXN,              /* fetch from a page writable at that EL, SCTLR.WXN=1 */
	REASON_ARM_PAN,              /* EL1 load/store to an EL0-accessible page, PSTATE.PAN=1 */
	/* Intel EPT (SDM vol. 3 29.3.3): misconfigurations (kind reserved-bit), then violations */
	REASON_EPT_NOT_PRESENT,      /* bits 2:0 (R/W/X) all 0: violation */
	REASON_EPT_WRITE_NO_READ,    /* bits 2:0 = 010b or 110b */
	REASON_EPT_EXEC_ONLY,        /* bits 2:0 = 100b without execute-only support */
	REASON_EPT_RSVD_PHYS_BITS,   /* address bits 51:MAXPHYADDR */
	REASON_EPT_RSVD_LEAF,        /* bit 7 where no page may be mapped (PML5E, PML4E, PDPTE without 1G) */
	REASON_EPT_RSVD_TABLE_BITS,  /* bits 6:3 of an entry that references an EPT table */
	REASON_EPT_RSVD_LARGE_LOW,   /* bits 29:12 of a 1G leaf, 20:12 of a 2M leaf */
	REASON_EPT_MEMORY_TYPE,      /* leaf memory type 2, 3 or 7 */
	REASON_EPT_NOT_READABLE,     /* data read, R=0 in some entry of the walk */
	REASON_EPT_NOT_WRITABLE,     /* data write, W=0 in some entry */
	REASON_EPT_NOT_EXECUTABLE,   /* fetch, X=0 in some entry */
	/* AArch64 stage 2 (Arm ARM D8; xFSC as stage 1's, reported in ESR_EL2) */
	REASON_ARM_S2_IPA_RANGE,     /* IPA bits above VTCR_EL2.T0SZ's size: translation fault, level 0 */
	REASON_ARM_S2_ADDR_SIZE,     /* output address above VTCR_EL2.PS's size */
	REASON_ARM_S2_AF,            /* AF=0 without VTCR_EL2.HA */
	REASON_ARM_S2_NO_READ,       /* read, S2AP[0]=0 */
	REASON_ARM_S2_NO_WRITE,      /* write, S2AP[1]=0 (and not DBM=1 under VTCR_EL2.HD) */
	REASON_ARM_S2_XN,            /* fetch, XN (XN[1:0] for the EL with FEAT_XNX) */
	/* both */
	REASON_MISALIGNED_SUPERPAGE, /* RISC-V step 6: low PPN bits of a superpage */
	REASON_A_CLEAR,              /* Svade: A=0 */
	REASON_D_CLEAR,              /* Svade: store with D=0 */
	REASON_NO_LEAF,              /* RISC-V: pointer PTE at the last level */
	/* AArch64 address size faults on a table's address (appended: the values above stay) */
	REASON_ARM_TABLE_ADDR_SIZE,  /* a table descriptor's next-level table address above the PA size */
	REASON_ARM_TTBR_ADDR_SIZE,   /* TTBRn_EL1's table address above the PA size */
	REASON_ARM_S2_TABLE_ADDR_SIZE, /* stage 2: next-level table address above VTCR_EL2.PS's size */
	REASON_ARM_S2_VTTBR_ADDR_SIZE, /* VTTBR_EL2.BADDR above VTCR_EL2.PS's size */
	REASON_COUNT
};

struct walk_request {
	uint64_t root;              /* PA of the top-level node */
	uint64_t va;
	enum access_kind access;
	enum privilege priv;
	bool smap_ac;               /* x86 EFLAGS.AC=1: SMAP does not apply */
	bool no_ad_update;          /* inspect only: leave A/D bits in memory alone */
	bool no_steps;              /* the caller needs nr_steps, not steps[]: they stay unwritten */
	/*
	 * Resume a walk below the root, as a paging-structure-cache hit lets the
	 * hardware do: start reading at start_level (0 = the root level) in the
	 * node start_table, with start_perms allowed by the levels skipped.
	 */
	unsigned start_level;
	uint64_t start_table;
	unsigned start_perms;
};

struct walk_step {
	unsigned level;
	uint64_t table;             /* PA of the node read at this level */
	unsigned index;             /* index the VA selects in it */
	uint64_t pte_addr;          /* table + index * pte_size */
	uint64_t pte;               /* the value read (before any A/D update) */
	unsigned perms;             /* PERM_* still allowed after this entry (for PWC fills) */
};

struct walk_fault {
	enum fault_kind kind;
	enum fault_reason reason;
	unsigned level;             /* level whose PTE faulted; nr_levels for a bad VA */
	uint64_t code;              /* x86 #PF error code (#GP: 0); RISC-V scause; Arm ESR_EL1 */
};

struct walk_result {
	bool ok;
	uint64_t pa;
	unsigned level;             /* leaf level (1 = base page) */
	uint64_t page_size;
	unsigned perms;             /* PERM_* as granted by the whole walk */
	uint64_t leaf_pte;          /* leaf PTE after any A/D update */
	bool set_accessed;          /* the walk set A on the leaf */
	bool set_dirty;             /* the walk set D on the leaf */
	unsigned nr_steps;
	struct walk_step steps[PT_MAX_LEVELS];
	struct walk_fault fault;    /* valid when !ok */
};

/* Everything a walk needs that does not change from one walk to the next. */
struct walker {
	const struct pt_arch *arch;
	const struct paging_consts *pc;
	const struct cpu_ctl *ctl;
	const struct pt_mem *mem;
	/*
	 * Formats with one root per VA half (Arm TTBR1): the root of the upper
	 * half's table, the kernel table's.  req->root is the lower half's (TTBR0).
	 */
	uint64_t upper_root;
	/*
	 * ... and that table's constants when its VA size differs (Arm T1SZ !=
	 * T0SZ: its own levels and top width); NULL when pc describes both.
	 */
	const struct paging_consts *upper_pc;
};

/* Walks req->va; fills *res.  Never fails in the C sense: a fault is a result. */
void walk(const struct walker *w, const struct walk_request *req, struct walk_result *res);

/*
 * Where recent prefetches found the leaf table (the node of level 1) of a VA
 * region, as a host address, so that the next prefetch in that region is one
 * lookup and the prefetch itself.  Host-side only: it holds no simulated
 * state, and its addresses are only ever prefetched, never read, so a stale
 * slot costs a useless prefetch and nothing else.  Its owner makes every slot
 * stale whenever the page tables may have moved (walk_prefetch_memo_clear,
 * one increment of the epoch).
 */
#define WALK_PREFETCH_MEMO_SLOTS 4096
struct walk_prefetch_memo {
	uint64_t epoch;             /* a slot of another epoch is empty */
	struct walk_prefetch_slot {
		uint64_t epoch, root, region;
		const uint8_t *leaf_table;
	} slot[WALK_PREFETCH_MEMO_SLOTS];
};

/* An empty memo, or NULL without host memory (prefetching then works without one). */
struct walk_prefetch_memo *walk_prefetch_memo_create(void);
void walk_prefetch_memo_destroy(struct walk_prefetch_memo *memo);
void walk_prefetch_memo_clear(struct walk_prefetch_memo *memo);

/*
 * Starts loading, into the host's caches, the PTEs a later walk of va from
 * root will read.  Changes no simulated state (only the memo, which may be
 * NULL); a no-op where memory is not direct.
 */
void walk_prefetch(const struct walker *w, uint64_t root, uint64_t va, struct walk_prefetch_memo *memo);

/*
 * Checks req's access against a translation already known (a TLB hit): the
 * permissions it grants, its leaf PTE and level.  Returns true when allowed;
 * otherwise fills *f as the walk would have.
 */
bool walk_check_access(const struct walker *w, const struct walk_request *req, unsigned perms,
		       uint64_t leaf_pte, unsigned level, struct walk_fault *f);

/*
 * The step of a faulted walk whose entry refused the access, as an index
 * into res->steps, or -1 when no entry refused (a walk that succeeded, a
 * non-canonical VA: nothing was read; a bus error: nothing could be read).
 * For a rule that combines rights over the levels (x86 U/S, R/W, XD; SDM
 * 4.6) it is the highest level whose entry takes the right away, which need
 * not be the leaf where the walk stopped (fault.level); for every other rule
 * it is the entry at fault.level.  Needs the steps recorded (not no_steps).
 */
int walk_refusing_step(const struct walk_result *res);

/*
 * What the hardware lets req->priv do to the page res translated, with the
 * walker's control bits: PERM_R/W/X for each access that check_access allows
 * (x86 CR0.WP, SMEP, SMAP with req->smap_ac, PKRU; RISC-V MXR and SUM), plus
 * the PERM_U and PERM_G of the entries.  res->perms itself stays the
 * entries' rights, as the TLB keeps them for later accesses of any privilege.
 */
unsigned walk_effective_perms(const struct walker *w, const struct walk_request *req,
			      const struct walk_result *res);

/* "non-canonical", "not-present", ... as used in JSON and statistics. */
const char *fault_kind_name(enum fault_kind kind);
/* One sentence for --explain. */
const char *walk_reason_text(enum fault_reason reason);
/*
 * The same sentence with a reason that is about one entry ("the PTE is not
 * present") naming it `entry` ("the PDPTE is not present"); entry NULL, or
 * any other reason: walk_reason_text's.
 */
void walk_reason_text_named(enum fault_reason reason, const char *entry, char *buf, size_t len);
const char *access_kind_name(enum access_kind a);  /* "r" "w" "x" */
const char *privilege_name(enum privilege p);      /* "user" "supervisor" */

#endif
