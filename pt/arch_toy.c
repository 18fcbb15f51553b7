/*
 * arch_toy: a teaching MMU whose PTE layout is data (pc->layout), so that an
 * instructor can shrink paging to hand-calculable size: 16-bit VAs, 64-byte
 * pages, 2-byte PTEs.
 *
 * The walk is the generic radix walk.  A PTE is present when its valid bit is
 * set; at level 1 it is always a leaf, above level 1 it is a leaf when the
 * format has a huge bit and it is set (like x86 PS), otherwise it points to
 * the node at frame << page_shift.  Permissions come from the leaf alone; a
 * permission the format has no bit for is always granted (as x86 pages are
 * always readable).  Faults:
 *   not-present       valid bit clear
 *   reserved-bit      a frame number naming a PA at or above 2^phys_addr_width
 *   misaligned-superpage  a huge leaf whose frame is not aligned to its size
 *   permission        read / write / exec / user bit clear for the access
 * The fault code borrows the x86 #PF bits: P=1 (protection, not absence),
 * W=2, U=4, RSVD=8, I=16 (fetch).  A and D are set by the walk when the
 * format has those bits.
 */
#include "pt_arch.h"

#include <stdio.h>

#include "text_buf.h"

#define TOY_PF_P    (1u << 0)
#define TOY_PF_W    (1u << 1)
#define TOY_PF_U    (1u << 2)
#define TOY_PF_RSVD (1u << 3)
#define TOY_PF_I    (1u << 4)

static const struct pte_layout *L(const struct paging_consts *pc)
{
	return &pc->layout;
}

static uint64_t bit(int pos)
{
	return pos < 0 ? 0 : 1ull << pos;
}

static bool has(uint64_t pte, int pos)
{
	return pos >= 0 && ((pte >> pos) & 1);
}

/* The bit is set, or the format has no such bit (so nothing forbids). */
static bool grants(uint64_t pte, int pos)
{
	return pos < 0 || ((pte >> pos) & 1);
}

static uint64_t frame_mask(const struct pte_layout *l)
{
	return l->frame_width >= 64 ? UINT64_MAX : (1ull << l->frame_width) - 1;
}

static uint64_t frame_of(const struct paging_consts *pc, uint64_t pte)
{
	return (pte >> L(pc)->frame_shift) & frame_mask(L(pc));
}

static uint64_t frame_bits(const struct paging_consts *pc, uint64_t pa)
{
	return ((pa >> pc->page_shift) & frame_mask(L(pc))) << L(pc)->frame_shift;
}

/* Messages start with the toy key they are about, so the config loader can point at it. */
static int toy_check_limits(const struct paging_consts *pc, struct mm_error *err)
{
	const struct pte_layout *l = L(pc);
	unsigned pte_bits = pc->pte_size * 8;
	const struct { const char *name; int pos; } flags[] = {
		{ "valid", l->valid }, { "read", l->read }, { "write", l->write }, { "exec", l->exec },
		{ "user", l->user }, { "huge", l->huge }, { "accessed", l->accessed }, { "dirty", l->dirty },
	};
	uint64_t used = 0;

	if (pc->va_sign_ext)
		return mm_error_set(err, MM_EINVAL, "va_bits: toy addresses are not sign-extended");
	if (l->frame_width < 1 || l->frame_shift + l->frame_width > pte_bits)
		return mm_error_set(err, MM_EINVAL,
				    "frame_width: the frame field (frame_shift %u, frame_width %u) must lie "
				    "within the %u-bit PTE",
				    l->frame_shift, l->frame_width, pte_bits);
	if (pc->page_shift + l->frame_width < pc->phys_addr_width)
		return mm_error_set(err, MM_EINVAL,
				    "frame_width: %u frame bits and %u offset bits cannot reach pa_bits %u",
				    l->frame_width, pc->page_shift, pc->phys_addr_width);
	used = frame_mask(l) << l->frame_shift;
	if (l->valid < 0)
		return mm_error_set(err, MM_EINVAL, "valid: a toy PTE needs a valid bit");
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (flags[i].pos < 0)
			continue;
		if ((unsigned)flags[i].pos >= pte_bits)
			return mm_error_set(err, MM_EINVAL, "%s: bit %d is outside the %u-bit PTE",
					    flags[i].name, flags[i].pos, pte_bits);
		if (used & bit(flags[i].pos))
			return mm_error_set(err, MM_EINVAL,
					    "%s: bit %d is already used by another field", flags[i].name,
					    flags[i].pos);
		used |= bit(flags[i].pos);
	}
	if (l->huge >= 0 && pc->nr_levels == 1)
		return mm_error_set(err, MM_EINVAL, "huge: with one level there are no huge pages");
	if ((l->huge < 0) != (pc->highest_translation_level == 1))
		return mm_error_set(err, MM_EINVAL,
				    "huge: leaves above level 1 (highest_translation_level %u) need a huge bit",
				    pc->highest_translation_level);
	return MM_OK;
}

