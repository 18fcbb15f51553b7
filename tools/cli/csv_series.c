/*
 * csv_series: the replay's --interval CSV (a header line, then numbers)
 * read back into columns, for the charts of report --html.
 */
#define _POSIX_C_SOURCE 200809L
#include "csv_series.h"

#include <stdlib.h>
#include <string.h>

void csv_series_free(struct csv_series *s)
{
	for (unsigned c = 0; c < s->nr_cols; c++) {
		if (s->names)
			free(s->names[c]);
		if (s->col)
			free(s->col[c]);
	}
	free(s->names);
	free(s->col);
}

int csv_series_parse(struct csv_series *s, char *csv)
{
	char *save = NULL, *line = strtok_r(csv, "\n", &save);
	unsigned rows = 0, cap = 0;

	memset(s, 0, sizeof(*s));
	if (!line)
		return -1;
	for (char *p = line; *p; p++)
		s->nr_cols += *p == ',';
	s->nr_cols++;
	s->names = calloc(s->nr_cols, sizeof(*s->names));
	s->col = calloc(s->nr_cols, sizeof(*s->col));
	if (!s->names || !s->col)
		return -1;
	char *fsave = NULL, *f = strtok_r(line, ",", &fsave);
	for (unsigned c = 0; c < s->nr_cols && f; c++, f = strtok_r(NULL, ",", &fsave))
		s->names[c] = strdup(f);
	while ((line = strtok_r(NULL, "\n", &save))) {
		if (rows == cap) {
			cap = cap ? 2 * cap : 64;
			for (unsigned c = 0; c < s->nr_cols; c++) {
				double *d = realloc(s->col[c], cap * sizeof(double));
				if (!d)
					return -1;
				s->col[c] = d;
			}
		}
		char *p = line;
		for (unsigned c = 0; c < s->nr_cols; c++) {
			s->col[c][rows] = strtod(p, &p);
			if (*p == ',')
				p++;
		}
		rows++;
	}
	s->n = rows;
	return 0;
}
