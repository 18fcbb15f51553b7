/*
 * tlb_policy: tree-PLRU and SRRIP replacement state (see tlb_policy.h).
 */
#include "tlb_policy.h"

#include <stdlib.h>
#include <string.h>

int tlb_policy_init(struct tlb_policy *p, enum tlb_replacement repl, unsigned sets, unsigned ways)
{
	p->repl = repl;
	p->ways = ways;
	p->bytes = malloc((size_t)sets * ways);
	if (!p->bytes)
		return MM_ENOMEM;
	/* PLRU: every node points left, so an untouched set gives way 0.  SRRIP: empty ways are distant. */
	memset(p->bytes, repl == REPL_SRRIP ? SRRIP_MAX_RRPV : 0, (size_t)sets * ways);
	return MM_OK;
}

void tlb_policy_fini(struct tlb_policy *p)
{
	free(p->bytes);
	p->bytes = NULL;
}

/* Turns the nodes on way's path to point away from it (ways is a power of two). */
static void plru_touch(uint8_t *row, unsigned ways, unsigned way)
{
	for (unsigned n = ways + way; n > 1; n >>= 1)
		row[n >> 1] = (n & 1) ? 0 : 1; /* came from the right child: point left, and back */
}

void tlb_policy_hit(struct tlb_policy *p, size_t i)
{
	if (p->repl == REPL_PLRU) {
		const size_t way = i & (p->ways - 1);
		plru_touch(p->bytes + (i - way), p->ways, (unsigned)way);
	} else {
		p->bytes[i] = 0;
	}
}

void tlb_policy_fill(struct tlb_policy *p, size_t i)
{
	if (p->repl == REPL_PLRU)
		tlb_policy_hit(p, i);
	else
		p->bytes[i] = SRRIP_INSERT_RRPV;
}

unsigned tlb_policy_victim(struct tlb_policy *p, size_t set)
{
	uint8_t *row = p->bytes + set * p->ways;

	if (p->repl == REPL_PLRU) {
		unsigned n = 1;
		while (n < p->ways)
			n = 2 * n + row[n];
		return n - p->ways;
	}
	for (;;) {
		for (unsigned w = 0; w < p->ways; w++)
			if (row[w] >= SRRIP_MAX_RRPV)
				return w;
		for (unsigned w = 0; w < p->ways; w++)
			row[w]++;
	}
}
