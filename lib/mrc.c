/*
 * The public face of sim/mrc.c: miss-ratio curves over a trace (mmusim_mrc_*).
 */
#include "api.h"

#include <stdlib.h>

#include "formats/trace.h"
#include "sim/sweep.h"
#include "sim/mrc.h"

#define MRC_BATCH 4096

struct mmusim_mrc {
	struct mrc *mrc;
	bool mapped;        /* page size 0: mmusim_mrc_run_mapped only */
};

API_SAME(MMUSIM_MRC_DATA, MRC_DATA);
API_SAME(MMUSIM_MRC_INSTRUCTION, MRC_INSTRUCTION);
API_SAME(MMUSIM_MRC_ALL, MRC_ALL);
_Static_assert(MMUSIM_MRC_MAX_SET_COUNTS == MRC_MAX_SET_COUNTS, "set count limits agree");

int mmusim_mrc_create(const mmusim_mrc_options *opt, mmusim_mrc **out, mmusim_error *err)
{
	struct mm_error e = { 0 };
	struct mrc_options o = { 0 };
	mmusim_mrc *m;

	API_REFUSE_NULL(err, out);
	*out = NULL;
	API_REFUSE_NULL(err, opt);
	o = (struct mrc_options){ .max_entries = opt->max_entries, .kind = (enum mrc_kind)opt->kind,
				  .nr_sets = opt->nr_sets };
	if (opt->page_size & (opt->page_size - 1))
		return api_error(err, &(struct mm_error){ MM_EINVAL, "page size must be a power of two (or 0: mapped)" });
	o.mapped = opt->page_size == 0;
	o.page_shift = o.mapped ? 0 : (unsigned)__builtin_ctzll(opt->page_size);
	for (unsigned i = 0; i < opt->nr_sets && i < MRC_MAX_SET_COUNTS; i++)
		o.sets[i] = opt->sets[i];
	if (!(m = calloc(1, sizeof(*m))))
		return api_error(err, &(struct mm_error){ MM_ENOMEM, "out of host memory" });
	if (!(m->mrc = mrc_create(&o, &e))) {
		free(m);
		return api_error(err, &e);
	}
	m->mapped = o.mapped;
	*out = m;
	return MMUSIM_OK;
}

void mmusim_mrc_destroy(mmusim_mrc *m)
{
	if (!m)
		return;
	mrc_destroy(m->mrc);
	free(m);
}

/* Reads t to its end into m, through mmu's replay when it is given (the mapped page sizes). */
static int run(mmusim_mrc *m, mmusim_mmu *mmu, mmusim_trace *t, mmusim_error *err)
{
	struct mm_error e = { 0 };
	struct trace_reader *rd = api_trace_reader(t);
	struct trace_event *batch = malloc(MRC_BATCH * sizeof(*batch));
	const char *source = api_trace_path(t);
	long n;
	int rc = MMUSIM_OK;

	if (m->mapped != (mmu != NULL)) {
		free(batch);
		mm_error_set(&e, MM_EINVAL, "%s", m->mapped ? "mrc: page size 0 (mapped) needs mmusim_mrc_run_mapped"
							   : "mrc: mmusim_mrc_run_mapped needs page size 0 (mapped)");
		return api_error(err, &e);
	}
	if (!batch)
		return api_error(err, &(struct mm_error){ MM_ENOMEM, "out of host memory" });
	if (mmu)
		mmu->replay.source = source;
	while ((n = trace_reader_next(rd, batch, MRC_BATCH, &e)) > 0)
		if ((rc = mmu ? mrc_events_mapped(m->mrc, &mmu->replay, batch, (size_t)n, source, &e)
			      : mrc_events(m->mrc, batch, (size_t)n, source, &e)))
			break;
	if (mmu)
		mmu->replay.source = "event";
	if (n == EVENT_SOURCE_FAILED)
		rc = e.code ? e.code : MM_EINVAL;
	free(batch);
	return rc ? api_error(err, &e) : MMUSIM_OK;
}

int mmusim_mrc_run(mmusim_mrc *m, mmusim_trace *t, mmusim_error *err)
{
	API_REFUSE_NULL(err, t);
	return run(m, NULL, t, err);
}

int mmusim_mrc_run_mapped(mmusim_mrc *m, mmusim_mmu *mmu, mmusim_trace *t, mmusim_error *err)
{
	API_REFUSE_NULL(err, t);
	return run(m, mmu, t, err);
}

uint64_t mmusim_mrc_accesses(const mmusim_mrc *m)
{
	return mrc_accesses(m->mrc);
}

void mmusim_mrc_curve(const mmusim_mrc *m, uint64_t *misses)
{
	mrc_curve(m->mrc, misses);
}

uint64_t mmusim_mrc_set_misses(const mmusim_mrc *m, unsigned set_idx, unsigned ways)
{
	return mrc_set_misses(m->mrc, set_idx, ways);
}

uint64_t mmusim_mrc_partial_invalidations(const mmusim_mrc *m)
{
	return mrc_partial_invalidations(m->mrc);
}
