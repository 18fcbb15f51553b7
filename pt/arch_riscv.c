/*
 * arch_riscv: the RISC-V Sv32/Sv39/Sv48/Sv57 format and walk rules (privileged
 * spec, "Virtual Address Translation Process", steps 1-8, with Svpbmt,
 * Svnapot, Svade and Svadu).
 *
 * Sv32 (riscv32) is the same algorithm with PTESIZE 4: V R W X U G A D RSW in
 * bits 9:0, PPN[1] (12 bits) in 31:20 and PPN[0] (10 bits) in 19:10, so 34-bit
 * physical addresses; it has no N, PBMT or reserved bits (a 4-byte PTE read
 * leaves bits 63:32 zero, so the Sv39 checks of those bits never fire), and
 * a 4 MiB megapage whose PPN[0] is not zero is a misaligned superpage.
 *
 * Step 3 (validity) runs on every PTE; step 4 tells pointers from leaves;
 * steps 5 (permissions), 6 (misaligned superpage) and 7 (A/D) run on the leaf
 * in that order.  Under Svadu the walk sets A, and D for stores, only once the
 * access has passed every other check.  Every page fault carries the cause of
 * the original access (12 fetch, 13 load, 15 store); a PTE read outside memory
 * is the matching access fault (1, 5, 7).
 *
 * riscv64x4 is the Hypervisor extension's G-stage (Sv39x4, Sv48x4, Sv57x4:
 * "Guest Physical Address Translation"): the same walk of guest-physical
 * addresses with a root of four pages indexing two more bits, GPA bits above
 * the width zero (not a sign extension), every access checked as a U-mode
 * access (a leaf needs U=1), and guest-page faults (20 fetch, 21 load, 23
 * store) with htval = GPA >> 2 (walk_fault.code: rv_guest_page_code).  The
 * rules below take a constant `gstage` so that one copy serves both walks
 * and the Sv39 walk compiles as before.
 */
#include "pt_arch.h"
#include "walk_loop.h"

#include <stddef.h>
#include <stdio.h>

#include "riscv_bits.h"
#include "text_buf.h"

/* Sv39, Sv48, Sv57: 512 eight-byte entries a level, up to 56-bit PAs. */
static const struct pt_geometry rv64_geom = {
	.pte_size = 8, .page_shift = 12, .min_levels = 3, .max_levels = 5, .va = VA_EXT_SIGN,
	.max_phys_bits = 56, .title = "riscv64", .levels_text = "3 (Sv39), 4 (Sv48) or 5 (Sv57)",
};

/* Sv32: 1024 four-byte entries a level, 34-bit PAs. */
static const struct pt_geometry sv32_geom = {
	.pte_size = 4, .page_shift = 12, .min_levels = 2, .max_levels = 2, .va = VA_EXT_ZERO,
	.max_phys_bits = 34, .title = "riscv32 (Sv32)", .levels_text = "2",
};

/* Sv39x4, Sv48x4, Sv57x4: the Sv geometry with a 16 KiB root (GPA widths 41, 50, 59). */
static const struct pt_geometry rv64x4_geom = {
	.pte_size = 8, .page_shift = 12, .min_levels = 3, .max_levels = 5, .va = VA_EXT_ZERO,
	.max_phys_bits = 56, .wide_top_bits = 2, .title = "riscv64x4 (G-stage)",
	.levels_text = "3 (Sv39x4), 4 (Sv48x4) or 5 (Sv57x4)", .va_noun = "guest-physical addresses",
};

/* sstatus.SUM and MXR and the A/D policy (Svadu by default); RV64 adds Svpbmt and Svnapot. */
static const struct cpu_key_choice rv_ad_policies[] = {
	{ "svadu", AD_SVADU }, { "svade", AD_SVADE }, { NULL, 0 },
};
#define RV_CPU_KEYS                                                                                     \
	CPU_KEY_FLAG(sum), CPU_KEY_FLAG(mxr),                                                           \
	{ "ad", CPU_KEY_CHOICE, offsetof(struct cpu_ctl, ad), AD_SVADU, "A/D policy", rv_ad_policies }
static const struct cpu_key rv64_cpu_keys[] = {
	RV_CPU_KEYS, CPU_KEY_FLAG(svpbmt), CPU_KEY_FLAG(svnapot), CPU_KEYS_END,
};
static const struct cpu_key sv32_cpu_keys[] = { RV_CPU_KEYS, CPU_KEYS_END };
/* The G-stage checks every access as U-mode's: SUM has nothing to do there. */
static const struct cpu_key rv64x4_cpu_keys[] = {
	CPU_KEY_FLAG(mxr),
	{ "ad", CPU_KEY_CHOICE, offsetof(struct cpu_ctl, ad), AD_SVADU, "A/D policy", rv_ad_policies },
	CPU_KEY_FLAG(svpbmt), CPU_KEY_FLAG(svnapot), CPU_KEYS_END,
};

static int check_phys_bits(const struct pt_geometry *g, const struct paging_consts *pc, struct mm_error *err)
{
	if (pc->phys_addr_width > g->max_phys_bits)
		return mm_error_set(err, MM_EINVAL, "%s physical addresses have at most %u bits", g->title,
				    g->max_phys_bits);
	return MM_OK;
}

/* The PA limit; the geometry has been checked, so the PTE size tells the mode. */
static int rv_check_limits(const struct paging_consts *pc, struct mm_error *err)
{
	return check_phys_bits(pc->pte_size == sv32_geom.pte_size ? &sv32_geom : &rv64_geom, pc, err);
}

