/* shell_detail: the shell's per-access line (see shell_detail.h). */
#include "shell_detail.h"

#include <inttypes.h>

void shell_detail_line(FILE *out, const mmusim_access_detail *d)
{
	static const char *const served[] = { "L1", "L2", "walk" };

	fputs("  mmu: ", out);
	if (d->rewalk != MMUSIM_REWALK_NONE)
		fprintf(out, "hit in %s, walked again (%s), ", d->tlb_name ? d->tlb_name : "?",
			d->rewalk == MMUSIM_REWALK_DIRTY ? "D clear" : "refused");
	if (d->served == MMUSIM_SERVED_NONE) {
		fputs("no TLB lookup or walk (the address is not canonical)", out);
	} else if (d->served != MMUSIM_SERVED_WALK) {
		fprintf(out, "hit in %s (%s TLB)", d->tlb_name ? d->tlb_name : "?", served[d->served]);
	} else {
		fprintf(out, "walk of %u read%s", d->nr_ptes, d->nr_ptes == 1 ? "" : "s");
		for (unsigned i = 0; i < d->nr_pwc; i++)
			fprintf(out, "%spwc L%u %s", i ? ", " : " (", d->pwc[i].level, d->pwc[i].hit ? "hit" : "miss");
		if (d->nr_pwc)
			fputc(')', out);
		for (unsigned i = 0; i < d->nr_ptes; i++)
			fprintf(out, ", PTE L%u 0x%" PRIx64 " from %s", d->pte[i].level, d->pte[i].addr, d->pte[i].from);
		if (d->set_accessed || d->set_dirty)
			fprintf(out, ", set %s%s", d->set_accessed ? "A" : "", d->set_dirty ? "D" : "");
	}
	if (d->paged_in)
		fputs(", faulted, paged in and retried", out);
	else if (!d->ok)
		fprintf(out, ", fault %s", mmusim_fault_kind_name(d->fault_kind));
	fprintf(out, ", %" PRIu64 " cycle%s\n", d->cycles, d->cycles == 1 ? "" : "s");
}
