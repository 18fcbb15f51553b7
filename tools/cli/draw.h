/*
 * draw: the page-table tree and walks rendered for people — the text tree
 * and Graphviz DOT of show, the SVG of report --html, and the colourable
 * explanation of one walk.  Everything is drawn from the config's layout and
 * the API's PTE helpers, never from a test of which architecture it is.
 */
#ifndef MMUSIM_TOOLS_DRAW_H
#define MMUSIM_TOOLS_DRAW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "explain_text.h"
#include "tree.h"

/* VAs whose walks are highlighted; walk i sets bit i in tree_row.walks. */
struct walk_marks {
	const uint64_t *va;
	unsigned nr;
};

#define DRAW_MAX_WALKS 32

/* One line per row, indented by level (tree_text.c). */
void tree_write_text(FILE *out, const mmusim_config *cfg, const struct tree *t,
		     const struct walk_marks *marks);
/* One JSON object per row (tree_json.c). */
void tree_write_json(FILE *out, const mmusim_config *cfg, const struct tree *t,
		     const struct walk_marks *marks);
/* Graphviz DOT: one record per node, the walks' entries and edges highlighted (tree_dot.c). */
void tree_write_dot(FILE *out, const mmusim_config *cfg, const struct tree *t,
		    const struct walk_marks *marks);
/* An inline SVG of the tree (no namespace URL: it is embedded in HTML) (tree_svg.c). */
void tree_write_svg(FILE *out, const mmusim_config *cfg, const struct tree *t,
		    const struct walk_marks *marks);

/* "L4[0]" or "L1[3..7] x5", the label rows carry everywhere. */
void tree_row_label(const struct tree_row *r, char *buf, size_t len);
/* "-> L3 table 0x2000, va 0x0..0x7fffffffff" or "-> 4K page, va 0x.. -> pa 0x..". */
void tree_row_target(const mmusim_config *cfg, const struct tree_row *r, char *buf, size_t len);
/*
 * A leaf where no page can be (x86 PS in a PML4E: its address field has no
 * bits): drawn as "no page", not as a page of the entry's span (there is no
 * 512G page in x86-64) at a made-up PA.
 */
bool tree_row_no_page(const mmusim_config *cfg, const struct tree_row *r);

/* "root 0x1000 (cr3 0x1000)"; for a split-root format "TTBR1 (kernel) root 0x2000 (ttbr1 0x2000)". */
void tree_root_heading(const struct tree *t, unsigned half, char *buf, size_t len);
/*
 * One half's table (the only one unless split roots): "4 levels of 512 8-byte
 * entries", plus " (2 at the top level)" when the top level holds fewer.
 */
void tree_shape(const mmusim_config *cfg, bool upper, char *buf, size_t len);

/* Writes s with & < > " escaped for HTML / XML text and attributes, control characters as U+FFFD. */
void xml_write_escaped(FILE *out, const char *s);

#endif
