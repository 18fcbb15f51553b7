/*
 * report: the statistics of a replay, as a readable table or one JSON object.
 */
#include "cli.h"

#include <inttypes.h>

#include "pt/pt_arch.h"

static uint64_t sum3(const uint64_t a[3])
{
	return a[0] + a[1] + a[2];
}

static double ratio(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0.0;
}

static void json_sizes(FILE *out, const uint64_t by_shift[64])
{
	bool first = true;
	char size[32];

	fputc('{', out);
	for (unsigned s = 0; s < 64; s++) {
		if (!by_shift[s])
			continue;
		format_size(1ull << s, size, sizeof(size));
		fprintf(out, "%s\"%s\":%" PRIu64, first ? "" : ",", size, by_shift[s]);
		first = false;
	}
	fputc('}', out);
}

static void text_sizes(FILE *out, const uint64_t by_shift[64])
{
	bool first = true;
	char size[32];

	for (unsigned s = 0; s < 64; s++) {
		if (!by_shift[s])
			continue;
		format_size(1ull << s, size, sizeof(size));
		fprintf(out, "%s%s %" PRIu64, first ? "" : ", ", size, by_shift[s]);
		first = false;
	}
	if (first)
		fputc('-', out);
}

static void report_json(FILE *out, const struct replay *r, const struct replay_report_info *info)
{
	const struct mmu_stats *s = &r->mmu.stats;
	const struct machine_config *cfg = &r->m->cfg;
	uint64_t total = sum3(s->accesses), nodes = machine_nr_nodes(r->m);

	fputs("{\"trace\":", out);
	json_write_str(out, info->trace);
	fprintf(out, ",\"format\":\"%s\",\"config\":", info->format);
	json_write_str(out, cfg->name);
	fputc(',', out);
	fprintf(out, "\"accesses\":{\"total\":%" PRIu64 ",\"read\":%" PRIu64 ",\"write\":%" PRIu64
		",\"exec\":%" PRIu64 "},", total, s->accesses[ACCESS_READ], s->accesses[ACCESS_WRITE],
		s->accesses[ACCESS_EXEC]);
	fputs("\"tlb\":{", out);
	for (unsigned i = 0; i < cfg->nr_tlb; i++) {
		struct tlb_stats t;
		replay_tlb_totals(r, i, false, &t);
		fprintf(out, "%s\"%s\":{\"hits\":%" PRIu64 ",\"misses\":%" PRIu64 ",\"evictions\":%" PRIu64
			",\"hits_by_page_size\":", i ? "," : "", cfg->tlb[i].name, t.hits, t.misses, t.evictions);
		json_sizes(out, t.hits_by_shift);
		fputc('}', out);
	}
	fputs("},\"pwc\":{", out);
	for (unsigned i = 0; i < cfg->nr_pwc; i++) {
		struct tlb_stats t;
		replay_tlb_totals(r, i, true, &t);
		fprintf(out, "%s\"%u\":{\"hits\":%" PRIu64 ",\"misses\":%" PRIu64 "}", i ? "," : "",
			cfg->pwc[i].level, t.hits, t.misses);
	}
	fprintf(out, "},\"walks\":%" PRIu64 ",\"walks_by_page_size\":", s->walks);
	json_sizes(out, s->walks_by_shift);
	fprintf(out, ",\"pte_reads\":%" PRIu64 ",\"pte_reads_per_walk\":%.4f,\"faults\":{", s->pte_reads,
		ratio(s->pte_reads, s->walks));
	for (unsigned k = FAULT_NONE + 1; k < FAULT_KIND_COUNT; k++)
		fprintf(out, "%s\"%s\":%" PRIu64, k == FAULT_NONE + 1 ? "" : ",",
			fault_kind_name((enum fault_kind)k), s->faults[k]);
	fprintf(out, "},\"demand_paged\":%" PRIu64 ",\"shootdowns\":%" PRIu64 ",\"dirty_rewalks\":%" PRIu64,
		s->demand_paged, s->shootdowns, s->dirty_rewalks);
	if (r->opt.check_stale)
		fprintf(out, ",\"stale_hits\":%" PRIu64, s->stale_hits);
	fprintf(out, ",\"page_table\":{\"nodes\":%" PRIu64 ",\"bytes\":%" PRIu64 "}", nodes,
		nodes * cfg->pc.base_page_size);
	fprintf(out, ",\"cycles\":%" PRIu64 ",\"cycles_per_access\":%.4f}\n", s->cycles,
		ratio(s->cycles, total));
}

