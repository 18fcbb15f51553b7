/*
 * shell_step: the shell's `step VA [r|w|x]` and `next` — the explain text of
 * one walk handed out a level at a time, for a class to follow.
 */
#ifndef MMUSIM_CLI_SHELL_STEP_H
#define MMUSIM_CLI_SHELL_STEP_H

#include <stdbool.h>
#include <stdio.h>

#include <mmusim.h>

/*
 * A walk being stepped through.  It is made whole when the step starts (an
 * inspect-only walk: A/D bits stay as they are), so what each `next` prints
 * is the table as it was then.
 */
struct shell_step {
	bool active;
	mmusim_request req;
	mmusim_translation walk;
	unsigned printed;           /* levels printed so far */
	/*
	 * On a VM: walk is the guest's (at GPAs); stage2_stopped says its last
	 * step is an entry stage 2 would not translate, and after holds the
	 * two-stage answer (the host PA, or the stage-2 fault as the hypervisor
	 * is told it), printed after the guest's result.
	 */
	bool stage2_stopped;
	char after[400];
};

/*
 * Walks req on m and prints the header, the VA's bit fields and the root;
 * when nothing is to be read (a bad VA) the fault as well, and the step is
 * over at once.
 */
void shell_step_start(struct shell_step *s, FILE *out, mmusim_machine *m, const mmusim_request *req);
/*
 * Prints the next level; after the last one the PA or the fault, ending the
 * step.  MMUSIM_EINVAL with a message when no step is in progress.
 */
int shell_step_next(struct shell_step *s, FILE *out, const mmusim_config *cfg, mmusim_error *err);

#endif
