/*
 * quiz: the generator (see quiz.h).
 *
 * Layout of the address space it builds, by VA index per level: the top
 * index comes from the user range, the indices between the top and level 2
 * are one random path (so every mapping shares those nodes), base pages sit
 * under two level-2 indices A and B, and the huge page (when the format maps
 * level-2 leaves) under a third index C.  "Not present at the last level"
 * questions use a free level-1 slot under A; "not present higher up" ones a
 * free level-2 index.  With a single level, the top index is the page.
 */
#include "quiz.h"

#include <stdlib.h>
#include <string.h>

#include "pt/pt_arch.h"

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
	const struct paging_consts *pc;
	struct rng rng;
	unsigned idx[PT_MAX_LEVELS + 1];  /* the shared path: indices above level 2 */
	unsigned a, b, c;                 /* level-2 indices: base pages, huge page */
	bool has_huge;
	unsigned used_l1[8];              /* level-1 indices taken (under A or B) */
	unsigned nr_used;
};

static uint64_t va_of(const struct gen *g, unsigned l2, unsigned l1)
{
	const struct paging_consts *pc = g->pc;
	uint64_t va = 0;

	for (unsigned level = pc->nr_levels; level > 2; level--)
		va |= (uint64_t)g->idx[level] << pc_index_shift(pc, level);
	if (pc->nr_levels >= 2)
		va |= (uint64_t)l2 << pc_index_shift(pc, 2);
	va |= (uint64_t)l1 << pc_index_shift(pc, 1);
	return pc_va_canonicalize(pc, va);
}

/* A random index for the level below the top, or in the user range at the top. */
static unsigned pick_index(struct gen *g, unsigned level)
{
	const struct machine_config *cfg = &g->quiz->m->cfg;

	if (level == g->pc->nr_levels)
		return cfg->user.top_start + (unsigned)rng_below(&g->rng, cfg->user.top_end - cfg->user.top_start);
	return (unsigned)rng_below(&g->rng, g->pc->nr_entries);
}

/* A random PA for a page of `size` bytes inside the machine's memory. */
static uint64_t pick_pa(struct gen *g, uint64_t size)
{
	const struct machine_config *cfg = &g->quiz->m->cfg;

	return cfg->mem_base + rng_below(&g->rng, cfg->mem_size / size) * size;
}

static bool l1_used(const struct gen *g, unsigned i)
{
	for (unsigned k = 0; k < g->nr_used; k++)
		if (g->used_l1[k] == i)
			return true;
	return false;
}

static int add_mapping(struct gen *g, uint64_t va, uint64_t pa, uint64_t size, const char *flags,
		       struct mm_error *err)
{
	struct quiz *q = g->quiz;
	struct quiz_mapping *m = &q->maps[q->nr_maps];
	int rc;

	m->va = va;
	m->pa = pa;
	m->size = size;
	m->prop = (struct page_prop){ 0, CACHE_WB };
	for (const char *f = flags; *f; f++)
		m->prop.flags |= *f == 'r' ? PROP_R : *f == 'w' ? PROP_W : *f == 'x' ? PROP_X : PROP_U;
	if ((rc = machine_map(q->m, va, pa, size, &m->prop, err)))
		return rc;
	q->nr_maps++;
	return MM_OK;
}

static int build_space(struct gen *g, struct mm_error *err)
{
	/* One of each: user read-only, user read-write, user executable, supervisor read-write. */
	static const char *const flags[] = { "ru", "rwu", "rxu", "rw" };
	const struct paging_consts *pc = g->pc;
	unsigned order[4] = { 0, 1, 2, 3 };
	unsigned n = pc->nr_levels >= 2 ? pc->nr_entries : 0;
	int rc;

	for (unsigned level = pc->nr_levels; level > 2; level--)
		g->idx[level] = pick_index(g, level);
	if (pc->nr_levels >= 2) {
		g->a = pick_index(g, 2);
		do g->b = pick_index(g, 2); while (g->b == g->a && n > 1);
		g->has_huge = pc->highest_translation_level >= 2;
		do g->c = pick_index(g, 2); while ((g->c == g->a || g->c == g->b) && n > 2);
	}
	shuffle(&g->rng, order, 4);
	for (unsigned i = 0; i < 4; i++) {
		unsigned which = i % 2, l1;
		/* Distinct level-1 indices (with a single level, top indices from the user range). */
		do l1 = pick_index(g, 1); while (l1_used(g, l1));
		g->used_l1[g->nr_used++] = l1;
		uint64_t pa = pick_pa(g, pc->base_page_size);

		if ((rc = add_mapping(g, va_of(g, which ? g->b : g->a, l1), pa, pc->base_page_size,
				      flags[order[i]], err)))
			return rc;
	}
	if (g->has_huge) {
		/* One draw per statement: argument evaluation order differs between compilers. */
		uint64_t size = pc_page_size(pc, 2);
		const char *huge_flags = rng_below(&g->rng, 2) ? "rwu" : "rxu";
		uint64_t pa = pick_pa(g, size);

		if ((rc = add_mapping(g, va_of(g, g->c, 0), pa, size, huge_flags, err)))
			return rc;
	}
	return MM_OK;
}

