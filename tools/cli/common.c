/* cli common: option parsing helpers and building the machine from --setup / --map. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim/number.h"
#include "sim/trace_text.h"

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("mmusim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_BAD_INPUT;
}

int cli_fail(const struct mm_error *err)
{
	fprintf(stderr, "mmusim: %s\n", err->msg);
	return EXIT_BAD_INPUT;
}

int args_value(struct args *a, const char *name, const char **value)
{
	const char *arg = a->argv[a->i];
	size_t n = strlen(name);

	if (strncmp(arg, name, n) != 0)
		return 0;
	if (arg[n] == '=') {
		*value = arg + n + 1;
		a->i++;
		return 1;
	}
	if (arg[n] != '\0')
		return 0;
	if (a->i + 1 >= a->argc) {
		cli_usage_error("option %s needs a value (see mmusim --help)", name);
		return -1;
	}
	*value = a->argv[a->i + 1];
	a->i += 2;
	return 1;
}

bool args_flag(struct args *a, const char *name)
{
	if (strcmp(a->argv[a->i], name) != 0)
		return false;
	a->i++;
	return true;
}

static int add_setup(struct cli *cli, bool is_map, const char *text)
{
	struct setup_item *s = realloc(cli->setup, (size_t)(cli->nr_setup + 1) * sizeof(*s));

	if (!s) {
		fputs("mmusim: out of memory\n", stderr);
		return -1;
	}
	cli->setup = s;
	cli->setup[cli->nr_setup++] = (struct setup_item){ .is_map = is_map, .text = text };
	return 1;
}

int cli_common_option(struct cli *cli, struct args *a)
{
	const char *v;
	int r;

	if ((r = args_value(a, "--config", &v)) != 0) {
		cli->config = v;
		return r;
	}
	if (args_flag(a, "--json")) {
		cli->json = true;
		return 1;
	}
	if ((r = args_value(a, "--setup", &v)) != 0)
		return r < 0 ? r : add_setup(cli, false, v);
	if ((r = args_value(a, "--map", &v)) != 0)
		return r < 0 ? r : add_setup(cli, true, v);
	if ((r = args_value(a, "--image", &cli->image)) != 0 ||
	    (r = args_value(a, "--image-base", &cli->image_base)) != 0 ||
	    (r = args_value(a, "--root", &cli->root)) != 0)
		return r;
	static const char *const regs[] = { "cr3", "satp" };
	for (unsigned i = 0; i < 2; i++) {
		char opt[8];
		snprintf(opt, sizeof(opt), "--%s", regs[i]);
		if ((r = args_value(a, opt, &v)) != 0) {
			cli->root_reg = v;
			cli->root_reg_name = regs[i];
			return r;
		}
	}
	return 0;
}

void cli_free(struct cli *cli)
{
	free(cli->setup);
	cli->setup = NULL;
	cli->nr_setup = 0;
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

void format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	unsigned u = 0;
	uint64_t v = bytes;

	if (bytes == 0 || bytes % 1024) {
		snprintf(buf, len, "%llu", (unsigned long long)bytes);
		return;
	}
	while (v % 1024 == 0 && v >= 1024 && u < sizeof(units) - 1) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%llu%c", (unsigned long long)v, units[u - 1]);
}

/* A JSON string literal, escaped. */
void json_write_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

void format_page_size(uint64_t bytes, char *buf, size_t len)
{
	if (bytes % 1024)
		snprintf(buf, len, "%llu-byte", (unsigned long long)bytes);
	else
		format_size(bytes, buf, len);
}
