/*
 * x86_rules: the walk rules that 32-bit paging and 4/5-level paging share
 * (Intel SDM vol. 3: 4.6 access rights, 4.7 page-fault error code, 4.8
 * accessed/dirty flags), and the hooks that are the same in both.
 *
 * The two differ only in the PTE size, XD (NX) and protection keys, so the
 * shared rules take those as parameters.  Each format passes constants, and
 * since everything here is inlined, the x86-64 walk compiles to the code it
 * would have with the rules written out for it alone.  A 32-bit entry never
 * has bit 63 (XD) or bits 62:59 (PK) set, so the rules that only read those
 * bits need no parameter at all.
 */
#ifndef MMUSIM_PT_X86_RULES_H
#define MMUSIM_PT_X86_RULES_H

#include "pt_arch.h"
#include "walk_loop.h"
#include "x86_entry.h"
#include "x86_64_bits.h"

/* What an x86 paging mode has beyond the entry bits both modes share. */
struct x86_mode {
	unsigned pte_size;  /* 8, or 4 in 32-bit paging */
	bool nx;            /* XD bits and EFER.NXE exist */
	bool pk;            /* protection keys (CR4.PKE, PKRU) exist */
};

WALK_INLINE bool x86_is_present(const struct paging_consts *pc, uint64_t pte)
{
	(void)pc;
	return pte & X86_P;
}

WALK_INLINE unsigned x86_initial_perms(void)
{
	return PERM_R | PERM_W | PERM_X | PERM_U;
}

/* The rights an entry leaves (4.6): R/W and U/S combine over every level, and so does XD. */
WALK_INLINE unsigned x86_entry_perms(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
				     unsigned level, bool leaf, unsigned upper)
{
	unsigned p = x86_entry_rights(pte, leaf, upper);

	(void)pc;
	(void)level;
	if (ctl->nxe && (pte & X86_XD))
		p &= ~PERM_X;
	return p;
}

/* A leaf's properties: every present page is readable, and executable unless XD. */
static inline void x86_leaf_prop(const struct paging_consts *pc, uint64_t pte, unsigned level,
				 struct page_prop *out)
{
	(void)pc;
	out->flags = PROP_R | (pte & X86_XD ? 0 : PROP_X) | x86_entry_flags(pte);
	out->cache = x86_cache_of(pte, level);
}

/* W/R, U/S and I/D describe the access, whatever the fault (4.7); I/D needs NXE or SMEP. */
WALK_INLINE uint64_t x86_req_code(const struct cpu_ctl *ctl, const struct walk_request *req,
				  const struct x86_mode mode)
{
	uint64_t code = 0;

	if (req->access == ACCESS_WRITE)
		code |= X86_PF_W;
	if (req->priv == PRIV_USER)
		code |= X86_PF_U;
	if (req->access == ACCESS_EXEC && ((mode.nx && ctl->nxe) || ctl->smep))
		code |= X86_PF_I;
	return code;
}

WALK_INLINE void x86_bad_va(struct walk_state *ws)
{
	/*
	 * A non-canonical address raises #GP(0), not #PF: no error code bits.  (A
	 * linear address above 4 GiB cannot occur in 32-bit mode: reported alike.)
	 */
	walk_set_fault(ws, FAULT_NON_CANONICAL, REASON_NON_CANONICAL, ws->w->pc->nr_levels, 0);
}

WALK_INLINE void x86_bus_error(struct walk_state *ws, unsigned level)
{
	/* No architectural #PF: real hardware would see a machine check. */
	walk_set_fault(ws, FAULT_BUS_ERROR, REASON_BUS_ERROR, level, 0);
}

/* SDM 4.8: A is set in every paging-structure entry used, fault or not below. */
WALK_INLINE void x86_set_table_accessed(const struct walk_state *ws, uint64_t pte, uint64_t pte_addr,
					const struct x86_mode mode)
{
	if (!(pte & X86_A) && !ws->req->no_ad_update)
		pt_mem_write(ws->w->mem, pte_addr, mode.pte_size, pte | X86_A);
}

/* SDM 4.6.2: does PKRU deny this data access to a user-mode address? */
WALK_INLINE enum fault_reason x86_pkey_denies(const struct cpu_ctl *ctl, const struct walk_request *req,
					      uint64_t pte, unsigned perms)
{
	unsigned key = x86_pte_pkey(pte);

	if (!ctl->pke || !(perms & PERM_U) || req->access == ACCESS_EXEC)
		return REASON_NONE;
	if (ctl->pkru & (1u << (2 * key)))
		return REASON_X86_PKEY_AD;
	if (req->access == ACCESS_WRITE && (ctl->pkru & (1u << (2 * key + 1))) &&
	    (req->priv == PRIV_USER || ctl->wp))
		return REASON_X86_PKEY_WD;
	return REASON_NONE;
}

