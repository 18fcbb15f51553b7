/* walk: the public face of pt/walk — one hardware walk, with its steps. */
#include "api.h"

#include <stdio.h>

#include "pt/page_prop.h"
#include "pt/pt_arch.h"
#include "pt/walk.h"

API_SAME(MMUSIM_FAULT_NONE, FAULT_NONE);
API_SAME(MMUSIM_FAULT_NON_CANONICAL, FAULT_NON_CANONICAL);
API_SAME(MMUSIM_FAULT_NOT_PRESENT, FAULT_NOT_PRESENT);
API_SAME(MMUSIM_FAULT_RESERVED_BIT, FAULT_RESERVED_BIT);
API_SAME(MMUSIM_FAULT_PERMISSION, FAULT_PERMISSION);
API_SAME(MMUSIM_FAULT_MISALIGNED_SUPERPAGE, FAULT_MISALIGNED_SUPERPAGE);
API_SAME(MMUSIM_FAULT_ACCESSED_DIRTY, FAULT_ACCESSED_DIRTY);
API_SAME(MMUSIM_FAULT_NO_LEAF, FAULT_NO_LEAF);
API_SAME(MMUSIM_FAULT_BUS_ERROR, FAULT_BUS_ERROR);
API_SAME(MMUSIM_FAULT_KIND_COUNT, FAULT_KIND_COUNT);
API_SAME(MMUSIM_READ, ACCESS_READ);
API_SAME(MMUSIM_WRITE, ACCESS_WRITE);
API_SAME(MMUSIM_EXEC, ACCESS_EXEC);
API_SAME(MMUSIM_USER, PRIV_USER);
API_SAME(MMUSIM_SUPERVISOR, PRIV_SUPERVISOR);
_Static_assert(MMUSIM_MAX_LEVELS == PT_MAX_LEVELS, "a walk has at most MMUSIM_MAX_LEVELS steps");

void api_walk_to_public(const struct walker *w, const struct walk_request *wr, const struct walk_result *res,
			mmusim_translation *out)
{
	memset(out, 0, sizeof(*out));
	out->ok = res->ok;
	if (res->ok) {
		out->pa = res->pa;
		out->level = res->level;
		out->page_size = res->page_size;
		out->perms = walk_effective_perms(w, wr, res);
		out->leaf_pte = res->leaf_pte;
	} else {
		int refused = walk_refusing_step(res);

		out->fault_kind = (enum mmusim_fault_kind)res->fault.kind;
		out->fault_level = res->fault.level;
		out->fault_code = res->fault.code;
		out->fault_reason = (int)res->fault.reason;
		if (refused >= 0) {
			out->refused_level = res->steps[refused].level;
			out->refused_pte_addr = res->steps[refused].pte_addr;
		}
	}
	out->nr_steps = res->nr_steps;
	for (unsigned i = 0; i < res->nr_steps && i < MMUSIM_MAX_LEVELS; i++) {
		out->steps[i] = (mmusim_walk_step){
			.level = res->steps[i].level,
			.table = res->steps[i].table,
			.index = res->steps[i].index,
			.pte_addr = res->steps[i].pte_addr,
			.pte = res->steps[i].pte,
		};
	}
}

int mmusim_translate(mmusim_machine *m, const mmusim_request *req, mmusim_translation *out)
{
	struct mm_error e = { 0 };
	struct walk_request wr;
	struct walk_result res;

	if (!req || !out)
		return api_null_argument(&m->last_error, __func__, req ? "out" : "req");
	wr = (struct walk_request){
		.root = machine_root(m->m),
		.va = req->va,
		.access = (enum access_kind)req->access,
		.priv = (enum privilege)req->priv,
		.smap_ac = req->smap_ac,
		.no_ad_update = req->no_ad_update,
	};
	memset(out, 0, sizeof(*out));
	if (api_check_access(req->access, &e) || api_check_priv(req->priv, &e) ||
	    pt_arch_check_va_fits(m->m->cfg.arch, req->va, &e))
		return api_error(&m->last_error, &e);
	if (m->m->host)
		return api_translate_vm(m, req, out);
	machine_walk(m->m, &wr, &res);
	api_walk_to_public(&m->m->walker, &wr, &res, out);
	return MMUSIM_OK;
}

const char *mmusim_fault_kind_name(enum mmusim_fault_kind kind)
{
	if ((unsigned)kind >= MMUSIM_FAULT_KIND_COUNT)
		return "unknown";
	return fault_kind_name((enum fault_kind)kind);
}

const char *mmusim_fault_reason_text(int reason)
{
	if (reason < 0 || reason >= REASON_COUNT)
		return "unknown reason";
	return walk_reason_text((enum fault_reason)reason);
}

void mmusim_perms_string(unsigned perms, char buf[6])
{
	if (buf)
		perms_format(perms, buf);
}

