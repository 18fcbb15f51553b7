/* shell_stale: a stale TLB hit shown in the shell (see shell_stale.h). */
#include "shell_stale.h"

#include "explain_text.h"

struct entry_search {
	uint64_t va;
	uint16_t asid;
	const mmusim_tlb_entry *found;
	mmusim_tlb_entry copy;
};

static int covers(void *arg, const mmusim_tlb_entry *e)
{
	struct entry_search *s = arg;

	if (s->va < e->va || s->va - e->va >= e->size || (!e->global && e->asid != s->asid))
		return 0;
	s->copy = *e;
	s->found = &s->copy;
	return 1;
}

void shell_stale_cached(const mmusim_mmu *mmu, const mmusim_config *cfg, uint64_t va, mmusim_translation *shown)
{
	struct entry_search s = { .va = va };
	enum mmusim_priv priv;
	unsigned cpu;

	mmusim_mmu_current(mmu, &cpu, &s.asid, &priv);
	/* Level 1 is probed first: an entry there is the one that answered. */
	for (unsigned level = 1; level <= 2 && !s.found; level++) {
		for (unsigned i = 0; i < mmusim_config_nr_tlbs(cfg) && !s.found; i++) {
			mmusim_cache_info ci;
			mmusim_config_cache_info(cfg, false, i, &ci);
			if (ci.level == level)
				mmusim_mmu_for_each_tlb_entry(mmu, false, i, covers, &s);
		}
	}
	if (!s.found)
		return;
	shown->level = s.found->level;
	shown->perms = s.found->perms;
}

void shell_stale_line(FILE *out, const mmusim_config *cfg, uint64_t va, const mmusim_translation *table)
{
	char answer[512];

	explain_answer(cfg, va, table, answer, sizeof(answer));
	fprintf(out, "  stale: the TLB entry no longer agrees with the page table, which says: %s\n", answer);
}
