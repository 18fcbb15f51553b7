/*
 * arch_ept: Intel EPT, the extended page tables that translate guest-physical
 * addresses to host-physical ones (Intel SDM vol. 3, 29.3 "The Extended Page
 * Table Mechanism": 29.3.2 translation, tables 29-1..29-6 the entries,
 * 29.3.3 EPT-induced VM exits, 29.3.5 accessed and dirty flags).
 *
 * A walk of 4 (48-bit GPAs) or 5 levels (57-bit GPAs, EPTP page-walk length
 * 5) over 4 KiB nodes of 512 eight-byte entries; a PDPTE or PDE with bit 7
 * maps a 1 GiB or 2 MiB page.  GPAs are zero-extended: the SDM's translation
 * uses only bits 47:0 (56:0), and a guest cannot produce a GPA wider than its
 * physical-address width (its own paging refuses it with a #PF, SDM 29.3.2
 * footnote), so a GPA with bits above the width is refused here as
 * non-canonical, with no entry read and no EPT exit (fault code 0).
 *
 * Faults come in the SDM's two kinds, checked in its order:
 *   - EPT misconfiguration (29.3.3.1, kind reserved-bit, REASON_EPT_*):
 *     W without R, execute-only without the CPU's support (cpu key
 *     execute_only), reserved bits (51:MAXPHYADDR; bits 6:3 of an entry
 *     that references a table; bit 7 of a PML5E/PML4E, or of a PDPTE
 *     without 1 GiB pages; 29:12 of a 1G leaf, 20:12 of a 2M leaf) and the
 *     reserved memory types 2, 3, 7 of a leaf.  Checked on each entry as the
 *     walk reads it.  Its VM exit has no exit qualification: code 0.
 *   - EPT violation (29.3.3.2, "may occur during an access using a GPA whose
 *     translation does not cause an EPT misconfiguration"): an entry with
 *     bits 2:0 all 0 (kind not-present), or an access that R/W/X of SOME
 *     entry of the path refuses (rights AND over the levels; kind
 *     permission), checked once the leaf is reached, so that a
 *     misconfiguration further down wins over a right an upper entry takes.
 *
 * walk_fault.code of a violation is the exit qualification's low bits (SDM
 * table 28-7): bits 2:0 the access (1 data read, 2 data write, 4 fetch),
 * bits 5:3 the AND of bits 2:0 over the entries walked (whether the GPA was
 * readable, writable, executable; 0 when an entry was not present).  The
 * bits that need the guest's context (7 guest-linear address valid, 8 final
 * GPA) are stage2_report's.  MBEC (bit 10 user-execute, qualification bit 6)
 * is not modelled: bit 10 is ignored, as it is with MBEC off.
 *
 * A/D (cpu key ept_ad, EPTP bit 6): the walk sets A in each entry it uses to
 * reference the next table, and A (and D for a write) in the leaf once the
 * access is allowed, as the x86 walk does (SDM 29.3.5 and 4.8).
 */
#include "pt_arch.h"
#include "walk_loop.h"

#include <stddef.h>
#include <stdio.h>

#include "ept_bits.h"
#include "text_buf.h"

static const struct pt_geometry ept_geom = {
	.pte_size = 8, .page_shift = 12, .min_levels = 4, .max_levels = 5, .va = VA_EXT_ZERO,
	.max_phys_bits = 52, .title = "ept (Intel EPT)", .levels_text = "4 or 5",
	.va_noun = "guest-physical addresses",
};

/*
 * EPT A/D off by default (EPTP bit 6 = 0, so the EPTP mmusim prints matches
 * the default machine); execute-only on, as current Intel CPUs report it
 * (IA32_VMX_EPT_VPID_CAP bit 0).
 */
static const struct cpu_key ept_cpu_keys[] = {
	CPU_KEY_FLAG(ept_ad),
	{ "execute_only", CPU_KEY_BOOL, offsetof(struct cpu_ctl, ept_execute_only), 1, NULL, NULL },
	CPU_KEYS_END,
};

