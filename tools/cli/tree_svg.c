/*
 * tree_svg: the tree as boxes and arrows for report --html, drawn by mmusim
 * itself so the report renders without Graphviz.  Like show --dot, a box is
 * one table (node) with a title and a line per shown entry; an arrow leads
 * from each pointer entry to the box of the table it points to.  Boxes stand
 * in one column per level, the root's on the left; each box is placed level
 * with the entry pointing to it, or lower when its column is taken there.
 *
 * Ids and classes let the page's style and step-through script find things:
 * "node-N" (class node, data-table), "row-I" for the tree's row I (class entry
 * pointer|leaf, "walk wK" for the first walk K reading it, data-walks), and
 * "edge-I" for the arrow leaving row I.
 */
#include "draw.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "root_halves.h"
#include "size_text.h"

#define ROW_H 18
#define CHAR_W 6.7    /* 11px monospace (the page's style) */
#define PAD 6
#define GAP 40
#define LEFT 12
#define HEADING 26
#define BOX_GAP 10
#define MAX_COLS (MMUSIM_MAX_LEVELS + 1)

struct svg_node {
	int parent;                 /* the pointer row above, -1 for a root */
	unsigned half, col, entries;
	unsigned y;                 /* top of the box */
	uint64_t table;
	unsigned level;
};

struct svg_layout {
	struct svg_node *nodes;
	unsigned nr_nodes;
	unsigned *node_of_row, *slot_of_row;
	unsigned *node_below;       /* the node below pointer row i, or UINT32_MAX */
	unsigned col_x[MAX_COLS + 1], col_w[MAX_COLS];
	unsigned root_y[2];         /* baseline of each root's heading */
	unsigned width, height;
};

static unsigned row_col(const struct tree *t, const struct tree_row *r)
{
	unsigned c = tree_root_levels(t, r->half) - r->level;
	return c < MAX_COLS ? c : MAX_COLS - 1;
}

/*
 * The words after an entry's bits: none for a pointer whose table is drawn
 * (the arrow shows it), else where it leads, short ("-> 4K page": its bits give the address);
 * the full target goes in the tooltip.
 */
static size_t entry_text(const mmusim_config *cfg, const struct tree_row *r, char *label, char *flags, char *target)
{
	char size[32];

	/* "[0]", "[2..3] x2": the box's title names the level. */
	tree_row_label(r, target, 160);
	snprintf(label, 48, "%s", strchr(target, '[') ? strchr(target, '[') : target);
	mmusim_pte_describe(cfg, r->pte, r->level, flags, 160);
	format_page_size(r->page_size, size, sizeof(size));
	if (!r->leaf && r->expanded && !r->fault_kind && !r->unreadable) {
		*target = '\0';
	} else if (!r->leaf) {
		char note[96];
		tree_pointer_note(r, note, sizeof(note));
		snprintf(target, 160, "-> L%u table 0x%" PRIx64 " (%s)", r->level - 1, r->addr, note);
	}
	else if (tree_row_no_page(cfg, r))
		snprintf(target, 160, "-> no page");
	else if (r->count == 1)
		snprintf(target, 160, "-> %s page", size);
	else
		snprintf(target, 160, "-> %u x %s pages", r->count, size);
	return strlen(label) + 3 + 2 * mmusim_config_pte_size(cfg) + strlen(flags) + 1 + strlen(target);
}

/* A box's title: "L3 table 0x2000"; the VA range it maps goes in the tooltip. */
static void node_title(const struct tree *t, const struct svg_node *n, char *buf, size_t len)
{
	snprintf(buf, len, "L%u table 0x%" PRIx64, n->parent < 0 ? tree_root_levels(t, n->half) : n->level, n->table);
}

/* "cr3 0x1000: root table 0x1000, 4 levels of 512 8-byte entries", a half's label before it. */
static void root_heading(const mmusim_config *cfg, const struct tree *t, unsigned h, char *buf, size_t len)
{
	const char *half = tree_root_label(t, h);
	uint64_t table = t->roots[h].table;
	char shape[96], name[16];

	tree_shape(cfg, t->roots[h].upper, shape, sizeof(shape));
	snprintf(buf, len, "%s%s%s 0x%" PRIx64 ": root table 0x%" PRIx64 ", %s", half ? half : "", half ? ": " : "",
		 half ? root_half_register(cfg, t->roots[h].upper) : mmusim_config_walk_root_register(cfg, name, sizeof(name)),
		 tree_root_register_value(t, h), table, shape);
}

static void layout_free(struct svg_layout *l)
{
	free(l->nodes);
	free(l->node_of_row);
	free(l->slot_of_row);
	free(l->node_below);
}

