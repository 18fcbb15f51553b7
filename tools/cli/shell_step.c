/* shell_step: a walk told one level at a time (see shell_step.h), in explain's words (explain_text.c). */
#include "shell_step.h"

#include "cli_errors.h"
#include "explain_text.h"

static void finish(struct shell_step *s, FILE *out, const mmusim_config *cfg, const struct palette *pal)
{
	explain_result(out, cfg, &s->req, &s->walk, pal);
	s->active = false;
}

void shell_step_start(struct shell_step *s, FILE *out, mmusim_machine *m, const mmusim_request *req)
{
	const mmusim_config *cfg = mmusim_machine_config(m);
	struct palette plain;

	palette_init(&plain, false);
	s->req = *req;
	s->req.no_ad_update = true;
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
	explain_level(out, cfg, &s->walk, s->printed++, &plain);
	if (s->printed == s->walk.nr_steps)
		finish(s, out, cfg, &plain);
	return MMUSIM_OK;
}
