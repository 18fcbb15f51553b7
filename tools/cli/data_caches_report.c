/*
 * data_caches_report: where the walker's PTE reads (and the trace's data
 * accesses) were served, per cache and per PTE level (see data_caches_report.h).
 */
#include "data_caches_report.h"

#include <inttypes.h>

static const char *const where_names[MMUSIM_DATA_WHERE] = { "l1d", "l2", "llc", "memory" };

static uint64_t row_total(const uint64_t row[MMUSIM_DATA_WHERE])
{
	uint64_t t = 0;

	for (unsigned w = 0; w < MMUSIM_DATA_WHERE; w++)
		t += row[w];
	return t;
}

static double percent(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

/* The table's columns: the levels configured, and memory. */
static bool shown(const mmusim_data_cache_stats *s, unsigned where)
{
	return where == MMUSIM_DATA_CACHES || s->cache[where].present;
}

void data_caches_text(FILE *out, const mmusim_data_cache_stats *s)
{
	uint64_t reads = 0;

	fprintf(out, "%-15s %12s %12s %12s %10s  %u-byte lines\n", "data cache", "hits", "misses", "evictions",
		"miss rate", s->line);
	for (unsigned i = 0; i < MMUSIM_DATA_CACHES; i++) {
		if (!s->cache[i].present)
			continue;
		fprintf(out, "  %-13s %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %9.2f%%  %u sets x %u ways, %u cycles\n",
			s->cache[i].name, s->cache[i].hits, s->cache[i].misses, s->cache[i].evictions,
			percent(s->cache[i].misses, s->cache[i].hits + s->cache[i].misses), s->cache[i].sets,
			s->cache[i].ways, s->cache[i].latency);
	}
	fprintf(out, "%-15s", "PTE found in");
	for (unsigned w = 0; w < MMUSIM_DATA_WHERE; w++)
		if (shown(s, w))
			fprintf(out, " %12s", where_names[w]);
	fputc('\n', out);
	for (unsigned level = MMUSIM_MAX_LEVELS; level >= 1; level--) {
		if (!row_total(s->pte_found[level]))
			continue;
		reads += row_total(s->pte_found[level]);
		fprintf(out, "  level %-7u", level);
		for (unsigned w = 0; w < MMUSIM_DATA_WHERE; w++)
			if (shown(s, w))
				fprintf(out, " %12" PRIu64, s->pte_found[level][w]);
		fputc('\n', out);
	}
	/* A VM's 2-D walks: the stage-2 entries, by stage-2 level. */
	for (unsigned level = MMUSIM_MAX_LEVELS; level >= 1; level--) {
		if (!row_total(s->stage2_found[level]))
			continue;
		reads += row_total(s->stage2_found[level]);
		fprintf(out, "  s2 level %-4u", level);
		for (unsigned w = 0; w < MMUSIM_DATA_WHERE; w++)
			if (shown(s, w))
				fprintf(out, " %12" PRIu64, s->stage2_found[level][w]);
		fputc('\n', out);
	}
	fprintf(out, "PTE cycles      %" PRIu64 "  (%.2f per PTE read; memory %u)\n", s->pte_cycles,
		reads ? (double)s->pte_cycles / (double)reads : 0.0, s->memory_latency);
	if (!s->data)
		return;
	fprintf(out, "data accesses   %" PRIu64 "  (", row_total(s->data_found));
	for (unsigned w = 0; w < MMUSIM_DATA_WHERE; w++)
		if (shown(s, w))
			fprintf(out, "%s %" PRIu64 "%s", where_names[w], s->data_found[w], w + 1 < MMUSIM_DATA_WHERE ? ", " : "");
	fprintf(out, ")\ndata cycles     %" PRIu64 "  (not in cycles above)\n", s->data_cycles);
}

static void json_where(FILE *out, const uint64_t row[MMUSIM_DATA_WHERE])
{
	for (unsigned w = 0; w < MMUSIM_DATA_WHERE; w++)
		fprintf(out, "%s\"%s\":%" PRIu64, w ? "," : "", where_names[w], row[w]);
}

void data_caches_json(FILE *out, const mmusim_data_cache_stats *s)
{
	bool first = true;

	fprintf(out, ",\"caches\":{\"line\":%u,\"memory_latency\":%u", s->line, s->memory_latency);
	for (unsigned i = 0; i < MMUSIM_DATA_CACHES; i++) {
		if (!s->cache[i].present)
			continue;
		fprintf(out, ",\"%s\":{\"sets\":%u,\"ways\":%u,\"latency\":%u,\"hits\":%" PRIu64 ",\"misses\":%" PRIu64
			",\"evictions\":%" PRIu64 "}", s->cache[i].name, s->cache[i].sets, s->cache[i].ways,
			s->cache[i].latency, s->cache[i].hits, s->cache[i].misses, s->cache[i].evictions);
	}
	fputs(",\"pte_found\":{", out);
	for (unsigned level = MMUSIM_MAX_LEVELS; level >= 1; level--) {
		if (!row_total(s->pte_found[level]))
			continue;
		fprintf(out, "%s\"%u\":{", first ? "" : ",", level);
		json_where(out, s->pte_found[level]);
		fputc('}', out);
		first = false;
	}
	fputc('}', out);
	first = true;
	for (unsigned level = MMUSIM_MAX_LEVELS; level >= 1; level--) {
		if (!row_total(s->stage2_found[level]))
			continue;
		fprintf(out, "%s\"%u\":{", first ? ",\"stage2_found\":{" : ",", level);
		json_where(out, s->stage2_found[level]);
		fputc('}', out);
		first = false;
	}
	if (!first)
		fputc('}', out);
	fprintf(out, ",\"pte_cycles\":%" PRIu64, s->pte_cycles);
	if (s->data) {
		fputs(",\"data\":{", out);
		json_where(out, s->data_found);
		fprintf(out, ",\"cycles\":%" PRIu64 "}", s->data_cycles);
	}
	fputc('}', out);
}