static int ept_check_limits(const struct paging_consts *pc, struct mm_error *err)
{
	if (pc->highest_translation_level > 3)
		return mm_error_set(err, MM_EINVAL,
				    "ept maps pages up to 1 GiB: highest_translation_level must be <= 3");
	if (pc->phys_addr_width > ept_geom.max_phys_bits)
		return mm_error_set(err, MM_EINVAL, "ept physical addresses have at most %u bits",
				    ept_geom.max_phys_bits);
	return MM_OK;
}

/* EPT has neither U/S nor a global bit: every page serves both privileges, none is global. */
static void ept_fit_prop(struct page_prop *p, const struct cpu_ctl *ctl)
{
	(void)ctl;
	p->flags = (p->flags | PROP_U) & ~(uint32_t)PROP_G;
}

static int ept_check_prop(const struct page_prop *p, const struct cpu_ctl *ctl, struct mm_error *err)
{
	if ((p->flags & PROP_W) && !(p->flags & PROP_R))
		return mm_error_set(err, MM_EINVAL, "EPT W without R is a misconfiguration: add r");
	if (!(p->flags & (PROP_R | PROP_X)))
		return mm_error_set(err, MM_EINVAL, "an EPT leaf needs r or x (R=W=X=0 is not present)");
	if (!(p->flags & PROP_R) && !ctl->ept_execute_only)
		return mm_error_set(err, MM_EINVAL,
				    "execute-only EPT pages need a CPU that supports them (cpu: execute_only: true)");
	return MM_OK;
}

static unsigned ept_type_of(enum cache_policy c)
{
	switch (c) {
	case CACHE_UC: return EPT_MT_UC;
	case CACHE_WC: return EPT_MT_WC;
	case CACHE_WT: return EPT_MT_WT;
	case CACHE_WP: return EPT_MT_WP;
	case CACHE_WB: default: return EPT_MT_WB;
	}
}

static enum cache_policy ept_cache_of(unsigned mt)
{
	switch (mt) {
	case EPT_MT_UC: return CACHE_UC;
	case EPT_MT_WC: return CACHE_WC;
	case EPT_MT_WT: return CACHE_WT;
	case EPT_MT_WP: return CACHE_WP;
	default: return CACHE_WB;
	}
}

/* The PROP_* flags with an EPT bit of their own (R/W/X are bits 2:0 like PROP_R/W/X). */
static const struct { uint32_t prop; uint64_t bit; } ept_flag_bits[] = {
	{ PROP_R, EPT_R }, { PROP_W, EPT_W }, { PROP_X, EPT_X }, { PROP_A, EPT_A }, { PROP_D, EPT_D },
	{ PROP_AVAIL1, EPT_IGN11 }, { PROP_AVAIL2, EPT_IGN52 },
};

static uint64_t ept_make_leaf(const struct paging_consts *pc, uint64_t pa, const struct page_prop *p,
			      unsigned level)
{
	uint64_t pte = (pa & EPT_ADDR_MASK & ~(pc_page_size(pc, level) - 1)) |
		       (uint64_t)ept_type_of(p->cache) << EPT_MT_SHIFT;

	for (size_t i = 0; i < sizeof(ept_flag_bits) / sizeof(ept_flag_bits[0]); i++)
		if (p->flags & ept_flag_bits[i].prop)
			pte |= ept_flag_bits[i].bit;
	if (level > 1)
		pte |= EPT_LEAF;
	return pte;
}

static uint64_t ept_make_table(const struct paging_consts *pc, uint64_t pa)
{
	(void)pc;
	/* Most permissive: the leaf alone decides what the page allows. */
	return (pa & EPT_ADDR_MASK) | EPT_RWX;
}

static void ept_leaf_prop(const struct paging_consts *pc, uint64_t pte, unsigned level, struct page_prop *out)
{
	(void)pc;
	(void)level;
	out->flags = PROP_U;
	for (size_t i = 0; i < sizeof(ept_flag_bits) / sizeof(ept_flag_bits[0]); i++)
		if (pte & ept_flag_bits[i].bit)
			out->flags |= ept_flag_bits[i].prop;
	out->cache = ept_cache_of(ept_memory_type(pte));
}

WALK_INLINE bool ept_is_present(const struct paging_consts *pc, uint64_t pte)
{
	(void)pc;
	return pte & EPT_RWX;
}

