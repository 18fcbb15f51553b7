/*
 * cli: what the mmusim subcommands share — parsed common options, building
 * the machine from --config / --setup / --map, and output helpers.
 *
 * Exit status: 0 success (a fault is a successful answer), 2 bad input, 1
 * internal error.  Errors go to stderr as one line "mmusim: message".
 */
#ifndef MMUSIM_TOOLS_CLI_H
#define MMUSIM_TOOLS_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "pt/mm_error.h"
#include "sim/image.h"
#include "sim/machine.h"
#include "sim/replay.h"

#include "cli_api.h"

/*
 * What translate and mappings look at: the machine built from --setup/--map,
 * or the page tables inside a physical-memory image (--image).
 */
struct view {
	struct machine_config cfg;
	struct machine *m;          /* the built machine; NULL for an image */
	struct image *img;
	struct pt_mem img_mem;
	struct walker walker;
	uint64_t root;              /* root of the address space looked at */
	struct page_table *pt;      /* the same, for iteration */
	struct page_table *attached;
};

int cli_open_view(const struct cli *cli, struct view *v, struct mm_error *err);
void cli_close_view(struct view *v);

/* Prints "mmusim: msg" to stderr; returns EXIT_BAD_INPUT or EXIT_INTERNAL by err->code. */
int cli_fail(const struct mm_error *err);

/* Loads the config, creates the machine and applies --setup / --map in order. */
int cli_build_machine(const struct cli *cli, struct machine **out, struct mm_error *err);
/* Parses a VA given on the command line. */
int cli_parse_va(const char *s, uint64_t *va, struct mm_error *err);

/* replay_summary_report for an internal replay (report_bridge.c, until every replay is on the API). */
void replay_report(FILE *out, bool json, const struct replay *r, const struct replay_report_info *info);
struct palette;
struct tree;
struct tree_options;
/* An inspect-only (no A/D updates) walk request for `va` from root, with req's access and privilege. */
struct walk_request walk_request_from_public(const mmusim_request *req, uint64_t root, uint64_t va);
/* Walks req with w and gives the result as the public API's. */
void walk_to_public(const struct walker *w, const struct walk_request *req, mmusim_translation *out);
/* tree_build over a walker's memory (report --html, whose replay is internal); cfg is the same config's. */
int tree_build_internal(struct tree *t, const mmusim_config *cfg, const struct walker *w, uint64_t root,
			const struct tree_options *opt, mmusim_error *err);
/* explain_write for an internal walk (walk_bridge.c, until report --html is on the API); config as --config. */
void explain_write_internal(FILE *out, const char *config, const struct walk_request *req,
			    const struct walk_result *res, const struct palette *pal);

#endif
