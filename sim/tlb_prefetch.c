/*
 * tlb_prefetch: next-page, sequential and distance prediction (see tlb_prefetch.h).
 */
#include "tlb_prefetch.h"

#include <stdlib.h>

struct distance_row {
	int64_t tag;                 /* the distance this row follows */
	unsigned n;                  /* predictions held */
	int64_t next[TLB_PREFETCH_MAX_DEGREE]; /* distances seen after it, most recent first */
	bool valid;
};

struct tlb_prefetcher {
	struct tlb_prefetch_config cfg;
	uint64_t last_vpn;           /* the previous miss */
	int64_t last_distance;       /* between the two previous misses */
	unsigned misses;             /* seen so far, saturating at 2: what last_* mean */
	struct distance_row rows[TLB_DISTANCE_ROWS];
};

struct tlb_prefetcher *tlb_prefetcher_create(const struct tlb_prefetch_config *cfg)
{
	struct tlb_prefetcher *p;

	if (cfg->kind == TLB_PREFETCH_NONE || !(p = calloc(1, sizeof(*p))))
		return NULL;
	p->cfg = *cfg;
	return p;
}

void tlb_prefetcher_destroy(struct tlb_prefetcher *p)
{
	free(p);
}

static struct distance_row *row_of(struct tlb_prefetcher *p, int64_t distance)
{
	return &p->rows[(uint64_t)distance % TLB_DISTANCE_ROWS];
}

/* Records that distance d followed distance prev: d moves to the front of prev's row. */
static void distance_learn(struct tlb_prefetcher *p, int64_t prev, int64_t d)
{
	struct distance_row *r = row_of(p, prev);
	unsigned at;

	if (!r->valid || r->tag != prev) {
		r->valid = true;
		r->tag = prev;
		r->n = 0;
	}
	for (at = 0; at < r->n && r->next[at] != d; at++)
		;
	if (at == r->n && r->n < p->cfg.degree)
		r->n++;
	if (at == r->n) /* full and not there: the oldest goes */
		at = r->n - 1;
	for (; at > 0; at--)
		r->next[at] = r->next[at - 1];
	r->next[0] = d;
}

static unsigned distance_miss(struct tlb_prefetcher *p, uint64_t vpn, uint64_t *out)
{
	unsigned n = 0;

	if (p->misses >= 1) {
		const int64_t d = (int64_t)(vpn - p->last_vpn);
		const struct distance_row *r = row_of(p, d);
		if (r->valid && r->tag == d)
			for (unsigned i = 0; i < r->n; i++)
				out[n++] = vpn + (uint64_t)r->next[i];
		if (p->misses >= 2)
			distance_learn(p, p->last_distance, d);
		p->last_distance = d;
	}
	return n;
}

unsigned tlb_prefetcher_miss(struct tlb_prefetcher *p, uint64_t vpn, uint64_t out[TLB_PREFETCH_MAX_DEGREE])
{
	unsigned n = 0;

	/* Sequential: a run of consecutive misses prefetches as next-page does. */
	const bool in_run = p->misses > 0 && p->last_vpn + 1 == vpn;

	if (p->cfg.kind == TLB_PREFETCH_NEXT || (p->cfg.kind == TLB_PREFETCH_SEQUENTIAL && in_run))
		for (unsigned i = 1; i <= p->cfg.degree; i++)
			out[n++] = vpn + i;
	else if (p->cfg.kind == TLB_PREFETCH_DISTANCE)
		n = distance_miss(p, vpn, out);
	p->last_vpn = vpn;
	if (p->misses < 2)
		p->misses++;
	return n;
}