static int layout(struct svg_layout *l, const mmusim_config *cfg, const struct tree *t)
{
	unsigned n = t->nr_rows, root_node[2] = { UINT32_MAX, UINT32_MAX }, col_free[MAX_COLS] = { 0 }, chars[MAX_COLS] = { 0 };
	char label[48], flags[160], target[160], title[200];

	memset(l, 0, sizeof(*l));
	l->nodes = calloc(n + t->nr_roots + 1, sizeof(*l->nodes));
	l->node_of_row = calloc(n + 1, sizeof(unsigned));
	l->slot_of_row = calloc(n + 1, sizeof(unsigned));
	l->node_below = malloc((n + 1) * sizeof(unsigned));
	if (!l->nodes || !l->node_of_row || !l->slot_of_row || !l->node_below) {
		layout_free(l);
		return -1;
	}
	for (unsigned i = 0; i < n; i++)
		l->node_below[i] = UINT32_MAX;
	/*
	 * A box per root, even an empty one, and per pointer whose entries are
	 * shown, in DFS order: a half's root just before its first entry, so the
	 * boxes of one half all come before the next half's.
	 */
	for (unsigned i = 0, h = 0; i <= n; i++) {
		for (; h < t->nr_roots && (i == n || t->rows[i].half >= h); h++) {
			root_node[h] = l->nr_nodes;
			l->nodes[l->nr_nodes++] = (struct svg_node){ .parent = -1, .half = h, .table = t->roots[h].table,
								     .level = tree_root_levels(t, h) };
		}
		if (i == n)
			break;
		const struct tree_row *r = &t->rows[i];
		unsigned k = r->parent < 0 ? root_node[r->half] : l->node_below[r->parent];
		if (k == UINT32_MAX) {
			k = l->nr_nodes++;
			l->nodes[k] = (struct svg_node){ .parent = r->parent, .half = r->half, .col = row_col(t, r),
							 .table = r->table, .level = r->level };
			l->node_below[r->parent] = k;
		}
		l->node_of_row[i] = k;
		l->slot_of_row[i] = l->nodes[k].entries++;
		size_t c = entry_text(cfg, r, label, flags, target);
		if (c > chars[l->nodes[k].col])
			chars[l->nodes[k].col] = (unsigned)c;
	}
	unsigned cols = 1;
	for (unsigned k = 0; k < l->nr_nodes; k++) {
		node_title(t, &l->nodes[k], title, sizeof(title));
		if (strlen(title) > chars[l->nodes[k].col])
			chars[l->nodes[k].col] = (unsigned)strlen(title);
		if (l->nodes[k].col + 1 > cols)
			cols = l->nodes[k].col + 1;
	}
	l->col_x[0] = LEFT;
	for (unsigned c = 0; c < cols; c++) {
		l->col_w[c] = (unsigned)(chars[c] * CHAR_W) + 2 * PAD;
		l->col_x[c + 1] = l->col_x[c] + l->col_w[c] + GAP;
	}
	/* Parents come before their children: each box goes level with its pointer, below what its column holds. */
	unsigned bottom = 0;
	for (unsigned k = 0; k < l->nr_nodes; k++) {
		struct svg_node *nd = &l->nodes[k];
		unsigned want;
		if (nd->parent < 0) {
			l->root_y[nd->half] = bottom + HEADING - 8;
			want = bottom + HEADING;
			for (unsigned c = 0; c < cols; c++)
				col_free[c] = bottom + HEADING;
		} else {
			const struct svg_node *up = &l->nodes[l->node_of_row[nd->parent]];
			want = up->y + ROW_H * (1 + l->slot_of_row[nd->parent]);
		}
		nd->y = want > col_free[nd->col] ? want : col_free[nd->col];
		col_free[nd->col] = nd->y + ROW_H * (1 + (nd->entries ? nd->entries : 1)) + BOX_GAP;
		if (col_free[nd->col] > bottom)
			bottom = col_free[nd->col];
		/* A second root starts below everything of the first. */
		if (k + 1 < l->nr_nodes && l->nodes[k + 1].parent < 0)
			for (unsigned c = 0; c < cols; c++)
				if (col_free[c] > bottom)
					bottom = col_free[c];
	}
	for (unsigned c = 0; c < cols; c++)
		if (col_free[c] > bottom)
			bottom = col_free[c];
	l->width = l->col_x[cols] - GAP + LEFT;
	/* The roots' headings, bold, may be wider than the boxes. */
	for (unsigned h = 0; h < t->nr_roots; h++) {
		root_heading(cfg, t, h, title, sizeof(title));
		unsigned w = LEFT + (unsigned)(strlen(title) * CHAR_W * 1.1) + LEFT;
		if (w > l->width)
			l->width = w;
	}
	l->height = bottom + 4;
	return 0;
}

/* "wK" for the first walk reading the row, and data-walks="1 3" listing them all. */
static void write_walk_attrs(FILE *out, unsigned walks)
{
	if (!walks)
		return;
	fprintf(out, " walk w%u\" data-walks=\"", (unsigned)__builtin_ctz(walks) + 1);
	for (unsigned k = 0, first = 1; k < 32; k++)
		if (walks & (1u << k)) {
			fprintf(out, "%s%u", first ? "" : " ", k + 1);
			first = 0;
		}
}

