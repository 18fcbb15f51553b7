/*
 * walk: the hardware page walk, and the words that describe its faults.
 *
 * The loop itself is in walk_loop.h, so that an architecture can run it with
 * its hooks inlined (pt_arch.walk); formats without one run it here through
 * the table of hooks.
 */
#include "walk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aarch64_bits.h"
#include "pt_arch.h"
#include "walk_loop.h"

/* The loop through the table of hooks, for formats without their own instance. */
static __attribute__((noinline)) void walk_by_hooks(const struct walker *w, const struct walk_request *req,
						   struct walk_result *res)
{
	walk_loop(w, req, res, w->arch->hooks, w->arch->geom);
}

static __attribute__((noinline)) void walk_prefetch_by_hooks(const struct walker *w, uint64_t root, uint64_t va,
							    struct walk_prefetch_memo *memo)
{
	walk_prefetch_loop(w, root, va, memo, w->arch->hooks, w->arch->geom);
}

/* These two only dispatch, so that the call costs a jump on the replay's hot path. */
void walk(const struct walker *w, const struct walk_request *req, struct walk_result *res)
{
	if (w->arch->walk)
		w->arch->walk(w, req, res);
	else
		walk_by_hooks(w, req, res);
}

void walk_prefetch(const struct walker *w, uint64_t root, uint64_t va, struct walk_prefetch_memo *memo)
{
	if (w->arch->walk_prefetch)
		w->arch->walk_prefetch(w, root, va, memo);
	else
		walk_prefetch_by_hooks(w, root, va, memo);
}

struct walk_prefetch_memo *walk_prefetch_memo_create(void)
{
	struct walk_prefetch_memo *memo = calloc(1, sizeof(*memo));

	if (memo)
		memo->epoch = 1; /* the zeroed slots are of epoch 0: empty */
	return memo;
}

void walk_prefetch_memo_destroy(struct walk_prefetch_memo *memo)
{
	free(memo);
}

void walk_prefetch_memo_clear(struct walk_prefetch_memo *memo)
{
	if (memo)
		memo->epoch++;
}

bool walk_check_access(const struct walker *w, const struct walk_request *req, unsigned perms,
		       uint64_t leaf_pte, unsigned level, struct walk_fault *f)
{
	return w->arch->check_access(w->ctl, req, perms, leaf_pte, level, f);
}

/*
 * The right whose absence a reason reports, for the rules that combine
 * rights over every level; 0 for rules about one entry.
 */
static unsigned combined_right(enum fault_reason reason)
{
	switch (reason) {
	case REASON_X86_USER_SUPERVISOR: return PERM_U;
	case REASON_X86_WRITE_READONLY: return PERM_W;
	case REASON_X86_XD: return PERM_X;
	/* Arm: APTable[0], APTable[1], UXNTable, PXNTable take these away below a table. */
	case REASON_ARM_EL0_NO_ACCESS: return PERM_U;
	case REASON_ARM_READ_ONLY: return PERM_W;
	case REASON_ARM_UXN: return ARM_PERM_UX;
	case REASON_ARM_PXN: return ARM_PERM_PX;
	/* EPT: R, W and X combine over every entry of the walk (SDM 29.3.3.2). */
	case REASON_EPT_NOT_READABLE: return PERM_R;
	case REASON_EPT_NOT_WRITABLE: return PERM_W;
	case REASON_EPT_NOT_EXECUTABLE: return PERM_X;
	default: return 0;
	}
}

int walk_refusing_step(const struct walk_result *res)
{
	unsigned right = combined_right(res->fault.reason);

	if (res->ok || res->fault.kind == FAULT_NON_CANONICAL || res->fault.kind == FAULT_BUS_ERROR)
		return -1;
	/* steps[i].perms is what the levels down to step i still allow: the first without the right took it. */
	for (unsigned i = 0; right && i < res->nr_steps; i++)
		if (!(res->steps[i].perms & right))
			return (int)i;
	for (unsigned i = 0; i < res->nr_steps; i++)
		if (res->steps[i].level == res->fault.level)
			return (int)i;
	return -1;
}

