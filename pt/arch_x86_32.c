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

#include <stddef.h>

#include "x86_32_bits.h"
#include "x86_core_regs.h"
#include "x86_rules.h"

/* Two levels of 1024 four-byte entries (SDM 4.3). */
static const struct pt_geometry x86_32_geom = {
	.pte_size = 4, .page_shift = 12, .min_levels = 2, .max_levels = 2, .va = VA_EXT_ZERO,
	.max_phys_bits = X86_32_MAX_PHYS, .levels_text = "2", .va_noun = "linear addresses",
};

/* CR0.WP, CR4.SMEP/SMAP as in 4-level paging, and CR4.PSE; no NXE, no PKE. */
static const struct cpu_key x86_32_cpu_keys[] = {
	CPU_KEY_FLAG(wp), CPU_KEY_FLAG(smep), CPU_KEY_FLAG(smap), CPU_KEY_FLAG(pse), CPU_KEYS_END,
};

/* The paging mode's extras for the shared rules of x86_rules.h: none. */
static const struct x86_mode x86_32_mode = { .pte_size = 4, .nx = false, .pk = false };

static int x86_32_check_limits(const struct paging_consts *pc, struct mm_error *err)
{
	if (pc->phys_addr_width < 32 || pc->phys_addr_width > x86_32_geom.max_phys_bits)
		return mm_error_set(err, MM_EINVAL,
				    "x86_32 MAXPHYADDR (phys_addr_width) must be between 32 and %u, not %u",
				    x86_32_geom.max_phys_bits, pc->phys_addr_width);
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

	(void)pc;
	if (level > 1)
		pte |= X86_PS | x86_32_pde4m_bits(pa);
	else
		pte |= pa & X86_32_ADDR_MASK;
	return pte | x86_entry_bits(p->flags) | x86_cache_bits(p->cache, level);
}

static uint64_t x86_32_make_table(const struct paging_consts *pc, uint64_t pa)
{
	(void)pc;
	return (pa & X86_32_ADDR_MASK) | X86_P | X86_RW | X86_US;
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
		walk_set_fault(ws, FAULT_NOT_PRESENT, REASON_NOT_PRESENT, level,
			       x86_req_code(w->ctl, ws->req, x86_32_mode));
		return WALK_FAULT;
	}
	if (leaf && level > 1) {
		enum fault_reason rsvd = pde4m_reserved(w->pc, pte);
		if (rsvd != REASON_NONE) {
			walk_set_fault(ws, FAULT_RESERVED_BIT, rsvd, level,
				       x86_req_code(w->ctl, ws->req, x86_32_mode) | X86_PF_P | X86_PF_RSVD);
			return WALK_FAULT;
		}
	}
	ws->upper_perms = x86_entry_perms(w->pc, w->ctl, pte, level, leaf, ws->upper_perms);
	if (leaf)
		return WALK_LEAF;
	x86_set_table_accessed(ws, pte, pte_addr, x86_32_mode);
	*next_table = pte & X86_32_ADDR_MASK;
	return WALK_DESCEND;
}

static bool x86_32_check_access(const struct cpu_ctl *ctl, const struct walk_request *req, unsigned perms,
				uint64_t pte, unsigned level, struct walk_fault *f)
{
	return x86_check_access_in(ctl, req, perms, pte, level, f, x86_32_mode);
}

static bool x86_32_walk_leaf(struct walk_state *ws, uint64_t pte_addr)
{
	return x86_walk_leaf_in(ws, pte_addr, x86_32_mode);
}

/* SDM vol. 3 tables 4-4 .. 4-6: 32-bit paging's entries (bit 7 PS in a PDE, PAT in a PTE). */
static unsigned x86_32_pte_fields(const struct paging_consts *pc, unsigned level, uint64_t pte, struct pte_field *out)
{
	static const struct pte_field fields[] = {
		{ "p", 0, 1, 0 }, { "rw", 1, 1, 0 }, { "us", 2, 1, 0 }, { "pwt", 3, 1, 0 },
		{ "pcd", 4, 1, 0 }, { "a", 5, 1, 0 }, { "d", 6, 1, 0 }, { "g", 8, 1, 0 },
		{ "avl", 9, 3, 0 }, { "addr", 12, 20, 12 }, { "pfn", 12, 20, 0 },
	};
	static const struct pte_field ps = { "ps", 7, 1, 0 }, pat = { "pat", 7, 1, 0 };
	unsigned n = 0;

	(void)pc;
	(void)pte;
	PTE_FIELDS_PUT(out, &n, fields);
	pte_fields_put(out, &n, level > 1 ? &ps : &pat, 1);
	return n;
}


static void x86_32_describe_pte(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
				unsigned level, char *buf, size_t len)
{
	bool large = level > 1 && x86_32_is_leaf(pc, ctl, pte, level);

	x86_describe_entry(pte, level, large, "PS(ignored: CR4.PSE=0)",
			   large ? x86_32_pde4m_addr(pte) : pte & X86_32_ADDR_MASK,
			   large && (pte & X86_32_4M_BIT21) ? " RSVD21" : NULL, buf, len);
}

static void x86_32_describe_fault(const struct walk_fault *f, char *buf, size_t len)
{
	x86_describe_fault_bits(f, 5, buf, len);
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

/*
 * CR3 bits 11:0 with 32-bit paging (SDM table 4-3): PWT (3) and PCD (4), the
 * memory type of the page-directory reads, and bits the CPU ignores; no PCID.
 * They stay in the register as loaded, and are shown with it.
 */
static uint64_t x86_32_root_reg_flags(uint64_t reg)
{
	return reg & 0xfff;
}

static uint64_t x86_32_root_reg_ctl_bits(const struct cpu_ctl *ctl)
{
	return ctl->root_reg_flags & 0xfff;
}

static const struct walk_hooks x86_32_hooks = {
	.initial_perms = x86_initial_perms, .bad_va = x86_bad_va, .bus_error = x86_bus_error,
	.walk_entry = x86_32_walk_entry, .walk_leaf = x86_32_walk_leaf, .pte_addr = x86_32_pte_addr,
	.is_present = x86_is_present, .is_leaf = x86_32_is_leaf,
};

const struct pt_arch pt_arch_x86_32 = {
	.name = "x86_32",
	.va_flush_drops_walk_caches = true,
	.fault_drops_cached_page = true,
	.asid_switch_flushes = true,
	.geom = &x86_32_geom,
	.hooks = &x86_32_hooks,
	.cpu_keys = x86_32_cpu_keys,
	.check_limits = x86_32_check_limits,
	.check_ctl = x86_32_check_ctl,
	.check_map = x86_32_check_map,
	.fit_prop = x86_32_fit_prop,
	.make_leaf = x86_32_make_leaf,
	.make_table = x86_32_make_table,
	.leaf_prop = x86_leaf_prop,
	.entry_perms = x86_entry_perms,
	.check_access = x86_32_check_access,
	.describe_pte = x86_32_describe_pte,
	.pte_fields = x86_32_pte_fields,
	.describe_fault = x86_32_describe_fault,
	.entry_name = x86_32_entry_name,
	.elf_machine = 3 /* EM_386 */,
	.core_regs = x86_32_core_regs,
	.address_bits = 32, /* linear addresses are 32 bits (SDM vol. 3 4.3) */
	.root_register = "cr3",
	.encode_root_reg = x86_32_encode_root_reg,
	.decode_root_reg = x86_32_decode_root_reg,
	.root_reg_flags = x86_32_root_reg_flags,
	.root_reg_ctl_bits = x86_32_root_reg_ctl_bits,
};
