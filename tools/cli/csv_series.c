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

/*
 * The header's fields, unquoted in place (RFC 4180: a quoted field may hold
 * commas, doubled quotes and line breaks; a TLB name may).  Returns the
 * first byte after the header's line, and sets *nr_fields.
 */
static char *parse_header(char *csv, char ***fields, unsigned *nr_fields)
{
	unsigned cap = 0, n = 0;
	char *p = csv, **f = NULL;

	*fields = NULL;
	*nr_fields = 0;
	for (;;) {
		char *start = p, *w = p;
		if (n == cap) {
			char **g = realloc(f, (cap = cap ? 2 * cap : 16) * sizeof(*g));
			if (!g) {
				free(f);
				return NULL;
			}
			f = g;
		}
		if (*p == '"') {
			for (p++; *p && !(*p == '"' && p[1] != '"'); p++)
				*w++ = *p == '"' ? *++p : *p;
			if (*p == '"')
				p++;
		}
		while (*p && *p != ',' && *p != '\n')
			*w++ = *p++;
		char end = *p;
		*w = '\0';
		f[n++] = start;
		if (end != ',') {
			*fields = f;
			*nr_fields = n;
			return end ? p + 1 : p;
		}
		p++;
	}
}

int csv_series_parse(struct csv_series *s, char *csv)
{
	char *save = NULL, *line, **header;
	unsigned rows = 0, cap = 0;

	memset(s, 0, sizeof(*s));
	if (!*csv)
		return -1;
	char *rest = parse_header(csv, &header, &s->nr_cols);
	if (!rest)
		return -1;
	s->names = calloc(s->nr_cols, sizeof(*s->names));
	s->col = calloc(s->nr_cols, sizeof(*s->col));
	if (!s->names || !s->col) {
		free(header);
		return -1;
	}
	for (unsigned c = 0; c < s->nr_cols; c++)
		s->names[c] = strdup(header[c]);
	free(header);
	for (line = strtok_r(rest, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
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