unsigned walk_effective_perms(const struct walker *w, const struct walk_request *req,
			      const struct walk_result *res)
{
	static const struct { enum access_kind access; unsigned perm; } rights[] = {
		{ ACCESS_READ, PERM_R }, { ACCESS_WRITE, PERM_W }, { ACCESS_EXEC, PERM_X },
	};
	unsigned perms = res->perms & (PERM_U | PERM_G);

	/* The same rule the walk applies, asked once per kind of access: no second copy of it. */
	for (size_t i = 0; i < sizeof(rights) / sizeof(rights[0]); i++) {
		struct walk_request probe = *req;
		struct walk_fault f;

		probe.access = rights[i].access;
		if (w->arch->check_access(w->ctl, &probe, res->perms, res->leaf_pte, res->level, &f))
			perms |= rights[i].perm;
	}
	return perms;
}

static const char *const fault_kind_names[FAULT_KIND_COUNT] = {
	[FAULT_NONE] = "none",
	[FAULT_NON_CANONICAL] = "non-canonical",
	[FAULT_NOT_PRESENT] = "not-present",
	[FAULT_RESERVED_BIT] = "reserved-bit",
	[FAULT_PERMISSION] = "permission",
	[FAULT_MISALIGNED_SUPERPAGE] = "misaligned-superpage",
	[FAULT_ACCESSED_DIRTY] = "accessed-dirty",
	[FAULT_NO_LEAF] = "no-leaf",
	[FAULT_BUS_ERROR] = "bus-error",
};

const char *fault_kind_name(enum fault_kind kind)
{
	return (unsigned)kind < FAULT_KIND_COUNT ? fault_kind_names[kind] : "?";
}

/*
 * The reasons that are about one entry say "the PTE" (Arm: "the descriptor",
 * EPT: "the EPT entry") of whichever was read; walk_reason_text_named puts
 * the format's own name for the level in its place.  Each is written once,
 * as its noun and the rest of its sentence.
 */
#define NOT_PRESENT_REST " is not present (P/V bit clear)"
#define BUS_ERROR_REST " address lies outside physical memory"
#define ARM_INVALID_REST " is invalid (bit 0 clear)"
#define EPT_NOT_PRESENT_REST " is not present (bits 2:0, R/W/X, all 0): an EPT violation"

static const char *const named_reason_rest[REASON_COUNT] = {
	[REASON_NOT_PRESENT] = NOT_PRESENT_REST,
	[REASON_BUS_ERROR] = BUS_ERROR_REST,
	[REASON_ARM_INVALID] = ARM_INVALID_REST,
	[REASON_EPT_NOT_PRESENT] = EPT_NOT_PRESENT_REST,
};

