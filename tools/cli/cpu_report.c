/* cpu_report: each CPU's counters in a replay's report (see cpu_report.h). */
#include "cpu_report.h"

#include <inttypes.h>

#include "json_string.h"
#include "term_text.h"

static uint64_t total_faults(const mmusim_stats *s)
{
	uint64_t n = 0;

	for (unsigned k = MMUSIM_FAULT_NONE + 1; k < MMUSIM_FAULT_KIND_COUNT; k++)
		n += s->faults[k];
	return n;
}

bool cpu_report_wanted(const mmusim_mmu *mmu)
{
	unsigned used = 0;
	mmusim_stats s;

	for (unsigned cpu = 0; cpu < mmusim_mmu_nr_cpus(mmu) && used < 2; cpu++)
		used += mmusim_mmu_cpu_stats(mmu, cpu, &s) == MMUSIM_OK;
	return used > 1;
}

void cpu_report_text(FILE *out, const mmusim_mmu *mmu)
{
	mmusim_stats s;
	mmusim_cache_stats t;

	fprintf(out, "%-15s %12s %12s %12s %12s %12s  %s\n", "CPU", "accesses", "walks", "pte reads", "faults",
		"cycles", "hits/misses");
	for (unsigned cpu = 0; cpu < mmusim_mmu_nr_cpus(mmu); cpu++) {
		if (mmusim_mmu_cpu_stats(mmu, cpu, &s) != MMUSIM_OK)
			continue;
		fprintf(out, "  %-13u %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " ", cpu,
			s.accesses[0] + s.accesses[1] + s.accesses[2], s.walks, s.pte_reads, total_faults(&s), s.cycles);
		const char *sep = " ";
		for (unsigned i = 0; mmusim_mmu_cpu_cache_stats(mmu, cpu, false, i, &t) == MMUSIM_OK; i++, sep = ", ") {
			fputs(sep, out);
			term_write(out, t.name);
			fprintf(out, " %" PRIu64 "/%" PRIu64, t.hits, t.misses);
		}
		for (unsigned i = 0; mmusim_mmu_cpu_cache_stats(mmu, cpu, true, i, &t) == MMUSIM_OK; i++, sep = ", ")
			fprintf(out, "%sPWC L%u %" PRIu64 "/%" PRIu64, sep, t.level, t.hits, t.misses);
		if (sep[0] == ' ')
			fputc('-', out);
		fputc('\n', out);
	}
}

void cpu_report_json(FILE *out, const mmusim_mmu *mmu)
{
	mmusim_stats s;
	mmusim_cache_stats t;
	bool first = true;

	fputs(",\"cpus\":[", out);
	for (unsigned cpu = 0; cpu < mmusim_mmu_nr_cpus(mmu); cpu++) {
		if (mmusim_mmu_cpu_stats(mmu, cpu, &s) != MMUSIM_OK)
			continue;
		fprintf(out, "%s{\"cpu\":%u,\"accesses\":{\"total\":%" PRIu64 ",\"read\":%" PRIu64 ",\"write\":%" PRIu64
			",\"exec\":%" PRIu64 "},\"walks\":%" PRIu64 ",\"pte_reads\":%" PRIu64 ",\"faults\":{",
			first ? "" : ",", cpu, s.accesses[0] + s.accesses[1] + s.accesses[2], s.accesses[MMUSIM_READ],
			s.accesses[MMUSIM_WRITE], s.accesses[MMUSIM_EXEC], s.walks, s.pte_reads);
		for (unsigned k = MMUSIM_FAULT_NONE + 1; k < MMUSIM_FAULT_KIND_COUNT; k++)
			fprintf(out, "%s\"%s\":%" PRIu64, k == MMUSIM_FAULT_NONE + 1 ? "" : ",",
				mmusim_fault_kind_name((enum mmusim_fault_kind)k), s.faults[k]);
		fprintf(out, "},\"shootdowns\":%" PRIu64 ",\"cycles\":%" PRIu64 ",\"tlb\":{", s.shootdowns, s.cycles);
		for (unsigned i = 0; mmusim_mmu_cpu_cache_stats(mmu, cpu, false, i, &t) == MMUSIM_OK; i++) {
			fputs(i ? "," : "", out);
			json_write_str(out, t.name);
			fprintf(out, ":{\"hits\":%" PRIu64 ",\"misses\":%" PRIu64 "}", t.hits, t.misses);
		}
		fputs("},\"pwc\":{", out);
		for (unsigned i = 0; mmusim_mmu_cpu_cache_stats(mmu, cpu, true, i, &t) == MMUSIM_OK; i++)
			fprintf(out, "%s\"%u\":{\"hits\":%" PRIu64 ",\"misses\":%" PRIu64 "}", i ? "," : "", t.level,
				t.hits, t.misses);
		fputs("}}", out);
		first = false;
	}
	fputc(']', out);
}
