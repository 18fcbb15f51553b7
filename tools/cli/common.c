/* cli common: building an internal machine from --setup / --map, for the commands not yet on the API. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/number.h"
#include "sim/trace_text.h"

int cli_fail(const struct mm_error *err)
{
	fprintf(stderr, "mmusim: %s\n", err->msg);
	return EXIT_BAD_INPUT;
}

/* What --setup lines change besides the page tables. */
struct setup_state {
	struct machine *m;
	enum privilege priv;
};

/*
 * Applies one trace command.  asid switches the current address space; cpu
 * and flush only matter to TLBs, which translate does not model.
 */
static int apply_cmd(void *arg, const struct trace_event *cmd, struct mm_error *err)
{
	struct setup_state *st = arg;
	struct machine *m = st->m;

	switch ((enum trace_op)cmd->op) {
	case TRACE_MAP:
		return machine_map(m, cmd->va, cmd->pa, cmd->len, &cmd->prop, err);
	case TRACE_UNMAP:
		return machine_unmap(m, cmd->va, cmd->len, err);
	case TRACE_PROTECT:
		return machine_protect(m, cmd->va, cmd->len, &cmd->prop, err);
	case TRACE_ACCESS: {
		/* Sets A/D as the hardware would; a fault here is part of the story, not an error. */
		struct walk_request req = { .va = cmd->va, .access = cmd->access, .priv = st->priv };
		struct walk_result res;
		machine_walk(m, &req, &res);
		return MM_OK;
	}
	case TRACE_ASID:
		return machine_switch(m, (uint16_t)cmd->n, err);
	case TRACE_PRIV:
		st->priv = (enum privilege)cmd->n;
		return MM_OK;
	case TRACE_CPU:
	case TRACE_FLUSH:
		return MM_OK;
	}
	return MM_OK;
}

static int apply_setup(struct setup_state *st, const struct setup_item *s, int map_index,
		       struct mm_error *err)
{
	if (s->is_map) {
		char line[512];
		struct trace_event cmd;
		int r;

		/* --map takes the map command's fields: 'VA PA LEN FLAGS [cache=..]'. */
		if (snprintf(line, sizeof(line), "map %s", s->text) >= (int)sizeof(line)) {
			mm_error_set(err, MM_EINVAL, "--map:%d: argument too long", map_index);
			return MM_EINVAL;
		}
		r = trace_parse_line(line, &cmd, err);
		if (r == 0)
			mm_error_set(err, MM_EINVAL, "missing field: usage is 'VA PA LEN FLAGS [cache=..]'");
		if (r <= 0 || apply_cmd(st, &cmd, err) != MM_OK) {
			mm_error_prefix(err, "--map:%d", map_index);
			return err->code ? err->code : MM_EINVAL;
		}
		return MM_OK;
	}
	FILE *f = fopen(s->text, "r");
	int rc;

	if (!f)
		return mm_error_set(err, MM_EIO, "%s: cannot open: %s", s->text, strerror(errno));
	rc = trace_text_read(f, s->text, apply_cmd, st, err);
	fclose(f);
	return rc;
}

int cli_build_machine(const struct cli *cli, struct machine **out, struct mm_error *err)
{
	struct machine_config cfg;
	struct machine *m;
	int rc, maps = 0;

	if ((rc = config_load(cli->config ? cli->config : "x86_64", &cfg, err)))
		return rc;
	if ((rc = machine_create(&cfg, &m, err)))
		return rc;
	struct setup_state st = { .m = m, .priv = PRIV_USER };
	for (int i = 0; i < cli->nr_setup; i++) {
		if (cli->setup[i].is_map)
			maps++;
		if ((rc = apply_setup(&st, &cli->setup[i], maps, err))) {
			machine_destroy(m);
			return rc;
		}
	}
	*out = m;
	return MM_OK;
}

int cli_parse_va(const char *s, uint64_t *va, struct mm_error *err)
{
	switch (number_parse(s, false, va)) {
	case NUMBER_OK:
		return MM_OK;
	case NUMBER_OVERFLOW:
		return mm_error_set(err, MM_EINVAL, "VA '%s' does not fit in 64 bits", s);
	default:
		return mm_error_set(err, MM_EINVAL, "bad VA '%s' (expected decimal or 0x-hex)", s);
	}
}