WALK_INLINE bool ept_is_leaf(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
			     unsigned level)
{
	(void)pc;
	(void)ctl;
	return level == 1 || (pte & EPT_LEAF);
}

WALK_INLINE uint64_t ept_pte_addr(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
				  unsigned level)
{
	(void)pc;
	(void)ctl;
	(void)level;
	return pte & EPT_ADDR_MASK;
}

/* Every access is allowed until an entry takes a right away; U: EPT has no privilege check. */
WALK_INLINE unsigned ept_initial_perms(void)
{
	return PERM_R | PERM_W | PERM_X | PERM_U;
}

/* Bits 2:0 are PERM_R/W/X: an entry's clear bit clears the right for the levels below. */
WALK_INLINE unsigned ept_entry_perms(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
				     unsigned level, bool leaf, unsigned upper)
{
	_Static_assert(PERM_R == EPT_R && PERM_W == EPT_W && PERM_X == EPT_X, "PERM_R/W/X vs EPT bits 2:0");
	(void)pc;
	(void)ctl;
	(void)level;
	(void)leaf;
	return upper & ~(unsigned)(~pte & EPT_RWX);
}

/* Exit qualification bits 2:0: the access. */
WALK_INLINE uint64_t ept_access_bits(enum access_kind a)
{
	return a == ACCESS_EXEC ? EPT_QUAL_FETCH : a == ACCESS_WRITE ? EPT_QUAL_WRITE : EPT_QUAL_READ;
}

WALK_INLINE uint64_t ept_rsvd_phys_bits(const struct paging_consts *pc)
{
	unsigned m = pc->phys_addr_width;

	return m < 52 ? EPT_ADDR_MASK & ~((1ull << m) - 1) : 0;
}

WALK_INLINE void ept_walk_begin(struct walk_state *ws)
{
	ws->rsvd = ept_rsvd_phys_bits(ws->w->pc);
}

WALK_INLINE void ept_bad_va(struct walk_state *ws)
{
	walk_set_fault(ws, FAULT_NON_CANONICAL, REASON_NON_CANONICAL, ws->w->pc->nr_levels, 0);
}

WALK_INLINE void ept_bus_error(struct walk_state *ws, unsigned level)
{
	/* No EPT exit: real hardware would see a machine check. */
	walk_set_fault(ws, FAULT_BUS_ERROR, REASON_BUS_ERROR, level, 0);
}

/*
 * The misconfiguration a present entry read at `level` is (SDM 29.3.3.1 with
 * the reserved bits of tables 29-1..29-6), or REASON_NONE.
 */
static __attribute__((noinline)) enum fault_reason ept_misconfig(const struct paging_consts *pc,
								 const struct cpu_ctl *ctl, uint64_t pte,
								 unsigned level, uint64_t rsvd)
{
	if ((pte & (EPT_R | EPT_W)) == EPT_W)
		return REASON_EPT_WRITE_NO_READ;
	if ((pte & EPT_RWX) == EPT_X && !ctl->ept_execute_only)
		return REASON_EPT_EXEC_ONLY;
	if (pte & rsvd)
		return REASON_EPT_RSVD_PHYS_BITS;
	if (level > 1 && (pte & EPT_LEAF) && level > pc->highest_translation_level)
		return REASON_EPT_RSVD_LEAF;
	if (!ept_is_leaf(pc, ctl, pte, level))
		return (pte & EPT_TABLE_RSVD) ? REASON_EPT_RSVD_TABLE_BITS : REASON_NONE;
	if (pte & (pc_page_size(pc, level) - 1) & EPT_ADDR_MASK)
		return REASON_EPT_RSVD_LARGE_LOW;
	if (ept_memory_type_reserved(ept_memory_type(pte)))
		return REASON_EPT_MEMORY_TYPE;
	return REASON_NONE;
}

