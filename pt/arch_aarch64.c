/*
 * arch_aarch64: the AArch64 VMSAv8-64 stage-1 format of the EL1&0 regime
 * (Arm ARM DDI 0487, D8 "The AArch64 Virtual Memory System Architecture"),
 * with the 4K, 16K and 64K granules.
 *
 * mmusim counts levels from the leaf up (1 = Arm level 3), so the Arm level
 * of an entry is always 4 - level.  Each VA half has its own root: TTBR0 (the
 * user table) below, TTBR1 (the kernel table) above; bit 55 chooses, and the
 * top byte is ignored where TCR.TBIn says.  A walk checks, in the order the
 * architecture gives them priority: the VA's range, then per descriptor its
 * validity and type (translation fault), its output address (address size
 * fault), then at the leaf the Access flag (access flag fault) and last the
 * permissions (permission fault).  Every fault's code is the ESR_EL1 value
 * the hardware would write.
 */
#include "pt_arch.h"
#include "walk_loop.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "aarch64_bits.h"
#include "aarch64_regs.h"
#include "text_buf.h"

/*
 * The granule is the config's (base_page_size); each has its own instance of
 * the walk with its geometry as constants (arm_walk below).
 */
static const struct pt_geometry arm_geom = {
	.pte_size = 8, .min_levels = 2, .max_levels = 4, .va = VA_EXT_SIGN, .max_phys_bits = 48,
	.title = "aarch64", .levels_text = "2 to 4", .partial_top = true, .split_roots = true,
};
#define ARM_GRANULE_GEOM(shift) { .pte_size = 8, .page_shift = shift, .min_levels = 2, .max_levels = 4, \
	.va = VA_EXT_SIGN, .max_phys_bits = 48, .partial_top = true, .split_roots = true }
static const struct pt_geometry arm_geom_4k = ARM_GRANULE_GEOM(12);
static const struct pt_geometry arm_geom_16k = ARM_GRANULE_GEOM(14);
static const struct pt_geometry arm_geom_64k = ARM_GRANULE_GEOM(16);

static const struct cpu_key arm_cpu_keys[] = {
	CPU_KEY_FLAG(pan), CPU_KEY_FLAG(epan), CPU_KEY_FLAG(wxn), CPU_KEY_ON(ha), CPU_KEY_ON(hd),
	CPU_KEY_FLAG(hpd0), CPU_KEY_FLAG(hpd1), CPU_KEY_FLAG(tbi0), CPU_KEY_FLAG(tbi1),
	CPU_KEY_FLAG(epd0), CPU_KEY_FLAG(epd1), CPU_KEY_ON(asid16),
	CPU_KEY_WORD64(mair, ARM_MAIR_DEFAULT), CPU_KEYS_END,
};

static int arm_check_limits(const struct paging_consts *pc, struct mm_error *err)
{
	unsigned shift = pc->page_shift, max_va = shift == 16 ? 52 : 48;

	if (shift != 12 && shift != 14 && shift != 16)
		return mm_error_set(err, MM_EINVAL,
				    "aarch64 granules are 4K, 16K and 64K (base_page_size 4096, 16384 or 65536)");
	for (unsigned h = 0; h < 2; h++)
		if (pc->half_width[h] > max_va || pc->half_width[h] < 25)
			return mm_error_set(err, MM_EINVAL,
					    "aarch64 VAs have 25 to 48 bits (52 with the 64K granule, FEAT_LVA), not %u%s",
					    pc->half_width[h], h && pc->upper_address_width ? " (upper_address_width)" : "");
	if (pc->phys_addr_width > 48)
		return mm_error_set(err, MM_EINVAL, "aarch64 physical addresses have at most 48 bits here (no FEAT_LPA)");
	if (pc->highest_translation_level > arm_block_top(shift))
		return mm_error_set(err, MM_EINVAL,
				    "the aarch64 %uK granule has blocks up to level %u (Arm level %u): highest_translation_level %u at most",
				    1u << (shift - 10), arm_block_top(shift), arm_level(arm_block_top(shift)),
				    arm_block_top(shift));
	return MM_OK;
}

