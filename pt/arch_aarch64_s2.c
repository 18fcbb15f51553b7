/*
 * arch_aarch64_s2: the AArch64 VMSAv8-64 stage-2 format, the hypervisor's
 * translation of the EL1&0 regime's intermediate physical addresses (Arm ARM
 * DDI 0487, D8 "The AArch64 Virtual Memory System Architecture": stage 2
 * translation under VTTBR_EL2 and VTCR_EL2), with the 4K, 16K and 64K
 * granules.  As a one-stage machine it translates IPA -> PA.
 *
 *   IPA: | zero | idx start level (may be 1 to 16 tables) | ... | offset |
 *        63  64-T0SZ
 *
 * The IPA size is address_width (64 - VTCR_EL2.T0SZ) and the start level
 * nr_levels (VTCR_EL2.SL0), so the top level may index fewer bits than a
 * node (as stage 1) or up to four more: 2 to 16 concatenated tables, one
 * root aligned to its size (D8 "Concatenated translation tables for the
 * initial stage 2 lookup"; paging_consts.concat_top_bits).  IPA bits above
 * the size are not a sign extension: a translation fault at level 0.
 *
 * Descriptors are stage 1's (valid, table / block / page, blocks at Arm
 * levels 1 and 2 with 4K, level 2 otherwise), with stage 2's attributes:
 * S2AP (bit 6 reads, bit 7 writes), XN (bit 54; with FEAT_XNX XN[1:0] in
 * 54:53 tells EL0 from EL1), MemAttr 5:2, AF, DBM under VTCR_EL2.HD (a
 * permitted write sets S2AP[1]: dirty), and no hierarchical attributes in
 * tables.  Checks in priority order: translation, address size, access
 * flag, permission, each at its level.  A fault's code is the ESR_EL2 of a
 * stage-2 abort taken from EL0/EL1: EC 0x24 / 0x20, IL, WnR for writes.
 */
#include "pt_arch.h"
#include "walk_loop.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "aarch64_regs.h"
#include "aarch64_s2_bits.h"
#include "text_buf.h"

/* At most 16 concatenated tables at the start level: 4 bits beyond a node. */
#define S2_CONCAT_BITS 4

static const struct pt_geometry s2_geom = {
	.pte_size = 8, .min_levels = 1, .max_levels = 4, .va = VA_EXT_ZERO, .max_phys_bits = 48,
	.partial_top = true, .concat_top_bits = S2_CONCAT_BITS, .title = "aarch64_stage2",
	.levels_text = "1 to 4", .va_noun = "intermediate physical addresses",
};
#define S2_GRANULE_GEOM(shift) { .pte_size = 8, .page_shift = shift, .min_levels = 1, .max_levels = 4, \
	.va = VA_EXT_ZERO, .max_phys_bits = 48, .partial_top = true, .concat_top_bits = S2_CONCAT_BITS }
static const struct pt_geometry s2_geom_4k = S2_GRANULE_GEOM(12);
static const struct pt_geometry s2_geom_16k = S2_GRANULE_GEOM(14);
static const struct pt_geometry s2_geom_64k = S2_GRANULE_GEOM(16);

static const struct cpu_key s2_cpu_keys[] = {
	CPU_KEY_ON(ha), CPU_KEY_ON(hd), CPU_KEY_ON(vmid16), CPU_KEY_FLAG(xnx), CPU_KEYS_END,
};

/*
 * D8 (VTCR_EL2.SL0, and the pseudocode's check of the start level): beyond
 * the widths the start level can resolve (paging_consts_derive), a start at
 * level 0 (4K) or level 1 (16K, 64K) needs a PA size that large, and the IPA
 * may not be larger than the PA (CONSTRAINED UNPREDICTABLE: refused here).
 */
