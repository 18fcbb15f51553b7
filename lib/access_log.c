/* access_log: the per-translation records of include/mmusim.h (mmusim_mmu_set_access_log) over sim/replay_log. */
#include "api.h"

#include "sim/cache_hierarchy.h"

API_SAME(MMUSIM_SERVED_L1, DETAIL_L1);
API_SAME(MMUSIM_SERVED_L2, DETAIL_L2);
API_SAME(MMUSIM_SERVED_WALK, DETAIL_WALK);
API_SAME(MMUSIM_SERVED_NONE, DETAIL_NONE);
API_SAME(MMUSIM_REWALK_NONE, REWALK_NONE);
API_SAME(MMUSIM_REWALK_DIRTY, REWALK_DIRTY);
API_SAME(MMUSIM_REWALK_REFUSED, REWALK_REFUSED);
_Static_assert(MMUSIM_MAX_LEVELS == PT_MAX_LEVELS, "a record has room for every level");

/* The replay's record, restated for the caller. */
static void forward(void *arg, const struct access_detail *d)
{
	const struct mmusim_mmu *mmu = arg;
	const struct machine_config *cfg = &mmu->replay.m->cfg;
	mmusim_access_detail out = {
		.index = d->index,
		.cpu = d->cpu,
		.vmid = d->vmid,
		.asid = d->asid,
		.priv = (enum mmusim_priv)d->priv,
		.va = d->va,
		.access = (enum mmusim_access)d->access,
		.served = (enum mmusim_served)d->served,
		.tlb = d->tlb,
		.tlb_name = d->tlb >= 0 ? cfg->tlb[d->tlb].name : NULL,
		.rewalk = (enum mmusim_rewalk)d->rewalk,
		.nr_pwc = d->nr_pwc,
		.nr_ptes = d->nr_ptes,
		.walks = d->walks,
		.pte_reads = d->pte_reads,
		.cycles = d->cycles,
		.set_accessed = d->set_accessed,
		.set_dirty = d->set_dirty,
		.ok = d->ok,
		.pa = d->pa,
		.page_size = d->page_size,
		.fault_kind = (enum mmusim_fault_kind)d->fault,
		.paged_in = d->paged_in,
	};
	for (unsigned i = 0; i < d->nr_pwc; i++) {
		out.pwc[i].level = d->pwc[i].level;
		out.pwc[i].hit = d->pwc[i].hit;
	}
	for (unsigned i = 0; i < d->nr_ptes; i++) {
		out.pte[i].level = d->pte[i].level;
		out.pte[i].addr = d->pte[i].addr;
		out.pte[i].from = cache_level_name((enum cache_level)d->pte[i].from);
	}
	mmu->log_fn(mmu->log_arg, &out);
}

void mmusim_mmu_set_access_log(mmusim_mmu *mmu, mmusim_access_log_fn fn, void *arg)
{
	mmu->log_fn = fn;
	mmu->log_arg = arg;
	replay_log_set(&mmu->replay, fn ? forward : NULL, mmu);
}

void mmusim_mmu_log_access_json(mmusim_mmu *mmu, FILE *f)
{
	mmu->log_fn = NULL;
	mmu->replay.opt.log_out = f;
	replay_log_set(&mmu->replay, f ? replay_log_json : NULL, &mmu->replay);
}
