/*
 * arch_x86_64: the x86-64 paging format and walk rules, 4-level and 5-level
 * (Intel SDM vol. 3 ch. 4: 4.5 formats and reserved bits, 4.6 access rights,
 * 4.6.2 protection keys, 4.7 page-fault error code, 4.8 accessed/dirty flags).
 *
 * Access rights combine over every level: writes need R/W=1 everywhere, user
 * accesses need U/S=1 everywhere, and XD=1 anywhere forbids fetches (when
 * NXE=1).  The walk sets A in each paging-structure entry as it uses it, and
 * A (plus D for a write) in the leaf only once the access is known to be
 * allowed, as QEMU's mmu_translate does.
 *
 * Cache policy uses the PAT layout Linux programs (index = PAT<<2|PCD<<1|PWT):
 * 0 WB, 1 WC, 2 UC-, 3 UC, 4 WB, 5 WP, 6 UC-, 7 WT.
 */
#include "pt_arch.h"
#include "walk_loop.h"

#include <stdio.h>

#include "x86_entry.h"
#include "x86_64_bits.h"

static int x86_check_consts(const struct paging_consts *pc, struct mm_error *err)
{
	if (pc->base_page_size != 4096 || pc->pte_size != 8)
		return mm_error_set(err, MM_EINVAL, "x86_64 needs base_page_size 4096 and pte_size 8");
	if (pc->nr_levels != 4 && pc->nr_levels != 5)
		return mm_error_set(err, MM_EINVAL, "x86_64 paging has 4 or 5 levels, not %u", pc->nr_levels);
	if (!pc->va_sign_ext)
		return mm_error_set(err, MM_EINVAL, "x86_64 addresses are sign-extended (va_sign_ext: true)");
	if (pc->highest_translation_level > 3)
		return mm_error_set(err, MM_EINVAL,
				    "x86_64 maps pages up to 1 GiB: highest_translation_level must be <= 3");
	if (pc->phys_addr_width > 52)
		return mm_error_set(err, MM_EINVAL, "x86_64 MAXPHYADDR is at most 52");
	return MM_OK;
}

static int x86_check_prop(const struct page_prop *p, const struct cpu_ctl *ctl, struct mm_error *err)
{
	(void)p;
	(void)ctl;
	(void)err;
	/* Every property combination has an encoding (a present page is always readable). */
	return MM_OK;
}

static void x86_fit_prop(struct page_prop *p, const struct cpu_ctl *ctl)
{
	if (!ctl->nxe)
		p->flags |= PROP_X;
}

static uint64_t x86_make_leaf(const struct paging_consts *pc, uint64_t pa, const struct page_prop *p,
			      unsigned level)
{
	uint64_t pte = X86_P | (pa & X86_ADDR_MASK & ~(pc_page_size(pc, level) - 1));
	uint32_t f = p->flags;

	if (f & PROP_W) pte |= X86_RW;
	if (f & PROP_U) pte |= X86_US;
	if (f & PROP_A) pte |= X86_A;
	if (f & PROP_D) pte |= X86_D;
	if (f & PROP_G) pte |= X86_G;
	if (f & PROP_AVAIL1) pte |= X86_AVL9;
	if (f & PROP_AVAIL2) pte |= X86_AVL10;
	if (!(f & PROP_X)) pte |= X86_XD;
	if (level > 1) pte |= X86_PS;
	return pte | x86_cache_bits(p->cache, level);
}

static uint64_t x86_make_table(const struct paging_consts *pc, uint64_t pa)
{
	(void)pc;
	/* Most permissive: the leaf alone decides what the page allows. */
	return (pa & X86_ADDR_MASK) | X86_P | X86_RW | X86_US;
}

WALK_INLINE bool x86_is_present(const struct paging_consts *pc, uint64_t pte)
{
	(void)pc;
	return pte & X86_P;
}

WALK_INLINE bool x86_is_leaf(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
			     unsigned level)
{
	(void)pc;
	(void)ctl;
	return level == 1 || (pte & X86_PS);
}