WALK_INLINE enum walk_next ept_walk_entry(struct walk_state *ws, uint64_t pte, unsigned level,
					  uint64_t pte_addr, uint64_t *next_table)
{
	const struct walker *w = ws->w;
	enum fault_reason why;

	/*
	 * One test passes the common entry: readable (so neither W-only nor
	 * X-only), no reserved address bit, and either a pointer with bits 7:3
	 * clear or a 4 KiB leaf (whose memory type is then the only question).
	 */
	if (__builtin_expect(!(pte & EPT_R) || (pte & (ws->rsvd | (level > 1 ? EPT_LEAF | EPT_TABLE_RSVD : 0))) ||
			     (level == 1 && ept_memory_type_reserved(ept_memory_type(pte))), 0)) {
		if (!(pte & EPT_RWX)) {
			/* Not present: the AND of bits 2:0 is 0, so qualification bits 5:3 are 0. */
			walk_set_fault(ws, FAULT_NOT_PRESENT, REASON_EPT_NOT_PRESENT, level,
				       ept_access_bits(ws->req->access));
			return WALK_FAULT;
		}
		why = ept_misconfig(w->pc, w->ctl, pte, level, ws->rsvd);
		if (why != REASON_NONE) {
			walk_set_fault(ws, FAULT_RESERVED_BIT, why, level, 0);
			return WALK_FAULT;
		}
	}
	ws->upper_perms = ept_entry_perms(w->pc, w->ctl, pte, level, false, ws->upper_perms);
	if (ept_is_leaf(w->pc, w->ctl, pte, level))
		return WALK_LEAF;
	/* SDM 29.3.5: A is set in each entry used, here the ones that reference the next table. */
	if (w->ctl->ept_ad && !(pte & EPT_A) && !ws->req->no_ad_update)
		pt_mem_write(w->mem, pte_addr, 8, pte | EPT_A);
	*next_table = pte & EPT_ADDR_MASK;
	return WALK_DESCEND;
}

/* SDM 29.3.3.2: the access needs its right in every entry of the walk (perms holds their AND). */
WALK_INLINE bool ept_check_access(const struct cpu_ctl *ctl, const struct walk_request *req, unsigned perms,
				  uint64_t pte, unsigned level, struct walk_fault *f)
{
	unsigned need = req->access == ACCESS_EXEC ? PERM_X : req->access == ACCESS_WRITE ? PERM_W : PERM_R;

	(void)ctl;
	(void)pte;
	if (perms & need)
		return true;
	f->kind = FAULT_PERMISSION;
	f->reason = req->access == ACCESS_EXEC	? REASON_EPT_NOT_EXECUTABLE
		  : req->access == ACCESS_WRITE ? REASON_EPT_NOT_WRITABLE
						: REASON_EPT_NOT_READABLE;
	f->level = level;
	f->code = ept_access_bits(req->access) | (uint64_t)(perms & EPT_RWX) << EPT_QUAL_RIGHTS_SHIFT;
	return false;
}

WALK_INLINE bool ept_walk_leaf(struct walk_state *ws, uint64_t pte_addr)
{
	struct walk_result *res = ws->res;
	uint64_t pte = res->leaf_pte, upd;

	res->perms = ws->upper_perms;
	if (!ept_check_access(ws->w->ctl, ws->req, res->perms, pte, res->level, &res->fault)) {
		res->ok = false;
		return false;
	}
	if (!ws->w->ctl->ept_ad || ws->req->no_ad_update)
		return true;
	upd = pte | EPT_A | (ws->req->access == ACCESS_WRITE ? EPT_D : 0);
	if (upd != pte) {
		res->set_accessed = !(pte & EPT_A);
		res->set_dirty = (upd & EPT_D) && !(pte & EPT_D);
		pt_mem_write(ws->w->mem, pte_addr, 8, upd);
		res->leaf_pte = upd;
	}
	return true;
}

static const char *const ept_type_names[8] = { "UC", "WC", "rsvd2", "rsvd3", "WT", "WP", "WB", "rsvd7" };

/* SDM vol. 3 tables 29-2 .. 29-7: EPT entries (bit 7 is the page size above level 1). */
static unsigned ept_pte_fields(const struct paging_consts *pc, unsigned level, uint64_t pte, struct pte_field *out)
{
	static const struct pte_field fields[] = {
		{ "r", 0, 1, 0 }, { "w", 1, 1, 0 }, { "x", 2, 1, 0 }, { "memtype", 3, 3, 0 },
		{ "ipat", 6, 1, 0 }, { "ps", 7, 1, 0 }, { "a", 8, 1, 0 }, { "d", 9, 1, 0 },
		{ "xu", 10, 1, 0 }, { "addr", 12, 40, 12 }, { "pfn", 12, 40, 0 }, { "sve", 63, 1, 0 },
	};
	unsigned n = 0;

	(void)pc;
	(void)level;
	(void)pte;
	PTE_FIELDS_PUT(out, &n, fields);
	return n;
}