static void report_text(FILE *out, const struct replay *r, const struct replay_report_info *info)
{
	const struct mmu_stats *s = &r->mmu.stats;
	const struct machine_config *cfg = &r->m->cfg;
	uint64_t total = sum3(s->accesses), nodes = machine_nr_nodes(r->m), faults = 0;
	char size[32];

	fprintf(out, "replay of %s (%s) on %s\n", info->trace, info->format, cfg->name);
	fprintf(out, "accesses        %" PRIu64 "  (read %" PRIu64 ", write %" PRIu64 ", exec %" PRIu64 ")\n",
		total, s->accesses[ACCESS_READ], s->accesses[ACCESS_WRITE], s->accesses[ACCESS_EXEC]);
	if (cfg->nr_tlb) {
		fprintf(out, "%-15s %12s %12s %12s %10s  %s\n", "TLB", "hits", "misses", "evictions",
			"miss rate", "hits by page size");
		for (unsigned i = 0; i < cfg->nr_tlb; i++) {
			struct tlb_stats t;
			replay_tlb_totals(r, i, false, &t);
			fprintf(out, "  %-13s %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %9.2f%%  ", cfg->tlb[i].name,
				t.hits, t.misses, t.evictions, 100.0 * ratio(t.misses, t.hits + t.misses));
			text_sizes(out, t.hits_by_shift);
			fputc('\n', out);
		}
	}
	if (cfg->nr_pwc) {
		fprintf(out, "%-15s %12s %12s %12s %10s\n", "PWC", "hits", "misses", "", "miss rate");
		for (unsigned i = 0; i < cfg->nr_pwc; i++) {
			struct tlb_stats t;
			replay_tlb_totals(r, i, true, &t);
			fprintf(out, "  level %-7u %12" PRIu64 " %12" PRIu64 " %12s %9.2f%%\n", cfg->pwc[i].level,
				t.hits, t.misses, "", 100.0 * ratio(t.misses, t.hits + t.misses));
		}
	}
	fprintf(out, "walks           %" PRIu64 "  (", s->walks);
	text_sizes(out, s->walks_by_shift);
	fprintf(out, ")\npte reads       %" PRIu64 "  (%.2f per walk)\n", s->pte_reads,
		ratio(s->pte_reads, s->walks));
	fputs("faults          ", out);
	for (unsigned k = FAULT_NONE + 1; k < FAULT_KIND_COUNT; k++) {
		if (!s->faults[k])
			continue;
		fprintf(out, "%s%s %" PRIu64, faults ? ", " : "", fault_kind_name((enum fault_kind)k), s->faults[k]);
		faults += s->faults[k];
	}
	fprintf(out, "%s\n", faults ? "" : "0");
	fprintf(out, "demand paged    %" PRIu64 "\n", s->demand_paged);
	fprintf(out, "shootdowns      %" PRIu64 "\n", s->shootdowns);
	fprintf(out, "dirty re-walks  %" PRIu64 "\n", s->dirty_rewalks);
	if (r->opt.check_stale)
		fprintf(out, "stale hits      %" PRIu64 "\n", s->stale_hits);
	format_size(nodes * cfg->pc.base_page_size, size, sizeof(size));
	fprintf(out, "page table      %" PRIu64 " nodes, %s bytes\n", nodes, size);
	fprintf(out, "cycles          %" PRIu64 "  (%.2f per access)\n", s->cycles, ratio(s->cycles, total));
}

void replay_report(FILE *out, bool json, const struct replay *r, const struct replay_report_info *info)
{
	if (json)
		report_json(out, r, info);
	else
		report_text(out, r, info);
}
