/*
 * arch_x86_32: x86 32-bit paging (CR0.PG=1, CR4.PAE=0; Intel SDM vol. 3 4.3,
 * with 4.6 access rights, 4.7 page-fault error code, 4.8 accessed/dirty).
 *
 * Two levels of 1024 four-byte entries: the page directory (CR3 bits 31:12)
 * and page tables.  With CR4.PSE=1 a PDE with PS=1 maps a 4 MiB page whose PA
 * bits 39:32 come from PDE bits 20:13 (PSE-36); with PSE=0, PS is ignored and
 * every PDE points to a page table.  There is no XD bit (every page is
 * executable) and no protection keys; an ordinary PDE or PTE has no reserved
 * bits, so RSVD faults come only from a 4 MiB PDE: bit 21, and the bits of
 * 20:13 that stand for PA bits at or above MAXPHYADDR (phys_addr_width, at
 * most 40).  As in 4-level paging, R/W and U/S combine over both levels,
 * CR0.WP makes read-only pages read-only for supervisor writes too, and the
 * walk sets A in the PDE it uses and A/D in the leaf.
 */
#include "pt_arch.h"

#include <stdio.h>

#include "x86_entry.h"
#include "x86_32_bits.h"

static int x86_32_check_consts(const struct paging_consts *pc, struct mm_error *err)
{
	if (pc->base_page_size != 4096 || pc->pte_size != 4)
		return mm_error_set(err, MM_EINVAL, "x86_32 needs base_page_size 4096 and pte_size 4");
	if (pc->nr_levels != 2)
		return mm_error_set(err, MM_EINVAL, "x86_32 paging has 2 levels, not %u", pc->nr_levels);
	if (pc->va_sign_ext)
		return mm_error_set(err, MM_EINVAL,
				    "x86_32 linear addresses are 32 bits, not sign-extended (va_sign_ext: false)");
	if (pc->phys_addr_width < 32 || pc->phys_addr_width > X86_32_MAX_PHYS)
		return mm_error_set(err, MM_EINVAL,
				    "x86_32 MAXPHYADDR (phys_addr_width) must be between 32 and 40, not %u",
				    pc->phys_addr_width);
	return MM_OK;
}

static int x86_32_check_ctl(const struct paging_consts *pc, const struct cpu_ctl *ctl,
			    struct mm_error *err)
{
	if (pc->highest_translation_level > 1 && !ctl->pse)
		return mm_error_set(err, MM_EINVAL,
				    "x86_32 4 MiB pages (highest_translation_level 2) need CR4.PSE (cpu: pse: true)");
	return MM_OK;
}

/* A PTE holds PA bits 31:12 only: above 4 GiB, only 4 MiB pages (PSE-36) reach. */
static int x86_32_check_map(const struct paging_consts *pc, uint64_t va, uint64_t pa, uint64_t len,
			    struct mm_error *err)
{
	uint64_t big = pc_page_size(pc, 2);

	if (pa + (len - 1) < (1ull << 32))
		return MM_OK;
	if (pc->highest_translation_level < 2 || ((va | pa | len) & (big - 1)))
		return mm_error_set(err, MM_EINVAL,
				    "x86_32 maps PA 0x%llx and above 4 GiB only with 4 MiB pages (PSE-36): "
				    "VA, PA and length must be 4 MiB-aligned",
				    (unsigned long long)pa);
	return MM_OK;
}

static int x86_32_check_prop(const struct page_prop *p, const struct cpu_ctl *ctl, struct mm_error *err)
{
	(void)p;
	(void)ctl;
	(void)err;
	return MM_OK;
}

static void x86_32_fit_prop(struct page_prop *p, const struct cpu_ctl *ctl)
{
	(void)ctl;
	/* No XD bit: every present page can be fetched from. */
	p->flags |= PROP_X;
}