static int s2_check_limits(const struct paging_consts *pc, struct mm_error *err)
{
	unsigned shift = pc->page_shift, start = arm_level(pc->nr_levels), ps = aarch64_pa_size(pc->phys_addr_width);
	bool k4 = shift == 12;
	unsigned sl0 = k4 ? pc->nr_levels - 2 : pc->nr_levels - 1, deep_ps = shift == 14 ? 42 : 44;

	if (shift != 12 && shift != 14 && shift != 16)
		return mm_error_set(err, MM_EINVAL,
				    "aarch64_stage2 granules are 4K, 16K and 64K (base_page_size 4096, 16384 or 65536)");
	if (pc->phys_addr_width > 48)
		return mm_error_set(err, MM_EINVAL,
				    "aarch64_stage2 physical addresses have at most 48 bits here (VTCR_EL2.PS 0b101; no FEAT_LPA)");
	if (pc->address_width < 25 || pc->address_width > 48)
		return mm_error_set(err, MM_EINVAL,
				    "aarch64_stage2 IPAs have 25 to 48 bits (VTCR_EL2.T0SZ 16 to 39), not %u",
				    pc->address_width);
	if (pc->address_width > ps)
		return mm_error_set(err, MM_EINVAL,
				    "aarch64_stage2: a %u-bit IPA (VTCR_EL2.T0SZ %u) is larger than the %u-bit PA size "
				    "(VTCR_EL2.PS, phys_addr_width %u), which the Arm ARM leaves CONSTRAINED UNPREDICTABLE",
				    pc->address_width, 64 - pc->address_width, ps, pc->phys_addr_width);
	if (k4 && pc->nr_levels < 2)
		return mm_error_set(err, MM_EINVAL,
				    "aarch64_stage2 with the 4K granule starts at level 2, 1 or 0 (nr_levels 2 to 4, "
				    "VTCR_EL2.SL0 0b00 to 0b10): level 3 (SL0 0b11) is FEAT_TTST's");
	if (!k4 && pc->nr_levels > 3)
		return mm_error_set(err, MM_EINVAL,
				    "aarch64_stage2 with the %uK granule starts at level 3, 2 or 1 (nr_levels 1 to 3, "
				    "VTCR_EL2.SL0 0b00 to 0b10): level 0 needs FEAT_LPA2", 1u << (shift - 10));
	if (start == (k4 ? 0u : 1u) && ps < deep_ps)
		return mm_error_set(err, MM_EINVAL,
				    "aarch64_stage2: starting at level %u (nr_levels %u, VTCR_EL2.SL0 0b%u%u) with the %uK "
				    "granule needs a PA size of %u bits or more (VTCR_EL2.PS), not %u",
				    start, pc->nr_levels, sl0 >> 1, sl0 & 1, 1u << (shift - 10), deep_ps, ps);
	if (pc->highest_translation_level > arm_block_top(shift))
		return mm_error_set(err, MM_EINVAL,
				    "the aarch64_stage2 %uK granule has blocks up to level %u (Arm level %u): "
				    "highest_translation_level %u at most", 1u << (shift - 10), arm_block_top(shift),
				    arm_level(arm_block_top(shift)), arm_block_top(shift));
	return MM_OK;
}

static int s2_check_prop(const struct page_prop *p, const struct cpu_ctl *ctl, struct mm_error *err)
{
	(void)ctl;
	if (p->cache == CACHE_WP)
		return mm_error_set(err, MM_EINVAL, "cache=wp has no stage-2 memory type (use wb, wt, wc or uc)");
	return MM_OK;
}

/*
 * r, w, x as S2AP and XN; a writable page carries DBM and stays write-clean
 * (S2AP[1] = 0) until dirty, as stage 1's; u and g have no stage-2 bits
 * (stage 2 applies to EL0 and EL1 alike, and its entries are VMID-tagged).
 */
static uint64_t s2_make_leaf(const struct paging_consts *pc, uint64_t pa, const struct page_prop *p,
			     unsigned level)
{
	static const unsigned attr_of[] = {
		[CACHE_WB] = ARM_S2_MEMATTR_WB, [CACHE_WT] = ARM_S2_MEMATTR_WT, [CACHE_UC] = ARM_S2_MEMATTR_DEVICE,
		[CACHE_WC] = ARM_S2_MEMATTR_NC, [CACHE_WP] = ARM_S2_MEMATTR_WB,
	};
	uint32_t f = p->flags;
	uint64_t pte = arm_leaf_base(pc, pa, level, (uint64_t)attr_of[p->cache] << ARM_S2_MEMATTR_SHIFT,
				     p->cache == CACHE_UC, f & PROP_AVAIL1, f & PROP_AVAIL2);

	if (f & PROP_R)
		pte |= ARM_S2AP_R;
	if (f & PROP_W)
		pte |= ARM_DBM | ((f & PROP_D) ? ARM_S2AP_W : 0);
	if (!(f & PROP_X))
		pte |= ARM_S2_XN1;
	if (f & PROP_A)
		pte |= ARM_AF;
	return pte;
}