static void ept_describe_pte(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
			     unsigned level, char *buf, size_t len)
{
	bool leaf = ept_is_leaf(pc, ctl, pte, level);
	size_t n = 0;

	buf[0] = '\0';
	if (!(pte & EPT_RWX)) {
		text_put(buf, len, &n, "not-present");
		return;
	}
	text_put(buf, len, &n, "%s%s%s", (pte & EPT_R) ? "R" : "-", (pte & EPT_W) ? "W" : "-",
		 (pte & EPT_X) ? "X" : "-");
	if (leaf)
		text_put(buf, len, &n, " MT=%s", ept_type_names[ept_memory_type(pte)]);
	else if (pte & EPT_TABLE_RSVD)
		text_put(buf, len, &n, " RSVD6:3=0x%llx", (unsigned long long)((pte & EPT_TABLE_RSVD) >> 3));
	if (leaf && (pte & EPT_IPAT)) text_put(buf, len, &n, " IPAT");
	if (level > 1 && (pte & EPT_LEAF)) text_put(buf, len, &n, " PS");
	if (pte & EPT_A) text_put(buf, len, &n, " A");
	if (leaf && (pte & EPT_D)) text_put(buf, len, &n, " D");
	if (pte & EPT_IGN11) text_put(buf, len, &n, " IGN11");
	if (pte & EPT_IGN52) text_put(buf, len, &n, " IGN52");
	if (pte & EPT_SVE) text_put(buf, len, &n, " SVE");
	text_put(buf, len, &n, " addr=0x%llx", (unsigned long long)(pte & EPT_ADDR_MASK));
}

/*
 * "read; GPA readable, not writable, executable; guest-linear valid; final
 * GPA": the qualification's bits 5:0 in words, and bits 7 and 8 when bit 7
 * says they are there (a violation on a guest's access: stage2_report's).
 */
static void ept_qualification_text(uint64_t q, char *buf, size_t len, size_t *n)
{
	static const char *const access[] = { "read", "write", "fetch" };
	const char *sep = "";

	for (unsigned i = 0; i < 3; i++)
		if (q & (1ull << i)) {
			text_put(buf, len, n, "%s%s", sep, access[i]);
			sep = "+";
		}
	text_put(buf, len, n, "; GPA %sreadable, %swritable, %sexecutable", (q & EPT_QUAL_READABLE) ? "" : "not ",
		 (q & EPT_QUAL_WRITABLE) ? "" : "not ", (q & EPT_QUAL_EXECUTABLE) ? "" : "not ");
	if (q & EPT_QUAL_GLA_VALID)
		text_put(buf, len, n, "; guest-linear valid; %s",
			 (q & EPT_QUAL_FINAL) ? "final GPA" : "guest paging-structure entry");
}

static void ept_describe_fault(const struct walk_fault *f, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	switch (f->kind) {
	case FAULT_RESERVED_BIT:
		text_put(buf, len, &n, "EPT misconfiguration (exit reason %d)", EPT_EXIT_MISCONFIG);
		return;
	case FAULT_NOT_PRESENT:
	case FAULT_PERMISSION:
		text_put(buf, len, &n, "EPT violation (exit reason %d), exit qualification 0x%llx (", EPT_EXIT_VIOLATION,
			 (unsigned long long)f->code);
		ept_qualification_text(f->code, buf, len, &n);
		text_put(buf, len, &n, ")");
		return;
	default:
		/* A GPA wider than the EPT's, an entry outside memory: no EPT exit. */
		text_put(buf, len, &n, "no EPT exit");
		return;
	}
}

