/*
 * chart_svg: a small line chart as inline SVG (axes, ticks, one polyline per
 * series, a legend) for the replay time series in report --html.
 */
#ifndef MMUSIM_TOOLS_CHART_SVG_H
#define MMUSIM_TOOLS_CHART_SVG_H

#include <stdbool.h>
#include <stdio.h>

struct chart_series {
	const char *name;
	const double *y;        /* n values */
};

struct chart {
	const char *id;         /* element id of the <svg> */
	const char *title;
	const char *x_label, *y_label;
	const double *x;        /* n values, ascending */
	unsigned n;
	const struct chart_series *series;
	unsigned nr_series;
	bool counts;            /* whole numbers (walks, faults, pages): no tick between two */
};

void chart_write_svg(FILE *out, const struct chart *c);

#endif