static int arm_check_prop(const struct page_prop *p, const struct cpu_ctl *ctl, struct mm_error *err)
{
	(void)ctl;
	if (!(p->flags & PROP_R))
		return mm_error_set(err, MM_EINVAL,
				    "an AArch64 page is readable wherever it is accessible: add r");
	if (p->cache == CACHE_WP)
		return mm_error_set(err, MM_EINVAL, "cache=wp has no AArch64 memory type (use wb, wt, wc or uc)");
	return MM_OK;
}

static uint64_t arm_make_leaf(const struct paging_consts *pc, uint64_t pa, const struct page_prop *p,
			      unsigned level)
{
	static const unsigned attr_of[] = {
		[CACHE_WB] = ARM_ATTR_WB, [CACHE_WT] = ARM_ATTR_WT, [CACHE_UC] = ARM_ATTR_DEVICE,
		[CACHE_WC] = ARM_ATTR_NC, [CACHE_WP] = ARM_ATTR_WB,
	};
	uint32_t f = p->flags;
	uint64_t pte = arm_leaf_base(pc, pa, level, (uint64_t)attr_of[p->cache] << ARM_ATTR_SHIFT,
				     p->cache == CACHE_UC, f & PROP_AVAIL1, f & PROP_AVAIL2);

	if (f & PROP_U)
		pte |= ARM_AP1;
	/* A writable page carries DBM (Linux's PTE_WRITE) and is read-only until dirty. */
	if (f & PROP_W)
		pte |= ARM_DBM | ((f & PROP_D) ? 0 : ARM_AP2);
	else
		pte |= ARM_AP2;
	/* User code is not kernel-executable, and kernel code not user-executable. */
	if (!(f & PROP_X))
		pte |= ARM_UXN | ARM_PXN;
	else
		pte |= (f & PROP_U) ? ARM_PXN : ARM_UXN;
	if (f & PROP_A)
		pte |= ARM_AF;
	if (!(f & PROP_G))
		pte |= ARM_NG;
	return pte;
}

static void arm_leaf_prop(const struct paging_consts *pc, uint64_t pte, unsigned level, struct page_prop *out)
{
	uint32_t f = PROP_R;

	(void)pc;
	(void)level;
	/*
	 * Writable: AP[2]=0, or DBM (writable-clean until AP[2] clears).  Dirty:
	 * AP[2]=0 — a write needs no update, whether DBM tracks it or not.
	 */
	if ((pte & ARM_DBM) || !(pte & ARM_AP2))
		f |= PROP_W;
	if (!(pte & ARM_AP2))
		f |= PROP_D;
	if (pte & ARM_AP1)
		f |= PROP_U;
	if (!(pte & ((pte & ARM_AP1) ? ARM_UXN : ARM_PXN)))
		f |= PROP_X;
	if (pte & ARM_AF)
		f |= PROP_A;
	if (!(pte & ARM_NG))
		f |= PROP_G;
	if (pte & ARM_SW0)
		f |= PROP_AVAIL1;
	if (pte & ARM_SW1)
		f |= PROP_AVAIL2;
	out->flags = f;
	switch ((pte & ARM_ATTR_MASK) >> ARM_ATTR_SHIFT) {
	case ARM_ATTR_DEVICE: out->cache = CACHE_UC; break;
	case ARM_ATTR_NC: out->cache = CACHE_WC; break;
	case ARM_ATTR_WT: out->cache = CACHE_WT; break;
	default: out->cache = CACHE_WB; break;
	}
}

/* Nothing is taken away before the first table: EL0 and EL1 may read, write and execute. */
WALK_INLINE unsigned arm_initial_perms(void)
{
	return PERM_R | PERM_W | PERM_X | PERM_U | PERM_G | ARM_PERM_UX | ARM_PERM_PX;
}

/* What a table descriptor leaves to the levels below (D8.4.2 hierarchical permissions). */
WALK_INLINE unsigned arm_table_perms(uint64_t pte, bool hpd, unsigned upper)
{
	if (hpd)
		return upper;
	if (pte & ARM_AP_TABLE0)
		upper &= ~PERM_U;
	if (pte & ARM_AP_TABLE1)
		upper &= ~PERM_W;
	if (pte & ARM_UXN_TABLE)
		upper &= ~ARM_PERM_UX;
	if (pte & ARM_PXN_TABLE)
		upper &= ~ARM_PERM_PX;
	return upper;
}

