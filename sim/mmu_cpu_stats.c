/* mmu_cpu_stats: each CPU's share of the statistics, charged at CPU switches (see mmu_cpu_stats.h). */
#include "mmu_cpu_stats.h"

#include <string.h>

/*
 * The charge adds and subtracts the statistics counter by counter as one
 * array: every member of struct mmu_stats (and of the nested_stats inside) is
 * a uint64_t counter, so a counter added later is charged without a change here.
 */
enum { STATS_COUNTERS = sizeof(struct mmu_stats) / sizeof(uint64_t) };
_Static_assert(sizeof(struct mmu_stats) % sizeof(uint64_t) == 0, "struct mmu_stats holds uint64_t counters only");

static void add_delta(struct mmu_stats *to, const struct mmu_stats *now, const struct mmu_stats *then)
{
	uint64_t *t = (uint64_t *)to;
	const uint64_t *n = (const uint64_t *)now, *p = (const uint64_t *)then;

	for (unsigned i = 0; i < STATS_COUNTERS; i++)
		t[i] += n[i] - p[i];
}

void mmu_cpu_stats_charge(struct mmu *mmu)
{
	if (!mmu->cur)
		return;
	add_delta(&mmu->cur->charged, &mmu->stats, &mmu->at_select);
	mmu->at_select = mmu->stats;
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

	memset(out, 0, sizeof(*out));
	if (!c)
		return false;
	*out = c->charged;
	/* The current CPU's share also holds what it counted since it was selected. */
	if (c == mmu->cur)
		add_delta(out, &mmu->stats, &mmu->at_select);
	return true;
}

unsigned mmu_cpus_used(const struct mmu *mmu)
{
	unsigned n = 0;

	for (unsigned i = 0; i < mmu->nr_cpus; i++)
		n += mmu->cpus[i] != NULL;
	return n;
}