static void s2_leaf_prop(const struct paging_consts *pc, uint64_t pte, unsigned level, struct page_prop *out)
{
	uint32_t f = PROP_U;

	(void)pc;
	(void)level;
	if (pte & ARM_S2AP_R)
		f |= PROP_R;
	if (pte & (ARM_S2AP_W | ARM_DBM))
		f |= PROP_W;
	if (pte & ARM_S2AP_W)
		f |= PROP_D;
	if (!(pte & ARM_S2_XN1))
		f |= PROP_X;
	if (pte & ARM_AF)
		f |= PROP_A;
	if (pte & ARM_SW0)
		f |= PROP_AVAIL1;
	if (pte & ARM_SW1)
		f |= PROP_AVAIL2;
	out->flags = f;
	switch ((pte & ARM_S2_MEMATTR_MASK) >> ARM_S2_MEMATTR_SHIFT) {
	case 0x0: case 0x1: case 0x2: case 0x3: out->cache = CACHE_UC; break;
	case ARM_S2_MEMATTR_NC: out->cache = CACHE_WC; break;
	case ARM_S2_MEMATTR_WT: out->cache = CACHE_WT; break;
	default: out->cache = CACHE_WB; break;
	}
}

/* Stage 2 takes nothing away in its tables: every right comes from the leaf. */
WALK_INLINE unsigned s2_initial_perms(void)
{
	return PERM_R | PERM_W | PERM_X | PERM_U;
}

/*
 * May a fetch at this EL execute the page?  Without FEAT_XNX, XN[1] alone
 * (bit 53 is RES0); with it XN[1:0]: 00 both, 01 EL0 only, 10 neither, 11
 * EL1 only (D8, "Stage 2 instruction execution permissions").
 */
WALK_INLINE bool s2_executable(const struct cpu_ctl *ctl, uint64_t pte, enum privilege priv)
{
	bool xn1 = pte & ARM_S2_XN1, xn0 = pte & ARM_S2_XN0;

	if (!ctl->xnx || !xn0)
		return !xn1;
	return xn1 ? priv == PRIV_SUPERVISOR : priv == PRIV_USER;
}

/* r, w (S2AP[1], or DBM under VTCR_EL2.HD), x as an EL1 fetch sees it, u for every page (no EL0 bit). */
WALK_INLINE unsigned s2_leaf_perms(const struct cpu_ctl *ctl, uint64_t pte)
{
	unsigned p = PERM_U;

	if (pte & ARM_S2AP_R)
		p |= PERM_R;
	if ((pte & ARM_S2AP_W) || ((pte & ARM_DBM) && arm_hw_dirty(ctl)))
		p |= PERM_W;
	if (s2_executable(ctl, pte, PRIV_SUPERVISOR))
		p |= PERM_X;
	return p;
}

static unsigned s2_entry_perms(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
			       unsigned level, bool leaf, unsigned upper)
{
	(void)pc;
	(void)level;
	return leaf ? s2_leaf_perms(ctl, pte) : upper;
}

/*
 * ESR_EL2 of a stage-2 abort (D19 "ESR_EL2", ISS for Data / Instruction
 * Aborts): from EL0 or EL1 alike EC 0x24 (data) or 0x20 (instruction), IL,
 * WnR (bit 6) for a data write, and the xFSC of class `fsc` at Arm level `alevel`.
 */