/*
 * The fault as the VMM sees it (SDM 27.2.1 and table 28-7):
 *   - misconfiguration: exit reason 49, no exit qualification (0), the
 *     guest-physical address; no guest-linear address is saved (0).
 *   - violation: exit reason 48, the qualification = the walk's bits 5:0,
 *     bit 7 (the guest-linear address is valid: every access here comes
 *     from a guest translation) and bit 8 (1: the access was to the final
 *     GPA; 0: to a guest paging-structure entry, as part of the guest's walk
 *     or its A/D update), with the guest-physical and guest-linear address.
 *     Bits 2:0 are the access stage 2 checked: for a guest paging-structure
 *     entry a read, or a write for the guest's A/D update; with EPT A/D on
 *     the guest's table reads are checked as writes (29.3.3.2), and then the
 *     processor sets both bit 0 and bit 1 (table 28-7, note 1).
 *   - an EPT entry outside host memory, a GPA wider than the EPT: no exit.
 */
static void ept_stage2_report(const struct walk_fault *f, const struct stage2_context *ctx,
			      struct stage2_report *out, char *text, size_t len)
{
	size_t n = 0;

	snprintf(out->code_name, sizeof(out->code_name), "exit_qual");
	snprintf(out->addr_name, sizeof(out->addr_name), "guest_phys");
	snprintf(out->extra_name, sizeof(out->extra_name), "guest_linear");
	out->code = out->extra = 0;
	out->addr = ctx->gpa;
	text[0] = '\0';
	switch (f->kind) {
	case FAULT_RESERVED_BIT:
		text_put(text, len, &n,
			 "EPT misconfiguration (exit reason %d), guest-physical 0x%llx (no exit qualification, "
			 "no guest-linear address)", EPT_EXIT_MISCONFIG, (unsigned long long)ctx->gpa);
		return;
	case FAULT_NOT_PRESENT:
	case FAULT_PERMISSION:
		out->code = (f->code & 0x3f) | EPT_QUAL_GLA_VALID | (ctx->table ? 0 : EPT_QUAL_FINAL);
		if (ctx->table && !ctx->table_write && (out->code & EPT_QUAL_WRITE))
			out->code |= EPT_QUAL_READ;
		out->extra = ctx->gva;
		text_put(text, len, &n, "EPT violation (exit reason %d), exit qualification 0x%llx (",
			 EPT_EXIT_VIOLATION, (unsigned long long)out->code);
		ept_qualification_text(out->code, text, len, &n);
		text_put(text, len, &n, "%s), guest-physical 0x%llx, guest-linear 0x%llx",
			 ctx->table && ctx->table_write ? ", A/D write" : "", (unsigned long long)ctx->gpa,
			 (unsigned long long)ctx->gva);
		return;
	case FAULT_BUS_ERROR:
		text_put(text, len, &n, "no EPT exit: an EPT entry for guest-physical 0x%llx lies outside host memory "
			 "(a machine check on hardware)", (unsigned long long)ctx->gpa);
		return;
	default:
		out->addr = 0;
		text_put(text, len, &n, "no EPT exit: guest-physical 0x%llx is wider than the EPT translates "
			 "(the guest's own paging refuses such an address)", (unsigned long long)ctx->gpa);
		return;
	}
}

/* SDM 29.3.3.2 / 29.3.5: with EPT A/D enabled the guest's paging-structure reads are EPT writes. */
static bool ept_table_reads_write(const struct cpu_ctl *ctl)
{
	return ctl->ept_ad;
}

static const char *ept_entry_name(const struct paging_consts *pc, unsigned level)
{
	static const char *const names[] = { "EPT PTE", "EPT PTE", "EPT PDE", "EPT PDPTE", "EPT PML4E", "EPT PML5E" };

	(void)pc;
	return level < sizeof(names) / sizeof(names[0]) ? names[level] : "EPT entry";
}

/*
 * EPTP: the table with write-back paging structures (memory type 6) and the
 * config's walk length.  EPT has no address-space tag: VPIDs tag the TLB
 * outside the EPTP, so `asid` is dropped.  Bit 6 (A/D) is the cpu key
 * ept_ad, which this hook cannot see: the EPTP it writes has bit 6 clear.
 */
