/*
 * view_options: the options explain, show and report share beyond the
 * common ones — the walk request (--access, --user, --supervisor, --ac), the
 * VAs to walk (--va), the depth and VA range of the tree (--depth, --range,
 * --from, --to).  Parsed and checked before anything is built, so bad input
 * costs nothing and prints nothing on stdout.
 */
#ifndef MMUSIM_TOOLS_VIEW_OPTIONS_H
#define MMUSIM_TOOLS_VIEW_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "cli_options.h"
#include "draw.h"
#include "tree.h"

struct view_options {
	mmusim_request req;         /* access and privilege of the walks */
	uint64_t va[DRAW_MAX_WALKS];
	unsigned nr_va;
	const char *depth;          /* as given; checked against the config */
	bool range_given;
	struct tree_options tree;
};

void view_options_init(struct view_options *o);
/*
 * Consumes one of: --access r|w|x, --user, --supervisor, --ac, and when
 * `tree_opts` also --va VA, --depth N, --range A-B, --from A, --to B.
 * Returns 1 if consumed, 0 if not ours, -1 after printing the error.
 */
int view_option(struct view_options *o, struct args *a, bool tree_opts);
/* Checks --depth against the config's levels; fills o->tree.depth. */
int view_options_resolve(struct view_options *o, const mmusim_config *cfg, mmusim_error *err);
/* Walks each --va on m (inspect only: no A/D updates) and marks its rows in t. */
void view_mark_walks(const struct view_options *o, mmusim_machine *m, struct tree *t);

#endif
