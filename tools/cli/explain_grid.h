/*
 * explain_grid: a virtual machine's two-stage walk told for a student — the
 * guest's walk at guest-physical addresses, then the 2-D grid: one row per
 * GPA the walk needed (each guest entry's, then the final one), one column
 * per stage-2 level, every reference numbered in the order the hardware
 * makes it, and the host PA or the stage-2 fault as the hypervisor sees it.
 */
#ifndef MMUSIM_TOOLS_EXPLAIN_GRID_H
#define MMUSIM_TOOLS_EXPLAIN_GRID_H

#include <stdio.h>

#include <mmusim.h>

#include "explain_text.h"

void explain_grid_write(FILE *out, mmusim_machine *m, const mmusim_request *req,
			const mmusim_nested_translation *n, const struct palette *pal);

/*
 * Whether the guest walk stopped at an entry stage 2 would not translate
 * (its last step is then no entry read, and no fault of the guest's).
 */
bool explain_grid_guest_stopped(const mmusim_nested_translation *n);

/* translate's one line for a VM: the combined answer, the GPA, the references or the stage-2 report. */
void explain_grid_answer_line(FILE *out, const mmusim_machine *m, const mmusim_request *req,
			      const mmusim_nested_translation *n);

/* translate --json's fields for a VM, after the one-stage ones: "gpa", "references", "stage2_fault". */
void explain_grid_json(FILE *out, const mmusim_nested_translation *n);

#endif