static uint64_t toy_make_leaf(const struct paging_consts *pc, uint64_t pa, const struct page_prop *p,
			      unsigned level)
{
	const struct pte_layout *l = L(pc);
	uint64_t pte = bit(l->valid) | frame_bits(pc, pa);
	uint32_t f = p->flags;

	if (f & PROP_R) pte |= bit(l->read);
	if (f & PROP_W) pte |= bit(l->write);
	if (f & PROP_X) pte |= bit(l->exec);
	if (f & PROP_U) pte |= bit(l->user);
	if (f & PROP_A) pte |= bit(l->accessed);
	if (f & PROP_D) pte |= bit(l->dirty);
	if (level > 1) pte |= bit(l->huge);
	return pte;
}

static uint64_t toy_make_table(const struct paging_consts *pc, uint64_t pa)
{
	return bit(L(pc)->valid) | frame_bits(pc, pa);
}

static bool toy_is_present(const struct paging_consts *pc, uint64_t pte)
{
	return has(pte, L(pc)->valid);
}

static bool toy_is_leaf(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte, unsigned level)
{
	(void)ctl;
	return level == 1 || has(pte, L(pc)->huge);
}

static uint64_t toy_pte_addr(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
			     unsigned level)
{
	(void)ctl;
	(void)level;
	return frame_of(pc, pte) << pc->page_shift;
}

static void toy_leaf_prop(const struct paging_consts *pc, uint64_t pte, unsigned level,
			  struct page_prop *out)
{
	const struct pte_layout *l = L(pc);
	uint32_t f = 0;

	(void)level;
	if (grants(pte, l->read)) f |= PROP_R;
	if (grants(pte, l->write)) f |= PROP_W;
	if (grants(pte, l->exec)) f |= PROP_X;
	if (grants(pte, l->user)) f |= PROP_U;
	/* Without an A or D bit, nothing is ever left for the hardware to set: report them set. */
	if (l->accessed < 0 || has(pte, l->accessed)) f |= PROP_A;
	if (l->dirty < 0 || has(pte, l->dirty)) f |= PROP_D;
	out->flags = f;
	out->cache = CACHE_WB;
}

static unsigned toy_initial_perms(void)
{
	return 0;
}

static unsigned toy_entry_perms(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
				unsigned level, bool leaf, unsigned upper)
{
	const struct pte_layout *l = L(pc);
	unsigned p = 0;

	(void)ctl;
	(void)level;
	(void)upper;
	if (!leaf)
		return 0;
	if (grants(pte, l->read)) p |= PERM_R;
	if (grants(pte, l->write)) p |= PERM_W;
	if (grants(pte, l->exec)) p |= PERM_X;
	if (grants(pte, l->user)) p |= PERM_U;
	return p;
}

static uint64_t req_code(const struct walk_request *req)
{
	return (req->access == ACCESS_WRITE ? TOY_PF_W : 0) | (req->priv == PRIV_USER ? TOY_PF_U : 0) |
	       (req->access == ACCESS_EXEC ? TOY_PF_I : 0);
}

static void toy_bad_va(struct walk_state *ws)
{
	walk_set_fault(ws, FAULT_NON_CANONICAL, REASON_NON_CANONICAL, ws->w->pc->nr_levels, 0);
}

static void toy_bus_error(struct walk_state *ws, unsigned level)
{
	walk_set_fault(ws, FAULT_BUS_ERROR, REASON_BUS_ERROR, level, 0);
}