static const char *const reason_texts[REASON_COUNT] = {
	[REASON_NONE] = "no fault",
	[REASON_NON_CANONICAL] = "the VA is not canonical: the bits above the VA width are not copies of its top bit (zeros where the format has no sign extension)",
	[REASON_NOT_PRESENT] = "the PTE" NOT_PRESENT_REST,
	[REASON_BUS_ERROR] = "the PTE" BUS_ERROR_REST,
	[REASON_X86_RSVD_PHYS_BITS] = "address bits at or above MAXPHYADDR (phys_addr_width) are set",
	[REASON_X86_RSVD_PS] = "PS is set at a level that cannot map a page",
	[REASON_X86_RSVD_LARGE_LOW] = "low address bits of a large page (below its size, other than PAT) are set",
	[REASON_X86_RSVD_XD] = "XD is set while IA32_EFER.NXE=0",
	[REASON_X86_RSVD_PDE4M_BIT21] = "bit 21 of a 4 MiB PDE is reserved",
	[REASON_X86_USER_SUPERVISOR] = "user-mode access, but U/S=0 in an entry of the walk",
	[REASON_X86_WRITE_READONLY] = "write, but R/W=0 in an entry of the walk (user mode, or supervisor with CR0.WP=1)",
	[REASON_X86_XD] = "instruction fetch, but XD=1 in an entry of the walk",
	[REASON_X86_SMEP] = "supervisor instruction fetch from a user page with CR4.SMEP=1",
	[REASON_X86_SMAP] = "supervisor data access to a user page with CR4.SMAP=1 and EFLAGS.AC=0",
	[REASON_X86_PKEY_AD] = "the page's protection key has access disabled in PKRU",
	[REASON_X86_PKEY_WD] = "the page's protection key has write disabled in PKRU",
	[REASON_RV_W_WITHOUT_R] = "W=1 with R=0 is reserved",
	[REASON_RV_RSVD_BITS] = "reserved bits 60:54 are set",
	[REASON_RV_PBMT_RESERVED] = "PBMT=3 is reserved",
	[REASON_RV_PBMT_UNSUPPORTED] = "PBMT is nonzero but Svpbmt is not implemented",
	[REASON_RV_NAPOT_UNSUPPORTED] = "N is set but Svnapot is not implemented",
	[REASON_RV_NAPOT_BAD] = "N is set with a reserved NAPOT encoding (only 64 KiB at level 1 exists)",
	[REASON_RV_NONLEAF_ATTR] = "D, A, U, N or PBMT is set in a non-leaf PTE",
	[REASON_RV_NOT_READABLE] = "load, but R=0 (and not X=1 with MXR=1)",
	[REASON_RV_NOT_WRITABLE] = "store, but W=0",
	[REASON_RV_NOT_EXECUTABLE] = "instruction fetch, but X=0",
	[REASON_RV_USER_NOT_U] = "U-mode access to a page with U=0",
	[REASON_RV_SUPERVISOR_U_NOSUM] = "S-mode load/store to a U=1 page with SUM=0",
	[REASON_RV_SUPERVISOR_U_FETCH] = "S-mode instruction fetch from a U=1 page",
	[REASON_TOY_NOT_READABLE] = "read, but the PTE's read bit is 0",
	[REASON_TOY_NOT_WRITABLE] = "write, but the PTE's write bit is 0",
	[REASON_TOY_NOT_EXECUTABLE] = "instruction fetch, but the PTE's exec bit is 0",
	[REASON_TOY_USER_NOT_U] = "user-mode access, but the PTE's user bit is 0",
	[REASON_ARM_VA_RANGE] = "the VA is in neither TTBR0's nor TTBR1's range (bits above the VA size, below any ignored top byte, differ from bit 55)",
	[REASON_ARM_WALK_DISABLED] = "walks of the VA's half are disabled (TCR_EL1.EPD0/EPD1=1)",
	[REASON_ARM_INVALID] = "the descriptor" ARM_INVALID_REST,
	[REASON_ARM_BLOCK_LEVEL] = "a block descriptor at a level where this granule has no blocks (or 0b01 at level 3)",
	[REASON_ARM_ADDR_SIZE] = "the output address has bits set above the PA size (TCR_EL1.IPS)",
	[REASON_ARM_AF] = "AF=0 and the hardware does not manage the Access flag (TCR_EL1.HA=0)",
	[REASON_ARM_EL0_NO_ACCESS] = "EL0 access, but AP[1]=0 (or APTable[0]=1 in a table above)",
	[REASON_ARM_READ_ONLY] = "write, but AP[2]=1 (and not DBM=1 with TCR_EL1.HD=1), or APTable[1]=1 in a table above",
	[REASON_ARM_UXN] = "EL0 instruction fetch, but UXN=1 (or UXNTable=1 in a table above)",
	[REASON_ARM_PXN] = "EL1 instruction fetch, but PXN=1 (or PXNTable=1 in a table above)",
	[REASON_ARM_EL0_WRITABLE] = "EL1 instruction fetch from a page writable at EL0 (AP=01 is never executable at EL1)",
	[REASON_ARM_WXN] = "instruction fetch from a page writable at that EL, with SCTLR_EL1.WXN=1",
	[REASON_ARM_PAN] = "EL1 load or store to a page accessible at EL0, with PSTATE.PAN=1",
	[REASON_EPT_NOT_PRESENT] = "the EPT entry" EPT_NOT_PRESENT_REST,
	[REASON_EPT_WRITE_NO_READ] = "EPT misconfiguration: W=1 with R=0 (bits 2:0 are 010b or 110b)",
	[REASON_EPT_EXEC_ONLY] = "EPT misconfiguration: execute-only (bits 2:0 = 100b) on a CPU without execute-only translations (execute_only: false)",
	[REASON_EPT_RSVD_PHYS_BITS] = "EPT misconfiguration: address bits 51:MAXPHYADDR (phys_addr_width) are set",
	[REASON_EPT_RSVD_LEAF] = "EPT misconfiguration: bit 7 (maps a page) is set where no page may be mapped (a PML5E or PML4E, or a PDPTE without 1 GiB pages)",
	[REASON_EPT_RSVD_TABLE_BITS] = "EPT misconfiguration: bits 6:3 (reserved in an entry that references an EPT table) are set",
	[REASON_EPT_RSVD_LARGE_LOW] = "EPT misconfiguration: reserved address bits of a large page are set (29:12 of a 1 GiB page, 20:12 of a 2 MiB page)",
	[REASON_EPT_MEMORY_TYPE] = "EPT misconfiguration: the leaf's memory type (bits 5:3) is 2, 3 or 7 (reserved)",
	[REASON_EPT_NOT_READABLE] = "EPT violation: data read, but R=0 in an EPT entry of the walk",
	[REASON_EPT_NOT_WRITABLE] = "EPT violation: data write, but W=0 in an EPT entry of the walk",
	[REASON_EPT_NOT_EXECUTABLE] = "EPT violation: instruction fetch, but X=0 in an EPT entry of the walk",
	[REASON_ARM_S2_IPA_RANGE] = "the IPA has bits set above the IPA size (VTCR_EL2.T0SZ)",
	[REASON_ARM_S2_ADDR_SIZE] = "the output address has bits set above the PA size (VTCR_EL2.PS)",
	[REASON_ARM_S2_AF] = "AF=0 and the hardware does not manage the stage-2 Access flag (VTCR_EL2.HA=0)",
	[REASON_ARM_S2_NO_READ] = "read, but S2AP[0]=0 (stage 2 allows no reads)",
	[REASON_ARM_S2_NO_WRITE] = "write, but S2AP[1]=0, and not DBM=1 with VTCR_EL2.HD=1",
	[REASON_ARM_S2_XN] = "instruction fetch, but stage 2 says execute-never (XN, or XN[1:0] for this EL with FEAT_XNX)",
	[REASON_MISALIGNED_SUPERPAGE] = "superpage whose PPN low bits are not zero (misaligned)",
	[REASON_A_CLEAR] = "A=0 and the hardware does not set it (Svade)",
	[REASON_D_CLEAR] = "store with D=0 and the hardware does not set it (Svade)",
	[REASON_NO_LEAF] = "a pointer PTE at the last level: no leaf",
	[REASON_ARM_TABLE_ADDR_SIZE] = "the next-level table address has bits set above the PA size (TCR_EL1.IPS)",
	[REASON_ARM_TTBR_ADDR_SIZE] = "the TTBR's table address has bits set above the PA size (TCR_EL1.IPS)",
	[REASON_ARM_S2_TABLE_ADDR_SIZE] = "the next-level table address has bits set above the PA size (VTCR_EL2.PS)",
	[REASON_ARM_S2_VTTBR_ADDR_SIZE] = "VTTBR_EL2's table address has bits set above the PA size (VTCR_EL2.PS)",
};

const char *walk_reason_text(enum fault_reason reason)
{
	return (unsigned)reason < REASON_COUNT && reason_texts[reason] ? reason_texts[reason] : "?";
}

void walk_reason_text_named(enum fault_reason reason, const char *entry, char *buf, size_t len)
{
	if (!len)
		return;
	if (entry && (unsigned)reason < REASON_COUNT && named_reason_rest[reason])
		snprintf(buf, len, "the %s%s", entry, named_reason_rest[reason]);
	else
		snprintf(buf, len, "%s", walk_reason_text(reason));
}

const char *access_kind_name(enum access_kind a)
{
	return a == ACCESS_READ ? "r" : a == ACCESS_WRITE ? "w" : "x";
}

const char *privilege_name(enum privilege p)
{
	return p == PRIV_USER ? "user" : "supervisor";
}
