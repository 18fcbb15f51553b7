/*
 * replay: runs trace events through a machine and its MMU.
 *
 * Accesses are translated (an access of `size` bytes that crosses a base-page
 * boundary is one translation per page it touches); map / unmap / protect edit
 * the current address space and, unless auto_flush is off, shoot down the
 * affected TLB and PWC entries on every CPU; asid / priv / cpu / flush drive
 * the MMU.  With demand paging, a not-present fault on a user-range VA gets a
 * fresh frame mapped (rwx, user: what the program may touch) and the access is
 * retried without being counted again.
 *
 * A statistics reset (`stats reset`, or the warm-up's end) zeroes every
 * counter (struct mmu_stats: accesses, walks, PTE reads, faults, demand-paged
 * pages, shootdowns, cycles...; every TLB's, PWC's and data cache's hits, misses and
 * evictions) and restarts the interval series; it keeps what the caches hold,
 * the page tables and the current CPU, ASID and privilege.
 */
#ifndef MMUSIM_SIM_REPLAY_H
#define MMUSIM_SIM_REPLAY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "os/os.h"
#include "sim/mmu.h"
#include "sim/demand_pages.h"
#include "sim/replay_log.h"
#include "sim/trace_event.h"

/*
 * Threads to CPUs (--threads-to-cpus): thread N runs on cpu_of[N] when the
 * table lists it, else on CPU N % round_robin (round_robin 0: CPU N, one each).
 */
struct thread_map {
	unsigned round_robin;
	const uint16_t *cpu_of;      /* by thread id, THREAD_UNMAPPED where not listed; may be NULL */
	size_t nr;                   /* entries of cpu_of */
};
#define THREAD_UNMAPPED UINT16_MAX

/* The CPU thread runs on under map. */
static inline unsigned thread_map_cpu(const struct thread_map *map, uint32_t thread)
{
	if (thread < map->nr && map->cpu_of[thread] != THREAD_UNMAPPED)
		return map->cpu_of[thread];
	return map->round_robin ? thread % map->round_robin : thread;
}

struct replay_options {
	uint64_t demand_page_size;   /* 0 = off; else the base page or a larger leaf size */
	bool no_auto_flush;          /* edits leave TLBs alone: stale translations stay visible */
	bool check_stale;            /* count TLB hits that disagree with the page table */
	uint64_t interval;           /* 0 = off; else a CSV row every `interval` accesses */
	FILE *interval_out;
	uint64_t warmup;             /* 0 = off; else the statistics reset once this many accesses are counted */
	bool os;                     /* the OS layer from the start (limited memory, a policy); else from the first mmap */
	struct os_options os_opt;
	FILE *log_out;               /* NULL = off; else one JSON line per translation (replay_log.h) */
	struct thread_map threads;   /* which CPU each `thread N` runs on; zeroed: thread N on CPU N */
};

struct replay {
	struct machine *m;
	struct mmu mmu;
	struct replay_options opt;
	const char *source;          /* trace name, for error messages */
	uint64_t warmup_at;          /* 0 = none; else the access count at which the statistics reset */
	uint64_t warmup;             /* the accesses the last warm-up asked for (0: none), kept once it ended */
	bool after_every_access;     /* CSV rows or a pending warm-up: look after every access */
	uint64_t next_row;           /* access count at which the next CSV row is due */
	struct mmu_stats last_row;   /* totals at the previous row */
	uint64_t *last_tlb;          /* per TLB config: hits+misses, misses at the previous row */
	/* Look-ahead prefetching, on while walks are frequent enough to pay for it. */
	bool prefetch;
	struct walk_prefetch_memo *prefetch_memo;  /* cleared by every page-table edit; may be NULL */
	uint64_t window_accesses, window_walks;  /* totals when the current window began */
	/* The OS layer (os/os.h), NULL until asked for: demand paging without it is today's. */
	struct os *os;
	bool os_columns;             /* the CSV has the paging columns (the OS was on from the start) */
	struct demand_pages demanded;  /* demand paging's pages while the OS is off, for it to take over */
	struct paging_stats last_paging;  /* paging totals at the previous row */
	struct replay_log log;       /* the per-translation log; log.fn NULL when off */
};

int replay_init(struct replay *r, struct machine *m, const struct replay_options *opt,
		const char *source, struct mm_error *err);
void replay_fini(struct replay *r);

/* Runs n events; stops at the first error ("source:LINE: message"). */
int replay_events(struct replay *r, const struct trace_event *ev, size_t n, struct mm_error *err);

/*
 * Translates one page's access as a trace access would be: counted, with
 * demand paging and the warm-up; a fault that stays is counted and returned
 * in *out.  Fails only when demand paging does (out of simulated memory).
 */
int replay_translate(struct replay *r, uint64_t va, enum access_kind access, struct mmu_result *out,
		     struct mm_error *err);

/* The OS layer's statistics, or NULL when it never came in. */
const struct paging_stats *replay_paging_stats(const struct replay *r);

/*
 * Reads the future for a policy that needs it (opt) before the replay: the
 * trace's events in order, then ended with end true.  Does nothing for other
 * policies.
 */
int replay_future(struct replay *r, const struct trace_event *ev, size_t n, bool end, struct mm_error *err);
/* The OS's policy needs the future and it has not been read. */
bool replay_needs_future(const struct replay *r);

/* Zeroes the statistics, keeps the caches and tables (see above). */
void replay_stats_reset(struct replay *r);

/* Decides after_every_access from what is on now (an option, the OS's policy, the log). */
void replay_look_after_accesses(struct replay *r);

/*
 * The statistics reset by themselves once `accesses` more accesses are
 * counted (0: never), whatever other resets happen meanwhile.
 */
void replay_set_warmup(struct replay *r, uint64_t accesses);
/*
 * The last warm-up asked for: *requested its accesses (0: none), *left those
 * still to count before its reset (0: it ended, or there is none).
 */
void replay_warmup_state(const struct replay *r, uint64_t *requested, uint64_t *left);

/* Writes the final partial CSV row, if any accesses happened since the last one. */
void replay_finish(struct replay *r);

/* Sums of one TLB's counters over all CPUs (by index into cfg.tlb / cfg.pwc). */
void replay_tlb_totals(const struct replay *r, unsigned idx, bool pwc, struct tlb_stats *out);

#endif
