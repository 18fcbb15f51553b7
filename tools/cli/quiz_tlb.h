/*
 * quiz_tlb: "TLB hit or miss" questions.  A TLB of a given geometry (entries,
 * ways, LRU or FIFO), empty at the start, sees a sequence of user reads of
 * the quiz's mapped pages; which hit?  The answer comes from the simulator's
 * own TLB (sim/tlb.c), run through an mmusim_mmu over a machine whose config
 * is the quiz's with its TLBs replaced by that one TLB and no
 * paging-structure caches, the quiz's pages mapped in it.
 */
#ifndef MMUSIM_TOOLS_CLI_QUIZ_TLB_H
#define MMUSIM_TOOLS_CLI_QUIZ_TLB_H

#include <stdbool.h>
#include <stdint.h>

#include <mmusim.h>

#define QUIZ_TLB_MAX_ACCESSES 32

/* The geometry asked; zero fields are drawn from the seed per question. */
struct quiz_tlb_params {
	unsigned entries, ways;      /* ways 0 with entries set: fully associative */
	int fifo;                    /* -1: drawn; 0: LRU; 1: FIFO */
	unsigned accesses;           /* sequence length (0: 10) */
};

struct quiz_tlb_question {
	unsigned entries, ways;
	bool fifo;
	unsigned n;
	uint64_t va[QUIZ_TLB_MAX_ACCESSES];
	uint64_t page_size[QUIZ_TLB_MAX_ACCESSES];
	unsigned set[QUIZ_TLB_MAX_ACCESSES];       /* (va >> log2 page size) mod sets */
	bool hit[QUIZ_TLB_MAX_ACCESSES];
	unsigned hits;
};

/* One page a sequence may read, and how it is mapped. */
struct quiz_tlb_page {
	uint64_t va, pa, size;
	uint32_t flags;
};

/*
 * Answers q (entries, ways, fifo, n, va[] and page_size[] filled): runs the
 * user reads through a one-TLB machine from base_yaml ("extends: PRESET" and
 * any knobs) with `pages` mapped, filling set[], hit[] and hits.
 */
int quiz_tlb_answer(const char *base_yaml, const struct quiz_tlb_page *pages, unsigned nr_pages,
		    struct quiz_tlb_question *q, mmusim_error *err);

#endif