static int rvg_check_limits(const struct paging_consts *pc, struct mm_error *err)
{
	return check_phys_bits(&rv64x4_geom, pc, err);
}

static int rv_check_prop(const struct page_prop *p, const struct cpu_ctl *ctl, struct mm_error *err)
{
	if ((p->flags & PROP_W) && !(p->flags & PROP_R))
		return mm_error_set(err, MM_EINVAL, "RISC-V reserves W without R: add r");
	if (!(p->flags & (PROP_R | PROP_X)))
		return mm_error_set(err, MM_EINVAL,
				    "a RISC-V leaf needs r or x (R=W=X=0 would be a pointer)");
	if (p->cache == CACHE_WT || p->cache == CACHE_WP)
		return mm_error_set(err, MM_EINVAL,
				    "cache=%s has no RISC-V PBMT encoding (use wb, wc or uc)",
				    cache_policy_name(p->cache));
	if (p->cache != CACHE_WB && !ctl->svpbmt)
		return mm_error_set(err, MM_EINVAL, "cache=%s needs Svpbmt (cpu: svpbmt: true)",
				    cache_policy_name(p->cache));
	return MM_OK;
}

static uint64_t rv_make_leaf(const struct paging_consts *pc, uint64_t pa, const struct page_prop *p,
			     unsigned level)
{
	uint64_t pte = RV_V | ((pa >> 12) << RV_PPN_SHIFT & RV_PPN_MASK);
	uint32_t f = p->flags;

	(void)pc;
	(void)level;
	if (f & PROP_R) pte |= RV_R;
	if (f & PROP_W) pte |= RV_W;
	if (f & PROP_X) pte |= RV_X;
	if (f & PROP_U) pte |= RV_U;
	if (f & PROP_G) pte |= RV_G;
	if (f & PROP_A) pte |= RV_A;
	if (f & PROP_D) pte |= RV_D;
	if (f & PROP_AVAIL1) pte |= RV_RSW0;
	if (f & PROP_AVAIL2) pte |= RV_RSW1;
	if (p->cache == CACHE_WC)
		pte |= (uint64_t)RV_PBMT_NC << RV_PBMT_SHIFT;
	else if (p->cache == CACHE_UC)
		pte |= (uint64_t)RV_PBMT_IO << RV_PBMT_SHIFT;
	return pte;
}

/* A G-stage leaf without U would fault on every access: the G-stage's accesses are U-mode's. */
static uint64_t rvg_make_leaf(const struct paging_consts *pc, uint64_t pa, const struct page_prop *p,
			      unsigned level)
{
	return rv_make_leaf(pc, pa, p, level) | RV_U;
}

static uint64_t rv_make_table(const struct paging_consts *pc, uint64_t pa)
{
	(void)pc;
	return RV_V | ((pa >> 12) << RV_PPN_SHIFT & RV_PPN_MASK);
}

WALK_INLINE bool rv_is_present(const struct paging_consts *pc, uint64_t pte)
{
	(void)pc;
	return pte & RV_V;
}

WALK_INLINE bool rv_is_leaf(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
			    unsigned level)
{
	(void)pc;
	(void)ctl;
	(void)level;
	return pte & (RV_R | RV_X);
}

WALK_INLINE uint64_t rv_pte_addr(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
				unsigned level)
{
	(void)pc;
	(void)ctl;
	(void)level;
	return rv_pte_ppn(pte) << 12;
}

/*
 * Svnapot: a level-1 leaf with N=1 and ppn[3:0] = 0b1000 is one of the 16
 * entries of a 64 KiB page, each naming the whole page; the 4 KiB page at va
 * takes ppn[3:0] from va[15:12] ("Svnapot" chapter, step 8 of the walk).
 */
/* Spec 4.3.2 step 4: a PTE with R or X is a leaf at any level, the root's too. */
static unsigned rv_leaf_top(const struct paging_consts *pc)
{
	return pc->nr_levels;
}

static uint64_t rv_leaf_frame(const struct paging_consts *pc, uint64_t pte, unsigned level, uint64_t va)
{
	uint64_t frame = rv_pte_ppn(pte) << 12;

	if ((pte & RV_N) && level == 1 && (rv_pte_ppn(pte) & 0xf) == 0x8)
		return (frame & ~0xffffull) | (va & 0xf000);
	return frame & ~(pc_page_size(pc, level) - 1);
}

static void rv_leaf_prop(const struct paging_consts *pc, uint64_t pte, unsigned level,
			 struct page_prop *out)
{
	uint32_t f = 0;

	(void)pc;
	(void)level;
	if (pte & RV_R) f |= PROP_R;
	if (pte & RV_W) f |= PROP_W;
	if (pte & RV_X) f |= PROP_X;
	if (pte & RV_U) f |= PROP_U;
	if (pte & RV_G) f |= PROP_G;
	if (pte & RV_A) f |= PROP_A;
	if (pte & RV_D) f |= PROP_D;
	if (pte & RV_RSW0) f |= PROP_AVAIL1;
	if (pte & RV_RSW1) f |= PROP_AVAIL2;
	out->flags = f;
	switch (rv_pte_pbmt(pte)) {
	case RV_PBMT_NC: out->cache = CACHE_WC; break;
	case RV_PBMT_IO: out->cache = CACHE_UC; break;
	default: out->cache = CACHE_WB; break;
	}
}

