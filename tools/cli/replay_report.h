/*
 * replay_report: what a replay shows at the end — the statistics and each
 * TLB's and PWC's counters — as a readable table or one JSON object (replay,
 * run, sweep --json and report print the same).
 */
#ifndef MMUSIM_TOOLS_REPLAY_REPORT_H
#define MMUSIM_TOOLS_REPLAY_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include <mmusim.h>

/* Where the replayed events came from. */
struct replay_report_info {
	const char *trace;
	const char *format;
	bool image_tables;           /* the walks read an --image's tables: none were built, none are counted */
};

#define REPLAY_SUMMARY_MAX_TLBS 8

struct replay_summary {
	const char *config;          /* the config's name */
	bool check_stale;            /* stale hits were counted: show them */
	mmusim_stats stats;
	unsigned nr_tlbs, nr_pwcs;
	mmusim_cache_stats tlb[REPLAY_SUMMARY_MAX_TLBS];
	bool prefetching[REPLAY_SUMMARY_MAX_TLBS]; /* the config has tlb[i] prefetch: its counters show, 0 or not */
	mmusim_cache_stats pwc[MMUSIM_MAX_LEVELS];
	bool vm;                     /* a virtual machine: its 2-D walks below */
	mmusim_nested_stats nested;
	bool paging;                 /* the OS layer ran: its counters below */
	mmusim_paging_stats paging_stats;
	bool data_caches;            /* the config's caches: block: its counters below */
	mmusim_data_cache_stats data_cache_stats;
	const mmusim_mmu *mmu;       /* read again for the per-CPU part (cpu_report.h): alive until the report */
	uint64_t warmup;             /* --warmup N (0: none) */
	uint64_t warmup_left;        /* its accesses the trace did not have: it never ended, nothing was reset */
};

/* Fills *r from an mmu over a machine of config cfg. */
void replay_summary_from_mmu(struct replay_summary *r, const mmusim_mmu *mmu, const mmusim_config *cfg,
			     bool check_stale);
/* The accesses the statistics count: reads, writes and fetches. */
uint64_t replay_summary_accesses(const struct replay_summary *r);
/* The statistics of a replay: a readable table, or one JSON object. */
void replay_summary_report(FILE *out, bool json, const struct replay_summary *r,
			   const struct replay_report_info *info);

/*
 * What a researcher must know before reading statistics after --warmup N:
 * that the warm-up never ended (the trace had fewer accesses: nothing was
 * reset, the statistics include it) or took the whole trace (nothing is left
 * after it).  Prints "mmusim: TRACE: warning: ..." on err and returns true,
 * or prints nothing.  config: named in the note (a sweep's), or NULL.
 */
bool replay_warmup_note(FILE *err, const char *trace, const char *config, const struct replay_summary *r);

#endif