static uint64_t x86_32_make_leaf(const struct paging_consts *pc, uint64_t pa, const struct page_prop *p,
				 unsigned level)
{
	uint64_t pte = X86_P;
	uint32_t f = p->flags;

	(void)pc;
	if (level > 1)
		pte |= X86_PS | x86_32_pde4m_bits(pa);
	else
		pte |= pa & X86_32_ADDR_MASK;
	if (f & PROP_W) pte |= X86_RW;
	if (f & PROP_U) pte |= X86_US;
	if (f & PROP_A) pte |= X86_A;
	if (f & PROP_D) pte |= X86_D;
	if (f & PROP_G) pte |= X86_G;
	if (f & PROP_AVAIL1) pte |= X86_AVL9;
	if (f & PROP_AVAIL2) pte |= X86_AVL10;
	return pte | x86_cache_bits(p->cache, level);
}

static uint64_t x86_32_make_table(const struct paging_consts *pc, uint64_t pa)
{
	(void)pc;
	return (pa & X86_32_ADDR_MASK) | X86_P | X86_RW | X86_US;
}

static bool x86_32_is_present(const struct paging_consts *pc, uint64_t pte)
{
	(void)pc;
	return pte & X86_P;
}

/* PS marks a 4 MiB page only when CR4.PSE=1; with PSE=0 it is ignored (SDM 4.3). */
static bool x86_32_is_leaf(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
			   unsigned level)
{
	(void)pc;
	return level == 1 || (ctl->pse && (pte & X86_PS));
}

static uint64_t x86_32_pte_addr(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
				unsigned level)
{
	if (level > 1 && x86_32_is_leaf(pc, ctl, pte, level))
		return x86_32_pde4m_addr(pte);
	return pte & X86_32_ADDR_MASK;
}

static void x86_32_leaf_prop(const struct paging_consts *pc, uint64_t pte, unsigned level,
			    struct page_prop *out)
{
	(void)pc;
	/* No XD bit: every present page can be fetched from. */
	out->flags = PROP_R | PROP_X | x86_entry_flags(pte);
	out->cache = x86_cache_of(pte, level);
}

static unsigned x86_32_initial_perms(void)
{
	return PERM_R | PERM_W | PERM_X | PERM_U;
}

static unsigned x86_32_entry_perms(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
				 unsigned level, bool leaf, unsigned upper)
{
	(void)pc;
	(void)ctl;
	(void)level;
	return x86_entry_rights(pte, leaf, upper);
}

/* W/R and U/S describe the access; I/D only with CR4.SMEP (no NX in 32-bit paging). */
static uint64_t req_code(const struct cpu_ctl *ctl, const struct walk_request *req)
{
	uint64_t code = 0;

	if (req->access == ACCESS_WRITE)
		code |= X86_PF_W;
	if (req->priv == PRIV_USER)
		code |= X86_PF_U;
	if (req->access == ACCESS_EXEC && ctl->smep)
		code |= X86_PF_I;
	return code;
}

static void x86_32_bad_va(struct walk_state *ws)
{
	/* A linear address above 4 GiB cannot occur in 32-bit mode; report it as #GP(0). */
	walk_set_fault(ws, FAULT_NON_CANONICAL, REASON_NON_CANONICAL, ws->w->pc->nr_levels, 0);
}

static void x86_32_bus_error(struct walk_state *ws, unsigned level)
{
	walk_set_fault(ws, FAULT_BUS_ERROR, REASON_BUS_ERROR, level, 0);
}

/* Reserved bits of a 4 MiB PDE: 21:(M-19), M = MAXPHYADDR (SDM table 4-4). */
static enum fault_reason pde4m_reserved(const struct paging_consts *pc, uint64_t pde)
{
	unsigned lowest = pc->phys_addr_width - 19;
	uint64_t beyond_maxphy = X86_32_4M_HIGH_MASK & ~((1ull << lowest) - 1);

	if (pde & X86_32_4M_BIT21)
		return REASON_X86_RSVD_PDE4M_BIT21;
	if (pde & beyond_maxphy)
		return REASON_X86_RSVD_PHYS_BITS;
	return REASON_NONE;
}

