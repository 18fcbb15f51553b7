/*
 * demand_pages: the pages replay's demand paging mapped while the OS layer
 * was off, so that the OS layer, when a trace's first mmap, munmap, fork or
 * exit brings it in, takes them over as a kernel owns every page it faulted
 * in: fork hands them to the child copy-on-write, exit and munmap free them.
 * Runs of pages contiguous in VA and PA are kept as one record (a program's
 * arrays fault in that way), so the cost is a few bytes per run.
 */
#ifndef MMUSIM_SIM_DEMAND_PAGES_H
#define MMUSIM_SIM_DEMAND_PAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct demand_run {
	uint64_t va, pa, len;  /* [va, va+len) mapped at pa, pages of page_size */
	uint64_t page_size;
	uint16_t asid;
	uint16_t vmid;
};

struct demand_pages {
	struct demand_run *runs;
	size_t nr, cap;
};

/* One page demand paging mapped; false when out of host memory. */
bool demand_pages_note(struct demand_pages *d, unsigned vmid, uint16_t asid, uint64_t va, uint64_t pa,
		       uint64_t page_size);
void demand_pages_fini(struct demand_pages *d);

#endif
