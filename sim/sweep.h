/*
 * sweep: one pass over a trace feeds many replays (many machine models).
 *
 * The trace is read and decoded once; every batch of events goes to every
 * replay.  With more than one thread, the calling thread reads batches into
 * a small ring while worker threads each run their share of the replays
 * (replay i on worker i mod threads) over every batch in order, so each
 * replay sees exactly the event sequence a separate `replay` would.  The
 * replays share nothing but the read-only batches: each owns its machine.
 */
#ifndef MMUSIM_SIM_SWEEP_H
#define MMUSIM_SIM_SWEEP_H

#include <stdbool.h>
#include <stddef.h>

#include "pt/mm_error.h"
#include "sim/replay.h"
#include "sim/trace_event.h"

#define SWEEP_THREADS_MAX 256

struct sweep_job {
	struct replay *replay;   /* ready to run (replay_init done by the caller) */
	bool failed;             /* its replay stopped at an error: err says why */
	struct mm_error err;
};

/*
 * Where a sweep's events come from: next fills up to max events and returns
 * how many (0 at the end), or EVENT_SOURCE_FAILED with the source's error
 * (code and message) in *err.  A trace reader is one (formats/trace.h:
 * trace_reader_next).
 */
enum { EVENT_SOURCE_FAILED = -1 };

struct event_source {
	long (*next)(void *impl, struct trace_event *ev, size_t max, struct mm_error *err);
	void *impl;
};

/*
 * Reads src to its end and runs every event through every job's replay, on
 * `threads` worker threads (1: all in the calling thread; more than nr_jobs
 * is the same as nr_jobs).  A job whose replay fails stops there while the
 * others go on.  Returns MM_OK; EVENT_SOURCE_FAILED with the source's error
 * in *err once every job has run the events before it; or MM_ENOMEM /
 * MM_EINVAL (no thread) with a message before anything ran.
 */
int sweep_run(const struct event_source *src, struct sweep_job *jobs, size_t nr_jobs, unsigned threads,
	      struct mm_error *err);

#endif
