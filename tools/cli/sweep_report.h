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
/* The comparison table; the same rows as CSV (with a header line). */
void sweep_table(FILE *out, const struct sweep_row *rows, size_t n);
void sweep_csv(FILE *out, const struct sweep_row *rows, size_t n);

#endif