WALK_INLINE uint64_t s2_esr(enum access_kind access, unsigned fsc, unsigned alevel)
{
	uint64_t ec = access == ACCESS_EXEC ? ARM_EC_IABT_LOWER : ARM_EC_DABT_LOWER;

	return ec << ARM_ESR_EC_SHIFT | ARM_ESR_IL | (access == ACCESS_WRITE ? ARM_ESR_WNR : 0) | (fsc | alevel);
}

WALK_INLINE void s2_fault(struct walk_state *ws, enum fault_kind kind, enum fault_reason why, unsigned level,
			  unsigned fsc)
{
	walk_set_fault(ws, kind, why, level, s2_esr(ws->req->access, fsc, arm_level(level)));
}

/* IPA bits above the IPA size: a translation fault at level 0, whatever the start level. */
WALK_INLINE void s2_bad_ipa(struct walk_state *ws)
{
	walk_set_fault(ws, FAULT_NON_CANONICAL, REASON_ARM_S2_IPA_RANGE, ws->w->pc->nr_levels,
		       s2_esr(ws->req->access, ARM_FSC_TRANSLATION, 0));
}

WALK_INLINE void s2_bus_error(struct walk_state *ws, unsigned level)
{
	s2_fault(ws, FAULT_BUS_ERROR, REASON_BUS_ERROR, level, ARM_FSC_WALK_EXT);
}

WALK_INLINE enum walk_next s2_walk_entry(struct walk_state *ws, uint64_t pte, unsigned level, uint64_t pte_addr,
					 uint64_t *next_table)
{
	const struct paging_consts *pc = ws->w->pc;
	const struct cpu_ctl *ctl = ws->w->ctl;
	bool leaf = arm_is_leaf(pc, ctl, pte, level);

	(void)pte_addr;
	if (!(pte & ARM_VALID)) {
		s2_fault(ws, FAULT_NOT_PRESENT, REASON_ARM_INVALID, level, ARM_FSC_TRANSLATION);
		return WALK_FAULT;
	}
	/* A block where the granule has none, or 0b01 at level 3: a translation fault there. */
	if (leaf && arm_leaf_misplaced(pc->page_shift, pte, level)) {
		s2_fault(ws, FAULT_RESERVED_BIT, REASON_ARM_BLOCK_LEVEL, level, ARM_FSC_TRANSLATION);
		return WALK_FAULT;
	}
	if ((pte & ARM_OA_MASK) >> pc->phys_addr_width) {
		s2_fault(ws, FAULT_RESERVED_BIT, leaf ? REASON_ARM_S2_ADDR_SIZE : REASON_ARM_S2_TABLE_ADDR_SIZE, level,
			 ARM_FSC_ADDR_SIZE);
		return WALK_FAULT;
	}
	if (leaf) {
		ws->upper_perms = s2_leaf_perms(ctl, pte);
		return WALK_LEAF;
	}
	*next_table = arm_pte_addr(pc, ctl, pte, level);
	return WALK_DESCEND;
}

/* D8, stage 2 data and instruction access permissions: S2AP for loads and stores, XN for fetches. */
WALK_INLINE enum fault_reason s2_rights(const struct cpu_ctl *ctl, const struct walk_request *req, uint64_t pte)
{
	switch (req->access) {
	case ACCESS_EXEC:
		return s2_executable(ctl, pte, req->priv) ? REASON_NONE : REASON_ARM_S2_XN;
	case ACCESS_WRITE:
		return (pte & ARM_S2AP_W) || ((pte & ARM_DBM) && arm_hw_dirty(ctl)) ? REASON_NONE : REASON_ARM_S2_NO_WRITE;
	default:
		return (pte & ARM_S2AP_R) ? REASON_NONE : REASON_ARM_S2_NO_READ;
	}
}

/* The leaf PTE alone decides (no rights carried from tables), so a TLB hit asks the same question. */
WALK_INLINE bool s2_check_access(const struct cpu_ctl *ctl, const struct walk_request *req, unsigned perms,
				 uint64_t pte, unsigned level, struct walk_fault *f)
{
	enum fault_reason why = s2_rights(ctl, req, pte);

	(void)perms;
	if (why == REASON_NONE)
		return true;
	f->kind = FAULT_PERMISSION;
	f->reason = why;
	f->level = level;
	f->code = s2_esr(req->access, ARM_FSC_PERMISSION, arm_level(level));
	return false;
}