/*
 * A leaf's rights given the tables above: U = accessible at EL0 (AP[1]), W =
 * writable (AP[2] = 0, or DBM under TCR.HD), UX / PX = not execute-never at
 * EL0 / EL1 (before the rules on writable pages, which check_access applies),
 * X = executable at the EL the page is for, G = not nG.
 */
WALK_INLINE unsigned arm_leaf_perms(const struct cpu_ctl *ctl, uint64_t pte, unsigned upper)
{
	unsigned p = PERM_R;
	bool raw_w, user;

	if ((pte & ARM_AP1) && (upper & PERM_U))
		p |= PERM_U;
	raw_w = !(pte & ARM_AP2) && (upper & PERM_W);
	if (raw_w || ((pte & ARM_DBM) && arm_hw_dirty(ctl) && (upper & PERM_W)))
		p |= PERM_W;
	if (!(pte & ARM_UXN) && (upper & ARM_PERM_UX))
		p |= ARM_PERM_UX;
	if (!(pte & ARM_PXN) && (upper & ARM_PERM_PX))
		p |= ARM_PERM_PX;
	if (!(pte & ARM_NG))
		p |= PERM_G;
	user = p & PERM_U;
	/* The X shown: EL0's for an EL0 page, else EL1's; a page writable at that EL under WXN is not. */
	if (user ? (p & ARM_PERM_UX) && !(ctl->wxn && raw_w)
		 : (p & ARM_PERM_PX) && !(ctl->wxn && raw_w))
		p |= PERM_X;
	return p;
}

/* The half's own TCR.HPDn, as the walk takes it (HPD0 for the TTBR0 table, HPD1 for TTBR1's). */
static unsigned arm_entry_perms(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
				unsigned level, bool leaf, unsigned upper)
{
	(void)level;
	return leaf ? arm_leaf_perms(ctl, pte, upper)
		    : arm_table_perms(pte, pc->upper_half_table ? ctl->hpd1 : ctl->hpd0, upper);
}

/* ESR_EL1 for a fault of class `fsc` (ARM_FSC_*) at Arm level `alevel` (D19 ESR_EL1, ISS of aborts). */
WALK_INLINE uint64_t arm_esr(const struct walk_request *req, unsigned fsc, unsigned alevel)
{
	bool el0 = req->priv == PRIV_USER;
	uint64_t ec = req->access == ACCESS_EXEC ? (el0 ? ARM_EC_IABT_LOWER : ARM_EC_IABT_SAME)
						 : (el0 ? ARM_EC_DABT_LOWER : ARM_EC_DABT_SAME);

	return ec << ARM_ESR_EC_SHIFT | ARM_ESR_IL | (req->access == ACCESS_WRITE ? ARM_ESR_WNR : 0) |
	       (fsc | alevel);
}

WALK_INLINE void arm_fault(struct walk_state *ws, enum fault_kind kind, enum fault_reason why, unsigned level,
			   unsigned fsc)
{
	walk_set_fault(ws, kind, why, level, arm_esr(ws->req, fsc, arm_level(level)));
}

/* A VA in neither half's range: a translation fault at level 0, whatever the start level. */
WALK_INLINE void arm_bad_va(struct walk_state *ws)
{
	walk_set_fault(ws, FAULT_NON_CANONICAL, REASON_ARM_VA_RANGE, ws->w->pc->nr_levels,
		       arm_esr(ws->req, ARM_FSC_TRANSLATION, 0));
}

WALK_INLINE void arm_bus_error(struct walk_state *ws, unsigned level)
{
	arm_fault(ws, FAULT_BUS_ERROR, REASON_BUS_ERROR, level, ARM_FSC_WALK_EXT);
}

