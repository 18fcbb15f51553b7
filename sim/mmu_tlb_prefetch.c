/*
 * mmu_tlb_prefetch: TLB prefetch walks and fills (see mmu_tlb_prefetch.h).
 */
#include "mmu_tlb_prefetch.h"

#include <stdlib.h>

#include "sim/tlb_prefetch.h"

/* The bytes the memory system returns with one PTE read. */
#define PTE_LINE_BYTES 64

int mmu_tlb_prefetch_create(const struct machine_config *cfg, struct mmu_tlb_prefetch **out, struct mm_error *err)
{
	struct mmu_tlb_prefetch *p = NULL;

	*out = NULL;
	for (unsigned i = 0; i < cfg->nr_tlb; i++) {
		const struct tlb_prefetch_config *pc = &cfg->tlb[i].prefetch;
		if (pc->kind == TLB_PREFETCH_NONE && !pc->line)
			continue;
		if (!p && !(p = calloc(1, sizeof(*p))))
			return mm_error_set(err, MM_ENOMEM, "out of host memory");
		p->line[i] = pc->line;
		if (pc->kind != TLB_PREFETCH_NONE && !(p->by_tlb[i] = tlb_prefetcher_create(pc))) {
			mmu_tlb_prefetch_destroy(p);
			return mm_error_set(err, MM_ENOMEM, "out of host memory");
		}
	}
	*out = p;
	return MM_OK;
}

void mmu_tlb_prefetch_destroy(struct mmu_tlb_prefetch *p)
{
	if (!p)
		return;
	for (unsigned i = 0; i < CONFIG_MAX_TLBS; i++)
		tlb_prefetcher_destroy(p->by_tlb[i]);
	free(p);
}

/* The walk a prefetch of va makes: a read (a fetch for instructions) that changes no A/D bit. */
static void prefetch_walk(const struct mmu *mmu, const struct mmu_cpu *c, enum lookup_kind k, uint64_t va,
			  struct walk_result *res)
{
	struct walk_request req = {
		.root = c->root,
		.va = va,
		.access = k == LOOKUP_INSTRUCTION ? ACCESS_EXEC : ACCESS_READ,
		.priv = c->priv,
		.no_ad_update = true,
		.no_steps = true,
	};

	walk(&mmu->m->walker, &req, res);
}

/* Fills t with res's translation of va, marked prefetched, in the largest size t holds that fits. */
static void fill_prefetched(const struct mmu *mmu, const struct mmu_cpu *c, struct tlb *t, uint64_t va,
			    const struct walk_result *res)
{
	const int shift = tlb_fit_shift(t, (unsigned)__builtin_ctzll(res->page_size));

	if (shift < 0)
		return;
	struct tlb_entry e = mmu_walk_entry(c, res, &mmu->m->walker, -1);
	e.shift = (uint8_t)shift;
	e.pa = res->pa & ~((1ull << shift) - 1);
	e.prefetched = true;
	tlb_fill(t, va, &e);
}

/* The index of t among c's TLBs (a level's arrays are some of them). */
static unsigned tlb_index(const struct mmu_cpu *c, const struct tlb *t)
{
	unsigned i = 0;

	while (c->tlb[i] != t)
		i++;
	return i;
}

static void level_prefetch(struct mmu *mmu, struct mmu_cpu *c, enum lookup_kind k, const struct tlb_level *lv,
			   uint64_t va)
{
	for (unsigned a = 0; a < lv->nr; a++) {
		struct tlb *t = lv->arr[a];
		struct tlb_prefetcher *pf = c->prefetch->by_tlb[tlb_index(c, t)];
		if (!pf)
			continue;
		const unsigned shift = (unsigned)__builtin_ctzll(tlb_config(t)->shift_mask);
		uint64_t pages[TLB_PREFETCH_MAX_DEGREE];
		const unsigned n = tlb_prefetcher_miss(pf, va >> shift, pages);
		for (unsigned i = 0; i < n; i++) {
			const uint64_t pva = pages[i] << shift;
			struct walk_result res;
			if ((pages[i] << shift) >> shift != pages[i] || tlb_holds(t, pva, c->space))
				continue; /* past the top of the address space, or cached already */
			prefetch_walk(mmu, c, k, pva, &res);
			mmu->stats.prefetch_walks++;
			mmu->stats.prefetch_pte_reads += res.nr_steps;
			if (res.ok)
				fill_prefetched(mmu, c, t, pva, &res);
		}
	}
}

void mmu_tlb_prefetch_after_miss(struct mmu *mmu, struct mmu_cpu *c, enum lookup_kind k, uint64_t va,
			     bool l1_missed, bool l2_missed)
{
	if (mmu->m->host)
		return;
	if (l1_missed)
		level_prefetch(mmu, c, k, &c->l1[k], va);
	if (l2_missed)
		level_prefetch(mmu, c, k, &c->l2[k], va);
}

/* Fills the valid leaves beside va's in its PTE line into t. */
static void line_fill(struct mmu *mmu, struct mmu_cpu *c, enum lookup_kind k, struct tlb *t, uint64_t va,
		      const struct walk_result *res)
{
	const struct paging_consts *pc = mmu->m->walker.pc;
	uint64_t per_line = pc->pte_size < PTE_LINE_BYTES ? PTE_LINE_BYTES / pc->pte_size : 1;
	const uint64_t per_table = 1ull << pc->index_bits;

	if (per_line > per_table)
		per_line = per_table;
	/* The line holds the PTEs of per_line consecutive pages, aligned like the line itself. */
	const uint64_t first = va & ~(res->page_size * per_line - 1);
	const uint64_t own = va & ~(res->page_size - 1);
	for (uint64_t i = 0; i < per_line; i++) {
		const uint64_t nva = first + i * res->page_size;
		struct walk_result nres;
		if (nva == own || tlb_holds(t, nva, c->space))
			continue;
		prefetch_walk(mmu, c, k, nva, &nres);
		/* A pointer where the leaf was is no leaf of this line: the walk went deeper. */
		if (nres.ok && nres.level == res->level)
			fill_prefetched(mmu, c, t, nva, &nres);
	}
}

void mmu_tlb_prefetch_line(struct mmu *mmu, struct mmu_cpu *c, enum lookup_kind k, uint64_t va,
		       const struct walk_result *res)
{
	const struct tlb_level *levels[2] = { &c->l1[k], &c->l2[k] };

	if (mmu->m->host)
		return;
	for (unsigned l = 0; l < 2; l++)
		for (unsigned a = 0; a < levels[l]->nr; a++) {
			struct tlb *t = levels[l]->arr[a];
			if (c->prefetch->line[tlb_index(c, t)])
				line_fill(mmu, c, k, t, va, res);
		}
}
