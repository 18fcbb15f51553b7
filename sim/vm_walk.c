/* vm_walk: the two-stage walk behind a VM's TLBs (see vm_walk.h). */
#include "vm_walk.h"

#include "pt/page_prop.h"
#include "pt/pt_arch.h"
#include "sim/machine.h"
#include "sim/stage2_host.h"

static void count(const struct nested_result *n, unsigned top_level, struct nested_stats *st)
{
	const struct walk_result *g = &n->stage1;

	st->walks++;
	st->stage2_walks += n->nr_rows;
	for (unsigned i = 0; i < g->nr_steps; i++) {
		st->reads[g->steps[i].level][0]++;
		st->guest_reads++;
	}
	/* A guest entry stage 2 refused to read was not read (its step records the attempt). */
	if (n->fault == NESTED_FAULT_STAGE2_TABLE && !n->rows[n->nr_rows - 1].walk.ok && g->nr_steps &&
	    n->rows[n->nr_rows - 1].kind == NESTED_ROW_TABLE_READ) {
		st->reads[g->steps[g->nr_steps - 1].level][0]--;
		st->guest_reads--;
	}
	for (unsigned r = 0; r < n->nr_rows; r++) {
		const struct nested_row *row = &n->rows[r];
		unsigned glevel = nested_row_guest_level(n, row, top_level);

		if (row->kind == NESTED_ROW_TABLE_WRITE)
			continue;
		for (unsigned i = 0; i < row->walk.nr_steps; i++) {
			st->reads[glevel][row->walk.steps[i].level]++;
			st->host_reads++;
		}
	}
	if (n->fault == NESTED_FAULT_STAGE1)
		st->guest_faults++;
	else if (n->fault != NESTED_OK)
		st->host_faults++;
}

void vm_walk(struct machine *m, const struct walk_request *req, struct walk_result *res,
	     struct vm_walk_info *info, struct nested_stats *st, struct nested_result *n)
{
	struct stage2_host *h = m->host;
	struct walk_request r = *req;

	r.no_steps = false; /* the grid counts the guest's steps */
	h->guest.no_ad_update = req->no_ad_update;
	h->guest.use_tlb = true;
	nested_walk(&m->walker, &h->guest, &r, n);
	h->guest.use_tlb = false;
	h->guest.no_ad_update = false;
	count(n, m->cfg.pc.nr_levels, st);
	*res = n->stage1;
	info->fault = n->fault;
	info->fault_gpa = n->fault_gpa;
	info->stage2_allow = 0;
	info->stage2_dirty = false;
	if (n->ok) {
		struct page_prop prop;

		res->pa = n->hpa;
		if (n->stage2.page_size < res->page_size)
			res->page_size = n->stage2.page_size;
		info->stage2_allow = guest_mem_allowed(&h->guest, &n->stage2);
		h->cfg.arch->leaf_prop(&h->cfg.pc, n->stage2.leaf_pte, n->stage2.level, &prop);
		info->stage2_dirty = (prop.flags & PROP_D) != 0;
	} else if (n->fault != NESTED_FAULT_STAGE1) {
		struct stage2_report rep;
		char text[8];

		res->ok = false;
		res->fault = n->stage2.fault;
		nested_report(n, &h->guest, req, &rep, text, sizeof(text));
		res->fault.code = rep.code;
	}
}