WALK_INLINE enum walk_next arm_walk_entry(struct walk_state *ws, uint64_t pte, unsigned level,
					  uint64_t pte_addr, uint64_t *next_table)
{
	const struct paging_consts *pc = ws->w->pc;
	const struct cpu_ctl *ctl = ws->w->ctl;
	bool upper = ws->req->va >> 63;

	bool leaf = arm_is_leaf(pc, ctl, pte, level);

	(void)pte_addr;
	if (!(pte & ARM_VALID)) {
		arm_fault(ws, FAULT_NOT_PRESENT, REASON_ARM_INVALID, level, ARM_FSC_TRANSLATION);
		return WALK_FAULT;
	}
	/* A block where the granule has none, or 0b01 at level 3: a translation fault there. */
	if (leaf && arm_leaf_misplaced(pc->page_shift, pte, level)) {
		arm_fault(ws, FAULT_RESERVED_BIT, REASON_ARM_BLOCK_LEVEL, level, ARM_FSC_TRANSLATION);
		return WALK_FAULT;
	}
	if ((pte & ARM_OA_MASK) >> pc->phys_addr_width) {
		arm_fault(ws, FAULT_RESERVED_BIT, leaf ? REASON_ARM_ADDR_SIZE : REASON_ARM_TABLE_ADDR_SIZE, level,
			  ARM_FSC_ADDR_SIZE);
		return WALK_FAULT;
	}
	if (leaf) {
		ws->upper_perms = arm_leaf_perms(ctl, pte, ws->upper_perms);
		return WALK_LEAF;
	}
	ws->upper_perms = arm_table_perms(pte, upper ? ctl->hpd1 : ctl->hpd0, ws->upper_perms);
	*next_table = arm_pte_addr(pc, ctl, pte, level);
	return WALK_DESCEND;
}

/* D8.4: may this EL make this access, given the leaf's combined rights? */
WALK_INLINE enum fault_reason arm_rights(const struct cpu_ctl *ctl, const struct walk_request *req,
					 unsigned perms, uint64_t pte)
{
	bool user = perms & PERM_U, w = perms & PERM_W;
	bool raw_w = w && !(pte & ARM_AP2); /* writable now: a clean DBM page is not, for the XN rules */

	if (req->priv == PRIV_USER) {
		switch (req->access) {
		case ACCESS_EXEC:
			/* EL0 fetches need only UXN=0: AP=00 with UXN=0 is execute-only at EL0. */
			if (!(perms & ARM_PERM_UX))
				return REASON_ARM_UXN;
			if (ctl->wxn && user && raw_w)
				return REASON_ARM_WXN;
			return REASON_NONE;
		case ACCESS_WRITE:
			if (!user)
				return REASON_ARM_EL0_NO_ACCESS;
			return w ? REASON_NONE : REASON_ARM_READ_ONLY;
		default:
			return user ? REASON_NONE : REASON_ARM_EL0_NO_ACCESS;
		}
	}
	if (req->access == ACCESS_EXEC) {
		if (!(perms & ARM_PERM_PX))
			return REASON_ARM_PXN;
		if (user && raw_w)
			return REASON_ARM_EL0_WRITABLE;
		if (ctl->wxn && raw_w)
			return REASON_ARM_WXN;
		return REASON_NONE;
	}
	if (ctl->pan && (user || (ctl->epan && (perms & ARM_PERM_UX))))
		return REASON_ARM_PAN;
	if (req->access == ACCESS_WRITE && !w)
		return REASON_ARM_READ_ONLY;
	return REASON_NONE;
}

WALK_INLINE bool arm_check_access(const struct cpu_ctl *ctl, const struct walk_request *req, unsigned perms,
				  uint64_t pte, unsigned level, struct walk_fault *f)
{
	enum fault_reason why = arm_rights(ctl, req, perms, pte);

	if (why == REASON_NONE)
		return true;
	f->kind = FAULT_PERMISSION;
	f->reason = why;
	f->level = level;
	f->code = arm_esr(req, ARM_FSC_PERMISSION, arm_level(level));
	return false;
}

/* The entries of a contiguous run (D8.7 "The Contiguous bit"): 16, 32 or 128. */
WALK_INLINE unsigned arm_run_entries(unsigned page_shift, unsigned level)
{
	return page_shift == 12 ? 16 : page_shift == 14 ? (level == 1 ? 128 : 32) : 32;
}

/* Every level with blocks or pages has runs (D8.7): 16, 32 or 128 entries. */
static bool arm_leaf_run(const struct paging_consts *pc, unsigned level, struct leaf_run *run)
{
	if (level > arm_block_top(pc->page_shift))
		return false;
	run->entries = arm_run_entries(pc->page_shift, level);
	run->bit = ARM_CONT;
	return true;
}

/*
 * The entries of a run must agree on everything but the address; the Access
 * flag and the dirty state (AP[2] of a DBM page) are the hardware's to set
 * one entry at a time.
 */
static bool arm_run_compatible(uint64_t a, uint64_t b)
{
	uint64_t free = ARM_OA_MASK | ARM_CONT | ARM_AF | ((a & ARM_DBM) ? ARM_AP2 : 0);

	return ((a ^ b) & ~free) == 0;
}

