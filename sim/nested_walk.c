/* nested_walk: the 2-D walk (see nested_walk.h). */
#include "nested_walk.h"

#include <string.h>

/* guest_mem's observer: each stage-2 walk becomes a row. */
static void add_row(void *arg, uint64_t gpa, bool entry_write, const struct walk_result *res)
{
	struct nested_result *out = arg;
	struct nested_row *row;

	if (out->nr_rows == NESTED_MAX_ROWS)
		return;
	row = &out->rows[out->nr_rows++];
	row->kind = entry_write ? NESTED_ROW_TABLE_WRITE : NESTED_ROW_TABLE_READ;
	row->gpa = gpa;
	row->walk = *res;
}

void nested_walk(const struct walker *stage1, struct guest_mem *g, const struct walk_request *req,
		 struct nested_result *out)
{
	memset(out, 0, offsetof(struct nested_result, rows));
	g->faulted = false;
	g->observe = add_row;
	g->observe_arg = out;
	walk(stage1, req, &out->stage1);
	out->references = out->stage1.nr_steps;
	if (g->faulted) {
		/* Also when the stage-1 walk went on: a refused A/D write faults the access. */
		out->fault = NESTED_FAULT_STAGE2_TABLE;
		out->fault_gpa = g->fault_gpa;
		out->stage2 = g->fault;
	} else if (!out->stage1.ok) {
		out->fault = NESTED_FAULT_STAGE1;
	} else if (!guest_mem_translate(g, out->stage1.pa, req->access, req->priv, &out->stage2)) {
		out->fault = NESTED_FAULT_STAGE2_FINAL;
		out->fault_gpa = out->stage1.pa;
	} else {
		out->ok = true;
		out->hpa = out->stage2.pa;
	}
	/* The final GPA's row was added by the observer as a table access: name it. */
	if (out->fault == NESTED_OK || out->fault == NESTED_FAULT_STAGE2_FINAL)
		out->rows[out->nr_rows - 1].kind = NESTED_ROW_FINAL;
	/* A stage-1 entry whose GPA stage 2 refused to read was never read. */
	if (out->fault == NESTED_FAULT_STAGE2_TABLE && !g->fault_entry_write && out->references)
		out->references--;
	for (unsigned i = 0; i < out->nr_rows; i++)
		if (out->rows[i].kind != NESTED_ROW_TABLE_WRITE)
			out->references += out->rows[i].walk.nr_steps;
	g->observe = NULL;
	g->observe_arg = NULL;
}

unsigned nested_row_guest_level(const struct nested_result *n, const struct nested_row *row, unsigned top_level)
{
	const struct walk_result *g = &n->stage1;

	if (row->kind == NESTED_ROW_FINAL)
		return 0;
	for (unsigned i = 0; i < g->nr_steps; i++)
		if (g->steps[i].pte_addr == row->gpa)
			return g->steps[i].level;
	return g->nr_steps ? g->steps[g->nr_steps - 1].level - 1 : top_level;
}

void nested_report(const struct nested_result *n, const struct guest_mem *g, const struct walk_request *req,
		   struct stage2_report *out, char *text, size_t len)
{
	struct stage2_context ctx = {
		.gpa = n->fault_gpa, .gva = req->va, .access = req->access, .priv = req->priv,
		.table = n->fault == NESTED_FAULT_STAGE2_TABLE,
		.table_write = n->fault == NESTED_FAULT_STAGE2_TABLE && g->fault_entry_write,
		.table_size = g->fault_entry_size,
	};

	g->stage2->arch->stage2_report(&n->stage2.fault, &ctx, out, text, len);
}

unsigned nested_reads(const struct nested_result *n, unsigned top_level, struct nested_read *out)
{
	unsigned nr = 0;

	for (unsigned r = 0; r < n->nr_rows; r++) {
		const struct nested_row *row = &n->rows[r];
		const uint8_t glevel = (uint8_t)nested_row_guest_level(n, row, top_level);

		if (row->kind == NESTED_ROW_TABLE_WRITE)
			continue;
		for (unsigned i = 0; i < row->walk.nr_steps && nr < NESTED_MAX_READS; i++)
			out[nr++] = (struct nested_read){ .stage2 = true, .guest_level = glevel,
							  .level = (uint8_t)row->walk.steps[i].level,
							  .hpa = row->walk.steps[i].pte_addr };
		/* A guest entry stage 2 refused to read was never read. */
		if (row->kind == NESTED_ROW_TABLE_READ && row->walk.ok && nr < NESTED_MAX_READS)
			out[nr++] = (struct nested_read){ .guest_level = glevel, .level = glevel,
							  .hpa = row->walk.pa, .gpa = row->gpa };
	}
	return nr;
}
