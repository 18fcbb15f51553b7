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

#include <stddef.h>
#include <stdio.h>

#include "x86_core_regs.h"
#include "text_buf.h"
#include "x86_rules.h"

/* 4-level and 5-level paging (SDM 4.5): 512 eight-byte entries a level. */
static const struct pt_geometry x86_geom = {
	.pte_size = 8, .page_shift = 12, .min_levels = 4, .max_levels = 5, .va = VA_EXT_SIGN,
	.max_phys_bits = 52, .levels_text = "4 or 5",
};

/* The control bits of 4.6 this format reads (CR0.WP, EFER.NXE, CR4.SMEP/SMAP/PKE, PKRU). */
static const struct cpu_key x86_cpu_keys[] = {
	CPU_KEY_FLAG(wp), CPU_KEY_FLAG(nxe), CPU_KEY_FLAG(smep), CPU_KEY_FLAG(smap), CPU_KEY_FLAG(pke),
	CPU_KEY_WORD(pkru), CPU_KEYS_END,
};

/* The paging mode's extras for the shared rules of x86_rules.h. */
static const struct x86_mode x86_64_mode = { .pte_size = 8, .nx = true, .pk = true };

/* Every property combination has an encoding (a present page is always readable): no check_prop. */
static int x86_check_limits(const struct paging_consts *pc, struct mm_error *err)
{
	if (pc->highest_translation_level > 3)
		return mm_error_set(err, MM_EINVAL,
				    "x86_64 maps pages up to 1 GiB: highest_translation_level must be <= 3");
	if (pc->phys_addr_width > x86_geom.max_phys_bits)
		return mm_error_set(err, MM_EINVAL, "x86_64 MAXPHYADDR is at most %u", x86_geom.max_phys_bits);
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
	uint64_t pte = X86_P | (pa & X86_ADDR_MASK & ~(pc_page_size(pc, level) - 1)) | x86_entry_bits(p->flags);

	if (!(p->flags & PROP_X))
		pte |= X86_XD;
	if (level > 1) pte |= X86_PS;
	return pte | x86_cache_bits(p->cache, level);
}