/*
 * A level the config's tables have (1 .. the levels of its deeper half): the
 * PTE functions below give 0 (false, "") for any other, whose page size
 * would be a shift past 63 bits (undefined in C: it read as another size).
 */
static bool table_level(const mmusim_config *cfg, unsigned level)
{
	const struct paging_consts *pc = &cfg->cfg.pc;

	return level >= 1 && level <= (pc->upper_nr_levels > pc->nr_levels ? pc->upper_nr_levels : pc->nr_levels);
}

void mmusim_pte_describe(const mmusim_config *cfg, uint64_t pte, unsigned level, char *buf, size_t len)
{
	if (len && !table_level(cfg, level))
		buf[0] = '\0';
	else if (len)
		cfg->cfg.arch->describe_pte(&cfg->cfg.pc, &cfg->cfg.cpu, pte, level, buf, len);
}

void mmusim_fault_describe(const mmusim_config *cfg, const mmusim_translation *t, char *buf, size_t len)
{
	struct walk_fault f = {
		.kind = (enum fault_kind)t->fault_kind,
		.reason = (enum fault_reason)t->fault_reason,
		.level = t->fault_level,
		.code = t->fault_code,
	};
	const struct pt_arch *arch = cfg->cfg.arch;

	if (!len)
		return;
	if (t->ok) {
		snprintf(buf, len, "no fault");
		return;
	}
	/* A VM's stage-2 fault is the hypervisor's: ESR_EL2, not the guest's ESR_EL1. */
	if (t->fault_stage2 && cfg->cfg.stage2.arch && cfg->cfg.stage2.arch->describe_stage2_fault)
		cfg->cfg.stage2.arch->describe_stage2_fault(&f, buf, len);
	else
		arch->describe_fault(&f, buf, len);
}

/*
 * The rule with the bits of the faulting entry it found set, where the rule
 * covers several (RISC-V: "A and D are set in a non-leaf PTE, ..."; x86-64:
 * "address bit 47 is set: ..."; AArch64's address size faults); false where
 * the rule's sentence says it all.  The entry is the walk's last step; a
 * VM's stage-2 fault is another format's entry, which the steps do not hold.
 */
static bool reason_with_bits(const mmusim_config *cfg, const mmusim_translation *t, char *buf, size_t len)
{
	const struct pt_arch *arch = cfg->cfg.arch;

	if (t->fault_stage2 || !t->nr_steps || t->nr_steps > MMUSIM_MAX_LEVELS || !arch->reason_bits)
		return false;
	const mmusim_walk_step *s = &t->steps[t->nr_steps - 1];
	if (s->level != t->fault_level || !table_level(cfg, s->level))
		return false;
	if (!arch->reason_bits(&cfg->cfg.pc, (enum fault_reason)t->fault_reason, s->pte, s->level, buf, len)) {
		buf[0] = '\0';
		return false;
	}
	return true;
}

/* Arm ARM D8.2: VA bit 55 picks TTBR0 or TTBR1 (bit 63 would be the top byte, which TBI may ignore). */
enum { ROOT_SELECT_BIT = 55 };

void mmusim_fault_reason_describe(const mmusim_config *cfg, uint64_t va, const mmusim_translation *t, char *buf,
				  size_t len)
{
	const struct machine_config *c = &cfg->cfg;

	if (!len)
		return;
	if (t->ok) {
		snprintf(buf, len, "no fault");
	} else if (t->fault_kind == MMUSIM_FAULT_NON_CANONICAL) {
		bool upper = c->pc.split_halves && (va >> ROOT_SELECT_BIT & 1);
		unsigned aw = c->pc.half_width[upper];
		if (c->pc.split_halves)
			snprintf(buf, len, "the VA is in neither TTBR0's nor TTBR1's range: bits 63:%u (55:%u when the top "
				 "byte is ignored) are not all equal to bit %u", aw, aw, ROOT_SELECT_BIT);
		else if (c->pc.va_sign_ext)
			snprintf(buf, len, "the VA is not canonical: bits 63:%u are not all copies of bit %u", aw, aw - 1);
		else
			snprintf(buf, len, "the VA does not fit %u bits: bits 63:%u are not all 0", aw, aw);
	} else {
		/* A VM's stage-2 fault is about the host's entry, named as the stage-2 format names it. */
		const struct pt_arch *arch = t->fault_stage2 && c->stage2.arch ? c->stage2.arch : c->arch;
		const struct paging_consts *pc = t->fault_stage2 && c->stage2.arch ? &c->stage2.pc : &c->pc;
		const char *entry = t->fault_level && arch->entry_name ? arch->entry_name(pc, t->fault_level) : NULL;
		if (t->fault_reason < 0 || t->fault_reason >= REASON_COUNT)
			snprintf(buf, len, "%s", mmusim_fault_reason_text(t->fault_reason));
		else if (!reason_with_bits(cfg, t, buf, len))
			walk_reason_text_named((enum fault_reason)t->fault_reason, entry, buf, len);
	}
}