static enum walk_next toy_walk_entry(struct walk_state *ws, uint64_t pte, unsigned level,
				     uint64_t pte_addr, uint64_t *next_table)
{
	const struct paging_consts *pc = ws->w->pc;
	uint64_t addr = toy_pte_addr(pc, ws->w->ctl, pte, level);
	bool leaf = toy_is_leaf(pc, ws->w->ctl, pte, level);

	(void)pte_addr;
	if (!toy_is_present(pc, pte)) {
		walk_set_fault(ws, FAULT_NOT_PRESENT, REASON_NOT_PRESENT, level, req_code(ws->req));
		return WALK_FAULT;
	}
	if (pc->phys_addr_width < 64 && (addr >> pc->phys_addr_width)) {
		walk_set_fault(ws, FAULT_RESERVED_BIT, REASON_X86_RSVD_PHYS_BITS, level,
			       req_code(ws->req) | TOY_PF_P | TOY_PF_RSVD);
		return WALK_FAULT;
	}
	ws->upper_perms = toy_entry_perms(pc, ws->w->ctl, pte, level, leaf, ws->upper_perms);
	if (leaf)
		return WALK_LEAF;
	*next_table = addr;
	return WALK_DESCEND;
}

static enum fault_reason toy_rights(const struct walk_request *req, unsigned perms)
{
	if (req->priv == PRIV_USER && !(perms & PERM_U))
		return REASON_TOY_USER_NOT_U;
	switch (req->access) {
	case ACCESS_READ: return (perms & PERM_R) ? REASON_NONE : REASON_TOY_NOT_READABLE;
	case ACCESS_WRITE: return (perms & PERM_W) ? REASON_NONE : REASON_TOY_NOT_WRITABLE;
	case ACCESS_EXEC: return (perms & PERM_X) ? REASON_NONE : REASON_TOY_NOT_EXECUTABLE;
	}
	return REASON_NONE;
}

static bool toy_check_access(const struct cpu_ctl *ctl, const struct walk_request *req, unsigned perms,
			     uint64_t pte, unsigned level, struct walk_fault *f)
{
	enum fault_reason why = toy_rights(req, perms);

	(void)ctl;
	(void)pte;
	if (why == REASON_NONE)
		return true;
	f->kind = FAULT_PERMISSION;
	f->reason = why;
	f->level = level;
	f->code = req_code(req) | TOY_PF_P;
	return false;
}

static bool toy_walk_leaf(struct walk_state *ws, uint64_t pte_addr)
{
	const struct paging_consts *pc = ws->w->pc;
	const struct pte_layout *l = L(pc);
	struct walk_result *res = ws->res;
	uint64_t pte = res->leaf_pte;

	res->perms = ws->upper_perms;
	if (!toy_check_access(ws->w->ctl, ws->req, res->perms, pte, res->level, &res->fault)) {
		res->ok = false;
		return false;
	}
	if (toy_pte_addr(pc, ws->w->ctl, pte, res->level) & (res->page_size - 1)) {
		walk_set_fault(ws, FAULT_MISALIGNED_SUPERPAGE, REASON_MISALIGNED_SUPERPAGE, res->level,
			       req_code(ws->req) | TOY_PF_P | TOY_PF_RSVD);
		return false;
	}
	if (!ws->req->no_ad_update) {
		uint64_t upd = pte | bit(l->accessed) | (ws->req->access == ACCESS_WRITE ? bit(l->dirty) : 0);
		if (upd != pte) {
			res->set_accessed = has(upd, l->accessed) && !has(pte, l->accessed);
			res->set_dirty = has(upd, l->dirty) && !has(pte, l->dirty);
			pt_mem_write(ws->w->mem, pte_addr, pc->pte_size, upd);
			res->leaf_pte = upd;
		}
	}
	return true;
}

static void toy_describe_pte(const struct paging_consts *pc, const struct cpu_ctl *ctl, uint64_t pte,
			     unsigned level, char *buf, size_t len)
{
	const struct pte_layout *l = L(pc);
	const struct { const char *name; int pos; } flags[] = {
		{ "R", l->read }, { "W", l->write }, { "X", l->exec }, { "U", l->user },
		{ "H", l->huge }, { "A", l->accessed }, { "D", l->dirty },
	};
	uint64_t known = bit(l->valid) | (frame_mask(l) << l->frame_shift);
	size_t n = 0;

	(void)ctl;
	(void)level;
	buf[0] = '\0';
	text_put(buf, len, &n, "%s", has(pte, l->valid) ? "V" : "not-present");
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		known |= bit(flags[i].pos);
		if (has(pte, flags[i].pos))
			text_put(buf, len, &n, " %s", flags[i].name);
	}
	if (pte & ~known)
		text_put(buf, len, &n, " unused=0x%llx", (unsigned long long)(pte & ~known));
	text_put(buf, len, &n, " frame=0x%llx", (unsigned long long)frame_of(pc, pte));
}