/* EPTP bit 6: the config's ept_ad (SDM 25.6.11). */
static uint64_t ept_root_reg_ctl_bits(const struct cpu_ctl *ctl)
{
	return ctl->ept_ad ? 1ull << 6 : 0;
}

static uint64_t ept_encode_root_reg(const struct paging_consts *pc, uint64_t root, uint16_t asid)
{
	(void)asid;
	return (root & EPT_ADDR_MASK) | (uint64_t)(pc->nr_levels - 1) << EPTP_PWL_SHIFT | EPT_MT_WB;
}

static int ept_decode_root_reg(const struct paging_consts *pc, uint64_t reg, uint64_t *root, uint16_t *asid,
			       struct mm_error *err)
{
	unsigned mt = (unsigned)(reg & EPTP_MT_MASK);
	unsigned walk_length = (unsigned)((reg & EPTP_PWL_MASK) >> EPTP_PWL_SHIFT) + 1;
	uint64_t rsvd = EPTP_RSVD_LOW | ~((1ull << pc->phys_addr_width) - 1);

	if (mt != EPT_MT_UC && mt != EPT_MT_WB)
		return mm_error_set(err, MM_EINVAL,
				    "EPTP 0x%llx: memory type %u (bits 2:0) is reserved (0 UC or 6 WB)",
				    (unsigned long long)reg, mt);
	if (walk_length != pc->nr_levels)
		return mm_error_set(err, MM_EINVAL,
				    "EPTP 0x%llx: page-walk length %u (bits 5:3 = %u) does not match the config's "
				    "%u-level EPT (bits 5:3 = %u)",
				    (unsigned long long)reg, walk_length, walk_length - 1, pc->nr_levels,
				    pc->nr_levels - 1);
	if (reg & rsvd)
		return mm_error_set(err, MM_EINVAL,
				    "EPTP 0x%llx sets reserved bits 0x%llx (11:8, or at or above MAXPHYADDR %u)",
				    (unsigned long long)reg, (unsigned long long)(reg & rsvd), pc->phys_addr_width);
	*root = reg & EPT_ADDR_MASK;
	*asid = 0;
	return MM_OK;
}

static const struct walk_hooks ept_hooks = {
	.initial_perms = ept_initial_perms, .walk_begin = ept_walk_begin, .bad_va = ept_bad_va,
	.bus_error = ept_bus_error, .walk_entry = ept_walk_entry, .walk_leaf = ept_walk_leaf,
	.pte_addr = ept_pte_addr, .is_present = ept_is_present, .is_leaf = ept_is_leaf,
};

__attribute__((flatten)) static void ept_walk(const struct walker *w, const struct walk_request *req,
					      struct walk_result *res)
{
	walk_loop(w, req, res, &ept_hooks, &ept_geom);
}

__attribute__((flatten)) static void ept_walk_prefetch(const struct walker *w, uint64_t root, uint64_t va,
						       struct walk_prefetch_memo *memo)
{
	walk_prefetch_loop(w, root, va, memo, &ept_hooks, &ept_geom);
}

const struct pt_arch pt_arch_ept = {
	.name = "ept",
	.geom = &ept_geom,
	.hooks = &ept_hooks,
	.cpu_keys = ept_cpu_keys,
	.check_limits = ept_check_limits,
	.check_prop = ept_check_prop,
	.fit_prop = ept_fit_prop,
	.make_leaf = ept_make_leaf,
	.make_table = ept_make_table,
	.leaf_prop = ept_leaf_prop,
	.entry_perms = ept_entry_perms,
	.check_access = ept_check_access,
	.walk = ept_walk,
	.walk_prefetch = ept_walk_prefetch,
	.describe_pte = ept_describe_pte,
	.pte_fields = ept_pte_fields,
	.entry_name = ept_entry_name,
	.describe_fault = ept_describe_fault,
	.describe_stage2_fault = ept_describe_fault,
	.elf_machine = 62 /* EM_X86_64 */,
	.root_register = "eptp",
	.encode_root_reg = ept_encode_root_reg,
	.root_reg_ctl_bits = ept_root_reg_ctl_bits,
	.decode_root_reg = ept_decode_root_reg,
	.stage2_report = ept_stage2_report,
	.stage2_table_reads_write = ept_table_reads_write,
};