WALK_INLINE unsigned rv_initial_perms(void)
{
	return 0;
}

WALK_INLINE unsigned rv_entry_perms(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
			       unsigned level, bool leaf, unsigned upper)
{
	/* Permissions come from the leaf alone; G in a pointer covers all below it. */
	unsigned p = upper & PERM_G;

	(void)pc;
	(void)ctl;
	(void)level;
	if (pte & RV_G)
		p |= PERM_G;
	if (leaf) {
		if (pte & RV_R) p |= PERM_R;
		if (pte & RV_W) p |= PERM_W;
		if (pte & RV_X) p |= PERM_X;
		if (pte & RV_U) p |= PERM_U;
	}
	return p;
}

/* The page fault of the original access: scause, or for the G-stage the pair (scause, htval). */
WALK_INLINE uint64_t req_page_fault_code(const struct walk_request *req, const bool gstage)
{
	switch (req->access) {
	case ACCESS_EXEC:
		return gstage ? rv_guest_page_code(RV_CAUSE_FETCH_GUEST_PAGE, req->va) : RV_CAUSE_FETCH_PAGE;
	case ACCESS_WRITE:
		return gstage ? rv_guest_page_code(RV_CAUSE_STORE_GUEST_PAGE, req->va) : RV_CAUSE_STORE_PAGE;
	default:
		return gstage ? rv_guest_page_code(RV_CAUSE_LOAD_GUEST_PAGE, req->va) : RV_CAUSE_LOAD_PAGE;
	}
}

WALK_INLINE void rv_page_fault(struct walk_state *ws, enum fault_kind kind, enum fault_reason why,
			  unsigned level, const bool gstage)
{
	walk_set_fault(ws, kind, why, level, req_page_fault_code(ws->req, gstage));
}

WALK_INLINE void rv_bad_va(struct walk_state *ws)
{
	/* "bits 63..VAW must all equal bit VAW-1, or else a page-fault exception will occur" */
	rv_page_fault(ws, FAULT_NON_CANONICAL, REASON_NON_CANONICAL, ws->w->pc->nr_levels, false);
}

WALK_INLINE void rvg_bad_va(struct walk_state *ws)
{
	/* Sv39x4: "bits 63:41 must all be zeros, or else a guest-page-fault exception occurs" */
	rv_page_fault(ws, FAULT_NON_CANONICAL, REASON_NON_CANONICAL, ws->w->pc->nr_levels, true);
}

WALK_INLINE void rv_bus_error(struct walk_state *ws, unsigned level)
{
	/* Step 2: a PMA/PMP violation on the PTE access raises an access fault. */
	uint64_t cause = ws->req->access == ACCESS_EXEC ? RV_CAUSE_FETCH_ACCESS
		       : ws->req->access == ACCESS_WRITE ? RV_CAUSE_STORE_ACCESS
							 : RV_CAUSE_LOAD_ACCESS;
	walk_set_fault(ws, FAULT_BUS_ERROR, REASON_BUS_ERROR, level, cause);
}

/* Step 3: encodings reserved in any PTE, then those reserved in pointers or leaves. */
WALK_INLINE enum fault_reason rv_invalid(const struct walk_state *ws, uint64_t pte, unsigned level)
{
	const struct cpu_ctl *ctl = ws->w->ctl;
	unsigned pbmt = rv_pte_pbmt(pte);

	if (!(pte & RV_R) && (pte & RV_W))
		return REASON_RV_W_WITHOUT_R;
	if (pte & RV_RSVD_MASK)
		return REASON_RV_RSVD_BITS;
	if (pbmt && !ctl->svpbmt)
		return REASON_RV_PBMT_UNSUPPORTED;
	if ((pte & RV_N) && !ctl->svnapot)
		return REASON_RV_NAPOT_UNSUPPORTED;
	if (!rv_is_leaf(ws->w->pc, ws->w->ctl, pte, level)) {
		if (pte & (RV_D | RV_A | RV_U | RV_N | RV_PBMT_MASK))
			return REASON_RV_NONLEAF_ATTR;
		return REASON_NONE;
	}
	if (pbmt == 3)
		return REASON_RV_PBMT_RESERVED;
	/* Svnapot defines one size: 64 KiB, a level-1 leaf whose ppn[3:0] is 0b1000. */
	if ((pte & RV_N) && (level != 1 || (rv_pte_ppn(pte) & 0xf) != 0x8))
		return REASON_RV_NAPOT_BAD;
	return REASON_NONE;
}

WALK_INLINE enum walk_next rv_walk_entry_as(struct walk_state *ws, uint64_t pte, unsigned level,
				       uint64_t *next_table, const bool gstage)
{
	enum fault_reason why;

	if (!(pte & RV_V)) {
		rv_page_fault(ws, FAULT_NOT_PRESENT, REASON_NOT_PRESENT, level, gstage);
		return WALK_FAULT;
	}
	why = rv_invalid(ws, pte, level);
	if (why != REASON_NONE) {
		rv_page_fault(ws, FAULT_RESERVED_BIT, why, level, gstage);
		return WALK_FAULT;
	}
	ws->upper_perms = rv_entry_perms(ws->w->pc, ws->w->ctl, pte, level,
					 rv_is_leaf(ws->w->pc, ws->w->ctl, pte, level), ws->upper_perms);
	if (rv_is_leaf(ws->w->pc, ws->w->ctl, pte, level))
		return WALK_LEAF;
	/* Step 4: a pointer with nowhere left to go. */
	if (level == 1) {
		rv_page_fault(ws, FAULT_NO_LEAF, REASON_NO_LEAF, level, gstage);
		return WALK_FAULT;
	}
	*next_table = rv_pte_ppn(pte) << 12;
	return WALK_DESCEND;
}

