/* ostep_answer: OSTEP's answer-key wording for a walk (see ostep_answer.h). */
#include "ostep_answer.h"

#include <inttypes.h>

#include "cli_errors.h"

int ostep_answer_check(const mmusim_config *cfg, mmusim_error *err)
{
	mmusim_pte_layout l;

	if (!mmusim_config_pte_layout(cfg, &l) || mmusim_config_levels(cfg) > 2)
		return cli_set_error(err, MMUSIM_EINVAL,
				     "--ostep tells a walk as OSTEP's homework does: it needs a one- or two-level toy config "
				     "such as --config ostep (%s is not one)", mmusim_config_name(cfg));
	return MMUSIM_OK;
}

/* One entry as the key prints it: its index, contents, valid bit and frame number ("pfn"). */
static void entry_line(FILE *out, const mmusim_config *cfg, const mmusim_walk_step *s, const char *indent,
		       const char *name)
{
	mmusim_pte_layout l;
	uint64_t frame, valid;

	mmusim_config_pte_layout(cfg, &l);
	frame = (s->pte >> l.frame_shift) & (l.frame_width >= 64 ? UINT64_MAX : (1ull << l.frame_width) - 1);
	valid = (s->pte >> l.valid) & 1;
	fprintf(out, "%s--> %s index:0x%x [decimal %u] %s contents:0x%" PRIx64 " (valid %u, pfn 0x%02" PRIx64
		" [decimal %" PRIu64 "])\n", indent, name, s->index, s->index, name, s->pte, (unsigned)valid, frame,
		frame);
}

void ostep_answer_write(FILE *out, mmusim_machine *m, const mmusim_request *req, const mmusim_translation *res)
{
	const mmusim_config *cfg = mmusim_machine_config(m);
	bool bus_error = !res->ok && res->fault_kind == MMUSIM_FAULT_BUS_ERROR;
	uint64_t value;

	if (mmusim_config_levels(cfg) == 1) {
		ostep_linear_answer_write(out, m, req, res);
		return;
	}
	fprintf(out, "Virtual Address 0x%04" PRIx64 ":\n", req->va);
	for (unsigned i = 0; i < res->nr_steps; i++) {
		const mmusim_walk_step *s = &res->steps[i];
		if (bus_error && s->level == res->fault_level) /* not read: there is nothing to show */
			continue;
		entry_line(out, cfg, s, i ? "    " : "  ", s->level == 2 ? "pde" : "pte");
	}
	if (res->ok && mmusim_mem_read(m, res->pa, 1, &value) == MMUSIM_OK)
		fprintf(out, "      --> Translates to Physical Address 0x%03" PRIx64 " --> Value: 0x%02" PRIx64 "\n",
			res->pa, value);
	else if (res->ok)
		fprintf(out, "      --> Translates to Physical Address 0x%03" PRIx64 " --> Value: none (not in the dump)\n",
			res->pa);
	else if (res->fault_kind == MMUSIM_FAULT_NOT_PRESENT)
		fprintf(out, "      --> Fault (page %s entry not valid)\n", res->fault_level == 2 ? "directory" : "table");
	else if (bus_error)
		/* Not a question the homework asks: its dump has every page. */
		fprintf(out, "      --> Fault (the page %s entry's address 0x%03" PRIx64 " is not in the dump)\n",
			res->fault_level == 2 ? "directory" : "table", res->steps[res->nr_steps - 1].pte_addr);
	else if (res->fault_kind == MMUSIM_FAULT_NON_CANONICAL)
		fprintf(out, "      --> Fault (the VA does not fit in %u bits)\n", mmusim_config_va_bits(cfg));
	else
		fprintf(out, "      --> Fault (%s at level %u: %s)\n", mmusim_fault_kind_name(res->fault_kind),
			res->fault_level, mmusim_fault_reason_text(res->fault_reason));
}
