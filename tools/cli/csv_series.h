/*
 * csv_series: a CSV time series (header of column names, then rows of
 * numbers) as columns of doubles.
 */
#ifndef MMUSIM_TOOLS_CSV_SERIES_H
#define MMUSIM_TOOLS_CSV_SERIES_H

struct csv_series {
	unsigned nr_cols, n;        /* columns, rows */
	char **names;               /* nr_cols names (an entry may be NULL if the header is short) */
	double **col;               /* nr_cols arrays of n values */
};

/* Parses csv (modified in place); 0, or -1 when empty or out of memory.  Free with csv_series_free either way. */
int csv_series_parse(struct csv_series *s, char *csv);
void csv_series_free(struct csv_series *s);

#endif