static enum walk_next x86_32_walk_entry(struct walk_state *ws, uint64_t pte, unsigned level,
					uint64_t pte_addr, uint64_t *next_table)
{
	const struct walker *w = ws->w;
	bool leaf = x86_32_is_leaf(w->pc, w->ctl, pte, level);

	if (!(pte & X86_P)) {
		walk_set_fault(ws, FAULT_NOT_PRESENT, REASON_NOT_PRESENT, level, req_code(w->ctl, ws->req));
		return WALK_FAULT;
	}
	if (leaf && level > 1) {
		enum fault_reason rsvd = pde4m_reserved(w->pc, pte);
		if (rsvd != REASON_NONE) {
			walk_set_fault(ws, FAULT_RESERVED_BIT, rsvd, level,
				       req_code(w->ctl, ws->req) | X86_PF_P | X86_PF_RSVD);
			return WALK_FAULT;
		}
	}
	ws->upper_perms = x86_32_entry_perms(w->pc, w->ctl, pte, level, leaf, ws->upper_perms);
	if (leaf)
		return WALK_LEAF;
	if (!(pte & X86_A) && !ws->req->no_ad_update)
		pt_mem_write(w->mem, pte_addr, w->pc->pte_size, pte | X86_A);
	*next_table = pte & X86_32_ADDR_MASK;
	return WALK_DESCEND;
}

/* SDM 4.6.1, without XD and protection keys. */
static enum fault_reason x86_32_rights(const struct cpu_ctl *ctl, const struct walk_request *req,
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
		return REASON_NONE;
	}
	return REASON_NONE;
}

static bool x86_32_check_access(const struct cpu_ctl *ctl, const struct walk_request *req, unsigned perms,
				uint64_t pte, unsigned level, struct walk_fault *f)
{
	enum fault_reason why = x86_32_rights(ctl, req, perms);

	(void)pte;
	if (why == REASON_NONE)
		return true;
	f->kind = FAULT_PERMISSION;
	f->reason = why;
	f->level = level;
	f->code = req_code(ctl, req) | X86_PF_P;
	return false;
}

static bool x86_32_walk_leaf(struct walk_state *ws, uint64_t pte_addr)
{
	struct walk_result *res = ws->res;
	uint64_t pte = res->leaf_pte;

	res->perms = ws->upper_perms;
	if (!x86_32_check_access(ws->w->ctl, ws->req, res->perms, pte, res->level, &res->fault)) {
		res->ok = false;
		return false;
	}
	if (!ws->req->no_ad_update) {
		uint64_t upd = pte | X86_A | (ws->req->access == ACCESS_WRITE ? X86_D : 0);
		if (upd != pte) {
			res->set_accessed = !(pte & X86_A);
			res->set_dirty = (upd & X86_D) && !(pte & X86_D);
			pt_mem_write(ws->w->mem, pte_addr, ws->w->pc->pte_size, upd);
			res->leaf_pte = upd;
		}
	}
	return true;
}

static void x86_32_describe_pte(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
				unsigned level, char *buf, size_t len)
{
	size_t n = 0;
	bool large = level > 1 && x86_32_is_leaf(pc, ctl, pte, level);

#define PUT(...) do { if (n < len) n += (size_t)snprintf(buf + n, len - n, __VA_ARGS__); } while (0)
	buf[0] = '\0';
	PUT("%s", (pte & X86_P) ? "P" : "not-present");
	if (pte & X86_RW) PUT(" RW");
	if (pte & X86_US) PUT(" US");
	if (pte & X86_PWT) PUT(" PWT");
	if (pte & X86_PCD) PUT(" PCD");
	if (pte & X86_A) PUT(" A");
	if (pte & X86_D) PUT(" D");
	if (level == 1 && (pte & X86_PAT_4K)) PUT(" PAT");
	if (large) PUT(" PS");
	else if (level > 1 && (pte & X86_PS)) PUT(" PS(ignored: CR4.PSE=0)");
	if (pte & X86_G) PUT(" G");
	if (pte & X86_AVL9) PUT(" AVL9");
	if (pte & X86_AVL10) PUT(" AVL10");
	if (pte & X86_AVL11) PUT(" AVL11");
	if (large && (pte & X86_PAT_LARGE)) PUT(" PAT");
	if (large && (pte & X86_32_4M_BIT21)) PUT(" RSVD21");
	PUT(" addr=0x%llx", (unsigned long long)(large ? x86_32_pde4m_addr(pte) : pte & X86_32_ADDR_MASK));
#undef PUT
}