WALK_INLINE bool arm_walk_leaf(struct walk_state *ws, uint64_t pte_addr)
{
	struct walk_result *res = ws->res;
	const struct cpu_ctl *ctl = ws->w->ctl;
	uint64_t pte = res->leaf_pte, upd = pte;
	unsigned level = res->level;

	res->perms = ws->upper_perms;
	/* The Access flag is checked before the permissions. */
	if (!(pte & ARM_AF)) {
		if (!ctl->ha) {
			arm_fault(ws, FAULT_ACCESSED_DIRTY, REASON_ARM_AF, level, ARM_FSC_ACCESS_FLAG);
			return false;
		}
		upd |= ARM_AF;
	}
	if (!arm_check_access(ctl, ws->req, res->perms, pte, level, &res->fault)) {
		res->ok = false;
		return false;
	}
	if (pte & ARM_CONT)
		res->page_size *= arm_run_entries(ws->w->pc->page_shift, level);
	/* A permitted write to a writable-clean page (DBM=1, AP[2]=1) makes it dirty. */
	if (ws->req->access == ACCESS_WRITE && (pte & ARM_AP2) && (pte & ARM_DBM) && arm_hw_dirty(ctl))
		upd &= ~ARM_AP2;
	if (upd != pte && !ws->req->no_ad_update) {
		res->set_accessed = !(pte & ARM_AF);
		res->set_dirty = (pte & ARM_AP2) && !(upd & ARM_AP2);
		pt_mem_write(ws->w->mem, pte_addr, 8, upd);
		res->leaf_pte = upd;
	}
	return true;
}

static const struct walk_hooks arm_hooks = {
	.initial_perms = arm_initial_perms, .bad_va = arm_bad_va, .bus_error = arm_bus_error,
	.walk_entry = arm_walk_entry, .walk_leaf = arm_walk_leaf, .pte_addr = arm_pte_addr,
	.is_present = arm_is_present, .is_leaf = arm_is_leaf,
};

/*
 * With TCR.TBIn the top byte of a VA in that half is a tag: the walk sees
 * copies of bit 55 there instead.
 */
WALK_INLINE uint64_t arm_untag(const struct cpu_ctl *ctl, uint64_t va)
{
	bool upper = (va >> 55) & 1;

	if (!(upper ? ctl->tbi1 : ctl->tbi0))
		return va;
	return (va & ((1ull << 56) - 1)) | (upper ? 0xffull << 56 : 0);
}

/*
 * A walk that does not start, a fault at level 0: TCR.EPDn=1 for the VA's half
 * (translation fault), or a TTBR whose base lies beyond the PA size (address
 * size fault).
 */
static void arm_walk_refused(const struct walker *w, const struct walk_request *req, struct walk_result *res,
			     enum fault_kind kind, enum fault_reason why, unsigned fsc)
{
	memset(res, 0, offsetof(struct walk_result, steps));
	res->fault = (struct walk_fault){ kind, why, w->pc->nr_levels, arm_esr(req, fsc, 0) };
}

/*
 * The walker for an (untagged) VA's half: TTBR1's table has levels of its
 * own when T1SZ differs from T0SZ, and the loop takes them from pc; `upper`
 * holds the copy.
 */
WALK_INLINE const struct walker *arm_half_walker(const struct walker *w, uint64_t va, struct walker *upper)
{
	if (!(va >> 63) || !w->upper_pc)
		return w;
	*upper = *w;
	upper->pc = w->upper_pc;
	return upper;
}

/* One instance of the loop per granule, its geometry constant there. */
__attribute__((flatten)) static void arm_walk(const struct walker *w, const struct walk_request *req,
					      struct walk_result *res)
{
	const struct cpu_ctl *ctl = w->ctl;
	struct walk_request untagged;
	struct walker upper;
	uint64_t va = arm_untag(ctl, req->va);