WALK_INLINE bool s2_walk_leaf(struct walk_state *ws, uint64_t pte_addr)
{
	struct walk_result *res = ws->res;
	const struct cpu_ctl *ctl = ws->w->ctl;
	uint64_t pte = res->leaf_pte, upd = pte;
	unsigned level = res->level;

	res->perms = ws->upper_perms;
	/* The Access flag is checked before the permissions. */
	if (!(pte & ARM_AF)) {
		if (!ctl->ha) {
			s2_fault(ws, FAULT_ACCESSED_DIRTY, REASON_ARM_S2_AF, level, ARM_FSC_ACCESS_FLAG);
			return false;
		}
		upd |= ARM_AF;
	}
	if (!s2_check_access(ctl, ws->req, res->perms, pte, level, &res->fault)) {
		res->ok = false;
		return false;
	}
	/* A permitted write to a write-clean page (DBM=1, S2AP[1]=0) makes it dirty: S2AP[1] set. */
	if (ws->req->access == ACCESS_WRITE && !(pte & ARM_S2AP_W) && (pte & ARM_DBM) && arm_hw_dirty(ctl))
		upd |= ARM_S2AP_W;
	if (upd != pte && !ws->req->no_ad_update) {
		res->set_accessed = !(pte & ARM_AF);
		res->set_dirty = (upd & ARM_S2AP_W) && !(pte & ARM_S2AP_W);
		pt_mem_write(ws->w->mem, pte_addr, 8, upd);
		res->leaf_pte = upd;
	}
	return true;
}

static const struct walk_hooks s2_hooks = {
	.initial_perms = s2_initial_perms, .bad_va = s2_bad_ipa, .bus_error = s2_bus_error,
	.walk_entry = s2_walk_entry, .walk_leaf = s2_walk_leaf, .pte_addr = arm_pte_addr,
	.is_present = arm_is_present, .is_leaf = arm_is_leaf,
};

/*
 * One instance of the loop per granule.  A VTTBR_EL2 base beyond the PA size
 * is an address size fault at level 0 before any entry is read.
 */
__attribute__((flatten)) static void s2_walk(const struct walker *w, const struct walk_request *req,
					     struct walk_result *res)
{
	if (!req->start_level && (req->root >> w->pc->phys_addr_width) && pc_va_canonical(w->pc, req->va)) {
		memset(res, 0, offsetof(struct walk_result, steps));
		res->fault = (struct walk_fault){ FAULT_RESERVED_BIT, REASON_ARM_S2_VTTBR_ADDR_SIZE, w->pc->nr_levels,
						  s2_esr(req->access, ARM_FSC_ADDR_SIZE, 0) };
		return;
	}
	switch (w->pc->page_shift) {
	case 12: walk_loop(w, req, res, &s2_hooks, &s2_geom_4k); break;
	case 14: walk_loop(w, req, res, &s2_hooks, &s2_geom_16k); break;
	default: walk_loop(w, req, res, &s2_hooks, &s2_geom_64k); break;
	}
}

__attribute__((flatten)) static void s2_walk_prefetch(const struct walker *w, uint64_t root, uint64_t va,
						      struct walk_prefetch_memo *memo)
{
	switch (w->pc->page_shift) {
	case 12: walk_prefetch_loop(w, root, va, memo, &s2_hooks, &s2_geom_4k); break;
	case 14: walk_prefetch_loop(w, root, va, memo, &s2_hooks, &s2_geom_16k); break;
	default: walk_prefetch_loop(w, root, va, memo, &s2_hooks, &s2_geom_64k); break;
	}
}

/* One half of a Normal MemAttr: [3:2] outer, [1:0] inner. */
static const char *s2_cacheability(unsigned two_bits)
{
	static const char *const names[4] = { "reserved", "NC", "WT", "WB" };

	return names[two_bits & 3];
}

