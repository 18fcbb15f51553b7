/*
 * report_bridge: the replay report for commands whose replay is not yet on the
 * public API (run, sweep, report --html) — their internal replay's counters as
 * the replay_summary that report.c prints.
 */
#include "cli.h"

#include <string.h>

#include "sim/tlb.h"

static void cache_from_internal(const struct replay *r, const struct tlb_config *tc, unsigned idx, bool pwc,
				mmusim_cache_stats *out)
{
	struct tlb_stats t;

	replay_tlb_totals(r, idx, pwc, &t);
	*out = (mmusim_cache_stats){ .name = pwc ? NULL : tc->name, .level = tc->level, .entries = tc->entries,
				     .ways = tc->ways, .hits = t.hits, .misses = t.misses, .evictions = t.evictions };
	memcpy(out->hits_by_page_shift, t.hits_by_shift, sizeof(out->hits_by_page_shift));
}

void replay_report(FILE *out, bool json, const struct replay *r, const struct replay_report_info *info)
{
	const struct mmu_stats *s = &r->mmu.stats;
	const struct machine_config *cfg = &r->m->cfg;
	struct replay_summary sum = { .config = cfg->name, .check_stale = r->opt.check_stale };
	mmusim_stats *o = &sum.stats;

	memcpy(o->accesses, s->accesses, sizeof(o->accesses));
	o->walks = s->walks;
	memcpy(o->walks_by_page_shift, s->walks_by_shift, sizeof(o->walks_by_page_shift));
	o->pte_reads = s->pte_reads;
	for (unsigned k = 0; k < MMUSIM_FAULT_KIND_COUNT; k++)
		o->faults[k] = s->faults[k];
	o->demand_paged = s->demand_paged;
	o->shootdowns = s->shootdowns;
	o->stale_hits = s->stale_hits;
	o->dirty_rewalks = s->dirty_rewalks;
	o->cycles = s->cycles;
	o->page_table_nodes = machine_nr_nodes(r->m);
	o->page_table_bytes = o->page_table_nodes * cfg->pc.base_page_size;
	for (unsigned i = 0; i < cfg->nr_tlb && i < REPLAY_SUMMARY_MAX_TLBS; i++)
		cache_from_internal(r, &cfg->tlb[i], i, false, &sum.tlb[sum.nr_tlbs++]);
	for (unsigned i = 0; i < cfg->nr_pwc && i < MMUSIM_MAX_LEVELS; i++)
		cache_from_internal(r, &cfg->pwc[i], i, true, &sum.pwc[sum.nr_pwcs++]);
	replay_summary_report(out, json, &sum, info);
}
