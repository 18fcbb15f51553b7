/* explain_grid: the 2-D walk of a virtual machine in words and a grid (see explain_grid.h). */
#include "explain_grid.h"

#include <inttypes.h>
#include <string.h>

static const char *stage_name(enum mmusim_stage s)
{
	switch (s) {
	case MMUSIM_STAGE_NONE: return "none";
	case MMUSIM_STAGE_GUEST: return "guest";
	case MMUSIM_STAGE_HOST_TABLE: return "stage2-table";
	case MMUSIM_STAGE_HOST_FINAL: return "stage2-final";
	}
	return "?";
}

/* "guest L3 entry", "guest L2 entry (A/D write)", "final GPA". */
static void row_name(const mmusim_stage2_row *row, char *buf, size_t len)
{
	if (row->kind == MMUSIM_ROW_FINAL)
		snprintf(buf, len, "final GPA");
	else
		snprintf(buf, len, "guest L%u%s", row->guest_level, row->kind == MMUSIM_ROW_TABLE_WRITE ? " A/D" : "");
}

bool explain_grid_guest_stopped(const mmusim_nested_translation *n)
{
	return n->fault_stage == MMUSIM_STAGE_HOST_TABLE && !n->guest.ok &&
	       n->guest.fault_kind == MMUSIM_FAULT_BUS_ERROR && n->guest.nr_steps > 0;
}

/* Each row's stage-2 reads, then its guest entry: the order the hardware reads them. */
void explain_grid_write(FILE *out, mmusim_machine *m, const mmusim_request *req,
			const mmusim_nested_translation *n, const struct palette *pal)
{
	const mmusim_config *cfg = mmusim_machine_config(m);
	unsigned host_levels = mmusim_stage2_levels(m), ref = 0, guest_reads = 0;
	const char *reg = mmusim_stage2_root_register_name(m);
	char name[32];

	fprintf(out, "%sstage 1: the guest's walk, at guest-physical addresses%s\n", pal->head, pal->reset);
	if (explain_grid_guest_stopped(n)) {
		/* The guest walk "read outside memory" where stage 2 refused the entry's GPA: no access fault. */
		explain_head(out, "explain", cfg, req, mmusim_root(m), mmusim_upper_root(m), mmusim_current_asid(m),
			     &n->guest, pal);
		for (unsigned i = 0; i + 1 < n->guest.nr_steps; i++)
			explain_level(out, cfg, &n->guest, i, pal);
		explain_level_stage2_refused(out, cfg, &n->guest, n->guest.nr_steps - 1, pal);
	} else if (n->fault_stage == MMUSIM_STAGE_HOST_TABLE && n->guest.ok) {
		/*
		 * The guest walk reached its leaf, but stage 2 refused an A/D write
		 * into a guest entry: that write did not happen, so the leaf is told
		 * as read (no "the walk set A"), and the refusal is said here.
		 */
		mmusim_translation g = n->guest;
		g.leaf_pte = g.steps[g.nr_steps - 1].pte;
		explain_write(out, cfg, req, mmusim_root(m), mmusim_upper_root(m), mmusim_current_asid(m), &g, m, pal);
		fprintf(out, "%sbut the walk must write A/D into the guest entry at GPA 0x%" PRIx64
			", and stage 2 refuses that write (below): the access faults%s\n",
			pal->bad, n->fault_gpa, pal->reset);
	} else {
		explain_write(out, cfg, req, mmusim_root(m), mmusim_upper_root(m), mmusim_current_asid(m), &n->guest, m,
			      pal);
	}
	fprintf(out, "\n%sstage 2: every GPA above through the host's table%s, from 0x%" PRIx64 " (%s 0x%" PRIx64 ")\n",
		pal->head, pal->reset, mmusim_stage2_root(m), reg ? reg : "root", mmusim_stage2_root_register(m));
	fprintf(out, "  %-16s %-20s", "row", "GPA");
	for (unsigned l = host_levels; l >= 1; l--) {
		char col[24];
		snprintf(col, sizeof(col), "host L%u", l);
		fprintf(out, " %-20s", col);
	}
	fprintf(out, " %s\n", "then");
	for (unsigned r = 0; r < n->nr_rows; r++) {
		const mmusim_stage2_row *row = &n->rows[r];
		const mmusim_translation *w = &row->walk;
		bool counted = row->kind != MMUSIM_ROW_TABLE_WRITE;

		row_name(row, name, sizeof(name));
		fprintf(out, "  %-16s 0x%-18" PRIx64, name, row->gpa);
		for (unsigned l = host_levels; l >= 1; l--) {
			char cell[32] = "-";
			for (unsigned i = 0; i < w->nr_steps; i++) {
				if (w->steps[i].level != l)
					continue;
				if (counted)
					snprintf(cell, sizeof(cell), "%u: 0x%" PRIx64, ++ref, w->steps[i].pte_addr);
				else
					snprintf(cell, sizeof(cell), "(0x%" PRIx64 ")", w->steps[i].pte_addr);
			}
			fprintf(out, " %-20s", cell);
		}
		if (!w->ok)
			fprintf(out, " %sstage-2 fault%s\n", pal->bad, pal->reset);
		else if (row->kind == MMUSIM_ROW_FINAL)
			fprintf(out, " host PA 0x%" PRIx64 "\n", w->pa);
		else if (row->kind == MMUSIM_ROW_TABLE_WRITE)
			fprintf(out, " write the entry at host 0x%" PRIx64 " (its read's translation)\n", w->pa);
		else {
			guest_reads++;
			fprintf(out, " %u: read the guest entry at host 0x%" PRIx64 "\n", ++ref, w->pa);
		}
	}
	fprintf(out, "  %u references: %u guest entries, %u stage-2 entries (A/D writes reuse their read's translation)\n",
		n->references, guest_reads, n->references - guest_reads);
	if (n->ok) {
		char size[32];
		uint64_t ps = n->page_size;
		if (ps >= (1ull << 30))
			snprintf(size, sizeof(size), "%" PRIu64 "G", ps >> 30);
		else if (ps >= (1ull << 20))
			snprintf(size, sizeof(size), "%" PRIu64 "M", ps >> 20);
		else
			snprintf(size, sizeof(size), "%" PRIu64 "K", ps >> 10);
		char perms[6];
		/* The guest walk above printed stage 1's perms; the access gets what both stages allow. */
		mmusim_perms_string(n->combined.perms, perms);
		fprintf(out, "%shost PA 0x%" PRIx64 "%s (GPA 0x%" PRIx64 "; perms %s with both stages; the TLB may hold it as one %s entry)\n",
			pal->good, n->hpa, pal->reset, n->gpa, perms, size);
	} else if (n->fault_stage != MMUSIM_STAGE_GUEST) {
		fprintf(out, "%sstage-2 fault on the %s GPA 0x%" PRIx64 "%s: %s\n", pal->bad,
			n->fault_stage == MMUSIM_STAGE_HOST_TABLE ? "guest page-table" : "final", n->fault_gpa, pal->reset,
			n->report_text);
	}
}

