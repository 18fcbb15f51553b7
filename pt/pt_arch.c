/*
 * pt_arch: the list of page-table formats, and what generic code asks of a
 * format's descriptor as a whole.
 */
#include "pt_arch.h"

#include <stdio.h>
#include <string.h>

#include "text_buf.h"

/* Every format, in the order messages list them.  A new format is added here. */
static const struct pt_arch *const all[] = { &pt_arch_x86_64, &pt_arch_riscv64, &pt_arch_riscv32,
					       &pt_arch_riscv64x4, &pt_arch_ept, &pt_arch_x86_32, &pt_arch_aarch64,
					       &pt_arch_aarch64_stage2, &pt_arch_toy };
#define NR_ARCHS (sizeof(all) / sizeof(all[0]))

const struct pt_arch *pt_arch_find(const char *name)
{
	for (size_t i = 0; i < NR_ARCHS; i++)
		if (strcmp(all[i]->name, name) == 0)
			return all[i];
	return NULL;
}

void pt_arch_names(char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NR_ARCHS; i++)
		text_put_listed(buf, len, &n, i, NR_ARCHS, all[i]->name);
}

uint64_t pt_arch_root_reg(const struct pt_arch *arch, const struct paging_consts *pc, const struct cpu_ctl *ctl,
			  uint64_t root, uint16_t asid)
{
	return arch->encode_root_reg(pc, root, asid) | (arch->root_reg_ctl_bits ? arch->root_reg_ctl_bits(ctl) : 0);
}

int pt_arch_check_va_fits(const struct pt_arch *arch, uint64_t va, struct mm_error *err)
{
	if (arch->address_bits && arch->address_bits < 64 && va >> arch->address_bits)
		return mm_error_set(err, MM_ERANGE, "VA 0x%llx is out of range: %s addresses are %u bits",
				    (unsigned long long)va, arch->name, arch->address_bits);
	return MM_OK;
}

const char *pt_arch_stage2_register(const struct pt_arch *stage2)
{
	return stage2->stage2_root_register ? stage2->stage2_root_register : stage2->root_register;
}

void pt_arch_guest_register(const struct pt_arch *stage2, const struct pt_arch *guest, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", stage2->stage2_guest_register_prefix ? stage2->stage2_guest_register_prefix : "",
		 guest->root_register);
}

void pt_arch_stage2_names(char *buf, size_t len)
{
	size_t n = 0, count = 0, k = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NR_ARCHS; i++)
		count += all[i]->stage2_report != NULL;
	for (size_t i = 0; i < NR_ARCHS; i++)
		if (all[i]->stage2_report)
			text_put_listed(buf, len, &n, k++, count, all[i]->name);
}

const struct pt_arch *pt_arch_layout_from_config(void)
{
	for (size_t i = 0; i < NR_ARCHS; i++)
		if (all[i]->layout_from_config)
			return all[i];
	return NULL;
}

bool pt_arch_any_cpu_key(const char *name)
{
	for (size_t i = 0; i < NR_ARCHS; i++)
		if (cpu_key_find(all[i]->cpu_keys, name))
			return true;
	return false;
}

int pt_arch_check_consts(const struct pt_arch *arch, const struct paging_consts *pc, struct mm_error *err)
{
	const struct pt_geometry *g = arch->geom;
	const char *title = g->title ? g->title : arch->name;

	if ((g->page_shift && pc->page_shift != g->page_shift) || (g->pte_size && pc->pte_size != g->pte_size)) {
		if (!g->page_shift)
			return mm_error_set(err, MM_EINVAL, "%s needs pte_size %u", title, g->pte_size);
		return mm_error_set(err, MM_EINVAL, "%s needs base_page_size %llu and pte_size %u", title,
				    1ull << g->page_shift, g->pte_size);
	}
	if ((g->min_levels && pc->nr_levels < g->min_levels) || (g->max_levels && pc->nr_levels > g->max_levels))
		return mm_error_set(err, MM_EINVAL, "%s paging has %s levels, not %u", title, g->levels_text,
				    pc->nr_levels);
	if (g->va == VA_EXT_SIGN && !pc->va_sign_ext)
		return mm_error_set(err, MM_EINVAL, "%s %s are sign-extended (va_sign_ext: true)", title,
				    g->va_noun ? g->va_noun : "addresses");
	if (g->va == VA_EXT_ZERO && pc->va_sign_ext)
		return mm_error_set(err, MM_EINVAL, "%s %s are %u bits, not sign-extended (va_sign_ext: false)",
				    title, g->va_noun ? g->va_noun : "addresses", pc->address_width);
	return arch->check_limits ? arch->check_limits(pc, err) : MM_OK;
}

uint64_t pt_arch_leaf_frame(const struct pt_arch *arch, const struct paging_consts *pc, const struct cpu_ctl *ctl,
			    uint64_t pte, unsigned level, uint64_t va)
{
	if (arch->leaf_frame)
		return arch->leaf_frame(pc, pte, level, va);
	return arch->hooks->pte_addr(pc, ctl, pte, level) & ~(pc_page_size(pc, level) - 1);
}

unsigned pt_arch_leaf_top(const struct pt_arch *arch, const struct paging_consts *pc)
{
	return arch->leaf_top ? arch->leaf_top(pc) : pc->highest_translation_level;
}

uint64_t pt_arch_span_shift_mask(const struct pt_arch *arch, const struct paging_consts *pc)
{
	uint64_t mask = 0;
	struct leaf_run run;

	for (unsigned level = 1; arch->leaf_run && level <= pc->highest_translation_level; level++)
		if (arch->leaf_run(pc, level, &run))
			mask |= pc_page_size(pc, level) * run.entries;
	return mask;
}

bool pt_arch_hw_sets_dirty(const struct pt_arch *arch, const struct cpu_ctl *ctl)
{
	return arch->hw_sets_dirty ? arch->hw_sets_dirty(ctl) : ctl->ad != AD_SVADE;
}

int pt_arch_fit_prop(const struct pt_arch *arch, struct page_prop *p, const struct cpu_ctl *ctl,
		     struct mm_error *err)
{
	if (arch->fit_prop)
		arch->fit_prop(p, ctl);
	return arch->check_prop ? arch->check_prop(p, ctl, err) : MM_OK;
}