static void x86_32_describe_fault(const struct walk_fault *f, char *buf, size_t len)
{
	static const char *const names[] = { "P", "W", "U", "RSVD", "I" };
	size_t n;

	if (f->kind == FAULT_NON_CANONICAL) {
		snprintf(buf, len, "#GP(0)");
		return;
	}
	if (f->kind == FAULT_BUS_ERROR) {
		snprintf(buf, len, "no #PF: the PTE read fails (machine check on real hardware)");
		return;
	}
	n = (size_t)snprintf(buf, len, "#PF error code 0x%llx (", (unsigned long long)f->code);
	for (unsigned i = 0; i < 5 && n < len; i++)
		if (f->code & (1u << i))
			n += (size_t)snprintf(buf + n, len - n, "%s%s", buf[n - 1] == '(' ? "" : " ", names[i]);
	if (n < len)
		snprintf(buf + n, len - n, "%s)", buf[n - 1] == '(' ? "none" : "");
}

/* SDM 4.3: the page directory's entries and the page tables'. */
static const char *x86_32_entry_name(const struct paging_consts *pc, unsigned level)
{
	(void)pc;
	return level > 1 ? "PDE" : "PTE";
}

/* CR3 with 32-bit paging: bits 31:12 the page directory, PWT/PCD in 4:3; no PCID. */
static uint64_t x86_32_encode_root_reg(const struct paging_consts *pc, uint64_t root, uint16_t asid)
{
	(void)pc;
	(void)asid;
	return root & X86_32_ADDR_MASK;
}

static int x86_32_decode_root_reg(const struct paging_consts *pc, uint64_t reg, uint64_t *root,
				  uint16_t *asid, struct mm_error *err)
{
	(void)pc;
	if (reg >> 32)
		return mm_error_set(err, MM_EINVAL,
				    "CR3 0x%llx does not fit 32 bits: 32-bit paging reads bits 31:12",
				    (unsigned long long)reg);
	*root = reg & X86_32_ADDR_MASK;
	*asid = 0;
	return MM_OK;
}

const struct pt_arch pt_arch_x86_32 = {
	.name = "x86_32",
	.check_consts = x86_32_check_consts,
	.check_ctl = x86_32_check_ctl,
	.check_map = x86_32_check_map,
	.check_prop = x86_32_check_prop,
	.fit_prop = x86_32_fit_prop,
	.make_leaf = x86_32_make_leaf,
	.make_table = x86_32_make_table,
	.is_present = x86_32_is_present,
	.is_leaf = x86_32_is_leaf,
	.pte_addr = x86_32_pte_addr,
	.leaf_prop = x86_32_leaf_prop,
	.initial_perms = x86_32_initial_perms,
	.entry_perms = x86_32_entry_perms,
	.bad_va = x86_32_bad_va,
	.walk_entry = x86_32_walk_entry,
	.check_access = x86_32_check_access,
	.walk_leaf = x86_32_walk_leaf,
	.bus_error = x86_32_bus_error,
	.describe_pte = x86_32_describe_pte,
	.describe_fault = x86_32_describe_fault,
	.entry_name = x86_32_entry_name,
	.elf_machine = 3 /* EM_386 */,
	.root_register = "cr3",
	.encode_root_reg = x86_32_encode_root_reg,
	.decode_root_reg = x86_32_decode_root_reg,
};