static uint64_t x86_make_table(const struct paging_consts *pc, uint64_t pa)
{
	(void)pc;
	/* Most permissive: the leaf alone decides what the page allows. */
	return (pa & X86_ADDR_MASK) | X86_P | X86_RW | X86_US;
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

WALK_INLINE uint64_t access_code(const struct walk_state *ws)
{
	return x86_req_code(ws->w->ctl, ws->req, x86_64_mode);
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
	x86_set_table_accessed(ws, pte, pte_addr, x86_64_mode);
	*next_table = pte & X86_ADDR_MASK;
	return WALK_DESCEND;
}

WALK_INLINE bool x86_check_access(const struct cpu_ctl *ctl, const struct walk_request *req, unsigned perms,
				  uint64_t pte, unsigned level, struct walk_fault *f)
{
	return x86_check_access_in(ctl, req, perms, pte, level, f, x86_64_mode);
}

WALK_INLINE bool x86_walk_leaf(struct walk_state *ws, uint64_t pte_addr)
{
	return x86_walk_leaf_in(ws, pte_addr, x86_64_mode);
}

static void x86_describe_pte(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
			     unsigned level, char *buf, size_t len)
{
	/*
	 * PS where no page can be (a PML4E, or a PDPTE without 1G pages) is a
	 * reserved bit, not a large page: bit 12 stays address, as in a pointer.
	 */
	bool large = level > 1 && level <= pc->highest_translation_level && (pte & X86_PS);

	(void)ctl;
	x86_describe_entry(pte, level, large, "PS", pte & X86_ADDR_MASK & ~(large ? X86_PAT_LARGE : 0), NULL, buf, len);
}

/*
 * SDM vol. 3 tables 4-14 .. 4-20: bit 7 is PS above level 1 and PAT in a
 * PTE; a 2M/1G leaf has PAT at bit 12 (inside addr: setting addr writes it).
 */
static unsigned x86_pte_fields(const struct paging_consts *pc, unsigned level, uint64_t pte, struct pte_field *out)
{
	static const struct pte_field low[] = {
		{ "p", 0, 1, 0 }, { "rw", 1, 1, 0 }, { "us", 2, 1, 0 }, { "pwt", 3, 1, 0 },
		{ "pcd", 4, 1, 0 }, { "a", 5, 1, 0 }, { "d", 6, 1, 0 },
	};
	static const struct pte_field high[] = {
		{ "g", 8, 1, 0 }, { "avl", 9, 3, 0 }, { "addr", 12, 40, 12 }, { "pfn", 12, 40, 0 },
		{ "pkey", 59, 4, 0 }, { "xd", 63, 1, 0 }, { "nx", 63, 1, 0 },
	};
	static const struct pte_field ps = { "ps", 7, 1, 0 }, pat4k = { "pat", 7, 1, 0 }, patbig = { "pat", 12, 1, 0 };
	unsigned n = 0;

	PTE_FIELDS_PUT(out, &n, low);
	pte_fields_put(out, &n, level > 1 ? &ps : &pat4k, 1);
	if (level > 1 && level <= pc->highest_translation_level && (pte & X86_PS))
		pte_fields_put(out, &n, &patbig, 1);
	PTE_FIELDS_PUT(out, &n, high);
	return n;
}

static void x86_describe_fault(const struct walk_fault *f, char *buf, size_t len)
{
	x86_describe_fault_bits(f, 6, buf, len);
}

/*
 * The reserved bits a faulting entry sets (SDM vol. 3 tables 4-15..4-20):
 * address bits 51:MAXPHYADDR, and in a 2M/1G leaf the address bits below
 * its size other than PAT (bit 12), by number, with the range that rule
 * reserves.
 */
static bool x86_reason_bits(const struct paging_consts *pc, enum fault_reason reason, uint64_t pte, unsigned level,
			    char *buf, size_t len)
{
	size_t n = 0;
	uint64_t set;

	buf[0] = '\0';
	if (reason == REASON_X86_RSVD_PHYS_BITS && (set = pte & x86_rsvd_phys_bits(pc))) {
		text_put(buf, len, &n, "address ");
		text_put_bit_runs(buf, len, &n, set);
		text_put(buf, len, &n, " %s set: bits 51:%u are reserved, at or above MAXPHYADDR (%u)",
			 __builtin_popcountll(set) > 1 ? "are" : "is", pc->phys_addr_width, pc->phys_addr_width);
		return true;
	}
	if (reason == REASON_X86_RSVD_LARGE_LOW && level > 1) {
		uint64_t size = pc_page_size(pc, level), low = (size - 1) & ~(uint64_t)0x1fff;
		if (!(set = pte & low))
			return false;
		text_put_bit_runs(buf, len, &n, set);
		text_put(buf, len, &n, " %s set in a %llu%s page's %s: bits %u:13 are reserved (its address is %s-aligned; "
			 "bit 12 is PAT)", __builtin_popcountll(set) > 1 ? "are" : "is",
			 (unsigned long long)(size >> (size >= (1ull << 30) ? 30 : 20)), size >= (1ull << 30) ? "G" : "M",
			 x86_entry_name_at(level), 63 - (unsigned)__builtin_clzll(low),
			 size >= (1ull << 30) ? "1G" : "2M");
		return true;
	}
	return false;
}

/* SDM 4.5 names the entries of 4- and 5-level paging by the structure that holds them. */
static const char *x86_entry_name(const struct paging_consts *pc, unsigned level)
{
	(void)pc;
	return x86_entry_name_at(level);
}

/* CR3 with CR4.PCIDE=1: bits 51:12 the root, 11:0 the PCID (SDM 4.5, table 4-12). */
static uint64_t x86_encode_root_reg(const struct paging_consts *pc, uint64_t root, uint16_t asid)
{
	(void)pc;
	return (root & X86_ADDR_MASK) | (asid & 0xfffu);
}

/* PCIDs are 12 bits (SDM vol. 3 4.10.1): a 13th would land in CR3's root address. */
static unsigned x86_pcid_bits(const struct cpu_ctl *ctl)
{
	(void)ctl;
	return 12;
}

static int x86_decode_root_reg(const struct paging_consts *pc, uint64_t reg, uint64_t *root,
			       uint16_t *asid, struct mm_error *err)
{
	/* Bit 63 only asks MOV to CR3 not to flush; bits 62:MAXPHYADDR are reserved. */
	uint64_t rsvd = ~((1ull << pc->phys_addr_width) - 1) & ~(1ull << 63);

	if (reg & rsvd)
		return mm_error_set(err, MM_EINVAL, "CR3 0x%llx sets bits at or above MAXPHYADDR (%u)",
				    (unsigned long long)reg, pc->phys_addr_width);
	*root = reg & X86_ADDR_MASK;
	*asid = (uint16_t)(reg & 0xfff);
	return MM_OK;
}

/*
 * AMD NPT: x86_64 tables as the nested (host) tables under nCR3 (AMD APM
 * vol. 2, 15.25 "Nested Paging").  A failed nested walk is #VMEXIT(NPF)
 * (15.25.6 "Nested versus Guest Page Faults, Fault Ordering"): EXITINFO1
 * holds the #PF error code bits of the nested fault (P, W, U, RSVD, I) with
 * bit 32 set when the GPA was the final one of the guest's translation and
 * bit 33 when it was a guest page-table access; EXITINFO2 holds the GPA.
 * The nested walk checks every access as a user access (15.25.5: nested
 * page-table walks are user accesses, so U is set in the code and a nested
 * entry with U/S=0 faults), and treats the guest's page-table accesses as
 * writes (15.25.5; KVM's nested walk, paging_tmpl.h, asks PFERR_USER |
 * PFERR_WRITE of them too): stage2_table_reads_write.  The caller walks
 * stage 2 as PRIV_USER; f->code is that walk's error code.
 */
#define NPF_EXITINFO1_FINAL_GPA   (1ull << 32)
#define NPF_EXITINFO1_GUEST_TABLE (1ull << 33)

/*
 * "nested page fault (#NPF), EXITINFO1 0x100000004 (#PF error code 0x4 (U);
 * bit 32: final GPA)": f->code is EXITINFO1; note adds to bit 33's words.
 */
static void x86_npf_text(const struct walk_fault *f, const char *note, char *buf, size_t len)
{
	struct walk_fault pf = *f;
	char bits[96];

	pf.code &= ~(NPF_EXITINFO1_FINAL_GPA | NPF_EXITINFO1_GUEST_TABLE);
	x86_describe_fault_bits(&pf, 6, bits, sizeof(bits));
	snprintf(buf, len, "nested page fault (#NPF), EXITINFO1 0x%llx (%s; %s%s)", (unsigned long long)f->code, bits,
		 (f->code & NPF_EXITINFO1_GUEST_TABLE) ? "bit 33: guest page-table access" : "bit 32: final GPA",
		 note);
}

/* A VM's combined stage-2 fault (mmusim_fault_describe): stage2_report's words less the GPA. */
static void x86_describe_npf(const struct walk_fault *f, char *buf, size_t len)
{
	if (f->kind == FAULT_BUS_ERROR)
		snprintf(buf, len, "no #NPF: a nested page-table entry lies outside host memory");
	else if (f->kind == FAULT_NON_CANONICAL)
		snprintf(buf, len, "no #NPF: the nested walk cannot translate the GPA (not canonical)");
	else
		x86_npf_text(f, "", buf, len);
}

static void x86_stage2_report(const struct walk_fault *f, const struct stage2_context *ctx,
			      struct stage2_report *out, char *text, size_t len)
{
	struct walk_fault npf = *f;
	char head[256]; /* the longest sentence x86_npf_text writes: 196 bytes */

	snprintf(out->code_name, sizeof(out->code_name), "exitinfo1");
	snprintf(out->addr_name, sizeof(out->addr_name), "exitinfo2");
	snprintf(out->extra_name, sizeof(out->extra_name), "none");
	out->extra = 0;
	if (f->kind == FAULT_BUS_ERROR || f->kind == FAULT_NON_CANONICAL) {
		out->code = out->addr = 0;
		snprintf(text, len, "no #NPF: %s GPA 0x%llx",
			 f->kind == FAULT_BUS_ERROR ? "a nested page-table entry lies outside host memory for"
						    : "the nested walk cannot translate (not canonical)",
			 (unsigned long long)ctx->gpa);
		return;
	}
	out->code = npf.code = f->code | (ctx->table ? NPF_EXITINFO1_GUEST_TABLE : NPF_EXITINFO1_FINAL_GPA);
	out->addr = ctx->gpa;
	x86_npf_text(&npf, ctx->table && ctx->table_write ? ", A/D write" : "", head, sizeof(head));
	snprintf(text, len, "%s, EXITINFO2 0x%llx (the GPA)", head, (unsigned long long)ctx->gpa);
}

/* APM 15.25.5: the nested walk checks the guest's page-table accesses as writes. */
static bool x86_table_reads_write(const struct cpu_ctl *ctl)
{
	(void)ctl;
	return true;
}

/* The walk's rules, shared by the descriptor and the inlined loops below. */
static const struct walk_hooks x86_hooks = {
	.initial_perms = x86_initial_perms, .walk_begin = x86_walk_begin, .bad_va = x86_bad_va,
	.bus_error = x86_bus_error,
	.walk_entry = x86_walk_entry, .walk_leaf = x86_walk_leaf, .pte_addr = x86_pte_addr,
	.is_present = x86_is_present, .is_leaf = x86_is_leaf,
};

/* The generic loops with this format's hooks and geometry as constants, so the compiler inlines them. */
__attribute__((flatten)) static void x86_walk(const struct walker *w, const struct walk_request *req,
					     struct walk_result *res)
{
	walk_loop(w, req, res, &x86_hooks, &x86_geom);
}

__attribute__((flatten)) static void x86_walk_prefetch(const struct walker *w, uint64_t root, uint64_t va,
							struct walk_prefetch_memo *memo)
{
	walk_prefetch_loop(w, root, va, memo, &x86_hooks, &x86_geom);
}

/* leaf_prop's PROP_D without decoding the cache type (PAT bits): the D bit, at every leaf level. */
static bool x86_leaf_dirty(uint64_t pte, unsigned level)
{
	(void)level;
	return (pte & X86_D) != 0;
}

const struct pt_arch pt_arch_x86_64 = {
	.name = "x86_64",
	.va_flush_drops_walk_caches = true,
	.fault_drops_cached_page = true,
	.geom = &x86_geom,
	.hooks = &x86_hooks,
	.cpu_keys = x86_cpu_keys,
	.check_limits = x86_check_limits,
	.fit_prop = x86_fit_prop,
	.make_leaf = x86_make_leaf,
	.make_table = x86_make_table,
	.leaf_prop = x86_leaf_prop,
	.leaf_dirty = x86_leaf_dirty,
	.entry_perms = x86_entry_perms,
	.check_access = x86_check_access,
	.walk = x86_walk,
	.walk_prefetch = x86_walk_prefetch,
	.describe_pte = x86_describe_pte,
	.pte_fields = x86_pte_fields,
	.entry_name = x86_entry_name,
	.describe_fault = x86_describe_fault,
	.reason_bits = x86_reason_bits,
	.elf_machine = 62 /* EM_X86_64 */,
	.root_register = "cr3",
	.core_regs = x86_64_core_regs,
	.stage2_root_register = "ncr3",
	.encode_root_reg = x86_encode_root_reg,
	.decode_root_reg = x86_decode_root_reg,
	.asid_bits = x86_pcid_bits,
	.stage2_report = x86_stage2_report,
	.describe_stage2_fault = x86_describe_npf,
	.stage2_table_reads_write = x86_table_reads_write,
};
