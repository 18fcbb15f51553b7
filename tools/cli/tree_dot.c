/*
 * tree_dot: the tree as Graphviz DOT.  Each node is a table drawn as an
 * HTML-like label with one cell per shown row (a port per cell); pointers
 * get an edge to the node below, leaves an edge to a box for their page(s).
 * Rows and edges that a highlighted walk reads are drawn in red.
 *
 * A node is identified by the pointer row above it (the root by "root"),
 * so the children of row p are exactly the rows whose parent is p.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "draw.h"
#include "root_halves.h"
#include "size_text.h"

#define WALK_COLOR "#d00000"
#define WALK_FILL "#ffd6d6"

/* A root node is "root" ("root1" for the upper half's), the node below row p "np". */
static void node_id(char *buf, size_t len, int parent, unsigned half)
{
	if (parent < 0)
		snprintf(buf, len, half ? "root%u" : "root", half);
	else
		snprintf(buf, len, "n%d", parent);
}

/* One table node: a header cell, then a cell per child row. */
static void write_node(FILE *out, const mmusim_config *cfg, const struct tree *t, int parent, unsigned half,
		       unsigned level, uint64_t table, const int *first_child, const int *next_sibling)
{
	char id[32], label[48], flags[160];
	int c = parent < 0 ? first_child[t->nr_rows + half] : first_child[parent];

	node_id(id, sizeof(id), parent, half);
	fprintf(out, "  %s [label=<<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"3\">"
		"<TR><TD BGCOLOR=\"#e8e8e8\"><B>L%u table 0x%" PRIx64 "</B></TD></TR>", id, level, table);
	if (c < 0)
		fputs("<TR><TD>(no present entries shown)</TD></TR>", out);
	for (; c >= 0; c = next_sibling[c]) {
		const struct tree_row *r = &t->rows[c];
		tree_row_label(r, label, sizeof(label));
		mmusim_pte_describe(cfg, r->pte, r->level, flags, sizeof(flags));
		fprintf(out, "<TR><TD PORT=\"r%d\" ALIGN=\"LEFT\"%s>", c, r->walks ? " BGCOLOR=\"" WALK_FILL "\"" : "");
		xml_write_escaped(out, label);
		fprintf(out, " 0x%0*" PRIx64 " ", 2 * mmusim_config_pte_size(cfg), r->pte);
		xml_write_escaped(out, flags);
		fputs("</TD></TR>", out);
	}
	fputs("</TABLE>>];\n", out);
}

static const char *edge_style(const struct tree_row *r)
{
	return r->walks ? " [color=\"" WALK_COLOR "\", penwidth=2.5]" : "";
}

