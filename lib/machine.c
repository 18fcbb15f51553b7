/*
 * machine: the public face of sim/machine and sim/physmem — a machine's
 * physical memory and the page tables of its address spaces.
 */
#include "api.h"

#include <stdlib.h>

#include "pt/page_prop.h"
#include "pt/page_table.h"
#include "sim/physmem.h"
#include "sim/trace_text.h"

_Static_assert(MMUSIM_PROP_AVAIL2 == (int)PROP_AVAIL2 && MMUSIM_PROP_R == (int)PROP_R,
	       "page flags agree");
_Static_assert(MMUSIM_CACHE_WP == (int)CACHE_WP, "cache policies agree");
_Static_assert(MMUSIM_PERM_G == (int)PERM_G, "permission bits agree");

int mmusim_machine_create(const mmusim_config *cfg, mmusim_machine **out, mmusim_error *err)
{
	struct mm_error e = { 0 };
	struct mmusim_machine *mm = calloc(1, sizeof(*mm));

	*out = NULL;
	if (!mm)
		return api_error(err, &(struct mm_error){ MM_ENOMEM, "out of host memory" });
	mm->config = *cfg;
	if (machine_create(&mm->config.cfg, &mm->m, &e)) {
		free(mm);
		return api_error(err, &e);
	}
	*out = mm;
	return MMUSIM_OK;
}

void mmusim_machine_destroy(mmusim_machine *m)
{
	if (!m)
		return;
	machine_destroy(m->m);
	free(m);
}

const mmusim_config *mmusim_machine_config(const mmusim_machine *m)
{
	return &m->config;
}

int mmusim_mem_read(mmusim_machine *m, uint64_t pa, unsigned size, uint64_t *val)
{
	return physmem_read(m->m->pm, pa, size, val);
}

int mmusim_mem_write(mmusim_machine *m, uint64_t pa, unsigned size, uint64_t val)
{
	return physmem_write(m->m->pm, pa, size, val);
}

int mmusim_mem_alloc(mmusim_machine *m, uint64_t size, uint64_t align, uint64_t *pa, mmusim_error *err)
{
	struct mm_error e = { 0 };

	if (physmem_alloc_data(m->m->pm, size, align, pa, &e))
		return api_error(err, &e);
	return MMUSIM_OK;
}

int mmusim_parse_flags(const char *letters, uint32_t *flags, mmusim_error *err)
{
	struct mm_error e = { 0 };
	struct page_prop prop = { 0, CACHE_WB };

	if (trace_parse_flags(letters, &prop, &e))
		return api_error(err, &e);
	*flags = prop.flags;
	return MMUSIM_OK;
}

static int edit_result(int rc, const struct mm_error *e, mmusim_error *err)
{
	return rc ? api_error(err, e) : MMUSIM_OK;
}

int mmusim_map(mmusim_machine *m, uint64_t va, uint64_t pa, uint64_t len, uint32_t flags,
	       enum mmusim_cache cache, mmusim_error *err)
{
	struct mm_error e = { 0 };
	struct page_prop prop = { flags, (enum cache_policy)cache };

	return edit_result(machine_map(m->m, va, pa, len, &prop, &e), &e, err);
}

int mmusim_unmap(mmusim_machine *m, uint64_t va, uint64_t len, mmusim_error *err)
{
	struct mm_error e = { 0 };

	return edit_result(machine_unmap(m->m, va, len, &e), &e, err);
}

int mmusim_protect(mmusim_machine *m, uint64_t va, uint64_t len, uint32_t flags,
		   enum mmusim_cache cache, mmusim_error *err)
{
	struct mm_error e = { 0 };
	struct page_prop prop = { flags, (enum cache_policy)cache };

	return edit_result(machine_protect(m->m, va, len, &prop, &e), &e, err);
}

static void mapping_to_public(const struct pt_mapping *in, mmusim_mapping *out)
{
	out->va = in->va;
	out->pa = in->pa;
	out->size = in->size;
	out->level = in->level;
	out->pte = in->pte;
	out->flags = in->prop.flags;
	out->cache = (enum mmusim_cache)in->prop.cache;
	out->perms = in->perms;
}

bool mmusim_query(mmusim_machine *m, uint64_t va, mmusim_mapping *out)
{
	struct pt_mapping map;

	if (!pt_query(m->m->user, va, &map))
		return false;
	mapping_to_public(&map, out);
	return true;
}

struct for_each_ctx {
	int (*fn)(void *arg, const mmusim_mapping *map);
	void *arg;
};

static int forward_leaf(void *arg, const struct pt_mapping *in)
{
	const struct for_each_ctx *ctx = arg;
	mmusim_mapping map;

	mapping_to_public(in, &map);
	return ctx->fn(ctx->arg, &map);
}

int mmusim_for_each_mapping(mmusim_machine *m, int (*fn)(void *arg, const mmusim_mapping *map),
			    void *arg)
{
	struct for_each_ctx ctx = { fn, arg };

	/* The user table holds the kernel's top-level entries too: one pass sees both halves. */
	return pt_for_each(m->m->user, forward_leaf, &ctx);
}

int mmusim_switch_asid(mmusim_machine *m, uint16_t asid, mmusim_error *err)
{
	struct mm_error e = { 0 };

	return edit_result(machine_switch(m->m, asid, &e), &e, err);
}

uint16_t mmusim_current_asid(const mmusim_machine *m)
{
	return m->m->asid;
}

uint64_t mmusim_root(const mmusim_machine *m)
{
	return machine_root(m->m);
}

uint64_t mmusim_nr_nodes(const mmusim_machine *m)
{
	return machine_nr_nodes(m->m);
}
