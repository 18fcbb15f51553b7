/*
 * ostep_linear_answer: a walk of a one-level toy MMU told as the -c answer
 * key of OSTEP's paging-linear-translate.py prints it (see ostep_answer.h).
 */
#include "ostep_answer.h"

#include <inttypes.h>

void ostep_linear_answer_write(FILE *out, mmusim_machine *m, const mmusim_request *req, const mmusim_translation *res)
{
	const mmusim_config *cfg = mmusim_machine_config(m);
	uint64_t va = req->va, vpn = va / mmusim_config_page_size(cfg);

	/* The script's own format: %08x and %8d. */
	fprintf(out, "  VA 0x%08" PRIx64 " (decimal: %8" PRIu64 ") --> ", va, va);
	if (res->ok)
		fprintf(out, "%08" PRIx64 " (decimal %8" PRIu64 ") [VPN %" PRIu64 "]\n", res->pa, res->pa, vpn);
	else if (res->fault_kind == MMUSIM_FAULT_NOT_PRESENT)
		fprintf(out, " Invalid (VPN %" PRIu64 " not valid)\n", vpn);
	else if (res->fault_kind == MMUSIM_FAULT_NON_CANONICAL)
		/* Not a question the homework asks: its VAs are all inside the address space. */
		fprintf(out, " Invalid (the VA does not fit in %u bits)\n", mmusim_config_va_bits(cfg));
	else
		fprintf(out, " Invalid (%s at level %u: %s)\n", mmusim_fault_kind_name(res->fault_kind), res->fault_level,
			mmusim_fault_reason_text(res->fault_reason));
}