void explain_grid_answer_line(FILE *out, const mmusim_machine *m, const mmusim_request *req,
			      const mmusim_nested_translation *n)
{
	char answer[512];

	if (n->fault_stage == MMUSIM_STAGE_HOST_TABLE || n->fault_stage == MMUSIM_STAGE_HOST_FINAL) {
		fprintf(out, "0x%" PRIx64 " %s %s: stage-2 fault %s at level %u on the %s GPA 0x%" PRIx64 ", %s\n", req->va,
			mmusim_access_name(req->access), mmusim_priv_name(req->priv),
			mmusim_fault_kind_name(n->combined.fault_kind), n->combined.fault_level,
			n->fault_stage == MMUSIM_STAGE_HOST_TABLE ? "guest page-table" : "final", n->fault_gpa,
			n->report_text);
		return;
	}
	explain_answer(mmusim_machine_config(m), req->va, &n->combined, answer, sizeof(answer));
	if (n->ok)
		fprintf(out, "0x%" PRIx64 " %s %s: %s gpa 0x%" PRIx64 " references %u\n", req->va,
			mmusim_access_name(req->access), mmusim_priv_name(req->priv), answer, n->gpa, n->references);
	else
		fprintf(out, "0x%" PRIx64 " %s %s: guest %s\n", req->va, mmusim_access_name(req->access),
			mmusim_priv_name(req->priv), answer);
}

void explain_grid_json(FILE *out, const mmusim_nested_translation *n)
{
	if (n->fault_stage != MMUSIM_STAGE_GUEST && (n->ok || n->guest.ok))
		fprintf(out, ",\"gpa\":\"0x%" PRIx64 "\"", n->gpa);
	fprintf(out, ",\"references\":%u,\"fault_stage\":\"%s\"", n->references, stage_name(n->fault_stage));
	if (n->fault_stage == MMUSIM_STAGE_HOST_TABLE || n->fault_stage == MMUSIM_STAGE_HOST_FINAL)
		fprintf(out, ",\"stage2_fault\":{\"gpa\":\"0x%" PRIx64 "\",\"%s\":\"0x%" PRIx64 "\",\"%s\":\"0x%" PRIx64
			"\",\"%s\":\"0x%" PRIx64 "\"}",
			n->fault_gpa, n->report_code_name, n->report_code, n->report_addr_name, n->report_addr,
			n->report_extra_name, n->report_extra);
}
