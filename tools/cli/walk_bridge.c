/*
 * walk_bridge: the explain texts and the tree for report --html, whose walks are
 * not yet on the public API — turns the walker's
 * request, result and memory into the public ones and loads the config again by the name the
 * command was given, as the machine's was.
 */
#include "cli.h"

#include "explain_text.h"
#include "tree.h"

static void to_public(const struct walk_request *req, const struct walk_result *res, mmusim_request *pub_req,
		      mmusim_translation *t)
{
	*pub_req = (mmusim_request){
		.va = req->va,
		.access = (enum mmusim_access)req->access,
		.priv = (enum mmusim_priv)req->priv,
		.smap_ac = req->smap_ac,
		.no_ad_update = req->no_ad_update,
	};
	*t = (mmusim_translation){
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
	for (unsigned i = 0; i < res->nr_steps && i < MMUSIM_MAX_LEVELS; i++)
		t->steps[i] = (mmusim_walk_step){ .level = res->steps[i].level, .table = res->steps[i].table,
						  .index = res->steps[i].index, .pte_addr = res->steps[i].pte_addr,
						  .pte = res->steps[i].pte };
}

struct walk_request walk_request_from_public(const mmusim_request *req, uint64_t root, uint64_t va)
{
	return (struct walk_request){
		.root = root,
		.va = va,
		.access = (enum access_kind)req->access,
		.priv = (enum privilege)req->priv,
		.smap_ac = req->smap_ac,
		.no_ad_update = true,
	};
}

void walk_to_public(const struct walker *w, const struct walk_request *req, mmusim_translation *out)
{
	struct walk_result res;
	mmusim_request ignored;

	walk(w, req, &res);
	to_public(req, &res, &ignored, out);
}

static int read_walker_mem(void *ctx, uint64_t pa, unsigned size, uint64_t *val)
{
	const struct walker *w = ctx;
	return pt_mem_read(w->mem, pa, size, val) == MM_OK ? MMUSIM_OK : MMUSIM_EBUS;
}

int tree_build_internal(struct tree *t, const mmusim_config *cfg, const struct walker *w, uint64_t root,
			const struct tree_options *opt, mmusim_error *err)
{
	return tree_build(t, cfg, read_walker_mem, (void *)w, root, opt, err);
}

void explain_write_internal(FILE *out, const char *config, const struct walk_request *req,
			    const struct walk_result *res, const struct palette *pal)
{
	mmusim_request pub_req;
	mmusim_translation t;
	mmusim_config *cfg;

	if (mmusim_config_load(config, &cfg, NULL))
		return;
	to_public(req, res, &pub_req, &t);
	explain_write(out, cfg, &pub_req, req->root, &t, pal);
	mmusim_config_free(cfg);
}
