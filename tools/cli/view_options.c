/* view_options: parsing the walk and tree options of explain, show and report. */
#include "view_options.h"

#include <inttypes.h>
#include <string.h>

#include "cli_errors.h"
#include "root_halves.h"

void view_options_init(struct view_options *o)
{
	memset(o, 0, sizeof(*o));
	o->req = (mmusim_request){ .access = MMUSIM_READ, .priv = MMUSIM_USER };
	o->tree.from = 0;
	o->tree.to = UINT64_MAX;
}

static int parse_va_opt(const char *opt, const char *s, uint64_t *va)
{
	mmusim_error err = { 0 };

	if (cli_parse_va(s, va, &err)) {
		cli_usage_error("%s: %s", opt, err.message);
		return -1;
	}
	return 1;
}

/* --range START-END: END exclusive, as mappings prints ranges. */
static int parse_range(struct view_options *o, const char *s)
{
	char start[64], end[64];
	const char *dash = strchr(s, '-');
	uint64_t a, b;

	if (!dash || (size_t)(dash - s) >= sizeof(start) || strlen(dash + 1) >= sizeof(end) ||
	    dash == s || !dash[1]) {
		cli_usage_error("bad --range '%s' (expected START-END, e.g. 0x400000-0x600000)", s);
		return -1;
	}
	memcpy(start, s, (size_t)(dash - s));
	start[dash - s] = '\0';
	strcpy(end, dash + 1);
	if (mmusim_parse_number(start, false, &a, NULL) != MMUSIM_OK ||
	    mmusim_parse_number(end, false, &b, NULL) != MMUSIM_OK) {
		cli_usage_error("bad --range '%s' (expected START-END, e.g. 0x400000-0x600000)", s);
		return -1;
	}
	if (b <= a) {
		cli_usage_error("bad --range '%s': END must be above START", s);
		return -1;
	}
	o->tree.from = a;
	o->tree.to = b - 1;
	o->range_given = true;
	return 1;
}

int view_option(struct view_options *o, struct args *a, bool tree_opts)
{
	const char *v;
	int r;

	if ((r = cli_request_option(&o->req, a)) != 0)
		return r;
	if (!tree_opts)
		return 0;
	if ((r = args_value(a, "--va", &v)) != 0) {
		if (r < 0)
			return -1;
		if (o->nr_va == DRAW_MAX_WALKS) {
			cli_usage_error("too many --va (at most %d)", DRAW_MAX_WALKS);
			return -1;
		}
		return parse_va_opt("--va", v, &o->va[o->nr_va++]);
	}
	if ((r = args_value(a, "--depth", &v)) != 0) {
		uint64_t d;
		if (r < 0)
			return -1;
		if (mmusim_parse_number(v, false, &d, NULL) != MMUSIM_OK || d == 0 || d > MMUSIM_MAX_LEVELS) {
			cli_usage_error("bad --depth '%s' (expected a number of levels from 1 to %d)", v, MMUSIM_MAX_LEVELS);
			return -1;
		}
		o->depth = v;
		o->tree.depth = (unsigned)d;
		return 1;
	}
	if ((r = args_value(a, "--range", &v)) != 0)
		return r < 0 ? -1 : parse_range(o, v);
	if ((r = args_value(a, "--from", &v)) != 0) {
		o->range_given = true;
		return r < 0 ? -1 : parse_va_opt("--from", v, &o->tree.from);
	}
	if ((r = args_value(a, "--to", &v)) != 0) {
		uint64_t to;
		if (r < 0 || parse_va_opt("--to", v, &to) < 0)
			return -1;
		if (to == 0) {
			cli_usage_error("bad --to '%s': the range would be empty", v);
			return -1;
		}
		o->range_given = true;
		o->tree.to = to - 1;
		return 1;
	}
	return 0;
}

int view_options_resolve(struct view_options *o, const mmusim_config *cfg, mmusim_error *err)
{
	/* Depth counts from each root's top level: the deeper half's table bounds it. */
	unsigned levels = deepest_half_levels(cfg);

	if (o->tree.from > o->tree.to)
		return cli_set_error(err, MMUSIM_EINVAL, "bad range: --to 0x%" PRIx64 " is not above --from 0x%" PRIx64,
					 o->tree.to + 1, o->tree.from);
	if (!o->depth)
		o->tree.depth = levels;
	else if (o->tree.depth > levels)
		return cli_set_error(err, MMUSIM_EINVAL, "bad --depth '%s': %s has %u level%s", o->depth,
					 mmusim_config_name(cfg), levels, levels == 1 ? "" : "s");
	return MMUSIM_OK;
}

void view_mark_walks(const struct view_options *o, mmusim_machine *m, struct tree *t)
{
	for (unsigned k = 0; k < o->nr_va; k++) {
		mmusim_request req = o->req;
		mmusim_translation res;

		req.va = o->va[k];
		req.no_ad_update = true;
		mmusim_translate(m, &req, &res);
		tree_mark_walk(t, &res, k);
	}
}