WALK_INLINE enum walk_next rv_walk_entry(struct walk_state *ws, uint64_t pte, unsigned level,
				    uint64_t pte_addr, uint64_t *next_table)
{
	(void)pte_addr;
	return rv_walk_entry_as(ws, pte, level, next_table, false);
}

WALK_INLINE enum walk_next rvg_walk_entry(struct walk_state *ws, uint64_t pte, unsigned level,
				     uint64_t pte_addr, uint64_t *next_table)
{
	(void)pte_addr;
	return rv_walk_entry_as(ws, pte, level, next_table, true);
}

/*
 * Step 5: may this privilege mode make this access to this leaf?  The
 * G-stage treats every access as a U-mode access (so a leaf needs U=1).
 */
WALK_INLINE enum fault_reason rv_rights(const struct cpu_ctl *ctl, const struct walk_request *req,
				   uint64_t pte, const bool gstage)
{
	if (gstage || req->priv == PRIV_USER) {
		if (!(pte & RV_U))
			return REASON_RV_USER_NOT_U;
	} else if (pte & RV_U) {
		if (req->access == ACCESS_EXEC)
			return REASON_RV_SUPERVISOR_U_FETCH;
		if (!ctl->sum)
			return REASON_RV_SUPERVISOR_U_NOSUM;
	}
	switch (req->access) {
	case ACCESS_READ:
		if (!(pte & RV_R) && !(ctl->mxr && (pte & RV_X)))
			return REASON_RV_NOT_READABLE;
		break;
	case ACCESS_WRITE:
		if (!(pte & RV_W))
			return REASON_RV_NOT_WRITABLE;
		break;
	case ACCESS_EXEC:
		if (!(pte & RV_X))
			return REASON_RV_NOT_EXECUTABLE;
		break;
	}
	return REASON_NONE;
}

WALK_INLINE bool rv_check_access_as(const struct cpu_ctl *ctl, const struct walk_request *req, uint64_t pte,
			       unsigned level, struct walk_fault *f, const bool gstage)
{
	enum fault_reason why = rv_rights(ctl, req, pte, gstage);

	if (why == REASON_NONE)
		return true;
	f->kind = FAULT_PERMISSION;
	f->reason = why;
	f->level = level;
	f->code = req_page_fault_code(req, gstage);
	return false;
}

WALK_INLINE bool rv_check_access(const struct cpu_ctl *ctl, const struct walk_request *req, unsigned perms,
			    uint64_t pte, unsigned level, struct walk_fault *f)
{
	(void)perms;
	return rv_check_access_as(ctl, req, pte, level, f, false);
}

WALK_INLINE bool rvg_check_access(const struct cpu_ctl *ctl, const struct walk_request *req, unsigned perms,
			     uint64_t pte, unsigned level, struct walk_fault *f)
{
	(void)perms;
	return rv_check_access_as(ctl, req, pte, level, f, true);
}

WALK_INLINE bool rv_walk_leaf_as(struct walk_state *ws, uint64_t pte_addr, const bool gstage)
{
	struct walk_result *res = ws->res;
	uint64_t pte = res->leaf_pte;
	unsigned level = res->level;
	bool store = ws->req->access == ACCESS_WRITE;

	res->perms = ws->upper_perms;
	if (!rv_check_access_as(ws->w->ctl, ws->req, pte, level, &res->fault, gstage)) {
		res->ok = false;
		return false;
	}
	/* Step 6: a superpage's PPN bits below its size must be zero. */
	if (level > 1) {
		uint64_t low = (1ull << ((level - 1) * ws->w->pc->index_bits)) - 1;
		if (rv_pte_ppn(pte) & low) {
			rv_page_fault(ws, FAULT_MISALIGNED_SUPERPAGE, REASON_MISALIGNED_SUPERPAGE, level, gstage);
			return false;
		}
	}
	if (pte & RV_N)
		res->page_size = 64 * 1024;
	/* Step 7: A, and D for stores. */
	if (!(pte & RV_A) || (store && !(pte & RV_D))) {
		if (ws->w->ctl->ad == AD_SVADE) {
			rv_page_fault(ws, FAULT_ACCESSED_DIRTY,
				      (pte & RV_A) ? REASON_D_CLEAR : REASON_A_CLEAR, level, gstage);
			return false;
		}
		if (!ws->req->no_ad_update) {
			uint64_t upd = pte | RV_A | (store ? RV_D : 0);
			res->set_accessed = !(pte & RV_A);
			res->set_dirty = store && !(pte & RV_D);
			pt_mem_write(ws->w->mem, pte_addr, ws->w->pc->pte_size, upd);
			res->leaf_pte = upd;
		}
	}
	return true;
}

WALK_INLINE bool rv_walk_leaf(struct walk_state *ws, uint64_t pte_addr)
{
	return rv_walk_leaf_as(ws, pte_addr, false);
}

WALK_INLINE bool rvg_walk_leaf(struct walk_state *ws, uint64_t pte_addr)
{
	return rv_walk_leaf_as(ws, pte_addr, true);
}

