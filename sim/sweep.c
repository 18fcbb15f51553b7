/*
 * sweep: one trace pass, many replays (see sweep.h).
 *
 * The ring: SLOTS batches.  The reader fills slot seq % SLOTS once every
 * worker has released it (pending == 0), then publishes it (published =
 * seq + 1); worker w runs batch seq once published > seq, then releases it.
 * So the reader runs up to SLOTS - 1 batches ahead of the slowest worker and
 * no batch is overwritten while a worker reads it.  One mutex guards the
 * counters; the batches themselves are handed over by those counters, never
 * touched by two sides at once.
 */
#include "sweep.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 16384
#define SLOTS 4

struct slot {
	struct trace_event ev[BATCH];
	size_t n;
	unsigned pending;        /* workers that have not finished this batch */
};

struct ring {
	pthread_mutex_t mu;
	pthread_cond_t ready;    /* a batch was published, or the end */
	pthread_cond_t released; /* a slot's last worker finished it */
	struct slot *slots;
	uint64_t published;      /* batches published so far */
	bool end;
	struct sweep_job *jobs;
	size_t nr_jobs;
	unsigned threads;
};

struct worker {
	struct ring *ring;
	unsigned id;
	pthread_t thread;
};

static void run_batch(struct sweep_job *jobs, size_t nr_jobs, size_t first, size_t step,
		      const struct trace_event *ev, size_t n)
{
	for (size_t j = first; j < nr_jobs; j += step) {
		if (!jobs[j].failed && replay_events(jobs[j].replay, ev, n, &jobs[j].err))
			jobs[j].failed = true;
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct ring *g = w->ring;

	for (uint64_t seq = 0;; seq++) {
		struct slot *s = &g->slots[seq % SLOTS];

		pthread_mutex_lock(&g->mu);
		while (g->published <= seq && !g->end)
			pthread_cond_wait(&g->ready, &g->mu);
		if (g->published <= seq) {
			pthread_mutex_unlock(&g->mu);
			return NULL;
		}
		pthread_mutex_unlock(&g->mu);
		run_batch(g->jobs, g->nr_jobs, w->id, g->threads, s->ev, s->n);
		pthread_mutex_lock(&g->mu);
		if (--s->pending == 0)
			pthread_cond_signal(&g->released);
		pthread_mutex_unlock(&g->mu);
	}
}

/* One thread: read a batch, run it everywhere, repeat. */
static int run_inline(const struct event_source *src, struct sweep_job *jobs, size_t nr_jobs, struct mm_error *err)
{
	struct trace_event *ev = malloc(BATCH * sizeof(*ev));
	long n;

	if (!ev)
		return mm_error_set(err, MM_ENOMEM, "out of host memory");
	while ((n = src->next(src->impl, ev, BATCH, err)) > 0)
		run_batch(jobs, nr_jobs, 0, 1, ev, (size_t)n);
	free(ev);
	return n == EVENT_SOURCE_FAILED ? EVENT_SOURCE_FAILED : MM_OK;
}

int sweep_run(const struct event_source *src, struct sweep_job *jobs, size_t nr_jobs, unsigned threads,
	      struct mm_error *err)
{
	struct ring g = { .jobs = jobs, .nr_jobs = nr_jobs };
	struct worker *workers;
	unsigned started = 0;
	int rc = MM_OK;

	if (threads > nr_jobs)
		threads = (unsigned)nr_jobs;
	if (threads <= 1)
		return run_inline(src, jobs, nr_jobs, err);
	g.threads = threads;
	g.slots = calloc(SLOTS, sizeof(*g.slots));
	workers = calloc(threads, sizeof(*workers));
	if (!g.slots || !workers) {
		free(g.slots);
		free(workers);
		return mm_error_set(err, MM_ENOMEM, "out of host memory");
	}
	pthread_mutex_init(&g.mu, NULL);
	pthread_cond_init(&g.ready, NULL);
	pthread_cond_init(&g.released, NULL);
	for (; started < threads; started++) {
		workers[started] = (struct worker){ .ring = &g, .id = started };
		if (pthread_create(&workers[started].thread, NULL, worker_main, &workers[started]) != 0)
			break;
	}
	if (started < threads) {
		/* Fewer threads than asked would put some jobs on no thread: stop before reading. */
		rc = mm_error_set(err, MM_EINVAL, "cannot start %u threads (started %u)", threads, started);
	}
	for (uint64_t seq = 0; rc == MM_OK; seq++) {
		struct slot *s = &g.slots[seq % SLOTS];

		pthread_mutex_lock(&g.mu);
		while (s->pending)
			pthread_cond_wait(&g.released, &g.mu);
		pthread_mutex_unlock(&g.mu);
		long n = src->next(src->impl, s->ev, BATCH, err);
		if (n <= 0) {
			if (n == EVENT_SOURCE_FAILED)
				rc = EVENT_SOURCE_FAILED;
			break;
		}
		s->n = (size_t)n;
		s->pending = threads;
		pthread_mutex_lock(&g.mu);
		g.published = seq + 1;
		pthread_cond_broadcast(&g.ready);
		pthread_mutex_unlock(&g.mu);
	}
	pthread_mutex_lock(&g.mu);
	g.end = true;
	pthread_cond_broadcast(&g.ready);
	pthread_mutex_unlock(&g.mu);
	for (unsigned i = 0; i < started; i++)
		pthread_join(workers[i].thread, NULL);
	pthread_cond_destroy(&g.released);
	pthread_cond_destroy(&g.ready);
	pthread_mutex_destroy(&g.mu);
	free(workers);
	free(g.slots);
	return rc;
}
