/* replay_log: the per-translation log (see replay_log.h). */
#include "replay_log.h"

#include "sim/replay.h"

void replay_log_set(struct replay *r, access_log_fn fn, void *arg)
{
	struct replay_log *l = &r->log;

	l->fn = fn;
	l->arg = arg;
	l->index = 0;
	l->cycles = r->mmu.stats.cycles;
	l->walks = r->mmu.stats.walks;
	l->pte_reads = r->mmu.stats.pte_reads;
	access_detail_clear(&l->d);
	r->mmu.detail = fn ? &l->d : NULL;
	/* Every translation goes through access_after, where its record is written. */
	replay_look_after_accesses(r);
}

void replay_log_stats_reset(struct replay_log *l)
{
	l->cycles = l->walks = l->pte_reads = 0;
}

/* The index in the config's tlb list of the array d's translation hit, or -1. */
static int hit_tlb(const struct mmu *mmu, const struct access_detail *d)
{
	const struct mmu_cpu *c = mmu->cur;
	const struct tlb *hit = d->hit;

	if ((d->served == DETAIL_WALK && d->rewalk == REWALK_NONE) || d->served == DETAIL_NONE)
		return -1;
	if (!hit) /* the hit path's: the level-1 first array, untouched record */
		hit = c->l1_first[lookup_kind_of(d->access)];
	for (unsigned i = 0; i < mmu->m->cfg.nr_tlb; i++)
		if (hit && c->tlb[i] == hit)
			return (int)i;
	return -1;
}

void replay_log_access(struct replay *r, uint64_t va, enum access_kind access, const struct mmu_result *res,
		       bool mmu_ok)
{
	struct replay_log *l = &r->log;
	struct access_detail *d = &l->d;
	const struct mmu_stats *s = &r->mmu.stats;
	const struct mmu_cpu *c = r->mmu.cur;

	d->index = l->index++;
	for (d->cpu = 0; d->cpu < r->mmu.nr_cpus && r->mmu.cpus[d->cpu] != c; d->cpu++)
		;
	d->asid = c->asid;
	d->vmid = c->vmid;
	d->priv = c->priv;
	d->va = va;
	d->access = access;
	d->ok = res->ok;
	d->pa = res->ok ? res->pa : 0;
	d->page_size = res->ok ? mmu_result_page_size(res) : 0;
	d->fault = res->ok ? FAULT_NONE : res->fault.kind;
	d->paged_in = !mmu_ok && res->ok;
	d->cycles = s->cycles - l->cycles;
	d->walks = s->walks - l->walks;
	d->pte_reads = s->pte_reads - l->pte_reads;
	d->tlb = hit_tlb(&r->mmu, d);
	l->cycles = s->cycles;
	l->walks = s->walks;
	l->pte_reads = s->pte_reads;
	l->fn(l->arg, d);
	access_detail_clear(d);
}

void replay_log_json(void *replay, const struct access_detail *d)
{
	const struct replay *r = replay;

	access_detail_write_json(r->opt.log_out, &r->m->cfg, d);
}
