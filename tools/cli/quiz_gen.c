/*
 * quiz_gen: the generator (see quiz_gen.h).
 *
 * Layout of the address space it builds, by VA index per level: the top
 * index comes from the user range, the indices between the top and level 2
 * are one random path (so every mapping shares those nodes), base pages sit
 * under two level-2 indices A and B, and the huge page (when the format maps
 * level-2 leaves) under a third index C.  "Not present at the last level"
 * questions use a free level-1 slot under A; "not present higher up" ones a
 * free level-2 index.  With a single level, the top index is the page.
 *
 * A format with a root per VA half (AArch64: TTBR0 the user table, TTBR1 the
 * kernel's) puts the supervisor-only page in the upper half, under a top
 * index from the kernel range and the same indices below: two roots to walk
 * from.  Where the walk refuses pages whose accessed flag is clear (Arm with
 * TCR.HA=0, RISC-V Svade), every mapping is made accessed but one extra page,
 * which "access flag" questions ask about.
 */
#include "quiz_gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canonical_va.h"
#include "cli_errors.h"
#include "size_text.h"

/* splitmix64 (Steele, Lea, Flood 2014): tiny, and the same stream everywhere. */
struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0 (the modulo bias is irrelevant at these sizes). */
static uint64_t rng_below(struct rng *r, uint64_t n)
{
	return rng_next(r) % n;
}