static void ask(struct gen *g, struct quiz_question *qq)
{
	qq->req = (struct walk_request){
		.root = machine_root(g->quiz->m), .va = qq->va, .access = qq->access, .priv = qq->priv,
		.no_ad_update = true,
	};
	walk(&g->quiz->m->walker, &qq->req, &qq->answer);
}

/*
 * Tries the accesses to mapping m in a random order (user mode first) and
 * keeps the first whose outcome is `want_ok` (or a permission fault).
 */
static bool try_accesses(struct gen *g, const struct quiz_mapping *m, bool want_ok,
			 struct quiz_question *qq)
{
	unsigned order[6] = { 0, 1, 2, 3, 4, 5 };

	shuffle(&g->rng, order, 3);
	shuffle(&g->rng, order + 3, 3);
	qq->va = m->va + rng_below(&g->rng, m->size);
	for (unsigned i = 0; i < 6; i++) {
		qq->access = (enum access_kind)(order[i] % 3);
		qq->priv = order[i] < 3 ? PRIV_USER : PRIV_SUPERVISOR;
		ask(g, qq);
		if (want_ok ? qq->answer.ok : qq->answer.fault.kind == FAULT_PERMISSION)
			return true;
	}
	return false;
}

static void make_question(struct gen *g, enum quiz_kind kind, struct quiz_question *qq)
{
	const struct paging_consts *pc = g->pc;
	struct quiz *q = g->quiz;
	unsigned nr_base = g->has_huge ? q->nr_maps - 1 : q->nr_maps;

	qq->kind = kind;
	switch (kind) {
	case QUIZ_HUGE:
		if (try_accesses(g, &q->maps[q->nr_maps - 1], true, qq))
			return;
		break;
	case QUIZ_MAPPED:
		for (unsigned tries = 0; tries < 8; tries++)
			if (try_accesses(g, &q->maps[rng_below(&g->rng, nr_base)], true, qq))
				return;
		break;
	case QUIZ_PERMISSION:
		for (unsigned tries = 0; tries < 8; tries++)
			if (try_accesses(g, &q->maps[rng_below(&g->rng, q->nr_maps)], false, qq))
				return;
		break;
	case QUIZ_NOT_PRESENT_LEAF:
	case QUIZ_NOT_PRESENT_UPPER:
		break;
	}
	/* Not present: a free level-1 slot under A, or (higher up) a free level-2 index. */
	qq->access = (enum access_kind)rng_below(&g->rng, 3);
	qq->priv = PRIV_USER;
	if (kind == QUIZ_NOT_PRESENT_UPPER && pc->nr_levels >= 2 && pc->nr_entries > 3) {
		unsigned l2;
		do l2 = pick_index(g, 2); while (l2 == g->a || l2 == g->b || (g->has_huge && l2 == g->c));
		qq->va = va_of(g, l2, (unsigned)rng_below(&g->rng, pc->nr_entries));
	} else {
		unsigned l1;
		do l1 = pick_index(g, 1); while (l1_used(g, l1));
		qq->va = va_of(g, g->a, l1);
		qq->kind = QUIZ_NOT_PRESENT_LEAF;
	}
	qq->va += rng_below(&g->rng, pc->base_page_size);
	ask(g, qq);
}

int quiz_generate(const struct machine_config *cfg, uint64_t seed, unsigned count, struct quiz *out,
		  struct mm_error *err)
{
	struct gen g = { .quiz = out, .pc = &cfg->pc, .rng = { seed } };
	enum quiz_kind kinds[5];
	unsigned nr_kinds = 0, order[5] = { 0, 1, 2, 3, 4 };
	int rc;

	memset(out, 0, sizeof(*out));
	out->seed = seed;
	if (count < 1 || count > QUIZ_MAX_QUESTIONS)
		return mm_error_set(err, MM_EINVAL, "--count %u must be from 1 to %d", count, QUIZ_MAX_QUESTIONS);
	if (cfg->pc.nr_entries < 8 || cfg->user.top_end - cfg->user.top_start < 8)
		return mm_error_set(err, MM_EINVAL,
				    "config %s is too small for a quiz: needs 8 entries per node and 8 user top-level entries",
				    cfg->name);
	if ((rc = machine_create(cfg, &out->m, err)))
		return rc;
	g.pc = &out->m->cfg.pc;
	if ((rc = build_space(&g, err))) {
		quiz_free(out);
		return rc;
	}
	kinds[nr_kinds++] = QUIZ_MAPPED;
	if (g.has_huge)
		kinds[nr_kinds++] = QUIZ_HUGE;
	kinds[nr_kinds++] = QUIZ_PERMISSION;
	kinds[nr_kinds++] = QUIZ_NOT_PRESENT_LEAF;
	if (g.pc->nr_levels >= 2)
		kinds[nr_kinds++] = QUIZ_NOT_PRESENT_UPPER;
	/* Every kind once per round, in a fresh order each round. */
	for (unsigned i = 0; i < count; i++) {
		if (i % nr_kinds == 0)
			shuffle(&g.rng, order, nr_kinds);
		make_question(&g, kinds[order[i % nr_kinds] % nr_kinds], &out->q[i]);
	}
	out->nr_q = count;
	return MM_OK;
}

void quiz_free(struct quiz *q)
{
	machine_destroy(q->m);
	q->m = NULL;
}
