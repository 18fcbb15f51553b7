/*
 * quiz_tlb: answers "TLB hit or miss" questions with the simulator's TLB
 * (see quiz_tlb.h).  The question's TLB replaces the config's TLBs, and
 * `pwc: []` its paging-structure caches, in a YAML document extending the
 * quiz's preset: the TLB lists every page size the quiz maps, so a huge page
 * takes one entry.  The access log says which TLB served each read.
 */
#include "quiz_tlb.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_errors.h"

struct served {
	struct quiz_tlb_question *q;
	unsigned i;
};

static void log_served(void *arg, const mmusim_access_detail *d)
{
	struct served *s = arg;

	if (s->i < s->q->n)
		s->q->hit[s->i] = d->tlb >= 0 && d->rewalk == MMUSIM_REWALK_NONE;
}

/* base_yaml with the question's TLB and no PWCs. */
static char *tlb_yaml(const char *base_yaml, const struct quiz_tlb_question *q, const struct quiz_tlb_page *pages,
		      unsigned nr_pages)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	uint64_t sizes[2] = { 0, 0 };

	if (!f)
		return NULL;
	for (unsigned i = 0; i < nr_pages; i++)
		if (pages[i].size != sizes[0] && pages[i].size != sizes[1])
			sizes[sizes[0] ? 1 : 0] = pages[i].size;
	fprintf(f, "%s\ntlb:\n  - { name: quiz, level: 1, kind: unified, entries: %u, ways: %u, page_sizes: [%" PRIu64,
		base_yaml, q->entries, q->ways, sizes[0]);
	if (sizes[1])
		fprintf(f, ", %" PRIu64, sizes[1]);
	fprintf(f, "], replacement: %s, latency: 1 }\npwc: []\n", q->fifo ? "fifo" : "lru");
	fclose(f);
	return text;
}

int quiz_tlb_answer(const char *base_yaml, const struct quiz_tlb_page *pages, unsigned nr_pages,
		    struct quiz_tlb_question *q, mmusim_error *err)
{
	char *yaml = tlb_yaml(base_yaml, q, pages, nr_pages);
	unsigned sets = q->entries / q->ways;
	mmusim_config *cfg = NULL;
	mmusim_machine *m = NULL;
	mmusim_mmu *mmu = NULL;
	struct served s = { .q = q };
	int rc;

	if (!yaml)
		return cli_set_error(err, MMUSIM_ENOMEM, "quiz: out of memory");
	rc = mmusim_config_parse(yaml, strlen(yaml), "quiz-tlb.yaml", &cfg, err);
	free(yaml);
	if (rc || (rc = mmusim_machine_create(cfg, &m, err)))
		goto out;
	for (unsigned i = 0; i < nr_pages; i++)
		if ((rc = mmusim_map(m, pages[i].va, pages[i].pa, pages[i].size, pages[i].flags, MMUSIM_CACHE_WB, err)))
			goto out;
	if ((rc = mmusim_mmu_create(m, NULL, &mmu, err)))
		goto out;
	mmusim_mmu_set_access_log(mmu, log_served, &s);
	q->hits = 0;
	for (s.i = 0; s.i < q->n; s.i++) {
		mmusim_mmu_result r;

		q->set[s.i] = (unsigned)((q->va[s.i] / q->page_size[s.i]) % sets);
		if ((rc = mmusim_mmu_translate(mmu, q->va[s.i], MMUSIM_READ, &r)))
			goto out;
		if (!r.ok) {
			rc = cli_set_error(err, MMUSIM_EINVAL, "quiz: TLB question: user read of 0x%" PRIx64 " faults",
					   q->va[s.i]);
			goto out;
		}
		q->hits += q->hit[s.i];
	}
out:
	mmusim_mmu_destroy(mmu);
	mmusim_machine_destroy(m);
	mmusim_config_free(cfg);
	return rc;
}
