/*
 * tree_svg: the tree as an SVG drawing for report --html — the text tree's
 * rows laid out one per line, indented by level, with elbow connectors from
 * each pointer to the entries of the node below.  Simple enough to need no
 * layout engine, so the report renders without Graphviz.  Rows a walk reads
 * get the class "walk" (the page's CSS colours them).
 */
#include "draw.h"

#include <inttypes.h>
#include <string.h>

#include "root_halves.h"

#define ROW_H 20
#define INDENT 22
#define CHAR_W 7.3
#define TOP 34

/* Indented by the depth below its half's root: the halves' tables may have different levels. */
static unsigned row_x(const struct tree *t, const struct tree_row *r)
{
	return 16 + INDENT * (tree_root_levels(t, r->half) - r->level);
}

/*
 * The line a row is drawn on: its index, one line further down in the upper
 * half of a split-root format, whose root heading takes a line between the halves.
 */
static unsigned row_line(const struct tree_row *r, unsigned i)
{
	return i + r->half;
}

/* Rows before the first of half h: the line that half's heading takes (h > 0). */
static unsigned heading_line(const struct tree *t, unsigned h)
{
	unsigned n = 0;

	while (n < t->nr_rows && t->rows[n].half < h)
		n++;
	return n + h - 1;
}

void tree_write_svg(FILE *out, const mmusim_config *cfg, const struct tree *t,
		    const struct walk_marks *marks)
{
	unsigned pte_size = mmusim_config_pte_size(cfg);
	char label[48], flags[160], target[160], line[400], heading[96], shape[96];
	size_t widest = 40;
	unsigned height = TOP + ROW_H * (t->nr_rows + t->nr_roots) + 10;

	for (unsigned i = 0; i < t->nr_rows; i++) {
		const struct tree_row *r = &t->rows[i];
		tree_row_label(r, label, sizeof(label));
		mmusim_pte_describe(cfg, r->pte, r->level, flags, sizeof(flags));
		tree_row_target(cfg, r, target, sizeof(target));
		size_t n = (size_t)snprintf(line, sizeof(line), "%s 0x%0*" PRIx64 " %s %s", label, 2 * pte_size,
					    r->pte, flags, target) + (row_x(t, r) / CHAR_W) + 2;
		if (n > widest)
			widest = n;
	}
	fprintf(out, "<svg id=\"tree-svg\" class=\"tree\" width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\" "
		"role=\"img\" aria-label=\"page-table tree\">\n", (unsigned)(widest * CHAR_W) + 20, height,
		(unsigned)(widest * CHAR_W) + 20, height);
	for (unsigned h = 0; h < t->nr_roots; h++) {
		const char *half = tree_root_label(t, h);
		uint64_t table = t->roots[h].table;

		tree_shape(cfg, t->roots[h].upper, shape, sizeof(shape));
		snprintf(heading, sizeof(heading), "%s%s%s 0x%" PRIx64, half ? half : "", half ? ": " : "",
			 half ? root_half_register(cfg, t->roots[h].upper) : mmusim_config_root_register(cfg),
			 mmusim_config_root_register_value(cfg, table, 0));
		fprintf(out, "<text class=\"root%s\" x=\"8\" y=\"%u\">%s: root table 0x%" PRIx64 ", %s</text>\n",
			marks->nr ? " walk" : "", h ? TOP + ROW_H * heading_line(t, h) + 10 : TOP - 12, heading, table, shape);
	}
	/* Connectors first, the walks' last so that they are drawn on top. */
	for (unsigned pass = 0; pass < 2; pass++) {
		for (unsigned i = 0; i < t->nr_rows; i++) {
			const struct tree_row *r = &t->rows[i];
			unsigned px = r->parent < 0 ? 8 : row_x(t, &t->rows[r->parent]);
			unsigned py = r->parent >= 0 ? TOP + ROW_H * row_line(&t->rows[r->parent], (unsigned)r->parent) + 4
				      : r->half ? TOP + ROW_H * heading_line(t, r->half) + 14 : TOP - 8;

			if ((r->walks != 0) == (pass == 1))
				fprintf(out, "<path class=\"edge%s\" d=\"M%u %u V%u H%u\"/>\n", r->walks ? " walk" : "",
					px + 4, py, TOP + ROW_H * row_line(r, i) + 6, row_x(t, r) - 2);
		}
	}
	for (unsigned i = 0; i < t->nr_rows; i++) {
		const struct tree_row *r = &t->rows[i];
		unsigned y = TOP + ROW_H * row_line(r, i), x = row_x(t, r);

		tree_row_label(r, label, sizeof(label));
		mmusim_pte_describe(cfg, r->pte, r->level, flags, sizeof(flags));
		tree_row_target(cfg, r, target, sizeof(target));
		fprintf(out, "<g id=\"row-%u\" class=\"entry %s%s\"><text x=\"%u\" y=\"%u\"><tspan class=\"label\">",
			i, r->leaf ? "leaf" : "pointer", r->walks ? " walk" : "", x, y + 10);
		xml_write_escaped(out, label);
		fprintf(out, "</tspan> <tspan class=\"raw\">0x%0*" PRIx64 "</tspan> <tspan class=\"flags\">", 2 * pte_size,
			r->pte);
		xml_write_escaped(out, flags);
		fputs("</tspan> <tspan class=\"target\">", out);
		xml_write_escaped(out, target);
		fputs("</tspan></text></g>\n", out);
	}
	if (!t->nr_rows)
		fprintf(out, "<text x=\"16\" y=\"%u\">(no present entries)</text>\n", TOP + 10);
	fputs("</svg>\n", out);
}