	if (va != req->va) {
		untagged = *req;
		untagged.va = va;
		req = &untagged;
	}
	w = arm_half_walker(w, va, &upper);
	/* Rare: tested first together, and the VA's range (the loop's first check) only then. */
	if (!req->start_level && ((va >> 63 ? ctl->epd1 : ctl->epd0) ||
				  (va >> 63 ? w->upper_root : req->root) >> w->pc->phys_addr_width) &&
	    pc_va_canonical(w->pc, va)) {
		if (va >> 63 ? ctl->epd1 : ctl->epd0)
			arm_walk_refused(w, req, res, FAULT_NOT_PRESENT, REASON_ARM_WALK_DISABLED, ARM_FSC_TRANSLATION);
		else
			arm_walk_refused(w, req, res, FAULT_RESERVED_BIT, REASON_ARM_TTBR_ADDR_SIZE, ARM_FSC_ADDR_SIZE);
		return;
	}
	switch (w->pc->page_shift) {
	case 12: walk_loop(w, req, res, &arm_hooks, &arm_geom_4k); break;
	case 14: walk_loop(w, req, res, &arm_hooks, &arm_geom_16k); break;
	default: walk_loop(w, req, res, &arm_hooks, &arm_geom_64k); break;
	}
}

__attribute__((flatten)) static void arm_walk_prefetch(const struct walker *w, uint64_t root, uint64_t va,
						       struct walk_prefetch_memo *memo)
{
	struct walker upper;

	va = arm_untag(w->ctl, va);
	w = arm_half_walker(w, va, &upper);
	switch (w->pc->page_shift) {
	case 12: walk_prefetch_loop(w, root, va, memo, &arm_hooks, &arm_geom_4k); break;
	case 14: walk_prefetch_loop(w, root, va, memo, &arm_hooks, &arm_geom_16k); break;
	default: walk_prefetch_loop(w, root, va, memo, &arm_hooks, &arm_geom_64k); break;
	}
}

static bool arm_tags_ignored(const struct cpu_ctl *ctl)
{
	return ctl->tbi0 || ctl->tbi1;
}

static uint64_t arm_untag_va(const struct cpu_ctl *ctl, uint64_t va)
{
	return arm_untag(ctl, va);
}

/* One half of a Normal memory MAIR attribute (D19 MAIR_EL1, Attr<n>[7:4] and [3:0]). */
static const char *mair_cacheability(unsigned nibble)
{
	if (nibble == 0x4)
		return "NC";
	if (nibble == 0)
		return "?";
	return (nibble & 0x4) ? "WB" : "WT"; /* 0b01RW / 0b11RW write-back, 0b00RW / 0b10RW write-through */
}

/* The memory type a MAIR_EL1 byte gives: "Device-nGnRnE", "Normal WB", "Normal outer WB, inner NC". */
static void mair_type_text(unsigned attr, char *buf, size_t len)
{
	static const char *const device[4] = { "Device-nGnRnE", "Device-nGnRE", "Device-nGRE", "Device-GRE" };
	const char *outer = mair_cacheability(attr >> 4), *inner = mair_cacheability(attr & 0xf);

	if ((attr >> 4) == 0)
		snprintf(buf, len, "%s", (attr & 3) ? "reserved" : device[(attr >> 2) & 3]);
	else if (attr == 0xf0)
		snprintf(buf, len, "Normal WB, Tagged");
	else if (strcmp(outer, inner) == 0)
		snprintf(buf, len, "Normal %s", outer);
	else
		snprintf(buf, len, "Normal outer %s, inner %s", outer, inner);
}

