/*
 * quiz_replace: answers page-replacement questions with the OS layer (see
 * quiz_replace.h).  Each reference is one user read sent as an access event,
 * as a replayed trace would send it; OPT reads the same references first as
 * its future, through a pipe holding them as a text trace.
 */
#include "quiz_replace.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "canonical_va.h"
#include "cli_errors.h"

const char *const quiz_repl_policies[] = { "fifo", "lru", "opt", "clock", NULL };

/* Page 0's VA: the first page of the user range, in the lower half. */
static uint64_t page_zero(const mmusim_config *cfg)
{
	unsigned start, end, top = mmusim_config_levels(cfg);

	mmusim_config_user_top_range(cfg, &start, &end);
	return canonical_va_in_half(cfg, (uint64_t)start << mmusim_config_index_shift(cfg, top), false);
}

/* OPT's future: the references as a text trace, read back through a pipe (they fit in its buffer). */
static int read_future(mmusim_mmu *mmu, const struct quiz_repl_question *q, uint64_t base, uint64_t page,
		       mmusim_error *err)
{
	int fd[2];
	mmusim_trace *t;
	char line[64];
	int rc;

	if (pipe(fd))
		return cli_set_error(err, MMUSIM_EIO, "quiz: cannot make a pipe for OPT's future");
	for (unsigned i = 0; i < q->n; i++) {
		int len = snprintf(line, sizeof(line), "r 0x%" PRIx64 "\n", base + q->ref[i] * page);
		if (write(fd[1], line, (size_t)len) != len) {
			close(fd[0]);
			close(fd[1]);
			return cli_set_error(err, MMUSIM_EIO, "quiz: cannot write OPT's future");
		}
	}
	close(fd[1]);
	rc = mmusim_trace_open_fd(fd[0], "quiz references", MMUSIM_TRACE_TEXT, &t, err);
	if (!rc) {
		rc = mmusim_mmu_read_future(mmu, t, err);
		mmusim_trace_close(t);
	}
	close(fd[0]);
	return rc;
}

int quiz_repl_answer(const mmusim_config *cfg, struct quiz_repl_question *q, mmusim_error *err)
{
	mmusim_mmu_options opt = { .resident_pages = q->frames, .replacement = q->policy };
	uint64_t page = mmusim_config_page_size(cfg), base = page_zero(cfg);
	mmusim_machine *m;
	mmusim_mmu *mmu;
	int rc;

	if ((rc = mmusim_machine_create(cfg, &m, err)))
		return rc;
	if ((rc = mmusim_mmu_create(m, &opt, &mmu, err))) {
		mmusim_machine_destroy(m);
		return rc;
	}
	if (mmusim_mmu_needs_future(mmu) && (rc = read_future(mmu, q, base, page, err)))
		goto out;
	q->faults = 0;
	for (unsigned i = 0; i < q->n; i++) {
		mmusim_event ev = { .op = MMUSIM_EV_ACCESS, .access = MMUSIM_READ, .size = 1,
				    .va = base + q->ref[i] * page, .line = i + 1 };
		bool was_resident[QUIZ_REPL_MAX_REFS];
		mmusim_paging_stats before, after;

		/* Indexed by page number: references are below QUIZ_REPL_MAX_REFS. */
		for (unsigned p = 0; p < QUIZ_REPL_MAX_REFS; p++)
			was_resident[p] = mmusim_mmu_os_page(mmu, base + p * page, NULL) == MMUSIM_OS_PAGE_RESIDENT;
		mmusim_mmu_paging_stats(mmu, &before);
		if ((rc = mmusim_mmu_event(mmu, &ev, err)))
			goto out;
		mmusim_mmu_paging_stats(mmu, &after);
		q->fault[i] = after.page_faults != before.page_faults;
		q->faults += q->fault[i];
		q->victim[i] = -1;
		for (unsigned p = 0; p < QUIZ_REPL_MAX_REFS; p++)
			if (was_resident[p] && mmusim_mmu_os_page(mmu, base + p * page, NULL) != MMUSIM_OS_PAGE_RESIDENT)
				q->victim[i] = (int)p;
	}
out:
	mmusim_mmu_destroy(mmu);
	mmusim_machine_destroy(m);
	return rc;
}
