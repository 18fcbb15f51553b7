/* contiguous_runs: marking runs of leaves after an edit (see contiguous_runs.h). */
#include "contiguous_runs.h"

#include "pt_arch.h"

/* The node holding va's entries of `level`, or 0 when the path stops above it. */
static uint64_t node_of(const struct pt_env *env, uint64_t root, uint64_t va, unsigned level)
{
	const struct walk_hooks *hooks = env->arch->hooks;
	const struct paging_consts *pc = env->pc;
	uint64_t node = root;

	for (unsigned l = pc->nr_levels; l > level; l--) {
		uint64_t pte;

		if (pt_mem_read(env->mem, node + (uint64_t)pc_index(pc, va, l) * pc->pte_size, pc->pte_size, &pte) ||
		    !hooks->is_present(pc, pte) || hooks->is_leaf(pc, env->ctl, pte, l))
			return 0;
		node = hooks->pte_addr(pc, env->ctl, pte, l);
	}
	return node;
}

/* Marks or unmarks the run of `level` that starts at base. */
static void refresh_run(const struct pt_env *env, uint64_t root, uint64_t base, unsigned level,
			const struct leaf_run *run)
{
	const struct walk_hooks *hooks = env->arch->hooks;
	const struct paging_consts *pc = env->pc;
	uint64_t size = pc_page_size(pc, level), node = node_of(env, root, base, level), first = 0, oa0 = 0;
	uint64_t slot0 = node + (uint64_t)pc_index(pc, base, level) * pc->pte_size;
	bool whole = true;

	if (!node)
		return;
	for (unsigned i = 0; i < run->entries && whole; i++) {
		uint64_t pte;

		if (pt_mem_read(env->mem, slot0 + (uint64_t)i * pc->pte_size, pc->pte_size, &pte) ||
		    !hooks->is_present(pc, pte) || !hooks->is_leaf(pc, env->ctl, pte, level)) {
			whole = false;
			break;
		}
		if (i == 0) {
			first = pte;
			oa0 = hooks->pte_addr(pc, env->ctl, pte, level);
			whole = (oa0 & (size * run->entries - 1)) == 0;
		} else {
			whole = hooks->pte_addr(pc, env->ctl, pte, level) == oa0 + i * size &&
				env->arch->run_compatible(first, pte);
		}
	}
	for (unsigned i = 0; i < run->entries; i++) {
		uint64_t addr = slot0 + (uint64_t)i * pc->pte_size, pte, want;

		if (pt_mem_read(env->mem, addr, pc->pte_size, &pte) || !hooks->is_present(pc, pte) ||
		    !hooks->is_leaf(pc, env->ctl, pte, level))
			continue;
		want = whole ? pte | run->bit : pte & ~run->bit;
		if (want != pte)
			pt_mem_write(env->mem, addr, pc->pte_size, want);
	}
}

void contiguous_runs_refresh(const struct pt_env *env, uint64_t root, uint64_t first, uint64_t last)
{
	const struct paging_consts *pc = env->pc;
	struct leaf_run run;

	if (!env->arch->leaf_run)
		return;
	for (unsigned level = 1; level <= pc->highest_translation_level; level++) {
		if (!env->arch->leaf_run(pc, level, &run))
			continue;
		uint64_t span = pc_page_size(pc, level) * run.entries;
		for (uint64_t base = first & ~(span - 1);; base += span) {
			refresh_run(env, root, base, level, &run);
			/* Stops at the run holding `last`, also where base + span wraps to 0. */
			if (last - base < span)
				break;
		}
	}
}
