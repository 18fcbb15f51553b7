/*
 * replay_log: the replay's per-translation log (access_detail.h), handed to a
 * callback after each translation (one per page an access touches) once the
 * replay has dealt with its fault, or written as JSON Lines.
 *
 * A record's cycles, walks and PTE reads are the increase of the totals
 * (struct mmu_stats) since the previous record, so the records of a replay
 * without a statistics reset add up to its report; after a reset (the
 * warm-up's end, `stats reset`) the records from there on add up to it.
 */
#ifndef MMUSIM_SIM_REPLAY_LOG_H
#define MMUSIM_SIM_REPLAY_LOG_H

#include "sim/access_detail.h"
#include "sim/mmu.h"

typedef void (*access_log_fn)(void *arg, const struct access_detail *d);

struct replay_log {
	access_log_fn fn;                 /* NULL: off */
	void *arg;
	struct access_detail d;
	uint64_t index;
	uint64_t cycles, walks, pte_reads; /* the totals the previous record left */
};

struct replay;

/* Starts (fn non-NULL) or stops the log; records start at index 0. */
void replay_log_set(struct replay *r, access_log_fn fn, void *arg);

/* After the translation of va: fills the record and calls the log (mmu_ok: what the MMU itself answered). */
void replay_log_access(struct replay *r, uint64_t va, enum access_kind access, const struct mmu_result *res,
		       bool mmu_ok);

/* The totals were zeroed: the next record counts from zero. */
void replay_log_stats_reset(struct replay_log *l);

/* An access_log_fn writing JSON Lines to the replay's opt.log_out; arg: the struct replay. */
void replay_log_json(void *replay, const struct access_detail *d);

#endif