/* "Device-nGnRnE", "Normal WB", "Normal outer WB, inner NC" (D8, stage 2 memory type and cacheability). */
static void s2_memattr_text(unsigned attr, char *buf, size_t len)
{
	static const char *const device[4] = { "Device-nGnRnE", "Device-nGnRE", "Device-nGRE", "Device-GRE" };

	if ((attr >> 2) == 0)
		snprintf(buf, len, "%s", device[attr & 3]);
	else if ((attr >> 2) == (attr & 3))
		snprintf(buf, len, "Normal %s", s2_cacheability(attr));
	else
		snprintf(buf, len, "Normal outer %s, inner %s", s2_cacheability(attr >> 2), s2_cacheability(attr));
}

/* XN[1:0] in words: as FEAT_XNX reads them, or XN[1] alone. */
static const char *s2_xn_text(const struct cpu_ctl *ctl, uint64_t pte)
{
	static const char *const xnx[4] = { "executable", "EL0 only", "execute-never", "EL1 only" };
	unsigned xn = (unsigned)(pte >> 53) & 3;

	if (ctl->xnx)
		return xnx[xn];
	return (xn & 2) ? "execute-never" : "executable: XN[0] is RES0 without FEAT_XNX";
}

/* "table next=0x...", "page MemAttr=0xf (Normal WB) S2AP=11 (RW) SH=3 AF DBM XN[1:0]=10 (...) oa=0x...". */
/* Arm ARM D8.3: stage-2 descriptors (MemAttr, S2AP, XN[1:0]). */
static unsigned s2_pte_fields(const struct paging_consts *pc, unsigned level, uint64_t pte, struct pte_field *out)
{
	static const struct pte_field fields[] = {
		{ "valid", 0, 1, 0 }, { "type", 1, 1, 0 }, { "memattr", 2, 4, 0 }, { "s2ap", 6, 2, 0 },
		{ "sh", 8, 2, 0 }, { "af", 10, 1, 0 }, { "addr", 12, 36, 12 }, { "dbm", 51, 1, 0 },
		{ "contiguous", 52, 1, 0 }, { "xn", 53, 2, 0 }, { "sw", 55, 4, 0 },
	};
	unsigned n = 0;

	(void)pc;
	(void)level;
	(void)pte;
	PTE_FIELDS_PUT(out, &n, fields);
	return n;
}


static void s2_describe_pte(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
			    unsigned level, char *buf, size_t len)
{
	static const char *const s2ap[4] = { "S2AP=00 (none)", "S2AP=01 (RO)", "S2AP=10 (WO)", "S2AP=11 (RW)" };
	unsigned attr = (unsigned)((pte & ARM_S2_MEMATTR_MASK) >> ARM_S2_MEMATTR_SHIFT);
	char type[40];
	size_t n = 0;

	buf[0] = '\0';
	if (!(pte & ARM_VALID)) {
		text_put(buf, len, &n, "invalid");
		return;
	}
	if (!arm_is_leaf(pc, ctl, pte, level)) {
		text_put(buf, len, &n, "table");
		if (pte & ARM_S2_TABLE_IGNORED)
			text_put(buf, len, &n, " ignored[63:59]=0x%x", (unsigned)(pte >> 59));
		text_put(buf, len, &n, " next=0x%llx", (unsigned long long)arm_pte_addr(pc, ctl, pte, level));
		return;
	}
	arm_leaf_kind_text(pc, pte, level, buf, len, &n);
	s2_memattr_text(attr, type, sizeof(type));
	text_put(buf, len, &n, " MemAttr=0x%x (%s) %s SH=%u", attr, type, s2ap[(pte >> 6) & 3],
		 (unsigned)(pte >> ARM_SH_SHIFT) & 3);
	if (pte & ARM_AF) text_put(buf, len, &n, " AF");
	if (pte & ARM_DBM) text_put(buf, len, &n, " DBM");
	if (pte & ARM_CONT) text_put(buf, len, &n, " Contiguous");
	if (pte & (ARM_S2_XN0 | ARM_S2_XN1))
		text_put(buf, len, &n, " XN[1:0]=%u%u (%s)", !!(pte & ARM_S2_XN1), !!(pte & ARM_S2_XN0),
			 s2_xn_text(ctl, pte));
	if (pte & (0xfull << 55)) text_put(buf, len, &n, " SW=0x%x", (unsigned)(pte >> 55) & 0xf);
	text_put(buf, len, &n, " oa=0x%llx", (unsigned long long)arm_pte_addr(pc, ctl, pte, level));
}

