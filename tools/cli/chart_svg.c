/*
 * chart_svg: line charts drawn by hand, so a report needs no plotting library.
 * Ticks fall on round values (steps of 1, 2 or 5 times a power of ten) and the
 * y axis ends on a tick; the legend sits in its own column right of the plot,
 * so it never covers a line; each series has a colour of the Okabe-Ito
 * palette (told apart with colour-blindness) and a dash of its own, so lines
 * that lie on top of each other stay distinguishable.
 */
#include "chart_svg.h"

#include <math.h>

#include "draw.h"

#define W 680
#define H 260
#define LEFT 64
#define RIGHT 170
#define TOP 28
#define BOTTOM 42
#define LEGEND_ROW 16
#define TARGET_TICKS 5

static const char *const colors[] = { "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000" };
static const char *const dashes[] = { "", "6 3", "2 2", "8 3 2 3" };

#define NR(a) (sizeof(a) / sizeof((a)[0]))

/* The round step (1, 2 or 5 times a power of ten) that cuts span into about `target` parts. */
static double round_step(double span, unsigned target)
{
	double raw = span / target, mag, frac;

	if (!(raw > 0))
		return 1;
	mag = pow(10, floor(log10(raw)));
	frac = raw / mag;
	return (frac <= 1 ? 1 : frac <= 2 ? 2 : frac <= 5 ? 5 : 10) * mag;
}

static double sx(double x, double lo, double hi)
{
	return LEFT + (hi > lo ? (x - lo) / (hi - lo) : 0.5) * (W - LEFT - RIGHT);
}

static double sy(double y, double top)
{
	return H - BOTTOM - (y / top) * (H - TOP - BOTTOM);
}

/* A tick's value printed without the float noise of k * step (0.30000000000000004). */
static void write_tick_value(FILE *out, double v, double step)
{
	if (fabs(v) < step * 1e-9)
		v = 0;
	fprintf(out, "%.6g", v);
}

static void write_series_style(FILE *out, unsigned s)
{
	const char *dash = dashes[(s / NR(colors) + s) % NR(dashes)];

	fprintf(out, "fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\"", colors[s % NR(colors)]);
	if (*dash)
		fprintf(out, " stroke-dasharray=\"%s\"", dash);
}

void chart_write_svg(FILE *out, const struct chart *c)
{
	double lo = c->n ? c->x[0] : 0, hi = c->n ? c->x[c->n - 1] : 1, max = 0;
	unsigned legend_rows = (H - TOP) / LEGEND_ROW;

	for (unsigned s = 0; s < c->nr_series; s++)
		for (unsigned i = 0; i < c->n; i++)
			if (c->series[s].y[i] > max)
				max = c->series[s].y[i];
	double ystep = round_step(max > 0 ? max : 1, TARGET_TICKS);
	if (c->counts && ystep < 1)
		ystep = 1;
	double top = ceil((max > 0 ? max : 1) / ystep - 1e-9) * ystep;
	fprintf(out, "<svg id=\"%s\" class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
		"aria-label=\"", c->id, W, H, W, H);
	xml_write_escaped(out, c->title);
	fprintf(out, "\">\n<text class=\"title\" x=\"%d\" y=\"16\">", LEFT);
	xml_write_escaped(out, c->title);
	fputs("</text>\n", out);
	for (unsigned k = 0; k * ystep <= top * (1 + 1e-9); k++) {
		double v = k * ystep;
		fprintf(out, "<path class=\"grid\" d=\"M%d %.1f H%d\"/><text class=\"tick\" x=\"%d\" y=\"%.1f\" "
			"text-anchor=\"end\">", LEFT, sy(v, top), W - RIGHT, LEFT - 6, sy(v, top) + 4);
		write_tick_value(out, v, ystep);
		fputs("</text>\n", out);
	}
	/* The x axis: round values inside the data's range, with a tick mark under each. */
	double xstep = round_step(hi > lo ? hi - lo : 1, TARGET_TICKS);
	if (c->n && xstep < 1 && c->x[0] == floor(c->x[0]) && c->x[c->n - 1] == floor(c->x[c->n - 1]))
		xstep = 1;    /* counts (accesses, log2 sizes) have no halves */
	for (double v = ceil(lo / xstep - 1e-9) * xstep; c->n && v <= hi + xstep * 1e-9; v += xstep) {
		fprintf(out, "<path class=\"axis\" d=\"M%.1f %d v4\"/><text class=\"tick\" x=\"%.1f\" y=\"%d\" "
			"text-anchor=\"middle\">", sx(v, lo, hi), H - BOTTOM, sx(v, lo, hi), H - BOTTOM + 16);
		write_tick_value(out, v, xstep);
		fputs("</text>\n", out);
	}
	fprintf(out, "<path class=\"axis\" d=\"M%d %d V%d H%d\"/>\n", LEFT, TOP, H - BOTTOM, W - RIGHT);
	fprintf(out, "<text class=\"axis-label\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">", (LEFT + W - RIGHT) / 2,
		H - 6);
	xml_write_escaped(out, c->x_label);
	fprintf(out, "</text>\n<text class=\"axis-label\" x=\"14\" y=\"%d\" text-anchor=\"middle\" "
		"transform=\"rotate(-90 14 %d)\">", (TOP + H - BOTTOM) / 2, (TOP + H - BOTTOM) / 2);
	xml_write_escaped(out, c->y_label);
	fputs("</text>\n", out);
	for (unsigned s = 0; s < c->nr_series; s++) {
		const char *color = colors[s % NR(colors)];
		fputs("<polyline class=\"series\" ", out);
		write_series_style(out, s);
		fputs(" points=\"", out);
		for (unsigned i = 0; i < c->n; i++)
			fprintf(out, "%s%.1f,%.1f", i ? " " : "", sx(c->x[i], lo, hi), sy(c->series[s].y[i], top));
		fputs("\"/>\n", out);
		for (unsigned i = 0; i < c->n && c->n <= 60; i++)
			fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.2\" fill=\"%s\"/>\n", sx(c->x[i], lo, hi),
				sy(c->series[s].y[i], top), color);
	}
	/* The legend: one row per series, a second column when the first is full. */
	for (unsigned s = 0; s < c->nr_series; s++) {
		unsigned col = s / legend_rows, row = s % legend_rows;
		unsigned x = W - RIGHT + 12 + col * 80, y = TOP + LEGEND_ROW * row;
		fprintf(out, "<g class=\"legend-entry\"><path d=\"M%u %u h18\" ", x, y + 4);
		write_series_style(out, s);
		fprintf(out, "/><text class=\"legend\" x=\"%u\" y=\"%u\">", x + 22, y + 8);
		xml_write_escaped(out, c->series[s].name);
		fputs("</text></g>\n", out);
	}
	fputs("</svg>\n", out);
}