void tree_write_dot(FILE *out, const mmusim_config *cfg, const struct tree *t, const struct walk_marks *marks)
{
	int n = (int)t->nr_rows, slots = n + (int)t->nr_roots;
	/* first_child[n + h] holds root h's first child. */
	int *first_child = malloc((size_t)slots * sizeof(int)), *next_sibling = malloc((size_t)slots * sizeof(int));
	int *last_child = malloc((size_t)slots * sizeof(int));
	char size[32];

	if (!first_child || !next_sibling || !last_child) {
		free(first_child), free(next_sibling), free(last_child);
		return;
	}
	for (int i = 0; i < slots; i++)
		first_child[i] = last_child[i] = next_sibling[i] = -1;
	for (int i = 0; i < n; i++) {
		int p = t->rows[i].parent < 0 ? n + (int)t->rows[i].half : t->rows[i].parent;
		if (last_child[p] < 0)
			first_child[p] = i;
		else
			next_sibling[last_child[p]] = i;
		last_child[p] = i;
	}

	fputs("digraph page_table {\n"
	      "  graph [rankdir=LR, fontname=\"monospace\", fontsize=10, nodesep=0.15, ranksep=0.6];\n"
	      "  node [shape=plaintext, fontname=\"monospace\", fontsize=10];\n"
	      "  edge [arrowsize=0.6];\n", out);
	for (unsigned h = 0; h < t->nr_roots; h++) {
		const char *label = tree_root_label(t, h);
		char root_id[32], name[16];

		node_id(root_id, sizeof(root_id), -1, h);
		fprintf(out, "  reg%s [shape=box, style=rounded, label=\"%s%s%s 0x%" PRIx64 "\"];\n", h ? "1" : "",
			label ? label : "", label ? "\\n" : "", label ? root_half_register(cfg, t->roots[h].upper)
								   : mmusim_config_walk_root_register(cfg, name, sizeof(name)),
			tree_root_register_value(t, h));
		fprintf(out, "  reg%s -> %s%s;\n", h ? "1" : "", root_id,
			marks->nr ? " [color=\"" WALK_COLOR "\", penwidth=2.5]" : "");
	}
	if (marks->nr) {
		fputs("  graph [labelloc=t, label=\"walks highlighted:", out);
		for (unsigned k = 0; k < marks->nr; k++)
			fprintf(out, " 0x%" PRIx64, marks->va[k]);
		fputs("\"];\n", out);
	}
	for (unsigned h = 0; h < t->nr_roots; h++)
		write_node(out, cfg, t, -1, h, tree_root_levels(t, h), t->roots[h].table, first_child, next_sibling);
	for (int i = 0; i < n; i++) {
		const struct tree_row *r = &t->rows[i];
		char src[48], root_id[32];

		node_id(root_id, sizeof(root_id), -1, r->half);
		if (r->parent < 0)
			snprintf(src, sizeof(src), "%s:r%d", root_id, i);
		else
			snprintf(src, sizeof(src), "n%d:r%d", r->parent, i);
		if (!r->leaf && r->expanded && !r->unreadable) {
			write_node(out, cfg, t, i, r->half, r->level - 1, r->addr, first_child, next_sibling);
			fprintf(out, "  %s -> n%d%s;\n", src, i, edge_style(r));
		} else if (!r->leaf) {
			char note[96];
			tree_pointer_note(r, note, sizeof(note));
			fprintf(out, "  n%d [shape=box, style=dashed, label=\"L%u table 0x%" PRIx64 "\\n(%s)\"];\n",
				i, r->level - 1, r->addr, note);
			fprintf(out, "  %s -> n%d%s;\n", src, i, edge_style(r));
		} else {
			char refused[80] = "";
			/* A leaf the walk refuses (tree_row.fault_kind): dashed, with the fault. */
			if (r->fault_kind)
				snprintf(refused, sizeof(refused), "\\n(not mapped: faults %s at L%u)\", style=\"dashed",
					 mmusim_fault_kind_name(r->fault_kind), r->fault_level);
			format_page_size(r->page_size, size, sizeof(size));
			if (tree_row_no_page(t->cfg, r))
				fprintf(out, "  p%d [shape=box, label=\"no page at L%u%s\"%s];\n", i, r->level, refused,
					r->walks ? ", color=\"" WALK_COLOR "\", penwidth=2.5" : "");
			else if (r->count == 1)
				fprintf(out, "  p%d [shape=box, label=\"%s page\\npa 0x%" PRIx64 "%s\"%s];\n", i, size, r->addr,
					refused, r->walks ? ", color=\"" WALK_COLOR "\", penwidth=2.5" : "");
			else
				fprintf(out, "  p%d [shape=box, label=\"%u x %s pages\\npa 0x%" PRIx64 "..0x%" PRIx64 "%s\"%s];\n",
					i, r->count, size, r->addr, r->addr + (uint64_t)r->count * r->page_size - 1, refused,
					r->walks ? ", color=\"" WALK_COLOR "\", penwidth=2.5" : "");
			fprintf(out, "  %s -> p%d%s;\n", src, i, edge_style(r));
		}
	}
	fputs("}\n", out);
	free(first_child);
	free(next_sibling);
	free(last_child);
}
