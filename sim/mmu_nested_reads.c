/* mmu_nested_reads: a 2-D walk's reads through the data caches and into the log (see mmu_nested_reads.h). */
#include "mmu_nested_reads.h"

#include "sim/access_detail.h"
#include "sim/machine.h"

/* The record's VM part: the stage-2 reads, and each guest step's host PA and where it was served. */
static void note(struct access_detail *d, const struct nested_result *grid, const struct nested_read *reads,
		 unsigned nr, const enum cache_level *from, enum cache_level *where)
{
	unsigned next = 0; /* the guest reads, in step order */

	d->vm = true;
	d->nr_stage2 = 0;
	for (unsigned i = 0; i < nr; i++) {
		if (!reads[i].stage2)
			continue;
		d->stage2[d->nr_stage2].guest_level = reads[i].guest_level;
		d->stage2[d->nr_stage2].level = reads[i].level;
		d->stage2[d->nr_stage2].addr = reads[i].hpa;
		d->stage2[d->nr_stage2++].from = (uint8_t)(from ? from[i] : CACHE_MEMORY);
	}
	for (unsigned s = 0; s < grid->stage1.nr_steps; s++) {
		d->pte[s].has_hpa = false;
		where[s] = CACHE_MEMORY;
		while (next < nr && reads[next].stage2)
			next++;
		/* A step whose GPA stage 2 refused has no read. */
		if (next < nr && reads[next].gpa == grid->stage1.steps[s].pte_addr) {
			d->pte[s].has_hpa = true;
			d->pte[s].hpa = reads[next].hpa;
			where[s] = from ? from[next] : CACHE_MEMORY;
			next++;
		}
	}
}

uint64_t mmu_nested_reads(struct mmu *mmu, struct mmu_cpu *c, const struct nested_result *grid, uint64_t flat_cost,
			  enum cache_level *where)
{
	struct nested_read reads[NESTED_MAX_READS];
	enum cache_level from[NESTED_MAX_READS];
	unsigned nr = nested_reads(grid, mmu->m->cfg.pc.nr_levels, reads);
	uint64_t cost = flat_cost;

	if (c->dcache)
		cost = cache_hierarchy_nested_walk(mmu->caches, c->dcache, reads, nr, from);
	if (mmu->detail)
		note(mmu->detail, grid, reads, nr, c->dcache ? from : NULL, where);
	return cost;
}
