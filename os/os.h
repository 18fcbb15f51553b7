/*
 * os: the operating system above the MMU — what replay sees of it.  It owns
 * the regions each address space declared (mmap / munmap), the resident set
 * of user pages with its limit and replacement policy, and the swap area; it
 * drives the page tables the way a kernel does (pt_map / pt_unmap, frames
 * from physical memory, shootdowns through the MMU).  The MMU knows nothing
 * of it: replay hands it the not-present faults on user VAs, the edits it
 * must see, and (only for policies that need them: lru, opt) every access.
 *
 * Fault handling: a touch of a user VA whose page is not resident is a page
 * fault (counted in page_faults).  Outside every region of an address space
 * that declared one it is a segmentation fault (segfaults; the access is not
 * retried).  Otherwise a frame is found — free, or taken from a victim the
 * policy picks when `resident_pages` are resident — and the page mapped with
 * its region's properties (without regions, those of demand paging); a page
 * that was in swap comes back from it (a major fault, a swap-in).  A victim is
 * unmapped (not-present PTE, frame freed, TLB and PWC entries shot down on
 * every CPU); if its D bit was set it is written to swap (swap_outs), if
 * clean it is dropped (a copy already in swap stays valid).
 */
#ifndef MMUSIM_OS_OS_H
#define MMUSIM_OS_OS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pt/mm_error.h"
#include "pt/page_prop.h"
#include "sim/trace_event.h"

struct machine;
struct mmu;
struct os;

struct os_options {
	uint64_t resident_pages;   /* 0: no limit */
	const char *replacement;   /* policy name (replacement.h); NULL: fifo */
	uint64_t seed;             /* random: the generator's seed (0 taken as 1) */
	bool no_clock_flush;       /* clock: clearing A leaves the page's TLB entries */
};

struct paging_stats {
	uint64_t page_faults;   /* accesses that found their page non-resident, first touches included */
	uint64_t major_faults;  /* ... and brought it back from swap */
	uint64_t evictions;
	uint64_t swap_ins;
	uint64_t swap_outs;
	uint64_t cow_copies;
	uint64_t segfaults;     /* touches outside every region */
};

/* What became of a fault handed to the OS. */
enum os_verdict {
	OS_RETRY,    /* the page is mapped now: walk again */
	OS_SEGV,     /* outside every region: the fault stands */
};

/* MM_EINVAL "unknown replacement policy 'X' (fifo|lru|clock|opt|random)". */
int os_create(struct machine *m, struct mmu *mmu, const struct os_options *opt, struct os **out,
	      struct mm_error *err);
void os_destroy(struct os *os);

/* A not-present fault on user VA va of address space asid. */
int os_page_fault(struct os *os, uint16_t asid, uint64_t va, enum os_verdict *out, struct mm_error *err);
/* The policy needs every access reported (os_note_access). */
bool os_tracks_use(const struct os *os);
/* One counted access to va in asid (after any fault it took was handled). */
void os_note_access(struct os *os, uint16_t asid, uint64_t va);

/* mmap va len prop [shared] in asid: MM_EUNALIGNED, MM_EINVAL (empty, overlapping, global). */
int os_mmap(struct os *os, uint16_t asid, uint64_t va, uint64_t len, const struct page_prop *prop,
	    bool shared, struct mm_error *err);
/* munmap: unmaps the resident pages (frames freed, shootdown), forgets the swapped ones and the range. */
int os_munmap(struct os *os, uint16_t asid, uint64_t va, uint64_t len, struct mm_error *err);
/*
 * A map or unmap of [va, va+len) in asid made by hand: the OS's pages there
 * are no longer its own (their frames go back to the free list, swap copies are
 * dropped).
 */
void os_forget_range(struct os *os, uint16_t asid, uint64_t va, uint64_t len);

/*
 * fork: asid child becomes a copy of parent's OS-managed pages and regions.
 * Private writable pages turn read-only in both and share their frame
 * copy-on-write (the frame's sharers are its reference count); read-only
 * pages and those of shared regions are shared as they are; swapped pages
 * share their swap slot.  Parent pages made read-only are shot down when
 * flush.  MM_EINVAL when child already has an address space (an exited one is
 * not reused).
 */
int os_fork(struct os *os, uint16_t parent, uint16_t child, bool flush, struct mm_error *err);
/* exit: asid's pages unmapped (frames freed at their last reference, shootdown), its swap and regions gone. */
int os_exit(struct os *os, uint16_t asid, struct mm_error *err);
/*
 * Takes over a base page of asid mapped at pa before the OS layer came in
 * (demand paging's): resident from now on, as if the OS had faulted it in,
 * without counting a page fault.  Nothing when the OS knows the page already.
 */
int os_adopt(struct os *os, uint16_t asid, uint64_t va, uint64_t pa, struct mm_error *err);
/*
 * A permission fault of a write to user va in asid: when the page is one fork
 * made read-only (its region writable), the fault is the OS's: the frame is
 * copied (cow_copies) or, its last sharer, made writable again; *handled then.
 */
int os_write_fault(struct os *os, uint16_t asid, uint64_t va, bool *handled, struct mm_error *err);

/* opt: the future, read from the trace before the replay (the same events, in order). */
int os_future_add(struct os *os, const struct trace_event *ev, size_t n, struct mm_error *err);
/* opt: what follows in the future runs on `cpu` (a trace's thread, mapped to its CPU by the replay). */
void os_future_cpu(struct os *os, unsigned cpu);
/* Ends the future; MM_EINVAL for opt when os_future_add was never called. */
int os_future_end(struct os *os, struct mm_error *err);
bool os_needs_future(const struct os *os);

/* What the OS knows of a user page, for the views that mark it (the shell's show and explain). */
enum os_page_view {
	OS_VIEW_UNKNOWN,     /* not the OS's: never touched, or placed by hand */
	OS_VIEW_RESIDENT,
	OS_VIEW_COW,         /* resident, its frame shared copy-on-write since a fork */
	OS_VIEW_SWAPPED,     /* out in swap: a touch is a major fault */
};
/* The view of va's page in asid; *swap_slot gets the slot of a swapped page. */
enum os_page_view os_page_view(const struct os *os, uint16_t asid, uint64_t va, uint64_t *swap_slot);
/* Calls fn for each swapped-out page of asid (its VA and swap slot), in the order the OS met them. */
int os_for_each_swapped(const struct os *os, uint16_t asid, int (*fn)(void *arg, uint64_t va, uint64_t slot),
			void *arg);

const struct paging_stats *os_stats(const struct os *os);
/* User pages resident now (the resident set's size). */
uint64_t os_resident_pages(const struct os *os);
void os_stats_reset(struct os *os);

#endif
