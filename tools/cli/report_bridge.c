/*
 * report_bridge: the replay report for commands whose replay is not yet on the
 * public API (run, sweep, report --html) — their internal replay's counters as
 * the replay_summary that report.c prints.
 */
#include "cli.h"

#include <string.h>

#include "explain_text.h"
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

void explain_write_internal(FILE *out, const char *config, const struct walk_request *req,
			    const struct walk_result *res, const struct palette *pal)
{
	mmusim_request pub_req = {
		.va = req->va,
		.access = (enum mmusim_access)req->access,
		.priv = (enum mmusim_priv)req->priv,
		.smap_ac = req->smap_ac,
		.no_ad_update = req->no_ad_update,
	};
	mmusim_translation t = {
		.ok = res->ok,
		.pa = res->pa,
		.level = res->level,
		.page_size = res->page_size,
		.perms = res->perms,
		.leaf_pte = res->leaf_pte,
		.fault_kind = (enum mmusim_fault_kind)res->fault.kind,
		.fault_level = res->fault.level,
		.fault_code = res->fault.code,
		.fault_reason = (int)res->fault.reason,
		.nr_steps = res->nr_steps,
	};
	mmusim_config *cfg;

	/* The view was built from this config a moment ago: it loads again. */
	if (mmusim_config_load(config, &cfg, NULL))
		return;
	for (unsigned i = 0; i < res->nr_steps && i < MMUSIM_MAX_LEVELS; i++)
		t.steps[i] = (mmusim_walk_step){ .level = res->steps[i].level, .table = res->steps[i].table,
						 .index = res->steps[i].index, .pte_addr = res->steps[i].pte_addr,
						 .pte = res->steps[i].pte };
	explain_write(out, cfg, &pub_req, req->root, &t, pal);
	mmusim_config_free(cfg);
}