static void rv_describe_pte(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
			    unsigned level, char *buf, size_t len)
{
	size_t n = 0;
	static const char *const pbmt_names[4] = { "PMA", "NC", "IO", "reserved" };

	(void)pc;
	(void)ctl;
	(void)level;
	buf[0] = '\0';
	text_put(buf, len, &n, "%s", (pte & RV_V) ? "V" : "not-present");
	if (pte & RV_R) text_put(buf, len, &n, " R");
	if (pte & RV_W) text_put(buf, len, &n, " W");
	if (pte & RV_X) text_put(buf, len, &n, " X");
	if (pte & RV_U) text_put(buf, len, &n, " U");
	if (pte & RV_G) text_put(buf, len, &n, " G");
	if (pte & RV_A) text_put(buf, len, &n, " A");
	if (pte & RV_D) text_put(buf, len, &n, " D");
	if (pte & RV_RSW0) text_put(buf, len, &n, " RSW0");
	if (pte & RV_RSW1) text_put(buf, len, &n, " RSW1");
	if (pte & RV_RSVD_MASK) text_put(buf, len, &n, " RSVD=0x%llx", (unsigned long long)((pte & RV_RSVD_MASK) >> 54));
	if (rv_pte_pbmt(pte)) text_put(buf, len, &n, " PBMT=%s", pbmt_names[rv_pte_pbmt(pte)]);
	if (pte & RV_N) text_put(buf, len, &n, " N");
	text_put(buf, len, &n, " ppn=0x%llx", (unsigned long long)rv_pte_ppn(pte));
}

/* Appends word i of `count` joined as a list: "a", "a and b", "a, b and c". */
static void rv_put_and(char *buf, size_t len, size_t *n, unsigned i, unsigned count, const char *word)
{
	text_put(buf, len, n, "%s%s", i == 0 ? "" : i + 1 == count ? " and " : ", ", word);
}

/*
 * The reserved bits a faulting entry sets, named as the privileged spec names
 * them: in a pointer "the D, A, and U bits are reserved for future standard
 * use" (Sv32/Sv39 "Virtual Address Translation"), as are N (Svnapot) and
 * PBMT, bits 62:61 (Svpbmt); in any Sv39-57 PTE bits 60:54 are reserved.
 * Step 3 of the walk raises a page fault when any of them is set.
 */
static bool rv_reason_bits(const struct paging_consts *pc, enum fault_reason reason, uint64_t pte, unsigned level,
			   char *buf, size_t len)
{
	static const struct {
		uint64_t mask;
		const char *name;
	} pointer_rsvd[] = { { RV_D, "D" }, { RV_A, "A" }, { RV_U, "U" }, { RV_N, "N" }, { RV_PBMT_MASK, "PBMT" } };
	unsigned count = 0, i = 0;
	size_t n = 0;

	(void)level;
	buf[0] = '\0';
	if (reason == REASON_RV_NONLEAF_ATTR) {
		for (size_t b = 0; b < sizeof(pointer_rsvd) / sizeof(pointer_rsvd[0]); b++)
			count += (pte & pointer_rsvd[b].mask) != 0;
		if (!count)
			return false;
		for (size_t b = 0; b < sizeof(pointer_rsvd) / sizeof(pointer_rsvd[0]); b++)
			if (pte & pointer_rsvd[b].mask)
				rv_put_and(buf, len, &n, i++, count, pointer_rsvd[b].name);
		text_put(buf, len, &n, " %s set in a non-leaf PTE, where %s reserved for future standard use",
			 count == 1 ? "is" : "are", pc->pte_size == 4 ? "D, A and U are" : "D, A, U, N and PBMT are");
		return true;
	}
	if (reason == REASON_RV_RSVD_BITS && (pte & RV_RSVD_MASK)) {
		char bit[8];
		count = (unsigned)__builtin_popcountll(pte & RV_RSVD_MASK);
		text_put(buf, len, &n, "reserved bit%s ", count == 1 ? "" : "s");
		for (int b = 60; b >= 54; b--)
			if (pte >> b & 1) {
				snprintf(bit, sizeof(bit), "%d", b);
				rv_put_and(buf, len, &n, i++, count, bit);
			}
		text_put(buf, len, &n, " %s set: bits 60:54 are reserved for future standard use and must be 0",
			 count == 1 ? "is" : "are");
		return true;
	}
	return false;
}

/*
 * Privileged spec, "Sv39": V R W X U G A D, RSW, the PPN (addr: the PA it
 * names), the reserved bits 60:54, PBMT and N; Sv32's 4-byte entry ends
 * with a 22-bit PPN.
 */
static unsigned rv_pte_fields(const struct paging_consts *pc, unsigned level, uint64_t pte, struct pte_field *out)
{
	static const struct pte_field low[] = {
		{ "v", 0, 1, 0 }, { "r", 1, 1, 0 }, { "w", 2, 1, 0 }, { "x", 3, 1, 0 }, { "u", 4, 1, 0 },
		{ "g", 5, 1, 0 }, { "a", 6, 1, 0 }, { "d", 7, 1, 0 }, { "rsw", 8, 2, 0 },
	};
	static const struct pte_field wide[] = {
		{ "ppn", 10, 44, 0 }, { "addr", 10, 44, 12 }, { "rsvd", 54, 7, 0 }, { "pbmt", 61, 2, 0 }, { "n", 63, 1, 0 },
	};
	static const struct pte_field sv32[] = { { "ppn", 10, 22, 0 }, { "addr", 10, 22, 12 } };
	unsigned n = 0;

	(void)level;
	(void)pte;
	PTE_FIELDS_PUT(out, &n, low);
	if (pc->pte_size == 8)
		PTE_FIELDS_PUT(out, &n, wide);
	else
		PTE_FIELDS_PUT(out, &n, sv32);
	return n;
}


