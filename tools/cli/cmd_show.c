/*
 * mmusim show: the page-table tree of the current address space — as text
 * (one line per present entry, indented by level), as Graphviz DOT (--dot)
 * or rendered to SVG by Graphviz (--svg FILE) — limited by --depth and a VA
 * range, with the walk of each --va marked.
 */
#define _POSIX_C_SOURCE 200809L
#include "commands.h"

#include <stdlib.h>
#include <string.h>

#include "cli_errors.h"
#include "cli_machine.h"
#include "cli_options.h"
#include "cli_output.h"
#include "draw.h"
#include "graphviz.h"
#include "view_options.h"

static const char show_help[] =
	"usage: mmusim [--config NAME|FILE] show [options]\n"
	"\n"
	"Prints the page-table tree: one line per present entry, indented by level, with\n"
	"its index, raw value, decoded bits and what it points to.  A run of leaves with\n"
	"consecutive indexes, the same bits and contiguous frames is one line with a count.\n"
	"\n"
	"options:\n"
	"  --depth N            show N levels from the top (default: all)\n"
	"  --range START-END    only entries that map part of [START, END)\n"
	"  --from START, --to END   the same, one end at a time\n"
	"  --va VA              mark the entries the walk of VA reads (repeatable)\n"
	"  --access r|w|x, --user, --supervisor   the access those walks make\n"
	"  --json               one JSON object per line (level, table, index, count, pte,\n"
	"                       bits, kind, addr, va, va_last, page_size, parent, walks)\n"
	"  --dot                Graphviz DOT instead of text, the walks highlighted\n"
	"  --svg FILE           render the DOT to FILE with Graphviz (needs 'dot')\n"
	"  --setup TRACE, --map 'VA PA LEN FLAGS'   build page tables first\n"
	"  --image FILE [--image-base PA] [--root PA | --cr3 V | --satp V | --ttbr0 V]\n"
	"                [--ttbr1 V] [--tcr V]   (AArch64: TTBR1_EL1, TCR_EL1)\n"
	"                [--stage2-root PA | --hgatp V | --eptp V | --ncr3 V | --vttbr V]\n"
	"                       show the page tables inside a physical-memory image\n";

int cmd_show(struct cli *cli, struct args *a)
{
	struct view_options o;
	bool dot = false;
	const char *svg = NULL;
	mmusim_error err = { 0 };
	mmusim_machine *m;
	struct tree t;
	int r, rc = EXIT_OK;

	view_options_init(&o);
	while (a->i < a->argc) {
		const char *arg = a->argv[a->i];

		if (args_help(a)) {
			fputs(show_help, stdout);
			return EXIT_OK;
		}
		if ((r = cli_common_option(cli, a)) != 0 || (r = view_option(&o, a, true)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			continue;
		}
		if (args_flag(a, "--dot")) {
			dot = true;
			continue;
		}
		if ((r = args_value(a, "--svg", &svg)) != 0) {
			if (r < 0)
				return EXIT_BAD_INPUT;
			continue;
		}
		return cli_usage_error("show: unexpected argument '%s' (see mmusim show --help)", arg);
	}
	if ((dot && svg) || (cli->json && (dot || svg)))
		return cli_usage_error("show: give one of --json, --dot and --svg FILE");
	if (svg && !graphviz_available())
		return cli_usage_error("show: --svg needs Graphviz's 'dot' on PATH (apt-get install graphviz), "
				       "or use --dot and render it elsewhere");
	if (svg && (rc = cli_output_check(cli, svg, NULL, 0)) != EXIT_OK)
		return rc;
	if (cli_open_machine(cli, &m, &err))
		return cli_fail(&err);
	const mmusim_config *cfg = mmusim_machine_config(m);
	if (view_options_resolve(&o, cfg, &err) || tree_build_machine(&t, m, &o.tree, &err)) {
		mmusim_machine_destroy(m);
		return cli_fail(&err);
	}
	view_mark_walks(&o, m, &t);
	struct walk_marks marks = { .va = o.va, .nr = o.nr_va };
	if (svg) {
		char *text = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&text, &len);
		mmusim_output *out = NULL;
		if (!mem) {
			rc = EXIT_INTERNAL;
		} else {
			tree_write_dot(mem, cfg, &t, &marks);
			fclose(mem);
			if ((rc = cli_output_open(cli, svg, NULL, 0, &out)) == EXIT_OK) {
				if (graphviz_render_svg(text, len, mmusim_output_fd(out), svg, &err)) {
					mmusim_output_abort(out);
					rc = cli_output_fail(&err);
				} else {
					rc = cli_output_commit(out);
				}
			}
		}
		free(text);
	} else if (cli->json) {
		tree_write_json(stdout, cfg, &t, &marks);
	} else if (dot) {
		tree_write_dot(stdout, cfg, &t, &marks);
	} else {
		tree_write_text(stdout, cfg, &t, &marks);
	}
	tree_free(&t);
	mmusim_machine_destroy(m);
	return rc;
}