static void shuffle(struct rng *r, unsigned *v, unsigned n)
{
	for (unsigned i = n; i > 1; i--) {
		unsigned j = (unsigned)rng_below(r, i), t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

struct gen {
	struct quiz *quiz;
	const mmusim_config *cfg;
	const struct quiz_params *p;
	struct rng rng;
	unsigned nr_levels, nr_entries;
	unsigned idx[MMUSIM_MAX_LEVELS + 1];  /* the shared path: indices above level 2 */
	bool split;                       /* split roots: the supervisor page in the upper half */
	unsigned kernel_top;              /* its top-level index there */
	unsigned a, b, c;                 /* level-2 indices: base pages, huge page */
	unsigned leaf[QUIZ_MAX_LEAF_NODES]; /* level-2 indices of the base pages' nodes (a, b, ...) */
	unsigned nr_leaf, per_leaf;       /* with --valid-share: per_leaf pages in each */
	bool has_huge;
	unsigned huge_map;                /* index in quiz.maps of the huge page, when has_huge */
	bool flag_faults;                 /* the walk refuses pages with the accessed flag clear */
	unsigned flag_map;                /* index of the one page left so, when flag_faults */
	unsigned used_l1[QUIZ_MAX_MAPPINGS]; /* level-1 indices taken (under any of the nodes) */
	unsigned nr_used;
};

static uint64_t va_of(const struct gen *g, unsigned l2, unsigned l1)
{
	uint64_t va = 0;

	for (unsigned level = g->nr_levels; level > 2; level--)
		va |= (uint64_t)g->idx[level] << mmusim_config_index_shift(g->cfg, level);
	if (g->nr_levels >= 2)
		va |= (uint64_t)l2 << mmusim_config_index_shift(g->cfg, 2);
	va |= (uint64_t)l1 << mmusim_config_index_shift(g->cfg, 1);
	return canonical_va_in_half(g->cfg, va, false);
}

/*
 * va_of's VA moved to the upper half's table, under the kernel's top index:
 * its indices below that table's top level kept (the upper half may have
 * more or fewer levels than the lower: T1SZ != T0SZ).
 */
static uint64_t upper_va(const struct gen *g, uint64_t va)
{
	unsigned top_shift = mmusim_config_index_shift(g->cfg, mmusim_config_half_levels(g->cfg, true));
	uint64_t below_top = va & ((1ull << top_shift) - 1);

	return canonical_va_in_half(g->cfg, below_top | (uint64_t)g->kernel_top << top_shift, true);
}

/* A random index for the level below the top, or in the user range at the top. */
static unsigned pick_index(struct gen *g, unsigned level)
{
	unsigned start, end;

	mmusim_config_user_top_range(g->cfg, &start, &end);
	if (level == g->nr_levels)
		return start + (unsigned)rng_below(&g->rng, end - start);
	return (unsigned)rng_below(&g->rng, g->nr_entries);
}

/* A random PA for a page of `size` bytes inside the machine's memory. */
static uint64_t pick_pa(struct gen *g, uint64_t size)
{
	return mmusim_config_memory_base(g->cfg) + rng_below(&g->rng, mmusim_config_memory_size(g->cfg) / size) * size;
}

static bool l1_used(const struct gen *g, unsigned i)
{
	for (unsigned k = 0; k < g->nr_used; k++)
		if (g->used_l1[k] == i)
			return true;
	return false;
}

static int add_mapping(struct gen *g, uint64_t va, uint64_t pa, uint64_t size, const char *flags,
		       mmusim_error *err)
{
	struct quiz *q = g->quiz;
	struct quiz_mapping *m = &q->maps[q->nr_maps];
	int rc;

	m->va = va;
	m->pa = pa;
	m->size = size;
	m->flags = 0;
	for (const char *f = flags; *f; f++)
		m->flags |= *f == 'r' ? MMUSIM_PROP_R : *f == 'w' ? MMUSIM_PROP_W : *f == 'x' ? MMUSIM_PROP_X
			  : *f == 'a' ? MMUSIM_PROP_A : MMUSIM_PROP_U;
	if ((rc = mmusim_map(q->m, va, pa, size, m->flags, MMUSIM_CACHE_WB, err)))
		return rc;
	q->nr_maps++;
	return MMUSIM_OK;
}

static bool is_leaf_node(const struct gen *g, unsigned l2)
{
	for (unsigned k = 0; k < g->nr_leaf; k++)
		if (g->leaf[k] == l2)
			return true;
	return false;
}

/* One of each: user read-only, user read-write, user executable, supervisor read-write. */
static const char *const flag_sets[] = { "ru", "rwu", "rxu", "rw" };

static int build_space(struct gen *g, mmusim_error *err)
{
	const char *const *flags = flag_sets;
	uint64_t base_page = mmusim_config_page_size(g->cfg);
	unsigned order[4] = { 0, 1, 2, 3 };
	unsigned n = g->nr_levels >= 2 ? g->nr_entries : 0;
	int rc;

	for (unsigned level = g->nr_levels; level > 2; level--)
		g->idx[level] = pick_index(g, level);
	if (g->nr_levels >= 2 && !g->per_leaf) {
		g->a = pick_index(g, 2);
		do g->b = pick_index(g, 2); while (g->b == g->a && n > 1);
		g->leaf[0] = g->a;
		g->leaf[1] = g->b;
		g->nr_leaf = 2;
	} else if (g->nr_levels >= 2) {
		for (unsigned k = 0; k < g->nr_leaf; k++) {
			unsigned l2;
			do l2 = pick_index(g, 2); while (is_leaf_node(g, l2));
			g->leaf[k] = l2;
		}
		g->a = g->leaf[0];
		g->b = g->leaf[g->nr_leaf > 1];
	}
	if (g->nr_levels >= 2) {
		g->has_huge = mmusim_config_leaf_size(g->cfg, 2) != 0 && !g->p->no_huge;
		do g->c = pick_index(g, 2); while (is_leaf_node(g, g->c) && n > g->nr_leaf);
	}
	if (g->split) {
		unsigned start, end;
		mmusim_config_kernel_top_range(g->cfg, &start, &end);
		g->kernel_top = start + (unsigned)rng_below(&g->rng, end - start);
	}
	for (unsigned i = 0; i < g->p->mappings; i++) {
		unsigned l1, node = g->per_leaf ? g->leaf[i / g->per_leaf] : i % 2 ? g->b : g->a;
		/* Each round of four pages has one of each permission set, in a fresh order. */
		if (i % 4 == 0)
			shuffle(&g->rng, order, 4);
		/* Distinct level-1 indices (with a single level, top indices from the user range). */
		do l1 = pick_index(g, 1); while (l1_used(g, l1));
		g->used_l1[g->nr_used++] = l1;
		uint64_t pa = pick_pa(g, base_page);
		uint64_t va = va_of(g, node, l1);
		bool supervisor = strchr(flags[order[i % 4]], 'u') == NULL;

		if ((rc = add_mapping(g, g->split && supervisor ? upper_va(g, va) : va, pa, base_page,
				      flags[order[i % 4]], err)))
			return rc;
	}
	g->quiz->nr_base = g->p->mappings;
	if (g->has_huge) {
		/* One draw per statement: argument evaluation order differs between compilers. */
		uint64_t size = mmusim_config_leaf_size(g->cfg, 2);
		const char *huge_flags = rng_below(&g->rng, 2) ? "rwu" : "rxu";
		uint64_t pa = pick_pa(g, size);

		g->huge_map = g->quiz->nr_maps;
		if ((rc = add_mapping(g, va_of(g, g->c, 0), pa, size, huge_flags, err)))
			return rc;
	}
	return MMUSIM_OK;
}

/*
 * The walk a question asks about: the page table's.  In a virtual machine
 * that is the guest's walk, answered with the guest-physical address (the
 * tables the quiz prints are the guest's; stage 2 is not asked).
 */
void quiz_translate(mmusim_machine *m, const mmusim_request *req, mmusim_translation *out)
{
	mmusim_nested_translation *n = mmusim_machine_is_vm(m) ? malloc(sizeof(*n)) : NULL;

	if (n && mmusim_translate_nested(m, req, n) == MMUSIM_OK)
		*out = n->guest;
	else
		mmusim_translate(m, req, out);
	free(n);
}

/* True when some access to a mapping made so far faults on its clear accessed flag. */
static bool refuses_unaccessed(struct gen *g)
{
	struct quiz *q = g->quiz;

	for (unsigned i = 0; i < q->nr_maps; i++)
		for (unsigned k = 0; k < 6; k++) {
			mmusim_request req = { .va = q->maps[i].va, .access = (enum mmusim_access)(k % 3),
					       .priv = k < 3 ? MMUSIM_USER : MMUSIM_SUPERVISOR, .no_ad_update = true };
			mmusim_translation t;
			quiz_translate(q->m, &req, &t);
			if (!t.ok && t.fault_kind == MMUSIM_FAULT_ACCESSED_DIRTY)
				return true;
		}
	return false;
}

/*
 * Where the walk refuses pages with the accessed flag clear: maps every page
 * again as accessed (so that the other questions see the rest of the walk),
 * then one more user read-write page, not accessed, under index A.
 */
static int add_unaccessed_page(struct gen *g, mmusim_error *err)
{
	struct quiz *q = g->quiz;
	uint64_t base_page = mmusim_config_page_size(g->cfg);
	unsigned l1;
	int rc;

	if (!(g->flag_faults = refuses_unaccessed(g)))
		return MMUSIM_OK;
	for (unsigned i = 0; i < q->nr_maps; i++) {
		struct quiz_mapping *m = &q->maps[i];
		m->flags |= MMUSIM_PROP_A;
		if ((rc = mmusim_map(q->m, m->va, m->pa, m->size, m->flags, MMUSIM_CACHE_WB, err)))
			return rc;
	}
	do l1 = pick_index(g, 1); while (l1_used(g, l1));
	g->used_l1[g->nr_used++] = l1;
	uint64_t pa = pick_pa(g, base_page);
	g->flag_map = q->nr_maps;
	return add_mapping(g, va_of(g, g->a, l1), pa, base_page, "rwu", err);
}

static void ask(struct gen *g, struct quiz_question *qq)
{
	qq->req.no_ad_update = true;
	quiz_translate(g->quiz->m, &qq->req, &qq->answer);
}

/*
 * Tries the accesses to mapping m in a random order (user mode first) and
 * keeps the first whose outcome is `want_ok` (or else a fault of kind want_fault).
 */
static bool try_accesses(struct gen *g, const struct quiz_mapping *m, bool want_ok,
			 enum mmusim_fault_kind want_fault, struct quiz_question *qq)
{
	unsigned order[6] = { 0, 1, 2, 3, 4, 5 };

	shuffle(&g->rng, order, 3);
	shuffle(&g->rng, order + 3, 3);
	qq->req.va = m->va + rng_below(&g->rng, m->size);
	for (unsigned i = 0; i < 6; i++) {
		qq->req.access = (enum mmusim_access)(order[i] % 3);
		qq->req.priv = order[i] < 3 ? MMUSIM_USER : MMUSIM_SUPERVISOR;
		ask(g, qq);
		if (want_ok ? qq->answer.ok : !qq->answer.ok && qq->answer.fault_kind == want_fault)
			return true;
	}
	return false;
}

static void make_question(struct gen *g, enum quiz_kind kind, struct quiz_question *qq)
{
	struct quiz *q = g->quiz;
	/* The base pages come first. */
	unsigned nr_base = q->nr_base, nr_asked = g->has_huge ? nr_base + 1 : nr_base;

	qq->kind = kind;
	switch (kind) {
	case QUIZ_HUGE:
		if (try_accesses(g, &q->maps[g->huge_map], true, MMUSIM_FAULT_NONE, qq))
			return;
		break;
	case QUIZ_MAPPED:
		for (unsigned tries = 0; tries < 8; tries++)
			if (try_accesses(g, &q->maps[rng_below(&g->rng, nr_base)], true, MMUSIM_FAULT_NONE, qq))
				return;
		break;
	case QUIZ_PERMISSION:
		for (unsigned tries = 0; tries < 8; tries++)
			if (try_accesses(g, &q->maps[rng_below(&g->rng, nr_asked)], false, MMUSIM_FAULT_PERMISSION, qq))
				return;
		break;
	case QUIZ_ACCESS_FLAG:
		if (try_accesses(g, &q->maps[g->flag_map], false, MMUSIM_FAULT_ACCESSED_DIRTY, qq))
			return;
		break;
	case QUIZ_NOT_PRESENT_LEAF:
	case QUIZ_NOT_PRESENT_UPPER:
		break;
	}
	/* Not present: a free level-1 slot under A, or (higher up) a free level-2 index. */
	qq->req.access = (enum mmusim_access)rng_below(&g->rng, 3);
	qq->req.priv = MMUSIM_USER;
	if (kind == QUIZ_NOT_PRESENT_UPPER && g->nr_levels >= 2 && g->nr_entries > g->nr_leaf + 1) {
		unsigned l2;
		do l2 = pick_index(g, 2); while (is_leaf_node(g, l2) || (g->has_huge && l2 == g->c));
		qq->req.va = va_of(g, l2, (unsigned)rng_below(&g->rng, g->nr_entries));
	} else {
		unsigned l1;
		do l1 = pick_index(g, 1); while (l1_used(g, l1));
		qq->req.va = va_of(g, g->a, l1);
		qq->kind = QUIZ_NOT_PRESENT_LEAF;
	}
	qq->req.va += rng_below(&g->rng, mmusim_config_page_size(g->cfg));
	ask(g, qq);
}

/*
 * "Which PTE maps this page?": a free level-1 slot under one of the base
 * pages' nodes, so a single entry is missing.  The answer is what mmusim_map
 * writes there for the page, read back and then unmapped: the table stays as printed.
 */
static int make_pte_question(struct gen *g, struct quiz_pte_question *pq, mmusim_error *err)
{
	struct quiz *q = g->quiz;
	uint64_t page = mmusim_config_page_size(g->cfg), pte = 0;
	/* The supervisor page sits in the upper half where there are two: ask user pages only then. */
	unsigned nr_sets = g->split ? 3 : 4, l1;
	unsigned node = g->nr_levels >= 2 ? g->leaf[rng_below(&g->rng, g->nr_leaf)] : 0;
	const char *flags = flag_sets[rng_below(&g->rng, nr_sets)];
	mmusim_request req = { .va = 0, .access = MMUSIM_READ, .priv = MMUSIM_SUPERVISOR, .no_ad_update = true };
	mmusim_translation t;
	int rc;

	do l1 = pick_index(g, 1); while (l1_used(g, l1));
	pq->va = va_of(g, node, l1);
	pq->pa = pick_pa(g, page);
	pq->size = page;
	pq->flags = 0;
	for (const char *f = flags; *f; f++)
		pq->flags |= *f == 'r' ? MMUSIM_PROP_R : *f == 'w' ? MMUSIM_PROP_W : *f == 'x' ? MMUSIM_PROP_X
			   : MMUSIM_PROP_U;
	if (g->flag_faults)
		pq->flags |= MMUSIM_PROP_A;
	if ((rc = mmusim_map(q->m, pq->va, pq->pa, page, pq->flags, MMUSIM_CACHE_WB, err)))
		return rc;
	req.va = pq->va;
	quiz_translate(q->m, &req, &t);
	const mmusim_walk_step *leaf = &t.steps[t.nr_steps ? t.nr_steps - 1 : 0];
	pq->level = leaf->level;
	pq->nr_steps = t.nr_steps;
	memcpy(pq->steps, t.steps, sizeof(pq->steps));
	pq->pte_addr = leaf->pte_addr;
	mmusim_mem_read(q->m, pq->pte_addr, mmusim_config_pte_size(g->cfg), &pte);
	pq->pte = pte;
	return mmusim_unmap(q->m, pq->va, page, err);
}

/* The user-readable pages a TLB question may read (not the one left unaccessed). */
static int make_tlb_question(struct gen *g, struct quiz_tlb_question *tq, mmusim_error *err)
{
	const struct quiz *q = g->quiz;
	const struct quiz_tlb_params *tp = &g->p->tlb;
	struct quiz_tlb_page pages[QUIZ_MAX_MAPPINGS];
	unsigned pool[QUIZ_MAX_MAPPINGS], nr_pool = 0, nr_used;
	static const unsigned entries[] = { 2, 4 };

	for (unsigned i = 0; i < q->nr_maps; i++) {
		const struct quiz_mapping *m = &q->maps[i];
		pages[i] = (struct quiz_tlb_page){ m->va, m->pa, m->size, m->flags };
		if ((m->flags & MMUSIM_PROP_U) && (m->flags & MMUSIM_PROP_R) && !(g->flag_faults && i == g->flag_map))
			pool[nr_pool++] = i;
	}
	tq->entries = tp->entries ? tp->entries : entries[rng_below(&g->rng, 2)];
	if (tp->entries)
		tq->ways = tp->ways ? tp->ways : tp->entries;
	else {
		unsigned ways[] = { 1, 2, tq->entries };
		tq->ways = ways[rng_below(&g->rng, 3)];
	}
	tq->fifo = tp->fifo < 0 ? rng_below(&g->rng, 2) != 0 : tp->fifo != 0;
	tq->n = tp->accesses ? tp->accesses : 10;
	/* A few more pages than entries, so that some reads evict. */
	shuffle(&g->rng, pool, nr_pool);
	nr_used = tq->entries + 2 < nr_pool ? tq->entries + 2 : nr_pool;
	for (unsigned i = 0; i < tq->n; i++) {
		const struct quiz_mapping *m = &q->maps[pool[rng_below(&g->rng, nr_used)]];
		tq->va[i] = m->va + rng_below(&g->rng, m->size);
		tq->page_size[i] = m->size;
	}
	return quiz_tlb_answer(g->p->tlb_base_yaml, pages, q->nr_maps, tq, err);
}

static bool has_accessed_bit(const mmusim_config *cfg)
{
	mmusim_pte_layout l;

	return !mmusim_config_pte_layout(cfg, &l) || l.accessed >= 0;
}

static int make_repl_question(struct gen *g, struct quiz_repl_question *rq, mmusim_error *err)
{
	const struct quiz_repl_params *rp = &g->p->repl;
	/* clock reads the A bits: a format without one has nothing for it to read. */
	unsigned nr_policies = has_accessed_bit(g->cfg) ? 4 : 3;

	rq->frames = rp->frames ? rp->frames : 3 + (unsigned)rng_below(&g->rng, 2);
	rq->policy = rp->policy ? rp->policy : quiz_repl_policies[rng_below(&g->rng, nr_policies)];
	if (rp->nr_refs) {
		rq->n = rp->nr_refs;
		memcpy(rq->ref, rp->refs, sizeof(rq->ref));
	} else {
		rq->n = 12;
		for (unsigned i = 0; i < rq->n; i++)
			rq->ref[i] = 1 + (unsigned)rng_below(&g->rng, rq->frames + 2);
	}
	return quiz_repl_answer(g->cfg, rq, err);
}

void quiz_params_default(struct quiz_params *p)
{
	memset(p, 0, sizeof(*p));
	p->count = 6;
	p->kinds = QUIZ_ASK_TRANSLATE;
	p->mappings = 4;
	p->tlb.fifo = -1;
}

/* The most base pages a config takes: half the level-1 indices they are drawn from. */
static unsigned max_mappings(const mmusim_config *cfg)
{
	unsigned start, end, n;

	mmusim_config_user_top_range(cfg, &start, &end);
	n = (mmusim_config_levels(cfg) == 1 ? end - start : mmusim_config_entries_per_node(cfg)) / 2;
	return n < QUIZ_MAX_BASE_PAGES ? n : QUIZ_MAX_BASE_PAGES;
}

/* The checks of the knobs that depend on the config; the rest are the command line's. */
static int check_params(const mmusim_config *cfg, const struct quiz_params *p, struct gen *g, mmusim_error *err)
{
	unsigned most = max_mappings(cfg), start, end, room;

	if (p->count < 1 || p->count > QUIZ_MAX_QUESTIONS)
		return cli_set_error(err, MMUSIM_EINVAL, "--count %u must be from 1 to %d", p->count, QUIZ_MAX_QUESTIONS);
	if (p->mappings < 1 || p->mappings > most)
		return cli_set_error(err, MMUSIM_EINVAL, "quiz: --mappings %u must be from 1 to %u on %s (half the %s)",
			    p->mappings, most, mmusim_config_name(cfg),
			    mmusim_config_levels(cfg) == 1 ? "user entries" : "entries of a last-level node");
	if (!p->valid_share)
		return MMUSIM_OK;
	if (mmusim_config_levels(cfg) < 2)
		return cli_set_error(err, MMUSIM_EINVAL, "quiz: --valid-share needs a table of 2 levels or more");
	mmusim_config_user_top_range(cfg, &start, &end);
	g->per_leaf = (unsigned)(p->valid_share * mmusim_config_entries_per_node(cfg) + 0.5);
	if (g->per_leaf < 1)
		g->per_leaf = 1;
	g->nr_leaf = (p->mappings + g->per_leaf - 1) / g->per_leaf;
	/* Level-2 indices left for the huge page and for "not present higher up". */
	room = (mmusim_config_levels(cfg) == 2 ? end - start : mmusim_config_entries_per_node(cfg)) - 2;
	if (room > QUIZ_MAX_LEAF_NODES)
		room = QUIZ_MAX_LEAF_NODES;
	if (g->nr_leaf > room)
		return cli_set_error(err, MMUSIM_EINVAL,
			    "quiz: --valid-share %g puts %u page%s in each last-level node: %u mappings need %u nodes, "
			    "%s has room for %u", p->valid_share, g->per_leaf, g->per_leaf == 1 ? "" : "s", p->mappings,
			    g->nr_leaf, mmusim_config_name(cfg), room);
	return MMUSIM_OK;
}

int quiz_generate(const mmusim_config *cfg, uint64_t seed, unsigned count, struct quiz *out, mmusim_error *err)
{
	struct quiz_params p;

	quiz_params_default(&p);
	p.count = count;
	return quiz_generate_params(cfg, seed, &p, out, err);
}

/* Each section after the translations draws from its own stream, so adding one changes no other. */
static void section_rng(struct gen *g, uint64_t seed, enum quiz_ask kind)
{
	g->rng.s = seed ^ (0xd1b54a32d192ed03ull * (uint64_t)kind);
}

static int ask_sections(struct gen *g, uint64_t seed, mmusim_error *err)
{
	struct quiz *q = g->quiz;
	const struct quiz_params *p = g->p;
	int rc;

	if (p->kinds & QUIZ_ASK_PTE) {
		section_rng(g, seed, QUIZ_ASK_PTE);
		for (q->nr_pte = 0; q->nr_pte < p->count; q->nr_pte++)
			if ((rc = make_pte_question(g, &q->pte_q[q->nr_pte], err)))
				return rc;
	}
	if (p->kinds & QUIZ_ASK_FAULT) {
		enum quiz_kind kinds[4];
		unsigned nr = 0, order[4] = { 0, 1, 2, 3 };

		kinds[nr++] = QUIZ_NOT_PRESENT_LEAF;
		if (g->nr_levels >= 2)
			kinds[nr++] = QUIZ_NOT_PRESENT_UPPER;
		kinds[nr++] = QUIZ_PERMISSION;
		if (g->flag_faults)
			kinds[nr++] = QUIZ_ACCESS_FLAG;
		section_rng(g, seed, QUIZ_ASK_FAULT);
		for (q->nr_fault = 0; q->nr_fault < p->count; q->nr_fault++) {
			if (q->nr_fault % nr == 0)
				shuffle(&g->rng, order, nr);
			make_question(g, kinds[order[q->nr_fault % nr] % nr], &q->fault_q[q->nr_fault]);
		}
	}
	if (p->kinds & QUIZ_ASK_TLB) {
		section_rng(g, seed, QUIZ_ASK_TLB);
		for (q->nr_tlb = 0; q->nr_tlb < p->count; q->nr_tlb++)
			if ((rc = make_tlb_question(g, &q->tlb_q[q->nr_tlb], err)))
				return rc;
	}
	if (p->kinds & QUIZ_ASK_REPLACEMENT) {
		section_rng(g, seed, QUIZ_ASK_REPLACEMENT);
		for (q->nr_repl = 0; q->nr_repl < p->count; q->nr_repl++)
			if ((rc = make_repl_question(g, &q->repl_q[q->nr_repl], err)))
				return rc;
	}
	return MMUSIM_OK;
}

int quiz_generate_params(const mmusim_config *cfg, uint64_t seed, const struct quiz_params *p, struct quiz *out,
			 mmusim_error *err)
{
	struct gen g = { .quiz = out, .p = p, .rng = { seed } };
	enum quiz_kind kinds[6];
	unsigned nr_kinds = 0, order[6] = { 0, 1, 2, 3, 4, 5 }, start, end;
	int rc;

	memset(out, 0, sizeof(*out));
	out->seed = seed;
	mmusim_config_user_top_range(cfg, &start, &end);
	/* With two levels, the base pages' and free indices are drawn from the top level's user range. */
	if (mmusim_config_entries_per_node(cfg) < 8 || (mmusim_config_levels(cfg) <= 2 && end - start < 8))
		return cli_set_error(err, MMUSIM_EINVAL,
			    "config %s is too small for a quiz: needs 8 entries per node and 8 user top-level entries",
			    mmusim_config_name(cfg));
	if ((rc = check_params(cfg, p, &g, err)))
		return rc;
	if ((p->kinds & QUIZ_ASK_TLB) && !p->tlb_base_yaml)
		return cli_set_error(err, MMUSIM_EINVAL, "quiz: TLB questions need a preset to derive their TLB from");
	/* Every mapping's PA is drawn from memory in units of its page size. */
	uint64_t largest = mmusim_config_levels(cfg) >= 2 && mmusim_config_leaf_size(cfg, 2) && !p->no_huge
				   ? mmusim_config_leaf_size(cfg, 2) : mmusim_config_page_size(cfg);
	if (mmusim_config_memory_size(cfg) < largest) {
		char mem[32], page[32];
		format_size(mmusim_config_memory_size(cfg), mem, sizeof(mem));
		format_size(largest, page, sizeof(page));
		return cli_set_error(err, MMUSIM_EINVAL, "config %s is too small for a quiz: its memory (%s) cannot hold the %s %s page it maps",
			    mmusim_config_name(cfg), mem, page, largest == mmusim_config_page_size(cfg) ? "base" : "huge");
	}
	if ((rc = mmusim_machine_create(cfg, &out->m, err)))
		return rc;
	g.cfg = mmusim_machine_config(out->m);
	g.nr_levels = mmusim_config_levels(g.cfg);
	g.nr_entries = mmusim_config_entries_per_node(g.cfg);
	g.split = mmusim_config_split_roots(g.cfg);
	if ((rc = build_space(&g, err)) || (rc = add_unaccessed_page(&g, err))) {
		quiz_free(out);
		return rc;
	}
	kinds[nr_kinds++] = QUIZ_MAPPED;
	if (g.has_huge)
		kinds[nr_kinds++] = QUIZ_HUGE;
	kinds[nr_kinds++] = QUIZ_PERMISSION;
	kinds[nr_kinds++] = QUIZ_NOT_PRESENT_LEAF;
	if (g.nr_levels >= 2)
		kinds[nr_kinds++] = QUIZ_NOT_PRESENT_UPPER;
	if (g.flag_faults)
		kinds[nr_kinds++] = QUIZ_ACCESS_FLAG;
	/* Every kind once per round, in a fresh order each round. */
	if (p->kinds & QUIZ_ASK_TRANSLATE) {
		for (unsigned i = 0; i < p->count; i++) {
			if (i % nr_kinds == 0)
				shuffle(&g.rng, order, nr_kinds);
			make_question(&g, kinds[order[i % nr_kinds] % nr_kinds], &out->q[i]);
		}
		out->nr_q = p->count;
	}
	if ((rc = ask_sections(&g, seed, err))) {
		quiz_free(out);
		return rc;
	}
	return MMUSIM_OK;
}

void quiz_free(struct quiz *q)
{
	mmusim_machine_destroy(q->m);
	q->m = NULL;
}