static void rv_describe_fault(const struct walk_fault *f, char *buf, size_t len)
{
	const char *what;

	switch (f->code) {
	case RV_CAUSE_FETCH_ACCESS: what = "instruction access fault"; break;
	case RV_CAUSE_LOAD_ACCESS: what = "load access fault"; break;
	case RV_CAUSE_STORE_ACCESS: what = "store/AMO access fault"; break;
	case RV_CAUSE_FETCH_PAGE: what = "instruction page fault"; break;
	case RV_CAUSE_LOAD_PAGE: what = "load page fault"; break;
	case RV_CAUSE_STORE_PAGE: what = "store/AMO page fault"; break;
	/* A VM's combined answer (mmusim_translate on a VM) carries stage 2's scause. */
	case RV_CAUSE_FETCH_GUEST_PAGE: what = "instruction guest-page fault"; break;
	case RV_CAUSE_LOAD_GUEST_PAGE: what = "load guest-page fault"; break;
	case RV_CAUSE_STORE_GUEST_PAGE: what = "store/AMO guest-page fault"; break;
	default: what = "?"; break;
	}
	snprintf(buf, len, "scause %llu (%s)", (unsigned long long)f->code, what);
}

static void rvg_describe_fault(const struct walk_fault *f, char *buf, size_t len)
{
	uint64_t scause = rv_guest_page_scause(f->code);
	const char *what = scause == RV_CAUSE_FETCH_GUEST_PAGE  ? "instruction guest-page fault"
			 : scause == RV_CAUSE_STORE_GUEST_PAGE ? "store/AMO guest-page fault"
			 : scause == RV_CAUSE_LOAD_GUEST_PAGE  ? "load guest-page fault"
								: "?";

	/* A G-stage PTE read outside memory is an access fault, as on Sv39. */
	if (f->kind == FAULT_BUS_ERROR) {
		rv_describe_fault(f, buf, len);
		return;
	}
	snprintf(buf, len, "scause %llu (%s), htval 0x%llx", (unsigned long long)scause, what,
		 (unsigned long long)rv_guest_page_htval(f->code));
}

/*
 * A G-stage fault as HS-mode sees it (privileged spec, Hypervisor extension,
 * "Two-Stage Address Translation" and the htval/htinst registers): the
 * guest-page fault of the guest's own access type even when an implicit
 * access of the VS-stage walk faulted, htval = GPA >> 2, and htinst the
 * pseudoinstruction of that implicit access (0x3000 a 64-bit read, 0x3020 a
 * 64-bit write for A/D; 0x2000 / 0x2020 for an Sv32 guest's 32-bit PTEs) or 0 for the final GPA (we model no instruction to
 * transform).  A G-stage PTE read outside memory is an access fault of the
 * guest's access type, with no htval.
 */
static void rvg_stage2_report(const struct walk_fault *f, const struct stage2_context *ctx,
			      struct stage2_report *out, char *text, size_t len)
{
	static const uint64_t access_cause[] = {
		[ACCESS_READ] = RV_CAUSE_LOAD_ACCESS, [ACCESS_WRITE] = RV_CAUSE_STORE_ACCESS,
		[ACCESS_EXEC] = RV_CAUSE_FETCH_ACCESS,
	};
	static const uint64_t guest_page_cause[] = {
		[ACCESS_READ] = RV_CAUSE_LOAD_GUEST_PAGE, [ACCESS_WRITE] = RV_CAUSE_STORE_GUEST_PAGE,
		[ACCESS_EXEC] = RV_CAUSE_FETCH_GUEST_PAGE,
	};
	struct walk_fault as_cause = *f;
	char cause[96];

	snprintf(out->code_name, sizeof(out->code_name), "scause");
	snprintf(out->addr_name, sizeof(out->addr_name), "htval");
	snprintf(out->extra_name, sizeof(out->extra_name), "htinst");
	if (f->kind == FAULT_BUS_ERROR) {
		out->code = access_cause[ctx->access];
		out->addr = 0;
		out->extra = 0;
		as_cause.code = out->code;
		rv_describe_fault(&as_cause, cause, sizeof(cause));
		snprintf(text, len, "%s: a G-stage PTE of GPA 0x%llx is outside memory", cause,
			 (unsigned long long)ctx->gpa);
		return;
	}
	out->code = guest_page_cause[ctx->access];
	out->addr = ctx->gpa >> 2;
	/* The pseudoinstructions: 0x3000 / 0x3020 for a 64-bit PTE, 0x2000 / 0x2020 for an Sv32 guest's 32-bit one. */
	out->extra = !ctx->table ? 0 : (ctx->table_size == 4 ? 0x2000 : 0x3000) | (ctx->table_write ? 0x20 : 0);
	as_cause.code = rv_guest_page_code(out->code, ctx->gpa);
	rvg_describe_fault(&as_cause, cause, sizeof(cause));
	snprintf(text, len, "%s (GPA 0x%llx), htinst 0x%llx (%s)", cause, (unsigned long long)ctx->gpa,
		 (unsigned long long)out->extra,
		 !ctx->table ? "the final GPA; no instruction transformed"
		 : ctx->table_write ? "implicit write of a VS-stage PTE: A/D"
				    : "implicit read of a VS-stage PTE");
}