void tree_write_svg(FILE *out, const mmusim_config *cfg, const struct tree *t, const struct walk_marks *marks)
{
	unsigned pte_size = mmusim_config_pte_size(cfg);
	char label[48], flags[160], target[160], title[200];
	struct svg_layout l;

	if (layout(&l, cfg, t)) {
		fputs("<p>(out of memory drawing the tree)</p>\n", out);
		return;
	}
	fprintf(out, "<svg id=\"tree-svg\" class=\"tree\" width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\" "
		"role=\"img\" aria-label=\"page-table tree\">\n<defs><marker id=\"arrow\" viewBox=\"0 0 8 8\" refX=\"8\" "
		"refY=\"4\" markerUnits=\"userSpaceOnUse\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\"><path d=\"M0 0L8 4L0 8z\" fill=\"#777\"/>"
		"</marker></defs>\n", l.width, l.height, l.width, l.height);
	for (unsigned h = 0; h < t->nr_roots; h++) {
		root_heading(cfg, t, h, title, sizeof(title));
		fprintf(out, "<text class=\"root%s\" x=\"%d\" y=\"%u\">%s</text>\n", marks->nr ? " walk" : "", LEFT,
			l.root_y[h], title);
	}
	/* Arrows first, so boxes are drawn over their ends. */
	for (unsigned i = 0; i < t->nr_rows; i++) {
		unsigned below = l.node_below[i];
		if (below == UINT32_MAX)
			continue;
		const struct svg_node *up = &l.nodes[l.node_of_row[i]], *down = &l.nodes[below];
		unsigned x1 = l.col_x[up->col] + l.col_w[up->col], x2 = l.col_x[down->col] - 1;
		unsigned y1 = up->y + ROW_H * (1 + l.slot_of_row[i]) + ROW_H / 2, y2 = down->y + ROW_H / 2;
		fprintf(out, "<path id=\"edge-%u\" class=\"edge", i);
		write_walk_attrs(out, t->rows[i].walks);
		fprintf(out, "\" d=\"M%u %u C%u %u %u %u %u %u\" marker-end=\"url(#arrow)\"/>\n", x1, y1, x1 + GAP / 2, y1,
			x2 - GAP / 2, y2, x2, y2);
	}
	for (unsigned k = 0; k < l.nr_nodes; k++) {
		const struct svg_node *nd = &l.nodes[k];
		unsigned x = l.col_x[nd->col], w = l.col_w[nd->col];
		node_title(t, nd, title, sizeof(title));
		fprintf(out, "<g id=\"node-%u\" class=\"node%s\"", k, nd->parent < 0 ? " root" : "");
		if (nd->parent >= 0)
			fprintf(out, " data-edge=\"edge-%d\"", nd->parent);
		fprintf(out, " data-table=\"0x%" PRIx64 "\" data-level=\"%u\">"
			"<rect class=\"box\" x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\"/>"
			"<rect class=\"title-bg\" x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\"/>"
			"<text class=\"node-title\" x=\"%u\" y=\"%u\">", nd->table,
			nd->level, x, nd->y, w, ROW_H * (1 + (nd->entries ? nd->entries : 1)), x, nd->y, w, ROW_H, x + PAD,
			nd->y + ROW_H - 5);
		xml_write_escaped(out, title);
		fputs("</text></g>\n", out);
		if (!nd->entries)
			fprintf(out, "<text x=\"%u\" y=\"%u\">(no present entries)</text>\n", x + PAD, nd->y + 2 * ROW_H - 5);
	}
	for (unsigned i = 0; i < t->nr_rows; i++) {
		const struct tree_row *r = &t->rows[i];
		const struct svg_node *nd = &l.nodes[l.node_of_row[i]];
		unsigned x = l.col_x[nd->col], y = nd->y + ROW_H * (1 + l.slot_of_row[i]);

		entry_text(cfg, r, label, flags, target);
		fprintf(out, "<g id=\"row-%u\" class=\"entry %s", i, r->leaf ? "leaf" : "pointer");
		write_walk_attrs(out, r->walks);
		fprintf(out, "\" data-node=\"node-%u\"><title>", l.node_of_row[i]);
		tree_row_target(cfg, r, title, sizeof(title));
		xml_write_escaped(out, title);
		fprintf(out, "</title><rect class=\"hl\" x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\"/><text x=\"%u\" y=\"%u\">"
			"<tspan class=\"label\">", x + 1, y, l.col_w[nd->col] - 2, ROW_H, x + PAD, y + ROW_H - 5);
		xml_write_escaped(out, label);
		fprintf(out, "</tspan> <tspan class=\"raw\">0x%0*" PRIx64 "</tspan> <tspan class=\"flags\">", 2 * pte_size,
			r->pte);
		xml_write_escaped(out, flags);
		fputs("</tspan>", out);
		if (*target) {
			fputs(" <tspan class=\"target\">", out);
			xml_write_escaped(out, target);
			fputs("</tspan>", out);
		}
		fputs("</text></g>\n", out);
	}
	fputs("</svg>\n", out);
	layout_free(&l);
}
