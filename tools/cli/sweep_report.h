/*
 * sweep_report: the comparison table of sweep and merge, a row per
 * (trace, config) pair, as a readable table or CSV.
 */
#ifndef MMUSIM_TOOLS_SWEEP_REPORT_H
#define MMUSIM_TOOLS_SWEEP_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <mmusim.h>

struct sweep_row {
	char *trace, *format, *config;   /* malloc'd */
	uint64_t accesses, walks, pte_reads, faults, demand_paged, cycles;
};

/* Copies the names into the row; returns 0 or -1 (out of memory). */
int sweep_row_fill(struct sweep_row *row, const char *trace, const char *format, const char *config);
/* The row's numbers from a replay's statistics. */
void sweep_row_from_stats(struct sweep_row *row, const mmusim_stats *s);
void sweep_rows_free(struct sweep_row *rows, size_t n);
/*
 * Rows of one trace whose configs share a name but came from different
 * places (two config files that both extend x86_64 without a name of their
 * own) get where each came from after the name: "x86_64 (a.yaml)"; a row
 * whose origin is its name (the preset, "--config x86_64") keeps the name.
 * origin[i] is row i's (a --config argument, a result file).  0 or -1 (out
 * of memory).
 */
int sweep_rows_tell_apart(struct sweep_row *rows, size_t n, const char *const *origin);
/* The comparison table; the same rows as CSV (with a header line). */
void sweep_table(FILE *out, const struct sweep_row *rows, size_t n);
void sweep_csv(FILE *out, const struct sweep_row *rows, size_t n);

#endif