static const char *rvg_entry_name(const struct paging_consts *pc, unsigned level)
{
	(void)pc;
	(void)level;
	return "G-stage PTE";
}

/* satp (RV64): MODE 63:60 (8 Sv39, 9 Sv48, 10 Sv57), ASID 59:44, PPN 43:0. */
static unsigned satp_mode(unsigned nr_levels)
{
	return nr_levels + 5;
}

static uint64_t rv_encode_root_reg(const struct paging_consts *pc, uint64_t root, uint16_t asid)
{
	return ((uint64_t)satp_mode(pc->nr_levels) << 60) | ((uint64_t)asid << 44) |
	       ((root >> 12) & ((1ull << 44) - 1));
}

static int rv_decode_root_reg(const struct paging_consts *pc, uint64_t reg, uint64_t *root,
			      uint16_t *asid, struct mm_error *err)
{
	unsigned mode = (unsigned)(reg >> 60);

	if (mode != satp_mode(pc->nr_levels)) {
		if (mode >= 8 && mode <= 10)
			return mm_error_set(err, MM_EINVAL,
					    "satp MODE %u (Sv%u) does not match the config's Sv%u (MODE %u)",
					    mode, 39 + 9 * (mode - 8), pc->address_width,
					    satp_mode(pc->nr_levels));
		return mm_error_set(err, MM_EINVAL, "satp MODE %u is not a paged mode (Sv39 8, Sv48 9, Sv57 10)",
				    mode);
	}
	*root = (reg & ((1ull << 44) - 1)) << 12;
	*asid = (uint16_t)((reg >> 44) & 0xffff);
	return MM_OK;
}

/*
 * hgatp (RV64): MODE 63:60 (8 Sv39x4, 9 Sv48x4, 10 Sv57x4), VMID 57:44, PPN
 * 43:0 of the 16 KiB root, so its two low bits are zero.  The machine's ASID
 * is the VMID.
 */
#define HGATP_VMID_BITS 14
#define HGATP_VMID_MASK ((1u << HGATP_VMID_BITS) - 1)

static uint64_t rvg_encode_root_reg(const struct paging_consts *pc, uint64_t root, uint16_t vmid)
{
	return ((uint64_t)satp_mode(pc->nr_levels) << 60) | ((uint64_t)(vmid & HGATP_VMID_MASK) << 44) |
	       ((root >> 12) & ((1ull << 44) - 1));
}

static int rvg_decode_root_reg(const struct paging_consts *pc, uint64_t reg, uint64_t *root,
			       uint16_t *vmid, struct mm_error *err)
{
	unsigned mode = (unsigned)(reg >> 60);
	uint64_t ppn = reg & ((1ull << 44) - 1);

	if (mode != satp_mode(pc->nr_levels)) {
		if (mode >= 8 && mode <= 10)
			return mm_error_set(err, MM_EINVAL,
					    "hgatp MODE %u (Sv%ux4) does not match the config's Sv%ux4 (MODE %u)",
					    mode, 39 + 9 * (mode - 8), pc->address_width - 2,
					    satp_mode(pc->nr_levels));
		return mm_error_set(err, MM_EINVAL,
				    "hgatp MODE %u is not a paged mode (Sv39x4 8, Sv48x4 9, Sv57x4 10)", mode);
	}
	if (ppn & 3)
		return mm_error_set(err, MM_EINVAL,
				    "hgatp PPN 0x%llx is not 16 KiB-aligned (its two low bits are zero)",
				    (unsigned long long)ppn);
	*root = ppn << 12;
	*vmid = (uint16_t)((reg >> 44) & HGATP_VMID_MASK);
	return MM_OK;
}

static unsigned rvg_vmid_bits(const struct cpu_ctl *ctl)
{
	(void)ctl;
	return HGATP_VMID_BITS;
}

/* satp (RV32): MODE bit 31 (1 = Sv32), ASID 30:22, PPN 21:0. */
#define SATP32_MODE_SV32 (1ull << 31)
#define SATP32_ASID_SHIFT 22
#define SATP32_ASID_MASK 0x1ffu
#define SATP32_PPN_MASK ((1ull << 22) - 1)

static uint64_t sv32_encode_root_reg(const struct paging_consts *pc, uint64_t root, uint16_t asid)
{
	(void)pc;
	return SATP32_MODE_SV32 | ((uint64_t)(asid & SATP32_ASID_MASK) << SATP32_ASID_SHIFT) |
	       ((root >> 12) & SATP32_PPN_MASK);
}

/* Sv32's satp has 9 ASID bits (30:22): ASIDMAX 511, where Sv39..Sv57 have 16. */
static unsigned sv32_asid_bits(const struct cpu_ctl *ctl)
{
	(void)ctl;
	return 9;
}