uint64_t mmusim_pte_address(const mmusim_config *cfg, uint64_t pte, unsigned level)
{
	if (!table_level(cfg, level))
		return 0;
	return cfg->cfg.arch->hooks->pte_addr(&cfg->cfg.pc, &cfg->cfg.cpu, pte, level);
}

uint64_t mmusim_pte_leaf_frame(const mmusim_config *cfg, uint64_t pte, unsigned level, uint64_t va)
{
	if (!table_level(cfg, level))
		return 0;
	return pt_arch_leaf_frame(cfg->cfg.arch, &cfg->cfg.pc, &cfg->cfg.cpu, pte, level, va);
}

const char *mmusim_config_entry_name(const mmusim_config *cfg, unsigned level)
{
	const struct pt_arch *arch = cfg->cfg.arch;

	return arch->entry_name ? arch->entry_name(&cfg->cfg.pc, level) : "PTE";
}

bool mmusim_pte_present(const mmusim_config *cfg, uint64_t pte)
{
	return cfg->cfg.arch->hooks->is_present(&cfg->cfg.pc, pte);
}

bool mmusim_pte_leaf(const mmusim_config *cfg, uint64_t pte, unsigned level)
{
	const struct machine_config *c = &cfg->cfg;

	if (!table_level(cfg, level))
		return false;
	return c->arch->hooks->is_present(&c->pc, pte) && c->arch->hooks->is_leaf(&c->pc, &c->cpu, pte, level);
}

/*
 * The address bits the hardware takes from an entry: a leaf's frame above
 * its page size (the VA supplies the bits below: SDM tables 4-15..4-20,
 * RISC-V PPN[0] of a megapage), and only bits below MAXPHYADDR (those above
 * are reserved, not address).  None for a leaf at a level that maps no
 * pages (x86 PS in a PML4E: reserved, the walk stops there).
 */
static uint64_t address_bits_used(const struct pt_arch *arch, const struct paging_consts *pc, bool leaf,
				  unsigned level)
{
	if (leaf && level > pt_arch_leaf_top(arch, pc))
		return 0;
	return (leaf ? ~(pc_page_size(pc, level) - 1) : ~(uint64_t)0) &
	       (pc->phys_addr_width < 64 ? (1ull << pc->phys_addr_width) - 1 : ~(uint64_t)0);
}

uint64_t mmusim_pte_address_mask(const mmusim_config *cfg, uint64_t pte, unsigned level)
{
	const struct pt_arch *arch = cfg->cfg.arch;
	const struct paging_consts *pc = &cfg->cfg.pc;
	const struct cpu_ctl *ctl = &cfg->cfg.cpu;
	bool leaf = arch->hooks->is_leaf(pc, ctl, pte, level);
	uint64_t base = arch->hooks->pte_addr(pc, ctl, pte, level), mask = 0;
	uint64_t used;

	if (!table_level(cfg, level))
		return 0;
	used = address_bits_used(arch, pc, leaf, level);
	/* Only the PTE's own bits: a 4-byte entry has no bit 32 to flip. */
	for (unsigned bit = 0; bit < 8 * pc->pte_size && bit < 64; bit++) {
		uint64_t flipped = pte ^ (1ull << bit);
		/* Only bits that keep the entry what it is (present, same kind) can be address bits. */
		if (!arch->hooks->is_present(pc, flipped) || arch->hooks->is_leaf(pc, ctl, flipped, level) != leaf)
			continue;
		if ((arch->hooks->pte_addr(pc, ctl, flipped, level) ^ base) & used)
			mask |= 1ull << bit;
	}
	return mask;
}

uint64_t mmusim_pte_address_field(const mmusim_config *cfg, uint64_t pte, unsigned level)
{
	const struct pt_arch *arch = cfg->cfg.arch;
	const struct paging_consts *pc = &cfg->cfg.pc;
	bool leaf = arch->hooks->is_leaf(pc, &cfg->cfg.cpu, pte, level);

	if (!table_level(cfg, level))
		return 0;
	return arch->hooks->pte_addr(pc, &cfg->cfg.cpu, pte, level) & address_bits_used(arch, pc, leaf, level);
}

uint32_t mmusim_pte_flags(const mmusim_config *cfg, uint64_t pte, unsigned level)
{
	struct page_prop prop;

	if (!table_level(cfg, level))
		return 0;
	cfg->cfg.arch->leaf_prop(&cfg->cfg.pc, pte, level, &prop);
	return prop.flags;
}

const char *mmusim_access_name(enum mmusim_access access)
{
	if ((unsigned)access > MMUSIM_EXEC)
		return "?";
	return access_kind_name((enum access_kind)access);
}

const char *mmusim_priv_name(enum mmusim_priv priv)
{
	if ((unsigned)priv > MMUSIM_SUPERVISOR)
		return "?";
	return privilege_name((enum privilege)priv);
}