/* "table next=0x...", "page AttrIndx=0 (MAIR 0xff: Normal WB) AP=01 ...": the descriptor by type, then its fields. */
static void arm_describe_pte(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
			     unsigned level, char *buf, size_t len)
{
	static const char *const ap_names[4] = { "AP=00 (EL1 RW)", "AP=01 (EL1 RW, EL0 RW)",
						  "AP=10 (EL1 RO)", "AP=11 (EL1 RO, EL0 RO)" };
	size_t n = 0;

	buf[0] = '\0';
	if (!(pte & ARM_VALID)) {
		text_put(buf, len, &n, "invalid");
		return;
	}
	if (!arm_is_leaf(pc, ctl, pte, level)) {
		text_put(buf, len, &n, "table");
		if (pte & ARM_NS_TABLE) text_put(buf, len, &n, " NSTable");
		if (pte & (ARM_AP_TABLE0 | ARM_AP_TABLE1))
			text_put(buf, len, &n, " APTable=%u%u", !!(pte & ARM_AP_TABLE1), !!(pte & ARM_AP_TABLE0));
		if (pte & ARM_UXN_TABLE) text_put(buf, len, &n, " UXNTable");
		if (pte & ARM_PXN_TABLE) text_put(buf, len, &n, " PXNTable");
		text_put(buf, len, &n, " next=0x%llx", (unsigned long long)arm_pte_addr(pc, ctl, pte, level));
		return;
	}
	arm_leaf_kind_text(pc, pte, level, buf, len, &n);
	unsigned attr = (unsigned)((pte & ARM_ATTR_MASK) >> ARM_ATTR_SHIFT);
	unsigned mair = (unsigned)(ctl->mair >> (8 * attr)) & 0xff;
	char type[40];
	mair_type_text(mair, type, sizeof(type));
	text_put(buf, len, &n, " AttrIndx=%u (MAIR 0x%02x: %s)", attr, mair, type);
	text_put(buf, len, &n, " %s", ap_names[(pte >> 6) & 3]);
	if (pte & ARM_NS) text_put(buf, len, &n, " NS");
	text_put(buf, len, &n, " SH=%u", (unsigned)(pte >> ARM_SH_SHIFT) & 3);
	if (pte & ARM_AF) text_put(buf, len, &n, " AF");
	if (pte & ARM_NG) text_put(buf, len, &n, " nG");
	if (pte & ARM_DBM) text_put(buf, len, &n, " DBM");
	if (pte & ARM_CONT) text_put(buf, len, &n, " Contiguous");
	if (pte & ARM_PXN) text_put(buf, len, &n, " PXN");
	if (pte & ARM_UXN) text_put(buf, len, &n, " UXN");
	if (pte & (0xfull << 55)) text_put(buf, len, &n, " SW=0x%x", (unsigned)(pte >> 55) & 0xf);
	text_put(buf, len, &n, " oa=0x%llx", (unsigned long long)arm_pte_addr(pc, ctl, pte, level));
}

/*
 * Arm ARM D8.3: a descriptor's fields, those of a table descriptor
 * (NSTable, APTable, UXNTable, PXNTable: bits a block or page ignores) and
 * those of a block or page descriptor, all offered whatever the entry is
 * now, so that an invalid entry can be made into either.
 */
static unsigned arm_pte_fields(const struct paging_consts *pc, unsigned level, uint64_t pte, struct pte_field *out)
{
	static const struct pte_field fields[] = {
		{ "valid", 0, 1, 0 }, { "type", 1, 1, 0 }, { "attrindx", 2, 3, 0 }, { "ns", 5, 1, 0 },
		{ "ap", 6, 2, 0 }, { "sh", 8, 2, 0 }, { "af", 10, 1, 0 }, { "ng", 11, 1, 0 },
		{ "addr", 12, 36, 12 }, { "dbm", 51, 1, 0 }, { "contiguous", 52, 1, 0 }, { "pxn", 53, 1, 0 },
		{ "uxn", 54, 1, 0 }, { "sw", 55, 4, 0 }, { "pxntable", 59, 1, 0 }, { "uxntable", 60, 1, 0 },
		{ "aptable", 61, 2, 0 }, { "nstable", 63, 1, 0 },
	};
	unsigned n = 0;

	(void)pc;
	(void)level;
	(void)pte;
	PTE_FIELDS_PUT(out, &n, fields);
	return n;
}


/* Arm's own names for the levels: "level 0 descriptor" is what the Arm ARM reads first at 4K/48-bit. */
static const char *arm_entry_name(const struct paging_consts *pc, unsigned level)
{
	static const char *const names[] = { "L0 descriptor", "L1 descriptor", "L2 descriptor", "L3 descriptor" };

	(void)pc;
	return level >= 1 && level <= 4 ? names[arm_level(level)] : "descriptor";
}

/*
 * An address size fault's bits (Arm ARM D8.3: an output or next-level table
 * address with bits set above the PA size, TCR_EL1.IPS): which descriptor
 * address bits are set, by number, with the range above the PA size.
 */
