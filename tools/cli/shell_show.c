/*
 * shell_show: the page-table tree in the shell, drawn by the same code as
 * `mmusim show` (tree.c, tree_text.c), with its --depth and --range.  The
 * options are parsed here because view_options reports to stderr itself; the
 * shell wants the message back, to print with its line number.
 */
#include "shell_show.h"

#include <string.h>

#include "cli_errors.h"
#include "draw.h"
#include "tree.h"
#include "view_options.h"

/* The option's value: "--depth 2" (two words) or "--depth=2". */
static const char *option_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (strcmp(argv[*i], name) == 0)
		return *i + 1 < argc ? argv[++*i] : "";
	if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=')
		return argv[*i] + n + 1;
	return NULL;
}

static int parse_range(const char *s, struct tree_options *t, mmusim_error *err)
{
	const char *dash = strchr(s, '-');
	char start[64];
	uint64_t a, b;

	if (!dash || dash == s || !dash[1] || (size_t)(dash - s) >= sizeof(start))
		return cli_set_error(err, MMUSIM_EINVAL, "bad --range '%s' (expected START-END, e.g. 0x400000-0x600000)", s);
	memcpy(start, s, (size_t)(dash - s));
	start[dash - s] = '\0';
	if (mmusim_parse_number(start, false, &a, NULL) != MMUSIM_OK ||
	    mmusim_parse_number(dash + 1, false, &b, NULL) != MMUSIM_OK)
		return cli_set_error(err, MMUSIM_EINVAL, "bad --range '%s' (expected START-END, e.g. 0x400000-0x600000)", s);
	if (b <= a)
		return cli_set_error(err, MMUSIM_EINVAL, "bad --range '%s': END must be above START", s);
	t->from = a;
	t->to = b - 1;
	return MMUSIM_OK;
}

int shell_show(FILE *out, mmusim_machine *m, int argc, char **argv, mmusim_error *err)
{
	const mmusim_config *cfg = mmusim_machine_config(m);
	struct view_options o;
	struct walk_marks none = { 0 };
	struct tree t;
	const char *v;
	int rc;

	view_options_init(&o);
	for (int i = 1; i < argc; i++) {
		if ((v = option_value(argc, argv, &i, "--depth"))) {
			uint64_t d;
			if (mmusim_parse_number(v, false, &d, NULL) != MMUSIM_OK || d == 0 || d > MMUSIM_MAX_LEVELS)
				return cli_set_error(err, MMUSIM_EINVAL,
						     "bad --depth '%s' (expected a number of levels from 1 to %d)", v,
						     MMUSIM_MAX_LEVELS);
			o.depth = v;
			o.tree.depth = (unsigned)d;
		} else if ((v = option_value(argc, argv, &i, "--range"))) {
			if ((rc = parse_range(v, &o.tree, err)))
				return rc;
		} else {
			return cli_set_error(err, MMUSIM_EINVAL, "usage: show [--depth N] [--range START-END]");
		}
	}
	if ((rc = view_options_resolve(&o, cfg, err)) || (rc = tree_build_machine(&t, m, &o.tree, err)))
		return rc;
	tree_write_text(out, cfg, &t, &none);
	tree_free(&t);
	return MMUSIM_OK;
}
