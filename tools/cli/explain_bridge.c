/*
 * explain_bridge: --explain for commands already on the public API, until
 * explain.c itself moves onto it — turns a public request and translation back
 * into the walker's own and hands them to explain_walk.
 */
#include "cli.h"

#include "pt/page_prop.h"
#include "pt/pt_arch.h"

int explain_translation(FILE *out, const struct cli *cli, const mmusim_request *req,
			const mmusim_translation *t)
{
	struct machine_config cfg;
	struct mm_error err = { 0 };
	struct walk_request wr = {
		.va = req->va,
		.access = (enum access_kind)req->access,
		.priv = (enum privilege)req->priv,
		.smap_ac = req->smap_ac,
		.no_ad_update = req->no_ad_update,
	};
	struct walk_result res = {
		.ok = t->ok,
		.pa = t->pa,
		.level = t->level,
		.page_size = t->page_size,
		.perms = t->perms,
		.leaf_pte = t->leaf_pte,
		.nr_steps = t->nr_steps,
		.fault = {
			.kind = (enum fault_kind)t->fault_kind,
			.reason = (enum fault_reason)t->fault_reason,
			.level = t->fault_level,
			.code = t->fault_code,
		},
	};

	/* The machine was built from this config a moment ago: it loads again. */
	if (config_load(cli->config ? cli->config : "x86_64", &cfg, &err))
		return cli_fail(&err);
	for (unsigned i = 0; i < t->nr_steps && i < PT_MAX_LEVELS; i++)
		res.steps[i] = (struct walk_step){ .level = t->steps[i].level, .table = t->steps[i].table,
						   .index = t->steps[i].index, .pte_addr = t->steps[i].pte_addr,
						   .pte = t->steps[i].pte };
	if (t->ok && t->nr_steps) {
		/* Which of A and D the walk set: the leaf before (as read) and after. */
		struct page_prop before, after;
		cfg.arch->leaf_prop(&cfg.pc, t->steps[t->nr_steps - 1].pte, t->level, &before);
		cfg.arch->leaf_prop(&cfg.pc, t->leaf_pte, t->level, &after);
		res.set_accessed = (after.flags & PROP_A) && !(before.flags & PROP_A);
		res.set_dirty = (after.flags & PROP_D) && !(before.flags & PROP_D);
	}
	explain_walk(out, &cfg, &wr, &res);
	return EXIT_OK;
}