static const char *s2_entry_name(const struct paging_consts *pc, unsigned level)
{
	static const char *const names[] = { "stage-2 L0 descriptor", "stage-2 L1 descriptor",
					     "stage-2 L2 descriptor", "stage-2 L3 descriptor" };

	(void)pc;
	return level >= 1 && level <= 4 ? names[arm_level(level)] : "stage-2 descriptor";
}

/* The xFSC's class in words: "translation fault level 3". */
static void s2_fsc_text(uint64_t esr, char *buf, size_t len)
{
	static const char *const classes[] = { "address size fault", "translation fault", "access flag fault",
					       "permission fault" };
	unsigned fsc = (unsigned)esr & 0x3f;
	const char *cls = fsc < 0x10 ? classes[fsc >> 2]
			: (fsc & ~3u) == ARM_FSC_WALK_EXT ? "synchronous external abort on table walk" : "?";

	snprintf(buf, len, "%s level %u", cls, fsc & 3);
}

static bool s2_is_data_abort(uint64_t esr)
{
	return ((esr >> ARM_ESR_EC_SHIFT) & 0x3f) == ARM_EC_DABT_LOWER;
}

/* "ESR_EL2 0x92000047 (data abort from a lower EL, WnR, translation fault level 3)". */
static void s2_describe_fault(const struct walk_fault *f, char *buf, size_t len)
{
	char cls[64];
	bool data = s2_is_data_abort(f->code);

	s2_fsc_text(f->code, cls, sizeof(cls));
	snprintf(buf, len, "ESR_EL2 0x%llx (%s abort from a lower EL%s%s, %s)", (unsigned long long)f->code,
		 data ? "data" : "instruction", data && (f->code & ARM_ESR_WNR) ? ", WnR" : "",
		 (f->code & ARM_ESR_S1PTW) ? ", S1PTW" : "", cls);
}

/*
 * A stage-2 fault as EL2 is told it (D19 "ESR_EL2", "HPFAR_EL2", "FAR_EL2";
 * D8 "Stage 2 fault on a stage 1 translation table walk"): ESR_EL2 of the
 * guest's own access (EC 0x20 for a fetch, else 0x24; WnR for a store, the
 * instruction's direction even when its stage-1 walk faulted) with S1PTW set
 * when the IPA was a guest translation table's and the fault's xFSC;
 * HPFAR_EL2.FIPA = IPA[47:12] in bits 39:4; FAR_EL2 the guest VA.  An
 * external abort on the stage-2 walk does not write HPFAR_EL2 (UNKNOWN: 0).
 */
static void s2_stage2_report(const struct walk_fault *f, const struct stage2_context *ctx,
			     struct stage2_report *out, char *text, size_t len)
{
	bool data = ctx->access != ACCESS_EXEC;
	char esr[128];