static bool arm_reason_bits(const struct paging_consts *pc, enum fault_reason reason, uint64_t pte, unsigned level,
			    char *buf, size_t len)
{
	uint64_t set = pc->phys_addr_width < 64 ? pte & ARM_OA_MASK & ~((1ull << pc->phys_addr_width) - 1) : 0;
	size_t n = 0;

	(void)level;
	buf[0] = '\0';
	if ((reason != REASON_ARM_ADDR_SIZE && reason != REASON_ARM_TABLE_ADDR_SIZE) || !set)
		return false;
	text_put(buf, len, &n, "%s address ", reason == REASON_ARM_ADDR_SIZE ? "the output" : "the next-level table");
	text_put_bit_runs(buf, len, &n, set);
	text_put(buf, len, &n, " %s set, above the %u-bit PA size (TCR_EL1.IPS)",
		 __builtin_popcountll(set) > 1 ? "are" : "is", pc->phys_addr_width);
	return true;
}

static void arm_describe_fault(const struct walk_fault *f, char *buf, size_t len)
{
	static const char *const classes[] = { "address size fault", "translation fault", "access flag fault",
					       "permission fault" };
	unsigned ec = (unsigned)(f->code >> ARM_ESR_EC_SHIFT) & 0x3f, fsc = (unsigned)f->code & 0x3f;
	const char *what = ec == ARM_EC_DABT_LOWER ? "data abort from EL0"
			 : ec == ARM_EC_DABT_SAME ? "data abort from EL1"
			 : ec == ARM_EC_IABT_LOWER ? "instruction abort from EL0"
						   : "instruction abort from EL1";
	const char *cls = fsc < 0x10 ? classes[fsc >> 2]
			: (fsc & ~3u) == ARM_FSC_WALK_EXT ? "synchronous external abort on table walk" : "?";

	snprintf(buf, len, "ESR_EL1 0x%llx (%s%s, %s, level %u)", (unsigned long long)f->code, what,
		 (f->code & ARM_ESR_WNR) && ec >= ARM_EC_DABT_LOWER ? ", WnR" : "", cls, fsc & 3);
}

/* TCR_EL1.AS: 16-bit ASIDs, or 8 (TTBR bits 63:56 then RES0). */
static unsigned arm_asid_bits(const struct cpu_ctl *ctl)
{
	return ctl->asid16 ? 16 : 8;
}

/* TTBR0_EL1: ASID in 63:48, BADDR in 47:1 (CnP, bit 0, left clear). */
static uint64_t arm_encode_root_reg(const struct paging_consts *pc, uint64_t root, uint16_t asid)
{
	(void)pc;
	return (uint64_t)asid << 48 | (root & 0x0000fffffffffffeull);
}

static int arm_decode_root_reg(const struct paging_consts *pc, uint64_t reg, uint64_t *root, uint16_t *asid,
			       struct mm_error *err)
{
	uint64_t baddr = reg & 0x0000fffffffffffeull;

	/* A table is aligned to its size, at least 64 bytes (D8.2.?: BADDR's low bits are RES0). */
	if (baddr & 63)
		return mm_error_set(err, MM_EINVAL, "TTBR 0x%llx: the table base is not 64-byte aligned",
				    (unsigned long long)reg);
	(void)pc;
	*root = baddr;
	*asid = (uint16_t)(reg >> 48);
	return MM_OK;
}

const struct pt_arch pt_arch_aarch64 = {
	.name = "aarch64",
	.geom = &arm_geom,
	.hooks = &arm_hooks,
	.cpu_keys = arm_cpu_keys,
	.check_limits = arm_check_limits,
	.leaf_run = arm_leaf_run,
	.leaf_top = arm_leaf_top,
	.run_compatible = arm_run_compatible,
	.asid_bits = arm_asid_bits,
	.check_prop = arm_check_prop,
	.hw_sets_dirty = arm_hw_dirty,
	.make_leaf = arm_make_leaf,
	.make_table = arm_make_table,
	.leaf_prop = arm_leaf_prop,
	.entry_perms = arm_entry_perms,
	.check_access = arm_check_access,
	.walk = arm_walk,
	.walk_prefetch = arm_walk_prefetch,
	.describe_pte = arm_describe_pte,
	.pte_fields = arm_pte_fields,
	.entry_name = arm_entry_name,
	.describe_fault = arm_describe_fault,
	.reason_bits = arm_reason_bits,
	.elf_machine = 183 /* EM_AARCH64 */,
	.root_register = "ttbr0",
	.encode_root_reg = arm_encode_root_reg,
	.decode_root_reg = arm_decode_root_reg,
	.upper_root_register = "ttbr1",
	.ctl_regs = aarch64_ctl_regs,
	.tags_ignored = arm_tags_ignored,
	.untag = arm_untag_va,
};
