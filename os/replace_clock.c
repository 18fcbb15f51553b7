/*
 * replace_clock: what an OS does with the A bits the hardware sets (OSTEP
 * ch. 22, "Approximating LRU"; Linux's second chance).  The hand goes round
 * the frames: a page whose A bit is set was used since the hand last passed;
 * the hand clears the bit in the PTE and moves on; the first page found with
 * A clear goes.  Whether the cleared page's TLB entries are flushed is the
 * OS's choice (the `referenced` hook): without a flush, a translation the TLB
 * still holds is used without a walk, A is never set again, and a hot page
 * looks cold.
 */
#include "os/replacement.h"

static size_t clock_victim(struct replacement *rp, struct resident *rs)
{
	/* Two turns at most: the first clears every A bit it meets. */
	for (size_t n = 0; n < 2 * rs->nr_slots; n++) {
		size_t s = rp->hand % rs->nr_slots;
		rp->hand = s + 1;
		if (!rp->referenced(rp->arg, s))
			return s;
	}
	return rp->hand++ % rs->nr_slots;
}

const struct replacement_ops replace_clock = { .name = "clock", .victim = clock_victim };