	snprintf(out->code_name, sizeof(out->code_name), "ESR_EL2");
	snprintf(out->addr_name, sizeof(out->addr_name), "HPFAR_EL2");
	snprintf(out->extra_name, sizeof(out->extra_name), "FAR_EL2");
	out->code = s2_esr(ctx->access, (unsigned)f->code & 0x3c, (unsigned)f->code & 3) |
		    (ctx->table ? ARM_ESR_S1PTW : 0);
	out->addr = f->kind == FAULT_BUS_ERROR ? 0 : (ctx->gpa >> 12) << ARM_HPFAR_FIPA_SHIFT;
	out->extra = ctx->gva;
	s2_fsc_text(out->code, esr, sizeof(esr));
	if (f->kind == FAULT_BUS_ERROR) {
		snprintf(text, len, "stage-2 %s abort (ESR_EL2 0x%llx: EC 0x%x%s%s, %s), HPFAR_EL2 not written "
			 "(the stage-2 walk of IPA 0x%llx read outside memory), FAR_EL2 0x%llx",
			 data ? "data" : "instruction", (unsigned long long)out->code, data ? ARM_EC_DABT_LOWER
			 : ARM_EC_IABT_LOWER, data && ctx->access == ACCESS_WRITE ? ", WnR" : "",
			 ctx->table ? ", S1PTW" : "", esr, (unsigned long long)ctx->gpa, (unsigned long long)ctx->gva);
		return;
	}
	snprintf(text, len, "stage-2 %s abort (ESR_EL2 0x%llx: EC 0x%x%s%s, %s), HPFAR_EL2 0x%llx (IPA 0x%llx%s), "
		 "FAR_EL2 0x%llx", data ? "data" : "instruction", (unsigned long long)out->code,
		 data ? ARM_EC_DABT_LOWER : ARM_EC_IABT_LOWER, data && ctx->access == ACCESS_WRITE ? ", WnR" : "",
		 ctx->table ? ", S1PTW" : "", esr, (unsigned long long)out->addr, (unsigned long long)ctx->gpa,
		 !ctx->table ? "" : ctx->table_write ? ": the guest walk's descriptor update" : ": a guest table",
		 (unsigned long long)ctx->gva);
}

/* VTCR_EL2.VS: 16-bit VMIDs, or 8 (VTTBR_EL2 bits 63:56 then RES0). */
static unsigned s2_vmid_bits(const struct cpu_ctl *ctl)
{
	return ctl->vmid16 ? 16 : 8;
}

/* VTTBR_EL2: VMID in 63:48 (55:48 with 8-bit VMIDs), BADDR in 47:1 (CnP, bit 0, left clear). */
#define VTTBR_BADDR_MASK 0x0000fffffffffffeull

static uint64_t s2_encode_root_reg(const struct paging_consts *pc, uint64_t root, uint16_t vmid)
{
	(void)pc;
	return (uint64_t)vmid << 48 | (root & VTTBR_BADDR_MASK);
}

/* BADDR is aligned to the root's size, concatenated tables and all (at least 64 bytes). */
static int s2_decode_root_reg(const struct paging_consts *pc, uint64_t reg, uint64_t *root, uint16_t *vmid,
			      struct mm_error *err)
{
	uint64_t baddr = reg & VTTBR_BADDR_MASK, size = (uint64_t)pc->top_entries * 8;

	if (size < 64)
		size = 64;
	if (baddr & (size - 1))
		return mm_error_set(err, MM_EINVAL,
				    "VTTBR_EL2 0x%llx: BADDR is not aligned to the %llu-byte root (%u entries%s)",
				    (unsigned long long)reg, (unsigned long long)size, pc->top_entries,
				    pc->wide_top_bits ? ", concatenated tables" : "");
	*root = baddr;
	*vmid = (uint16_t)(reg >> 48);
	return MM_OK;
}

const struct pt_arch pt_arch_aarch64_stage2 = {
	.hw_sets_dirty = arm_hw_dirty,
	.name = "aarch64_stage2",
	.geom = &s2_geom,
	.hooks = &s2_hooks,
	.cpu_keys = s2_cpu_keys,
	.check_limits = s2_check_limits,
	.leaf_top = arm_leaf_top,
	.asid_bits = s2_vmid_bits,
	.check_prop = s2_check_prop,
	.make_leaf = s2_make_leaf,
	.make_table = arm_make_table,
	.leaf_prop = s2_leaf_prop,
	.entry_perms = s2_entry_perms,
	.check_access = s2_check_access,
	.walk = s2_walk,
	.walk_prefetch = s2_walk_prefetch,
	.describe_pte = s2_describe_pte,
	.pte_fields = s2_pte_fields,
	.entry_name = s2_entry_name,
	.describe_fault = s2_describe_fault,
	.describe_stage2_fault = s2_describe_fault,
	.elf_machine = 183 /* EM_AARCH64 */,
	.root_register = "vttbr",
	.encode_root_reg = s2_encode_root_reg,
	.decode_root_reg = s2_decode_root_reg,
	.ctl_regs = aarch64_s2_ctl_regs,
	.stage2_report = s2_stage2_report,
	.stage2_checks_guest_priv = true,
};
