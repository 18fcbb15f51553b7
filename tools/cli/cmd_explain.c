/*
 * mmusim explain: each VA's walk told level by level (see explain_text.c),
 * in colour when stdout is a terminal and NO_COLOR is not set, or as
 * --color=always|never|auto says.
 */
#include "commands.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_errors.h"
#include "cli_machine.h"
#include "cli_options.h"
#include "explain_grid.h"
#include "explain_text.h"

static const char explain_help[] =
	"usage: mmusim [--config NAME|FILE] explain [options] VA...\n"
	"\n"
	"Draws each VA as its bit fields (sign extension, one index per level, offset),\n"
	"then walks it: per level the table, the PTE's address, its raw value and bits;\n"
	"then the physical address, or the rule that faulted and the bits that did it.\n"
	"\n"
	"options:\n"
	"  --access r|w|x       the access to explain (default r)\n"
	"  --user | --supervisor   the privilege (default user); --ac: x86 EFLAGS.AC=1\n"
	"  --color=always|never|auto   ANSI colours (default auto: when stdout is a\n"
	"                       terminal and NO_COLOR is not set)\n"
	"  --setup TRACE, --map 'VA PA LEN FLAGS'   build page tables first\n"
	"  --image FILE [--image-base PA] [--root PA | --cr3 V | --satp V | --ttbr0 V]\n"
	"                [--ttbr1 V] [--tcr V]   (AArch64: TTBR1_EL1, TCR_EL1)\n"
	"                [--stage2-root PA | --hgatp V | --eptp V | --ncr3 V | --vttbr V]\n"
	"                       walk the page tables inside a physical-memory image\n";

static int parse_color(const char *v, bool *on)
{
	if (strcmp(v, "always") == 0)
		*on = true;
	else if (strcmp(v, "never") == 0)
		*on = false;
	else if (strcmp(v, "auto") == 0) {
		const char *no = getenv("NO_COLOR");
		*on = isatty(1) && !(no && *no);
	} else
		return cli_usage_error("bad --color '%s' (expected always, never or auto)", v);
	return EXIT_OK;
}

static void print_explained(void *palette, mmusim_machine *m, int i, const mmusim_request *req,
			    const mmusim_translation *res, const mmusim_nested_translation *vm)
{
	if (i)
		fputc('\n', stdout);
	if (vm) {
		explain_grid_write(stdout, m, req, vm, palette);
		return;
	}
	explain_write(stdout, mmusim_machine_config(m), req, mmusim_root(m), mmusim_upper_root(m), mmusim_current_asid(m), res, m, palette);
}

int cmd_explain(struct cli *cli, struct args *a)
{
	mmusim_request req = { .access = MMUSIM_READ, .priv = MMUSIM_USER };
	const char *color = "auto";
	const char **vas = calloc((size_t)a->argc + 1, sizeof(*vas));
	int nr = 0, r, rc;
	struct palette pal;
	bool on = false;

	if (!vas)
		return EXIT_INTERNAL;
	while (a->i < a->argc) {
		if (args_help(a)) {
			fputs(explain_help, stdout);
			free(vas);
			return EXIT_OK;
		}
		if ((r = cli_common_option(cli, a)) != 0 || (r = cli_request_option(&req, a)) != 0 ||
		    (r = args_value(a, "--color", &color)) != 0) {
			if (r < 0)
				goto bad;
			continue;
		}
		if (cli_va_operand(a, "explain", vas, &nr) < 0)
			goto bad;
	}
	if (nr == 0) {
		cli_usage_error("explain: no VA given (see mmusim explain --help)");
		goto bad;
	}
	if (parse_color(color, &on) != EXIT_OK)
		goto bad;
	if (cli->json) {
		cli_usage_error("explain: no JSON form; 'mmusim --json translate --explain VA' gives the walk's steps");
		goto bad;
	}
	palette_init(&pal, on);
	rc = cli_translate_vas(cli, req, vas, nr, print_explained, &pal);
	free(vas);
	return rc;
bad:
	free(vas);
	return EXIT_BAD_INPUT;
}
