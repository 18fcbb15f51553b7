/*
 * sweep_report: the comparison table of `mmusim sweep` and `mmusim merge`,
 * one row per (trace, config), as text or CSV.  Both commands fill the rows
 * from the same numbers (a replay's statistics, or the JSON a replay wrote),
 * so a sweep and the merge of the separate replays print the same table.
 */
#include "sweep_report.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "term_text.h"

static double ratio(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0.0;
}

int sweep_row_fill(struct sweep_row *row, const char *trace, const char *format, const char *config)
{
	row->trace = strdup(trace);
	row->format = strdup(format);
	row->config = strdup(config);
	return row->trace && row->format && row->config ? 0 : -1;
}

struct row_ref {
	const struct sweep_row *row;
	const char *origin;
	size_t i;
};

static int by_trace_config(const void *pa, const void *pb)
{
	const struct row_ref *a = pa, *b = pb;
	int c = strcmp(a->row->trace, b->row->trace);

	return c ? c : strcmp(a->row->config, b->row->config);
}

int sweep_rows_tell_apart(struct sweep_row *rows, size_t n, const char *const *origin)
{
	/* Sorted, not compared pairwise: merge may be given a hundred thousand results. */
	struct row_ref *ref = calloc(n ? n : 1, sizeof(*ref));
	bool *twin = calloc(n ? n : 1, sizeof(*twin));
	int rc = 0;

	if (!ref || !twin) {
		rc = -1;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		ref[i] = (struct row_ref){ &rows[i], origin[i], i };
	qsort(ref, n, sizeof(*ref), by_trace_config);
	/* Decided on the plain names first: a label changed early must not hide a later twin. */
	for (size_t g = 0, e; g < n; g = e) {
		bool mixed = false;
		for (e = g + 1; e < n && by_trace_config(&ref[g], &ref[e]) == 0; e++)
			mixed |= strcmp(ref[g].origin, ref[e].origin) != 0;
		for (size_t k = g; mixed && k < e; k++)
			twin[ref[k].i] = true;
	}
	for (size_t i = 0; i < n; i++) {
		/* The preset itself ("--config x86_64") is the one the name means. */
		if (!twin[i] || strcmp(origin[i], rows[i].config) == 0)
			continue;
		size_t len = strlen(rows[i].config) + strlen(origin[i]) + 4;
		char *label = malloc(len);
		if (!label) {
			rc = -1;
			goto out;
		}
		snprintf(label, len, "%s (%s)", rows[i].config, origin[i]);
		free(rows[i].config);
		rows[i].config = label;
	}
out:
	free(ref);
	free(twin);
	return rc;
}

void sweep_row_from_stats(struct sweep_row *row, const mmusim_stats *s)
{
	row->accesses = s->accesses[0] + s->accesses[1] + s->accesses[2];
	row->walks = s->walks;
	row->pte_reads = s->pte_reads;
	row->faults = 0;
	for (unsigned k = 0; k < MMUSIM_FAULT_KIND_COUNT; k++)
		row->faults += s->faults[k];
	row->demand_paged = s->demand_paged;
	row->cycles = s->cycles;
}

void sweep_rows_free(struct sweep_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].trace);
		free(rows[i].format);
		free(rows[i].config);
	}
	free(rows);
}

void sweep_table(FILE *out, const struct sweep_row *rows, size_t n)
{
	size_t tw = 5, cw = 6;

	for (size_t i = 0; i < n; i++) {
		size_t t = term_width(rows[i].trace), c = term_width(rows[i].config);
		tw = t > tw ? t : tw;
		cw = c > cw ? c : cw;
	}
	fprintf(out, "%-*s  %-*s %12s %10s %9s %8s %8s %13s\n", (int)tw, "trace", (int)cw, "config", "accesses", "walks",
		"walks/1K", "pte/walk", "faults", "cycles/access");
	for (size_t i = 0; i < n; i++) {
		const struct sweep_row *r = &rows[i];
		term_write_padded(out, r->trace, tw);
		fputs("  ", out);
		term_write_padded(out, r->config, cw);
		fprintf(out, " %12" PRIu64 " %10" PRIu64 " %9.2f %8.2f %8" PRIu64 " %13.2f\n", r->accesses, r->walks, 1000.0 * ratio(r->walks, r->accesses),
			ratio(r->pte_reads, r->walks), r->faults, ratio(r->cycles, r->accesses));
	}
}

/* A CSV field: quoted (and its quotes doubled) only when it needs to be. */
static void csv_field(FILE *out, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

void sweep_csv(FILE *out, const struct sweep_row *rows, size_t n)
{
	fputs("trace,config,format,accesses,walks,walks_per_1k_accesses,pte_reads,pte_reads_per_walk,faults,"
	      "demand_paged,cycles,cycles_per_access\n", out);
	for (size_t i = 0; i < n; i++) {
		const struct sweep_row *r = &rows[i];
		csv_field(out, r->trace);
		fputc(',', out);
		csv_field(out, r->config);
		fputc(',', out);
		csv_field(out, r->format);
		fprintf(out, ",%" PRIu64 ",%" PRIu64 ",%.4f,%" PRIu64 ",%.4f,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.4f\n",
			r->accesses, r->walks, 1000.0 * ratio(r->walks, r->accesses), r->pte_reads,
			ratio(r->pte_reads, r->walks), r->faults, r->demand_paged, r->cycles,
			ratio(r->cycles, r->accesses));
	}
}
