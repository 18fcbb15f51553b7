/* cpu_stats: the public face of sim/mmu_cpu_stats — each CPU's share of the statistics. */
#include "api.h"

#include "sim/mmu_cpu_stats.h"

unsigned mmusim_mmu_nr_cpus(const mmusim_mmu *mmu)
{
	return mmu->replay.mmu.nr_cpus;
}

int mmusim_mmu_cpu_stats(const mmusim_mmu *mmu, unsigned cpu, mmusim_stats *out)
{
	struct mmu_stats s;

	if (!mmu_cpu_stats(&mmu->replay.mmu, cpu, &s)) {
		memset(out, 0, sizeof(*out));
		return MMUSIM_EINVAL;
	}
	api_stats_to_public(&s, out);
	return MMUSIM_OK;
}

int mmusim_mmu_cpu_cache_stats(const mmusim_mmu *mmu, unsigned cpu, bool pwc, unsigned idx,
			       mmusim_cache_stats *out)
{
	const struct mmu *m = &mmu->replay.mmu;
	const struct machine_config *cfg = &mmu->replay.m->cfg;
	const struct mmu_cpu *c = cpu < m->nr_cpus ? m->cpus[cpu] : NULL;

	if (!c || idx >= (pwc ? cfg->nr_pwc : cfg->nr_tlb))
		return MMUSIM_EINVAL;
	const struct tlb_config *tc = pwc ? &cfg->pwc[idx] : &cfg->tlb[idx];
	const struct tlb *t = pwc ? c->pwc[tc->level] : c->tlb[idx];
	api_cache_stats_to_public(tc, pwc, tlb_stats(t), out);
	return MMUSIM_OK;
}