static int sv32_decode_root_reg(const struct paging_consts *pc, uint64_t reg, uint64_t *root,
				uint16_t *asid, struct mm_error *err)
{
	(void)pc;
	if (reg >> 32)
		return mm_error_set(err, MM_EINVAL, "satp 0x%llx does not fit the 32-bit RV32 satp",
				    (unsigned long long)reg);
	if (!(reg & SATP32_MODE_SV32))
		return mm_error_set(err, MM_EINVAL, "satp MODE 0 (Bare) is not a paged mode (Sv32 is MODE 1)");
	*root = (reg & SATP32_PPN_MASK) << 12;
	*asid = (uint16_t)((reg >> SATP32_ASID_SHIFT) & SATP32_ASID_MASK);
	return MM_OK;
}

/* The walk's rules, the same in every mode: Sv32 reads 4-byte PTEs whose high bits are zero. */
static const struct walk_hooks rv_hooks = {
	.initial_perms = rv_initial_perms, .bad_va = rv_bad_va, .bus_error = rv_bus_error,
	.walk_entry = rv_walk_entry, .walk_leaf = rv_walk_leaf, .pte_addr = rv_pte_addr,
	.is_present = rv_is_present, .is_leaf = rv_is_leaf,
};

/* The generic loops with this format's hooks and geometry as constants, so the compiler inlines them. */
__attribute__((flatten)) static void rv_walk(const struct walker *w, const struct walk_request *req,
					     struct walk_result *res)
{
	walk_loop(w, req, res, &rv_hooks, &rv64_geom);
}

__attribute__((flatten)) static void rv_walk_prefetch(const struct walker *w, uint64_t root, uint64_t va,
							struct walk_prefetch_memo *memo)
{
	walk_prefetch_loop(w, root, va, memo, &rv_hooks, &rv64_geom);
}

/* The G-stage's rules: Sv39's with its fault codes, zero-extended GPAs and U-mode checks. */
static const struct walk_hooks rvg_hooks = {
	.initial_perms = rv_initial_perms, .bad_va = rvg_bad_va, .bus_error = rv_bus_error,
	.walk_entry = rvg_walk_entry, .walk_leaf = rvg_walk_leaf, .pte_addr = rv_pte_addr,
	.is_present = rv_is_present, .is_leaf = rv_is_leaf,
};

__attribute__((flatten)) static void rvg_walk(const struct walker *w, const struct walk_request *req,
					      struct walk_result *res)
{
	walk_loop(w, req, res, &rvg_hooks, &rv64x4_geom);
}

__attribute__((flatten)) static void rvg_walk_prefetch(const struct walker *w, uint64_t root, uint64_t va,
							 struct walk_prefetch_memo *memo)
{
	walk_prefetch_loop(w, root, va, memo, &rvg_hooks, &rv64x4_geom);
}

/* Everything but the geometry, limits, keys and satp layout is one format for Sv32 and Sv39-57. */
#define RV_COMMON                                                                            \
	.hooks = &rv_hooks, .check_limits = rv_check_limits, .check_prop = rv_check_prop, .make_leaf = rv_make_leaf,          \
	.make_table = rv_make_table, .leaf_prop = rv_leaf_prop, .leaf_frame = rv_leaf_frame, .entry_perms = rv_entry_perms, \
	.check_access = rv_check_access, .describe_pte = rv_describe_pte,                   \
	.pte_fields = rv_pte_fields, .leaf_top = rv_leaf_top,                               \
	.describe_fault = rv_describe_fault, .reason_bits = rv_reason_bits,                 \
	.elf_machine = 243 /* EM_RISCV */,                                                  \
	.root_register = "satp"

const struct pt_arch pt_arch_riscv64 = {
	.name = "riscv64",
	.geom = &rv64_geom,
	.cpu_keys = rv64_cpu_keys,
	.walk = rv_walk,
	.walk_prefetch = rv_walk_prefetch,
	.encode_root_reg = rv_encode_root_reg,
	.decode_root_reg = rv_decode_root_reg,
	RV_COMMON,
};

const struct pt_arch pt_arch_riscv32 = {
	.name = "riscv32",
	.geom = &sv32_geom,
	.cpu_keys = sv32_cpu_keys,
	.encode_root_reg = sv32_encode_root_reg,
	.decode_root_reg = sv32_decode_root_reg,
	.asid_bits = sv32_asid_bits,
	.address_bits = 32, /* Sv32 runs with SXLEN = 32 */
	RV_COMMON,
};

const struct pt_arch pt_arch_riscv64x4 = {
	.name = "riscv64x4",
	.geom = &rv64x4_geom,
	.hooks = &rvg_hooks,
	.cpu_keys = rv64x4_cpu_keys,
	.check_limits = rvg_check_limits,
	.asid_bits = rvg_vmid_bits,
	.check_prop = rv_check_prop,
	.make_leaf = rvg_make_leaf,
	.make_table = rv_make_table,
	.leaf_prop = rv_leaf_prop,
	.leaf_frame = rv_leaf_frame,
	.leaf_top = rv_leaf_top,
	.entry_perms = rv_entry_perms,
	.check_access = rvg_check_access,
	.walk = rvg_walk,
	.walk_prefetch = rvg_walk_prefetch,
	.describe_pte = rv_describe_pte,
	.pte_fields = rv_pte_fields,
	.entry_name = rvg_entry_name,
	.describe_fault = rvg_describe_fault,
	.reason_bits = rv_reason_bits,
	.elf_machine = 243 /* EM_RISCV */,
	.root_register = "hgatp",
	.encode_root_reg = rvg_encode_root_reg,
	.decode_root_reg = rvg_decode_root_reg,
	.stage2_report = rvg_stage2_report,
	.stage2_guest_register_prefix = "v",
};