/* The config's layout: each bit it names (as explain prints them), then the frame. */
static unsigned toy_pte_fields(const struct paging_consts *pc, unsigned level, uint64_t pte, struct pte_field *out)
{
	const struct pte_layout *l = L(pc);
	const struct { const char *name; int pos; } bits[] = {
		{ "v", l->valid }, { "r", l->read }, { "w", l->write }, { "x", l->exec }, { "u", l->user },
		{ "h", l->huge }, { "a", l->accessed }, { "d", l->dirty },
	};
	unsigned n = 0;

	(void)level;
	(void)pte;
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (bits[i].pos >= 0)
			out[n++] = (struct pte_field){ bits[i].name, (uint8_t)bits[i].pos, 1, 0 };
	out[n++] = (struct pte_field){ "frame", l->frame_shift, l->frame_width, 0 };
	out[n++] = (struct pte_field){ "addr", l->frame_shift, l->frame_width, (uint8_t)pc->page_shift };
	return n;
}


static void toy_describe_fault(const struct walk_fault *f, char *buf, size_t len)
{
	static const char *const names[] = { "P", "W", "U", "RSVD", "I" };
	size_t n = 0;

	if (f->kind == FAULT_NON_CANONICAL || f->kind == FAULT_BUS_ERROR) {
		snprintf(buf, len, "%s", f->kind == FAULT_BUS_ERROR ? "bus error reading the PTE"
								    : "address outside the VA space");
		return;
	}
	buf[0] = '\0';
	text_put(buf, len, &n, "page fault code 0x%llx ", (unsigned long long)f->code);
	text_put_bit_names(buf, len, &n, f->code, names, 5);
}

/* The page-table base register holds the root's PA. */
static uint64_t toy_encode_root_reg(const struct paging_consts *pc, uint64_t root, uint16_t asid)
{
	(void)pc;
	(void)asid;
	return root;
}

static int toy_decode_root_reg(const struct paging_consts *pc, uint64_t reg, uint64_t *root,
			       uint16_t *asid, struct mm_error *err)
{
	if ((reg & (pc->base_page_size - 1)) || (pc->phys_addr_width < 64 && reg >> pc->phys_addr_width))
		return mm_error_set(err, MM_EINVAL,
				    "ptbr 0x%llx is not a page-aligned PA below 2^%u",
				    (unsigned long long)reg, pc->phys_addr_width);
	*root = reg;
	*asid = 0;
	return MM_OK;
}

/*
 * Every number comes from the config's toy: block (pc): the geometry fixes
 * none.  Its top level may index fewer or more entries than a page holds
 * (toy.top_entries): partial_top with concatenated pages, as Arm stage 2.
 */
static const struct pt_geometry toy_geom = { .va = VA_EXT_ANY, .partial_top = true,
					     .concat_top_bits = TOY_CONCAT_TOP_BITS };

static const struct walk_hooks toy_hooks = {
	.initial_perms = toy_initial_perms, .bad_va = toy_bad_va, .bus_error = toy_bus_error,
	.walk_entry = toy_walk_entry, .walk_leaf = toy_walk_leaf, .pte_addr = toy_pte_addr,
	.is_present = toy_is_present, .is_leaf = toy_is_leaf,
};

/* No control bits: a toy CPU reads no `cpu:` key.  A flag without a bit is granted: no check_prop. */
const struct pt_arch pt_arch_toy = {
	.name = "toy",
	.layout_from_config = true,
	.geom = &toy_geom,
	.hooks = &toy_hooks,
	.check_limits = toy_check_limits,
	.make_leaf = toy_make_leaf,
	.make_table = toy_make_table,
	.leaf_prop = toy_leaf_prop,
	.entry_perms = toy_entry_perms,
	.check_access = toy_check_access,
	.describe_pte = toy_describe_pte,
	.pte_fields = toy_pte_fields,
	.describe_fault = toy_describe_fault,
	.elf_machine = 0 /* EM_NONE */,
	.root_register = "ptbr",
	.encode_root_reg = toy_encode_root_reg,
	.decode_root_reg = toy_decode_root_reg,
};
