/* shell_step: a walk told one level at a time (see shell_step.h), in explain's words (explain_text.c). */
#include "shell_step.h"

#include <inttypes.h>
#include <stdlib.h>

#include "cli_errors.h"
#include "explain_grid.h"
#include "explain_text.h"

static void finish(struct shell_step *s, FILE *out, const mmusim_config *cfg, const struct palette *pal)
{
	if (!s->stage2_stopped)
		explain_result(out, cfg, &s->req, &s->walk, NULL, pal);
	if (s->after[0])
		fprintf(out, "%s\n", s->after);
	s->active = false;
}

/* On a VM, the guest's walk and what the two stages answer; false (nothing done) on one stage. */
static bool walk_vm(struct shell_step *s, mmusim_machine *m)
{
	mmusim_nested_translation *n;

	if (!mmusim_machine_is_vm(m) || !(n = malloc(sizeof(*n))))
		return false;
	if (mmusim_translate_nested(m, &s->req, n) != MMUSIM_OK) {
		free(n);
		return false;
	}
	s->walk = n->guest;
	s->stage2_stopped = explain_grid_guest_stopped(n);
	if (n->ok) {
		char perms[6];
		/* The guest's perms are stage 1's; the access gets what both stages allow (explain's last line). */
		mmusim_perms_string(n->combined.perms, perms);
		snprintf(s->after, sizeof(s->after), "host PA 0x%" PRIx64 " (GPA 0x%" PRIx64 "; perms %s with both stages)",
			 n->hpa, n->gpa, perms);
	}
	else if (n->fault_stage == MMUSIM_STAGE_HOST_TABLE || n->fault_stage == MMUSIM_STAGE_HOST_FINAL)
		snprintf(s->after, sizeof(s->after), "stage-2 fault on the %s GPA 0x%" PRIx64 ": %s",
			 n->fault_stage == MMUSIM_STAGE_HOST_TABLE ? "guest page-table" : "final", n->fault_gpa,
			 n->report_text);
	free(n);
	return true;
}

void shell_step_start(struct shell_step *s, FILE *out, mmusim_machine *m, const mmusim_request *req)
{
	const mmusim_config *cfg = mmusim_machine_config(m);
	struct palette plain;

	palette_init(&plain, false);
	s->req = *req;
	s->req.no_ad_update = true;
	s->stage2_stopped = false;
	s->after[0] = '\0';
	if (!walk_vm(s, m))
		mmusim_translate(m, &s->req, &s->walk);
	s->printed = 0;
	s->active = true;
	explain_head(out, "step", cfg, &s->req, mmusim_root(m), mmusim_upper_root(m), mmusim_current_asid(m), &s->walk,
		     &plain);
	if (s->walk.nr_steps == 0)
		finish(s, out, cfg, &plain);
	else
		fprintf(out, "(%u level%s to read: 'next' reads one)\n", s->walk.nr_steps,
			s->walk.nr_steps == 1 ? "" : "s");
}

int shell_step_next(struct shell_step *s, FILE *out, const mmusim_config *cfg, mmusim_error *err)
{
	struct palette plain;

	if (!s->active)
		return cli_set_error(err, MMUSIM_EINVAL, "no step in progress (start one with 'step VA [r|w|x]')");
	palette_init(&plain, false);
	if (s->stage2_stopped && s->printed + 1 == s->walk.nr_steps)
		explain_level_stage2_refused(out, cfg, &s->walk, s->printed++, &plain);
	else
		explain_level(out, cfg, &s->walk, s->printed++, &plain);
	if (s->printed == s->walk.nr_steps)
		finish(s, out, cfg, &plain);
	return MMUSIM_OK;
}
