/* mmu_cpu_stats: each CPU's share of the statistics, charged at CPU switches (see mmu_cpu_stats.h). */
#include "mmu_cpu_stats.h"

#include <string.h>

/* The charge works on the counters as one array: struct mmu_cpu_counters holds uint64_t counters only. */
enum { CPU_COUNTERS = sizeof(struct mmu_cpu_counters) / sizeof(uint64_t) };
_Static_assert(sizeof(struct mmu_cpu_counters) % sizeof(uint64_t) == 0,
	       "struct mmu_cpu_counters holds uint64_t counters only");

/* The per-CPU counters of s (a counter added to both structs is added here too). */
static void counters_of(const struct mmu_stats *s, struct mmu_cpu_counters *out)
{
	memcpy(out->accesses, s->accesses, sizeof(out->accesses));
	out->walks = s->walks;
	out->pte_reads = s->pte_reads;
	out->prefetch_walks = s->prefetch_walks;
	out->prefetch_pte_reads = s->prefetch_pte_reads;
	memcpy(out->faults, s->faults, sizeof(out->faults));
	out->demand_paged = s->demand_paged;
	out->shootdowns = s->shootdowns;
	out->stale_hits = s->stale_hits;
	out->dirty_rewalks = s->dirty_rewalks;
	out->cycles = s->cycles;
}

static void add_delta(struct mmu_cpu_counters *restrict to, const struct mmu_cpu_counters *restrict now,
		      const struct mmu_cpu_counters *restrict then)
{
	uint64_t *t = (uint64_t *)to;
	const uint64_t *n = (const uint64_t *)now, *p = (const uint64_t *)then;

	for (unsigned i = 0; i < CPU_COUNTERS; i++)
		t[i] += n[i] - p[i];
}

void mmu_cpu_stats_charge(struct mmu *mmu)
{
	struct mmu_cpu_counters now;

	if (!mmu->cur)
		return;
	counters_of(&mmu->stats, &now);
	add_delta(&mmu->cur->charged, &now, &mmu->at_select);
	mmu->at_select = now;
}

void mmu_cpu_stats_reset(struct mmu *mmu)
{
	memset(&mmu->at_select, 0, sizeof(mmu->at_select));
	for (unsigned i = 0; i < mmu->nr_cpus; i++)
		if (mmu->cpus[i])
			memset(&mmu->cpus[i]->charged, 0, sizeof(mmu->cpus[i]->charged));
}

bool mmu_cpu_stats(const struct mmu *mmu, unsigned cpu, struct mmu_stats *out)
{
	const struct mmu_cpu *c = cpu < mmu->nr_cpus ? mmu->cpus[cpu] : NULL;
	struct mmu_cpu_counters mine;

	memset(out, 0, sizeof(*out));
	if (!c)
		return false;
	mine = c->charged;
	/* The current CPU's share also holds what it counted since it was selected. */
	if (c == mmu->cur) {
		struct mmu_cpu_counters now;
		counters_of(&mmu->stats, &now);
		add_delta(&mine, &now, &mmu->at_select);
	}
	memcpy(out->accesses, mine.accesses, sizeof(out->accesses));
	out->walks = mine.walks;
	out->pte_reads = mine.pte_reads;
	out->prefetch_walks = mine.prefetch_walks;
	out->prefetch_pte_reads = mine.prefetch_pte_reads;
	memcpy(out->faults, mine.faults, sizeof(out->faults));
	out->demand_paged = mine.demand_paged;
	out->shootdowns = mine.shootdowns;
	out->stale_hits = mine.stale_hits;
	out->dirty_rewalks = mine.dirty_rewalks;
	out->cycles = mine.cycles;
	return true;
}

unsigned mmu_cpus_used(const struct mmu *mmu)
{
	unsigned n = 0;

	for (unsigned i = 0; i < mmu->nr_cpus; i++)
		n += mmu->cpus[i] != NULL;
	return n;
}
