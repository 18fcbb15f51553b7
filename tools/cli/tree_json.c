/*
 * tree_json: show --json, one object per row, for scripts (and the quiz and shell built on show).
 * A split-root format's rows say their root register ("root":"ttbr0" or "ttbr1").
 */
#include <inttypes.h>

#include "draw.h"
#include "json_string.h"
#include "root_halves.h"

void tree_write_json(FILE *out, const mmusim_config *cfg, const struct tree *t, const struct walk_marks *marks)
{
	char flags[160];

	for (unsigned i = 0; i < t->nr_rows; i++) {
		const struct tree_row *r = &t->rows[i];
		bool no_page = tree_row_no_page(cfg, r);

		mmusim_pte_describe(cfg, r->pte, r->level, flags, sizeof(flags));
		fprintf(out, "{\"level\":%u,\"table\":\"0x%" PRIx64 "\",\"index\":%u,\"count\":%u,\"pte\":\"0x%" PRIx64
			"\",\"bits\":", r->level, r->table, r->index, r->count, r->pte);
		json_write_str(out, flags);
		/* PS in an x86 PML4E ends the walk but maps nothing: no frame, no size (the text's "no page"). */
		if (no_page)
			fputs(",\"kind\":\"none\",\"addr\":null", out);
		else
			fprintf(out, ",\"kind\":\"%s\",\"addr\":\"0x%" PRIx64 "\"", r->leaf ? "leaf" : "table", r->addr);
		fprintf(out, ",\"va\":\"0x%" PRIx64 "\",\"va_last\":\"0x%" PRIx64 "\",\"page_size\":%" PRIu64 ",\"parent\":%d",
			r->va, r->va_last, no_page ? 0 : r->page_size, r->parent);
		/* A split-root format's two tables: which root register the row hangs from. */
		if (tree_root_label(t, r->half))
			fprintf(out, ",\"root\":\"%s\"", root_half_register(cfg, t->roots[r->half].upper));
		if (!r->leaf)
			fprintf(out, ",\"expanded\":%s,\"readable\":%s", r->expanded ? "true" : "false",
				r->unreadable ? "false" : "true");
		if (r->fault_kind)
			fprintf(out, ",\"fault\":{\"kind\":\"%s\",\"level\":%u}", mmusim_fault_kind_name(r->fault_kind),
				r->fault_level);
		fputs(",\"walks\":[", out);
		for (unsigned k = 0, n = 0; k < marks->nr; k++)
			if (r->walks & (1u << k))
				fprintf(out, "%s\"0x%" PRIx64 "\"", n++ ? "," : "", marks->va[k]);
		fputs("]}\n", out);
	}
}
