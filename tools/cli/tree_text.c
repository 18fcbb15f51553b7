/*
 * tree_text: show's default output — the tree as indented text, one line per
 * present entry (a run of similar leaves is one line with its count).
 */
#include <inttypes.h>

#include "draw.h"
#include "root_halves.h"
#include "size_text.h"
#include "term_text.h"

void tree_row_label(const struct tree_row *r, char *buf, size_t len)
{
	if (r->count == 1)
		snprintf(buf, len, "L%u[%u]", r->level, r->index);
	else
		snprintf(buf, len, "L%u[%u..%u] x%u", r->level, r->index, r->index + r->count - 1, r->count);
}

bool tree_row_no_page(const mmusim_config *cfg, const struct tree_row *r)
{
	return r->leaf && !mmusim_pte_address_mask(cfg, r->pte, r->level);
}

void tree_row_target(const mmusim_config *cfg, const struct tree_row *r, char *buf, size_t len)
{
	char size[32], refused[64] = "";

	format_page_size(r->page_size, size, sizeof(size));
	if (r->leaf && r->fault_kind)
		snprintf(refused, sizeof(refused), " (not mapped: the walk faults %s at level %u)",
			 mmusim_fault_kind_name(r->fault_kind), r->fault_level);
	if (!r->leaf) {
		char note[96];
		tree_pointer_note(r, note, sizeof(note));
		snprintf(buf, len, "-> L%u table 0x%" PRIx64 ", va 0x%" PRIx64 "..0x%" PRIx64 "%s%s%s", r->level - 1,
			 r->addr, r->va, r->va_last, *note ? " (" : "", note, *note ? ")" : "");
	}
	else if (tree_row_no_page(cfg, r))
		snprintf(buf, len, "-> no page (no page can be mapped at level %u), va 0x%" PRIx64 "..0x%" PRIx64 "%s",
			 r->level, r->va, r->va_last, refused);
	else if (r->count == 1)
		snprintf(buf, len, "-> %s page, va 0x%" PRIx64 " -> pa 0x%" PRIx64 "%s", size, r->va, r->addr, refused);
	else
		snprintf(buf, len, "-> %u x %s pages, va 0x%" PRIx64 "..0x%" PRIx64 " -> pa 0x%" PRIx64 "..0x%" PRIx64 "%s",
			 r->count, size, r->va, r->va_last, r->addr, r->addr + (uint64_t)r->count * r->page_size - 1,
			 refused);
}

/* "root 0x1000 (cr3 0x1000)", with "TTBR1 (kernel) " before it for a half of a split-root format. */
void tree_root_heading(const struct tree *t, unsigned half, char *buf, size_t len)
{
	const char *label = tree_root_label(t, half);
	uint64_t table = t->roots[half].table;
	char name[16];

	snprintf(buf, len, "%s%sroot 0x%" PRIx64 " (%s 0x%" PRIx64 ")", label ? label : "", label ? " " : "", table,
		 label ? root_half_register(t->cfg, t->roots[half].upper)
		       : mmusim_config_walk_root_register(t->cfg, name, sizeof(name)),
		 tree_root_register_value(t, half));
}

/* "4 levels of 512 8-byte entries", and the top level's count where it is a part of a node. */
void tree_shape(const mmusim_config *cfg, bool upper, char *buf, size_t len)
{
	unsigned top = mmusim_config_half_top_entries(cfg, upper), entries = mmusim_config_entries_per_node(cfg);
	unsigned levels = mmusim_config_half_levels(cfg, upper);
	int n = snprintf(buf, len, "%u level%s of %u %u-byte entries", levels, levels == 1 ? "" : "s", entries,
			 mmusim_config_pte_size(cfg));

	if (top != entries && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " (%u at the top level)", top);
}

void tree_write_text(FILE *out, const mmusim_config *cfg, const struct tree *t, const struct walk_marks *marks)
{
	unsigned pte_size = mmusim_config_pte_size(cfg);
	char label[48], flags[160], target[160], heading[96], shape[96];

	for (unsigned h = 0; h < t->nr_roots; h++) {
		unsigned levels = tree_root_levels(t, h);
		bool any = false;

		tree_shape(cfg, t->roots[h].upper, shape, sizeof(shape));
		tree_root_heading(t, h, heading, sizeof(heading));
		fprintf(out, "%s: ", heading);
		term_write(out, mmusim_config_name(cfg));
		fprintf(out, ", %s\n", shape);
		for (unsigned i = 0; i < t->nr_rows; i++) {
			const struct tree_row *r = &t->rows[i];

			if (r->half != h)
				continue;
			any = true;
			tree_row_label(r, label, sizeof(label));
			mmusim_pte_describe(cfg, r->pte, r->level, flags, sizeof(flags));
			tree_row_target(cfg, r, target, sizeof(target));
			fprintf(out, "%*s%s 0x%0*" PRIx64 " %s %s", 2 * (levels - r->level), "", label, 2 * pte_size, r->pte,
				flags, target);
			for (unsigned k = 0; k < marks->nr; k++)
				if (r->walks & (1u << k))
					fprintf(out, " <- walk of 0x%" PRIx64, marks->va[k]);
			fputc('\n', out);
		}
		if (!any)
			fputs("(no present entries to show)\n", out);
	}
}