WALK_INLINE uint64_t x86_pte_addr(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
				 unsigned level)
{
	uint64_t addr = pte & X86_ADDR_MASK;

	(void)pc;
	(void)ctl;
	/* In a large leaf, bit 12 is PAT, not address. */
	if (level > 1 && (pte & X86_PS))
		addr &= ~X86_PAT_LARGE;
	return addr;
}

static void x86_leaf_prop(const struct paging_consts *pc, uint64_t pte, unsigned level,
			    struct page_prop *out)
{
	(void)pc;
	out->flags = PROP_R | (pte & X86_XD ? 0 : PROP_X) | x86_entry_flags(pte);
	out->cache = x86_cache_of(pte, level);
}

WALK_INLINE unsigned x86_initial_perms(void)
{
	return PERM_R | PERM_W | PERM_X | PERM_U;
}

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

/* W/R, U/S and I/D describe the access, whatever the fault (SDM 4.7). */
WALK_INLINE uint64_t req_code(const struct cpu_ctl *ctl, const struct walk_request *req)
{
	uint64_t code = 0;

	if (req->access == ACCESS_WRITE)
		code |= X86_PF_W;
	if (req->priv == PRIV_USER)
		code |= X86_PF_U;
	if (req->access == ACCESS_EXEC && (ctl->nxe || ctl->smep))
		code |= X86_PF_I;
	return code;
}

WALK_INLINE uint64_t access_code(const struct walk_state *ws)
{
	return req_code(ws->w->ctl, ws->req);
}

WALK_INLINE void x86_bad_va(struct walk_state *ws)
{
	/* A non-canonical address raises #GP(0), not #PF: no error code bits. */
	walk_set_fault(ws, FAULT_NON_CANONICAL, REASON_NON_CANONICAL, ws->w->pc->nr_levels, 0);
}

WALK_INLINE void x86_bus_error(struct walk_state *ws, unsigned level)
{
	/* No architectural #PF: real hardware would see a machine check. */
	walk_set_fault(ws, FAULT_BUS_ERROR, REASON_BUS_ERROR, level, 0);
}

/* Bits 51:MAXPHYADDR of the address field. */
WALK_INLINE uint64_t x86_rsvd_phys_bits(const struct paging_consts *pc)
{
	unsigned m = pc->phys_addr_width;

	return m < 52 ? X86_ADDR_MASK & ~((1ull << m) - 1) : 0;
}

/*
 * The bits reserved in every entry whatever its level: address bits at and
 * above MAXPHYADDR, and XD while EFER.NXE=0.  Computed once per walk, so that
 * an ordinary entry passes the reserved-bit rules with one test.
 */
WALK_INLINE void x86_walk_begin(struct walk_state *ws)
{
	ws->rsvd = x86_rsvd_phys_bits(ws->w->pc) | (ws->w->ctl->nxe ? 0 : X86_XD);
}

/*
 * The reserved-bit rule `pte` breaks at `level`, or REASON_NONE (SDM 4.5
 * tables).  Out of line: the walk calls it only for an entry that is not an
 * ordinary present pointer or 4 KiB leaf.
 */
static __attribute__((noinline)) enum fault_reason x86_reserved(const struct paging_consts *pc,
								const struct cpu_ctl *ctl, uint64_t pte,
								unsigned level)
{
	if (pte & x86_rsvd_phys_bits(pc))
		return REASON_X86_RSVD_PHYS_BITS;
	if (!ctl->nxe && (pte & X86_XD))
		return REASON_X86_RSVD_XD;
	if (level > 1 && (pte & X86_PS)) {
		/* PS is reserved in PML5E/PML4E and wherever pages that large are not supported. */
		if (level > pc->highest_translation_level)
			return REASON_X86_RSVD_PS;
		/* Address bits below the page size, above the PAT bit (bit 12). */
		uint64_t low = (pc_page_size(pc, level) - 1) & ~(uint64_t)0x1fff;
		if (pte & low)
			return REASON_X86_RSVD_LARGE_LOW;
	}
	return REASON_NONE;
}

