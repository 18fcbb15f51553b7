/* chart_svg: line charts drawn by hand, so a report needs no plotting library. */
#include "chart_svg.h"

#include "draw.h"

#define W 680
#define H 260
#define LEFT 64
#define RIGHT 170
#define TOP 28
#define BOTTOM 42

static const char *const colors[] = { "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
				      "#17becf" };

static double sx(double x, double lo, double hi)
{
	return LEFT + (hi > lo ? (x - lo) / (hi - lo) : 0.5) * (W - LEFT - RIGHT);
}

static double sy(double y, double top)
{
	return H - BOTTOM - (y / top) * (H - TOP - BOTTOM);
}

void chart_write_svg(FILE *out, const struct chart *c)
{
	double lo = c->n ? c->x[0] : 0, hi = c->n ? c->x[c->n - 1] : 1, top = 0;

	for (unsigned s = 0; s < c->nr_series; s++)
		for (unsigned i = 0; i < c->n; i++)
			if (c->series[s].y[i] > top)
				top = c->series[s].y[i];
	if (top <= 0)
		top = 1;
	fprintf(out, "<svg id=\"%s\" class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
		"aria-label=\"", c->id, W, H, W, H);
	xml_write_escaped(out, c->title);
	fprintf(out, "\">\n<text class=\"title\" x=\"%d\" y=\"16\">", LEFT);
	xml_write_escaped(out, c->title);
	fprintf(out, "</text>\n<path class=\"axis\" d=\"M%d %d V%d H%d\"/>\n", LEFT, TOP, H - BOTTOM, W - RIGHT);
	for (unsigned k = 0; k <= 4; k++) {
		double v = top * k / 4;
		fprintf(out, "<path class=\"grid\" d=\"M%d %.1f H%d\"/><text class=\"tick\" x=\"%d\" y=\"%.1f\" "
			"text-anchor=\"end\">%.4g</text>\n", LEFT, sy(v, top), W - RIGHT, LEFT - 4, sy(v, top) + 4, v);
	}
	for (unsigned k = 0; k <= 2 && c->n; k++) {
		double v = lo + (hi - lo) * k / 2;
		fprintf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.0f</text>\n",
			sx(v, lo, hi), H - BOTTOM + 16, v);
	}
	fprintf(out, "<text class=\"axis-label\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">", (LEFT + W - RIGHT) / 2,
		H - 6);
	xml_write_escaped(out, c->x_label);
	fprintf(out, "</text>\n<text class=\"axis-label\" x=\"14\" y=\"%d\" text-anchor=\"middle\" "
		"transform=\"rotate(-90 14 %d)\">", (TOP + H - BOTTOM) / 2, (TOP + H - BOTTOM) / 2);
	xml_write_escaped(out, c->y_label);
	fputs("</text>\n", out);
	for (unsigned s = 0; s < c->nr_series; s++) {
		const char *color = colors[s % (sizeof(colors) / sizeof(colors[0]))];
		fprintf(out, "<polyline class=\"series\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\" points=\"", color);
		for (unsigned i = 0; i < c->n; i++)
			fprintf(out, "%s%.1f,%.1f", i ? " " : "", sx(c->x[i], lo, hi), sy(c->series[s].y[i], top));
		fputs("\"/>\n", out);
		for (unsigned i = 0; i < c->n && c->n <= 60; i++)
			fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.2\" fill=\"%s\"/>\n", sx(c->x[i], lo, hi),
				sy(c->series[s].y[i], top), color);
		fprintf(out, "<rect x=\"%d\" y=\"%u\" width=\"12\" height=\"3\" fill=\"%s\"/><text class=\"legend\" "
			"x=\"%d\" y=\"%u\">", W - RIGHT + 14, TOP + 18 * s + 4, color, W - RIGHT + 30, TOP + 18 * s + 9);
		xml_write_escaped(out, c->series[s].name);
		fputs("</text>\n", out);
	}
	fputs("</svg>\n", out);
}