/*
 * SDM 4.6.1: the access-rights rule this access breaks, or REASON_NONE.  In
 * 32-bit paging no entry clears PERM_X, so the XD rule never fires there.
 */
WALK_INLINE enum fault_reason x86_rights(const struct cpu_ctl *ctl, const struct walk_request *req,
					 unsigned perms)
{
	bool user = req->priv == PRIV_USER;
	bool user_page = perms & PERM_U;

	if (user && !user_page)
		return REASON_X86_USER_SUPERVISOR;
	switch (req->access) {
	case ACCESS_READ:
		if (!user && user_page && ctl->smap && !req->smap_ac)
			return REASON_X86_SMAP;
		return REASON_NONE;
	case ACCESS_WRITE:
		if (!user && user_page && ctl->smap && !req->smap_ac)
			return REASON_X86_SMAP;
		if (!(perms & PERM_W) && (user || ctl->wp))
			return REASON_X86_WRITE_READONLY;
		return REASON_NONE;
	case ACCESS_EXEC:
		if (!user && user_page && ctl->smep)
			return REASON_X86_SMEP;
		if (!(perms & PERM_X))
			return REASON_X86_XD;
		return REASON_NONE;
	}
	return REASON_NONE;
}

WALK_INLINE bool x86_check_access_in(const struct cpu_ctl *ctl, const struct walk_request *req, unsigned perms,
				     uint64_t pte, unsigned level, struct walk_fault *f,
				     const struct x86_mode mode)
{
	enum fault_reason why = x86_rights(ctl, req, perms);
	enum fault_reason pk = mode.pk ? x86_pkey_denies(ctl, req, pte, perms) : REASON_NONE;

	if (why == REASON_NONE && pk == REASON_NONE)
		return true;
	/* PK reports the PKRU condition even when another rule also fails (SDM 4.7). */
	f->kind = FAULT_PERMISSION;
	f->reason = why != REASON_NONE ? why : pk;
	f->level = level;
	f->code = x86_req_code(ctl, req, mode) | X86_PF_P | (pk != REASON_NONE ? X86_PF_PK : 0);
	return false;
}

/* The leaf's rights, then A (and D for a write) once the access is known to be allowed. */
WALK_INLINE bool x86_walk_leaf_in(struct walk_state *ws, uint64_t pte_addr, const struct x86_mode mode)
{
	struct walk_result *res = ws->res;
	uint64_t pte = res->leaf_pte;

	res->perms = ws->upper_perms;
	if (!x86_check_access_in(ws->w->ctl, ws->req, res->perms, pte, res->level, &res->fault, mode)) {
		res->ok = false;
		return false;
	}
	if (!ws->req->no_ad_update) {
		uint64_t upd = pte | X86_A | (ws->req->access == ACCESS_WRITE ? X86_D : 0);
		if (upd != pte) {
			res->set_accessed = !(pte & X86_A);
			res->set_dirty = (upd & X86_D) && !(pte & X86_D);
			pt_mem_write(ws->w->mem, pte_addr, mode.pte_size, upd);
			res->leaf_pte = upd;
		}
	}
	return true;
}

/*
 * The entry's bits by name; `large` says whether it maps a page above level
 * 1 (PS=1 at a level with pages, and in 32-bit paging CR4.PSE=1),
 * `ps_not_large` names a PS bit that does not make it one (ignored with
 * CR4.PSE=0, reserved in a PML4E), `rsvd` names the reserved bits set in it,
 * and `addr` is the address it holds.
 */
void x86_describe_entry(uint64_t pte, unsigned level, bool large, const char *ps_not_large, uint64_t addr,
			const char *rsvd, char *buf, size_t len);

/*
 * The SDM's name for the entry read at `level` (4.5: PML5E, PML4E, PDPTE,
 * PDE, PTE; 32-bit paging's two levels are named alike, 4.3), "entry" past
 * level 5.
 */
const char *x86_entry_name_at(unsigned level);

/* The #PF error code by its bits' names, the first `nr_bits` of P W U RSVD I PK. */
void x86_describe_fault_bits(const struct walk_fault *f, unsigned nr_bits, char *buf, size_t len);

#endif
