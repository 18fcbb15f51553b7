/* contiguous_runs: marking runs of leaves after an edit (see contiguous_runs.h). */
#include "contiguous_runs.h"

#include "pt_arch.h"

/*
 * The node holding va's entries of `level`, or 0 when the path stops above it
 * (nothing there, or a larger leaf): then *stop is the level where it stopped,
 * whose whole entry holds no run of `level`.
 */
static uint64_t node_of(const struct pt_env *env, uint64_t root, uint64_t va, unsigned level, unsigned *stop)
{
	const struct walk_hooks *hooks = env->arch->hooks;
	const struct paging_consts *pc = env->pc;
	uint64_t node = root;

	for (unsigned l = pc->nr_levels; l > level; l--) {
		uint64_t pte;

		*stop = l;
		if (pt_mem_read(env->mem, node + (uint64_t)pc_index(pc, va, l) * pc->pte_size, pc->pte_size, &pte) ||
		    !hooks->is_present(pc, pte) || hooks->is_leaf(pc, env->ctl, pte, l))
			return 0;
		node = hooks->pte_addr(pc, env->ctl, pte, l);
	}
	return node;
}

/*
 * Marks or unmarks the run of `level` that starts at base.  Returns the span
 * it covered: the run's, or where the path stops above `level`, that whole
 * entry's, so that an edit of a vast empty range costs a few reads.
 */
static uint64_t refresh_run(const struct pt_env *env, uint64_t root, uint64_t base, unsigned level,
			    const struct leaf_run *run)
{
	const struct walk_hooks *hooks = env->arch->hooks;
	const struct paging_consts *pc = env->pc;
	unsigned stop = level, entries = run->entries < LEAF_RUN_MAX_ENTRIES ? run->entries : LEAF_RUN_MAX_ENTRIES;
	uint64_t size = pc_page_size(pc, level), node = node_of(env, root, base, level, &stop), oa0 = 0;
	uint64_t slot0 = node + (uint64_t)pc_index(pc, base, level) * pc->pte_size;
	uint64_t pte[LEAF_RUN_MAX_ENTRIES];
	bool leaf[LEAF_RUN_MAX_ENTRIES], whole = entries == run->entries;

	if (!node)
		return pc_page_size(pc, stop);
	/* Each entry is read once; the run is judged whole before any entry is rewritten. */
	for (unsigned i = 0; i < entries; i++) {
		leaf[i] = pt_mem_read(env->mem, slot0 + (uint64_t)i * pc->pte_size, pc->pte_size, &pte[i]) == MM_OK &&
			  hooks->is_present(pc, pte[i]) && hooks->is_leaf(pc, env->ctl, pte[i], level);
		if (!whole || !leaf[i]) {
			whole = false;
			continue;
		}
		uint64_t oa = hooks->pte_addr(pc, env->ctl, pte[i], level);
		if (i == 0)
			oa0 = oa;
		whole = i == 0 ? (oa & (size * run->entries - 1)) == 0
			       : oa == oa0 + i * size && env->arch->run_compatible(pte[0], pte[i]);
	}
	for (unsigned i = 0; i < entries; i++) {
		if (!leaf[i])
			continue;
		uint64_t want = whole ? pte[i] | run->bit : pte[i] & ~run->bit;
		if (want != pte[i])
			pt_mem_write(env->mem, slot0 + (uint64_t)i * pc->pte_size, pc->pte_size, want);
	}
	return size * run->entries;
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
		for (uint64_t base = first & ~(span - 1);;) {
			/* The end of the aligned span refresh_run covered; stops at the one holding `last`. */
			uint64_t end = base | (refresh_run(env, root, base, level, &run) - 1);
			if (end >= last)
				break;
			base = end + 1;
		}
	}
}