WALK_INLINE enum walk_next x86_walk_entry(struct walk_state *ws, uint64_t pte, unsigned level,
				     uint64_t pte_addr, uint64_t *next_table)
{
	const struct walker *w = ws->w;
	bool leaf;

	/* One test passes the common entry: present, no bit of ws->rsvd, not a large page. */
	if (__builtin_expect((pte & (X86_P | ws->rsvd | (level > 1 ? X86_PS : 0))) != X86_P, 0)) {
		enum fault_reason rsvd;

		if (!(pte & X86_P)) {
			walk_set_fault(ws, FAULT_NOT_PRESENT, REASON_NOT_PRESENT, level, access_code(ws));
			return WALK_FAULT;
		}
		rsvd = x86_reserved(w->pc, w->ctl, pte, level);
		if (rsvd != REASON_NONE) {
			walk_set_fault(ws, FAULT_RESERVED_BIT, rsvd, level,
				       access_code(ws) | X86_PF_P | X86_PF_RSVD);
			return WALK_FAULT;
		}
	}
	leaf = x86_is_leaf(w->pc, w->ctl, pte, level);
	ws->upper_perms = x86_entry_perms(w->pc, w->ctl, pte, level, leaf, ws->upper_perms);
	if (leaf)
		return WALK_LEAF;
	/* SDM 4.8: A is set in every paging-structure entry used, fault or not below. */
	if (!(pte & X86_A) && !ws->req->no_ad_update)
		pt_mem_write(w->mem, pte_addr, 8, pte | X86_A);
	*next_table = pte & X86_ADDR_MASK;
	return WALK_DESCEND;
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

/* SDM 4.6.1: the access-rights rule this access breaks, or REASON_NONE. */
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

WALK_INLINE bool x86_check_access(const struct cpu_ctl *ctl, const struct walk_request *req, unsigned perms,
			     uint64_t pte, unsigned level, struct walk_fault *f)
{
	enum fault_reason why = x86_rights(ctl, req, perms);
	enum fault_reason pk = x86_pkey_denies(ctl, req, pte, perms);

	if (why == REASON_NONE && pk == REASON_NONE)
		return true;
	/* PK reports the PKRU condition even when another rule also fails (SDM 4.7). */
	f->kind = FAULT_PERMISSION;
	f->reason = why != REASON_NONE ? why : pk;
	f->level = level;
	f->code = req_code(ctl, req) | X86_PF_P | (pk != REASON_NONE ? X86_PF_PK : 0);
	return false;
}

WALK_INLINE bool x86_walk_leaf(struct walk_state *ws, uint64_t pte_addr)
{
	struct walk_result *res = ws->res;
	uint64_t pte = res->leaf_pte;

	res->perms = ws->upper_perms;
	if (!x86_check_access(ws->w->ctl, ws->req, res->perms, pte, res->level, &res->fault)) {
		res->ok = false;
		return false;
	}
	if (!ws->req->no_ad_update) {
		uint64_t upd = pte | X86_A | (ws->req->access == ACCESS_WRITE ? X86_D : 0);
		if (upd != pte) {
			res->set_accessed = !(pte & X86_A);
			res->set_dirty = (upd & X86_D) && !(pte & X86_D);
			pt_mem_write(ws->w->mem, pte_addr, 8, upd);
			res->leaf_pte = upd;
		}
	}
	return true;
}

static void x86_describe_pte(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
			     unsigned level, char *buf, size_t len)
{
	size_t n = 0;
	bool large = level > 1 && (pte & X86_PS);

	(void)pc;
	(void)ctl;
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
	if (level > 1 && (pte & X86_PS)) PUT(" PS");
	if (pte & X86_G) PUT(" G");
	if (pte & X86_AVL9) PUT(" AVL9");
	if (pte & X86_AVL10) PUT(" AVL10");
	if (pte & X86_AVL11) PUT(" AVL11");
	if (large && (pte & X86_PAT_LARGE)) PUT(" PAT");
	if (x86_pte_pkey(pte)) PUT(" PK=%u", x86_pte_pkey(pte));
	if (pte & X86_XD) PUT(" XD");
	PUT(" addr=0x%llx", (unsigned long long)(pte & X86_ADDR_MASK & ~(large ? X86_PAT_LARGE : 0)));
#undef PUT
}

static void x86_describe_fault(const struct walk_fault *f, char *buf, size_t len)
{
	static const char *const names[] = { "P", "W", "U", "RSVD", "I", "PK" };
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
	for (unsigned i = 0; i < 6 && n < len; i++)
		if (f->code & (1u << i))
			n += (size_t)snprintf(buf + n, len - n, "%s%s", buf[n - 1] == '(' ? "" : " ", names[i]);
	if (n < len)
		snprintf(buf + n, len - n, "%s)", buf[n - 1] == '(' ? "none" : "");
}

/* SDM 4.5 names the entries of 4- and 5-level paging by the structure that holds them. */
static const char *x86_entry_name(const struct paging_consts *pc, unsigned level)
{
	static const char *const names[] = { "PTE", "PTE", "PDE", "PDPTE", "PML4E", "PML5E" };

	(void)pc;
	return level < sizeof(names) / sizeof(names[0]) ? names[level] : "entry";
}

/* CR3 with CR4.PCIDE=1: bits 51:12 the root, 11:0 the PCID (SDM 4.5, table 4-12). */
static uint64_t x86_encode_root_reg(const struct paging_consts *pc, uint64_t root, uint16_t asid)
{
	(void)pc;
	return (root & X86_ADDR_MASK) | (asid & 0xfffu);
}

static int x86_decode_root_reg(const struct paging_consts *pc, uint64_t reg, uint64_t *root,
			       uint16_t *asid, struct mm_error *err)
{
	/* Bit 63 only asks MOV to CR3 not to flush; bits 62:MAXPHYADDR are reserved. */
	uint64_t rsvd = ~((1ull << pc->phys_addr_width) - 1) & ~(1ull << 63);

	if (reg & rsvd)
		return mm_error_set(err, MM_EINVAL, "CR3 0x%llx sets bits above MAXPHYADDR (%u)",
				    (unsigned long long)reg, pc->phys_addr_width);
	*root = reg & X86_ADDR_MASK;
	*asid = (uint16_t)(reg & 0xfff);
	return MM_OK;
}

/* The generic loops with this format's hooks as constants, so the compiler inlines them. */
static const struct walk_hooks x86_hooks = {
	.initial_perms = x86_initial_perms, .walk_begin = x86_walk_begin, .bad_va = x86_bad_va,
	.bus_error = x86_bus_error,
	.walk_entry = x86_walk_entry, .walk_leaf = x86_walk_leaf, .pte_addr = x86_pte_addr,
	.is_present = x86_is_present, .is_leaf = x86_is_leaf,
	.pte_size = 8, .page_shift = 12, .index_bits = 9, /* as x86_check_consts demands */
};

__attribute__((flatten)) static void x86_walk(const struct walker *w, const struct walk_request *req,
					     struct walk_result *res)
{
	walk_loop(w, req, res, &x86_hooks);
}

__attribute__((flatten)) static void x86_walk_prefetch(const struct walker *w, uint64_t root, uint64_t va,
							struct walk_prefetch_memo *memo)
{
	walk_prefetch_loop(w, root, va, memo, &x86_hooks);
}

const struct pt_arch pt_arch_x86_64 = {
	.encode_root_reg = x86_encode_root_reg,
	.decode_root_reg = x86_decode_root_reg,
	.describe_fault = x86_describe_fault,
	.name = "x86_64",
	.check_consts = x86_check_consts,
	.check_prop = x86_check_prop,
	.fit_prop = x86_fit_prop,
	.make_leaf = x86_make_leaf,
	.make_table = x86_make_table,
	.is_present = x86_is_present,
	.is_leaf = x86_is_leaf,
	.pte_addr = x86_pte_addr,
	.leaf_prop = x86_leaf_prop,
	.initial_perms = x86_initial_perms,
	.walk_begin = x86_walk_begin,
	.entry_perms = x86_entry_perms,
	.bad_va = x86_bad_va,
	.walk_entry = x86_walk_entry,
	.check_access = x86_check_access,
	.walk_leaf = x86_walk_leaf,
	.walk = x86_walk,
	.walk_prefetch = x86_walk_prefetch,
	.bus_error = x86_bus_error,
	.describe_pte = x86_describe_pte,
	.entry_name = x86_entry_name,
	.elf_machine = 62 /* EM_X86_64 */,
	.root_register = "cr3",
};
